package gcpace

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

const mb = 1 << 20

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		name           string
		live, headroom uint64
		want           int
	}{
		{"off", 10 * mb, 0, 100},
		{"demo heap", 10 * mb, 64 * mb, 640},
		{"rounded up to at least the headroom", 3 * mb, 64 * mb, 2134},
		{"heap as large as the headroom", 64 * mb, 64 * mb, 100},
		{"large heap keeps the default", 2400 * mb, 64 * mb, 100},
		{"nearly empty heap is capped", 1024, 64 * mb, 5000},
		{"no reading", 0, 64 * mb, 5000},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Percent(c.live, c.headroom); got != c.want {
				t.Errorf("Percent(%d, %d) = %d, want %d", c.live, c.headroom, got, c.want)
			}
		})
	}
}

// fake records what a pacer sets for a sequence of live heaps.
type fake struct {
	live []uint64
	set  []int
	gogc int
}

func (f *fake) pacer(headroom uint64) *Pacer {
	f.gogc = 100
	return &Pacer{
		headroom: headroom,
		readLive: func() uint64 {
			v := f.live[0]
			if len(f.live) > 1 {
				f.live = f.live[1:]
			}
			return v
		},
		setPercent: func(p int) int {
			prev := f.gogc
			f.gogc = p
			f.set = append(f.set, p)
			return prev
		},
	}
}

// TestPercentIsTheSmallestSufficient checks, over many heaps, that a value strictly between
// the bounds gives at least the headroom and one less would not.
func TestPercentIsTheSmallestSufficient(t *testing.T) {
	const headroom = 64 * mb
	for live := uint64(13 * 1024); live < 200*mb; live = live*9/8 + 7 {
		p := uint64(Percent(live, headroom))
		if p == minPercent || p == maxPercent {
			continue
		}
		if live*p/100 < headroom-live/100 || live*(p-1)/100 >= headroom {
			t.Fatalf("Percent(%d) = %d: gives %d, one less gives %d, headroom %d", live, p, live*p/100, live*(p-1)/100, headroom)
		}
	}
}

func TestStepFollowsTheLiveHeap(t *testing.T) {
	f := &fake{live: []uint64{10 * mb, 10*mb + 1, 10.5 * mb, 20 * mb, 40 * mb, 200 * mb, 300 * mb, 10 * mb}}
	p := f.pacer(64 * mb)
	for range 8 {
		p.step()
	}
	// 10 MB: 640; +1 byte and 10.5 MB: within a tenth, not set again; 20 MB: 320; 40 MB: 160;
	// 200 and 300 MB: 100 once; back to 10 MB: 640.
	want := []int{640, 320, 160, 100, 640}
	if !equal(f.set, want) {
		t.Errorf("set %v, want %v", f.set, want)
	}
}

func TestRunRestoresWhatItFound(t *testing.T) {
	f := &fake{live: []uint64{10 * mb}}
	p := f.pacer(64 * mb)
	f.gogc = 250 // what the process had before
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.Run(ctx, time.Hour) // sets once, sees the end, puts 250 back
	if want := []int{640, 250}; !equal(f.set, want) {
		t.Errorf("set %v, want %v", f.set, want)
	}
}

func TestRunWithoutHeadroomLeavesGOGCAlone(t *testing.T) {
	f := &fake{live: []uint64{10 * mb}}
	p := f.pacer(0)
	p.Run(context.Background(), time.Millisecond) // returns at once, or the test times out
	if len(f.set) != 0 {
		t.Errorf("set %v with no headroom", f.set)
	}
}

// TestRealRuntime runs the pacer against the Go runtime: it must read a live heap, raise
// GOGC above the default for this small test heap, and put the old value back when stopped.
func TestRealRuntime(t *testing.T) {
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	runtime.GC() // the metric is 0 until a cycle has measured the heap
	p := New(64 * mb)
	if live := p.readLive(); live == 0 || live > 64*mb {
		t.Fatalf("live heap metric %s read as %d", liveHeap, live)
	}
	var set []int
	p.setPercent = func(x int) int { set = append(set, x); return debug.SetGCPercent(x) }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.Run(ctx, time.Hour)
	if len(set) != 2 || set[0] <= 100 || set[1] != 137 {
		t.Errorf("set %v, want a value over 100 for a heap under 64 MB, then 137 back", set)
	}
	if got := debug.SetGCPercent(before); got != 137 {
		t.Errorf("GOGC after Run = %d, want 137 back", got)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

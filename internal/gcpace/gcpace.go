// Package gcpace keeps a floor under the garbage collector's headroom while paxkit serves.
//
// Go's collector starts a cycle when the heap has grown by GOGC percent over what the last
// cycle found live. paxkit's live heap is small (10–20 MB with the demo data) while each
// request allocates tens of KB, so at the default GOGC=100 a loaded server collects every
// 10–20 MB allocated, many times a second, and marking took about a tenth of its CPU time
// (issue 10). A pacer raises GOGC while the live heap is small, so that at least Headroom
// bytes may be allocated between cycles, and lets it fall back to the default as the heap
// grows (a million stored customers keep GOGC=100 and their memory as before). The heap a
// busy server peaks at is then about live + Headroom instead of 2 × live.
package gcpace

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// liveHeap is the runtime metric the pacer follows: the heap the last cycle found live,
// which is what GOGC's percentage is applied to.
const liveHeap = "/gc/heap/live:bytes"

// Bounds of the GOGC values the pacer sets. Below 100 it would collect more often than Go
// does by default; above maxPercent a nearly empty heap would get a headroom it never needs.
const (
	minPercent = 100
	maxPercent = 5000
)

// Percent is the GOGC value that lets headroom bytes be allocated between cycles over a live
// heap of live bytes, within [100, 5000]. A headroom of 0 means Go's default, 100.
func Percent(live, headroom uint64) int {
	if headroom == 0 {
		return minPercent
	}
	if live == 0 {
		return maxPercent
	}
	p := (headroom*100 + live - 1) / live // rounded up: at least headroom
	switch {
	case p < minPercent:
		return minPercent
	case p > maxPercent:
		return maxPercent
	}
	return int(p)
}

// Pacer sets GOGC from the live heap. Build it with New; tests replace readLive and
// setPercent.
type Pacer struct {
	headroom   uint64
	readLive   func() uint64
	setPercent func(int) int // debug.SetGCPercent: sets, returns the previous value
	current    int           // the value last set; 0 before the first step
}

// New returns a pacer keeping headroom bytes of allocation between collections.
func New(headroom uint64) *Pacer {
	sample := []metrics.Sample{{Name: liveHeap}}
	return &Pacer{
		headroom: headroom,
		readLive: func() uint64 {
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return 0 // not reported by this runtime: Percent then gives the largest value
			}
			return sample[0].Value.Uint64()
		},
		setPercent: debug.SetGCPercent,
	}
}

// step sets GOGC for the live heap now. It leaves GOGC alone when the new value is within a
// tenth of the one set before: SetGCPercent stops the world, and the live heap moves a
// little with every cycle.
func (p *Pacer) step() {
	want := Percent(p.readLive(), p.headroom)
	if p.current != 0 {
		diff := want - p.current
		if diff < 0 {
			diff = -diff
		}
		if diff*10 < p.current {
			return
		}
	}
	p.setPercent(want)
	p.current = want
}

// Run paces the collector every interval until ctx ends, then puts back the GOGC value it
// found. It returns at once for a headroom of 0.
func (p *Pacer) Run(ctx context.Context, interval time.Duration) {
	if p.headroom == 0 {
		return
	}
	p.current = Percent(p.readLive(), p.headroom)
	previous := p.setPercent(p.current)
	defer p.setPercent(previous)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.step()
		}
	}
}

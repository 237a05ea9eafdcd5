package main

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

// TestRelaxGCForStartup: start-up runs at startupGCPercent and restore puts the previous
// target back, once; a GOGC set in the environment is never overridden. (Not parallel: the GC
// target is the process's.)
func TestRelaxGCForStartup(t *testing.T) {
	const before = 77
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	t.Setenv("GOGC", "") // registers the environment's restoration
	if err := os.Unsetenv("GOGC"); err != nil {
		t.Fatal(err)
	}
	restore := relaxGCForStartup()
	if got := debug.SetGCPercent(startupGCPercent); got != startupGCPercent {
		t.Errorf("during start-up the GC target is %d, want %d", got, startupGCPercent)
	}
	restore()
	if got := debug.SetGCPercent(150); got != before {
		t.Errorf("after restore the GC target is %d, want %d back", got, before)
	}
	restore() // a second call (the deferred one in serve) must not undo a later change
	if got := debug.SetGCPercent(before); got != 150 {
		t.Errorf("a second restore changed the GC target to %d", got)
	}

	t.Setenv("GOGC", "50")
	restore = relaxGCForStartup()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("with GOGC set, start-up changed the GC target to %d", got)
	}
	restore()
	if got := debug.SetGCPercent(before); got != before {
		t.Errorf("with GOGC set, restore changed the GC target to %d", got)
	}
}

// TestPaceGC: serve and mock pace the collector with --gc-headroom unless the environment sets
// GOGC or GOMEMLIMIT or the headroom is 0, and stop puts the previous target back.
// (Not parallel: the GC target is the process's.)
func TestPaceGC(t *testing.T) {
	const before = 91
	defer debug.SetGCPercent(debug.SetGCPercent(before))
	gogc := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	for _, tc := range []struct {
		name     string
		env      map[string]string
		headroom uint64
		paced    bool
	}{
		{"default", nil, defaultGCHeadroomMB, true},
		{"headroom 0", nil, 0, false},
		{"GOGC set", map[string]string{"GOGC": "100"}, defaultGCHeadroomMB, false},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, defaultGCHeadroomMB, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
				t.Setenv(env, "") // registers the environment's restoration
				if v, ok := tc.env[env]; ok {
					t.Setenv(env, v)
				} else if err := os.Unsetenv(env); err != nil {
					t.Fatal(err)
				}
			}
			runtime.GC() // a measured live heap, far below 64 MB in this test binary
			l := listenOptions{gcHeadroom: tc.headroom}
			stop := l.paceGC(context.Background(), slog.New(slog.DiscardHandler))
			deadline := time.Now().Add(5 * time.Second)
			for tc.paced && gogc() == before && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			during := gogc()
			stop()
			if paced := during != before; paced != tc.paced {
				t.Errorf("GC target %d while pacing (was %d): paced %v, want %v", during, before, paced, tc.paced)
			}
			if tc.paced && during <= 100 {
				t.Errorf("GC target %d for a heap under the headroom, want above 100", during)
			}
			if got := gogc(); got != before {
				t.Errorf("after stop the GC target is %d, want %d back", got, before)
			}
		})
	}
}

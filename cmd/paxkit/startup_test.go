package main

import (
	"os"
	"runtime/debug"
	"testing"
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

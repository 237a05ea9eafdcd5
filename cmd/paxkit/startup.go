package main

import (
	"os"
	"runtime/debug"
	"sync"
)

// startupGCPercent is the GC target while `paxkit serve` starts. Start-up allocates several
// times the heap it keeps (the YAML trees of the five contracts) from a heap of a few MB, so
// at Go's default of 100 it collects every few MB; at 200 it collects about half as often,
// which took a fifth off start-up's CPU time for under 1 MB more resident memory (issue 10:
// start-up under 100 ms, RSS under 40 MB; 400 saved little more and cost 3 MB).
const startupGCPercent = 200

// relaxGCForStartup sets the GC target for start-up and returns the function putting the
// previous one back, to call once the server is built (it is safe to call more than once).
// A GOGC chosen in the environment is left alone.
func relaxGCForStartup() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	previous := debug.SetGCPercent(startupGCPercent)
	return sync.OnceFunc(func() { debug.SetGCPercent(previous) })
}

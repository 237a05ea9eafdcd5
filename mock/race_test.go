//go:build race

package mock_test

// raceEnabled lets expensive tests generate fewer values under the race detector, which
// slows the generator by an order of magnitude without finding more in single-goroutine code.
const raceEnabled = true

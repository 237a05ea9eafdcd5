// Package bench holds paxkit's benchmarks of whole features (run with
// `go test -bench . -benchmem ./bench/`). Speed goals live here as numbers to compare, never
// as timed assertions in tests.
package bench

// Package bench holds paxkit's benchmarks of whole features (run with
// `go test -run x -bench . -benchmem ./bench/`): the mock's answers, serve's requests
// (BenchmarkServe), start-up (BenchmarkStartup) and GET by id with 10k..1M stored accounts
// (BenchmarkScaleTompGetByID; 1M with PAXKIT_BENCH_1M=1). `make bench` runs the load harness
// (bench/cmd/paxbench with wrk, and Prism for comparison) and writes bench/results/. Speed
// goals live here as numbers to compare, never as timed assertions in tests.
package bench

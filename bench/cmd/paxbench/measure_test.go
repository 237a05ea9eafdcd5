package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       time.Duration
		wantErr    bool
	}{
		// Fields 14 and 15 (utime 250, stime 50 ticks) of a real line's shape.
		{"plain", "4242 (paxkit) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 50 0 0 20 0 8 0 100 1000 300", 3 * time.Second, false},
		{"command with spaces and parentheses", "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 6 7", 100 * time.Millisecond, false},
		{"no command", "4242 paxkit S 1", 0, true},
		{"truncated", "4242 (paxkit) S 1 2 3", 0, true},
		{"not a number", "4242 (paxkit) S 1 4242 4242 0 -1 4194560 1234 0 0 0 x 50 0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatCPU(tc.stat)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestCPUTimeGrows: this process's CPU time, read the way a run is charged, grows by about
// the CPU the test burns.
func TestCPUTimeGrows(t *testing.T) {
	before, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		x++
	}
	after, err := cpuTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := after - before; d < 100*time.Millisecond {
		t.Errorf("CPU time grew by %v over 300 ms of busy loop (%d turns)", d, x)
	}
}

func TestParseWrkRequests(t *testing.T) {
	out := `Running 4s test @ http://127.0.0.1:1/x
  1 threads and 32 connections
  Latency Distribution
     50%    1.63ms
     99%   21.60ms
  75136 requests in 4.00s, 60.77MB read
Requests/sec:  18784.00
`
	res, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 75136 || res.RPS != 18784 || res.P50ms != 1.63 || res.P99ms != 21.6 {
		t.Errorf("parsed %+v", res)
	}
}

func TestCombineTakesMediansOfCPU(t *testing.T) {
	runs := []Result{{RPS: 100, CPUus: 50}, {RPS: 120, CPUus: 40}, {RPS: 90, CPUus: 90}}
	limits := []Result{{RPS: 200, CPUus: 20}, {RPS: 200, CPUus: 25}, {RPS: 300, CPUus: 21}}
	got := combine(runs, limits)
	if got.CPUus != 50 || got.RawCPUus != 21 || got.Ratio != 0.5 {
		t.Errorf("combine = CPU %v raw %v ratio %v; want 50, 21, 0.5", got.CPUus, got.RawCPUus, got.Ratio)
	}
}

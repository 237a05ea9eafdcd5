package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeFixtures writes a `paxkit serve --fixtures` file with n TOMP customer accounts in one
// tenant ("bench"), streamed so that the harness itself stays small.
func writeFixtures(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, `{"tenants":{"tomp":[{"id":"bench","credentials":{"token":"bench-token"}}]},"state":{"tomp.accounts":{"bench":[`)
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, `{"id":"%s","customer":{"id":"mp-bench-%d","initials":"A.","firstName":"Anna","lastName":"Vries-%d","phoneNumber":"+3120%07d","email":"guest%d@example.org"},"creationDate":"2025-01-10T08:00:00Z","modificationDate":"2025-01-10T08:00:00Z","status":"ACTIVE"}`,
			fixtureID(i), i, i, i%10_000_000, i)
	}
	fmt.Fprint(w, `]}}}`)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// fixtureID is the id of the i-th account of the fixtures.
func fixtureID(i int) string { return fmt.Sprintf("%08x-1b3f-4c5d-8e6f-%012x", i, i) }

func write(dir string, rep Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "load.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "load.md"), []byte(markdown(rep)), 0o644)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func markdown(rep Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Load figures (`make bench`)\n\nMeasured %s on %s with %s.\n", rep.Date, rep.Machine, rep.Wrk)
	b.WriteString("wrk runs on the same cores as the server, so absolute numbers depend on the machine and its\n")
	b.WriteString("load; compare the ratios. Each run's raw limit is a minimal echo route that answers the same\n")
	b.WriteString("request with the same status and bytes paxkit sent and does nothing else. ")
	fmt.Fprintf(&b, "Raw limit and paxkit are loaded in\n%d alternating rounds; requests/s are their means, the ratio is the median of the rounds' ratios.\n\n", rep.Rounds)
	b.WriteString("CPU µs/req is the server process's CPU time (user + system) per request, raw limit / paxkit, medians\nof the rounds: unlike requests/s it does not depend on how much of the machine wrk took.\n\n")
	b.WriteString("| run | what | bytes | raw limit req/s | requests/s | p50 ms | p99 ms | CPU µs/req raw / paxkit | ratio to raw | target | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n")
	for _, r := range rep.Load {
		ratio, target := "", ""
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*r.Ratio)
		}
		if r.Target > 0 {
			target = fmt.Sprintf("≥ %.0f%% %s", 100*r.Target, verdict(r.Ratio >= r.Target))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %.0f | %.0f | %.2f | %.2f | %.0f / %.0f | %s | %s | %d |\n", r.Name, r.What, r.Bytes, r.RawRPS, r.RPS, r.P50ms, r.P99ms, r.RawCPUus, r.CPUus, ratio, target, r.Errors)
	}
	fmt.Fprintf(&b, "\n## Start-up and memory\n\n| figure | measured | target |\n|---|---:|---|\n")
	fmt.Fprintf(&b, "| `paxkit serve` start to first successful answer, five APIs (median of %d) | %.1f ms | < 100 ms %s |\n", len(rep.StartAllMs), rep.StartMs, verdict(rep.StartMs < 100))
	fmt.Fprintf(&b, "| RSS at start (largest of the runs) | %.1f MB | < 40 MB %s |\n", rep.RSSStartMB, verdict(rep.RSSStartMB < 40))
	if rep.Customers > 0 {
		fmt.Fprintf(&b, "| RSS with %d TOMP customers loaded from fixtures | %.0f MB (%.0f bytes per customer over the start) | — |\n",
			rep.Customers, rep.RSSScaleMB, (rep.RSSScaleMB-rep.RSSStartMB)*1024*1024/float64(rep.Customers))
		fmt.Fprintf(&b, "| start with those fixtures to first answer | %.1f s | — |\n", rep.LoadSeconds)
	}
	if len(rep.Prism) == 2 {
		fmt.Fprintf(&b, "\n## Prism comparison (not part of CI)\n\nSame contract (openapi/tomp.yaml) mocked at `/`, same request and load.\n\n")
		b.WriteString("| mock | requests/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n")
		for _, r := range rep.Prism {
			fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %d |\n", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors)
		}
		fmt.Fprintf(&b, "\npaxkit / Prism: **%.1f×**\n", rep.Prism[0].Ratio)
	}
	return b.String()
}

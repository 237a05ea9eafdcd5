package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// luaScript makes wrk send r; a body with {{UNIQUE}} gets a UUID made of the run's number,
// the wrk thread and a per-thread counter, so that no two requests of the harness collide
// (one server takes several runs of the same create).
func luaScript(r request, run int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %q\n", r.method)
	keys := make([]string, 0, len(r.headers))
	for k := range r.headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, r.headers[k])
	}
	if r.body != "" {
		fmt.Fprintf(&b, "wrk.body = [==[%s]==]\n", r.body)
	}
	if strings.Contains(r.body, "{{UNIQUE}}") {
		fmt.Fprintf(&b, "\nlocal run = %d", run%0x10000)
		b.WriteString(`
local template = wrk.body
local n = 0
next_thread = 1
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end
request = function()
  n = n + 1
  local u = string.format("%04x%04x-0000-4000-8000-%012x", run, tid or 0, n)
  return wrk.format(nil, nil, nil, (string.gsub(template, "{{UNIQUE}}", u)))
end
`)
	}
	return b.String()
}

var (
	rpsLine     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	pctLine     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	non2xxLine  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	totalLine   = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	socketError = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk loads base with r for d (whole seconds, as wrk takes it) and parses wrk's summary; run numbers the runs of the harness.
func runWrk(ctx context.Context, o options, tmp, base string, r request, d time.Duration, run int) (Result, error) {
	script := filepath.Join(tmp, "request.lua")
	if err := os.WriteFile(script, []byte(luaScript(r, run)), 0o644); err != nil {
		return Result{}, err
	}
	args := []string{"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.connections),
		"-d", fmt.Sprintf("%ds", max(1, int(d.Round(time.Second).Seconds()))), "--latency", "-s", script, base + r.path}
	out, err := exec.CommandContext(ctx, o.wrk, args...).CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("wrk %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (Result, error) {
	var res Result
	m := rpsLine.FindStringSubmatch(out)
	if m == nil {
		return res, fmt.Errorf("no Requests/sec in wrk output: %s", out)
	}
	res.RPS, _ = strconv.ParseFloat(m[1], 64)
	if m := totalLine.FindStringSubmatch(out); m != nil {
		res.Requests, _ = strconv.Atoi(m[1])
	}
	for _, p := range pctLine.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		switch p[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if p[1] == "50" {
			res.P50ms = v
		} else {
			res.P99ms = v
		}
	}
	if m := non2xxLine.FindStringSubmatch(out); m != nil {
		res.Errors, _ = strconv.Atoi(m[1])
	}
	if m := socketError.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			res.Errors += n
		}
	}
	return res, nil
}

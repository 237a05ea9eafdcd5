// Command paxbench is paxkit's load harness (`make bench`): it starts the paxkit binary in
// each mode, drives it over loopback with wrk, measures start-up time and resident memory, and
// writes what it measured to bench/results/load.{md,json}, as ratios to a raw route measured
// right before each run: a minimal echo route answering the same request with the same bytes
// (absolute numbers drift on shared machines; ratios of neighbouring runs much less).
//
// It is not part of `make test`: it takes minutes and its numbers are only meaningful side
// by side.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
)

type options struct {
	bin         string        // the paxkit binary
	wrk         string        // the wrk binary
	prism       string        // the prism binary; empty skips the comparison
	out         string        // results directory
	duration    time.Duration // of each wrk run
	connections int
	threads     int
	rounds      int
	customers   int // stored for the RSS-at-scale measurement; 0 skips it
	startRuns   int
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bench/bin/paxkit", "paxkit binary to measure")
	flag.StringVar(&o.wrk, "wrk", "wrk", "wrk binary")
	flag.StringVar(&o.prism, "prism", "", "prism binary (@stoplight/prism-cli); empty: no comparison")
	flag.StringVar(&o.out, "out", "bench/results", "directory for load.md and load.json")
	flag.DurationVar(&o.duration, "duration", 12*time.Second, "load time of each measured run, and as long again for its raw limit")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds each run's load time is split into, alternating raw limit and paxkit; the ratio is their median")
	flag.IntVar(&o.connections, "connections", 32, "wrk connections")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.IntVar(&o.customers, "customers", 1_000_000, "customers stored for the RSS-at-scale figure (0 skips it)")
	flag.IntVar(&o.startRuns, "start-runs", 7, "start-ups measured (the median is reported)")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(context.Background(), o, logger); err != nil {
		logger.Error("bench failed", "err", err)
		os.Exit(1)
	}
}

// Result is one measured figure.
type Result struct {
	Name  string  `json:"name"`
	What  string  `json:"what"`
	RPS   float64 `json:"requestsPerSecond,omitempty"`
	P50ms float64 `json:"p50ms,omitempty"`
	P99ms float64 `json:"p99ms,omitempty"`
	Bytes int     `json:"responseBytes,omitempty"`
	// RawRPS is the raw limit of this run: the same request answered with the same bytes by
	// a handler that does nothing else, measured just before.
	RawRPS float64 `json:"rawRequestsPerSecond,omitempty"`
	Ratio  float64 `json:"ratioToRaw,omitempty"` // RPS / RawRPS
	Target float64 `json:"targetRatio,omitempty"`
	Errors int     `json:"non2xxOrSocketErrors"`
	Note   string  `json:"note,omitempty"`
	// Requests is how many requests wrk completed (one run; not reported for a combination).
	Requests int `json:"-"`
	// CPUus and RawCPUus are the server's CPU time per request (user + system, µs), paxkit's
	// and its raw limit's: unlike requests/s, they do not depend on how much of the machine
	// wrk and other processes took during the run.
	CPUus    float64 `json:"cpuMicrosPerRequest,omitempty"`
	RawCPUus float64 `json:"rawCpuMicrosPerRequest,omitempty"`
}

// Report is the whole run.
type Report struct {
	Date        string    `json:"date"`
	Machine     string    `json:"machine"`
	Wrk         string    `json:"wrk"`
	Rounds      int       `json:"rounds"`
	Load        []Result  `json:"load"`
	StartMs     float64   `json:"startupMsMedian"`
	StartAllMs  []float64 `json:"startupMsAll"`
	RSSStartMB  float64   `json:"rssAtStartMB"`
	Customers   int       `json:"customersStored,omitempty"`
	LoadSeconds float64   `json:"customersLoadSeconds,omitempty"`
	RSSScaleMB  float64   `json:"rssWithCustomersMB,omitempty"`
	Prism       []Result  `json:"prism,omitempty"`
}

// request is what wrk sends: method, path, headers, body. In the body, {{UNIQUE}} becomes a
// different UUID in every request (creates that must not collide).
type request struct {
	method  string
	path    string
	headers map[string]string
	body    string
}

var (
	tompHeaders = map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	jsonHeaders = map[string]string{"Content-Type": "application/json"}
	mewsAuth    = `"ClientToken":"` + mews.DemoClientToken + `","AccessToken":"` + mews.DemoAccessToken + `","Client":"` + mews.DemoClient + `"`
	// tompAccount is a demo account of `paxkit serve` (impl/tomp/demo.json).
	tompAccount = "7c2d9e4a-1b3f-4c5d-8e6f-0a1b2c3d4e5f"
)

var (
	tompGet = func(id string) request {
		return request{method: "GET", path: "/tomp/collections/customers/items/" + id, headers: tompHeaders}
	}
	mewsGetAll = request{method: "POST", path: "/mews/api/connector/v1/customers/getAll", headers: jsonHeaders,
		body: `{` + mewsAuth + `,"CustomerIds":["` + mews.DemoJohnSmith + `"],"Extent":{"Customers":true},"Limitation":{"Count":10}}`}
	tompCreate = request{method: "POST", path: "/tomp/collections/customers/items", headers: merge(tompHeaders, jsonHeaders),
		body: `{"id":"{{UNIQUE}}","initials":"L.","firstName":"Load","lastName":"Tester"}`}
	mewsAdd = request{method: "POST", path: "/mews/api/connector/v1/customers/add", headers: jsonHeaders,
		body: `{` + mewsAuth + `,"OverwriteExisting":false,"Title":"Mister","FirstName":"Load","LastName":"Tester-{{UNIQUE}}"}`}
)

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func run(ctx context.Context, o options, logger *slog.Logger) error {
	tmp, err := os.MkdirTemp("", "paxbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	wrkVersion, _ := exec.Command(o.wrk, "-v").CombinedOutput()
	rep := Report{
		Date:    time.Now().UTC().Format(time.RFC3339),
		Machine: machine(),
		Wrk:     strings.TrimSpace(strings.SplitN(string(wrkVersion), "\n", 2)[0]),
		Rounds:  max(1, o.rounds),
	}

	logger.Info("start-up time and RSS", "runs", o.startRuns)
	for range o.startRuns {
		ms, rss, err := startup(ctx, o.bin, nil, nil)
		if err != nil {
			return err
		}
		rep.StartAllMs = append(rep.StartAllMs, ms)
		rep.RSSStartMB = max(rep.RSSStartMB, rss)
	}
	rep.StartMs = median(rep.StartAllMs)

	// Each run is paired with its raw limit: an echo route writing the bytes paxkit answered
	// this very request with, loaded with the same request in turn with paxkit.
	run := 0
	measure := func(name, what string, p *process, r request, target float64) (Result, error) {
		base := p.base
		logger.Info("load", "name", name)
		// One request first: a misconfigured run would otherwise measure error answers.
		status, body, contentType, err := fetch(base, r)
		if err != nil {
			return Result{Name: name}, fmt.Errorf("%s: the request fails before any load: %w", name, err)
		}
		raw, err := startRaw(r, status, body, contentType)
		if err != nil {
			return Result{Name: name}, err
		}
		defer raw.stop()
		// Alternating short rounds of raw limit and paxkit, rather than one long run of each,
		// so that a change of the machine's speed during the run touches both sides alike.
		rounds := max(1, o.rounds)
		d := o.duration / time.Duration(rounds)
		var limits, runs []Result
		for range rounds {
			run++
			limit, err := runCharged(ctx, o, tmp, raw, r, d, run)
			if err != nil {
				return Result{Name: name}, fmt.Errorf("%s: raw limit: %w", name, err)
			}
			run++
			res, err := runCharged(ctx, o, tmp, p, r, d, run)
			if err != nil {
				return Result{Name: name}, fmt.Errorf("%s: %w", name, err)
			}
			limits, runs = append(limits, limit), append(runs, res)
		}
		res := combine(runs, limits)
		res.Name, res.What, res.Target, res.Bytes = name, what, target, len(body)
		return res, nil
	}
	add := func(r Result, err error) error {
		rep.Load = append(rep.Load, r)
		return err
	}

	static, err := startPaxkit(ctx, o.bin, "mock", "--mode", "static", "--seed", "1")
	if err != nil {
		return err
	}
	err = errors.Join(
		add(measure("mock static tomp GET", "paxkit mock --mode static: GET customer account", static, tompGet("acc-1"), 0.60)),
		add(measure("mock static mews getAll", "paxkit mock --mode static: POST customers/getAll (Mews has no GET)", static, mewsGetAll, 0.60)),
	)
	static.stop()
	if err != nil {
		return err
	}

	dynamic, err := startPaxkit(ctx, o.bin, "mock", "--mode", "dynamic", "--seed", "1")
	if err != nil {
		return err
	}
	err = errors.Join(
		add(measure("mock dynamic tomp GET", "paxkit mock --mode dynamic: GET customer account (generated)", dynamic, tompGet("acc-1"), 0)),
		add(measure("mock dynamic mews getAll", "paxkit mock --mode dynamic: POST customers/getAll (generated)", dynamic, mewsGetAll, 0)),
	)
	dynamic.stop()
	if err != nil {
		return err
	}

	serve, err := startPaxkit(ctx, o.bin, "serve", "--rate-limit", "off", "--seed", "1")
	if err != nil {
		return err
	}
	err = errors.Join(
		add(measure("serve tomp GET by id", "paxkit serve: GET customer account by id (request validated)", serve, tompGet(tompAccount), 0.50)),
		add(measure("serve mews getAll by id", "paxkit serve: POST customers/getAll by CustomerIds (Mews' read by id)", serve, mewsGetAll, 0.50)),
		add(measure("serve tomp create", "paxkit serve: POST create account, every request a new customer, validated", serve, tompCreate, 0.40)),
		add(measure("serve mews add", "paxkit serve: POST customers/add, every request a new customer, validated", serve, mewsAdd, 0.40)),
	)
	serve.stop()
	if err != nil {
		return err
	}

	if o.customers > 0 {
		logger.Info("RSS with stored customers", "customers", o.customers)
		fixtures := filepath.Join(tmp, "fixtures.json")
		if err := writeFixtures(fixtures, o.customers); err != nil {
			return err
		}
		// The last account stored, with the fixtures' tenant token.
		probe := request{method: "GET", path: "/tomp/collections/customers/items/" + fixtureID(o.customers-1),
			headers: merge(tompHeaders, map[string]string{"Authorization": "Bearer bench-token"})}
		ms, rss, err := startup(ctx, o.bin, []string{"--fixtures", fixtures}, &probe)
		if err != nil {
			return fmt.Errorf("start with %d customers: %w", o.customers, err)
		}
		rep.Customers, rep.LoadSeconds, rep.RSSScaleMB = o.customers, ms/1000, rss
		os.Remove(fixtures)
	}

	if o.prism != "" {
		if rep.Prism, err = comparePrism(ctx, o, tmp, logger); err != nil {
			return err
		}
	}
	return write(o.out, rep)
}

// comparePrism mocks the TOMP contract with Prism and with `paxkit mock --spec` (both at /,
// static examples) and loads both with the same request.
func comparePrism(ctx context.Context, o options, tmp string, logger *slog.Logger) ([]Result, error) {
	wrk := func(name, what, base string, r request) (Result, error) {
		logger.Info("load", "name", name)
		res, err := runWrk(ctx, o, tmp, base, r, o.duration, 0)
		res.Name, res.What = name, what
		return res, err
	}
	spec, err := filepath.Abs("openapi/tomp.yaml")
	if err != nil {
		return nil, err
	}
	r := request{method: "GET", path: "/collections/customers/items/acc-1", headers: tompHeaders}
	pax, err := startPaxkit(ctx, o.bin, "mock", "--mode", "static", "--seed", "1", "--spec", spec)
	if err != nil {
		return nil, err
	}
	pr, err := wrk("paxkit mock --spec tomp.yaml", "GET customer account, static", pax.base, r)
	pax.stop()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, o.prism, "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port), spec)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("prism: %w", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if _, err := waitReady(base, r, 60*time.Second); err != nil {
		return nil, fmt.Errorf("prism: %w", err)
	}
	prism, err := wrk("prism mock tomp.yaml", "GET customer account, static (Prism's default)", base, r)
	if err != nil {
		return nil, err
	}
	if prism.RPS > 0 {
		pr.Ratio = pr.RPS / prism.RPS
		pr.Note = "ratio here is paxkit / Prism"
	}
	return []Result{pr, prism}, nil
}

// combine sums up the rounds of one run: mean requests/s of paxkit and of its raw limit, the
// median of the rounds' ratios (one disturbed round does not move it), the median p50, the
// worst p99 and every error.
func combine(runs, limits []Result) Result {
	var out Result
	var ratios, p50s, cpus, rawCPUs []float64
	for i, r := range runs {
		cpus, rawCPUs = append(cpus, r.CPUus), append(rawCPUs, limits[i].CPUus)
		out.RPS += r.RPS / float64(len(runs))
		out.RawRPS += limits[i].RPS / float64(len(runs))
		out.P99ms = max(out.P99ms, r.P99ms)
		out.Errors += r.Errors
		p50s = append(p50s, r.P50ms)
		if limits[i].RPS > 0 {
			ratios = append(ratios, r.RPS/limits[i].RPS)
		}
	}
	out.P50ms = median(p50s)
	out.Ratio = median(ratios)
	out.CPUus, out.RawCPUus = median(cpus), median(rawCPUs)
	return out
}

// runCharged is runWrk against p, with the CPU time p spent per completed request.
func runCharged(ctx context.Context, o options, tmp string, p *process, r request, d time.Duration, run int) (Result, error) {
	before, err := cpuTime(p.pid)
	if err != nil {
		return Result{}, err
	}
	res, err := runWrk(ctx, o, tmp, p.base, r, d, run)
	if err != nil {
		return Result{}, err
	}
	after, err := cpuTime(p.pid)
	if err != nil {
		return Result{}, err
	}
	if res.Requests > 0 {
		res.CPUus = float64((after - before).Microseconds()) / float64(res.Requests)
	}
	return res, nil
}

// cpuTime is the user + system CPU time process pid has used, from /proc (Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("CPU time: %w", err)
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15, in USER_HZ ticks, which the proc(5)
// ABI fixes at 100 per second) of a /proc/<pid>/stat line. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so fields are counted from the last
// ")".
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("CPU time: no command name in %q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("CPU time: %d fields after the command name in %q", len(f), stat)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("CPU time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}

// process is a server under test.
type process struct {
	base string
	pid  int // whose CPU time a run is charged to
	stop func()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startPaxkit runs `paxkit <args> --addr <free port>` and waits until it answers.
func startPaxkit(ctx context.Context, bin string, args ...string) (*process, error) {
	p, _, _, err := launch(ctx, bin, args, nil)
	return p, err
}

// launch starts paxkit and returns it once the first request succeeds, with the time that
// took and its RSS then.
// probe is the request proving it is ready (nil: a TOMP demo account).
func launch(ctx context.Context, bin string, args []string, probe *request) (*process, float64, float64, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, 0, err
	}
	args = append(slices.Clone(args), "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "error")
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, 0, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if probe == nil {
		r := tompGet("acc-1")
		if args[0] == "serve" {
			r = tompGet(tompAccount)
		}
		if slices.Contains(args, "--spec") {
			r.path = strings.TrimPrefix(r.path, "/tomp")
		}
		probe = &r
	}
	if _, err := waitReady(base, *probe, 10*time.Minute); err != nil {
		stop()
		return nil, 0, 0, fmt.Errorf("paxkit %s: %w; stderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	elapsed := time.Since(t0)
	rss, err := rssMB(cmd.Process.Pid)
	if err != nil {
		stop()
		return nil, 0, 0, err
	}
	return &process{base: base, pid: cmd.Process.Pid, stop: stop}, float64(elapsed.Microseconds()) / 1000, rss, nil
}

// startup measures one start of `paxkit serve` (all five APIs) to its first successful answer.
func startup(ctx context.Context, bin string, extra []string, probe *request) (ms, rss float64, err error) {
	p, ms, rss, err := launch(ctx, bin, append([]string{"serve", "--rate-limit", "off"}, extra...), probe)
	if err != nil {
		return 0, 0, err
	}
	p.stop()
	return ms, rss, nil
}

// waitReady polls base with r until it answers 2xx.
func waitReady(base string, r request, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		req, err := newRequest(base, r)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return body, nil
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				return nil, fmt.Errorf("%s %s: %d %s", r.method, r.path, resp.StatusCode, body)
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("not ready after %s: %v", timeout, err)
		}
		time.Sleep(500 * time.Microsecond)
	}
}

func newRequest(base string, r request) (*http.Request, error) {
	body := strings.ReplaceAll(r.body, "{{UNIQUE}}", "a7e2c0de-0000-4000-8000-000000000000")
	req, err := http.NewRequest(r.method, base+r.path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

func fetch(base string, r request) (status int, body []byte, contentType string, err error) {
	req, err := newRequest(base, r)
	if err != nil {
		return 0, nil, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return 0, nil, "", fmt.Errorf("%d %s", resp.StatusCode, body)
	}
	return resp.StatusCode, body, resp.Header.Get("Content-Type"), err
}

// startRaw serves the raw limit of a run as issue 10 defines it: a minimal echo route, the
// run's method and path, answering status and body as paxkit did, with nothing else to do.
// It is what paxkit's own HTTP stack (net/http and echo) costs on this machine for this answer.
func startRaw(r request, status int, body []byte, contentType string) (*process, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Add(r.method, r.path, func(c echo.Context) error {
		return c.Blob(status, contentType, body)
	})
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	// The raw limit runs inside the harness, which otherwise only waits for wrk meanwhile.
	return &process{base: "http://" + ln.Addr().String(), pid: os.Getpid(), stop: func() { srv.Close() }}, nil
}

// rssMB is the resident set of a process, from /proc (Linux).
func rssMB(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("RSS: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("RSS: no VmRSS line")
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s/%s, %d CPUs (%s), %s, load average %s at start", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, runtime.Version(), load)
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/snapshot"
	"github.com/paxkit/paxkit/internal/store"
)

// serveOptions are the flags of `paxkit serve`; each can also come from a PAXKIT_* variable
// (flags win), so that containers and CI can configure paxkit without a command line.
type serveOptions struct {
	listenOptions
	fixtures string
	// state is the state file (empty: state lives in memory only); stateInterval how often it
	// is written while serving.
	state         string
	stateInterval time.Duration
	rateLimits    server.RateLimits
}

// defaultRateLimit is Mews' documented limit (200 requests per AccessToken per 30 s, since
// 2026-01); the other vendors document none, so their tenants are not limited by default.
const defaultRateLimit = "mews=200/30s"

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, code := parseServeFlags(args, stderr)
	if code >= 0 {
		return code
	}
	logger, err := newLogger(stderr, opts.logLevel, opts.logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		return exitUsage
	}
	restoreGC := func() {}
	if opts.fixtures == "" && opts.state == "" {
		// Only a start without user data: loading fixtures or a state file is that data's
		// start, and at a target of 200 its heap would grow to three times what it keeps
		// (1M fixture customers took 0.5 GB more RSS).
		restoreGC = relaxGCForStartup()
	}
	defer restoreGC()
	var fixtures *server.Fixtures
	if opts.fixtures != "" {
		f, err := os.Open(opts.fixtures)
		if err != nil {
			fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
			return exitUsage
		}
		fixtures, err = server.DecodeFixtures(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "paxkit serve: %s: %v\n", opts.fixtures, err)
			return exitUsage
		}
	}
	st := store.New()
	apis, err := registry.APIs(ctx, st)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		return exitProblem
	}
	srv, err := server.New(server.Config{
		BodyLimit:         opts.bodyLimit,
		Logger:            logger,
		Seed:              opts.seed,
		Fixtures:          fixtures,
		ValidateResponses: opts.validate,
		RateLimits:        opts.rateLimits,
	}, apis, st)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		return exitUsage
	}
	var saver *snapshot.Saver
	if opts.state != "" {
		saver = &snapshot.Saver{Path: opts.state, State: srv.State, Logger: logger}
		if err := restoreState(srv, saver, logger); err != nil {
			fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
			return exitUsage
		}
	}
	restoreGC()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		return exitProblem
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Warn("listening beyond loopback: /_paxkit/ (export shows every tenant's credentials, import and reset change state) has no authentication",
			"addr", ln.Addr().String())
	}
	base := "http://" + displayAddr(ln.Addr())
	fmt.Fprintf(stdout, "paxkit serve: listening on %s\n", base)
	defer opts.paceGC(ctx, logger)()
	if opts.pprof != "" {
		pa, err := startPprof(ctx, opts.pprof, logger)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
			return exitProblem
		}
		fmt.Fprint(stdout, pprofLine(pa))
	}
	for _, a := range apis {
		fmt.Fprintf(stdout, "  %-12s %s/%s  (contract: %s/%s/openapi.yaml)\n", a.ID, base, a.ID, base, a.ID)
		if demo := demoCredentials(a.DemoCredentials); demo != "" {
			fmt.Fprintf(stdout, "  %-12s demo: %s\n", "", demo)
		}
	}
	fmt.Fprintf(stdout, "  demo credentials: %s/  ·  %s/_paxkit/apis\n", base, base)
	exit := exitOK
	var saving sync.WaitGroup
	saveCtx, stopSaving := context.WithCancel(ctx)
	defer stopSaving()
	if saver != nil {
		saving.Go(func() { saver.Run(saveCtx, opts.stateInterval) })
	}
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		exit = exitProblem
	}
	if saver != nil {
		// Serve has returned, so requests in flight have finished: every acknowledged write
		// is in this save. It runs even when the shutdown failed, to keep what can be kept.
		stopSaving()
		saving.Wait()
		if err := saver.Save(); err != nil {
			fmt.Fprintf(stderr, "paxkit serve: the final save failed, writes since the last save are lost: %v\n", err)
			return exitProblem
		}
		logger.Info("state saved", "path", opts.state)
	}
	return exit
}

// restoreState loads the state file into the server, or on a first start (no file yet)
// writes the starting state to it, which also proves early that the file can be written.
// Anything else that stops it from loading is an error: a server that started empty over a
// state file it could not read would silently drop that state at its next save.
func restoreState(srv *server.Server, saver *snapshot.Saver, logger *slog.Logger) error {
	data, err := snapshot.Read(saver.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		logger.Info("no state file yet: starting from the demo data and fixtures", "path", saver.Path)
	case err != nil:
		return fmt.Errorf("%w; refusing to start without the saved state (move the file away to start afresh)", err)
	default:
		f, err := server.DecodeFixtures(bytes.NewReader(data))
		if err == nil {
			err = srv.RestoreState(f)
		}
		if err != nil {
			return fmt.Errorf("state file %s is corrupt or not a paxkit state: %w; refusing to start without the saved state (move the file away to start afresh)", saver.Path, err)
		}
		logger.Info("state restored", "path", saver.Path)
	}
	if err := saver.Save(); err != nil {
		return fmt.Errorf("state file cannot be written: %w", err)
	}
	return nil
}

// demoCredentials is one line saying how a client sends an API's demo credentials (headers,
// then body members), so that the start-up output alone is enough to make a first call.
func demoCredentials(c apidef.DemoCredentials) string {
	var parts []string
	keys := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("header %s: %s", k, c.Headers[k]))
	}
	if len(c.Body) > 0 {
		b, err := json.Marshal(c.Body)
		if err == nil {
			parts = append(parts, "body "+string(b))
		}
	}
	return strings.Join(parts, "; ")
}

func parseServeFlags(args []string, stderr io.Writer) (serveOptions, int) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o serveOptions
	if err := o.register(fs, "seed for generated ids; the same seed and requests give the same ids (0 = random; env PAXKIT_SEED)"); err != nil {
		fmt.Fprintf(stderr, "paxkit serve: %v\n", err)
		return o, exitUsage
	}
	fs.StringVar(&o.fixtures, "fixtures", os.Getenv("PAXKIT_FIXTURES"), "JSON file with tenants and records to load over the demo data, in the format of GET /_paxkit/export (env PAXKIT_FIXTURES)")
	stateInterval := 5 * time.Second
	if v := os.Getenv("PAXKIT_STATE_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			fmt.Fprintf(stderr, "paxkit serve: PAXKIT_STATE_INTERVAL must be a duration such as 5s, not %q\n", v)
			return o, exitUsage
		}
		stateInterval = d
	}
	fs.StringVar(&o.state, "state", os.Getenv("PAXKIT_STATE"), "state file: loaded at start (refused if corrupt), written atomically every --state-interval and on SIGINT/SIGTERM (env PAXKIT_STATE)")
	fs.DurationVar(&o.stateInterval, "state-interval", stateInterval, "how often the state file is written while serving (env PAXKIT_STATE_INTERVAL)")
	rateLimit := envOr("PAXKIT_RATE_LIMIT", defaultRateLimit)
	fs.StringVar(&rateLimit, "rate-limit", rateLimit, "per-tenant token buckets: `LIMITS` is off, or TENANCY=N/DURATION[:BURST],... (tenancies tomp, intrepid, mews, erin, or * for all others); over the limit, the vendor's 429 with Retry-After (env PAXKIT_RATE_LIMIT)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit serve [flags]")
		fmt.Fprintln(stderr, "\nServes every built-in API under /<api-id> as a stateful fake with demo data:")
		fmt.Fprintln(stderr, "the vendors' authentication, contract validation and error formats. Stops")
		fmt.Fprintln(stderr, "gracefully on SIGINT or SIGTERM, after requests in flight finish; with --state")
		fmt.Fprintln(stderr, "it then saves the state, so a restart loses no acknowledged write.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if code := o.parse(fs, "serve", args, stderr); code >= 0 {
		return o, code
	}
	if o.stateInterval <= 0 {
		fmt.Fprintln(stderr, "paxkit serve: --state-interval must be positive")
		return o, exitUsage
	}
	limits, err := server.ParseRateLimits(rateLimit)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit serve: --rate-limit (or PAXKIT_RATE_LIMIT): %v\n", err)
		return o, exitUsage
	}
	o.rateLimits = limits
	return o, -1
}

func envUint(name string) (uint64, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s must be a non-negative integer, not %q", name, v)
	}
	return n, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	o := &slog.HandlerOptions{Level: l}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// displayAddr turns a listening address into one a person can paste into a browser.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if tcp.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
	return tcp.String()
}

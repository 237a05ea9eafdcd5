package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// mockOptions are the flags of `paxkit mock`; like serve's, each can also come from a
// PAXKIT_* variable (flags win).
type mockOptions struct {
	listenOptions
	spec      string
	mode      string
	latency   string
	errorRate float64
}

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, code := parseMockFlags(args, stderr)
	if code >= 0 {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "paxkit mock: %v\n", err)
		return code
	}
	logger, err := newLogger(stderr, o.logLevel, o.logFormat)
	if err != nil {
		return fail(exitUsage, err)
	}
	mode, err := mock.ParseMode(o.mode)
	if err != nil {
		return fail(exitUsage, fmt.Errorf("--mode: %w", err))
	}
	var latency mock.Range
	if o.latency != "" {
		if latency, err = mock.ParseRange(o.latency); err != nil {
			return fail(exitUsage, fmt.Errorf("--latency %q: %w", o.latency, err))
		}
	}
	if o.errorRate < 0 || o.errorRate > 1 {
		return fail(exitUsage, fmt.Errorf("--error-rate must be between 0 and 1, not %v", o.errorRate))
	}
	if o.seed == 0 {
		// Printed below, so that any run can be repeated.
		o.seed = rand.Uint64()
	}
	opts := mock.Options{Mode: mode, Seed: o.seed, Latency: latency, ErrorRate: o.errorRate}

	st := store.New()
	var apis []apidef.API
	if o.spec != "" {
		a, err := specAPI(ctx, o.spec, opts)
		if err != nil {
			return fail(exitUsage, err)
		}
		apis = []apidef.API{a}
	} else {
		defined, err := registry.APIs(ctx, st)
		if err != nil {
			return fail(exitProblem, err)
		}
		if apis, err = mock.WrapAll(defined, opts); err != nil {
			return fail(exitProblem, err)
		}
	}
	srv, err := server.New(server.Config{
		BodyLimit:         o.bodyLimit,
		Logger:            logger,
		Seed:              o.seed,
		ValidateResponses: o.validate,
	}, apis, st)
	if err != nil {
		return fail(exitUsage, err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fail(exitProblem, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Warn("listening beyond loopback: /_paxkit/ (export shows every tenant's credentials, import and reset change state) has no authentication",
			"addr", ln.Addr().String())
	}
	base := "http://" + displayAddr(ln.Addr())
	fmt.Fprintf(stdout, "paxkit mock: listening on %s\n", base)
	defer o.paceGC(ctx, logger)()
	if o.pprof != "" {
		pa, err := startPprof(ctx, o.pprof, logger)
		if err != nil {
			ln.Close()
			return fail(exitProblem, err)
		}
		fmt.Fprint(stdout, pprofLine(pa))
	}
	for _, a := range apis {
		fmt.Fprintf(stdout, "  %-12s %s%s/  (contract: %s%s/openapi.yaml)\n", a.ID, base, a.Base(), base, a.Base())
	}
	fmt.Fprintf(stdout, "  mode %s, seed %d (repeat this run with --seed %d)", mode, o.seed, o.seed)
	if latency != (mock.Range{}) {
		fmt.Fprintf(stdout, ", latency %s", latency)
	}
	if o.errorRate > 0 {
		fmt.Fprintf(stdout, ", error rate %v", o.errorRate)
	}
	fmt.Fprintln(stdout)
	if o.spec == "" {
		fmt.Fprintf(stdout, "  demo credentials: %s/_paxkit/apis\n", base)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return fail(exitProblem, err)
	}
	return exitOK
}

// specAPI loads a foreign contract and defines its mock, named after the file.
func specAPI(ctx context.Context, path string, opts mock.Options) (apidef.API, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return apidef.API{}, fmt.Errorf("--spec: %w", err)
	}
	doc, err := openapi.Parse(ctx, raw)
	if err != nil {
		return apidef.API{}, fmt.Errorf("--spec %s: %w (paxkit lint %s lists every problem)", path, err, path)
	}
	a, err := mock.ForSpec(specID(path), raw, doc, opts)
	if err != nil {
		return apidef.API{}, fmt.Errorf("--spec %s: %w", path, err)
	}
	return a, nil
}

// specID names a foreign contract's API after its file: petstore.yaml -> petstore.
func specID(path string) string {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	name = regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(name, "-")
	if name == "" || name == "-" {
		return "spec"
	}
	return name
}

func parseMockFlags(args []string, stderr io.Writer) (mockOptions, int) {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o mockOptions
	if err := o.register(fs, "seed for generated data; the same seed and requests give the same answers (0 = random, printed at start; env PAXKIT_SEED)"); err != nil {
		fmt.Fprintf(stderr, "paxkit mock: %v\n", err)
		return o, exitUsage
	}
	rate := 0.0
	if v := os.Getenv("PAXKIT_MOCK_ERROR_RATE"); v != "" {
		var err error
		if rate, err = strconv.ParseFloat(v, 64); err != nil {
			fmt.Fprintf(stderr, "paxkit mock: PAXKIT_MOCK_ERROR_RATE must be a number between 0 and 1, not %q\n", v)
			return o, exitUsage
		}
	}
	fs.StringVar(&o.spec, "spec", os.Getenv("PAXKIT_MOCK_SPEC"), "mock this OpenAPI 3.0 file at / instead of the five built-in APIs (env PAXKIT_MOCK_SPEC)")
	fs.StringVar(&o.mode, "mode", envOr("PAXKIT_MOCK_MODE", "static"), "static: documented examples first; dynamic: generated data (env PAXKIT_MOCK_MODE)")
	fs.StringVar(&o.latency, "latency", os.Getenv("PAXKIT_MOCK_LATENCY"), "delay every answer, e.g. 100ms or 50ms..200ms (env PAXKIT_MOCK_LATENCY)")
	fs.Float64Var(&o.errorRate, "error-rate", rate, "probability (0..1) that a valid request answers a documented 5xx (env PAXKIT_MOCK_ERROR_RATE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit mock [flags]")
		fmt.Fprintln(stderr, "\nMocks the five built-in APIs under /<api-id> (or one --spec FILE at /) with documented")
		fmt.Fprintln(stderr, "examples or realistic generated data, behind the same credentials, validation and error")
		fmt.Fprintln(stderr, "formats as paxkit serve. Per request: Prefer: code=404, example=NAME, dynamic=true|false,")
		fmt.Fprintln(stderr, "latency=50ms..200ms, error=true|false|503.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if code := o.parse(fs, "mock", args, stderr); code >= 0 {
		return o, code
	}
	return o, -1
}

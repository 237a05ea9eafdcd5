package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/proxy"
	"github.com/paxkit/paxkit/openapi"
)

// runProxy implements `paxkit proxy --spec FILE --upstream URL`: a reverse proxy that checks
// every request and response against the contract and logs each violation; at exit
// (SIGINT/SIGTERM) it writes the report asked for and exits 1 if anything broke the contract,
// so that a CI job can run its client tests through it.
func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("paxkit proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "the contract (OpenAPI 3.0 YAML or JSON file, or a built-in API id)")
	upstream := fs.String("upstream", "", "the API's base URL, where requests are passed on")
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	block := fs.Bool("block", false, "refuse requests that break the contract (400/404/405) instead of passing them on")
	reportFormat := fs.String("report", "", "at exit, write the violations as json or junit to the FILE given after the flags")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	logFormat := fs.String("log-format", "text", "text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit proxy --spec FILE --upstream URL [--addr ADDR] [--block] [--report json|junit FILE]")
		fs.PrintDefaults()
	}
	var rest []string
	for remaining := args; ; {
		if err := fs.Parse(remaining); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		remaining = fs.Args()[1:]
	}
	reportFile := ""
	switch {
	case *reportFormat == "" && len(rest) == 0:
	case (*reportFormat == "json" || *reportFormat == "junit") && len(rest) == 1:
		reportFile = rest[0]
	case *reportFormat != "" && *reportFormat != "json" && *reportFormat != "junit":
		fmt.Fprintf(stderr, "paxkit proxy: --report must be json or junit, not %q\n", *reportFormat)
		return exitUsage
	default:
		fs.Usage()
		return exitUsage
	}
	if *spec == "" || *upstream == "" {
		fs.Usage()
		return exitUsage
	}
	logger, err := newLogger(stderr, *logLevel, *logFormat)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
		return exitUsage
	}
	target, err := url.Parse(*upstream)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit proxy: --upstream: %v\n", err)
		return exitUsage
	}
	doc, name, err := loadContract(ctx, *spec)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
		return exitUsage
	}
	p, err := proxy.New(proxy.Config{Doc: doc, Upstream: target, Block: *block, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(stdout, "paxkit proxy: listening on http://%s, checking against %s, passing on to %s\n", displayAddr(ln.Addr()), *spec, target)
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
		return exitProblem
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown", "error", err)
	}
	r := p.Report()
	logger.Info("proxy stopped", "requests", r.Requests, "responses", r.Responses,
		"invalid_requests", r.InvalidRequests, "invalid_responses", r.InvalidResponses, "blocked", r.Blocked)
	if reportFile != "" {
		if err := writeProxyReport(p, *reportFormat, reportFile, name); err != nil {
			fmt.Fprintf(stderr, "paxkit proxy: %v\n", err)
			return exitProblem
		}
	}
	if r.InvalidRequests+r.InvalidResponses > 0 {
		return exitProblem
	}
	return exitOK
}

// loadContract reads a spec file, or a built-in contract by its id.
func loadContract(ctx context.Context, spec string) (doc *openapi3.T, name string, err error) {
	for _, id := range openapi.IDs() {
		if spec == id {
			d, err := openapi.Load(ctx, id)
			return d, id, err
		}
	}
	data, err := os.ReadFile(spec)
	if err != nil {
		return nil, "", fmt.Errorf("read spec: %w", err)
	}
	d, err := openapi.Parse(ctx, data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", spec, err)
	}
	return d, strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec)), nil
}

func writeProxyReport(p *proxy.Proxy, format, file, suite string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if format == "junit" {
		err = p.WriteJUnit(f, "paxkit proxy "+suite)
	} else {
		err = p.WriteJSON(f)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("report: %w", cerr)
	}
	return err
}

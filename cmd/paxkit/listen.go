package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/paxkit/paxkit/internal/gcpace"
)

// listenOptions are the flags every command that runs paxkit's HTTP server shares (serve and
// mock): one definition, so their names, environment variables, defaults and checks cannot
// drift apart.
type listenOptions struct {
	addr       string
	seed       uint64
	logLevel   string
	logFormat  string
	bodyLimit  int64
	validate   bool
	pprof      string // address of the net/http/pprof listener; empty: off
	gcHeadroom uint64 // MB the collector may let the heap grow between cycles; 0: Go's pacing
}

// register reads the shared environment variables (a malformed one is a usage error) and
// declares the shared flags on fs; seedUsage says what the seed decides for this command.
func (l *listenOptions) register(fs *flag.FlagSet, seedUsage string) error {
	seed, err := envUint("PAXKIT_SEED")
	if err != nil {
		return err
	}
	limit := int64(16 << 20)
	if v := os.Getenv("PAXKIT_BODY_LIMIT"); v != "" {
		if limit, err = strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Errorf("PAXKIT_BODY_LIMIT must be a number of bytes, not %q", v)
		}
	}
	validate := false
	if v := os.Getenv("PAXKIT_VALIDATE_RESPONSES"); v != "" {
		if validate, err = strconv.ParseBool(v); err != nil {
			return fmt.Errorf("PAXKIT_VALIDATE_RESPONSES must be true or false, not %q", v)
		}
	}
	headroom := uint64(defaultGCHeadroomMB)
	if v := os.Getenv("PAXKIT_GC_HEADROOM"); v != "" {
		if headroom, err = strconv.ParseUint(v, 10, 64); err != nil {
			return fmt.Errorf("PAXKIT_GC_HEADROOM must be a number of MB, not %q", v)
		}
	}
	fs.StringVar(&l.addr, "addr", envOr("PAXKIT_ADDR", "127.0.0.1:8080"), "address to listen on (env PAXKIT_ADDR)")
	fs.Uint64Var(&l.seed, "seed", seed, seedUsage)
	fs.StringVar(&l.logLevel, "log-level", envOr("PAXKIT_LOG_LEVEL", "info"), "debug, info, warn or error (env PAXKIT_LOG_LEVEL)")
	fs.StringVar(&l.logFormat, "log-format", envOr("PAXKIT_LOG_FORMAT", "text"), "text or json (env PAXKIT_LOG_FORMAT)")
	fs.Int64Var(&l.bodyLimit, "body-limit", limit, "largest request body accepted, in bytes (env PAXKIT_BODY_LIMIT)")
	fs.BoolVar(&l.validate, "validate-responses", validate, "check every response against the contract and log violations (env PAXKIT_VALIDATE_RESPONSES)")
	fs.StringVar(&l.pprof, "pprof", os.Getenv("PAXKIT_PPROF"), "serve Go profiles (net/http/pprof) on this separate `ADDR`, e.g. 127.0.0.1:6060; off when empty (env PAXKIT_PPROF)")
	fs.Uint64Var(&l.gcHeadroom, "gc-headroom", headroom, "`MB` the heap may grow between garbage collections while the live heap is smaller; 0 leaves Go's default pacing, as does a GOGC or GOMEMLIMIT in the environment (env PAXKIT_GC_HEADROOM)")
	return nil
}

// defaultGCHeadroomMB is the default of --gc-headroom: 64 MB took the collector from about a
// tenth of a loaded server's CPU time to a fortieth, for a peak heap of the live heap + 64 MB
// (see internal/gcpace and bench/results/load.md).
const defaultGCHeadroomMB = 64

// paceGC starts the collector's pacer (internal/gcpace), unless the headroom is 0 or the
// environment already tunes the collector (GOGC and GOMEMLIMIT are the user's choice). It
// stops when ctx ends or the returned stop is called; stop returns once the pacer has put the
// GC target back, so that a command returns with the process as it found it.
func (l *listenOptions) paceGC(ctx context.Context, logger *slog.Logger) (stop func()) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(env); set {
			logger.Debug("garbage collector left to the environment", "env", env)
			return func() {}
		}
	}
	if l.gcHeadroom == 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		gcpace.New(l.gcHeadroom<<20).Run(ctx, time.Second)
	}()
	return func() { cancel(); <-done }
}

// parse parses a server command's arguments: -h answers exitOK, a bad flag, a stray argument
// or a shared value no server can run with (a body limit below 1) exitUsage; -1 means go on.
func (l *listenOptions) parse(fs *flag.FlagSet, cmd string, args []string, stderr io.Writer) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "paxkit %s: unexpected arguments %q\n", cmd, fs.Args())
		return exitUsage
	}
	if l.bodyLimit <= 0 {
		fmt.Fprintf(stderr, "paxkit %s: --body-limit must be positive\n", cmd)
		return exitUsage
	}
	return -1
}

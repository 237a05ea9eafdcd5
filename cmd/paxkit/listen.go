package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// listenOptions are the flags every command that runs paxkit's HTTP server shares (serve and
// mock): one definition, so their names, environment variables, defaults and checks cannot
// drift apart.
type listenOptions struct {
	addr      string
	seed      uint64
	logLevel  string
	logFormat string
	bodyLimit int64
	validate  bool
	pprof     string // address of the net/http/pprof listener; empty: off
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
	fs.StringVar(&l.addr, "addr", envOr("PAXKIT_ADDR", "127.0.0.1:8080"), "address to listen on (env PAXKIT_ADDR)")
	fs.Uint64Var(&l.seed, "seed", seed, seedUsage)
	fs.StringVar(&l.logLevel, "log-level", envOr("PAXKIT_LOG_LEVEL", "info"), "debug, info, warn or error (env PAXKIT_LOG_LEVEL)")
	fs.StringVar(&l.logFormat, "log-format", envOr("PAXKIT_LOG_FORMAT", "text"), "text or json (env PAXKIT_LOG_FORMAT)")
	fs.Int64Var(&l.bodyLimit, "body-limit", limit, "largest request body accepted, in bytes (env PAXKIT_BODY_LIMIT)")
	fs.BoolVar(&l.validate, "validate-responses", validate, "check every response against the contract and log violations (env PAXKIT_VALIDATE_RESPONSES)")
	fs.StringVar(&l.pprof, "pprof", os.Getenv("PAXKIT_PPROF"), "serve Go profiles (net/http/pprof) on this separate `ADDR`, e.g. 127.0.0.1:6060; off when empty (env PAXKIT_PPROF)")
	return nil
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

// Command paxkit turns paxkit's OpenAPI contracts into tools: `paxkit lint` validates specs.
// Each subcommand lives in its own file and is registered in commands().
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes shared by every subcommand, so that CI scripts can tell a failed check from a
// mistake in how paxkit was called.
const (
	exitOK      = 0
	exitProblem = 1 // the subcommand ran and found problems
	exitUsage   = 2 // bad flags or arguments, unreadable input
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"check": {summary: "check a live endpoint against its contract (examples, generated, invalid, auth, links)", run: runCheck},
		"docs":  {summary: "write the documentation site of the specs (HTML, no JavaScript)", run: runDocs},
		"diff":  {summary: "compare two revisions of a spec (oasdiff) and report breaking changes", run: runDiff},
		"proxy": {summary: "reverse proxy that checks live traffic against a spec and reports violations", run: runProxy},
		"lint":  {summary: "validate OpenAPI specs and list every problem with its JSON pointer", run: runLint},
		"serve": {summary: "serve every API as a stateful fake with demo data", run: runServe},
		"mock":  {summary: "mock the five APIs (or any --spec) with examples or realistic generated data", run: runMock},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "paxkit: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: paxkit <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for name := range cmds {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w, "\nrun 'paxkit <command> -h' for the flags of one command")
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/paxkit/paxkit/internal/speclint"
	"github.com/paxkit/paxkit/openapi"
)

// lintResult is one spec's verdict, also the element of `paxkit lint --format json`.
type lintResult struct {
	Spec     string             `json:"spec"`
	Problems []speclint.Problem `json:"problems"`
}

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit lint [--format text|json] [spec.yaml | api-id ...]")
		fmt.Fprintln(stderr, "\nValidates each spec with kin-openapi (examples and formats included) and prints")
		fmt.Fprintln(stderr, "every problem as file:line:column: #json-pointer: message. Without arguments it")
		fmt.Fprintf(stderr, "lints paxkit's built-in specs %v. Exit 0: no problems, 1: problems, 2: usage.\n\n", openapi.IDs())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "paxkit lint: --format must be text or json, not %q\n", *format)
		return exitUsage
	}
	targets := fs.Args()
	if len(targets) == 0 {
		targets = openapi.IDs()
	}

	results := make([]lintResult, 0, len(targets))
	for _, target := range targets {
		name, data, err := readSpec(target)
		if err != nil {
			fmt.Fprintf(stderr, "paxkit lint: %v\n", err)
			return exitUsage
		}
		problems := speclint.Lint(ctx, data)
		if problems == nil {
			problems = []speclint.Problem{}
		}
		results = append(results, lintResult{Spec: name, Problems: problems})
	}

	failed := false
	for _, r := range results {
		failed = failed || len(r.Problems) > 0
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			fmt.Fprintf(stderr, "paxkit lint: write report: %v\n", err)
			return exitUsage
		}
	} else {
		for _, r := range results {
			if len(r.Problems) == 0 {
				fmt.Fprintf(stdout, "%s: ok\n", r.Spec)
				continue
			}
			for _, p := range r.Problems {
				if p.Line > 0 {
					fmt.Fprintf(stdout, "%s:%d:%d: #%s: %s\n", r.Spec, p.Line, p.Column, p.Pointer, p.Message)
				} else {
					fmt.Fprintf(stdout, "%s: #%s: %s\n", r.Spec, p.Pointer, p.Message)
				}
			}
			fmt.Fprintf(stdout, "%s: %d problem(s)\n", r.Spec, len(r.Problems))
		}
	}
	if failed {
		return exitProblem
	}
	return exitOK
}

// readSpec reads a spec from a file, or from the built-in set when target is an API id and no
// file of that name exists.
func readSpec(target string) (name string, data []byte, err error) {
	data, err = os.ReadFile(target)
	if err == nil {
		return target, data, nil
	}
	if errors.Is(err, os.ErrNotExist) && slices.Contains(openapi.IDs(), target) {
		data, err := openapi.Bytes(target)
		return "openapi/" + target + ".yaml", data, err
	}
	return "", nil, fmt.Errorf("read %s: %w", target, err)
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/paxkit/paxkit/internal/docsite"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// specFiles collects repeated --spec flags.
type specFiles []string

func (s *specFiles) String() string     { return strings.Join(*s, ",") }
func (s *specFiles) Set(v string) error { *s = append(*s, v); return nil }

// runDocs implements `paxkit docs --out DIR [--spec FILE...]`: the static documentation site
// of the five built-in contracts (with paxkit's demo credentials in the "try it" commands), or
// of the given spec files (each page named after its file, tried against its first server).
func runDocs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("paxkit docs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the site to (created if missing)")
	var specs specFiles
	fs.Var(&specs, "spec", "document this spec file instead of the built-in ones (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: paxkit docs --out DIR [--spec FILE...]")
		return exitUsage
	}
	apis, raw, err := docsAPIs(ctx, specs)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit docs: %v\n", err)
		return exitUsage
	}
	site, err := docsite.New(apis, raw)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit docs: %v\n", err)
		return exitUsage
	}
	if err := site.Write(*out); err != nil {
		fmt.Fprintf(stderr, "paxkit docs: %v\n", err)
		return exitProblem
	}
	fmt.Fprintf(stdout, "paxkit docs: %d API(s) written to %s (open %s)\n", len(apis), *out, filepath.Join(*out, "index.html"))
	return exitOK
}

func docsAPIs(ctx context.Context, specs []string) ([]docsite.API, map[string][]byte, error) {
	raw := map[string][]byte{}
	var apis []docsite.API
	if len(specs) == 0 {
		defs, err := registry.APIs(ctx, store.New())
		if err != nil {
			return nil, nil, err
		}
		for _, d := range defs {
			apis = append(apis, docsite.API{ID: d.ID, Doc: d.Doc, Credentials: d.DemoCredentials})
			raw[d.ID] = d.Spec
		}
		return apis, raw, nil
	}
	for _, path := range specs {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("read spec: %w", err)
		}
		doc, err := openapi.Parse(ctx, data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		// A spec of another API is tried against its own first server, when that is a URL.
		base := ""
		if len(doc.Servers) > 0 && (strings.HasPrefix(doc.Servers[0].URL, "http://") || strings.HasPrefix(doc.Servers[0].URL, "https://")) {
			base = doc.Servers[0].URL
		}
		apis = append(apis, docsite.API{ID: id, Doc: doc, Base: base})
		raw[id] = data
	}
	return apis, raw, nil
}

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
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// assignments is a repeatable key=value flag.
type assignments []string

func (a *assignments) String() string     { return strings.Join(*a, ",") }
func (a *assignments) Set(s string) error { *a = append(*a, s); return nil }

// reportTarget is one `--report FORMAT FILE`.
type reportTarget struct{ format, file string }

type checkOptions struct {
	api, spec, baseURL, profile string
	headers, query, bodyFields  assignments
	maxCases                    int
	maxTime                     time.Duration
	seed                        uint64
	checks                      string
	quiet                       bool
	reports                     []reportTarget
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, code := parseCheckFlags(args, stderr)
	if code >= 0 {
		return code
	}
	doc, profile, baseURL, err := checkTarget(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit check: %v\n", err)
		return exitUsage
	}
	profile, err = profileFromFlags(profile, o)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit check: %v\n", err)
		return exitUsage
	}
	var checks []conformance.Check
	if o.checks != "" {
		for _, c := range strings.Split(o.checks, ",") {
			c = strings.TrimSpace(c)
			if !slices.Contains(conformance.Checks(), conformance.Check(c)) {
				fmt.Fprintf(stderr, "paxkit check: --checks: unknown check %q (known: %v)\n", c, conformance.Checks())
				return exitUsage
			}
			checks = append(checks, conformance.Check(c))
		}
	}
	cfg := conformance.Config{
		Doc: doc, BaseURL: baseURL, Profile: profile, Seed: o.seed, MaxCases: o.maxCases, MaxTime: o.maxTime,
		Checks: checks, NewGenerator: conformance.MockGenerator,
	}
	if !o.quiet {
		fmt.Fprintf(stdout, "paxkit check: %s at %s\n", doc.Info.Title, baseURL)
		cfg.OnResult = func(r conformance.Result) { fmt.Fprintln(stdout, conformance.ProgressLine(r)) }
	}
	// Report files are created before the run, so that a path that cannot be written is a
	// usage error at once rather than after minutes of checks.
	files := make([]*os.File, len(o.reports))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i, t := range o.reports {
		if files[i], err = os.Create(t.file); err != nil {
			fmt.Fprintf(stderr, "paxkit check: --report %s: %v\n", t.format, err)
			return exitUsage
		}
	}
	report, err := conformance.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit check: %v\n", err)
		return exitUsage
	}
	if err := report.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "paxkit check: %v\n", err)
		return exitUsage
	}
	for i, t := range o.reports {
		if err := writeReport(report, t, files[i]); err != nil {
			fmt.Fprintf(stderr, "paxkit check: %v\n", err)
			return exitUsage
		}
		files[i] = nil
	}
	if !report.OK() {
		return exitProblem
	}
	return exitOK
}

func writeReport(r *conformance.Report, t reportTarget, f *os.File) error {
	write := r.WriteJUnit
	if t.format == "json" {
		write = r.WriteJSON
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("--report %s: %w", t.format, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--report %s: %w", t.format, err)
	}
	return nil
}

// checkTarget loads the spec (built-in or file) and, for a built-in API, its demo credentials
// and the base URL of a local `paxkit serve`.
func checkTarget(ctx context.Context, o checkOptions) (*openapi3.T, conformance.Profile, string, error) {
	if o.spec != "" {
		data, err := os.ReadFile(o.spec)
		if err != nil {
			return nil, conformance.Profile{}, "", err
		}
		doc, err := openapi.Parse(ctx, data)
		if err != nil {
			return nil, conformance.Profile{}, "", fmt.Errorf("%s: %w", o.spec, err)
		}
		return doc, conformance.Profile{}, o.baseURL, nil
	}
	apis, err := registry.APIs(ctx, store.New())
	if err != nil {
		return nil, conformance.Profile{}, "", err
	}
	for _, a := range apis {
		if a.ID == o.api {
			base := o.baseURL
			if base == "" {
				base = "http://127.0.0.1:8080/" + a.ID
			}
			return a.Doc, conformance.ProfileFromDemo(a.DemoCredentials), base, nil
		}
	}
	return nil, conformance.Profile{}, "", fmt.Errorf("--api: unknown API %q (known: %v)", o.api, openapi.IDs())
}

// profileFromFlags adds the --profile file, then --header, --query and --body-field values
// (flags win) to the default profile.
func profileFromFlags(p conformance.Profile, o checkOptions) (conformance.Profile, error) {
	if o.profile != "" {
		fromFile, err := conformance.LoadProfile(o.profile)
		if err != nil {
			return p, err
		}
		p = p.Merge(fromFile)
	}
	var flags conformance.Profile
	for _, set := range []struct {
		name string
		vals assignments
		dst  *map[string]string
	}{{"--header", o.headers, &flags.Headers}, {"--query", o.query, &flags.Query}} {
		for _, a := range set.vals {
			k, v, err := conformance.ParseAssignment(a)
			if err != nil {
				return p, fmt.Errorf("%s: %w", set.name, err)
			}
			if *set.dst == nil {
				*set.dst = map[string]string{}
			}
			(*set.dst)[k] = v
		}
	}
	for _, a := range o.bodyFields {
		k, v, err := conformance.ParseAssignment(a)
		if err != nil {
			return p, fmt.Errorf("--body-field: %w", err)
		}
		if flags.Body == nil {
			flags.Body = map[string]any{}
		}
		var value any = v
		var decoded any
		if json.Unmarshal([]byte(v), &decoded) == nil {
			value = decoded
		}
		flags.Body[k] = value
	}
	return p.Merge(flags), nil
}

// splitReports takes `--report FORMAT FILE` (two values, as in the docs; also
// `--report FORMAT=FILE`) out of args, since the flag package takes one value per flag.
func splitReports(args []string) ([]string, []reportTarget, error) {
	var rest []string
	var out []reportTarget
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, inline, hasInline := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "report" {
			rest = append(rest, a)
			continue
		}
		var format, file string
		switch {
		case hasInline && strings.Contains(inline, "="):
			format, file, _ = strings.Cut(inline, "=")
		case hasInline:
			if i+1 >= len(args) {
				return nil, nil, errors.New("--report needs a format and a file: --report json FILE")
			}
			format, file = inline, args[i+1]
			i++
		case i+1 < len(args) && strings.Contains(args[i+1], "="):
			format, file, _ = strings.Cut(args[i+1], "=")
			i++
		default:
			if i+2 >= len(args) {
				return nil, nil, errors.New("--report needs a format and a file: --report json FILE")
			}
			format, file = args[i+1], args[i+2]
			i += 2
		}
		if format != "json" && format != "junit" {
			return nil, nil, fmt.Errorf("--report: format must be json or junit, not %q", format)
		}
		if file == "" {
			return nil, nil, fmt.Errorf("--report %s: no file", format)
		}
		out = append(out, reportTarget{format, file})
	}
	return rest, out, nil
}

func parseCheckFlags(args []string, stderr io.Writer) (checkOptions, int) {
	var o checkOptions
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.api, "api", "", "built-in API to check: "+strings.Join(openapi.IDs(), ", ")+" (its demo credentials are the default profile)")
	fs.StringVar(&o.spec, "spec", "", "OpenAPI 3.0 spec file to check against (instead of --api)")
	fs.StringVar(&o.baseURL, "base-url", "", "base URL the spec's paths are served under (default with --api: http://127.0.0.1:8080/<api>, a local paxkit serve)")
	fs.StringVar(&o.profile, "profile", "", "credentials profile, YAML: {headers: {k: v}, query: {k: v}, body: {k: value}}")
	fs.Var(&o.headers, "header", "header to send with every request, k=v (repeatable; wins over --profile)")
	fs.Var(&o.query, "query", "query value to send with every request, k=v (repeatable)")
	fs.Var(&o.bodyFields, "body-field", "member to put in every JSON body, k=v; v is used as JSON when it parses (repeatable)")
	fs.IntVar(&o.maxCases, "max-cases", 10, "generated positive cases per operation")
	fs.DurationVar(&o.maxTime, "max-time", 5*time.Second, "longest time an answer may take (0: no limit)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated cases: the same seed sends the same requests")
	fs.StringVar(&o.checks, "checks", "", "comma-separated checks to run (default all): "+checkNames())
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines, only the summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit check (--api ID | --spec FILE) [--base-url URL] [flags] [--report json|junit FILE ...]")
		fmt.Fprintln(stderr, "\nChecks a live endpoint against its contract: documented examples, generated requests,")
		fmt.Fprintln(stderr, "invalid requests (each must be refused with a documented 4xx), calls without and with")
		fmt.Fprintln(stderr, "wrong credentials, and sequences following the spec's links. Every answer must match the")
		fmt.Fprintln(stderr, "contract. Exit 0: all passed, 1: a check failed, 2: usage or spec error.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "  -report FORMAT FILE\n    \twrite the report as json or junit to FILE (repeatable)")
	}
	rest, reports, err := splitReports(args)
	if err != nil {
		fmt.Fprintf(stderr, "paxkit check: %v\n", err)
		return o, exitUsage
	}
	o.reports = reports
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, exitOK
		}
		return o, exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "paxkit check: unexpected arguments %v\n", fs.Args())
		return o, exitUsage
	case (o.api == "") == (o.spec == ""):
		fmt.Fprintln(stderr, "paxkit check: give exactly one of --api and --spec")
		return o, exitUsage
	case o.spec != "" && o.baseURL == "":
		fmt.Fprintln(stderr, "paxkit check: --spec needs --base-url")
		return o, exitUsage
	case o.maxCases < 0:
		fmt.Fprintln(stderr, "paxkit check: --max-cases must not be negative")
		return o, exitUsage
	}
	return o, -1
}

func checkNames() string {
	var names []string
	for _, c := range conformance.Checks() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

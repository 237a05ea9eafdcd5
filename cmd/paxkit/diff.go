package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// runDiff implements `paxkit diff OLD NEW`: the changes between two revisions of a contract,
// classified by oasdiff's checks (error = breaking, warning = possibly breaking, info = safe).
// The comparison is oasdiff's own; paxkit only loads the files, picks the output and decides
// the exit status.
func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("paxkit diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output: text or json")
	failOn := fs.String("fail-on", "breaking", "exit 1 when a change of this level or worse is found: breaking or warn")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paxkit diff [--format text|json] [--fail-on breaking|warn] OLD.yaml NEW.yaml")
		fs.PrintDefaults()
	}
	// Flags may follow the two files, as in `paxkit diff a.yaml b.yaml --format json`.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 2 {
		fs.Usage()
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "paxkit diff: --format must be text or json, not %q\n", *format)
		return exitUsage
	}
	var threshold checker.Level
	switch *failOn {
	case "breaking":
		threshold = checker.ERR
	case "warn":
		threshold = checker.WARN
	default:
		fmt.Fprintf(stderr, "paxkit diff: --fail-on must be breaking or warn, not %q\n", *failOn)
		return exitUsage
	}

	changes, err := specChanges(ctx, files[0], files[1])
	if err != nil {
		fmt.Fprintf(stderr, "paxkit diff: %v\n", err)
		return exitUsage
	}
	out := renderChanges(changes)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "paxkit diff: %v\n", err)
			return exitProblem
		}
	} else {
		writeChangesText(stdout, files[0], files[1], out)
	}
	if changes.HasLevelOrHigher(threshold) {
		return exitProblem
	}
	return exitOK
}

// specChanges loads both files with kin-openapi (references resolved, as oasdiff requires)
// and runs every oasdiff backward-compatibility check. The files are read from disk only:
// oasdiff's own source syntax would also fetch URLs and git revisions, which a CI step
// comparing two checked-in files must not do by accident.
func specChanges(ctx context.Context, oldPath, newPath string) (checker.Changes, error) {
	oldInfo, err := loadSpec(ctx, oldPath)
	if err != nil {
		return nil, err
	}
	newInfo, err := loadSpec(ctx, newPath)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), oldInfo, newInfo)
	if err != nil {
		return nil, fmt.Errorf("compare %s and %s: %w", oldPath, newPath, err)
	}
	return checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO), nil
}

func loadSpec(ctx context.Context, path string) (*load.SpecInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	version := ""
	if doc.Info != nil {
		version = doc.Info.Version
	}
	return &load.SpecInfo{Url: path, Spec: doc, Version: version}, nil
}

// specChange is one change as paxkit reports it (text and JSON share it).
type specChange struct {
	ID        string `json:"id"`
	Level     string `json:"level"` // breaking, warning or info
	Operation string `json:"operation,omitempty"`
	Text      string `json:"text"`
}

type changeReport struct {
	Breaking int          `json:"breaking"`
	Warnings int          `json:"warnings"`
	Info     int          `json:"info"`
	Changes  []specChange `json:"changes"`
}

func renderChanges(changes checker.Changes) changeReport {
	l := checker.NewDefaultLocalizer()
	report := changeReport{Changes: []specChange{}}
	for _, c := range changes {
		sc := specChange{ID: c.GetId(), Text: c.GetUncolorizedText(l)}
		if c.GetOperation() != "" {
			sc.Operation = c.GetOperation() + " " + c.GetPath()
		}
		switch c.GetLevel() {
		case checker.ERR:
			sc.Level = "breaking"
			report.Breaking++
		case checker.WARN:
			sc.Level = "warning"
			report.Warnings++
		default:
			sc.Level = "info"
			report.Info++
		}
		report.Changes = append(report.Changes, sc)
	}
	// oasdiff walks maps, so the order of its findings varies between runs; a report that is
	// checked in and compared must not.
	rank := map[string]int{"breaking": 0, "warning": 1, "info": 2}
	slices.SortStableFunc(report.Changes, func(a, b specChange) int {
		return cmp.Or(cmp.Compare(rank[a.Level], rank[b.Level]), cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.ID, b.ID), cmp.Compare(a.Text, b.Text))
	})
	return report
}

func writeChangesText(w io.Writer, oldPath, newPath string, r changeReport) {
	fmt.Fprintf(w, "%s -> %s: %d breaking, %d warning(s), %d other change(s)\n", oldPath, newPath, r.Breaking, r.Warnings, r.Info)
	for _, section := range []struct{ level, title string }{
		{"breaking", "Breaking changes"}, {"warning", "Warnings (possibly breaking)"}, {"info", "Other changes"},
	} {
		first := true
		for _, c := range r.Changes {
			if c.Level != section.level {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n## %s\n", section.title)
				first = false
			}
			where := c.Operation
			if where == "" {
				where = "(components)"
			}
			fmt.Fprintf(w, "- [%s] %s: %s\n", c.ID, where, c.Text)
		}
	}
}

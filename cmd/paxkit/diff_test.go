package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the checked-in diff showcase in docs/")

// TestDiffShowcase checks the report of the two Mews revisions that docs/ shows: the output is
// the contract here (readers compare it with what they get), so it is a golden file.
func TestDiffShowcase(t *testing.T) {
	for _, tt := range []struct{ format, golden string }{
		{"text", "../../docs/diff-mews-legacy-to-mews.txt"},
		{"json", "../../docs/diff-mews-legacy-to-mews.json"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// Run from the module root so that the file names in the report are the README's.
			t.Chdir("../..")
			code := run(context.Background(), []string{"diff", "--format", tt.format, "openapi/mews-legacy.yaml", "openapi/mews.yaml"}, &stdout, &stderr)
			t.Chdir("cmd/paxkit")
			if code != exitProblem {
				t.Fatalf("exit code = %d, want %d (the current revision breaks clients of the 2018 one)\nstderr: %s", code, exitProblem, stderr.String())
			}
			if *update {
				if err := os.WriteFile(tt.golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(tt.golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/paxkit -run TestDiffShowcase -update)", err)
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("paxkit diff output differs from %s (regenerate with -update if the change is intended)\ngot:\n%s", tt.golden, stdout.String())
			}
		})
	}
}

func TestDiffShowcaseFindings(t *testing.T) {
	data, err := os.ReadFile("../../docs/diff-mews-legacy-to-mews.json")
	if err != nil {
		t.Fatal(err)
	}
	var report changeReport
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	// What a reader of the two seeds knows changed between the revisions must be in the report.
	want := []struct{ id, operation, text string }{
		{"api-path-removed-without-deprecation", "POST /api/connector/v1/customers/getAllByIds", ""},
		{"api-path-removed-without-deprecation", "POST /api/connector/v1/customers/getAllByEmails", ""},
		{"new-required-request-property", "POST /api/connector/v1/customers/add", "`Client`"},
	}
	for _, w := range want {
		found := false
		for _, c := range report.Changes {
			if c.ID == w.id && c.Operation == w.operation && strings.Contains(c.Text, w.text) && c.Level == "breaking" {
				found = true
			}
		}
		if !found {
			t.Errorf("the showcase lacks the breaking change %s at %s (%s)", w.id, w.operation, w.text)
		}
	}
	if report.Breaking == 0 || report.Breaking+report.Warnings+report.Info != len(report.Changes) {
		t.Errorf("counts %d/%d/%d do not add up to %d changes", report.Breaking, report.Warnings, report.Info, len(report.Changes))
	}
}

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n"
	const getA = "  /a:\n    get:\n      responses:\n        \"200\": {description: ok}\n"
	const getB = "  /b:\n    get:\n      responses:\n        \"200\": {description: ok}\n"
	const getADeprecated = "  /a:\n    get:\n      deprecated: true\n      responses:\n        \"200\": {description: ok}\n"
	// A request property that disappears may be ignored or refused by the server: oasdiff warns.
	const postTwo = "  /p:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {a: {type: string}, b: {type: string}}}\n      responses:\n        \"200\": {description: ok}\n"
	const postOne = "  /p:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {a: {type: string}}}\n      responses:\n        \"200\": {description: ok}\n"
	base := write("base.yaml", head+getA)
	added := write("added.yaml", head+getA+getB)
	removed := write("removed.yaml", head+getB)
	deprecated := write("deprecated.yaml", head+getADeprecated)
	two := write("two.yaml", head+postTwo)
	one := write("one.yaml", head+postOne)
	broken := write("broken.yaml", "openapi: [")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  string
	}{
		{name: "identical", args: []string{base, base}, wantCode: exitOK, wantOut: []string{"0 breaking, 0 warning(s), 0 other change(s)"}},
		{name: "added operation is not breaking", args: []string{base, added}, wantCode: exitOK,
			wantOut: []string{"0 breaking", "[endpoint-added] GET /b"}},
		{name: "removed operation is breaking", args: []string{base, removed}, wantCode: exitProblem,
			wantOut: []string{"1 breaking", "## Breaking changes", "[api-path-removed-without-deprecation] GET /a"}},
		{name: "flags after the files", args: []string{base, removed, "--format", "json"}, wantCode: exitProblem,
			wantOut: []string{`"breaking": 1`, `"id": "api-path-removed-without-deprecation"`, `"operation": "GET /a"`}},
		{name: "deprecation passes --fail-on breaking", args: []string{base, deprecated}, wantCode: exitOK,
			wantOut: []string{"[endpoint-deprecated] GET /a"}},
		{name: "warning passes --fail-on breaking", args: []string{two, one}, wantCode: exitOK,
			wantOut: []string{"1 warning(s)", "## Warnings", "[request-property-removed] POST /p"}},
		{name: "warning fails --fail-on warn", args: []string{"--fail-on", "warn", two, one}, wantCode: exitProblem,
			wantOut: []string{"[request-property-removed] POST /p"}},
		{name: "info passes --fail-on warn", args: []string{"--fail-on", "warn", base, deprecated}, wantCode: exitOK},
		{name: "one file", args: []string{base}, wantCode: exitUsage, wantErr: "usage: paxkit diff"},
		{name: "three files", args: []string{base, base, base}, wantCode: exitUsage, wantErr: "usage: paxkit diff"},
		{name: "bad format", args: []string{"--format", "xml", base, base}, wantCode: exitUsage, wantErr: "--format"},
		{name: "bad fail-on", args: []string{"--fail-on", "info", base, base}, wantCode: exitUsage, wantErr: "--fail-on"},
		{name: "missing file", args: []string{base, filepath.Join(dir, "nope.yaml")}, wantCode: exitUsage, wantErr: "nope.yaml"},
		{name: "unparsable file", args: []string{broken, base}, wantCode: exitUsage, wantErr: "broken.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"diff"}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if tt.wantErr != "" && !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}
}

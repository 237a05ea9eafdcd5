package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	// One valid path, one response without description and one example of the wrong type.
	if err := os.WriteFile(broken, []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          content:
            application/json:
              schema: {type: integer}
              examples:
                one: {value: "one"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  string
	}{
		{name: "built-in specs by default", args: []string{"lint"}, wantCode: exitOK,
			wantOut: []string{"openapi/tomp.yaml: ok", "openapi/intrepid.yaml: ok", "openapi/mews-legacy.yaml: ok", "openapi/mews.yaml: ok", "openapi/erin.yaml: ok"}},
		{name: "built-in spec by id", args: []string{"lint", "mews"}, wantCode: exitOK, wantOut: []string{"openapi/mews.yaml: ok"}},
		{name: "problems with pointers and lines", args: []string{"lint", broken}, wantCode: exitProblem,
			wantOut: []string{
				broken + ":12:", "#/paths/~1a/get/responses/200/content/application~1json/examples/one/value: value must be an integer",
			}},
		{name: "missing file", args: []string{"lint", filepath.Join(dir, "nope.yaml")}, wantCode: exitUsage, wantErr: "nope.yaml"},
		{name: "bad format flag", args: []string{"lint", "--format", "xml"}, wantCode: exitUsage, wantErr: "--format"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage, wantErr: "unknown command"},
		{name: "no command", args: nil, wantCode: exitUsage, wantOut: []string{"usage: paxkit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}
}

func TestLintJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"lint", "--format", "json", "tomp", "erin"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var got []lintResult
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if len(got) != 2 || got[0].Spec != "openapi/tomp.yaml" || got[1].Spec != "openapi/erin.yaml" {
		t.Fatalf("unexpected report: %+v", got)
	}
	for _, r := range got {
		if r.Problems == nil || len(r.Problems) != 0 {
			t.Errorf("%s: problems must be an empty list, got %#v", r.Spec, r.Problems)
		}
	}
}

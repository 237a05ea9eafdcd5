package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDocsCommand(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "petshop.yaml")
	if err := os.WriteFile(spec, []byte(`openapi: 3.0.3
info: {title: Pet shop, version: "1"}
servers: [{url: "https://pets.example/v1"}]
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200": {description: ok}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("openapi: 3.0.3\ninfo: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		args      func(out string) []string
		wantCode  int
		wantFiles map[string]string // file -> text it must hold
		wantErr   string
	}{
		{name: "built-in specs", args: func(out string) []string { return []string{"--out", out} }, wantCode: exitOK,
			wantFiles: map[string]string{
				"index.html": `href="mews-legacy/index.html"`, "tomp/index.html": "Bearer paxkit-tomp-demo-token",
				"tomp/openapi.yaml": "openapi: 3.0.3", "erin/index.html": "op-",
			}},
		{name: "given spec", args: func(out string) []string { return []string{"--out", out, "--spec", spec} }, wantCode: exitOK,
			wantFiles: map[string]string{"index.html": "Pet shop", "petshop/index.html": `curl -sS -X GET &#39;https://pets.example/v1/pets&#39;`}},
		{name: "no --out", args: func(string) []string { return nil }, wantCode: exitUsage, wantErr: "usage: paxkit docs"},
		{name: "stray argument", args: func(out string) []string { return []string{"--out", out, "extra"} }, wantCode: exitUsage, wantErr: "usage"},
		{name: "missing spec", args: func(out string) []string { return []string{"--out", out, "--spec", filepath.Join(dir, "nope.yaml")} },
			wantCode: exitUsage, wantErr: "nope.yaml"},
		{name: "invalid spec", args: func(out string) []string { return []string{"--out", out, "--spec", broken} },
			wantCode: exitUsage, wantErr: "broken.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "site")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"docs"}, tt.args(out)...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit code = %d, want %d\nstderr: %s", code, tt.wantCode, stderr.String())
			}
			for file, text := range tt.wantFiles {
				b, err := os.ReadFile(filepath.Join(out, file))
				if err != nil {
					t.Errorf("%s: %v", file, err)
					continue
				}
				if !strings.Contains(string(b), text) {
					t.Errorf("%s lacks %q", file, text)
				}
			}
			if tt.wantErr != "" && !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q: %s", tt.wantErr, stderr.String())
			}
		})
	}
}

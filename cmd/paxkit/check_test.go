package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCommandAgainstServe: `paxkit check --api tomp` against a running `paxkit serve`
// needs no credentials flag, passes, and writes JSON and JUnit reports that parse.
func TestCheckCommandAgainstServe(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--seed", "7")
	dir := t.TempDir()
	jsonFile, junitFile := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xml")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"check", "--api", "tomp", "--base-url", s.base + "/tomp",
		"--report", "json", jsonFile, "--report", "junit=" + junitFile}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"ok   createCustomer", "stateful", " 0 failed"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	var report struct {
		Summary struct{ Total, Passed, Failed int }
	}
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if report.Summary.Failed != 0 || report.Summary.Passed == 0 {
		t.Errorf("JSON summary %+v, want passes and no failure", report.Summary)
	}
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
		Suites  []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err = os.ReadFile(junitFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	if suites.Tests != report.Summary.Total || len(suites.Suites) != 4 {
		t.Errorf("JUnit: %d tests in %d suites, want %d tests in 4 suites (one per TOMP operation)", suites.Tests, len(suites.Suites), report.Summary.Total)
	}
	s.stop(t)
}

// TestCheckCommandFailures: a broken endpoint exits 1 and shows the request as curl; wrong
// credentials given by flag are reported.
func TestCheckCommandFailures(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"oops": true}`))
	}))
	defer broken.Close()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"check", "--api", "tomp", "--base-url", broken.URL, "--quiet"}, &stdout, &stderr)
	if code != exitProblem {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr.String())
	}
	for _, want := range []string{"server error: answered 500", "curl -sS -i -X POST '" + broken.URL + "/collections/customers/items'", "FAIL"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "ok   ") {
		t.Error("--quiet printed progress lines")
	}

	s := startServe(t, "--addr", "127.0.0.1:0")
	stdout.Reset()
	code = run(context.Background(), []string{"check", "--api", "tomp", "--base-url", s.base + "/tomp", "--quiet",
		"--header", "Authorization=Bearer not-the-token", "--checks", "auth"}, &stdout, &stderr)
	if code != exitProblem || !strings.Contains(stdout.String(), "refused the profile's credentials with 401") {
		t.Fatalf("exit %d with a wrong token, want 1 and the refusal reported:\n%s", code, stdout.String())
	}
	s.stop(t)
}

// TestCheckCommandSpecFile checks any spec given as a file, with credentials from a profile.
func TestCheckCommandSpecFile(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: Ping, version: "1"}
paths:
  /ping:
    get:
      operationId: ping
      parameters:
        - {name: X-Key, in: header, required: true, schema: {type: string}}
      responses:
        '200':
          description: pong
          content:
            application/json:
              schema:
                type: object
                required: [pong]
                properties: {pong: {type: boolean}}
        '400':
          description: bad
          content:
            application/json:
              schema: {type: object}
`
	dir := t.TempDir()
	specFile, profileFile := filepath.Join(dir, "ping.yaml"), filepath.Join(dir, "profile.yaml")
	if err := os.WriteFile(specFile, []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(profileFile, []byte("headers:\n  X-Key: secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pong string
		want int
	}{
		{"conforming server", `{"pong": true}`, exitOK},
		{"answer breaks the schema", `{"pong": "yes"}`, exitProblem},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.Header.Get("X-Key") != "secret" {
					w.WriteHeader(http.StatusBadRequest)
					_, _ = w.Write([]byte(`{}`))
					return
				}
				_, _ = w.Write([]byte(tc.pong))
			}))
			defer srv.Close()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"check", "--spec", specFile, "--base-url", srv.URL, "--profile", profileFile}, &stdout, &stderr)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.want, stdout.String(), stderr.String())
			}
		})
	}
}

// TestCheckUsageErrors: mistakes in how check is called exit 2 with a message.
func TestCheckUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badSpec := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badSpec, []byte("openapi: 3.0.3\ninfo: {}\npaths: {/x: {get: {responses: {}}}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{}, "exactly one of --api and --spec"},
		{"both targets", []string{"--api", "tomp", "--spec", "x.yaml", "--base-url", "http://x"}, "exactly one of --api and --spec"},
		{"unknown API", []string{"--api", "nope"}, `unknown API "nope"`},
		{"spec without base URL", []string{"--spec", badSpec}, "--spec needs --base-url"},
		{"unreadable spec", []string{"--spec", filepath.Join(dir, "missing.yaml"), "--base-url", "http://127.0.0.1:1"}, "missing.yaml"},
		{"invalid spec", []string{"--spec", badSpec, "--base-url", "http://127.0.0.1:1"}, "bad.yaml"},
		{"relative base URL", []string{"--api", "tomp", "--base-url", "/tomp"}, "not an absolute http(s) URL"},
		{"unknown report format", []string{"--api", "tomp", "--report", "xml", "r.xml"}, "format must be json or junit"},
		{"report without file", []string{"--api", "tomp", "--report", "json"}, "--report needs a format and a file"},
		{"header without value", []string{"--api", "tomp", "--header", "Authorization"}, `"Authorization" is not key=value`},
		{"unknown check", []string{"--api", "tomp", "--checks", "examples,fuzz"}, `unknown check "fuzz"`},
		{"missing profile", []string{"--api", "tomp", "--profile", filepath.Join(dir, "none.yaml")}, "none.yaml"},
		{"negative max cases", []string{"--api", "tomp", "--max-cases", "-1"}, "--max-cases must not be negative"},
		{"stray argument", []string{"--api", "tomp", "extra"}, "unexpected arguments"},
		{"unwritable report", []string{"--api", "tomp", "--report", "json", filepath.Join(dir, "no", "dir", "r.json")}, "--report json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"check"}, tc.args...), &stdout, &stderr)
			if code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr.String())
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"check", "-h"}, &stdout, &stderr); code != exitOK || !strings.Contains(stderr.String(), "-report FORMAT FILE") {
		t.Errorf("check -h: exit %d, usage:\n%s", code, stderr.String())
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const proxyPetSpec = `openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: the pet
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: integer}}
`

// startProxyCommand runs `paxkit proxy args...` in the test's process and returns its address,
// a function that stops it (as SIGINT would) and returns the exit code, and its stderr.
func startProxyCommand(t *testing.T, args ...string) (base string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	outR, outW := io.Pipe()
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"proxy"}, args...), outW, stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", stderr.String())
	}
	rest, ok := strings.CutPrefix(lines.Text(), "paxkit proxy: listening on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	base, _, _ = strings.Cut(rest, ",")
	go func() {
		for lines.Scan() {
		}
	}()
	return base, func() int { cancel(); return <-done }, stderr
}

func TestProxyCommand(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "pets.yaml")
	if err := os.WriteFile(spec, []byte(proxyPetSpec), 0o600); err != nil {
		t.Fatal(err)
	}
	// The upstream breaks its contract for pet 2 (an id that is not an integer).
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/pets/2" {
			_, _ = io.WriteString(w, `{"id":"two"}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":1}`)
	}))
	defer upstream.Close()

	get := func(t *testing.T, u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	t.Run("clean traffic exits 0", func(t *testing.T) {
		base, stop, stderr := startProxyCommand(t, "--spec", spec, "--upstream", upstream.URL+"/api", "--addr", "127.0.0.1:0")
		if status, body := get(t, base+"/pets/1"); status != 200 || body != `{"id":1}` {
			t.Errorf("got %d %s", status, body)
		}
		if code := stop(); code != exitOK {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	})
	t.Run("violations are logged, reported and exit 1", func(t *testing.T) {
		report := filepath.Join(dir, "report.json")
		base, stop, stderr := startProxyCommand(t, "--spec", spec, "--upstream", upstream.URL+"/api", "--addr", "127.0.0.1:0",
			"--log-format", "json", "--report", "json", report)
		if status, body := get(t, base+"/pets/2"); status != 200 || body != `{"id":"two"}` {
			t.Errorf("traffic altered: %d %s", status, body)
		}
		if status, _ := get(t, base+"/pets/x"); status != 200 {
			t.Errorf("an invalid request was not passed on: %d", status)
		}
		if code := stop(); code != exitProblem {
			t.Errorf("exit %d, want %d", code, exitProblem)
		}
		if !strings.Contains(stderr.String(), `"msg":"contract violation"`) || !strings.Contains(stderr.String(), `"operation":"getPet"`) {
			t.Errorf("no violation logged: %s", stderr.String())
		}
		var r struct {
			InvalidRequests, InvalidResponses int
			Violations                        []struct{ Direction, Path string }
		}
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		if r.InvalidRequests != 1 || r.InvalidResponses != 1 || len(r.Violations) != 2 {
			t.Errorf("report %s", data)
		}
	})
	t.Run("junit report", func(t *testing.T) {
		report := filepath.Join(dir, "report.xml")
		base, stop, _ := startProxyCommand(t, "--report", "junit", report, "--spec", spec, "--upstream", upstream.URL+"/api", "--addr", "127.0.0.1:0")
		get(t, base+"/pets/2")
		stop()
		data, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(`<testcase name="getPet response" classname="paxkit proxy pets">`)) || !bytes.Contains(data, []byte(`<failure message="GET /pets/2 answered 200"`)) {
			t.Errorf("JUnit report:\n%s", data)
		}
	})
	t.Run("block", func(t *testing.T) {
		base, stop, _ := startProxyCommand(t, "--spec", spec, "--upstream", upstream.URL+"/api", "--addr", "127.0.0.1:0", "--block")
		if status, body := get(t, base+"/pets/x"); status != 400 || !strings.Contains(body, "path") {
			t.Errorf("got %d %s, want 400 listing the path parameter", status, body)
		}
		stop()
	})

	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no spec", []string{"--upstream", upstream.URL}, "usage: paxkit proxy"},
		{"no upstream", []string{"--spec", spec}, "usage: paxkit proxy"},
		{"bad report format", []string{"--spec", spec, "--upstream", upstream.URL, "--report", "xml", "f"}, "--report must be json or junit"},
		{"report without file", []string{"--spec", spec, "--upstream", upstream.URL, "--report", "json"}, "usage"},
		{"missing spec", []string{"--spec", filepath.Join(dir, "nope.yaml"), "--upstream", upstream.URL}, "nope.yaml"},
		{"upstream not http", []string{"--spec", spec, "--upstream", "ftp://x"}, "http or https"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"proxy"}, tt.args...), &stdout, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q: %s", tt.wantErr, stderr.String())
			}
		})
	}
}

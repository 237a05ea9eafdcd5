package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// startMockCommand runs `paxkit mock args...` until stop, like startServe.
func startMockCommand(t *testing.T, args ...string) *runningServe {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	outR, outW := io.Pipe()
	s := &runningServe{stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"mock"}, args...), outW, s.stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", s.stderr.String())
	}
	base, ok := strings.CutPrefix(lines.Text(), "paxkit mock: listening on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	s.base = base
	go func() {
		for lines.Scan() {
		}
	}()
	return s
}

func get(t *testing.T, url string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestMockCommandSpec mocks a contract paxkit has never seen, at the root.
func TestMockCommandSpec(t *testing.T) {
	srv := startMockCommand(t, "--addr", "127.0.0.1:0", "--spec", "../../mock/testdata/petstore.yaml",
		"--mode", "dynamic", "--seed", "9", "--validate-responses", "--log-format", "json")
	pet := srv.base + "/pets/3f0c8d2e-2b7a-4c1e-9a53-6f1d2e3c4b5a"
	status, body, _ := get(t, pet, map[string]string{"X-Api-Key": "k"})
	if status != 200 || !strings.Contains(body, `"id":"3f0c8d2e-2b7a-4c1e-9a53-6f1d2e3c4b5a"`) {
		t.Errorf("GET pet: %d %s", status, body)
	}
	again, body2, _ := get(t, pet, map[string]string{"X-Api-Key": "k"})
	if again != 200 || body2 != body {
		t.Errorf("GET pet twice differs:\n%s\n%s", body, body2)
	}
	status, body, h := get(t, pet, nil)
	if status != 401 || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, "X-Api-Key") {
		t.Errorf("GET pet without key: %d %s %s", status, h.Get("Content-Type"), body)
	}
	if code := srv.stop(t); code != exitOK {
		t.Errorf("exit %d: %s", code, srv.stderr.String())
	}
	if logs := srv.stderr.String(); strings.Contains(logs, "breaks the contract") || !strings.Contains(logs, `"operation":"getPet"`) {
		t.Errorf("logs:\n%s", logs)
	}
}

// TestMockCommandBuiltIn mocks the five APIs; the same seed gives the same answers in two runs.
func TestMockCommandBuiltIn(t *testing.T) {
	answer := func() string {
		srv := startMockCommand(t, "--addr", "127.0.0.1:0", "--mode", "dynamic", "--seed", "11", "--latency", "1ms..2ms", "--error-rate", "0")
		defer srv.stop(t)
		for _, id := range []string{"tomp", "intrepid", "mews-legacy", "mews", "erin"} {
			if status, _, _ := get(t, srv.base+"/"+id+"/openapi.yaml", nil); status != 200 {
				t.Errorf("%s/openapi.yaml: %d", id, status)
			}
		}
		status, body, _ := get(t, srv.base+"/tomp/collections/customers/items/acc-1",
			map[string]string{"Authorization": "Bearer paxkit-tomp-demo-token", "Accept-Language": "en"})
		if status != 200 {
			t.Fatalf("tomp get: %d %s", status, body)
		}
		return body
	}
	if a, b := answer(), answer(); a != b {
		t.Errorf("--seed 11 twice:\n%s\n%s", a, b)
	}
}

func TestMockFlagErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: {'200': {description: x, content: {application/json: {schema: {type: nope}}}}}}}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad mode", []string{"--mode", "random"}, "--mode"},
		{"bad latency", []string{"--latency", "soon"}, "--latency"},
		{"error rate over 1", []string{"--error-rate", "1.5"}, "--error-rate"},
		{"missing spec", []string{"--spec", filepath.Join(dir, "none.yaml")}, "none.yaml"},
		{"broken spec", []string{"--spec", broken}, "paxkit lint"},
		{"extra argument", []string{"now"}, "unexpected arguments"},
		{"zero body limit", []string{"--body-limit", "0"}, "--body-limit must be positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"mock", "--addr", "127.0.0.1:0"}, tc.args...), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, stderr.String(), exitUsage, tc.wantErr)
			}
		})
	}
	t.Run("env error rate", func(t *testing.T) {
		t.Setenv("PAXKIT_MOCK_ERROR_RATE", "often")
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"mock"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "PAXKIT_MOCK_ERROR_RATE") {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	})
}

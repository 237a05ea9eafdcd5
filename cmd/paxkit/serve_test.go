package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runningServe is `paxkit serve` started in the test's process.
type runningServe struct {
	base   string        // http://host:port
	stdout *syncBuffer   // the lines after the first
	outEnd chan struct{} // closed when the command's output has been read to its end
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startServe runs `paxkit serve args...` until stop is called, and waits for its first line
// to learn where it listens.
func startServe(t *testing.T, args ...string) *runningServe {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	outR, outW := io.Pipe()
	s := &runningServe{stdout: &syncBuffer{}, outEnd: make(chan struct{}), stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve"}, args...), outW, s.stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", s.stderr.String())
	}
	base, ok := strings.CutPrefix(lines.Text(), "paxkit serve: listening on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	s.base = base
	go func() {
		defer close(s.outEnd)
		for lines.Scan() {
			fmt.Fprintln(s.stdout, lines.Text())
		}
	}()
	return s
}

// stop ends the command the way SIGINT does (its context ends) and returns its exit code.
func (s *runningServe) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after its context ended")
		return -1
	}
}

// TestServeCommand starts `paxkit serve` on a free port, runs the TOMP seed request against it,
// and stops it the way SIGINT does (the command's context ends).
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	fixtures := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(fixtures, []byte(`{"tenants":{"tomp":[{"id":"ci","credentials":{"token":"ci-token"}}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, "--addr", "127.0.0.1:0", "--fixtures", fixtures, "--seed", "7", "--log-format", "json")
	base := srv.base

	for _, id := range []string{"tomp", "intrepid", "mews-legacy", "mews", "erin"} {
		resp, err := http.Get(base + "/" + id + "/openapi.yaml")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s/openapi.yaml: %d", id, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/tomp/collections/customers/items",
		strings.NewReader(`{"id":"f84d777c-9260-48cd-b634-b11174caf74a","initials":"H.","firstName":"Hank","lastName":"Wolters"}`))
	req.Header.Set("Authorization", "Bearer ci-token")
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var account struct{ CreationDate time.Time }
	decodeErr := json.NewDecoder(resp.Body).Decode(&account)
	resp.Body.Close()
	if resp.StatusCode != 201 || decodeErr != nil {
		t.Errorf("seed create with the fixtures' token: %d %v", resp.StatusCode, decodeErr)
	}
	// The real clock is kept to milliseconds, as the vendors' timestamps are.
	if account.CreationDate.IsZero() || !account.CreationDate.Equal(account.CreationDate.Truncate(time.Millisecond)) {
		t.Errorf("creationDate %v, want a time with at most millisecond precision", account.CreationDate)
	}

	if code := srv.stop(t); code != exitOK {
		t.Errorf("exit code %d; stderr: %s", code, srv.stderr.String())
	}
	<-srv.outEnd
	// The start-up output says how to call each API with its demo credentials.
	out := srv.stdout.String()
	for _, want := range []string{`header Authorization: Bearer paxkit-tomp-demo-token`,
		`body {"authenticate":{"email":"jon.smith@example.com","password":"paxkit-demo-password","type":"B2C"}}`} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up output lacks %s:\n%s", want, out)
		}
	}
	logs := srv.stderr.String()
	for _, want := range []string{`"msg":"request"`, `"path":"/tomp/collections/customers/items"`, `"status":201`, `"tenant":"ci"`, `"msg":"shutting down"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func TestServeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"tenants":{"tomp":[{"id":"x"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad log level", []string{"serve", "--log-level", "loud"}, "--log-level"},
		{"bad log format", []string{"serve", "--log-format", "xml"}, "--log-format"},
		{"missing fixtures file", []string{"serve", "--fixtures", filepath.Join(dir, "none.json")}, "none.json"},
		{"fixtures refused", []string{"serve", "--fixtures", bad}, "credentials are empty"},
		{"extra argument", []string{"serve", "now"}, "unexpected arguments"},
		{"zero body limit", []string{"serve", "--body-limit", "0"}, "--body-limit"},
		{"zero state interval", []string{"serve", "--state-interval", "0s"}, "--state-interval"},
		{"bad rate limit", []string{"serve", "--rate-limit", "mews=lots"}, "--rate-limit"},
		{"rate limit for an unknown tenancy", []string{"serve", "--rate-limit", "mewz=1/1s"}, `"mewz": no API uses this tenancy (known: tomp, intrepid, mews, erin, or *`},
	}
	for _, env := range []struct{ name, value string }{
		{"PAXKIT_SEED", "abc"}, {"PAXKIT_BODY_LIMIT", "1MB"}, {"PAXKIT_VALIDATE_RESPONSES", "yes please"},
		{"PAXKIT_STATE_INTERVAL", "often"}, {"PAXKIT_RATE_LIMIT", "tomp=1"}, {"PAXKIT_GC_HEADROOM", "64MB"},
	} {
		tests = append(tests, struct {
			name    string
			args    []string
			wantErr string
		}{"env " + env.name, []string{"serve", "env:" + env.name + "=" + env.value}, env.name})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if spec, ok := strings.CutPrefix(args[len(args)-1], "env:"); ok {
				name, value, _ := strings.Cut(spec, "=")
				t.Setenv(name, value)
				args = args[:len(args)-1]
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, stderr.String(), exitUsage, tc.wantErr)
			}
		})
	}
}

// Beyond loopback paxkit warns that the admin endpoints are open, and the command's access
// log reaches stderr at the level of the answer (an answered request is INFO). That a 501 is
// a WARN and a 500 an ERROR is tested in internal/server with APIs built for it, since every
// built-in operation may be implemented by now.
func TestServeWarnings(t *testing.T) {
	srv := startServe(t, "--addr", "0.0.0.0:0", "--log-format", "json")
	req, _ := http.NewRequest(http.MethodGet, srv.base+"/intrepid/bookings/5057124/Customers", nil)
	req.Header.Set("X-Api-Key", "paxkit-intrepid-demo-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.stop(t)
	logs := srv.stderr.String()
	if !strings.Contains(logs, `"level":"WARN","msg":"listening beyond loopback`) {
		t.Errorf("no warning about open admin endpoints:\n%s", logs)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(logs, `"level":"INFO","msg":"request","method":"GET","path":"/intrepid/bookings/5057124/Customers","status":200`) {
		t.Errorf("status %d; want a 200 logged at INFO:\n%s", resp.StatusCode, logs)
	}
}

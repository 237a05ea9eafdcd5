package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/server"
)

const tompItems = "/tomp/collections/customers/items"

// tompDo sends one TOMP request as the demo tenant and returns status and body; err is a
// transport error (no answer, so the write is not acknowledged).
func tompDo(client *http.Client, base, method, path, contentType, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
	req.Header.Set("Accept-Language", "en")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, data, nil
}

// binaryServe is `paxkit serve` as a separate process, so that it gets a real SIGTERM.
type binaryServe struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	exited chan error
}

func buildPaxkit(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "paxkit")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startBinary(t *testing.T, bin string, args ...string) *binaryServe {
	t.Helper()
	b := &binaryServe{stderr: &syncBuffer{}, exited: make(chan error, 1)}
	b.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	b.cmd.Stderr = b.stderr
	stdout, err := b.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.cmd.ProcessState == nil {
			_ = b.cmd.Process.Kill()
		}
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		err := b.cmd.Wait()
		t.Fatalf("no output (%v); stderr: %s", err, b.stderr.String())
	}
	base, ok := strings.CutPrefix(lines.Text(), "paxkit serve: listening on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	b.base = base
	go func() {
		for lines.Scan() {
		}
		b.exited <- b.cmd.Wait()
	}()
	return b
}

func (b *binaryServe) wait(t *testing.T) int {
	t.Helper()
	select {
	case err := <-b.exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit; stderr: %s", b.stderr.String())
		return -1
	}
}

// accountState is what a client was last told about one account it wrote.
type accountState struct {
	body    map[string]any // the last acknowledged answer (201 or 200)
	deleted bool           // a DELETE was acknowledged
	unsure  bool           // a write got no answer: it may or may not have happened
}

// TestStateSurvivesSIGTERMUnderLoad runs the real binary with --state, writes through TOMP
// from concurrent clients (creates, merge patches, deletes), sends SIGTERM while they are
// writing, restarts with the same state file and checks that every acknowledged write is
// there with the acknowledged content, and every acknowledged delete stayed deleted.
func TestStateSurvivesSIGTERMUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildPaxkit(t)
	state := filepath.Join(t.TempDir(), "state.json")
	// A long interval: what survives must come from the save on SIGTERM.
	first := startBinary(t, bin, "--state", state, "--state-interval", "1h", "--rate-limit", "off", "--log-level", "warn")

	const workers = 16
	var (
		acked    atomic.Int64
		signaled atomic.Bool
		mu       sync.Mutex
		accounts = map[string]*accountState{}
		wg       sync.WaitGroup
	)
	client := &http.Client{Timeout: 20 * time.Second}
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				body := fmt.Sprintf(`{"id":%q,"firstName":"Worker%d","lastName":"Load%d"}`, uuid.NewString(), w, i)
				status, data, err := tompDo(client, first.base, http.MethodPost, tompItems, "application/json", body)
				if err != nil {
					if !signaled.Load() {
						t.Errorf("create before SIGTERM: %v", err)
					}
					return // the server is going away: this create was never acknowledged
				}
				if status != http.StatusCreated {
					t.Errorf("create: %d %s", status, data)
					return
				}
				var created map[string]any
				if err := json.Unmarshal(data, &created); err != nil {
					t.Errorf("create answer: %v", err)
					return
				}
				id, _ := created["id"].(string)
				st := &accountState{body: created}
				mu.Lock()
				accounts[id] = st
				mu.Unlock()
				acked.Add(1)
				// Every second account is patched, every third deleted.
				var method, ct, patch string
				switch {
				case i%3 == 2:
					method = http.MethodDelete
				case i%2 == 1:
					method, ct, patch = http.MethodPatch, "application/merge-patch+json", fmt.Sprintf(`{"middleName":"patched-%d"}`, i)
				default:
					continue
				}
				status, data, err = tompDo(client, first.base, method, tompItems+"/"+id, ct, patch)
				mu.Lock()
				switch {
				case err != nil:
					st.unsure = true
				case method == http.MethodDelete && (status == http.StatusOK || status == http.StatusNoContent):
					st.deleted = true
				case method == http.MethodPatch && status == http.StatusOK:
					st.body = nil
					if json.Unmarshal(data, &st.body) != nil {
						st.unsure = true
					}
				default:
					t.Errorf("%s: %d %s", method, status, data)
				}
				mu.Unlock()
				if err != nil {
					return
				}
				acked.Add(1)
			}
		})
	}
	// SIGTERM mid-load, once the clients have written a fair amount.
	for deadline := time.Now().Add(60 * time.Second); acked.Load() < 300; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) || t.Failed() {
			t.Fatalf("only %d writes acknowledged; stderr: %s", acked.Load(), first.stderr.String())
		}
	}
	signaled.Store(true)
	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if code := first.wait(t); code != exitOK {
		t.Fatalf("exit code %d after SIGTERM; stderr: %s", code, first.stderr.String())
	}

	second := startBinary(t, bin, "--state", state, "--rate-limit", "off", "--log-level", "warn")
	defer func() {
		_ = second.cmd.Process.Signal(syscall.SIGTERM)
		second.wait(t)
	}()
	var checked, deleted, unsure int
	for id, st := range accounts {
		if st.unsure {
			unsure++
			continue
		}
		status, data, err := tompDo(client, second.base, http.MethodGet, tompItems+"/"+id, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if st.deleted {
			deleted++
			if status != http.StatusNotFound {
				t.Errorf("account %s: acknowledged delete, but after the restart it answers %d %s", id, status, data)
			}
			continue
		}
		checked++
		var got map[string]any
		if status != http.StatusOK || json.Unmarshal(data, &got) != nil || !reflect.DeepEqual(got, st.body) {
			t.Errorf("account %s lost or changed by the restart: %d %s\nacknowledged: %v", id, status, data, st.body)
		}
	}
	t.Logf("%d writes acknowledged to %d clients on %d accounts; after SIGTERM and restart: %d as acknowledged, %d stayed deleted, %d with an unanswered write not checked",
		acked.Load(), workers, len(accounts), checked, deleted, unsure)
	if checked == 0 || deleted == 0 {
		t.Errorf("the load did not exercise both kept and deleted accounts (%d, %d)", checked, deleted)
	}
}

// A state file that cannot be read or is not a paxkit state stops the server with a clear
// message, and is left as it was (never overwritten with an empty state).
func TestServeRefusesAStateItCannotLoad(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"truncated JSON", `{"tenants":{"tomp":[{"id":"demo","credentials":{"tok`, "corrupt"},
		{"not JSON", "\x00\x01garbage", "corrupt"},
		{"empty", "", "is empty"},
		{"unknown key", `{"tenant":{}}`, `unknown field "tenant"`},
		{"unknown table", `{"state":{"nope.table":{}}}`, `unknown table "nope.table"`},
		{"record breaking the contract", `{"state":{"tomp.accounts":{"demo":[{"id":"x"}]}}}`, "tomp.accounts/demo[0]"},
		{"bad tenant", `{"tenants":{"tomp":[{"id":"a"}]}}`, "credentials are empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--state", path}, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stdout %q", code, exitUsage, stdout.String())
			}
			for _, want := range []string{path, tc.want, "refusing to start"} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q: %s", want, stderr.String())
				}
			}
			if got, _ := os.ReadFile(path); string(got) != tc.content {
				t.Errorf("the state file was changed: %q", got)
			}
			if stdout.Len() != 0 {
				t.Errorf("the server started listening: %s", stdout.String())
			}
		})
	}
	t.Run("unwritable location", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--state", filepath.Join(dir, "no-such-dir", "state.json")}, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "cannot be written") {
			t.Errorf("exit %d, stderr %s", code, stderr.String())
		}
	})
}

// On a first start the state file is written at once; while serving it is written every
// --state-interval; a restart loads it, including tenants imported at run time.
func TestServeStateFileLifecycle(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	srv := startServe(t, "--state", path, "--state-interval", "10ms")
	initial, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no state file right after the first start: %v", err)
	}
	if !bytes.Contains(initial, []byte(tomp.DemoActiveAccount)) {
		t.Errorf("the first state file lacks the demo data")
	}
	resp, err := http.Post(srv.base+"/_paxkit/import", "application/json",
		strings.NewReader(`{"tenants":{"tomp":[{"id":"ci","credentials":{"token":"ci-token"}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.base+tompItems, strings.NewReader(`{"id":"interval-1","firstName":"Ina"}`))
	req.Header.Set("Authorization", "Bearer ci-token")
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	// Written by the interval, while the server still runs (polled, not timed).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		data, _ := os.ReadFile(path)
		if bytes.Contains(data, []byte("interval-1")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the interval never wrote the new account")
		}
	}
	if code := srv.stop(t); code != exitOK {
		t.Fatalf("exit %d: %s", code, srv.stderr.String())
	}

	again := startServe(t, "--state", path)
	defer again.stop(t)
	resp, err = http.Get(again.base + "/_paxkit/export")
	if err != nil {
		t.Fatal(err)
	}
	var f server.Fixtures
	err = json.NewDecoder(resp.Body).Decode(&f)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tenants["tomp"]) != 1 || f.Tenants["tomp"][0].ID != "ci" || len(f.State["tomp.accounts"]["ci"]) != 1 {
		t.Errorf("restart did not restore the imported tenant and its account: %+v", f.Tenants["tomp"])
	}
}

// --rate-limit sets each tenancy's limit; the default is Mews' documented limit only.
func TestServeRateLimitFlag(t *testing.T) {
	if got, err := server.ParseRateLimits(defaultRateLimit); err != nil || got.String() != "mews=200/30s" {
		t.Errorf("default rate limit %v %v, want Mews' 200 per 30 s only", got, err)
	}
	srv := startServe(t, "--rate-limit", "tomp=1/1h")
	defer srv.stop(t)
	var statuses []int
	for range 2 {
		status, _, err := tompDo(http.DefaultClient, srv.base, http.MethodGet, tompItems+"/"+tomp.DemoActiveAccount, "", "")
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, status)
	}
	if !reflect.DeepEqual(statuses, []int{200, 429}) {
		t.Errorf("statuses %v, want [200 429] with one request per hour", statuses)
	}
}

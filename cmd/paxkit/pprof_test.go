package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startLines runs `paxkit args...` and returns its first two output lines (the listening
// line and the one after it) and a function that stops it and returns its exit code.
func startLines(t *testing.T, args ...string) (first, second string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, outW, stderr)
		outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var got []string
	for len(got) < 2 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if len(got) < 2 {
		t.Fatalf("output %q; stderr: %s", got, stderr.String())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return got[0], got[1], func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("the command did not stop")
			return -1
		}
	}
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPprofFlag: --pprof serves the profiles on their own listener (not on the API's), and
// without it nothing profiles.
func TestPprofFlag(t *testing.T) {
	for _, cmd := range []string{"serve", "mock"} {
		t.Run(cmd+" with --pprof", func(t *testing.T) {
			first, second, stop := startLines(t, cmd, "--addr", "127.0.0.1:0", "--pprof", "127.0.0.1:0", "--seed", "1")
			base, _ := strings.CutPrefix(first, "paxkit "+cmd+": listening on ")
			_, rest, ok := strings.Cut(second, "http://")
			if !strings.Contains(second, "pprof") || !ok {
				t.Fatalf("second line %q, want the pprof address", second)
			}
			pprofURL := "http://" + strings.Fields(rest)[0]
			if code, body := getBody(t, pprofURL+"cmdline"); code != 200 || !strings.Contains(body, "paxkit") {
				t.Errorf("pprof cmdline: %d %q", code, body)
			}
			if code, body := getBody(t, pprofURL+"heap?debug=1"); code != 200 || !strings.Contains(body, "heap profile") {
				t.Errorf("pprof heap: %d %.80q", code, body)
			}
			if code, _ := getBody(t, base+"/debug/pprof/cmdline"); code == 200 {
				t.Errorf("the API listener answers the profiles")
			}
			if code := stop(); code != exitOK {
				t.Errorf("exit %d", code)
			}
		})
		t.Run(cmd+" without --pprof", func(t *testing.T) {
			_, second, stop := startLines(t, cmd, "--addr", "127.0.0.1:0", "--seed", "1")
			if strings.Contains(second, "pprof") {
				t.Errorf("second line %q mentions pprof without --pprof", second)
			}
			stop()
		})
		t.Run(cmd+" with an unusable --pprof address", func(t *testing.T) {
			stderr := &syncBuffer{}
			code := run(context.Background(), []string{cmd, "--addr", "127.0.0.1:0", "--pprof", "127.0.0.1:99999"}, io.Discard, stderr)
			if code != exitProblem || !strings.Contains(stderr.String(), "--pprof") {
				t.Errorf("exit %d, stderr %q", code, stderr.String())
			}
		})
	}
}

package snapshot_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paxkit/paxkit/internal/snapshot"
)

func TestReadRefusesMissingAndEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	blank := filepath.Join(dir, "blank.json")
	good := filepath.Join(dir, "good.json")
	for path, content := range map[string]string{empty: "", blank: " \n\t", good: `{"state":{}}`} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		path     string
		wantErr  string
		notExist bool
	}{
		{"missing", filepath.Join(dir, "none.json"), "none.json", true},
		{"empty", empty, "is empty", false},
		{"only whitespace", blank, "is empty", false},
		{"unreadable (a directory)", dir, "state file", false},
		{"good", good, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, err := snapshot.Read(tc.path)
			if tc.wantErr == "" {
				if err != nil || string(data) != `{"state":{}}` {
					t.Fatalf("%q %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
			if errors.Is(err, fs.ErrNotExist) != tc.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", !tc.notExist, tc.notExist)
			}
		})
	}
}

func TestWriteAtomicReplacesAndLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	for _, content := range []string{"first", "second, longer than the first", "3"} {
		if err := snapshot.WriteAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("after writing %q: %q %v", content, got, err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode %v, want 0600: the state holds credentials", perm)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the state file", len(entries))
	}
}

// A write that cannot finish leaves the old state file as it was, and no temporary file.
func TestWriteAtomicFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := snapshot.WriteAtomic(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	// The rename fails: the target is a non-empty directory.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := snapshot.WriteAtomic(blocked, []byte("new")); err == nil {
		t.Fatal("no error writing over a directory")
	}
	if err := snapshot.WriteAtomic(filepath.Join(dir, "missing-dir", "state.json"), []byte("new")); err == nil {
		t.Fatal("no error writing into a missing directory")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("state file %q, want the old content", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the state file and the directory only", len(entries))
	}
}

// Concurrent saves never interleave: the file always holds one complete document, the latest.
func TestSaverConcurrentSavesWriteTheLatestState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var version atomic.Int64
	s := &snapshot.Saver{Path: path, State: func() ([]byte, error) {
		return []byte(fmt.Sprintf("version %d %s", version.Add(1), strings.Repeat("x", 64<<10))), nil
	}}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if err := s.Save(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, _ := os.ReadFile(path)
	if want := fmt.Sprintf("version %d ", version.Load()); !strings.HasPrefix(string(got), want) || len(got) != len(want)+64<<10 {
		t.Errorf("file starts %q (%d bytes), want %q and a whole document", got[:min(20, len(got))], len(got), want)
	}
}

func TestSaverSkipsUnchangedStateAndReportsErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	state, fail := "a", error(nil)
	s := &snapshot.Saver{Path: path, State: func() ([]byte, error) { return []byte(state), fail }}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	// Written by someone else: an unchanged state is not written again.
	if err := os.WriteFile(path, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "other" {
		t.Errorf("unchanged state written again: %q", got)
	}
	state = "b"
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "b" {
		t.Errorf("changed state not written: %q", got)
	}
	fail = errors.New("export broke")
	if err := s.Save(); err == nil || !strings.Contains(err.Error(), "export broke") {
		t.Errorf("export error: %v", err)
	}
}

func TestSaverRunSavesOnItsInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	var n atomic.Int64
	s := &snapshot.Saver{Path: path, State: func() ([]byte, error) { return []byte(fmt.Sprint(n.Add(1))), nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, time.Millisecond); close(done) }()
	// Polled, not timed: the interval only has to pass a few times eventually.
	for deadline := time.Now().Add(10 * time.Second); n.Load() < 3; {
		if time.Now().After(deadline) {
			t.Fatal("Run did not save three times")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if _, err := os.Stat(path); err != nil {
		t.Errorf("no state file: %v", err)
	}
}

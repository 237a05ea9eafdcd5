// Package snapshot keeps a state file on disk: `paxkit serve --state FILE` writes its whole
// state there on an interval and when it stops, and reads it back when it starts, so that a
// restart loses no acknowledged write.
//
// A write never leaves a half-written file where the state file is: the document goes to a
// temporary file in the same directory, is flushed to disk (fsync), and is renamed over the
// state file, which POSIX makes atomic; the directory is then flushed too, so the rename
// itself survives a crash. A reader sees the old state or the new one, never a mix.
//
// The package knows nothing of the document's format; the server produces and checks it.
package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Read returns the state file's content. A missing file is an error that matches
// fs.ErrNotExist (the caller's first start); an empty file is an error, because a state file
// paxkit wrote is never empty and starting from nothing would silently lose the state.
func Read(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("state file %s is empty", path)
	}
	return data, nil
}

// WriteAtomic replaces path with data: the file at path holds the old content or data, never
// part of data, even if the process or the machine stops midway. The file is readable by its
// owner only: a state document holds every tenant's credentials.
func WriteAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("state file: write %s: %w", tmp.Name(), err)
	}
	// Flushed before the rename: otherwise a crash right after it could leave the new name
	// pointing at blocks that never reached the disk.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("state file: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state file: close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	return syncDir(dir)
}

// syncDir flushes a directory, so that a rename in it is on disk. Platforms that cannot sync
// a directory (Windows) report an error that is not a failure of the write.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("state file: open directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("state file: sync directory %s: %w", dir, err)
	}
	return nil
}

// Saver writes the document that State returns to Path, skipping writes when it has not
// changed since the last one. Its methods are safe for concurrent use; writes never overlap.
type Saver struct {
	Path   string
	State  func() ([]byte, error)
	Logger *slog.Logger

	mu   sync.Mutex
	last []byte
}

// Save writes the current state now (unless the file already holds it).
func (s *Saver) Save() error {
	// The state is taken under the lock too: two saves taken in one order and written in the
	// other would leave the older state on disk.
	s.mu.Lock()
	defer s.mu.Unlock()
	data, err := s.State()
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if s.last != nil && bytes.Equal(s.last, data) {
		return nil
	}
	if err := WriteAtomic(s.Path, data); err != nil {
		return err
	}
	s.last = data
	return nil
}

// Run saves every interval until ctx ends. A failed save is logged and tried again at the
// next tick: the server keeps serving, and the final save on shutdown reports for good.
func (s *Saver) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Save(); err != nil && s.Logger != nil {
				s.Logger.Error("saving the state file failed", "path", s.Path, "error", err)
			}
		}
	}
}

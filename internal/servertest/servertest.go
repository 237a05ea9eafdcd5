// Package servertest runs paxkit's server on loopback for tests: every response is checked
// against its contract (a violation fails the test), the clock is fixed and ids are seeded, so
// that tests of any API can assert exact answers.
package servertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

// StartTime is the instant the test clock starts at.
func StartTime() time.Time { return time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC) }

// Clock is a fixed clock that tests advance by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Server is a paxkit server under test.
type Server struct {
	URL    string
	Clock  *Clock
	Store  *store.Store
	Server *server.Server
	t      testing.TB
}

// Options adjust the server under test.
type Options struct {
	Fixtures  *server.Fixtures
	BodyLimit int64
	// AllowViolations lists "api/operation" pairs whose responses may break the contract
	// (only for tests that provoke that on purpose).
	AllowViolations map[string]bool
	// RateLimits limits each tenant's requests (the test clock refills the buckets).
	RateLimits server.RateLimits
}

// New starts a server for the APIs that define builds over a fresh store.
func New(t testing.TB, define func(st *store.Store) []apidef.API, opts Options) *Server {
	t.Helper()
	st := store.New()
	clock := &Clock{now: StartTime()}
	apis := define(st)
	srv, err := server.New(server.Config{
		Now:               clock.Now,
		Seed:              42,
		Fixtures:          opts.Fixtures,
		BodyLimit:         opts.BodyLimit,
		RateLimits:        opts.RateLimits,
		ValidateResponses: true,
		OnResponseViolation: func(apiID, op string, status int, err error) {
			if opts.AllowViolations[apiID+"/"+op] {
				return
			}
			t.Errorf("%s %s answered %d, which breaks the contract: %v", apiID, op, status, err)
		},
	}, apis, st)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &Server{URL: hs.URL, Clock: clock, Store: st, Server: srv, t: t}
}

// Response is an answer read completely.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value (the test fails if it is not JSON).
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("response body is not a JSON object: %v\n%s", err, r.Body)
	}
	return v
}

// Do sends one request. body may be nil, a []byte or string sent as is, or any other value
// encoded as JSON.
func (s *Server) Do(method, path string, header map[string]string, body any) Response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			s.t.Fatalf("encode request body: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
		s.t.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, data)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// ViolationLog collects the contract breaks a server reports through
// server.Config.OnResponseViolation while it answers. Fuzz targets use it: they share one
// server across inputs and check, after each input, that its answer broke nothing.
type ViolationLog struct {
	mu   sync.Mutex
	list []string
}

// Add records one break; its signature is server.Config.OnResponseViolation's.
func (l *ViolationLog) Add(api, op string, status int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, fmt.Sprintf("%s %s %d: %v", api, op, status, err))
}

// Take returns the breaks recorded since the last Take and forgets them.
func (l *ViolationLog) Take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.list
	l.list = nil
	return out
}

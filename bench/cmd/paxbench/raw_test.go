package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestStartRaw: the raw limit answers the run's own method and path with paxkit's status,
// bytes and content type, and nothing else (a wrong path would measure echo's 404 instead).
func TestStartRaw(t *testing.T) {
	r := request{method: "POST", path: "/tomp/collections/customers/items", body: `{"id":"x"}`}
	want := []byte(`{"id":"x","firstName":"Load"}`)
	raw, err := startRaw(r, http.StatusCreated, want, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.stop()
	for _, tc := range []struct {
		name, method, path string
		status             int
		body, contentType  string
	}{
		{"the run's request", "POST", r.path, http.StatusCreated, string(want), "application/json"},
		{"another path", "POST", "/tomp/other", http.StatusNotFound, "", ""},
		{"another method", "GET", r.path, http.StatusMethodNotAllowed, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, raw.base+tc.path, strings.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.body != "" && (string(body) != tc.body || resp.Header.Get("Content-Type") != tc.contentType) {
				t.Errorf("answer %q (%s), want %q (%s)", body, resp.Header.Get("Content-Type"), tc.body, tc.contentType)
			}
		})
	}
}

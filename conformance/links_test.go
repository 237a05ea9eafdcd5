package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/openapi"
)

// itemsServer implements testdata/items.yaml correctly, except that with loseRenames a rename
// answers the new name but stores nothing (a lost write a read back must catch).
type itemsServer struct {
	mu          sync.Mutex
	next        int
	items       map[string]map[string]any
	loseRenames bool
}

func (s *itemsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(status int, msg string) { reply(status, map[string]any{"error": msg}) }
	readBody := func(allowed ...string) (map[string]any, bool) {
		if r.Header.Get("Content-Type") != "application/json" {
			refuse(http.StatusBadRequest, "not JSON")
			return nil, false
		}
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			refuse(http.StatusBadRequest, err.Error())
			return nil, false
		}
		for k := range m {
			if !strings.Contains(strings.Join(allowed, ","), k) {
				refuse(http.StatusBadRequest, "unknown member "+k)
				return nil, false
			}
		}
		name, ok := m["name"].(string)
		if !ok || len(name) > 20 {
			refuse(http.StatusBadRequest, "name")
			return nil, false
		}
		if note, has := m["note"]; has {
			if n, ok := note.(string); !ok || len(n) > 20 {
				refuse(http.StatusBadRequest, "note")
				return nil, false
			}
		}
		if tags, has := m["tags"]; has {
			list, ok := tags.([]any)
			if !ok || len(list) > 2 {
				refuse(http.StatusBadRequest, "tags")
				return nil, false
			}
			for _, tag := range list {
				if tag != "a" && tag != "b" {
					refuse(http.StatusBadRequest, "tags")
					return nil, false
				}
			}
		}
		return m, true
	}
	id, hasID := strings.CutPrefix(r.URL.Path, "/items/")
	if hasID {
		if _, err := strconv.Atoi(id); err != nil {
			refuse(http.StatusBadRequest, "id")
			return
		}
	}
	switch {
	case r.URL.Path == "/items" && r.Method == http.MethodPost:
		m, ok := readBody("name", "note", "tags")
		if !ok {
			return
		}
		s.next++
		m["id"] = strconv.Itoa(s.next)
		s.items[m["id"].(string)] = m
		reply(http.StatusCreated, m)
	case r.URL.Path == "/items" && r.Method == http.MethodGet:
		note := r.URL.Query().Get("note")
		if note == "" || len(note) > 20 {
			refuse(http.StatusBadRequest, "note")
			return
		}
		found := []any{}
		for _, it := range s.items {
			if it["note"] == note {
				found = append(found, it)
			}
		}
		reply(http.StatusOK, map[string]any{"items": found})
	case hasID && s.items[id] == nil && (r.Method == http.MethodGet || r.Method == http.MethodPut || r.Method == http.MethodDelete):
		refuse(http.StatusNotFound, "no item "+id)
	case hasID && r.Method == http.MethodGet:
		reply(http.StatusOK, s.items[id])
	case hasID && r.Method == http.MethodPut:
		m, ok := readBody("name")
		if !ok {
			return
		}
		renamed := map[string]any{}
		for k, v := range s.items[id] {
			renamed[k] = v
		}
		renamed["name"] = m["name"]
		if !s.loseRenames {
			s.items[id] = renamed
		}
		reply(http.StatusOK, renamed)
	case hasID && r.Method == http.MethodDelete:
		delete(s.items, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		refuse(http.StatusNotFound, "no route")
	}
}

func runItems(t *testing.T, srv *itemsServer) *conformance.Report {
	t.Helper()
	data, err := os.ReadFile("testdata/items.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Parse(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	srv.items = map[string]map[string]any{}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	report, err := conformance.Run(context.Background(), conformance.Config{Doc: doc, BaseURL: hs.URL, MaxTime: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return report
}

func find(t *testing.T, r *conformance.Report, check conformance.Check, name string) conformance.Result {
	t.Helper()
	for _, res := range r.Results {
		if res.Check == check && res.Name == name {
			return res
		}
	}
	var names []string
	for _, res := range r.Results {
		names = append(names, string(res.Check)+": "+res.Name)
	}
	t.Fatalf("no %s case %q in:\n%s", check, name, strings.Join(names, "\n"))
	return conformance.Result{}
}

// TestLinksDriveTheSequence: on any spec, links are followed with their runtime expressions
// (path parameters, templated request bodies); a link needing an absent value is skipped, not
// failed; what was renamed is read back; after the delete the read answers 404.
func TestLinksDriveTheSequence(t *testing.T) {
	report := runItems(t, &itemsServer{})
	if !report.OK() {
		var b strings.Builder
		_ = report.WriteText(&b)
		t.Fatalf("a correct server failed:\n%s", b.String())
	}
	for _, want := range []struct {
		name   string
		status conformance.Status
		reason string
	}{
		{"createItem (start of the sequence)", conformance.Passed, ""},
		{"createItem → GetItem (read back)", conformance.Passed, ""},
		{"createItem → FindByNote (read back)", conformance.Skipped, "$response.body#/note resolves to nothing"},
		{"createItem → RenameItem", conformance.Passed, ""},
		{"createItem → RenameItem → GetItem (read back)", conformance.Passed, ""},
		{"createItem → DeleteItem", conformance.Passed, ""},
		{"createItem → DeleteItem → GetItem (gone)", conformance.Passed, ""},
	} {
		got := find(t, report, conformance.CheckStateful, want.name)
		if got.Status != want.status || !strings.Contains(got.Reason, want.reason) {
			t.Errorf("%s: %s (%s), want %s (%s)", want.name, got.Status, got.Reason, want.status, want.reason)
		}
	}
	// The negative cases reached every constraint of the body, parameters included.
	for _, name := range []string{
		"body /name required member missing", "body /name longer than maxLength 20", "body /tags too many items (3, maxItems 2)",
		"body /tags/0 outside its enum", "body / unknown member paxkitUnexpected", "malformed JSON body",
		"wrong Content-Type text/plain", "no request body",
	} {
		if got := find(t, report, conformance.CheckNegative, name); got.Status != conformance.Passed {
			t.Errorf("negative %q: %s %v", name, got.Status, got.Problems)
		}
	}
	if got := find(t, report, conformance.CheckNegative, "path parameter id not matching its pattern"); got.Status != conformance.Passed {
		t.Errorf("path pattern case: %s %v", got.Status, got.Problems)
	}
}

// TestLostWriteIsReported: a rename that answers the new name but stores nothing fails the
// read back, naming the member and both values.
func TestLostWriteIsReported(t *testing.T) {
	report := runItems(t, &itemsServer{loseRenames: true})
	got := find(t, report, conformance.CheckStateful, "createItem → RenameItem → GetItem (read back)")
	want := `read back /name = "box", but the write answered "renamed-` // the id follows
	if got.Status != conformance.Failed || len(got.Problems) == 0 || !strings.HasPrefix(got.Problems[0], want) {
		t.Fatalf("got %s %v, want a failure starting %q", got.Status, got.Problems, want)
	}
}

// TestNonJSONBodiesAreSkipped: an operation whose body the checker cannot send is reported as
// skipped, and the rest of the spec is still checked.
func TestNonJSONBodiesAreSkipped(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: Forms, version: "1"}
paths:
  /form:
    post:
      operationId: postForm
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object}
      responses:
        '204': {description: ok}
  /ping:
    get:
      operationId: ping
      responses:
        '204': {description: ok}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer hs.Close()
	report, err := conformance.Run(context.Background(), conformance.Config{Doc: doc, BaseURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	if got := find(t, report, conformance.CheckExamples, "every check"); got.Status != conformance.Skipped || got.Operation != "postForm" || !strings.Contains(got.Reason, "no JSON media type") {
		t.Errorf("form operation: %+v", got)
	}
	if got := find(t, report, conformance.CheckExamples, "parameter examples"); got.Status != conformance.Passed || got.Operation != "ping" {
		t.Errorf("ping: %+v", got)
	}
}

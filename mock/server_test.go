package mock_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// TestConcurrentRequests: the responder is shared by every request; under -race many at once
// each get their own, reproducible answer.
func TestConcurrentRequests(t *testing.T) {
	srv, _ := startMock(t, mock.Options{Mode: mock.Dynamic, Seed: 4, ErrorRate: 0.2})
	want := map[int]string{}
	for i := range 4 {
		r := send(srv, "GET", fmt.Sprintf("%s/id-%d", tompItems, i), tompAuth("Prefer", "error=false"), nil)
		want[i] = string(r.Body)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				i := (w + j) % 4
				r := send(srv, "GET", fmt.Sprintf("%s/id-%d", tompItems, i), tompAuth("Prefer", "error=false"), nil)
				if r.Status != 200 || string(r.Body) != want[i] {
					mu.Lock()
					problems = append(problems, fmt.Sprintf("id-%d: %d %s", i, r.Status, r.Body))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(problems) > 0 {
		t.Errorf("%d answers differ, first: %s", len(problems), problems[0])
	}
}

// TestOneAPIAtRoot: two contracts cannot both own "/".
func TestOneAPIAtRoot(t *testing.T) {
	raw := []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}`)
	doc, err := openapi.Parse(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	var apis []apidef.API
	for _, id := range []string{"a", "b"} {
		a, err := mock.ForSpec(id, raw, doc, mock.Options{})
		if err != nil {
			t.Fatal(err)
		}
		apis = append(apis, a)
	}
	if _, err := server.New(server.Config{}, apis, store.New()); err == nil || !strings.Contains(err.Error(), "root") {
		t.Errorf("two root APIs: %v, want an error", err)
	}
	if _, err := server.New(server.Config{}, apis[:1], store.New()); err != nil {
		t.Errorf("one root API: %v", err)
	}
}

package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

func mockHandler(b *testing.B, mode mock.Mode) http.Handler {
	b.Helper()
	st := store.New()
	apis, err := registry.APIs(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	if apis, err = mock.WrapAll(apis, mock.Options{Mode: mode, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Seed: 1}, apis, st)
	if err != nil {
		b.Fatal(err)
	}
	return srv.Handler()
}

// BenchmarkMockResponse measures whole requests through the mock (routing, credentials,
// validation, answer) and the allocations per response.
func BenchmarkMockResponse(b *testing.B) {
	getAll, err := json.Marshal(map[string]any{
		"ClientToken": mews.DemoClientToken, "AccessToken": mews.DemoAccessToken, "Client": mews.DemoClient,
		"Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10},
		"CustomerIds": []string{"35d4b117-4e60-44a3-9580-c582117eff98"},
	})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name   string
		mode   mock.Mode
		method string
		path   string
		body   []byte
	}{
		{"tomp-get-static", mock.Static, "GET", "/tomp/collections/customers/items/acc-1", nil},
		{"tomp-get-dynamic", mock.Dynamic, "GET", "/tomp/collections/customers/items/acc-1", nil},
		{"mews-getAll-static", mock.Static, "POST", "/mews/api/connector/v1/customers/getAll", getAll},
		{"mews-getAll-dynamic", mock.Dynamic, "POST", "/mews/api/connector/v1/customers/getAll", getAll},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := mockHandler(b, c.mode)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(c.method, c.path, bytes.NewReader(c.body))
				req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
				req.Header.Set("Accept-Language", "en")
				if c.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkGenerator measures one generated Mews customer, the largest entity of the five APIs.
func BenchmarkGenerator(b *testing.B) {
	doc, err := openapi.Load(context.Background(), "mews")
	if err != nil {
		b.Fatal(err)
	}
	s := doc.Components.Schemas["Customer"]
	g := mock.NewGenerator(1)
	b.ReportAllocs()
	var seed uint64
	for b.Loop() {
		seed++
		g.Reseed(seed)
		if _, err := g.Value(s, mock.Response, ""); err != nil {
			b.Fatal(err)
		}
	}
}

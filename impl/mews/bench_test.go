package mews_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

// benchServer is a server with both revisions and the demo data, checking every response
// against its contract as the tests do.
func benchServer(b *testing.B) *server.Server {
	b.Helper()
	c, err := loadContracts()
	if err != nil {
		b.Fatal(err)
	}
	st := store.New()
	apis, err := mews.Define(st, c.legacySpec, c.legacyDoc, c.spec, c.doc)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{ValidateResponses: true}, apis, st)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkRequests measures one request of each kind through the whole server (routing,
// authentication, validation of request and response, the domain).
func BenchmarkRequests(b *testing.B) {
	cases := []struct {
		name   string
		r      rev
		action string
		kv     map[string]any
	}{
		{"search", current, "search", map[string]any{"Name": "Smith"}},
		{"getAll page", current, "getAll", map[string]any{"LastNames": []string{"Smith"}, "Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10}}},
		{"legacy update", legacy, "update", map[string]any{"CustomerId": mews.DemoLegacyJohnSmith, "Phone": "+420 1"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			h := benchServer(b).Handler()
			payload, err := json.Marshal(body(tc.r, tc.kv))
			if err != nil {
				b.Fatal(err)
			}
			path := "/" + string(tc.r) + "/api/connector/v1/customers/" + tc.action
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("POST", path, bytes.NewReader(payload))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

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

// benchServer is a server with both revisions and the demo data; validate checks every
// response against its contract as the tests do (paxkit serve does not by default).
func benchServer(b *testing.B, validate bool) *server.Server {
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
	srv, err := server.New(server.Config{ValidateResponses: validate}, apis, st)
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkRequests measures one request of each kind through the whole server (routing,
// authentication, validation of the request, the domain, and with "validated" the check of
// the response against the contract). "getAll one" and "add" are the two requests of the
// load test in issue 10 (getall.lua, add.lua): their answers are written without
// encoding/json (customerjson.go).
func BenchmarkRequests(b *testing.B) {
	cases := []struct {
		name   string
		r      rev
		action string
		kv     map[string]any
	}{
		{"search", current, "search", map[string]any{"Name": "Smith"}},
		{"getAll page", current, "getAll", map[string]any{"LastNames": []string{"Smith"}, "Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10}}},
		{"getAll one", current, "getAll", map[string]any{"CustomerIds": []string{mews.DemoJohnSmith}, "Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10}}},
		{"add", current, "add", map[string]any{"OverwriteExisting": false, "Title": "Mister", "FirstName": "Load", "LastName": "Tester"}},
		{"legacy update", legacy, "update", map[string]any{"CustomerId": mews.DemoLegacyJohnSmith, "Phone": "+420 1"}},
	}
	for _, tc := range cases {
		for _, validate := range []bool{false, true} {
			name := tc.name
			if validate {
				name += "/validated"
			}
			b.Run(name, func(b *testing.B) {
				benchRequest(b, benchServer(b, validate), tc.r, tc.action, tc.kv)
			})
		}
	}
}

func benchRequest(b *testing.B, srv *server.Server, r rev, action string, kv map[string]any) {
	h := srv.Handler()
	payload, err := json.Marshal(body(r, kv))
	if err != nil {
		b.Fatal(err)
	}
	path := "/" + string(r) + "/api/connector/v1/customers/" + action
	b.ReportAllocs()
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
}

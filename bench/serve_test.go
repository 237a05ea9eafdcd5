package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

// BenchmarkServe runs the requests `make bench` loads `paxkit serve` with, in process, as
// serve runs them by default (request validation on, response validation off): the profile
// of these is what the load figures depend on.
func BenchmarkServe(b *testing.B) {
	mewsAuth := `"ClientToken":"` + mews.DemoClientToken + `","AccessToken":"` + mews.DemoAccessToken + `","Client":"` + mews.DemoClient + `"`
	cases := []struct {
		name, method, path, body string
		want                     int
	}{
		{"tomp-get", "GET", "/tomp/collections/customers/items/7c2d9e4a-1b3f-4c5d-8e6f-0a1b2c3d4e5f", "", 200},
		{"tomp-create", "POST", "/tomp/collections/customers/items", `{"id":"%s","initials":"L.","firstName":"Load","lastName":"Tester"}`, 201},
		{"mews-getAll", "POST", "/mews/api/connector/v1/customers/getAll", `{` + mewsAuth + `,"CustomerIds":["` + mews.DemoJohnSmith + `"],"Extent":{"Customers":true},"Limitation":{"Count":10}}`, 200},
		{"mews-add", "POST", "/mews/api/connector/v1/customers/add", `{` + mewsAuth + `,"OverwriteExisting":false,"Title":"Mister","FirstName":"Load","LastName":"Tester-%s"}`, 200},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			st := store.New()
			apis, err := registry.APIs(context.Background(), st)
			if err != nil {
				b.Fatal(err)
			}
			srv, err := server.New(server.Config{Seed: 1}, apis, st)
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n++
				body := c.body
				if c.method == "POST" && bytes.Contains([]byte(body), []byte("%s")) {
					body = fmt.Sprintf(body, fmt.Sprintf("5eed0000-0000-4000-8000-%012x", n))
				}
				req := httptest.NewRequest(c.method, c.path, bytes.NewReader([]byte(body)))
				req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
				req.Header.Set("Accept-Language", "en")
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != c.want {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

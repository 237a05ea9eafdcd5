package validate_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
)

// BenchmarkRequest is the request validation alone (kin-openapi's openapi3filter behind
// Validator.Request) of the bodies `make bench` sends: what validation costs each served or
// mocked request, whatever the handler does after it.
func BenchmarkRequest(b *testing.B) {
	mewsAuth := `"ClientToken":"` + mews.DemoClientToken + `","AccessToken":"` + mews.DemoAccessToken + `","Client":"` + mews.DemoClient + `"`
	for _, c := range []struct{ name, api, method, path, body string }{
		{"tomp-create", "tomp", "POST", "/tomp/collections/customers/items", `{"id":"5eed0000-0000-4000-8000-000000000001","initials":"L.","firstName":"Load","lastName":"Tester"}`},
		{"mews-getAll", "mews", "POST", "/mews/api/connector/v1/customers/getAll", `{` + mewsAuth + `,"CustomerIds":["` + mews.DemoJohnSmith + `"],"Extent":{"Customers":true},"Limitation":{"Count":10}}`},
		{"mews-add", "mews", "POST", "/mews/api/connector/v1/customers/add", `{` + mewsAuth + `,"OverwriteExisting":false,"Title":"Mister","FirstName":"Load","LastName":"Tester-5eed0000-0000-4000-8000-000000000001"}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			v := newValidator(b, c.api)
			body := []byte(c.body)
			probe := httptest.NewRequest(c.method, c.path, nil)
			route, fail := v.FindRoute(probe)
			if fail != nil {
				b.Fatalf("route %s %s: %v", c.method, c.path, fail)
			}
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(c.method, c.path, bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Accept-Language", "en")
				if f := v.Request(context.Background(), r, route, body); f != nil {
					b.Fatalf("refused: %+v", f)
				}
			}
		})
	}
}

package proxy_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/proxy"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// TestNoFalseAlarmsAgainstPaxkit puts the proxy in front of paxkit's own TOMP, which keeps its
// contract (servertest fails on any response that does not): successes and vendor errors
// alike must pass without a violation, and a request that breaks the contract must be the
// only one reported.
func TestNoFalseAlarmsAgainstPaxkit(t *testing.T) {
	s := servertest.New(t, func(st *store.Store) []apidef.API {
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		return apis
	}, servertest.Options{})
	doc, err := openapi.Load(context.Background(), tomp.ID)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(s.URL + "/tomp")
	p, err := proxy.New(proxy.Config{Doc: doc, Upstream: target})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	auth := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en", "Content-Type": "application/json"}
	anna := "/collections/customers/items/7c2d9e4a-1b3f-4c5d-8e6f-0a1b2c3d4e5f"
	for _, tt := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", anna, "", 200},
		{"POST", "/collections/customers/items", `{"id":"mp-42","firstName":"Ida","lastName":"Jansen"}`, 201},
		{"GET", "/collections/customers/items/00000000-0000-4000-8000-000000000000", "", 404},
		{"DELETE", anna, "", 200},
	} {
		if got := send(t, tt.method, srv.URL+tt.path, tt.body, auth); got.status != tt.status {
			t.Errorf("%s %s: %d, want %d: %s", tt.method, tt.path, got.status, tt.status, got.body)
		}
	}
	if vs := p.Violations(); len(vs) != 0 {
		t.Fatalf("violations reported for traffic that keeps the contract: %+v", vs)
	}
	send(t, "POST", srv.URL+"/collections/customers/items", `{"firstName":"Ida"}`, auth)
	vs := p.Violations()
	if len(vs) != 1 || vs[0].Direction != proxy.Request || vs[0].Operation != "createCustomer" {
		t.Errorf("violations %+v, want the one request without customer id", vs)
	}
}

package conformance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// startServe runs paxkit's own server (all five APIs) the way `paxkit serve` does, with every
// response it sends checked against its contract by servertest.
func startServe(t *testing.T) (*servertest.Server, map[string]apidef.API) {
	t.Helper()
	byID := map[string]apidef.API{}
	srv := servertest.New(t, func(st *store.Store) []apidef.API {
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apis {
			byID[a.ID] = a
		}
		return apis
	}, servertest.Options{})
	return srv, byID
}

// TestCleanAgainstServe: paxkit check finds nothing wrong with paxkit serve, for every API
// whose implementation exists, with only the API's demo credentials as profile.
func TestCleanAgainstServe(t *testing.T) {
	srv, apis := startServe(t)
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			api := apis[id]
			if api.Mount == nil {
				t.Skipf("%s has no implementation on this branch yet (apidef.API.Mount is nil): serve answers 501", id)
			}
			report, err := conformance.Run(context.Background(), conformance.Config{
				Doc: api.Doc, BaseURL: srv.URL + "/" + id, Profile: conformance.ProfileFromDemo(api.DemoCredentials),
				Seed: 1, MaxCases: 5, MaxTime: 5 * time.Second, NewGenerator: conformance.MockGenerator,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !report.OK() {
				var b strings.Builder
				_ = report.WriteText(&b)
				t.Fatalf("paxkit check found problems in paxkit serve:\n%s", b.String())
			}
			if report.Summary.Passed == 0 {
				t.Fatal("no case passed: the run checked nothing")
			}
			for _, c := range conformance.Checks() {
				if !ran(report, c) {
					t.Errorf("no %s case passed", c)
				}
			}
		})
	}
}

func ran(r *conformance.Report, c conformance.Check) bool {
	for _, res := range r.Results {
		if res.Check == c && res.Status == conformance.Passed {
			return true
		}
	}
	return false
}

func tompDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi.Load(context.Background(), "tomp")
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func tompProfile(t *testing.T) conformance.Profile {
	t.Helper()
	return conformance.Profile{Headers: map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en-GB"}}
}

// runTOMP runs every check against a TOMP endpoint.
func runTOMP(t *testing.T, base string) *conformance.Report {
	t.Helper()
	report, err := conformance.Run(context.Background(), conformance.Config{
		Doc: tompDoc(t), BaseURL: base, Profile: tompProfile(t), Seed: 1, MaxCases: 3, MaxTime: 5 * time.Second,
		NewGenerator: conformance.MockGenerator,
	})
	if err != nil {
		t.Fatal(err)
	}
	return report
}

package conformance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// TestCleanAgainstMock: paxkit check finds nothing wrong with paxkit mock, in both modes, for
// all five APIs. The mock keeps no state (a read answers an example or generated data, not
// what was written), so the stateful check does not apply to it; every other check runs.
func TestCleanAgainstMock(t *testing.T) {
	for _, mode := range []mock.Mode{mock.Static, mock.Dynamic} {
		byID := map[string]apidef.API{}
		srv := servertest.New(t, func(st *store.Store) []apidef.API {
			apis, err := registry.APIs(context.Background(), st)
			if err != nil {
				t.Fatal(err)
			}
			wrapped, err := mock.WrapAll(apis, mock.Options{Mode: mode, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range wrapped {
				byID[a.ID] = a
			}
			return wrapped
		}, servertest.Options{})
		for _, id := range openapi.IDs() {
			t.Run(strings.Join([]string{[]string{"static", "dynamic"}[mode], id}, "/"), func(t *testing.T) {
				api := byID[id]
				checks := []conformance.Check{conformance.CheckExamples, conformance.CheckPositive, conformance.CheckNegative, conformance.CheckAuth}
				report, err := conformance.Run(context.Background(), conformance.Config{
					Doc: api.Doc, BaseURL: srv.URL + "/" + id, Profile: conformance.ProfileFromDemo(api.DemoCredentials),
					Seed: 1, MaxCases: 5, MaxTime: 5 * time.Second, Checks: checks,
				})
				if err != nil {
					t.Fatal(err)
				}
				if !report.OK() {
					var b strings.Builder
					_ = report.WriteText(&b)
					t.Fatalf("paxkit check found problems in paxkit mock:\n%s", b.String())
				}
				for _, c := range checks {
					if !ran(report, c) {
						t.Errorf("no %s case passed", c)
					}
				}
			})
		}
	}
}

package server_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
	"github.com/paxkit/paxkit/mock"
)

// TestEveryOperationIsRoutedByEcho: the core names a request's operation from echo's match
// (validate.RouteByPattern) and only falls back to matching the path against the contract when
// echo matched a catch-all. That holds only if the generated glue (serve) and the responder
// (mock) register each operation under the very pattern the validator indexes; a codegen
// upgrade spelling paths otherwise would keep every answer right and quietly route every
// request twice. This checks the registration for every operation of the five APIs.
func TestEveryOperationIsRoutedByEcho(t *testing.T) {
	for _, mode := range []string{"serve", "mock"} {
		t.Run(mode, func(t *testing.T) {
			st := store.New()
			apis, err := registry.APIs(context.Background(), st)
			if err != nil {
				t.Fatal(err)
			}
			if mode == "mock" {
				if apis, err = mock.WrapAll(apis, mock.Options{Mode: mock.Static, Seed: 1}); err != nil {
					t.Fatal(err)
				}
			}
			srv, err := server.New(server.Config{Seed: 1}, apis, st)
			if err != nil {
				t.Fatal(err)
			}
			registered := map[string]bool{}
			for _, rt := range srv.Handler().(*echo.Echo).Routes() {
				registered[rt.Method+" "+rt.Path] = true
			}
			for _, a := range apis {
				checkRoutedByEcho(t, a, registered)
			}
		})
	}
}

func checkRoutedByEcho(t *testing.T, a apidef.API, registered map[string]bool) {
	t.Helper()
	v, err := validate.New(a.Doc, a.Base())
	if err != nil {
		t.Fatal(err)
	}
	paths := a.Doc.Paths.Map()
	for _, template := range slices.Sorted(maps.Keys(paths)) {
		pattern, ok := validate.EchoPattern(template)
		if !ok {
			t.Errorf("%s %s: no echo pattern", a.ID, template)
			continue
		}
		for method, op := range paths[template].Operations() {
			full := a.Base() + pattern
			if !registered[method+" "+full] {
				t.Errorf("%s %s: echo has no route %s %s", a.ID, op.OperationID, method, full)
			}
			r, ok := v.RouteByPattern(method, full, nil, nil)
			switch {
			case !ok:
				t.Errorf("%s %s: RouteByPattern(%s %s) finds no operation", a.ID, op.OperationID, method, full)
			case r.OperationID() != op.OperationID:
				t.Errorf("%s %s: RouteByPattern(%s %s) finds %s", a.ID, op.OperationID, method, full, r.OperationID())
			}
		}
	}
}

package validate_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/validate"
	"github.com/paxkit/paxkit/openapi"
)

func TestEchoPattern(t *testing.T) {
	tests := []struct {
		template, want string
		ok             bool
	}{
		{"/collections/customers/items", "/collections/customers/items", true},
		{"/collections/customers/items/{id}", "/collections/customers/items/:id", true},
		{"/{context}/{contextId}/customers/{customerId}", "/:context/:contextId/customers/:customerId", true},
		{"/", "/", true},
		{"/items/{id}.json", "", false}, // a parameter inside a segment: echo would take the whole segment
		{"/items/v{version}", "", false},
		{"/items/{}", "", false},
		{"/items/a:b", "", false}, // ':' and '*' mean something to echo
		{"/files/*", "", false},
	}
	for _, tt := range tests {
		got, ok := validate.EchoPattern(tt.template)
		if got != tt.want || ok != tt.ok {
			t.Errorf("EchoPattern(%q) = %q, %v; want %q, %v", tt.template, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRouteByPatternAgreesWithFindRoute routes a request for every operation of every built-in
// contract through echo, with each operation registered under its EchoPattern as the server
// does, and checks that echo's match gives the operation and path parameters the contract's
// own router finds.
func TestRouteByPatternAgreesWithFindRoute(t *testing.T) {
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			v := newValidator(t, id)
			e := echo.New()
			type match struct {
				op     string
				params map[string]string
				ok     bool
			}
			var got match
			handler := func(c echo.Context) error {
				r, ok := v.RouteByPattern(c.Request().Method, c.Path(), c.ParamNames(), c.ParamValues())
				got = match{ok: ok}
				if ok {
					got.op, got.params = r.OperationID(), r.Matched().PathParams
				}
				return c.NoContent(http.StatusNoContent)
			}
			paths := v.Doc().Paths.Map()
			for _, template := range slices.Sorted(maps.Keys(paths)) {
				pattern, ok := validate.EchoPattern(template)
				if !ok {
					t.Fatalf("%s: no echo pattern for %s", id, template)
				}
				for method := range paths[template].Operations() {
					e.Add(method, "/"+id+pattern, handler)
				}
			}
			for _, template := range slices.Sorted(maps.Keys(paths)) {
				for method, op := range paths[template].Operations() {
					n := 0
					path := param.ReplaceAllStringFunc(template, func(string) string {
						n++
						return fmt.Sprintf("value%d", n)
					})
					r := httptest.NewRequest(method, "/"+id+path, nil)
					want, f := v.FindRoute(r)
					if f != nil {
						t.Fatalf("%s %s: FindRoute: %v", method, path, f)
					}
					got = match{}
					e.ServeHTTP(httptest.NewRecorder(), r)
					if !got.ok || got.op != op.OperationID || got.op != want.OperationID() ||
						!maps.Equal(got.params, want.Matched().PathParams) {
						t.Errorf("%s %s: echo match %+v; FindRoute %s %v", method, path, got, want.OperationID(), want.Matched().PathParams)
					}
				}
			}
		})
	}
}

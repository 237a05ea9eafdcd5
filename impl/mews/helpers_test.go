package mews_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// rev is one contract revision under test.
type rev string

const (
	legacy  rev = mews.LegacyID
	current rev = mews.ID
)

var bothRevisions = []rev{legacy, current}

func loadDoc(t testing.TB, id string) ([]byte, *openapi3.T) {
	t.Helper()
	spec, err := openapi.Bytes(id)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return spec, doc
}

// contracts are both revisions' contracts, loaded once: loading a contract takes a large
// share of a server start, and every test starts fresh servers. Servers only read them.
type contracts struct {
	legacySpec, spec []byte
	legacyDoc, doc   *openapi3.T
}

var loadContracts = sync.OnceValues(func() (contracts, error) {
	var c contracts
	var err error
	if c.legacySpec, err = openapi.Bytes(mews.LegacyID); err != nil {
		return c, err
	}
	if c.spec, err = openapi.Bytes(mews.ID); err != nil {
		return c, err
	}
	if c.legacyDoc, err = openapi.Load(context.Background(), mews.LegacyID); err != nil {
		return c, err
	}
	c.doc, err = openapi.Load(context.Background(), mews.ID)
	return c, err
})

func start(t *testing.T, opts servertest.Options) *servertest.Server {
	t.Helper()
	c, err := loadContracts()
	if err != nil {
		t.Fatal(err)
	}
	return servertest.New(t, func(st *store.Store) []apidef.API {
		apis, err := mews.Define(st, c.legacySpec, c.legacyDoc, c.spec, c.doc)
		if err != nil {
			t.Fatal(err)
		}
		return apis
	}, opts)
}

// body is a request body of the revision with the demo credentials of the gross-uk
// enterprise and the given properties.
func body(r rev, kv map[string]any) map[string]any {
	return bodyFor(r, mews.DemoAccessToken, kv)
}

func bodyFor(r rev, accessToken string, kv map[string]any) map[string]any {
	out := map[string]any{"ClientToken": mews.DemoClientToken, "AccessToken": accessToken}
	if r == current {
		out["Client"] = "paxkit tests 1.0"
	}
	for k, v := range kv {
		out[k] = v
	}
	return out
}

// call posts a body to an operation of the revision and checks what every Mews answer has:
// the Request-Id header, and on errors the {Message, RequestId} body with that id.
func call(t *testing.T, s *servertest.Server, r rev, action string, b any) servertest.Response {
	t.Helper()
	resp := s.Do(http.MethodPost, "/"+string(r)+"/api/connector/v1/customers/"+action, nil, b)
	id := resp.Header.Get("Request-Id")
	if id == "" {
		t.Errorf("%s %s: no Request-Id header", r, action)
	}
	if resp.Status >= 400 {
		var e struct{ Message, RequestId string }
		if err := json.Unmarshal(resp.Body, &e); err != nil || e.Message == "" || e.RequestId != id {
			t.Errorf("%s %s: %d answer is not a Mews error with the request id %q: %s", r, action, resp.Status, id, resp.Body)
		}
	}
	return resp
}

func expect(t *testing.T, resp servertest.Response, status int) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d: %s", resp.Status, status, resp.Body)
	}
}

func message(t *testing.T, resp servertest.Response) string {
	t.Helper()
	var e struct{ Message string }
	_ = json.Unmarshal(resp.Body, &e)
	return e.Message
}

// customer is a customer as either revision answers it, read generically.
type customer map[string]any

func customersOf(t *testing.T, resp servertest.Response) []customer {
	t.Helper()
	var res struct {
		Customers []json.RawMessage
	}
	if err := json.Unmarshal(resp.Body, &res); err != nil {
		t.Fatalf("not a customer list: %v\n%s", err, resp.Body)
	}
	out := make([]customer, len(res.Customers))
	for i, raw := range res.Customers {
		var c customer
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		if inner, ok := c["Customer"].(map[string]any); ok { // search results wrap the customer
			c = inner
		}
		out[i] = c
	}
	return out
}

func ids(cs []customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i], _ = c["Id"].(string)
	}
	return out
}

func customerOf(t *testing.T, resp servertest.Response) customer {
	t.Helper()
	return customer(resp.JSON(t))
}

// getByID reads one customer back through the revision (getAll by id in the current one,
// getAllByIds in the legacy one), whatever its activity state.
func getByID(t *testing.T, s *servertest.Server, r rev, id string) customer {
	t.Helper()
	var resp servertest.Response
	if r == legacy {
		resp = call(t, s, r, "getAllByIds", body(r, map[string]any{"CustomerIds": []string{id}}))
	} else {
		resp = call(t, s, r, "getAll", body(r, map[string]any{
			"CustomerIds": []string{id}, "ActivityStates": []string{"Active", "Deleted"},
			"Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10},
		}))
	}
	expect(t, resp, 200)
	cs := customersOf(t, resp)
	if len(cs) != 1 {
		t.Fatalf("%s: %d customers with id %s, want 1: %s", r, len(cs), id, resp.Body)
	}
	return cs[0]
}

// contains reports where got differs from want, which may leave out object members (they are
// not compared) and array elements (each element of want must match one of got), except
// members named in ignore.
func contains(want, got any, ignore map[string]bool, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want an object", path, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ignore[k] {
				continue
			}
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s/%s: missing", path, k))
				continue
			}
			out = append(out, contains(w[k], gv, ignore, path+"/"+k)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want an array", path, got)}
		}
		var out []string
		for i, we := range w {
			found := false
			for _, ge := range g {
				if len(contains(we, ge, ignore, "")) == 0 {
					found = true
					break
				}
			}
			if !found {
				out = append(out, fmt.Sprintf("%s/%d: %v not in %v", path, i, we, g))
			}
		}
		return out
	default:
		if !reflect.DeepEqual(normal(want), normal(got)) {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
		}
		return nil
	}
}

// normal makes YAML- and JSON-decoded scalars comparable (numbers as float64).
func normal(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	}
	return v
}

// asJSON decodes v's JSON form generically (so that YAML examples compare like answers).
func asJSON(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func has(s, sub string) bool { return strings.Contains(s, sub) }

// The comparison the seed test relies on must see differences.
func TestContainsSeesDifferences(t *testing.T) {
	got := map[string]any{"A": "x", "L": []any{map[string]any{"Id": "1"}, map[string]any{"Id": "2"}}, "T": "now"}
	tests := []struct {
		name  string
		want  any
		diffs int
	}{
		{"subset", map[string]any{"A": "x", "L": []any{map[string]any{"Id": "2"}}}, 0},
		{"ignored member", map[string]any{"T": "then"}, 0},
		{"other value", map[string]any{"A": "y"}, 1},
		{"missing member", map[string]any{"B": nil}, 1},
		{"missing element", map[string]any{"L": []any{map[string]any{"Id": "3"}}}, 1},
		{"null is not a value", map[string]any{"A": nil}, 1},
	}
	for _, tc := range tests {
		if d := contains(tc.want, got, map[string]bool{"T": true}, ""); len(d) != tc.diffs {
			t.Errorf("%s: %d differences %v, want %d", tc.name, len(d), d, tc.diffs)
		}
	}
}

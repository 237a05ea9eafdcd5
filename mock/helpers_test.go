package mock_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
)

// builtIn loads and defines the five built-in APIs once per test binary: loading and
// validating the contracts is most of what starting a server costs, under -race seconds. The
// definitions are read-only; each test wraps them anew. Their demo records are dropped, since
// their tables live in the store they were defined on and the mock never reads records.
var builtIn = sync.OnceValues(func() ([]apidef.API, error) {
	apis, err := registry.APIs(context.Background(), store.New())
	for i := range apis {
		apis[i].DemoState = nil
	}
	return apis, err
})

// startMock runs the mock of the five built-in APIs behind paxkit's server core; servertest
// validates every response against its contract and fails the test on a violation.
func startMock(t *testing.T, opts mock.Options) (*servertest.Server, []apidef.API) {
	t.Helper()
	defined, err := builtIn()
	if err != nil {
		t.Fatal(err)
	}
	apis, err := mock.WrapAll(defined, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.New(t, func(*store.Store) []apidef.API { return apis }, servertest.Options{})
	return srv, apis
}

// call is one request: method, path (with query), headers and body.
type call struct {
	method, path string
	header       map[string]string
	body         any
}

// validCall builds a request the contract accepts for op, from generated parameters and body
// with the API's demo credentials, seeded so that each operation gets its own values.
func validCall(t *testing.T, a apidef.API, path, method string, op *openapi3.Operation, item *openapi3.PathItem, seed uint64) call {
	t.Helper()
	g := mock.NewGenerator(seed)
	c := call{method: method, header: map[string]string{}}
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	query := url.Values{}
	for _, ref := range params {
		p := ref.Value
		if p == nil || p.Schema == nil || (!p.Required && p.In != openapi3.ParameterInPath) {
			continue
		}
		v, err := g.Value(p.Schema, mock.Request, p.Name)
		if err != nil {
			t.Fatalf("%s %s parameter %s: %v", method, path, p.Name, err)
		}
		switch p.In {
		case openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(scalar(v)))
		case openapi3.ParameterInQuery:
			if list, ok := v.([]any); ok {
				for _, e := range list {
					query.Add(p.Name, scalar(e))
				}
			} else {
				query.Set(p.Name, scalar(v))
			}
		case openapi3.ParameterInHeader:
			c.header[p.Name] = scalar(v)
		}
	}
	for k, v := range a.DemoCredentials.Headers {
		c.header[k] = v
	}
	c.path = a.Base() + path
	if len(query) > 0 {
		c.path += "?" + query.Encode()
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		var media *openapi3.MediaType
		for _, mt := range slices.Sorted(maps.Keys(op.RequestBody.Value.Content)) {
			if mt == "application/json" || strings.HasSuffix(mt, "+json") {
				media, c.header["Content-Type"] = op.RequestBody.Value.Content[mt], mt
				break
			}
		}
		if media == nil {
			t.Fatalf("%s %s: no JSON request body", method, path)
		}
		v, err := g.Value(media.Schema, mock.Request, "")
		if err != nil {
			t.Fatalf("%s %s body: %v", method, path, err)
		}
		if obj, ok := v.(map[string]any); ok {
			for k, cred := range a.DemoCredentials.Body {
				obj[k] = cred
			}
		}
		c.body = v
	}
	return c
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

// operations lists every operation of a, sorted, with its path item.
type operation struct {
	path, method string
	op           *openapi3.Operation
	item         *openapi3.PathItem
}

func operations(a apidef.API) []operation {
	var out []operation
	for path, item := range a.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, operation{path, method, op, item})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

func (s call) do(srv *servertest.Server, extra ...string) servertest.Response {
	h := map[string]string{}
	for k, v := range s.header {
		h[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return send(srv, s.method, s.path, h, s.body)
}

// send is servertest's Do without its check that nothing answers 5xx: the mock answers
// documented 5xx on request. The server still validates every answer against the contract.
func send(srv *servertest.Server, method, path string, header map[string]string, body any) servertest.Response {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		panic(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return servertest.Response{Status: -1, Body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return servertest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

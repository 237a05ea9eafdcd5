package robustness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
)

// operation is one operation of one API, with a valid request to start bad ones from.
type operation struct {
	api    apidef.API
	id     string
	method string
	// template is the contract's path, params its path and query parameters with the
	// value a valid request sends.
	template string
	params   []param
	// contentType is the request body's media type ("" = no body); example the valid body
	// from the contract's example, credentials included for body-credential APIs.
	contentType string
	example     map[string]any
	bodySchema  *openapi3.Schema
}

type param struct {
	name, in, value string
	integer         bool
}

func (o operation) String() string { return o.api.ID + " " + o.id }

// path is the request path with every path parameter set to value(name), and the query.
func (o operation) path(value func(p param) string) string {
	p := o.api.Base() + o.template
	q := url.Values{}
	for _, pr := range o.params {
		v := value(pr)
		switch pr.in {
		case "path":
			p = strings.ReplaceAll(p, "{"+pr.name+"}", url.PathEscape(v))
		case "query":
			q.Set(pr.name, v)
		}
	}
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

// validPath is the path of a request the contract accepts.
func (o operation) validPath() string { return o.path(func(p param) string { return p.value }) }

// headers are the demo credentials of the operation's API (header-credential APIs).
func (o operation) headers() map[string]string {
	h := map[string]string{}
	for k, v := range o.api.DemoCredentials.Headers {
		h[k] = v
	}
	return h
}

// body is the valid example body with its fields replaced: the credentials stay, so that
// the bad input reaches validation and the handler rather than stopping at authentication.
func (o operation) body(change func(key string, value any) any) []byte {
	out := map[string]any{}
	for k, v := range o.example {
		if _, cred := o.api.DemoCredentials.Body[k]; cred {
			out[k] = v
			continue
		}
		out[k] = change(k, v)
	}
	data, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("robustness: encode %s body: %v", o, err))
	}
	return data
}

// exampleJSON is the valid body as JSON.
func (o operation) exampleJSON() []byte { return o.body(func(_ string, v any) any { return v }) }

// demoPathValues are path values of the demo data, for APIs whose contract examples name
// records another tenant or no tenant holds.
func demoPathValues(apiID, name string) (string, bool) {
	switch apiID + "/" + name {
	case tomp.ID + "/customerId":
		return tomp.DemoActiveAccount, true
	case intrepid.ID + "/context":
		return "trips", true
	case intrepid.ID + "/contextId":
		return fmt.Sprint(intrepid.DemoTrip), true
	case intrepid.ID + "/id":
		return fmt.Sprint(intrepid.DemoHomer), true
	}
	return "", false
}

// operations lists every operation of every API in a stable order.
func operations(t testing.TB, apis []apidef.API) []operation {
	t.Helper()
	var out []operation
	for _, a := range apis {
		paths := a.Doc.Paths.Map()
		templates := make([]string, 0, len(paths))
		for tpl := range paths {
			templates = append(templates, tpl)
		}
		sort.Strings(templates)
		for _, tpl := range templates {
			item := paths[tpl]
			methods := make([]string, 0)
			for m := range item.Operations() {
				methods = append(methods, m)
			}
			sort.Strings(methods)
			for _, m := range methods {
				op := item.GetOperation(m)
				o := operation{api: a, id: op.OperationID, method: m, template: tpl}
				for _, pr := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
					p := pr.Value
					if p.In != "path" && !(p.In == "query" && p.Required) {
						continue
					}
					v, ok := demoPathValues(a.ID, p.Name)
					if !ok {
						v = fmt.Sprint(exampleOf(p.Example, p.Schema))
					}
					integer := p.Schema != nil && p.Schema.Value.Type.Is("integer")
					o.params = append(o.params, param{name: p.Name, in: p.In, value: v, integer: integer})
				}
				if rb := op.RequestBody; rb != nil && rb.Value != nil {
					for ct, mt := range rb.Value.Content {
						if o.contentType == "" || ct == "application/json" {
							o.contentType = ct
							o.example = bodyExample(t, o, mt)
							if mt.Schema != nil {
								o.bodySchema = mt.Schema.Value
							}
						}
					}
				}
				out = append(out, o)
			}
		}
	}
	return out
}

func exampleOf(example any, s *openapi3.SchemaRef) any {
	if example != nil {
		return example
	}
	if s != nil && s.Value != nil && s.Value.Example != nil {
		return s.Value.Example
	}
	return "1"
}

// bodyExample is the media type's example (or first named example) as an object, with the
// API's demo body credentials put in.
func bodyExample(t testing.TB, o operation, mt *openapi3.MediaType) map[string]any {
	t.Helper()
	var ex any = mt.Example
	if ex == nil {
		names := make([]string, 0, len(mt.Examples))
		for n := range mt.Examples {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if e := mt.Examples[n]; e != nil && e.Value != nil && e.Value.Value != nil {
				ex = e.Value.Value
				break
			}
		}
	}
	if ex == nil && mt.Schema != nil && mt.Schema.Value != nil {
		ex = mt.Schema.Value.Example
	}
	obj := map[string]any{}
	if m, ok := ex.(map[string]any); ok {
		data, _ := json.Marshal(m)
		_ = json.Unmarshal(data, &obj) // a deep copy: the example belongs to the loaded doc
	}
	for k, v := range o.api.DemoCredentials.Body {
		obj[k] = v
	}
	return obj
}

// allAPIs defines every built-in API over st (as `paxkit serve` does).
func allAPIs(t testing.TB) func(st *store.Store) []apidef.API {
	return func(st *store.Store) []apidef.API {
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			t.Fatalf("registry: %v", err)
		}
		return apis
	}
}

// erinTenantsThatNeverLock are Erin's demo logins with a failed-login limit no test reaches,
// so that the wrong passwords of bad inputs and probes do not lock the accounts the next
// requests use.
func erinTenantsThatNeverLock(apis []apidef.API) map[string][]apidef.Tenant {
	for _, a := range apis {
		if a.ID != erin.ID {
			continue
		}
		out := make([]apidef.Tenant, len(a.DefaultTenants))
		for i, tn := range a.DefaultTenants {
			tn.Properties = map[string]any{"maxFailedLogins": float64(1e6)}
			out[i] = tn
		}
		return map[string][]apidef.Tenant{erin.ID: out}
	}
	return nil
}

// newServer starts every API on loopback with demo data; every answer is checked against
// its contract.
func newServer(t testing.TB) (*servertest.Server, []operation) {
	t.Helper()
	var apis []apidef.API
	define := allAPIs(t)
	srv := servertest.New(t, func(st *store.Store) []apidef.API {
		apis = define(st)
		return apis
	}, servertest.Options{Fixtures: &server.Fixtures{Tenants: erinTenantsThatNeverLock(apisForTenants(t))}})
	return srv, operations(t, apis)
}

// apisForTenants defines the APIs over a scratch store, only to read their default tenants
// before the server under test exists.
func apisForTenants(t testing.TB) []apidef.API { return allAPIs(t)(store.New()) }

// vendorFormat checks that a failure body has the shape of the API's error format and
// returns what is wrong with it ("" when it has).
func vendorFormat(apiID string, body []byte) string {
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf("not a JSON object: %v", err)
	}
	switch apiID {
	case tomp.ID:
		errs, ok := v["errors"].([]any)
		if !ok || len(errs) == 0 {
			return "no TOMP errors list"
		}
		for _, e := range errs {
			m, _ := e.(map[string]any)
			if _, ok := m["errorcode"].(float64); !ok || m["title"] == "" {
				return "a TOMP error without errorcode or title"
			}
		}
	case intrepid.ID:
		if s, _ := v["errorType"].(string); s == "" {
			return "no Intrepid errorType"
		}
		if _, ok := v["errors"].([]any); !ok {
			return "no Intrepid errors list"
		}
	case erin.ID:
		if v["success"] != false {
			return "no Erin success:false"
		}
		errs, ok := v["errors"].([]any)
		if !ok || len(errs) == 0 {
			return "no Erin errors list"
		}
	default: // both Mews revisions
		if s, _ := v["Message"].(string); s == "" {
			return "no Mews Message"
		}
		if _, ok := v["RequestId"].(string); !ok {
			return "no Mews RequestId"
		}
	}
	return ""
}

// send is one raw request: unlike servertest.Do it sets exactly the given Content-Type
// (or none) and returns the transport error instead of failing.
func send(client *http.Client, base, method, path, contentType string, header map[string]string, body []byte) (int, []byte, error) {
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequest(method, base+path, rd)
	} else {
		req, err = http.NewRequest(method, base+path, nil)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("new request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	return resp.StatusCode, buf.Bytes(), nil
}

func jsonEncoder(w *bytes.Buffer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

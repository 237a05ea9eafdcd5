package robustness

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
)

// fuzzHeaders are the request headers the fuzzer may set, one per run: each API's credential
// header, TOMP's Accept-Language, and the ones every request carries.
var fuzzHeaders = []string{"Authorization", "X-Api-Key", "Accept-Language", "Content-Type", "Accept", "Content-Length", "Content-Encoding", "Transfer-Encoding", "X-Request-Id"}

// FuzzAnyOperation drives every operation of the five APIs through the whole middleware
// (route, body limit, credentials, validation, the tenant's rights, the handler, response
// validation) with a fuzzed path parameter, raw query, one header and body, starting from
// the contracts' own examples with the demo credentials. Every answer must be a 2xx or a
// 4xx in the API's own error format that keeps to the contract; never a 5xx or a panic.
func FuzzAnyOperation(f *testing.F) {
	apis := allAPIs(f)(store.New())
	ops := operations(f, apis)
	for i, o := range ops {
		for _, p := range o.params {
			f.Add(uint8(i), p.value, "", uint8(2), "en", o.exampleJSON())
		}
		if len(o.params) == 0 {
			f.Add(uint8(i), "", "", uint8(4), "application/json", o.exampleJSON())
		}
	}
	f.Add(uint8(0), "x", "limit=1e400&offset=-1", uint8(0), "Bearer \xff", []byte(`{"id":"\u0000"}`))
	f.Add(uint8(5), "9223372036854775808", "a=%zz", uint8(1), "", []byte(`[[[[[[`))
	f.Add(uint8(20), "", "", uint8(3), "text/plain", []byte("\xff\xfe{}"))

	h, violations := fuzzHandler(f, apis)
	f.Fuzz(func(t *testing.T, opIndex uint8, pathValue, rawQuery string, header uint8, headerValue string, body []byte) {
		o := ops[int(opIndex)%len(ops)]
		if pathValue == "." || pathValue == ".." {
			return // a dot segment is resolved to another path before any API sees it
		}
		path := o.path(func(p param) string {
			if p.in == "path" && pathValue != "" {
				return pathValue
			}
			return p.value
		})
		if rawQuery != "" {
			path += "?" + rawQuery
		}
		if _, err := url.ParseRequestURI(path); err != nil || strings.ContainsAny(path, " \t\r\n\x00") {
			return // not a request line a client could send (url.ParseRequestURI lets a space through in the query)
		}
		payload := body
		var obj map[string]any
		if json.Unmarshal(body, &obj) == nil && obj != nil {
			for k, v := range o.api.DemoCredentials.Body {
				if _, set := obj[k]; !set {
					obj[k] = v
				}
			}
			payload, _ = json.Marshal(obj)
		}
		req := httptest.NewRequest(o.method, "http://paxkit.test"+path, bytes.NewReader(payload))
		for k, v := range o.api.DemoCredentials.Headers {
			req.Header.Set(k, v)
		}
		if o.contentType != "" {
			req.Header.Set("Content-Type", o.contentType)
		}
		name := fuzzHeaders[int(header)%len(fuzzHeaders)]
		if strings.ContainsAny(headerValue, "\r\n\x00") {
			return // net/http refuses such a header before any handler runs
		}
		switch name {
		case "Content-Length", "Transfer-Encoding", "Content-Encoding":
			// Framing headers are net/http's business, not the API's: only well-formed ones.
			if name != "Content-Encoding" || headerValue != "identity" {
				break
			}
			fallthrough
		default:
			req.Header.Set(name, headerValue)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %s: %q answered %d: %s", o, o.method, path, payload, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			if p := vendorFormat(o.api.ID, rec.Body.Bytes()); p != "" {
				t.Fatalf("%s %s %s (%s: %q): %d %s: %s", o, o.method, path, name, headerValue, rec.Code, p, rec.Body)
			}
		}
		if v := violations.Take(); len(v) > 0 {
			t.Fatalf("%s %s %s %q: the answer breaks the contract: %v", o, o.method, path, payload, v)
		}
	})
}

// fuzzHandler is one server of every API with the demo data, shared by the fuzzer's runs
// (their writes accumulate, which reaches states no single request does).
func fuzzHandler(f *testing.F, _ []apidef.API) (http.Handler, *servertest.ViolationLog) {
	st := store.New()
	apis := allAPIs(f)(st)
	log := &servertest.ViolationLog{}
	srv, err := server.New(server.Config{
		ValidateResponses:   true,
		OnResponseViolation: log.Add,
		Fixtures:            &server.Fixtures{Tenants: erinTenantsThatNeverLock(apis)},
	}, apis, st)
	if err != nil {
		f.Fatal(err)
	}
	return srv.Handler(), log
}

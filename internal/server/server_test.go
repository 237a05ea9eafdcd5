package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

func all(t testing.TB) func(st *store.Store) []apidef.API {
	return func(st *store.Store) []apidef.API {
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			t.Fatalf("registry: %v", err)
		}
		return apis
	}
}

func startAll(t *testing.T, opts servertest.Options) *servertest.Server {
	t.Helper()
	return servertest.New(t, all(t), opts)
}

func TestSpecsIndexHealthAndAPIList(t *testing.T) {
	s := startAll(t, servertest.Options{})
	for _, id := range openapi.IDs() {
		r := s.Do(http.MethodGet, "/"+id+"/openapi.yaml", nil, nil)
		want, _ := openapi.Bytes(id)
		if r.Status != 200 || string(r.Body) != string(want) || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/yaml") {
			t.Errorf("GET /%s/openapi.yaml: %d %q, want 200 with the spec as written", id, r.Status, r.Header.Get("Content-Type"))
		}
	}
	if r := s.Do(http.MethodGet, "/healthz", nil, nil); r.Status != 200 || r.JSON(t)["status"] != "ok" {
		t.Errorf("healthz: %d %s", r.Status, r.Body)
	}

	r := s.Do(http.MethodGet, "/_paxkit/apis", nil, nil)
	var list []struct {
		ID, Base, Spec, Docs string
		Credentials          struct {
			Headers map[string]string
			Body    map[string]any
		}
		Demo map[string]any
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("/_paxkit/apis: %v\n%s", err, r.Body)
	}
	if len(list) != len(openapi.IDs()) {
		t.Fatalf("/_paxkit/apis lists %d APIs, want %d", len(list), len(openapi.IDs()))
	}
	wantCreds := map[string]string{
		"tomp":        `headers Accept-Language=en-GB Authorization=Bearer ` + tomp.DemoToken,
		"intrepid":    `headers X-Api-Key=` + intrepid.DemoAPIKey,
		"mews-legacy": `body AccessToken ClientToken`,
		"mews":        `body AccessToken Client ClientToken`,
		"erin":        `body authenticate`,
	}
	for i, a := range list {
		id := openapi.IDs()[i]
		if a.ID != id || a.Base != "/"+id || a.Spec != "/"+id+"/openapi.yaml" || a.Docs != "/"+id+"/docs/" {
			t.Errorf("entry %d: %+v", i, a)
		}
		got := ""
		if len(a.Credentials.Headers) > 0 {
			got = "headers"
			for _, k := range sortedKeys(a.Credentials.Headers) {
				got += " " + k + "=" + a.Credentials.Headers[k]
			}
		} else {
			got = "body"
			for _, k := range sortedKeys(a.Credentials.Body) {
				got += " " + k
			}
		}
		if got != wantCreds[id] {
			t.Errorf("%s credentials %q, want %q", id, got, wantCreds[id])
		}
	}

	idx := s.Do(http.MethodGet, "/", nil, nil)
	for _, want := range []string{"/tomp", "/mews-legacy", tomp.DemoToken, intrepid.DemoAPIKey, mews.DemoAccessToken, erin.DemoEmail} {
		if !strings.Contains(string(idx.Body), want) {
			t.Errorf("index page does not show %q", want)
		}
	}
	if r := s.Do(http.MethodGet, "/", map[string]string{"Accept": "application/json"}, nil); !strings.HasPrefix(string(r.Body), "[") {
		t.Errorf("index as JSON: %s", r.Body)
	}
	if r := s.Do(http.MethodGet, "/nothing-here", nil, nil); r.Status != 404 || r.JSON(t)["error"] == nil {
		t.Errorf("unknown top-level path: %d %s", r.Status, r.Body)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	return keys
}

// Each vendor refuses in its own format; nothing reaches a handler without valid credentials
// and a valid request.
func TestVendorFormatsForRefusals(t *testing.T) {
	mewsCurrent := func(client, access string, extra string) string {
		return fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"Client":"test"%s}`, client, access, extra)
	}
	erinMsg := func(email, password string) string {
		return fmt.Sprintf(`{"authenticate":{"email":%q,"password":%q,"type":"B2C"},"echoToken":"e-1"}`, email, password)
	}
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   string
		status int
		// want lists substrings the body must contain.
		want []string
		// header the response must carry
		wantHeader string
	}{
		{"intrepid without key", "GET", "/intrepid/bookings/5057124/Customers", nil, "", 401,
			[]string{`"errorType":"Unauthorized"`, `"correlationId":"`, "X-Api-Key"}, ""},
		{"intrepid wrong key", "GET", "/intrepid/bookings/5057124/Customers", map[string]string{"X-Api-Key": "nope"}, "", 401,
			[]string{`"errorType":"Unauthorized"`, "invalid"}, ""},
		{"intrepid invalid context id", "GET", "/intrepid/bookings/x/Customers", map[string]string{"X-Api-Key": intrepid.DemoAPIKey}, "", 400,
			[]string{`"errorType":"BadRequest"`, "path contextId"}, ""},
		{"intrepid unknown context", "GET", "/intrepid/nowhere/5057124/Customers", map[string]string{"X-Api-Key": intrepid.DemoAPIKey}, "", 404,
			[]string{`"errorType":"NotFound"`, "nowhere"}, ""},
		{"intrepid unknown route", "GET", "/intrepid/x", map[string]string{"X-Api-Key": intrepid.DemoAPIKey}, "", 404,
			[]string{`"errorType":"NotFound"`}, ""},
		{"mews unknown access token", "POST", "/mews/api/connector/v1/customers/getAll", nil,
			mewsCurrent(mews.DemoClientToken, "nope", `,"Extent":{"Customers":true},"Limitation":{"Count":10}`), 401,
			[]string{`"Message":"Invalid AccessToken."`, `"RequestId":"`}, "Request-Id"},
		{"mews wrong client token", "POST", "/mews-legacy/api/connector/v1/customers/getAll", nil,
			`{"ClientToken":"nope","AccessToken":"` + mews.DemoAccessToken + `","TimeFilter":"Created","StartUtc":"2016-01-01T00:00:00Z","EndUtc":"2016-01-07T00:00:00Z"}`, 401,
			[]string{`"Message":"Invalid ClientToken."`}, "Request-Id"},
		{"mews every violation in Message", "POST", "/mews/api/connector/v1/customers/add", nil,
			`{"ClientToken":1,"Client":"x","Email":"not-an-email"}`, 400,
			[]string{"Invalid request: ", "body /AccessToken: is required", "body /ClientToken:", "body /LastName: is required"}, "Request-Id"},
		{"mews malformed JSON", "POST", "/mews/api/connector/v1/customers/add", nil, `{"ClientToken":`, 400,
			[]string{"not valid JSON"}, "Request-Id"},
		{"mews data after the body", "POST", "/mews/api/connector/v1/customers/getAll", nil,
			mewsCurrent(mews.DemoClientToken, mews.DemoAccessToken, `,"Extent":{"Customers":true},"Limitation":{"Count":10}`) + ` {"Count":1}`, 400,
			[]string{"not valid JSON: unexpected data after the JSON value at byte "}, "Request-Id"},
		{"mews malformed id", "POST", "/mews/api/connector/v1/customers/getAll", nil,
			mewsCurrent(mews.DemoClientToken, mews.DemoAccessToken, `,"CustomerIds":["fadd5bb6-b428-45d5-94f8-fd0d89fece6"],"Extent":{"Customers":true},"Limitation":{"Count":10}`), 400,
			[]string{`body /CustomerIds/0: `, `\"uuid\"`, "36 characters (8-4-4-4-12 hexadecimal digits) expected, got 35"}, "Request-Id"},
		{"mews wrong path", "POST", "/mews/api/connector/v1/customers/nope", nil, `{}`, 404, []string{`"Message":"`}, "Request-Id"},
		{"erin wrong password", "POST", "/erin/api/customer/details", nil, erinMsg(erin.DemoEmail, "wrong"), 401,
			[]string{`"success":false`, `"code":"AUTHENTICATION_FAILED"`, `"echoToken":"e-1"`}, ""},
		{"erin unknown email", "POST", "/erin/api/customer/details", nil, erinMsg("who@example.com", erin.DemoPassword), 401,
			[]string{`"code":"AUTHENTICATION_FAILED"`}, ""},
		{"erin echoes only what the contract allows", "POST", "/erin/api/customer/details", nil,
			`{"authenticate":{"email":"` + erin.DemoEmail + `","password":"x","type":"B2C"},"echoToken":5,"transactionIdentifier":"tx-1"}`, 400,
			[]string{`"field":"/echoToken"`, `"transactionIdentifier":"tx-1"`}, ""},
		{"erin without authenticate", "POST", "/erin/api/customer/details", nil, `{"echoToken":"e-2"}`, 401,
			[]string{`"code":"AUTHENTICATION_REQUIRED"`, `"field":"/authenticate"`, `"echoToken":"e-2"`}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startAll(t, servertest.Options{})
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := s.Do(tc.method, tc.path, tc.header, body)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("body lacks %q:\n%s", w, r.Body)
				}
			}
			if tc.wantHeader != "" && r.Header.Get(tc.wantHeader) == "" {
				t.Errorf("response lacks the %s header", tc.wantHeader)
			}
		})
	}
}

// Operations paxkit does not implement yet are still validated and authenticated, then
// answer 501 in the vendor's format.
func TestNotYetImplementedOperations(t *testing.T) {
	// Every built-in API is implemented now; an API without Mount stands for the next one.
	s := servertest.New(t, func(st *store.Store) []apidef.API {
		apis := all(t)(st)
		for i := range apis {
			if apis[i].ID == intrepid.ID {
				apis[i].Mount = nil
			}
		}
		return apis
	}, servertest.Options{})
	r := s.Do(http.MethodGet, "/intrepid/bookings/5057124/Customers", map[string]string{"X-Api-Key": intrepid.DemoAPIKey}, nil)
	if r.Status != http.StatusNotImplemented || !strings.Contains(string(r.Body), "listCustomersInContext") {
		t.Errorf("valid authenticated request to an unimplemented operation: %d %s", r.Status, r.Body)
	}
}

func TestAdminExportImportReset(t *testing.T) {
	s := startAll(t, servertest.Options{})
	h := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	const items = "/tomp/collections/customers/items"
	created := s.Do(http.MethodPost, items, h, `{"id":"export-me"}`)
	if created.Status != 201 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	id := created.JSON(t)["id"].(string)

	export := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
	if export.Status != 200 || !strings.Contains(string(export.Body), "export-me") {
		t.Fatalf("export: %d %s", export.Status, export.Body)
	}

	// Reset goes back to the demo data: the new account is gone, the demo account is there.
	if r := s.Do(http.MethodPost, "/_paxkit/reset", nil, nil); r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	if r := s.Do(http.MethodGet, items+"/"+id, h, nil); r.Status != 404 {
		t.Errorf("after reset the new account answers %d", r.Status)
	}
	if r := s.Do(http.MethodGet, items+"/"+tomp.DemoActiveAccount, h, nil); r.Status != 200 {
		t.Errorf("after reset the demo account answers %d", r.Status)
	}

	// Importing the export brings the account back.
	if r := s.Do(http.MethodPost, "/_paxkit/import", nil, export.Body); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if r := s.Do(http.MethodGet, items+"/"+id, h, nil); r.Status != 200 || string(r.Body) != string(created.Body) {
		t.Errorf("after import: %d %s, want %s", r.Status, r.Body, created.Body)
	}

	// Reset to empty drops every record but keeps the credentials.
	if r := s.Do(http.MethodPost, "/_paxkit/reset?to=empty", nil, nil); r.Status != 200 {
		t.Fatalf("reset to empty: %d %s", r.Status, r.Body)
	}
	if r := s.Do(http.MethodGet, items+"/"+tomp.DemoActiveAccount, h, nil); r.Status != 404 {
		t.Errorf("after reset to empty the demo account answers %d", r.Status)
	}
	if r := s.Do(http.MethodPost, "/_paxkit/reset?to=yesterday", nil, nil); r.Status != 400 {
		t.Errorf("reset to an unknown state: %d", r.Status)
	}
}

func TestAdminImportIsAllOrNothing(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"not JSON", `{`, []string{"fixtures"}},
		{"unknown key", `{"tenant":{}}`, []string{"unknown field"}},
		{"unknown table", `{"state":{"nope.things":{"demo":[{}]}}}`, []string{"nope.things"}},
		{"invalid record and a good tenant", `{"tenants":{"tomp":[{"id":"t","credentials":{"token":"new"}}]},
			"state":{"tomp.accounts":{"demo":[{"id":"a1","customer":{"id":"c"},"creationDate":"2025-01-01T00:00:00Z","modificationDate":"2025-01-01T00:00:00Z","status":"SLEEPING"}]}}}`,
			[]string{"tomp.accounts/demo[0]", "status"}},
		{"tenant without credentials", `{"tenants":{"tomp":[{"id":"t"}]}}`, []string{"tenants.tomp[0]: credentials are empty"}},
		{"two tenants one token", `{"tenants":{"tomp":[{"id":"a","credentials":{"token":"x"}},{"id":"b","credentials":{"token":"x"}}]}}`,
			[]string{`same credentials as tenant \"a\"`}},
		{"unknown tenancy", `{"tenants":{"nope":[{"id":"a","credentials":{"token":"x"}}]}}`, []string{"tenants.nope"}},
		{"credential the API does not read", `{"tenants":{"tomp":[{"id":"a","credentials":{"token":"x","label":"y"}}]}}`,
			[]string{"credentials.label is not used by this API"}},
		{"misspelt credential", `{"tenants":{"tomp":[{"id":"a","credentials":{"Token":"x"}}]}}`, []string{"credentials.token is missing"}},
		{"allowOperations not a list", `{"tenants":{"tomp":[{"id":"a","credentials":{"token":"x"},"properties":{"allowOperations":"getCustomer"}}]}}`,
			[]string{"allowOperations must be a list"}},
		{"two Mews enterprises one AccessToken", `{"tenants":{"mews":[{"id":"a","credentials":{"clientToken":"c1","accessToken":"x"}},{"id":"b","credentials":{"clientToken":"c2","accessToken":"x"}}]}}`,
			[]string{`same credentials as tenant \"a\"`}},
		{"erin emails differing in case", `{"tenants":{"erin":[{"id":"a","credentials":{"email":"A@x.io","passwordBcrypt":"$2a$04$SQQr/ZkPRKvR4hBmAiQWTeNqkliJs8lwXQWSxiMHHh8OGdIbaslyi"}},{"id":"b","credentials":{"email":"a@X.io","passwordBcrypt":"$2a$04$SQQr/ZkPRKvR4hBmAiQWTeNqkliJs8lwXQWSxiMHHh8OGdIbaslyi"}}]}}`,
			[]string{`same credentials as tenant \"a\"`}},
		{"erin password not hashed", `{"tenants":{"erin":[{"id":"a","credentials":{"email":"a@x.io","passwordBcrypt":"secret"}}]}}`,
			[]string{"not a bcrypt hash"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startAll(t, servertest.Options{})
			before := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
			r := s.Do(http.MethodPost, "/_paxkit/import", nil, tc.body)
			if r.Status != 400 {
				t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(r.Body), w) {
					t.Errorf("answer lacks %q: %s", w, r.Body)
				}
			}
			if after := s.Do(http.MethodGet, "/_paxkit/export", nil, nil); string(after.Body) != string(before.Body) {
				t.Error("a refused import changed the state")
			}
		})
	}
}

func TestImportedTenantsAuthenticate(t *testing.T) {
	s := startAll(t, servertest.Options{})
	body := `{"tenants":{"tomp":[{"id":"ci","credentials":{"token":"ci-token"}}]}}`
	if r := s.Do(http.MethodPost, "/_paxkit/import", nil, body); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	h := func(token string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + token, "Accept-Language": "en"}
	}
	if r := s.Do(http.MethodPost, "/tomp/collections/customers/items", h("ci-token"), `{"id":"x"}`); r.Status != 201 {
		t.Errorf("new tenant's token: %d %s", r.Status, r.Body)
	}
	if r := s.Do(http.MethodGet, "/tomp/collections/customers/items/x", h(tomp.DemoToken), nil); r.Status != 401 {
		t.Errorf("replaced demo token still accepted: %d", r.Status)
	}
}

func TestBadFixturesStopTheServer(t *testing.T) {
	st := store.New()
	apis, err := registry.APIs(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	f := &server.Fixtures{State: store.Snapshot{"tomp.accounts": {"demo": {json.RawMessage(`{"id":""}`)}}}}
	if _, err := server.New(server.Config{Fixtures: f}, apis, st); err == nil || !strings.Contains(err.Error(), "fixtures") {
		t.Errorf("server.New with a broken fixture: err %v, want a fixtures error", err)
	}
}

// testAPI is a small API over TOMP's contract whose handlers misbehave on purpose.
func testAPI(mount func(g *echo.Group)) func(st *store.Store) []apidef.API {
	return func(st *store.Store) []apidef.API {
		spec, _ := openapi.Bytes("tomp")
		doc, err := openapi.Load(context.Background(), "tomp")
		if err != nil {
			panic(err)
		}
		api, err := tomp.Define(st, spec, doc)
		if err != nil {
			panic(err)
		}
		api.Mount = func(g *echo.Group, _ apidef.Deps) error { mount(g); return nil }
		return []apidef.API{api}
	}
}

func TestPanicsAndErrorsBecomeVendor500s(t *testing.T) {
	s := servertest.New(t, testAPI(func(g *echo.Group) {
		g.GET("/collections/customers/items/:customerId", func(c echo.Context) error {
			if c.Param("customerId") == "panic" {
				panic("boom")
			}
			return errors.New("database on fire")
		})
	}), servertest.Options{})
	h := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	for _, id := range []string{"panic", "error"} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/tomp/collections/customers/items/"+id, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || !strings.Contains(string(data), `"errorcode":8005`) || strings.Contains(string(data), "fire") || strings.Contains(string(data), "boom") {
			t.Errorf("%s: %d %s; want TOMP 8005 without internal detail", id, resp.StatusCode, data)
		}
	}
}

func TestResponseValidationReportsContractBreaks(t *testing.T) {
	var got []string
	st := store.New()
	apis := testAPI(func(g *echo.Group) {
		g.GET("/collections/customers/items/:customerId", func(c echo.Context) error {
			return c.JSON(200, map[string]any{"id": 42}) // id must be a string
		})
	})(st)
	srv, err := server.New(server.Config{
		ValidateResponses: true,
		OnResponseViolation: func(api, op string, status int, err error) {
			got = append(got, fmt.Sprintf("%s %s %d", api, op, status))
		},
	}, apis, st)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/tomp/collections/customers/items/x", nil)
	req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(data) != "{\"id\":42}\n" {
		t.Errorf("the response must be sent unchanged: %d %q", resp.StatusCode, data)
	}
	if fmt.Sprint(got) != "[tomp getCustomer 200]" {
		t.Errorf("violations reported: %v", got)
	}
	// Graceful shutdown: Serve returns nil once the context ends.
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// A reset replaces the state in one step: requests running meanwhile find the demo account
// before and after it, never an empty store.
func TestResetIsAtomicForConcurrentRequests(t *testing.T) {
	s := startAll(t, servertest.Options{})
	h := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				if r := s.Do(http.MethodPost, "/_paxkit/reset", nil, nil); r.Status != 200 {
					t.Errorf("reset: %d", r.Status)
					return
				}
			}
		}
	}()
	for i := range 300 {
		if r := s.Do(http.MethodGet, "/tomp/collections/customers/items/"+tomp.DemoActiveAccount, h, nil); r.Status != 200 {
			t.Errorf("GET %d during resets: %d %s", i, r.Status, r.Body)
			break
		}
	}
	close(stop)
	<-done
}

// Every refusal the core can give an operation (bad request, bad credentials, no rights,
// internal error) must be a status that operation documents, so that clients and the
// conformance checker are never surprised.
func TestCoreRefusalsAreDocumentedStatuses(t *testing.T) {
	apis, err := registry.APIs(context.Background(), store.New())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	for _, a := range apis {
		for _, kind := range []apidef.Kind{apidef.Invalid, apidef.Unauthenticated, apidef.Forbidden, apidef.Internal} {
			status, _ := a.Render(req, &apidef.Failure{Kind: kind, Message: "x"})
			for path, item := range a.Doc.Paths.Map() {
				for method, op := range item.Operations() {
					if op.Responses.Status(status) == nil {
						t.Errorf("%s %s %s: a %s refusal answers %d, which the operation does not document",
							a.ID, method, path, kind, status)
					}
				}
			}
		}
	}
}

func TestAdminImportHonoursTheBodyLimit(t *testing.T) {
	s := servertest.New(t, all(t), servertest.Options{BodyLimit: 256})
	body := `{"tenants":{"tomp":[{"id":"a","credentials":{"token":"` + strings.Repeat("x", 300) + `"}}]}}`
	r := s.Do(http.MethodPost, "/_paxkit/import", nil, body)
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "body limit of 256 bytes") {
		t.Errorf("oversized import: %d %s", r.Status, r.Body)
	}
	if r := s.Do(http.MethodGet, "/tomp/collections/customers/items/x", map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}, nil); r.Status != 404 {
		t.Errorf("the refused import changed the tenants: demo token answers %d", r.Status)
	}
}

// Credentials limited to some operations are refused with each vendor's own status and body;
// Mews has no 403 for this (its 403 means a business rule), so it answers 401.
func TestLimitedCredentialsPerVendor(t *testing.T) {
	none := []any{}
	s := startAll(t, servertest.Options{Fixtures: &server.Fixtures{Tenants: map[string][]apidef.Tenant{
		"intrepid": {{ID: "ro", Credentials: map[string]string{"apiKey": "limited"}, Properties: map[string]any{"allowOperations": none}}},
		"mews":     {{ID: "ro", Credentials: map[string]string{"clientToken": "c", "accessToken": "limited"}, Properties: map[string]any{"allowOperations": none}}},
	}}})
	tests := []struct {
		name, path, body string
		header           map[string]string
		status           int
		want             string
	}{
		{"intrepid", "/intrepid/bookings/5057124/Customers", "", map[string]string{"X-Api-Key": "limited"}, 403, `"errorType":"Forbidden"`},
		{"mews", "/mews/api/connector/v1/customers/getAll",
			`{"ClientToken":"c","AccessToken":"limited","Client":"t","Extent":{"Customers":true},"Limitation":{"Count":1}}`, nil,
			401, `"Message":"The access token has no permission for this operation."`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			method := http.MethodGet
			if body != nil {
				method = http.MethodPost
			}
			r := s.Do(method, tc.path, tc.header, body)
			if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("%d %s; want %d with %s", r.Status, r.Body, tc.status, tc.want)
			}
		})
	}
}

// Mews tokens are read by their exact member names, as the contract validated them: a
// differently cased duplicate carrying a valid token does not authenticate.
func TestMewsTokensMatchExactNames(t *testing.T) {
	s := startAll(t, servertest.Options{})
	body := fmt.Sprintf(`{"ClientToken":%q,"AccessToken":"wrong","accesstoken":%q,"Client":"t","Extent":{"Customers":true},"Limitation":{"Count":1}}`,
		mews.DemoClientToken, mews.DemoAccessToken)
	if r := s.Do(http.MethodPost, "/mews/api/connector/v1/customers/getAll", nil, body); r.Status != 401 {
		t.Errorf("status %d, want 401: %s", r.Status, r.Body)
	}
}

// The same seed and the same requests give the same generated ids; another seed, others.
func TestSeedMakesIDsReproducible(t *testing.T) {
	create := func(seed uint64) string {
		st := store.New()
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Config{Seed: seed}, apis, st)
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/tomp/collections/customers/items", strings.NewReader(`{"id":"seeded"}`))
		req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
		req.Header.Set("Accept-Language", "en")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a struct{ ID string }
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.ID == "" {
			t.Fatalf("create: %d %v", resp.StatusCode, err)
		}
		return a.ID
	}
	if a, b := create(7), create(7); a != b {
		t.Errorf("seed 7 gave %s and %s", a, b)
	}
	if a, b := create(7), create(8); a == b {
		t.Errorf("seeds 7 and 8 both gave %s", a)
	}
}

// TestDocsPages checks /<api-id>/docs/: the API's documentation page, whose "try it" commands
// call this server with the demo credentials, and which answers the vendor's own request as
// written there (tried here for every operation without parameters in the path).
func TestDocsPages(t *testing.T) {
	s := startAll(t, servertest.Options{})
	host := strings.TrimPrefix(s.URL, "http://")
	for _, id := range openapi.IDs() {
		r := s.Do(http.MethodGet, "/"+id+"/docs/", nil, nil)
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET /%s/docs/: %d %q", id, r.Status, r.Header.Get("Content-Type"))
			continue
		}
		page := string(r.Body)
		if !strings.Contains(page, "curl -sS -X ") || !strings.Contains(page, "http://"+host+"/"+id+"/") {
			t.Errorf("/%s/docs/ has no try-it command against %s", id, host)
		}
		if !strings.Contains(page, `href="../openapi.yaml"`) {
			t.Errorf("/%s/docs/ does not link its contract", id)
		}
	}
	// Without the slash: a redirect, so that the page's relative links resolve.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/tomp/docs", nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/tomp/docs/" {
		t.Errorf("GET /tomp/docs: %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The page is not an API operation: unknown paths below docs stay the vendor's 404.
	if r := s.Do(http.MethodGet, "/tomp/docs/nope", map[string]string{"Accept-Language": "en"}, nil); r.Status != 404 {
		t.Errorf("GET /tomp/docs/nope: %d, want the vendor's 404", r.Status)
	}
}

// TestDocsTryItCommandsWork runs the try-it request of TOMP's createCustomer exactly as the
// live page writes it: the example body with the demo credentials is accepted.
func TestDocsTryItCommandsWork(t *testing.T) {
	s := startAll(t, servertest.Options{})
	page := string(s.Do(http.MethodGet, "/tomp/docs/", nil, nil).Body)
	start := strings.Index(page, `id="op-createCustomer"`)
	if start < 0 {
		t.Fatal("no createCustomer on the page")
	}
	block := page[start:]
	block = block[strings.Index(block, "curl -sS"):]
	block = html.UnescapeString(block[:strings.Index(block, "</code>")])
	status, got := runCurl(t, block)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Errorf("the try-it command of createCustomer answered %d: %s\ncommand:\n%s", status, got, block)
	}

	// Every command of every API carries credentials the server accepts: header vendors'
	// headers, body vendors' members merged into the example body.
	commands := regexp.MustCompile(`(?s)<div class="try">.*?<pre><code>(.*?)</code></pre>`)
	for _, id := range openapi.IDs() {
		page := string(s.Do(http.MethodGet, "/"+id+"/docs/", nil, nil).Body)
		found := commands.FindAllStringSubmatch(page, -1)
		if len(found) == 0 {
			t.Errorf("%s: no try-it commands", id)
		}
		for _, m := range found {
			cmd := html.UnescapeString(m[1])
			status, body := runCurl(t, cmd)
			if status == http.StatusUnauthorized || strings.Contains(body, "AUTHENTICATION_FAILED") {
				t.Errorf("%s: the try-it command was refused its credentials (%d %s):\n%s", id, status, body, cmd)
			}
		}
	}
}

// The access log's level says what an answer means: a 501 is a known gap of paxkit (WARN), a
// 500 a fault (ERROR), anything else INFO.
func TestAccessLogLevels(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	st := store.New()
	apis := testAPI(func(g *echo.Group) {
		g.GET("/collections/customers/items/:customerId", func(c echo.Context) error {
			if c.Param("customerId") == "fault" {
				return errors.New("database on fire")
			}
			return c.JSON(200, map[string]any{})
		})
	})(st)
	unimplemented := apis[0]
	unimplemented.ID, unimplemented.Mount, unimplemented.DemoState = "unimplemented", nil, nil
	apis = append(apis, unimplemented)
	srv, err := server.New(server.Config{Logger: slog.New(slog.NewJSONHandler(lockedWriter{&mu, &logs}, nil))}, apis, st)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	for path, level := range map[string]string{
		"/unimplemented/collections/customers/items/x": "WARN",
		"/tomp/collections/customers/items/fault":      "ERROR",
		"/tomp/collections/customers/items/x":          "INFO",
	} {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
		req.Header.Set("Accept-Language", "en")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		mu.Lock()
		got := logs.String()
		mu.Unlock()
		if want := fmt.Sprintf(`"level":%q,"msg":"request","method":"GET","path":%q`, level, path); !strings.Contains(got, want) {
			t.Errorf("%s answered %d; logs lack %s:\n%s", path, resp.StatusCode, want, got)
		}
		// The id the client is told to quote is the one both log lines carry (it is drawn
		// when first needed, once per request).
		if level == "ERROR" {
			_, id, ok := strings.Cut(string(body), "quote request id ")
			id, _, _ = strings.Cut(id, `"`)
			if !ok || id == "" || strings.Count(got, fmt.Sprintf(`"request_id":%q`, id)) != 2 {
				t.Errorf("request id %q of the answer %s is not in both log lines:\n%s", id, body, got)
			}
		}
	}
}

// runCurl sends the request a docsite curl command describes.
func runCurl(t *testing.T, cmd string) (int, string) {
	t.Helper()
	method, url, headers, body := parseCurl(t, cmd)
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(got)
}

// parseCurl reads back the curl commands docsite writes: -X METHOD 'url', -H 'k: v' and
// --data-raw 'body', each value single-quoted for a POSIX shell.
func parseCurl(t *testing.T, cmd string) (method, url string, headers map[string]string, body string) {
	t.Helper()
	headers = map[string]string{}
	unquote := func(s string) string {
		s = strings.TrimSpace(s)
		return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'"), `'\''`, "'")
	}
	for _, line := range strings.Split(cmd, "\\\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "curl -sS -X "):
			rest := strings.TrimPrefix(line, "curl -sS -X ")
			method, url, _ = strings.Cut(rest, " ")
			url = unquote(url)
		case strings.HasPrefix(line, "-H "):
			k, v, _ := strings.Cut(unquote(strings.TrimPrefix(line, "-H ")), ": ")
			headers[k] = v
		case strings.HasPrefix(line, "--data-raw "):
			body = unquote(strings.TrimPrefix(line, "--data-raw "))
		default:
			t.Fatalf("unexpected line in the curl command: %q", line)
		}
	}
	return method, url, headers, body
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// An API's CanonicalPath runs before routing and validation: here every spelling of the
// fixed segments reaches TOMP's operation, while other APIs' paths stay case-sensitive.
func TestCanonicalPathRunsBeforeRouting(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	s := servertest.New(t, func(st *store.Store) []apidef.API {
		apis := testAPI(func(g *echo.Group) {
			g.GET("/collections/customers/items/:customerId", func(c echo.Context) error {
				mu.Lock()
				seen = append(seen, c.Request().URL.Path)
				mu.Unlock()
				return c.JSON(200, map[string]any{"id": c.Param("customerId")})
			})
		})(st)
		apis[0].CanonicalPath = func(p string) string {
			if rest, ok := strings.CutPrefix(strings.ToLower(p), "/collections/customers/items/"); ok {
				return "/collections/customers/items/" + p[len(p)-len(rest):]
			}
			return p
		}
		return apis
	}, servertest.Options{AllowViolations: map[string]bool{"tomp/getCustomer": true}})
	h := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	for _, path := range []string{"/tomp/Collections/CUSTOMERS/items/AbC", "/tomp/collections/customers/items/AbC", "/tomp/collections/Customers/Items/AbC%2Cd"} {
		if r := s.Do(http.MethodGet, path, h, nil); r.Status != 200 {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	if want := "[/tomp/collections/customers/items/AbC /tomp/collections/customers/items/AbC /tomp/collections/customers/items/AbC,d]"; fmt.Sprint(seen) != want {
		t.Errorf("handler saw %v, want %s (the id's case kept)", seen, want)
	}
	if r := s.Do(http.MethodGet, "/TOMP/collections/customers/items/x", h, nil); r.Status != 404 {
		t.Errorf("the API prefix itself is not canonicalised: %d", r.Status)
	}
}

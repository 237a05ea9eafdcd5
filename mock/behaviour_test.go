package mock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

const tompItems = "/tomp/collections/customers/items"

func tompAuth(extra ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return h
}

func jsonOf(t *testing.T, r servertest.Response) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("status %d, body is not a JSON object: %v\n%s", r.Status, err, r.Body)
	}
	return v
}

// TestSamePathSameEntity: within a run, the same path parameters give the same entity, whose
// id is the one asked for; other parameters give another entity.
func TestSamePathSameEntity(t *testing.T) {
	srv, _ := startMock(t, mock.Options{Mode: mock.Dynamic, Seed: 1})
	a := send(srv, "GET", tompItems+"/abc-1", tompAuth(), nil)
	b := send(srv, "GET", tompItems+"/abc-1", tompAuth(), nil)
	c := send(srv, "GET", tompItems+"/abc-2", tompAuth(), nil)
	if a.Status != 200 || string(a.Body) != string(b.Body) {
		t.Fatalf("GET twice differs:\n%s\n%s", a.Body, b.Body)
	}
	if string(a.Body) == string(c.Body) {
		t.Fatalf("two ids, one body: %s", a.Body)
	}
	if id := jsonOf(t, a)["id"]; id != "abc-1" {
		t.Errorf("entity id %v, want the path's abc-1", id)
	}
	// Intrepid's ids are integers: the path's id is adopted as a number.
	in := send(srv, "GET", "/intrepid/bookings/1/Customers/89", map[string]string{"X-Api-Key": "paxkit-intrepid-demo-key"}, nil)
	if in.Status != 200 {
		t.Fatalf("intrepid: %d %s", in.Status, in.Body)
	}
	if id := jsonOf(t, in)["id"]; id != float64(89) {
		t.Errorf("intrepid customer id %v, want 89", id)
	}
}

// TestSeedMakesOutputReproducible: two runs with one seed answer alike, another seed not.
func TestSeedMakesOutputReproducible(t *testing.T) {
	body := func(seed uint64) string {
		srv, apis := startMock(t, mock.Options{Mode: mock.Dynamic, Seed: seed})
		r := mewsGetAll(t, apis).do(srv)
		if r.Status != 200 {
			t.Fatalf("getAll: %d %s", r.Status, r.Body)
		}
		return string(r.Body)
	}
	a, b, c := body(5), body(5), body(6)
	if a != b {
		t.Errorf("seed 5 twice:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 5 and 6 give one body: %s", a)
	}
}

// TestStaticAndDynamic: static mode answers documented examples, dynamic mode generated data;
// Prefer: dynamic= switches one request, example= names the example.
func TestStaticAndDynamic(t *testing.T) {
	static, _ := startMock(t, mock.Options{Mode: mock.Static, Seed: 1})
	dynamic, _ := startMock(t, mock.Options{Mode: mock.Dynamic, Seed: 1})
	path := tompItems + "/0b6a3f7e-2c1d-4e8a-9f3b-5d7c8e1a2b4c"
	isHank := func(r servertest.Response) bool {
		c, _ := jsonOf(t, r)["customer"].(map[string]any)
		return r.Status == 200 && c["firstName"] == "Hank"
	}
	tests := []struct {
		name string
		srv  *servertest.Server
		pref string
		hank bool
	}{
		{"static answers the example", static, "", true},
		{"static, dynamic=true generates", static, "dynamic=true", false},
		{"dynamic generates", dynamic, "", false},
		{"dynamic, dynamic=false answers the example", dynamic, "dynamic=false", true},
		{"dynamic, example= answers that example", dynamic, "example=hankWolters", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(tt.srv, "GET", path, tompAuth("Prefer", tt.pref), nil)
			if got := isHank(r); got != tt.hank {
				t.Errorf("Hank's example: %v, want %v: %s", got, tt.hank, r.Body)
			}
		})
	}
}

// TestPreferRefusals: a preference the operation cannot honour is a 400 in the API's own
// format, naming the Prefer header and what is documented.
func TestPreferRefusals(t *testing.T) {
	srv, _ := startMock(t, mock.Options{Seed: 1})
	path := tompItems + "/x"
	tests := []struct{ pref, want string }{
		{"code=418", "documented: 200, 400, 401, 403, 404, 429, 500"},
		{"example=nobody", "documented: hankWolters"},
		{"error=503", "error=503"},
		{"dynamic=maybe", "true or false"},
		{"latency=fast", "duration"},
		{"code=abc", "HTTP status"},
	}
	for _, tt := range tests {
		t.Run(tt.pref, func(t *testing.T) {
			r := send(srv, "GET", path, tompAuth("Prefer", tt.pref), nil)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
			}
			errs, _ := jsonOf(t, r)["errors"].([]any)
			if len(errs) != 1 || !strings.Contains(string(r.Body), "Prefer") || !strings.Contains(string(r.Body), tt.want) {
				t.Errorf("want one TOMP error on header Prefer mentioning %q: %s", tt.want, r.Body)
			}
		})
	}
	// Unknown preferences are ignored (RFC 7240), as is what Prism clients also send.
	if r := send(srv, "GET", path, tompAuth("Prefer", "return=minimal, respond-async"), nil); r.Status != 200 {
		t.Errorf("unknown preferences: %d %s", r.Status, r.Body)
	}
}

// TestRefusesWhatServeRefuses: the mock has the server core in front, so it refuses like the
// real API, in its format, before any mock answer.
func TestRefusesWhatServeRefuses(t *testing.T) {
	srv, apis := startMock(t, mock.Options{Seed: 1})
	getAll := mewsGetAll(t, apis)
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   any
		status int
		want   string
	}{
		{"tomp without token", "GET", tompItems + "/x", map[string]string{"Accept-Language": "en"}, nil, 401, `"errors"`},
		{"tomp without Accept-Language", "GET", tompItems + "/x", map[string]string{"Authorization": "Bearer " + tomp.DemoToken}, nil, 400, "Accept-Language"},
		{"tomp bad body", "POST", tompItems, tompAuth(), map[string]any{"id": 5, "firstName": 7}, 400, "body /id"},
		{"tomp unknown route", "GET", "/tomp/nope", tompAuth(), nil, 404, `"errors"`},
		{"tomp wrong method", "PUT", tompItems, tompAuth(), nil, 405, `"errors"`},
		{"mews wrong token", "POST", getAll.path, nil, with(getAll.body, "AccessToken", "nope"), 401, "Message"},
		{"mews invalid body", "POST", getAll.path, nil, with(getAll.body, "Limitation", "ten"), 400, "Limitation"},
		{"prefer cannot override refusal", "GET", tompItems + "/x", map[string]string{"Accept-Language": "en", "Prefer": "code=200"}, nil, 401, `"errors"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(srv, tt.method, tt.path, tt.header, tt.body)
			if r.Status != tt.status || !strings.Contains(string(r.Body), tt.want) {
				t.Errorf("got %d %s, want %d with %q", r.Status, r.Body, tt.status, tt.want)
			}
		})
	}
}

// TestFaultInjection: --error-rate and Prefer: error= answer the operation's documented 5xx;
// error=false protects one request from the rate.
func TestFaultInjection(t *testing.T) {
	always, _ := startMock(t, mock.Options{Seed: 1, ErrorRate: 1})
	never, _ := startMock(t, mock.Options{Seed: 1})
	half, _ := startMock(t, mock.Options{Seed: 1, ErrorRate: 0.5})
	path := tompItems + "/x"
	tests := []struct {
		name   string
		srv    *servertest.Server
		pref   string
		status int
	}{
		{"rate 1 fails", always, "", 500},
		{"rate 1, error=false succeeds", always, "error=false", 200},
		{"rate 0 succeeds", never, "", 200},
		{"error=true fails", never, "error=true", 500},
		{"error=500 fails", never, "error=500", 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(tt.srv, "GET", path, tompAuth("Prefer", tt.pref), nil)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			if tt.status == 500 {
				if code := jsonOf(t, r)["errors"].([]any)[0].(map[string]any)["errorcode"]; code != float64(8005) {
					t.Errorf("TOMP internal error code %v, want 8005: %s", code, r.Body)
				}
				if r.Header.Get("Version") == "" {
					t.Error("TOMP's Version header missing on an injected fault")
				}
			}
		})
	}
	failed := 0
	for range 200 {
		if r := send(half, "GET", path, tompAuth(), nil); r.Status == 500 {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Errorf("error rate 0.5 failed %d of 200 requests", failed)
	}
	// A refused request is refused, not faulted: the contract comes first.
	if r := send(always, "GET", path, map[string]string{"Accept-Language": "en"}, nil); r.Status != 401 {
		t.Errorf("unauthenticated with rate 1: %d", r.Status)
	}
}

// TestLatency: the answer waits at least the latency asked for (an upper bound would be a
// timing assertion; the range's distribution is tested on Range itself).
func TestLatency(t *testing.T) {
	slow, _ := startMock(t, mock.Options{Seed: 1, Latency: mock.Range{Min: 80 * time.Millisecond, Max: 90 * time.Millisecond}})
	fast, _ := startMock(t, mock.Options{Seed: 1})
	path := tompItems + "/x"
	for _, tt := range []struct {
		name string
		srv  *servertest.Server
		pref string
		min  time.Duration
	}{
		{"--latency", slow, "", 80 * time.Millisecond},
		{"Prefer latency", fast, "latency=60ms..70ms", 60 * time.Millisecond},
		{"Prefer overrides --latency", slow, "latency=0s", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := send(tt.srv, "GET", path, tompAuth("Prefer", tt.pref), nil)
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if d := time.Since(start); d < tt.min {
				t.Errorf("answered after %s, want at least %s", d, tt.min)
			}
		})
	}
}

// TestForeignSpec: a contract paxkit has never seen, mounted at the root, with generic
// credentials and RFC 9457 errors.
func TestForeignSpec(t *testing.T) {
	raw, err := os.ReadFile("testdata/petstore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := mockSpec(t, "petstore", raw, mock.Options{Mode: mock.Dynamic, Seed: 3}, servertest.Options{AllowViolations: map[string]bool{"petstore/getPhoto": true}})
	key := map[string]string{"X-Api-Key": "anything"}
	const pet = "/pets/3f0c8d2e-2b7a-4c1e-9a53-6f1d2e3c4b5a"
	tests := []struct {
		name        string
		method      string
		path        string
		header      map[string]string
		body        any
		status      int
		contentType string
		want        string
	}{
		{"list", "GET", "/pets?limit=5", key, nil, 200, "application/json", `"kind"`},
		{"get adopts the path id", "GET", pet, key, nil, 200, "application/json", `"id":"3f0c8d2e-2b7a-4c1e-9a53-6f1d2e3c4b5a"`},
		{"example by name", "GET", pet, map[string]string{"X-Api-Key": "k", "Prefer": "example=rex"}, nil, 200, "application/json", `"name":"Rex"`},
		{"no credentials", "GET", pet, nil, nil, 401, "application/problem+json", `"detail":"credentials are missing: send header X-Api-Key"`},
		{"other scheme on one operation", "DELETE", pet, key, nil, 401, "application/problem+json", "Authorization: Bearer"},
		{"delete with bearer", "DELETE", pet, map[string]string{"Authorization": "Bearer t"}, nil, 204, "", ""},
		{"bad path parameter", "GET", "/pets/not-a-uuid", key, nil, 400, "application/problem+json", `"name":"petId"`},
		{"bad query", "GET", "/pets?limit=500", key, nil, 400, "application/problem+json", `"name":"limit"`},
		{"bad body, every violation", "POST", "/pets", key, map[string]any{"name": "", "kind": "cow"}, 400, "application/problem+json", `"pointer":"/kind"`},
		{"good body", "POST", "/pets", key, map[string]any{"name": "Tom", "kind": "cat"}, 201, "application/json", `"kind"`},
		{"documented 404", "GET", pet, map[string]string{"X-Api-Key": "k", "Prefer": "code=404"}, nil, 404, "application/problem+json", `"status":404`},
		{"documented 503 fault", "GET", "/pets", map[string]string{"X-Api-Key": "k", "Prefer": "error=true"}, nil, 503, "application/problem+json", `"status":503`},
		{"undocumented fault", "GET", pet + "/photo", map[string]string{"X-Api-Key": "k", "Prefer": "error=true"}, nil, 500, "application/problem+json", `"status":500`},
		{"text body, no security", "GET", "/health", nil, nil, 200, "text/plain", "ok"},
		{"unknown route", "GET", "/nope", key, nil, 404, "application/problem+json", `"title":"Not Found"`},
		{"server routes stay", "GET", "/healthz", nil, nil, 200, "application/json", `"ok"`},
		{"contract served", "GET", "/openapi.yaml", nil, nil, 200, "application/yaml", "Pet store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(srv, tt.method, tt.path, tt.header, tt.body)
			if r.Status != tt.status || !strings.Contains(string(r.Body), tt.want) {
				t.Fatalf("got %d %s, want %d with %s", r.Status, r.Body, tt.status, tt.want)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
		})
	}
	if r := send(srv, "GET", "/pets", key, nil); r.Header.Get("X-Total-Count") == "" {
		t.Errorf("required response header X-Total-Count missing")
	}
}

// mewsGetAll is a valid Mews getAll request with the demo credentials.
func mewsGetAll(t *testing.T, apis []apidef.API) call {
	t.Helper()
	for _, a := range apis {
		if a.ID != mews.ID {
			continue
		}
		for _, o := range operations(a) {
			if o.op.OperationID == "customers_getAll" || strings.HasSuffix(o.path, "/customers/getAll") {
				return validCall(t, a, o.path, o.method, o.op, o.item, 1)
			}
		}
	}
	t.Fatal("no mews getAll")
	return call{}
}

// with copies a JSON object with one member replaced.
func with(body any, k string, v any) map[string]any {
	out := map[string]any{}
	for key, val := range body.(map[string]any) {
		out[key] = val
	}
	out[k] = v
	return out
}

// The static mock keeps each example's bytes once encoded; asking for one example by name must
// not change what the default answer, or another example, sends afterwards.
func TestExampleAnswersStayApart(t *testing.T) {
	raw := []byte(`openapi: 3.0.3
info: {title: Two examples, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: A thing.
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
              examples:
                first: {value: {name: one}}
                second: {value: {name: two}}
            text/plain:
              schema: {type: string}
              example: plain thing
`)
	srv, _ := mockSpec(t, "things", raw, mock.Options{Mode: mock.Static, Seed: 1}, servertest.Options{})
	steps := []struct {
		header map[string]string
		want   string
	}{
		{nil, `{"name":"one"}`},
		{map[string]string{"Prefer": "example=second"}, `{"name":"two"}`},
		{nil, `{"name":"one"}`},
		{map[string]string{"Accept": "text/plain"}, `plain thing`},
		{map[string]string{"Prefer": "example=first"}, `{"name":"one"}`},
		{map[string]string{"Prefer": "example=second"}, `{"name":"two"}`},
	}
	for i, st := range steps {
		r := send(srv, "GET", "/things/x", st.header, nil)
		if r.Status != 200 || string(r.Body) != st.want {
			t.Errorf("step %d (%v): %d %s, want %s", i, st.header, r.Status, r.Body, st.want)
		}
	}
}

// An enum member that is an object belongs to the contract: the responder writes the path's id
// into what it answers (adopt) and takes it back when the contract refuses it, which on the
// contract's own map was a write every concurrent request raced with (a fatal concurrent map
// access under load; -race reports it here).
func TestEnumObjectsAreNotShared(t *testing.T) {
	raw := []byte(`openapi: 3.0.3
info: {title: Enum objects, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: A thing.
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, name: {type: string}}
                enum:
                  - {id: fixed, name: only}
`)
	srv, doc := mockSpec(t, "things", raw, mock.Options{Mode: mock.Dynamic, Seed: 1}, servertest.Options{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 20 {
				r := send(srv, "GET", fmt.Sprintf("/things/t%d-%d", w, i), nil, nil)
				if r.Status != 200 || string(r.Body) != `{"id":"fixed","name":"only"}` {
					t.Errorf("answer %d %s, want the one enum member", r.Status, r.Body)
					return
				}
			}
		})
	}
	wg.Wait()
	enum := doc.Paths.Value("/things/{id}").Get.Responses.Status(200).Value.Content["application/json"].Schema.Value.Enum
	if got := enum[0].(map[string]any)["id"]; got != "fixed" {
		t.Errorf("the contract's enum member now has id %v", got)
	}
}

// mockSpec serves a foreign contract with `paxkit mock --spec`'s API on loopback, and returns
// the parsed contract too.
func mockSpec(t *testing.T, id string, raw []byte, opts mock.Options, sopts servertest.Options) (*servertest.Server, *openapi3.T) {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.New(t, func(*store.Store) []apidef.API {
		a, err := mock.ForSpec(id, raw, doc, opts)
		if err != nil {
			t.Fatal(err)
		}
		return []apidef.API{a}
	}, sopts)
	return srv, doc
}

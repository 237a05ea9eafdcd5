package proxy_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/proxy"
	"github.com/paxkit/paxkit/openapi"
)

const petSpec = `openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets:
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "201":
          description: added
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        "200":
          description: the pet
          headers:
            X-Rate-Limit: {required: true, schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        "404": {description: no such pet}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      additionalProperties: false
      properties:
        id: {type: integer}
        name: {type: string, maxLength: 10}
`

func petDoc(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// received is what the upstream saw of one request.
type received struct {
	Method, URI, Body, Custom, ContentType, Forwarded string
}

// upstream is a pet shop that breaks its contract on purpose for some pets: 2 has a name too
// long and no id, 3 answers an undocumented 500, 4 sends pet 2 gzip-compressed, 5 forgets
// the required X-Rate-Limit header.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex
	seen []received
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.seen = append(u.seen, received{Method: r.Method, URI: r.URL.RequestURI(), Body: string(body),
			Custom: r.Header.Get("X-Custom"), ContentType: r.Header.Get("Content-Type"), Forwarded: r.Header.Get("X-Forwarded-For")})
		u.mu.Unlock()
		w.Header().Set("X-Upstream", "yes")
		switch {
		case r.Method == http.MethodPost:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(body)
		case strings.HasPrefix(r.URL.Path, "/pets/1"):
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Rate-Limit", "10")
			_, _ = io.WriteString(w, `{"id":1,"name":"Rex"}`)
		case strings.HasPrefix(r.URL.Path, "/pets/2"):
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Rate-Limit", "10")
			_, _ = io.WriteString(w, `{"name":"Rex the Magnificent"}`)
		case strings.HasPrefix(r.URL.Path, "/pets/3"):
			w.WriteHeader(http.StatusInternalServerError)
		case strings.HasPrefix(r.URL.Path, "/pets/4"):
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("X-Rate-Limit", "10")
			zw := gzip.NewWriter(w)
			_, _ = io.WriteString(zw, `{"name":"Rex the Magnificent"}`)
			_ = zw.Close()
		case strings.HasPrefix(r.URL.Path, "/pets/5"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":5,"name":"Rex"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) received() []received {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]received(nil), u.seen...)
}

func startProxy(t *testing.T, up string, block bool) (*proxy.Proxy, *httptest.Server) {
	t.Helper()
	target, err := url.Parse(up)
	if err != nil {
		t.Fatal(err)
	}
	p, err := proxy.New(proxy.Config{Doc: petDoc(t), Upstream: target, Block: block})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

type answer struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, u, body string, header map[string]string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	// The client asks for gzip itself, so that Go's transport neither adds nor undoes it.
	req.Header.Set("Accept-Encoding", "gzip")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func TestViolationsAreReportedAndTrafficPassesUnchanged(t *testing.T) {
	json := map[string]string{"Content-Type": "application/json", "X-Custom": "kept"}
	tests := []struct {
		name       string
		method     string
		path, body string
		wantStatus int
		wantBody   string
		// want lists the violations expected: "direction where: message part".
		want []string
	}{
		{name: "valid exchange", method: "GET", path: "/pets/1?verbose=true", wantStatus: 200, wantBody: `{"id":1,"name":"Rex"}`},
		{name: "valid create", method: "POST", path: "/pets", body: `{"id":7,"name":"Tom"}`, wantStatus: 201, wantBody: `{"id":7,"name":"Tom"}`},
		{name: "documented 404", method: "GET", path: "/pets/99", wantStatus: 404},
		{name: "request body breaks the schema", method: "POST", path: "/pets", body: `{"id":"seven","name":"Tom the Unbelievable","age":3}`,
			wantStatus: 201, wantBody: `{"id":"seven","name":"Tom the Unbelievable","age":3}`,
			want: []string{"request body /age: is not allowed", "request body /id: ", "request body /name: ",
				"response body /age: ", "response body /id: ", "response body /name: "}},
		{name: "request body is not JSON", method: "POST", path: "/pets", body: `{"id":1} trailing`, wantStatus: 201, wantBody: `{"id":1} trailing`,
			want: []string{"request body: is not valid JSON", "response body"}},
		{name: "path parameter of the wrong type", method: "GET", path: "/pets/abc", wantStatus: 404, want: []string{"request path id: "}},
		{name: "query parameter of the wrong type", method: "GET", path: "/pets/1?verbose=perhaps", wantStatus: 200, wantBody: `{"id":1,"name":"Rex"}`,
			want: []string{"request query verbose: "}},
		{name: "no such operation", method: "GET", path: "/owners", wantStatus: 404, want: []string{"request path: no operation at GET /owners"}},
		{name: "method the path does not have", method: "DELETE", path: "/pets/1", wantStatus: 200, wantBody: `{"id":1,"name":"Rex"}`,
			want: []string{"request path: DELETE is not allowed"}},
		{name: "response body breaks the schema", method: "GET", path: "/pets/2", wantStatus: 200, wantBody: `{"name":"Rex the Magnificent"}`,
			want: []string{"response body /id: is required", "response body /name: "}},
		{name: "undocumented status", method: "GET", path: "/pets/3", wantStatus: 500, want: []string{"response status: 500 is not a status the contract lists for getPet"}},
		{name: "compressed response checked decompressed", method: "GET", path: "/pets/4", wantStatus: 200,
			want: []string{"response body /id: is required"}},
		{name: "required response header missing", method: "GET", path: "/pets/5", wantStatus: 200, wantBody: `{"id":5,"name":"Rex"}`,
			want: []string{"response header X-Rate-Limit: is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t)
			p, srv := startProxy(t, up.URL, false)
			got := send(t, tt.method, srv.URL+tt.path, tt.body, json)
			if got.status != tt.wantStatus || (tt.wantBody != "" && got.body != tt.wantBody) {
				t.Errorf("client got %d %q, want %d %q", got.status, got.body, tt.wantStatus, tt.wantBody)
			}
			if got.header.Get("X-Upstream") != "yes" {
				t.Error("the upstream's headers did not reach the client")
			}
			seen := up.received()
			if len(seen) != 1 {
				t.Fatalf("upstream saw %d requests, want 1", len(seen))
			}
			want := received{Method: tt.method, URI: tt.path, Body: tt.body, Custom: "kept", ContentType: "application/json"}
			if seen[0] != want {
				t.Errorf("upstream saw %+v, want %+v (traffic must pass unchanged)", seen[0], want)
			}
			checkViolations(t, p.Violations(), tt.want)
		})
	}
}

func checkViolations(t *testing.T, vs []proxy.Violation, want []string) {
	t.Helper()
	var got []string
	for _, v := range vs {
		for _, pr := range v.Problems {
			got = append(got, string(v.Direction)+" "+proxy.Where(pr)+": "+pr.Message)
		}
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no violation %q among:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(want) == 0 && len(got) > 0 {
		t.Errorf("violations reported for a valid exchange:\n%s", strings.Join(got, "\n"))
	}
}

func TestBlockRefusesInvalidRequests(t *testing.T) {
	up := newUpstream(t)
	p, srv := startProxy(t, up.URL, true)
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		passed                   bool
	}{
		{"valid passes", "POST", "/pets", `{"id":1,"name":"Rex"}`, 201, true},
		{"invalid body refused", "POST", "/pets", `{"id":1}`, 400, false},
		{"unknown path refused", "GET", "/owners", "", 404, false},
		{"wrong method refused", "DELETE", "/pets/1", "", 405, false},
		{"invalid response still passes", "GET", "/pets/2", "", 200, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(up.received())
			got := send(t, tt.method, srv.URL+tt.path, tt.body, map[string]string{"Content-Type": "application/json"})
			if got.status != tt.wantStatus {
				t.Errorf("status %d, want %d: %s", got.status, tt.wantStatus, got.body)
			}
			passed := len(up.received()) > before
			if passed != tt.passed {
				t.Errorf("reached the upstream: %v, want %v", passed, tt.passed)
			}
			if !tt.passed {
				var refusal struct {
					Error      string
					Violations []map[string]any
				}
				if err := json.Unmarshal([]byte(got.body), &refusal); err != nil || refusal.Error == "" || len(refusal.Violations) == 0 || got.header.Get("X-Paxkit-Proxy") != "blocked" {
					t.Errorf("refusal %q (%v) does not list the violations", got.body, err)
				}
			}
		})
	}
	if s := p.Stats(); s.Blocked != 3 || s.InvalidRequests != 3 || s.InvalidResponses != 1 {
		t.Errorf("stats %+v, want 3 blocked, 3 invalid requests, 1 invalid response", s)
	}
}

func TestUpstreamDown(t *testing.T) {
	up := newUpstream(t)
	addr := up.URL
	up.Close()
	p, srv := startProxy(t, addr, false)
	if got := send(t, "GET", srv.URL+"/pets/1", "", nil); got.status != http.StatusBadGateway {
		t.Errorf("status %d, want 502", got.status)
	}
	if p.Stats().UpstreamFailures != 1 {
		t.Errorf("stats %+v", p.Stats())
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	doc := petDoc(t)
	for _, tt := range []struct {
		name string
		cfg  proxy.Config
	}{
		{"no contract", proxy.Config{Upstream: &url.URL{Scheme: "http", Host: "x"}}},
		{"no upstream", proxy.Config{Doc: doc}},
		{"not http", proxy.Config{Doc: doc, Upstream: &url.URL{Scheme: "ftp", Host: "x"}}},
		{"no host", proxy.Config{Doc: doc, Upstream: &url.URL{Scheme: "http", Path: "/x"}}},
	} {
		if _, err := proxy.New(tt.cfg); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

func TestReports(t *testing.T) {
	up := newUpstream(t)
	p, srv := startProxy(t, up.URL, false)
	send(t, "GET", srv.URL+"/pets/1", "", nil)
	send(t, "GET", srv.URL+"/pets/2", "", nil)
	send(t, "POST", srv.URL+"/pets", `{"id":"x","name":"Rex"}`, map[string]string{"Content-Type": "application/json"})
	send(t, "GET", srv.URL+"/owners", "", nil)

	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var r proxy.Report
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Requests != 4 || r.Responses != 3 || r.InvalidRequests != 2 || r.InvalidResponses != 2 || len(r.Violations) != 4 {
		t.Errorf("JSON report %+v", r)
	}

	buf.Reset()
	if err := p.WriteJUnit(&buf, "pets"); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	got := map[string]int{}
	for _, c := range suites.Suite.Cases {
		got[c.Name] = len(c.Failures)
	}
	want := map[string]int{"getPet request": 0, "getPet response": 1, "addPet request": 1, "addPet response": 1, "GET /owners request": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) || suites.Tests != 5 || suites.Failures != 4 {
		t.Errorf("JUnit cases %v (tests %d, failures %d), want %v\n%s", got, suites.Tests, suites.Failures, want, buf.String())
	}
	if !strings.Contains(buf.String(), "body /id: ") {
		t.Errorf("JUnit failures do not say where:\n%s", buf.String())
	}
}

// TestConcurrentTraffic counts exactly under load (run with -race).
func TestConcurrentTraffic(t *testing.T) {
	up := newUpstream(t)
	p, srv := startProxy(t, up.URL, false)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send(t, "GET", fmt.Sprintf("%s/pets/%d", srv.URL, 1+i%2), "", nil)
		}()
	}
	wg.Wait()
	if s := p.Stats(); s.Requests != 40 || s.Responses != 40 || s.InvalidResponses != 20 || len(p.Violations()) != 20 {
		t.Errorf("stats %+v, %d violations", s, len(p.Violations()))
	}
}

// FuzzProxyRequest sends arbitrary requests through a blocking proxy: it must answer (the
// upstream's answer, or its own refusal), never panic, and pass on only what it judged valid.
func FuzzProxyRequest(f *testing.F) {
	f.Add("POST", "/pets", "application/json", `{"id":1,"name":"Rex"}`)
	f.Add("GET", "/pets/1?verbose=true", "", "")
	f.Add("POST", "/pets", "application/json", `{"id":1} x`)
	f.Add("GET", "/pets/%zz", "", "")
	f.Add("PUT", "/pets/1", "text/plain", "\x00")
	doc := petDoc(f)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer upstream.Close()
	target, _ := url.Parse(upstream.URL)
	p, err := proxy.New(proxy.Config{Doc: doc, Upstream: target, Block: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, target, contentType, body string) {
		req, err := http.NewRequest(method, "http://proxy.test"+target, strings.NewReader(body))
		if err != nil || req.URL.Path == "" || req.URL.Path[0] != '/' {
			return
		}
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusNoContent, http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusBadGateway:
		default:
			t.Fatalf("%s %q answered %d", method, target, rec.Code)
		}
	})
}

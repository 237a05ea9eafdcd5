package docsite_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/docsite"
	"github.com/paxkit/paxkit/openapi"
)

var (
	hrefAttr = regexp.MustCompile(`href="([^"]*)"`)
	idAttr   = regexp.MustCompile(`id="([^"]*)"`)
	srcAttr  = regexp.MustCompile(`(?i)<(script|link|img|iframe)\b|src="|@import|url\(`)
)

// TestLinks checks the whole written site as a link checker would: every in-page anchor has
// its element, every relative link a file (and, with a fragment, that element in it), and
// nothing is fetched from elsewhere (the site must work offline from file://).
func TestLinks(t *testing.T) {
	dir, _ := builtinSite(t)
	ids := map[string]map[string]bool{}
	pages := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".html" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pages[path] = string(b)
		ids[path] = map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(string(b), -1) {
			if ids[path][m[1]] {
				t.Errorf("%s: id %q used twice", path, m[1])
			}
			ids[path][m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1+len(openapi.IDs()) {
		t.Fatalf("%d pages written, want the index and one per API", len(pages))
	}
	links := 0
	for path, html := range pages {
		if m := srcAttr.FindString(html); m != "" {
			t.Errorf("%s loads something (%q): the site must be self-contained", path, m)
		}
		for _, m := range hrefAttr.FindAllStringSubmatch(html, -1) {
			links++
			u, err := url.Parse(m[1])
			if err != nil || u.Scheme != "" || u.Host != "" {
				t.Errorf("%s: link %q is not relative", path, m[1])
				continue
			}
			target := path
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(path), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: link %q: no file %s", path, m[1], target)
					continue
				}
			}
			if u.Fragment != "" && !ids[target][u.Fragment] {
				t.Errorf("%s: link %q: no element with id %q", path, m[1], u.Fragment)
			}
		}
	}
	if links < 100 {
		t.Errorf("only %d links checked; the sidebar alone has more", links)
	}
}

// TestPageContent checks what the browser test cannot see as a layout: the rules of the
// contract appear in the words a reader needs.
func TestPageContent(t *testing.T) {
	dir, _ := builtinSite(t)
	read := func(id string) string {
		b, err := os.ReadFile(filepath.Join(dir, id, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		api  string
		want []string
	}{
		{"tomp", []string{
			`<span class="method m-post">POST</span> <code class="path">/collections/customers/items</code>`,
			`<code>BearerAuth</code>: HTTP bearer (JWT)`,
			`maxLength 75`,                        // Accept-Language
			`<span class="status s-4">428</span>`, // blocked account
			`href="#schema-Customer"`,
			`example <code>seedHankWolters</code>`,
			`id="schema-Customer.email"`,
			`curl -sS -X POST &#39;http://127.0.0.1:8080/tomp/collections/customers/items&#39;`,
			`<a href="openapi.yaml">OpenAPI contract</a>`,
		}},
		{"mews", []string{
			`x-paxkit-credentials</code>: in the request body`,
			`ClientToken, AccessToken, Client`,
			`<span class="tag dep">deprecated</span>`,
			`one of &#34;`, // an enum
		}},
	}
	for _, tt := range tests {
		page := read(tt.api)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s page lacks %q", tt.api, w)
			}
		}
	}
}

func TestNewRefuses(t *testing.T) {
	doc, err := openapi.Load(context.Background(), "tomp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		apis []docsite.API
	}{
		{"empty id", []docsite.API{{ID: "", Doc: doc}}},
		{"id that is a path", []docsite.API{{ID: "../x", Doc: doc}}},
		{"same id twice", []docsite.API{{ID: "a", Doc: doc}, {ID: "a", Doc: doc}}},
		{"no document", []docsite.API{{ID: "a"}}},
		// Pages are built on first use (a live page on its first request), so New must refuse
		// now what would make building fail later.
		{"document without info", []docsite.API{{ID: "a", Doc: &openapi3.T{OpenAPI: "3.0.3"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := docsite.New(tt.apis, nil); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

// TestHandlerTryIt checks the live page: its try-it commands call the instance that served it,
// with the demo credentials, and they run as they are against paxkit (see the server tests).
func TestHandlerTryIt(t *testing.T) {
	doc, err := openapi.Load(context.Background(), "tomp")
	if err != nil {
		t.Fatal(err)
	}
	site, err := docsite.New([]docsite.API{{ID: "tomp", Doc: doc, Credentials: apidef.DemoCredentials{
		Headers: map[string]string{"Authorization": "Bearer demo-token"},
	}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := site.Handler("tomp", docsite.Links{Index: "/", Spec: "../openapi.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Handler("nope", docsite.Links{}); err == nil {
		t.Error("Handler accepted an unknown API")
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "http://docs.example:9090/tomp/docs/", nil)
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, w := range []string{
		`Against this instance:`,
		`curl -sS -X GET &#39;http://docs.example:9090/tomp/collections/customers/items/`,
		`-H &#39;Authorization: Bearer demo-token&#39;`,
		`-H &#39;Accept-Language: `,
		`<a href="../openapi.yaml">OpenAPI contract</a>`,
		`<a href="/">← all APIs</a>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("live page lacks %q", w)
		}
	}
	if strings.Contains(body, "127.0.0.1:8080") {
		t.Error("live page points its commands at the default address, not at the instance")
	}
}

// TestHandlerFirstRequestsAtOnce: the live page is built on its first request, and requests
// arriving together while it is built all get the same complete page (run with -race).
func TestHandlerFirstRequestsAtOnce(t *testing.T) {
	doc, err := openapi.Load(context.Background(), "mews")
	if err != nil {
		t.Fatal(err)
	}
	site, err := docsite.New([]docsite.API{{ID: "mews", Doc: doc}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := site.Handler("mews", docsite.Links{Index: "/", Spec: "../openapi.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	const clients = 8
	bodies := make([]string, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://docs.example/mews/docs/", nil))
			if rec.Code != http.StatusOK {
				t.Errorf("client %d: status %d", i, rec.Code)
			}
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	if !strings.Contains(bodies[0], "customersGetAll") {
		t.Fatal("the page lacks the operation customersGetAll")
	}
	for i, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("client %d got another page than client 0", i+1)
		}
	}
}

func TestTryItParameterValues(t *testing.T) {
	dir, _ := builtinSite(t)
	b, err := os.ReadFile(filepath.Join(dir, "intrepid", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if strings.Contains(page, "e+0") {
		t.Error("a numeric example is written with an exponent in a try-it URL")
	}
	if !regexp.MustCompile(`/intrepid/Customers/\d+`).MatchString(page) {
		t.Error("no try-it URL with the numeric customer id example")
	}
}

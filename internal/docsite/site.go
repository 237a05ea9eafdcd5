package docsite

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

//go:embed style.css
var styleCSS string

//go:embed page.html.tmpl
var pageTemplate string

// Links are the places an API page links to outside itself. They differ between the written
// site (relative files) and the live pages under /<api-id>/docs/.
type Links struct {
	// Index is the list of every API; Spec is the contract's YAML.
	Index, Spec string
}

// Site is the documentation of a set of APIs, ready to be written or served.
type Site struct {
	pages []lazyPage
	specs map[string][]byte
	tmpl  *template.Template
}

// lazyPage is one API's page, computed from the contract the first time it is needed: `paxkit
// serve` creates the site at every start, and building every page there was 6% of its
// start-up (issue 10) for pages most runs never show. Everything that can make a page fail is
// checked by New, so building it later cannot fail.
type lazyPage struct {
	id    string
	build func() *page
}

// New prepares the documentation of apis, refusing what cannot make a page. specs (optional,
// by API id) are the contracts as written, copied next to each page so that the written site
// is complete on its own.
func New(apis []API, specs map[string][]byte) (*Site, error) {
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Site{tmpl: tmpl, specs: specs}
	seen := map[string]bool{}
	for _, a := range apis {
		if a.ID == "" || anchorSafe(a.ID) != a.ID || a.ID == "." || a.ID == ".." {
			return nil, fmt.Errorf("docsite: %q cannot name a page (letters, digits, '-', '_' and '.' only)", a.ID)
		}
		if seen[a.ID] {
			return nil, fmt.Errorf("docsite: API %q given twice", a.ID)
		}
		seen[a.ID] = true
		if a.Doc == nil || a.Doc.Info == nil {
			return nil, fmt.Errorf("docsite: API %q has no loaded contract", a.ID)
		}
		s.pages = append(s.pages, lazyPage{id: a.ID, build: sync.OnceValue(func() *page { return buildPage(a) })})
	}
	return s, nil
}

func parseTemplates() (*template.Template, error) {
	tmpl, err := template.New("site").Funcs(template.FuncMap{
		"css":      func() template.CSS { return template.CSS(styleCSS) },
		"lower":    strings.ToLower,
		"curl":     curl,
		"describe": describe,
	}).Parse(pageTemplate)
	if err != nil {
		return nil, fmt.Errorf("docsite: templates: %w", err)
	}
	return tmpl, nil
}

// indexData and pageData are what the templates see.
type indexData struct {
	Pages []*page
}

type pageData struct {
	*page
	Links Links
	// Base is the URL the "try it" commands call (for example http://127.0.0.1:8080/tomp).
	Base string
	// Live says whether Base is the instance serving this page (else the paxkit serve default).
	Live bool
}

// Write writes the site to dir: index.html, and per API <id>/index.html with its contract as
// <id>/openapi.yaml when known. The "try it" commands call `paxkit serve` at its default
// address.
func (s *Site) Write(dir string) error {
	files, err := s.Files()
	if err != nil {
		return err
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("docsite: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("docsite: %w", err)
		}
	}
	return nil
}

// DefaultBase is where `paxkit serve` listens unless told otherwise; the written site's "try
// it" commands call it.
const DefaultBase = "http://127.0.0.1:8080"

// Files renders the whole site as file name (slash-separated) -> content.
func (s *Site) Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	pages := make([]*page, 0, len(s.pages))
	for _, lp := range s.pages {
		pages = append(pages, lp.build())
	}
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "index", indexData{Pages: pages}); err != nil {
		return nil, fmt.Errorf("docsite: index: %w", err)
	}
	out["index.html"] = buf.Bytes()
	for _, p := range pages {
		links := Links{Index: "../index.html"}
		if spec, ok := s.specs[p.ID]; ok {
			links.Spec = "openapi.yaml"
			out[p.ID+"/openapi.yaml"] = spec
		}
		base := p.base
		if base == "" {
			base = DefaultBase + "/" + p.ID
		}
		data, err := s.render(p, links, strings.TrimSuffix(base, "/"), false)
		if err != nil {
			return nil, err
		}
		out[p.ID+"/index.html"] = data
	}
	return out, nil
}

func (s *Site) render(p *page, links Links, base string, live bool) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "api", pageData{page: p, Links: links, Base: base, Live: live}); err != nil {
		return nil, fmt.Errorf("docsite: %s: %w", p.ID, err)
	}
	return buf.Bytes(), nil
}

// Handler serves the page of API id live: the "try it" commands call the instance the page
// was requested from (its Host, http unless the request came over TLS), so they can be pasted
// into a terminal as they are. links point at the server's own index and contract. The page
// is built on the first request (see lazyPage).
func (s *Site) Handler(id string, links Links) (http.Handler, error) {
	var build func() *page
	for _, candidate := range s.pages {
		if candidate.id == id {
			build = candidate.build
		}
	}
	if build == nil {
		return nil, fmt.Errorf("docsite: no API %q", id)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		data, err := s.render(build(), links, scheme+"://"+r.Host+"/"+id, true)
		if err != nil {
			http.Error(w, "the documentation page could not be rendered", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(data)
	}), nil
}

// curl is an operation's "try it" command, one option per line so that it reads on a phone.
func curl(base string, o operation) string {
	var b strings.Builder
	b.WriteString("curl -sS -X " + o.Method + " " + shellQuote(base+o.tryPath))
	for _, h := range o.tryHeaders {
		b.WriteString(" \\\n  -H " + shellQuote(h[0]+": "+h[1]))
	}
	if o.tryBody != "" {
		b.WriteString(" \\\n  --data-raw " + shellQuote(o.tryBody))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell: inside single quotes only the quote itself needs care.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
)

// apiInfo is one entry of GET /_paxkit/apis. Scripts rely on this shape; change it only by
// adding fields.
type apiInfo struct {
	ID          string                 `json:"id"`
	Title       string                 `json:"title"`
	Base        string                 `json:"base"`
	Spec        string                 `json:"spec"`
	Docs        string                 `json:"docs"`
	Implemented bool                   `json:"implemented"`
	Credentials apidef.DemoCredentials `json:"credentials"`
	Demo        map[string]any         `json:"demo"`
}

func (s *Server) apiInfos() []apiInfo {
	out := make([]apiInfo, 0, len(s.apis))
	for _, m := range s.apis {
		base := m.api.Base()
		creds := m.api.DemoCredentials
		if creds.Headers == nil {
			creds.Headers = map[string]string{}
		}
		if creds.Body == nil {
			creds.Body = map[string]any{}
		}
		demo := m.api.Demo
		if demo == nil {
			demo = map[string]any{}
		}
		out = append(out, apiInfo{
			ID: m.api.ID, Title: m.api.Title, Base: base,
			Spec: base + "/openapi.yaml", Docs: base + "/docs/",
			Implemented: m.api.Mount != nil,
			Credentials: creds, Demo: demo,
		})
	}
	return out
}

func (s *Server) listAPIs(c echo.Context) error { return c.JSON(http.StatusOK, s.apiInfos()) }

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"status": "ok"})
}

func (s *Server) spec(m *mounted) echo.HandlerFunc {
	return func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", m.api.Spec)
	}
}

// export answers the whole state (tenants and records) in the fixtures format.
func (s *Server) export(c echo.Context) error {
	s.adminMu.Lock()
	f, err := s.exportFixtures()
	s.adminMu.Unlock()
	if err != nil {
		return err
	}
	data, err := MarshalFixtures(f)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="paxkit-state.json"`)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, data)
}

// importState applies a fixtures document: all of it or, on any problem, none of it.
func (s *Server) importState(c echo.Context) error {
	// The same body limit as the APIs: an import is untrusted input too.
	body := http.MaxBytesReader(c.Response(), c.Request().Body, s.cfg.BodyLimit)
	f, err := DecodeFixtures(body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return c.JSON(http.StatusRequestEntityTooLarge, adminError(fmt.Errorf("the fixtures are over the body limit of %d bytes", tooLarge.Limit)))
		}
		return c.JSON(http.StatusBadRequest, adminError(err))
	}
	s.adminMu.Lock()
	err = s.importFixtures(f)
	s.adminMu.Unlock()
	if err != nil {
		return c.JSON(http.StatusBadRequest, adminError(err))
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "imported"})
}

// reset puts the server back to its start: demo data and fixtures. `?to=empty` drops every
// record instead (the tenants stay as at start).
func (s *Server) reset(c echo.Context) error {
	to := c.QueryParam("to")
	if to != "" && to != "initial" && to != "empty" {
		return c.JSON(http.StatusBadRequest, adminError(fmt.Errorf("to must be initial or empty, not %q", to)))
	}
	s.adminMu.Lock()
	defer s.adminMu.Unlock()
	if err := s.applyInitialState(to == "empty"); err != nil {
		return err
	}
	if to == "" {
		to = "initial"
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "reset", "to": to})
}

func adminError(err error) map[string]any {
	var problems []string
	var fe *FixtureError
	if errors.As(err, &fe) {
		problems = fe.Problems
	} else {
		problems = strings.Split(err.Error(), "\n")
	}
	return map[string]any{"error": "the fixtures were not applied; nothing changed", "problems": problems}
}

// index is the landing page: the APIs, where they are, and how to call them.
func (s *Server) index(c echo.Context) error {
	infos := s.apiInfos()
	if strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
		return c.JSON(http.StatusOK, infos)
	}
	type row struct {
		apiInfo
		CredentialLines []string
		DemoJSON        string
	}
	rows := make([]row, 0, len(infos))
	for _, in := range infos {
		var lines []string
		keys := make([]string, 0, len(in.Credentials.Headers))
		for k := range in.Credentials.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lines = append(lines, fmt.Sprintf("header %s: %s", k, in.Credentials.Headers[k]))
		}
		if len(in.Credentials.Body) > 0 {
			b, _ := json.Marshal(in.Credentials.Body)
			lines = append(lines, "in the JSON body: "+string(b))
		}
		demo, _ := json.Marshal(in.Demo)
		rows = append(rows, row{apiInfo: in, CredentialLines: lines, DemoJSON: string(demo)})
	}
	var b strings.Builder
	if err := s.indexPage.Execute(&b, map[string]any{"Host": c.Request().Host, "APIs": rows}); err != nil {
		return fmt.Errorf("render index: %w", err)
	}
	return c.HTML(http.StatusOK, b.String())
}

// indexTemplate is the landing page's HTML; parsed once per server (html/template escapes
// every value, credentials included).
const indexTemplate = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>paxkit serve</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
code{background:#f3f3f3;padding:0 .2em;word-break:break-all}section{border-top:1px solid #ddd;padding:.5rem 0}</style>
</head><body>
<h1>paxkit serve</h1>
<p>Stateful fakes of travel customer-management APIs. Machine-readable list: <a href="/_paxkit/apis"><code>/_paxkit/apis</code></a>.
Admin: <code>POST /_paxkit/reset</code>, <code>GET /_paxkit/export</code>, <code>POST /_paxkit/import</code>.</p>
{{range .APIs}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<p>Base URL <code>http://{{$.Host}}{{.Base}}</code> · contract <a href="{{.Spec}}"><code>{{.Spec}}</code></a>{{if not .Implemented}} · <strong>validation and authentication only: operations answer 501 until paxkit implements them</strong>{{end}}</p>
<p>Demo credentials:</p><ul>{{range .CredentialLines}}<li><code>{{.}}</code></li>{{end}}</ul>
<p>Demo records: <code>{{.DemoJSON}}</code></p>
</section>{{end}}
</body></html>
`

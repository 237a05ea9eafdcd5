package mock

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
)

// ForSpec defines a mock of any OpenAPI 3.0 contract paxkit has never seen, mounted at "/" so
// that its paths stay as written. paxkit knows nothing of the vendor, so two parts are generic:
//
//   - Credentials: an operation's security requirements (or the document's) must be met by
//     credentials that are present (an API key in its header, query or cookie; an
//     Authorization header of the right scheme); any value is accepted, as there are no
//     accounts to check it against. A request without them answers 401.
//   - Errors: refusals are RFC 9457 problem details (`type`, `title`, `status`, `detail`,
//     plus `errors`, one entry per violation with where it is), the one error format that is
//     a standard; as application/json when the operation documents its errors as plain JSON,
//     else application/problem+json.
//
// Routing, contract validation and everything else are the server core's, as for the
// built-in APIs.
func ForSpec(id string, raw []byte, doc *openapi3.T, opts Options) (apidef.API, error) {
	rp, err := NewResponder(doc, opts)
	if err != nil {
		return apidef.API{}, err
	}
	title := id
	if doc.Info != nil && doc.Info.Title != "" {
		title = doc.Info.Title
	}
	sp := &specAPI{doc: doc, rp: rp}
	return apidef.API{
		ID:            id,
		Title:         title,
		AtRoot:        true,
		Spec:          raw,
		Doc:           doc,
		CredentialsIn: apidef.CredentialsInHeader,
		Authenticate:  sp.authenticate,
		Render:        renderProblem,
		Headers:       sp.headers,
		Mount: func(g *echo.Group, _ apidef.Deps) error {
			rp.Register(g)
			return nil
		},
		TenantIdentity: func(apidef.Tenant) (string, error) {
			return "", fmt.Errorf("the mock of a foreign contract has no tenants: it accepts any credentials that are present")
		},
	}, nil
}

type specAPI struct {
	doc *openapi3.T
	rp  *Responder
}

// mockTenant is the one party a foreign contract's mock serves.
func mockTenant() apidef.Tenant { return apidef.Tenant{ID: "mock"} }

func (sp *specAPI) authenticate(r *http.Request, _ []byte, _ []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	reqs := sp.doc.Security
	if m, ok := apidef.RouteFrom(r.Context()); ok && m.Route.Operation.Security != nil {
		reqs = *m.Route.Operation.Security
	}
	if len(reqs) == 0 {
		return mockTenant(), nil
	}
	var alternatives []string
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		sort.Strings(names)
		var need []string
		for _, name := range names {
			if what, ok := sp.present(r, name); !ok {
				need = append(need, what)
			}
		}
		if len(need) == 0 {
			return mockTenant(), nil
		}
		alternatives = append(alternatives, strings.Join(need, " and "))
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "credentials are missing: send %s", strings.Join(alternatives, ", or "))
}

// present reports whether the request carries the credentials of one security scheme, and
// describes them for the error message.
func (sp *specAPI) present(r *http.Request, scheme string) (string, bool) {
	var s *openapi3.SecurityScheme
	if sp.doc.Components != nil {
		if ref := sp.doc.Components.SecuritySchemes[scheme]; ref != nil {
			s = ref.Value
		}
	}
	if s == nil {
		return scheme, true // the document's own validation refuses such references
	}
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	hasScheme := func(want string) bool {
		kind, cred, ok := strings.Cut(auth, " ")
		return ok && strings.EqualFold(kind, want) && strings.TrimSpace(cred) != ""
	}
	switch strings.ToLower(s.Type) {
	case "apikey":
		switch s.In {
		case "query":
			return "query parameter " + s.Name, r.URL.Query().Get(s.Name) != ""
		case "cookie":
			c, err := r.Cookie(s.Name)
			return "cookie " + s.Name, err == nil && c.Value != ""
		}
		return "header " + s.Name, strings.TrimSpace(r.Header.Get(s.Name)) != ""
	case "http":
		return "Authorization: " + capitalize(s.Scheme) + " <credentials>", hasScheme(s.Scheme)
	}
	// oauth2 and openIdConnect: an access token.
	return "Authorization: Bearer <token>", hasScheme("Bearer")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// headers chooses the media type of refusals for the operation the request is for (success
// answers set their own): JSON when the operation documents its errors as application/json
// only, problem+json otherwise.
func (sp *specAPI) headers(r *http.Request, h http.Header) {
	mt := "application/problem+json"
	// Before routing (the core sets headers first) there is no operation yet; the core asks
	// again when it renders a refusal of a routed request.
	if m, ok := apidef.RouteFrom(r.Context()); ok && m.Route.Operation.Responses != nil {
		json, problem := false, false
		for code, ref := range m.Route.Operation.Responses.Map() {
			if ref.Value == nil || strings.HasPrefix(code, "2") {
				continue
			}
			if _, ok := ref.Value.Content["application/json"]; ok {
				json = true
			}
			if _, ok := ref.Value.Content["application/problem+json"]; ok {
				problem = true
			}
		}
		if json && !problem {
			mt = "application/json"
		}
	}
	h.Set(echo.HeaderContentType, mt)
}

// problem is an RFC 9457 problem details document with paxkit's list of violations.
type problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Errors []apidef.Violation `json:"errors,omitempty"`
}

func renderProblem(_ *http.Request, f *apidef.Failure) (int, any) {
	status := f.Kind.DefaultStatus()
	return status, problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: f.Message,
		Errors: f.Violations,
	}
}

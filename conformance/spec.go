package conformance

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// operation is one spec operation with what the checks need to call it.
type operation struct {
	ID     string
	Method string
	Path   string
	Op     *openapi3.Operation
	Params openapi3.Parameters // path-item and operation parameters, operation winning
	// MediaType and Body are the request body's media type and schema (nil without a body).
	MediaType string
	Body      *openapi3.SchemaRef
	// BodyRequired mirrors requestBody.required.
	BodyRequired bool
	// Unsupported says why the checker cannot call this operation ("" when it can).
	Unsupported string
}

// credentials says how the spec expects credentials: header and query names from its security
// schemes, and body members named by paxkit's `x-paxkit-credentials` extension (Mews tokens,
// Erin's authenticate object), which OpenAPI 3.0 security schemes cannot express.
type credentials struct {
	headers []string // canonical header names
	query   []string
	body    []string
}

// operations lists the spec's operations in path then method order, so runs are reproducible.
func operations(doc *openapi3.T) []operation {
	var out []operation
	if doc.Paths == nil {
		return nil
	}
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}
	for _, path := range keys {
		item := paths[path]
		for _, m := range methods {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			o := operation{ID: op.OperationID, Method: m, Path: path, Op: op}
			if o.ID == "" {
				o.ID = m + " " + path
			}
			o.Params = mergeParams(item.Parameters, op.Parameters)
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				o.BodyRequired = rb.Value.Required
				mt, media := pickMediaType(rb.Value.Content)
				if media == nil {
					o.Unsupported = "the request body has no JSON media type; paxkit check sends JSON only"
				} else {
					o.MediaType, o.Body = mt, media.Schema
				}
			}
			out = append(out, o)
		}
	}
	return out
}

func mergeParams(pathLevel, opLevel openapi3.Parameters) openapi3.Parameters {
	var out openapi3.Parameters
	seen := map[string]bool{}
	for _, p := range opLevel {
		if p.Value == nil {
			continue
		}
		seen[p.Value.In+" "+p.Value.Name] = true
		out = append(out, p)
	}
	for _, p := range pathLevel {
		if p.Value == nil || seen[p.Value.In+" "+p.Value.Name] {
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Value, out[j].Value
		if a.In != b.In {
			return a.In < b.In
		}
		return a.Name < b.Name
	})
	return out
}

// pickMediaType prefers application/json, then any +json type.
func pickMediaType(content openapi3.Content) (string, *openapi3.MediaType) {
	if mt := content.Get("application/json"); mt != nil {
		return "application/json", mt
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasSuffix(k, "+json") || strings.HasSuffix(k, "/json") {
			return k, content[k]
		}
	}
	return "", nil
}

func specCredentials(doc *openapi3.T) credentials {
	var c credentials
	if doc.Components != nil {
		names := make([]string, 0, len(doc.Components.SecuritySchemes))
		for n := range doc.Components.SecuritySchemes {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := doc.Components.SecuritySchemes[n].Value
			if s == nil {
				continue
			}
			switch {
			case s.Type == "http" || s.Type == "oauth2" || s.Type == "openIdConnect":
				c.headers = append(c.headers, "Authorization")
			case s.Type == "apiKey" && s.In == "header":
				c.headers = append(c.headers, http.CanonicalHeaderKey(s.Name))
			case s.Type == "apiKey" && s.In == "query":
				c.query = append(c.query, s.Name)
			}
		}
	}
	if ext, ok := doc.Extensions["x-paxkit-credentials"].(map[string]any); ok && ext["in"] == "body" {
		if props, ok := ext["properties"].([]any); ok {
			for _, p := range props {
				if s, ok := p.(string); ok {
					c.body = append(c.body, s)
				}
			}
		}
	}
	slices.Sort(c.headers)
	c.headers = slices.Compact(c.headers)
	return c
}

// secured reports whether an operation needs credentials: a non-empty security requirement
// without an anonymous alternative, or body credentials the spec declares for every body.
func (c credentials) secured(doc *openapi3.T, o operation) bool {
	reqs := doc.Security
	if o.Op.Security != nil {
		reqs = *o.Op.Security
	}
	if len(reqs) > 0 {
		anonymous := false
		for _, r := range reqs {
			if len(r) == 0 {
				anonymous = true
			}
		}
		if !anonymous {
			return true
		}
	}
	return len(c.body) > 0 && o.Body != nil
}

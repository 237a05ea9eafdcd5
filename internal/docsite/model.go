// Package docsite turns OpenAPI contracts into a documentation site: an index of APIs and one
// page per API with its operations, schemas (every property with its type, format, limits,
// enum, required and deprecated flags), authentication and examples. Pages are plain HTML with
// the CSS inlined, so they need no JavaScript, no network and no web server: the same pages
// are written to a directory by `paxkit docs` and served live by `paxkit serve` at
// /<api-id>/docs/, where the "try it" commands point at the running instance.
package docsite

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/apidef"
)

// API is one contract to document.
type API struct {
	// ID names the API's page and anchors it in the index (`tomp`); it is also the path
	// prefix under which paxkit serves it.
	ID  string
	Doc *openapi3.T
	// Credentials, when known, are put into the "try it" commands so that they work against
	// paxkit as they are.
	Credentials apidef.DemoCredentials
	// Base is the URL the written site's "try it" commands call; empty means `paxkit serve`
	// on its default address (DefaultBase/<id>). Live pages always call their own instance.
	Base string
}

// page is everything one API page shows, computed once from the contract.
type page struct {
	ID, Title, Version, Description string
	base                            string
	Auth                            []authScheme
	Operations                      []operation
	Schemas                         []schema
}

type authScheme struct {
	Name, Kind, Description string
}

type operation struct {
	Anchor, ID, Method, Path, Summary, Description string
	Deprecated                                     bool
	Security                                       []string
	Parameters                                     []parameter
	Body                                           *body
	Responses                                      []response
	// try-it parts: the curl command is assembled per request, with the base URL.
	tryPath    string
	tryHeaders [][2]string
	tryBody    string
}

type parameter struct {
	Name, In, Type, Description, Constraints string
	Required, Deprecated                     bool
}

type body struct {
	Required    bool
	Description string
	Media       []media
}

type media struct {
	Type     string
	Schema   typeRef
	Props    []property // properties of an inline object schema
	Examples []example
}

type response struct {
	Status, Description string
	Headers             []parameter
	Media               []media
}

type example struct {
	Name, Summary, JSON string
}

// typeRef is a schema as a reader names it: a link to a component schema, or a type.
type typeRef struct {
	Text   string
	Anchor string // "#schema-Name" for a component schema, or ""
}

type schema struct {
	Name, Anchor, Type, Description, Constraints string
	Deprecated                                   bool
	Composition                                  []composition
	Props                                        []property
	Example                                      string
}

type composition struct {
	Kind  string // allOf, oneOf, anyOf
	Parts []typeRef
}

type property struct {
	Anchor, Name, Description, Constraints, Enum string
	Depth                                        int
	Type                                         typeRef
	Required, Deprecated, ReadOnly, WriteOnly    bool
	Nullable                                     bool
}

// maxDepth bounds how far inline objects are unfolded: deeper structure should be a named
// component schema anyway, and a recursive inline schema must not unfold forever.
const maxDepth = 6

// buildPage computes an API's page; New has checked that a has a contract with its info.
func buildPage(a API) *page {
	doc := a.Doc
	p := &page{ID: a.ID, Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description, base: a.Base}
	p.Auth = authSchemes(doc)
	if doc.Paths != nil {
		paths := doc.Paths.Keys()
		sort.Strings(paths)
		for _, path := range paths {
			item := doc.Paths.Value(path)
			for _, method := range methodOrder {
				op := item.GetOperation(method)
				if op == nil {
					continue
				}
				p.Operations = append(p.Operations, buildOperation(a, path, method, item, op))
			}
		}
	}
	if doc.Components != nil {
		names := make([]string, 0, len(doc.Components.Schemas))
		for name := range doc.Components.Schemas {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p.Schemas = append(p.Schemas, buildSchema(name, doc.Components.Schemas[name]))
		}
	}
	return p
}

var methodOrder = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions}

// OperationAnchor is the element id of an operation on its API page.
func OperationAnchor(method, path string, op *openapi3.Operation) string {
	if op.OperationID != "" {
		return "op-" + anchorSafe(op.OperationID)
	}
	return "op-" + anchorSafe(strings.ToLower(method)+path)
}

// SchemaAnchor is the element id of a component schema; PropertyAnchor that of one of its
// properties, path being the property names from the schema down, joined with dots.
func SchemaAnchor(name string) string { return "schema-" + anchorSafe(name) }

// PropertyAnchor: see SchemaAnchor.
func PropertyAnchor(schemaName, path string) string {
	return "schema-" + anchorSafe(schemaName) + "." + anchorSafe(path)
}

// anchorSafe keeps ids readable and valid as URL fragments without escaping.
func anchorSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

func authSchemes(doc *openapi3.T) []authScheme {
	var out []authScheme
	if doc.Components != nil {
		names := make([]string, 0, len(doc.Components.SecuritySchemes))
		for name := range doc.Components.SecuritySchemes {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ref := doc.Components.SecuritySchemes[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			s := ref.Value
			kind := s.Type
			switch s.Type {
			case "http":
				kind = "HTTP " + s.Scheme
				if s.BearerFormat != "" {
					kind += " (" + s.BearerFormat + ")"
				}
			case "apiKey":
				kind = fmt.Sprintf("API key in %s %s", s.In, s.Name)
			}
			out = append(out, authScheme{Name: name, Kind: kind, Description: s.Description})
		}
	}
	// Body credentials cannot be an OpenAPI 3.0 security scheme; paxkit's specs name them in
	// an extension (see README), which is shown the same way.
	if ext, ok := doc.Extensions["x-paxkit-credentials"].(map[string]any); ok {
		var props []string
		if list, ok := ext["properties"].([]any); ok {
			for _, p := range list {
				props = append(props, fmt.Sprint(p))
			}
		}
		out = append(out, authScheme{Name: "x-paxkit-credentials", Kind: fmt.Sprintf("in the request %v", ext["in"]),
			Description: "Every request body carries the credentials " + strings.Join(props, ", ") + "."})
	}
	return out
}

func buildOperation(a API, path, method string, item *openapi3.PathItem, op *openapi3.Operation) operation {
	o := operation{
		Anchor: OperationAnchor(method, path, op), ID: op.OperationID, Method: method, Path: path,
		Summary: op.Summary, Description: op.Description, Deprecated: op.Deprecated,
	}
	security := a.Doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	for _, req := range security {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		sort.Strings(names)
		if len(names) > 0 {
			o.Security = append(o.Security, strings.Join(names, " + "))
		}
	}
	tryPath := path
	var query []string
	for _, ref := range mergedParameters(item.Parameters, op.Parameters) {
		prm := ref.Value
		o.Parameters = append(o.Parameters, describeParameter(prm))
		value, hasValue := parameterExample(prm)
		switch prm.In {
		case openapi3.ParameterInPath:
			if hasValue {
				tryPath = strings.ReplaceAll(tryPath, "{"+prm.Name+"}", url.PathEscape(value))
			}
		case openapi3.ParameterInQuery:
			if prm.Required && hasValue {
				query = append(query, url.QueryEscape(prm.Name)+"="+url.QueryEscape(value))
			}
		case openapi3.ParameterInHeader:
			if _, demo := a.Credentials.Headers[prm.Name]; prm.Required && hasValue && !demo {
				o.tryHeaders = append(o.tryHeaders, [2]string{prm.Name, value})
			}
		}
	}
	if len(query) > 0 {
		tryPath += "?" + strings.Join(query, "&")
	}
	o.tryPath = tryPath
	headerNames := make([]string, 0, len(a.Credentials.Headers))
	for name := range a.Credentials.Headers {
		headerNames = append(headerNames, name)
	}
	sort.Strings(headerNames)
	for _, name := range headerNames {
		o.tryHeaders = append(o.tryHeaders, [2]string{name, a.Credentials.Headers[name]})
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		b := &body{Required: rb.Value.Required, Description: rb.Value.Description}
		for _, mt := range sortedKeys(rb.Value.Content) {
			m := describeMedia(mt, rb.Value.Content[mt])
			b.Media = append(b.Media, m)
			if o.tryBody == "" {
				o.tryHeaders = append([][2]string{{"Content-Type", mt}}, o.tryHeaders...)
				o.tryBody = tryBody(rb.Value.Content[mt], a.Credentials.Body)
			}
		}
		o.Body = b
	}
	if op.Responses != nil {
		statuses := op.Responses.Keys()
		sort.Strings(statuses)
		for _, status := range statuses {
			ref := op.Responses.Value(status)
			if ref == nil || ref.Value == nil {
				continue
			}
			r := response{Status: status}
			if ref.Value.Description != nil {
				r.Description = *ref.Value.Description
			}
			for _, name := range sortedKeys(ref.Value.Headers) {
				h := ref.Value.Headers[name]
				if h == nil || h.Value == nil {
					continue
				}
				p := describeParameter(&h.Value.Parameter)
				p.Name, p.In = name, "header"
				r.Headers = append(r.Headers, p)
			}
			for _, mt := range sortedKeys(ref.Value.Content) {
				r.Media = append(r.Media, describeMedia(mt, ref.Value.Content[mt]))
			}
			o.Responses = append(o.Responses, r)
		}
	}
	return o
}

// mergedParameters applies the OpenAPI rule that an operation's parameter replaces the path
// item's parameter of the same name and location.
func mergedParameters(pathLevel, opLevel openapi3.Parameters) []*openapi3.ParameterRef {
	var out []*openapi3.ParameterRef
	seen := map[string]bool{}
	for _, ref := range opLevel {
		if ref != nil && ref.Value != nil {
			seen[ref.Value.In+" "+ref.Value.Name] = true
			out = append(out, ref)
		}
	}
	for _, ref := range pathLevel {
		if ref != nil && ref.Value != nil && !seen[ref.Value.In+" "+ref.Value.Name] {
			out = append(out, ref)
		}
	}
	return out
}

func describeParameter(p *openapi3.Parameter) parameter {
	out := parameter{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required, Deprecated: p.Deprecated}
	if p.Schema != nil {
		out.Type = typeOf(p.Schema).Text
		if p.Schema.Value != nil {
			out.Constraints = joinNonEmpty(constraints(p.Schema.Value), enumText(p.Schema.Value))
		}
	}
	return out
}

func parameterExample(p *openapi3.Parameter) (string, bool) {
	if p.Example != nil {
		return plainValue(p.Example), true
	}
	for _, name := range sortedKeys(p.Examples) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return plainValue(ex.Value.Value), true
		}
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		if s.Example != nil {
			return plainValue(s.Example), true
		}
		if s.Default != nil {
			return plainValue(s.Default), true
		}
		if len(s.Enum) > 0 {
			return plainValue(s.Enum[0]), true
		}
	}
	return "", false
}

// plainValue writes a parameter value the way it goes into a URL or header: strings as they
// are, numbers without exponent (YAML numbers load as float64, and 4945397 must not become
// 4.945397e+06), anything else as JSON.
func plainValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return compactJSON(v)
}

func describeMedia(mt string, m *openapi3.MediaType) media {
	out := media{Type: mt}
	if m == nil {
		return out
	}
	if m.Schema != nil {
		out.Schema = typeOf(m.Schema)
		if m.Schema.Ref == "" && m.Schema.Value != nil {
			out.Props = properties("", m.Schema.Value, "", 0)
		}
	}
	if m.Example != nil {
		out.Examples = append(out.Examples, example{Name: "example", JSON: prettyJSON(m.Example)})
	}
	for _, name := range sortedKeys(m.Examples) {
		ex := m.Examples[name]
		if ex == nil || ex.Value == nil {
			continue
		}
		out.Examples = append(out.Examples, example{Name: name, Summary: ex.Value.Summary, JSON: prettyJSON(ex.Value.Value)})
	}
	return out
}

// tryBody is the request body of the "try it" command: the operation's first example with the
// demo body credentials in place of the example's, so that the command works as it is.
func tryBody(m *openapi3.MediaType, creds map[string]any) string {
	var value any
	if m.Example != nil {
		value = m.Example
	} else {
		for _, name := range sortedKeys(m.Examples) {
			if ex := m.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
				value = ex.Value.Value
				break
			}
		}
	}
	if obj, ok := value.(map[string]any); ok && len(creds) > 0 {
		merged := make(map[string]any, len(obj)+len(creds))
		for k, v := range obj {
			merged[k] = v
		}
		for k, v := range creds {
			merged[k] = v
		}
		value = merged
	}
	if value == nil {
		if len(creds) == 0 {
			return ""
		}
		value = creds
	}
	b, err := json.Marshal(value)
	if err != nil {
		return ""
	}
	return string(b)
}

func buildSchema(name string, ref *openapi3.SchemaRef) schema {
	out := schema{Name: name, Anchor: SchemaAnchor(name)}
	if ref == nil || ref.Value == nil {
		return out
	}
	s := ref.Value
	out.Type = typeOf(&openapi3.SchemaRef{Value: s}).Text
	if ref.Ref != "" {
		out.Type = typeOf(ref).Text
	}
	out.Description = s.Description
	out.Deprecated = s.Deprecated
	out.Constraints = joinNonEmpty(constraints(s), enumText(s))
	for _, c := range []struct {
		kind  string
		parts openapi3.SchemaRefs
	}{{"allOf", s.AllOf}, {"oneOf", s.OneOf}, {"anyOf", s.AnyOf}} {
		if len(c.parts) == 0 {
			continue
		}
		comp := composition{Kind: c.kind}
		for _, part := range c.parts {
			comp.Parts = append(comp.Parts, typeOf(part))
		}
		out.Composition = append(out.Composition, comp)
	}
	out.Props = properties(name, s, "", 0)
	// Inline parts of an allOf add properties of this schema; referenced parts are linked.
	for _, part := range s.AllOf {
		if part != nil && part.Ref == "" && part.Value != nil {
			out.Props = append(out.Props, properties(name, part.Value, "", 0)...)
		}
	}
	if s.Example != nil {
		out.Example = prettyJSON(s.Example)
	}
	return out
}

// properties lists an object schema's properties, unfolding inline objects and arrays of
// inline objects below them (as "parent.child"). schemaName "" means no anchors (a request
// or response body written inline).
func properties(schemaName string, s *openapi3.Schema, prefix string, depth int) []property {
	if depth > maxDepth {
		return nil
	}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	var out []property
	for _, name := range sortedKeys(s.Properties) {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		v := ref.Value
		path := prefix + name
		p := property{
			Name: path, Depth: depth, Type: typeOf(ref), Description: v.Description,
			Constraints: constraints(v), Enum: enumText(v), Required: required[name],
			Deprecated: v.Deprecated, ReadOnly: v.ReadOnly, WriteOnly: v.WriteOnly, Nullable: v.Nullable,
		}
		if schemaName != "" {
			p.Anchor = PropertyAnchor(schemaName, path)
		}
		out = append(out, p)
		if ref.Ref != "" {
			continue
		}
		if len(v.Properties) > 0 {
			out = append(out, properties(schemaName, v, path+".", depth+1)...)
		}
		if v.Items != nil && v.Items.Ref == "" && v.Items.Value != nil && len(v.Items.Value.Properties) > 0 {
			out = append(out, properties(schemaName, v.Items.Value, path+"[].", depth+1)...)
		}
	}
	return out
}

// typeOf names a schema: a component reference by its name (linked), otherwise its type with
// format, item type and nullability.
func typeOf(ref *openapi3.SchemaRef) typeRef {
	if ref == nil {
		return typeRef{Text: "any"}
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		return typeRef{Text: name, Anchor: "#" + SchemaAnchor(name)}
	}
	s := ref.Value
	if s == nil {
		return typeRef{Text: ref.Ref}
	}
	var text string
	switch {
	case s.Type != nil && !s.Type.IsEmpty():
		text = strings.Join(s.Type.Slice(), " | ")
	case len(s.AllOf) == 1:
		return typeOf(s.AllOf[0])
	case len(s.AllOf) > 0:
		text = "allOf"
	case len(s.OneOf) > 0:
		text = "oneOf"
	case len(s.AnyOf) > 0:
		text = "anyOf"
	default:
		text = "any"
	}
	if s.Type != nil && s.Type.Is("array") && s.Items != nil {
		item := typeOf(s.Items)
		return typeRef{Text: "array of " + item.Text, Anchor: item.Anchor}
	}
	if s.Format != "" {
		text += " (" + s.Format + ")"
	}
	return typeRef{Text: text}
}

// constraints lists a schema's limits in the words of the contract.
func constraints(s *openapi3.Schema) string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if s.Min != nil {
		if s.ExclusiveMin.IsTrue() {
			add("> %s", num(*s.Min))
		} else {
			add("≥ %s", num(*s.Min))
		}
	}
	if s.Max != nil {
		if s.ExclusiveMax.IsTrue() {
			add("< %s", num(*s.Max))
		} else {
			add("≤ %s", num(*s.Max))
		}
	}
	if s.MultipleOf != nil {
		add("multiple of %s", num(*s.MultipleOf))
	}
	if s.MinLength > 0 {
		add("minLength %d", s.MinLength)
	}
	if s.MaxLength != nil {
		add("maxLength %d", *s.MaxLength)
	}
	if s.Pattern != "" {
		add("pattern %s", s.Pattern)
	}
	if s.MinItems > 0 {
		add("minItems %d", s.MinItems)
	}
	if s.MaxItems != nil {
		add("maxItems %d", *s.MaxItems)
	}
	if s.UniqueItems {
		add("unique items")
	}
	if s.MinProps > 0 {
		add("minProperties %d", s.MinProps)
	}
	if s.MaxProps != nil {
		add("maxProperties %d", *s.MaxProps)
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		add("no other properties")
	}
	if s.Default != nil {
		add("default %s", compactJSON(s.Default))
	}
	return strings.Join(parts, "; ")
}

func enumText(s *openapi3.Schema) string {
	if len(s.Enum) == 0 {
		return ""
	}
	vals := make([]string, len(s.Enum))
	for i, v := range s.Enum {
		vals[i] = compactJSON(v)
	}
	return "one of " + strings.Join(vals, ", ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

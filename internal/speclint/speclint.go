// Package speclint finds every problem in an OpenAPI 3.0 document, not just the first, and
// says where each one is: a JSON pointer into the document plus, when known, the YAML line.
//
// kin-openapi's own T.Validate stops at the first error and describes its location in prose
// ("invalid paths: invalid path /x: ..."). The linter walks the document instead and validates
// each element on its own, reporting a problem at the deepest element that has it, so that one
// broken property is reported once, at the property, rather than once per enclosing object.
// The validation itself is kin-openapi's; this package only decides where to ask and how to say
// where the answer applies.
package speclint

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/openapi"
)

// Problem is one thing wrong with a spec.
type Problem struct {
	// Pointer is an RFC 6901 JSON pointer to the element the problem is about ("" = the document).
	Pointer string `json:"pointer"`
	// Line and Column locate the element in the source, when the parser recorded it.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// String renders the problem as "line:column: #pointer: message".
func (p Problem) String() string {
	loc := ""
	if p.Line > 0 {
		loc = fmt.Sprintf("%d:%d: ", p.Line, p.Column)
	}
	return fmt.Sprintf("%s#%s: %s", loc, p.Pointer, p.Message)
}

// Lint parses data (YAML or JSON) and returns every problem found, ordered by position. An
// empty result means kin-openapi accepts the document, examples and formats included.
func Lint(ctx context.Context, data []byte) []Problem {
	doc, err := openapi.DecodeWithOrigins(ctx, data)
	if err != nil {
		return []Problem{{Message: err.Error()}}
	}
	l := &linter{ctx: ctx, doc: doc, seen: map[*openapi3.Schema]bool{}, bad: map[string]bool{}}
	l.document()
	if len(l.problems) == 0 {
		// Anything the element-by-element walk cannot see (duplicate operationIds, path
		// templates that disagree with their parameters, ...) is still caught here.
		if err := doc.Validate(ctx, openapi.ValidationOptions()...); err != nil {
			l.report("", nil, err)
		}
	}
	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Pointer < b.Pointer
	})
	return l.problems
}

type linter struct {
	ctx      context.Context
	doc      *openapi3.T
	problems []Problem
	seen     map[*openapi3.Schema]bool
	// bad holds the local $refs ("#/components/schemas/X") of components that already have a
	// reported problem. kin-openapi re-validates a referenced component from every element that
	// uses it; a user of a bad component is not reported again.
	bad map[string]bool
}

func (l *linter) opts() []openapi3.ValidationOption { return openapi.ValidationOptions() }

func (l *linter) report(ptr string, origin *openapi3.Origin, err error) {
	p := Problem{Pointer: ptr, Message: err.Error()}
	if origin != nil && origin.Key != nil {
		p.Line, p.Column = origin.Key.Line, origin.Key.Column
	}
	l.problems = append(l.problems, p)
}

func (l *linter) document() {
	d := l.doc
	if !strings.HasPrefix(d.OpenAPI, "3.0.") {
		l.report("/openapi", d.Origin, fmt.Errorf("openapi version %q: paxkit reads OpenAPI 3.0.x documents", d.OpenAPI))
	}
	if d.Info == nil {
		l.report("/info", d.Origin, errors.New("info is required"))
	} else if err := d.Info.Validate(l.ctx, l.opts()...); err != nil {
		l.report("/info", d.Info.Origin, err)
	}
	for i, s := range d.Servers {
		if err := s.Validate(l.ctx, l.opts()...); err != nil {
			l.report(fmt.Sprintf("/servers/%d", i), s.Origin, err)
		}
	}
	// Components first, so that paths know which of the components they use are broken.
	l.components()
	l.paths()
}

func (l *linter) paths() {
	if l.doc.Paths == nil {
		l.report("/paths", l.doc.Origin, errors.New("paths is required"))
		return
	}
	operationIDs := map[string]string{}
	for _, path := range l.doc.Paths.InMatchingOrder() {
		item := l.doc.Paths.Value(path)
		base := "/paths/" + openapi.EscapePointerToken(path)
		for i, p := range item.Parameters {
			l.parameter(fmt.Sprintf("%s/parameters/%d", base, i), p)
		}
		for method, op := range item.Operations() {
			ptr := base + "/" + strings.ToLower(method)
			if op.OperationID != "" {
				if prev, dup := operationIDs[op.OperationID]; dup {
					l.report(ptr+"/operationId", op.Origin, fmt.Errorf("operationId %q is also used by %s", op.OperationID, prev))
				}
				operationIDs[op.OperationID] = ptr
			}
			l.operation(ptr, op)
		}
	}
}

func (l *linter) operation(ptr string, op *openapi3.Operation) {
	bad := false
	for i, p := range op.Parameters {
		bad = l.parameter(fmt.Sprintf("%s/parameters/%d", ptr, i), p) || bad
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if isLocalRef(op.RequestBody.Ref) {
			bad = l.bad[op.RequestBody.Ref] || bad
		} else {
			for ct, mt := range op.RequestBody.Value.Content {
				bad = l.mediaType(ptr+"/requestBody/content/"+openapi.EscapePointerToken(ct), mt, true) || bad
			}
		}
	}
	if op.Responses != nil {
		for code, r := range op.Responses.Map() {
			bad = l.response(ptr+"/responses/"+openapi.EscapePointerToken(code), r) || bad
		}
	}
	if !bad {
		if err := op.Validate(l.ctx, l.opts()...); err != nil {
			l.report(ptr, op.Origin, err)
		}
	}
}

func (l *linter) parameter(ptr string, ref *openapi3.ParameterRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if isLocalRef(ref.Ref) {
		return l.bad[ref.Ref] // components are linted where they are defined
	}
	p := ref.Value
	bad := l.schema(ptr+"/schema", p.Schema)
	for name, ex := range p.Examples {
		if ex != nil && ex.Value != nil && p.Schema != nil && p.Schema.Value != nil {
			bad = l.example(ptr+"/examples/"+openapi.EscapePointerToken(name)+"/value", ex.Value.Origin, p.Schema.Value, ex.Value.Value, true) || bad
		}
	}
	if !bad {
		if err := p.Validate(l.ctx, l.opts()...); err != nil {
			l.report(ptr, p.Origin, err)
			return true
		}
	}
	return bad
}

func (l *linter) response(ptr string, ref *openapi3.ResponseRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if isLocalRef(ref.Ref) {
		return l.bad[ref.Ref]
	}
	r := ref.Value
	bad := false
	for name, h := range r.Headers {
		if h == nil || h.Value == nil {
			continue
		}
		if isLocalRef(h.Ref) {
			bad = l.bad[h.Ref] || bad
		} else {
			bad = l.schema(ptr+"/headers/"+openapi.EscapePointerToken(name)+"/schema", h.Value.Schema) || bad
		}
	}
	for ct, mt := range r.Content {
		bad = l.mediaType(ptr+"/content/"+openapi.EscapePointerToken(ct), mt, false) || bad
	}
	for name, link := range r.Links {
		if link == nil || link.Value == nil {
			continue
		}
		if id := link.Value.OperationID; id != "" && l.findOperation(id) == nil {
			l.report(ptr+"/links/"+openapi.EscapePointerToken(name)+"/operationId", link.Value.Origin, fmt.Errorf("link to unknown operationId %q", id))
			bad = true
		}
	}
	if !bad {
		if err := r.Validate(l.ctx, l.opts()...); err != nil {
			l.report(ptr, r.Origin, err)
			return true
		}
	}
	return bad
}

func (l *linter) findOperation(id string) *openapi3.Operation {
	for _, item := range l.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == id {
				return op
			}
		}
	}
	return nil
}

func (l *linter) mediaType(ptr string, mt *openapi3.MediaType, asRequest bool) bool {
	if mt == nil {
		return false
	}
	bad := l.schema(ptr+"/schema", mt.Schema)
	if mt.Schema == nil || mt.Schema.Value == nil || bad {
		return bad
	}
	if mt.Example != nil {
		bad = l.example(ptr+"/example", mt.Origin, mt.Schema.Value, mt.Example, asRequest) || bad
	}
	for name, ex := range mt.Examples {
		if ex != nil && ex.Value != nil {
			bad = l.example(ptr+"/examples/"+openapi.EscapePointerToken(name)+"/value", ex.Value.Origin, mt.Schema.Value, ex.Value.Value, asRequest) || bad
		}
	}
	return bad
}

// example validates one example value and reports each violation at its own JSON pointer
// inside the example.
func (l *linter) example(ptr string, origin *openapi3.Origin, s *openapi3.Schema, value any, asRequest bool) bool {
	violations := openapi.ValidateExample(l.doc, s, value, asRequest)
	for _, v := range violations {
		l.report(ptr+v.Pointer, origin, errors.New(v.Reason))
	}
	return len(violations) > 0
}

func isLocalRef(ref string) bool { return strings.HasPrefix(ref, "#/") }

// schema lints a schema and the schemas inside it, and reports a problem at the deepest schema
// that has it. It returns whether it reported anything.
func (l *linter) schema(ptr string, ref *openapi3.SchemaRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if isLocalRef(ref.Ref) {
		return l.bad[ref.Ref]
	}
	s := ref.Value
	if l.seen[s] {
		return false
	}
	l.seen[s] = true
	bad := false
	for name, p := range s.Properties {
		bad = l.schema(ptr+"/properties/"+openapi.EscapePointerToken(name), p) || bad
	}
	bad = l.schema(ptr+"/items", s.Items) || bad
	if s.AdditionalProperties.Schema != nil {
		bad = l.schema(ptr+"/additionalProperties", s.AdditionalProperties.Schema) || bad
	}
	for kw, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "anyOf": s.AnyOf, "oneOf": s.OneOf} {
		for i, sub := range list {
			bad = l.schema(fmt.Sprintf("%s/%s/%d", ptr, kw, i), sub) || bad
		}
	}
	bad = l.schema(ptr+"/not", s.Not) || bad
	if bad {
		return true
	}
	if err := s.Validate(l.ctx, l.opts()...); err != nil {
		l.report(ptr, s.Origin, err)
		return true
	}
	return false
}

func (l *linter) components() {
	c := l.doc.Components
	if c == nil {
		return
	}
	state := map[string]int{} // 0 unseen, 1 in progress, 2 done
	for _, name := range sortedKeys(c.Schemas) {
		l.schemaComponent(name, state)
	}
	for _, name := range sortedKeys(c.Headers) {
		h := c.Headers[name]
		if h == nil || h.Value == nil {
			continue
		}
		ptr := "/components/headers/" + openapi.EscapePointerToken(name)
		bad := l.schema(ptr+"/schema", h.Value.Schema)
		if !bad {
			if err := h.Value.Validate(l.ctx, l.opts()...); err != nil {
				l.report(ptr, h.Value.Origin, err)
				bad = true
			}
		}
		l.bad["#"+ptr] = bad
	}
	for _, name := range sortedKeys(c.Parameters) {
		if p := c.Parameters[name]; p != nil {
			ptr := "/components/parameters/" + openapi.EscapePointerToken(name)
			l.bad["#"+ptr] = l.parameter(ptr, &openapi3.ParameterRef{Value: p.Value})
		}
	}
	for _, name := range sortedKeys(c.RequestBodies) {
		rb := c.RequestBodies[name]
		if rb == nil || rb.Value == nil {
			continue
		}
		ptr := "/components/requestBodies/" + openapi.EscapePointerToken(name)
		bad := false
		for ct, mt := range rb.Value.Content {
			bad = l.mediaType(ptr+"/content/"+openapi.EscapePointerToken(ct), mt, true) || bad
		}
		l.bad["#"+ptr] = bad
	}
	for _, name := range sortedKeys(c.Responses) {
		if r := c.Responses[name]; r != nil {
			ptr := "/components/responses/" + openapi.EscapePointerToken(name)
			l.bad["#"+ptr] = l.response(ptr, &openapi3.ResponseRef{Value: r.Value})
		}
	}
	for _, name := range sortedKeys(c.SecuritySchemes) {
		ss := c.SecuritySchemes[name]
		if ss != nil && ss.Value != nil {
			if err := ss.Value.Validate(l.ctx, l.opts()...); err != nil {
				l.report("/components/securitySchemes/"+openapi.EscapePointerToken(name), ss.Value.Origin, err)
			}
		}
	}
}

// schemaComponent lints a component schema after the components it references, so that a
// broken component is reported where it is defined and not again at each user.
func (l *linter) schemaComponent(name string, state map[string]int) {
	if state[name] != 0 {
		return
	}
	state[name] = 1
	ref := l.doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		state[name] = 2
		return
	}
	const prefix = "#/components/schemas/"
	for _, r := range localRefs(ref.Value, map[*openapi3.Schema]bool{}) {
		if dep, ok := strings.CutPrefix(r, prefix); ok {
			l.schemaComponent(unescape(dep), state)
		}
	}
	ptr := "/components/schemas/" + openapi.EscapePointerToken(name)
	l.bad["#"+ptr] = l.schema(ptr, &openapi3.SchemaRef{Value: ref.Value})
	state[name] = 2
}

// localRefs lists the local $refs a schema uses directly or through inline sub-schemas.
func localRefs(s *openapi3.Schema, seen map[*openapi3.Schema]bool) []string {
	if s == nil || seen[s] {
		return nil
	}
	seen[s] = true
	var out []string
	visit := func(r *openapi3.SchemaRef) {
		if r == nil {
			return
		}
		if isLocalRef(r.Ref) {
			out = append(out, r.Ref)
			return
		}
		out = append(out, localRefs(r.Value, seen)...)
	}
	for _, p := range s.Properties {
		visit(p)
	}
	visit(s.Items)
	visit(s.AdditionalProperties.Schema)
	visit(s.Not)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			visit(r)
		}
	}
	return out
}

func unescape(token string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

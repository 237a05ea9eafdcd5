package openapi

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// ExampleViolation is one way an example value breaks its schema.
type ExampleViolation struct {
	// Pointer is the RFC 6901 JSON pointer into the example value ("" = the value itself).
	Pointer string
	// Reason says what is wrong, without kin-openapi's schema and value dumps.
	Reason string
}

// ValidateExample checks one example value against its schema with the document's format
// validators, as a request or as a response (readOnly/writeOnly), and returns every violation.
//
// kin-openapi's T.Validate checks examples too, but without the formats attached to the
// document, so a malformed uuid or email in an example would pass; every example check in
// paxkit goes through here instead.
func ValidateExample(doc *openapi3.T, s *openapi3.Schema, value any, asRequest bool) []ExampleViolation {
	opts := append(doc.GetSchemaValidationOptions(), openapi3.MultiErrors())
	if asRequest {
		opts = append(opts, openapi3.VisitAsRequest())
	} else {
		opts = append(opts, openapi3.VisitAsResponse())
	}
	err := s.VisitJSON(value, opts...)
	if err == nil {
		return nil
	}
	var out []ExampleViolation
	for _, e := range flattenErrors(err) {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			out = append(out, ExampleViolation{Reason: e.Error()})
			continue
		}
		ptr := ""
		for _, tok := range se.JSONPointer() {
			ptr += "/" + EscapePointerToken(tok)
		}
		reason := se.Reason
		if se.SchemaField != "" {
			reason = fmt.Sprintf("%s (%s)", se.Reason, se.SchemaField)
		}
		out = append(out, ExampleViolation{Pointer: ptr, Reason: reason})
	}
	return out
}

// EscapePointerToken encodes one JSON pointer reference token (RFC 6901 §3).
func EscapePointerToken(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}

func flattenErrors(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []error
		for _, e := range me {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// checkExamples validates every example of the document (media types and parameters, in
// operations and components) and returns one error naming each broken example by JSON pointer.
func checkExamples(doc *openapi3.T) error {
	var problems []string
	report := func(ptr string, s *openapi3.SchemaRef, value any, asRequest bool) {
		if s == nil || s.Value == nil {
			return
		}
		for _, v := range ValidateExample(doc, s.Value, value, asRequest) {
			problems = append(problems, fmt.Sprintf("#%s%s: %s", ptr, v.Pointer, v.Reason))
		}
	}
	content := func(ptr string, c openapi3.Content, asRequest bool) {
		for ct, mt := range c {
			if mt == nil {
				continue
			}
			p := ptr + "/content/" + EscapePointerToken(ct)
			if mt.Example != nil {
				report(p+"/example", mt.Schema, mt.Example, asRequest)
			}
			for name, ex := range mt.Examples {
				if ex != nil && ex.Value != nil {
					report(p+"/examples/"+EscapePointerToken(name)+"/value", mt.Schema, ex.Value.Value, asRequest)
				}
			}
		}
	}
	param := func(ptr string, ref *openapi3.ParameterRef) {
		if ref == nil || ref.Value == nil || ref.Ref != "" {
			return // referenced parameters are checked where they are defined
		}
		p := ref.Value
		if p.Example != nil {
			report(ptr+"/example", p.Schema, p.Example, true)
		}
		for name, ex := range p.Examples {
			if ex != nil && ex.Value != nil {
				report(ptr+"/examples/"+EscapePointerToken(name)+"/value", p.Schema, ex.Value.Value, true)
			}
		}
		content(ptr, p.Content, true)
	}
	if doc.Paths != nil {
		for path, item := range doc.Paths.Map() {
			base := "/paths/" + EscapePointerToken(path)
			for i, p := range item.Parameters {
				param(fmt.Sprintf("%s/parameters/%d", base, i), p)
			}
			for method, op := range item.Operations() {
				ptr := base + "/" + strings.ToLower(method)
				for i, p := range op.Parameters {
					param(fmt.Sprintf("%s/parameters/%d", ptr, i), p)
				}
				if rb := op.RequestBody; rb != nil && rb.Value != nil && rb.Ref == "" {
					content(ptr+"/requestBody", rb.Value.Content, true)
				}
				if op.Responses != nil {
					for code, r := range op.Responses.Map() {
						if r != nil && r.Value != nil && r.Ref == "" {
							content(ptr+"/responses/"+EscapePointerToken(code), r.Value.Content, false)
						}
					}
				}
			}
		}
	}
	if c := doc.Components; c != nil {
		for name, p := range c.Parameters {
			if p != nil {
				param("/components/parameters/"+EscapePointerToken(name), &openapi3.ParameterRef{Value: p.Value})
			}
		}
		for name, rb := range c.RequestBodies {
			if rb != nil && rb.Value != nil {
				content("/components/requestBodies/"+EscapePointerToken(name), rb.Value.Content, true)
			}
		}
		for name, r := range c.Responses {
			if r != nil && r.Value != nil {
				content("/components/responses/"+EscapePointerToken(name), r.Value.Content, false)
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("invalid examples: %s", strings.Join(problems, "; "))
}

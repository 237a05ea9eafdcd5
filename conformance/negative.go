package conformance

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/jsonvalue"
)

// mutation is one way to break a valid request.
type mutation struct {
	name  string
	apply func(c *call)
}

// negative sends requests that break the contract in one place each; every one must be
// refused with a documented 4xx.
func (r *runner) negative() {
	for i := range r.ops {
		o := &r.ops[i]
		var muts []mutation
		muts = append(muts, r.paramMutations(o)...)
		if o.Body != nil {
			base := r.newCall(o)
			if base.hasBody {
				muts = append(muts, r.bodyMutations(o, base.body)...)
				muts = append(muts,
					mutation{"malformed JSON body", func(c *call) { c.raw = []byte(`{"paxkit": [1, 2`) }},
					mutation{"wrong Content-Type text/plain", func(c *call) { c.ctype = "text/plain" }},
				)
			}
			if o.BodyRequired {
				muts = append(muts, mutation{"no request body", func(c *call) { c.body, c.hasBody = nil, false }})
			}
		}
		if len(muts) == 0 {
			r.emit(skipped(o, CheckNegative, "invalid requests", "nothing in the contract can be broken (no constrained parameter or body)"))
			continue
		}
		for _, m := range muts {
			c := r.newCall(o)
			m.apply(&c)
			ex := r.do(c)
			var extra []string
			if ex.resp != nil {
				switch {
				case ex.resp.status < 400:
					extra = append(extra, fmt.Sprintf("accepted a request that breaks the contract (%s): answered %d, want a documented 4xx", m.name, ex.resp.status))
				case ex.resp.status >= 500:
					// verify already reports the server error
				}
			}
			r.emit(result(o, CheckNegative, m.name, []exchangeResult{ex}, extra...))
		}
	}
}

// paramMutations: a required parameter left out, and a value of the wrong type, outside its
// enum, limits or format.
func (r *runner) paramMutations(o *operation) []mutation {
	var out []mutation
	for _, ref := range o.Params {
		p := ref.Value
		if p.In == openapi3.ParameterInCookie {
			continue
		}
		in, name := p.In, p.Name
		if in == openapi3.ParameterInHeader {
			name = http.CanonicalHeaderKey(name)
			if r.isCredentialHeader(name) {
				continue // the auth check covers credentials
			}
		}
		if in == openapi3.ParameterInQuery && r.isCredentialQuery(name) {
			continue
		}
		if p.Required && in != openapi3.ParameterInPath {
			out = append(out, mutation{fmt.Sprintf("%s parameter %s missing", in, name), func(c *call) {
				delete(c.params[in], name)
				if c.omit == nil {
					c.omit = map[string]bool{}
				}
				c.omit[in+" "+name] = true
			}})
		}
		for _, bad := range invalidScalars(p.Schema) {
			if in == openapi3.ParameterInPath && paramString(bad.value) == "" {
				continue // an empty path segment routes elsewhere
			}
			v := paramString(bad.value)
			out = append(out, mutation{fmt.Sprintf("%s parameter %s %s", in, name, bad.what), func(c *call) { put(c.params, in, name, v) }})
		}
	}
	return out
}

// bodyMutations walks the valid base body alongside its schema and breaks it at each place
// the schema constrains. It does not descend into oneOf/anyOf/not: a change there may still
// match another alternative, and a negative case must be invalid for sure.
func (r *runner) bodyMutations(o *operation, body any) []mutation {
	var out []mutation
	var walk func(ref *openapi3.SchemaRef, value any, tokens []string)
	walk = func(ref *openapi3.SchemaRef, value any, tokens []string) {
		s := flatSchema(ref)
		if s == nil {
			return
		}
		at := pointerString(tokens)
		if at == "" {
			at = "/"
		}
		set := func(what string, v any) {
			tok := append([]string(nil), tokens...)
			out = append(out, mutation{fmt.Sprintf("body %s %s", at, what), func(c *call) { c.body = withValue(c.body, tok, v, false) }})
		}
		if len(tokens) > 0 {
			if wrong, ok := wrongType(s); ok {
				set("wrong type ("+wrong.what+")", wrong.value)
			}
		}
		switch x := value.(type) {
		case map[string]any:
			for _, name := range s.required {
				if len(tokens) == 0 && r.isCredentialBody(name) {
					continue
				}
				if _, present := x[name]; !present {
					continue
				}
				tok := append(append([]string(nil), tokens...), name)
				out = append(out, mutation{fmt.Sprintf("body %s required member missing", pointerString(tok)), func(c *call) { c.body = withValue(c.body, tok, nil, true) }})
			}
			if s.closed {
				set("unknown member paxkitUnexpected", withMember(x, "paxkitUnexpected", "x"))
			}
			for _, name := range sortedKeys(x) {
				if len(tokens) == 0 && r.isCredentialBody(name) {
					continue
				}
				if prop := s.props[name]; prop != nil {
					walk(prop, x[name], append(append([]string(nil), tokens...), name))
				}
			}
		case []any:
			if s.maxItems != nil && len(x) > 0 {
				many := make([]any, int(*s.maxItems)+1)
				for i := range many {
					many[i] = jsonvalue.Copy(x[0])
				}
				set(fmt.Sprintf("too many items (%d, maxItems %d)", len(many), *s.maxItems), many)
			}
			if s.minItems > 0 {
				set(fmt.Sprintf("too few items (%d, minItems %d)", s.minItems-1, s.minItems), x[:min(len(x), int(s.minItems)-1)])
			}
			if len(x) > 0 && s.items != nil {
				walk(s.items, x[0], append(append([]string(nil), tokens...), "0"))
			}
		default:
			for _, bad := range invalidScalars(ref) {
				set(bad.what, bad.value)
			}
		}
	}
	walk(o.Body, body, nil)
	return out
}

func withMember(m map[string]any, k string, v any) map[string]any {
	out := jsonvalue.Copy(m).(map[string]any)
	out[k] = v
	return out
}

// flat is a schema with its allOf parts merged: what every valid value must satisfy.
type flat struct {
	types    openapi3.Types
	required []string
	props    map[string]*openapi3.SchemaRef
	closed   bool // additionalProperties: false on the schema itself
	items    *openapi3.SchemaRef
	maxItems *uint64
	minItems uint64
}

func flatSchema(ref *openapi3.SchemaRef) *flat {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil {
		return nil
	}
	f := &flat{types: derefTypes(s.Type), props: map[string]*openapi3.SchemaRef{}, items: s.Items, maxItems: s.MaxItems, minItems: s.MinItems}
	f.required = append(f.required, s.Required...)
	for k, v := range s.Properties {
		f.props[k] = v
	}
	f.closed = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has && len(s.AllOf) == 0
	for _, part := range s.AllOf {
		pf := flatSchema(part)
		if pf == nil {
			return nil
		}
		if len(f.types) == 0 {
			f.types = pf.types
		}
		f.required = append(f.required, pf.required...)
		for k, v := range pf.props {
			if _, ok := f.props[k]; !ok {
				f.props[k] = v
			}
		}
		if f.items == nil {
			f.items = pf.items
		}
	}
	return f
}

func derefTypes(t *openapi3.Types) openapi3.Types {
	if t == nil {
		return nil
	}
	return *t
}

// badValue is a value a schema refuses, and how.
type badValue struct {
	what  string
	value any
}

// wrongType is a value of a JSON type the schema does not allow.
func wrongType(f *flat) (badValue, bool) {
	if len(f.types) != 1 {
		return badValue{}, false
	}
	switch f.types[0] {
	case "string":
		return badValue{"number instead of string", 12345.0}, true
	case "integer", "number":
		return badValue{"string instead of " + f.types[0], "not-a-number"}, true
	case "boolean":
		return badValue{"string instead of boolean", "not-a-boolean"}, true
	case "object":
		return badValue{"string instead of object", "not-an-object"}, true
	case "array":
		return badValue{"string instead of array", "not-an-array"}, true
	}
	return badValue{}, false
}

// invalidScalars are values breaking a scalar schema's enum, length, range, pattern or format.
func invalidScalars(ref *openapi3.SchemaRef) []badValue {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 || s.Not != nil {
		return nil
	}
	var out []badValue
	isString := s.Type.Is("string")
	if len(s.Enum) > 0 && isString {
		out = append(out, badValue{"outside its enum", "paxkit-not-in-enum"})
	}
	if isString && len(s.Enum) == 0 {
		if s.MaxLength != nil && *s.MaxLength < 1<<16 {
			out = append(out, badValue{fmt.Sprintf("longer than maxLength %d", *s.MaxLength), strings.Repeat("x", int(*s.MaxLength)+1)})
		}
		if s.MinLength > 0 {
			out = append(out, badValue{fmt.Sprintf("shorter than minLength %d", s.MinLength), strings.Repeat("x", int(s.MinLength)-1)})
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil {
				for _, candidate := range []string{"!", "paxkit check ✗", "0", "a"} {
					if !re.MatchString(candidate) {
						out = append(out, badValue{"not matching its pattern", candidate})
						break
					}
				}
			}
		}
		if bad, ok := badFormat(s.Format); ok {
			out = append(out, badValue{"not a valid " + s.Format, bad})
		}
	}
	if s.Type.Is("integer") || s.Type.Is("number") {
		if s.Max != nil && !math.IsInf(*s.Max, 0) {
			out = append(out, badValue{"above maximum " + strconv.FormatFloat(*s.Max, 'f', -1, 64), *s.Max + 1})
		}
		if s.Min != nil && !math.IsInf(*s.Min, 0) {
			out = append(out, badValue{"below minimum " + strconv.FormatFloat(*s.Min, 'f', -1, 64), *s.Min - 1})
		}
		if s.Type.Is("integer") {
			out = append(out, badValue{"a fraction instead of an integer", 1.5})
		}
	}
	return out
}

// badFormat is, for the string formats validators check, a value breaking it. Dates that look
// right but do not exist catch servers that check with a loose regular expression.
func badFormat(format string) (string, bool) {
	switch format {
	case "date":
		return "2026-02-30", true
	case "date-time":
		return "2026-01-01 25:61:00", true
	case "uuid":
		return "not-a-uuid", true
	case "email":
		return "not-an-email", true
	case "uri":
		return "not a uri", true
	case "byte":
		return "***", true
	}
	return "", false
}

package conformance

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/jsonvalue"
)

// namedValue is a documented example.
type namedValue struct {
	name  string
	value any
}

// requestExamples lists the documented examples of an operation's request body, by name.
func requestExamples(o *operation) []namedValue {
	if o.Op.RequestBody == nil || o.Op.RequestBody.Value == nil {
		return nil
	}
	media := o.Op.RequestBody.Value.Content.Get(o.MediaType)
	if media == nil {
		return nil
	}
	var out []namedValue
	for _, name := range sortedKeys(media.Examples) {
		ex := media.Examples[name]
		if ex == nil || ex.Value == nil {
			continue
		}
		v, err := normalise(ex.Value.Value)
		if err != nil {
			continue
		}
		out = append(out, namedValue{name, v})
	}
	if len(out) == 0 && media.Example != nil {
		if v, err := normalise(media.Example); err == nil {
			out = append(out, namedValue{"example", v})
		}
	}
	if len(out) == 0 && media.Schema != nil && media.Schema.Value != nil && media.Schema.Value.Example != nil {
		if v, err := normalise(media.Schema.Value.Example); err == nil {
			out = append(out, namedValue{"schema example", v})
		}
	}
	return out
}

// baseBody is the body other cases start from: the documented example with the most values
// (so that negative cases can break the most members), else a generated one.
func (r *runner) baseBody(o *operation) (any, bool) {
	if ex := requestExamples(o); len(ex) > 0 {
		best := ex[0]
		for _, e := range ex[1:] {
			if len(leaves(e.value)) > len(leaves(best.value)) {
				best = e
			}
		}
		return jsonvalue.Copy(best.value), true
	}
	if r.cfg.NewGenerator != nil {
		g := r.cfg.NewGenerator(r.cfg.Seed)
		if v, err := g.RequestValue(o.Body, ""); err == nil {
			if n, err := normalise(v); err == nil {
				return n, true
			}
		}
	}
	return nil, false
}

// defaultParams chooses a value for every parameter: the profile's (for headers it sets), the
// parameter's example, the schema's example, default or first enum value, or a value shaped
// by its format.
func (r *runner) defaultParams(o *operation) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, ref := range o.Params {
		p := ref.Value
		if p.In == openapi3.ParameterInCookie {
			continue
		}
		if p.In == openapi3.ParameterInHeader {
			if v, ok := profileHeader(r.cfg.Profile, p.Name); ok {
				put(out, p.In, http.CanonicalHeaderKey(p.Name), v)
				continue
			}
		}
		v, ok := paramExample(p)
		if !ok && !p.Required && p.In != openapi3.ParameterInPath {
			continue
		}
		if !ok {
			v = fallbackValue(p.Schema)
		}
		name := p.Name
		if p.In == openapi3.ParameterInHeader {
			name = http.CanonicalHeaderKey(name)
		}
		put(out, p.In, name, paramString(v))
	}
	return out
}

func profileHeader(p Profile, name string) (string, bool) {
	for k, v := range p.Headers {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			return v, true
		}
	}
	return "", false
}

func put(m map[string]map[string]string, in, name, v string) {
	if m[in] == nil {
		m[in] = map[string]string{}
	}
	m[in][name] = v
}

func paramExample(p *openapi3.Parameter) (any, bool) {
	if p.Example != nil {
		return p.Example, true
	}
	for _, name := range sortedKeys(p.Examples) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		switch {
		case s.Example != nil:
			return s.Example, true
		case s.Default != nil:
			return s.Default, true
		case len(s.Enum) > 0:
			return s.Enum[0], true
		}
	}
	return nil, false
}

// fallbackValue is a valid-looking value for a schema with no example: the format decides.
func fallbackValue(ref *openapi3.SchemaRef) any {
	if ref == nil || ref.Value == nil {
		return "paxkit"
	}
	s := ref.Value
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 1.0
	case s.Type.Is("boolean"):
		return true
	}
	switch s.Format {
	case "uuid":
		return "00000000-0000-4000-8000-000000000000"
	case "date":
		return "2026-01-01"
	case "date-time":
		return "2026-01-01T00:00:00Z"
	case "email":
		return "paxkit@example.com"
	}
	return "paxkit"
}

// examples sends every documented request example; each answer must be documented.
func (r *runner) examples() {
	for i := range r.ops {
		o := &r.ops[i]
		exs := requestExamples(o)
		if o.Body == nil {
			c := r.newCall(o)
			r.emit(result(o, CheckExamples, "parameter examples", []exchangeResult{r.do(c)}))
			continue
		}
		if len(exs) == 0 {
			r.emit(skipped(o, CheckExamples, "request examples", "the request body documents no example"))
			continue
		}
		for _, ex := range exs {
			c := r.newCall(o)
			c.body, c.hasBody = jsonvalue.Copy(ex.value), true
			r.emit(result(o, CheckExamples, fmt.Sprintf("example %s", ex.name), []exchangeResult{r.do(c)}))
		}
	}
}

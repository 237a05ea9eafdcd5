package conformance

import (
	"fmt"

	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// positive sends requests generated from the schemas, --max-cases per operation, from a fixed
// seed: each answer must be documented and no server error.
func (r *runner) positive() {
	if r.cfg.MaxCases <= 0 {
		for i := range r.ops {
			r.emit(skipped(&r.ops[i], CheckPositive, "generated requests", "--max-cases 0"))
		}
		return
	}
	// One generator for the whole run, so the sequence of values depends on the seed only.
	g := r.cfg.NewGenerator(r.cfg.Seed)
	opts := append(r.doc.GetSchemaValidationOptions(), openapi3.VisitAsRequest(), openapi3.MultiErrors())
	for i := range r.ops {
		o := &r.ops[i]
		for n := 1; n <= r.cfg.MaxCases; n++ {
			name := fmt.Sprintf("generated case %d (seed %d)", n, r.cfg.Seed)
			c := r.newCall(o)
			if err := r.generateParams(g, o, &c); err != nil {
				r.emit(skipped(o, CheckPositive, name, err.Error()))
				continue
			}
			if o.Body != nil {
				v, err := g.RequestValue(o.Body, "")
				if err == nil {
					v, err = normalise(v)
				}
				if err != nil {
					r.emit(skipped(o, CheckPositive, name, "the generator failed: "+err.Error()))
					continue
				}
				// A value the schema refuses would make the server look wrong for the
				// generator's mistake; credentials come from the profile, so they are checked
				// after injection.
				body := r.withBodyCredentials(v, c)
				if err := o.Body.Value.VisitJSON(body, opts...); err != nil {
					r.emit(skipped(o, CheckPositive, name, "the generator made a body the schema refuses: "+firstLine(describeSchemaErr(err))))
					continue
				}
				c.body, c.hasBody = v, true
			}
			r.emit(result(o, CheckPositive, name, []exchangeResult{r.do(c)}))
		}
	}
}

// generateParams replaces the example parameter values by generated ones (profile headers
// stay).
func (r *runner) generateParams(g ValueGenerator, o *operation, c *call) error {
	for _, ref := range o.Params {
		p := ref.Value
		if p.In == openapi3.ParameterInCookie || p.Schema == nil {
			continue
		}
		if p.In == openapi3.ParameterInHeader {
			if _, ok := profileHeader(r.cfg.Profile, p.Name); ok {
				continue
			}
		}
		if !p.Required && p.In != openapi3.ParameterInPath {
			if _, has := c.params[p.In][p.Name]; !has {
				continue
			}
		}
		v, err := g.RequestValue(p.Schema, p.Name)
		if err != nil {
			return fmt.Errorf("the generator failed for %s parameter %s: %w", p.In, p.Name, err)
		}
		v, err = normalise(v)
		if err != nil {
			return err
		}
		s := paramString(v)
		if p.In == openapi3.ParameterInPath && s == "" {
			s = paramString(fallbackValue(p.Schema))
		}
		name := p.Name
		if p.In == openapi3.ParameterInHeader {
			name = http.CanonicalHeaderKey(name)
		}
		put(c.params, p.In, name, s)
	}
	return nil
}

func describeSchemaErr(err error) []string {
	var out []string
	for _, e := range flattenErr(err) {
		out = append(out, describeLeaves(e)...)
	}
	return out
}

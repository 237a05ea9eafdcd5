package server

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/oapi-codegen/runtime"

	"github.com/paxkit/paxkit/internal/apidef"
)

// bodyBinder is the echo Binder of paxkit's generated strict handlers. It binds the value
// openapi3filter validated (KeepValidatedValue) with the oapi-codegen runtime's exact-name
// binding, so that the handler sees what was validated:
//   - member names match exactly (encoding/json would let an unvalidated "ID" override "id");
//   - every JSON media type binds, merge-patch+json included (echo's binder answers 415);
//   - an integer written as 1e2 or 100.0, which JSON Schema counts as an integer, binds to an
//     int field.
type bodyBinder struct{}

func (bodyBinder) Bind(i any, c echo.Context) error {
	r := c.Request()
	validated, ok := apidef.ValidatedBody(r)
	if !ok {
		raw := apidef.RawBodyFrom(r.Context())
		if len(raw) == 0 {
			return nil
		}
		if err := json.Unmarshal(raw, i); err != nil {
			return bindFailure(err)
		}
		return nil
	}
	if err := runtime.BindJSONValue(integralNumbers(validated), i); err != nil {
		return bindFailure(err)
	}
	return nil
}

func bindFailure(err error) *apidef.Failure {
	return &apidef.Failure{
		Kind:       apidef.Invalid,
		Message:    "the request body does not fit the operation's types",
		Violations: []apidef.Violation{{In: apidef.InBody, Message: "cannot be read as the contract's types: " + err.Error()}},
		Cause:      err,
	}
}

// integralNumbers returns value with every number that is an integer written with an
// exponent or a fraction (1e2, 100.0) rewritten as a plain integer literal, so that it binds
// to a Go integer. Other values are kept as they are. value itself is never changed: maps and
// slices on the way to a rewritten number are copied, the rest is shared, so a body without
// such numbers (nearly all) costs no allocation.
func integralNumbers(value any) any {
	out, _ := integral(value)
	return out
}

// integral is integralNumbers, also telling whether anything was rewritten.
func integral(value any) (any, bool) {
	switch v := value.(type) {
	case map[string]any:
		var out map[string]any
		for k, x := range v {
			y, changed := integral(x)
			if !changed {
				continue
			}
			if out == nil {
				out = maps.Clone(v)
			}
			out[k] = y
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, x := range v {
			y, changed := integral(x)
			if !changed {
				continue
			}
			if out == nil {
				out = slices.Clone(v)
			}
			out[i] = y
		}
		if out == nil {
			return v, false
		}
		return out, true
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			return v, false
		}
		if f, err := v.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(f), 10)), true
		}
		return v, false
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(v), 10)), true
		}
		return v, false
	}
	return value, false
}

var _ echo.Binder = bodyBinder{}

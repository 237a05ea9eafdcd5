package server

import (
	"encoding/json"

	"math"
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
// to a Go integer. Other values are kept as they are.
func integralNumbers(value any) any {
	switch v := value.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = integralNumbers(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = integralNumbers(x)
		}
		return out
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			return v
		}
		if f, err := v.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
		return v
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return json.Number(strconv.FormatInt(int64(v), 10))
		}
		return v
	}
	return value
}

var _ echo.Binder = bodyBinder{}

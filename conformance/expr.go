package conformance

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// linkContext is what OpenAPI runtime expressions of a link can read: the source request and
// its response.
type linkContext struct {
	method     string
	url        *url.URL
	pathParams map[string]string
	reqHeader  http.Header
	reqBody    any
	status     int
	respHeader http.Header
	respBody   any
}

// errAbsent says an expression points at nothing (or null): the link cannot be followed, which
// a run reports as skipped, not failed.
type errAbsent struct{ expr string }

func (e errAbsent) Error() string { return e.expr + " resolves to nothing (absent or null)" }

// embedded finds `{$...}` expressions inside a string template.
func embeddedExpr() *regexp.Regexp { return regexp.MustCompile(`\{(\$[^}]+)\}`) }

// evalValue evaluates a link parameter or request body value: strings that are runtime
// expressions are replaced by what they point at, recursively through objects and arrays;
// other values are constants.
func (lc linkContext) evalValue(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "$") {
			return lc.eval(x)
		}
		if !strings.Contains(x, "{$") {
			return x, nil
		}
		var firstErr error
		out := embeddedExpr().ReplaceAllStringFunc(x, func(m string) string {
			val, err := lc.eval(m[1 : len(m)-1])
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return ""
			}
			return paramString(val)
		})
		return out, firstErr
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range sortedKeys(x) {
			e, err := lc.evalValue(x[k])
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			ev, err := lc.evalValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return out, nil
	default:
		return x, nil
	}
}

// eval evaluates one runtime expression (OpenAPI 3.0.3 §4.7.20.4).
func (lc linkContext) eval(expr string) (any, error) {
	nonNull := func(v any, ok bool) (any, error) {
		if !ok || v == nil {
			return nil, errAbsent{expr}
		}
		return v, nil
	}
	switch {
	case expr == "$url":
		return lc.url.String(), nil
	case expr == "$method":
		return lc.method, nil
	case expr == "$statusCode":
		return float64(lc.status), nil
	case strings.HasPrefix(expr, "$request.path."):
		v, ok := lc.pathParams[strings.TrimPrefix(expr, "$request.path.")]
		return nonNull(v, ok && v != "")
	case strings.HasPrefix(expr, "$request.query."):
		q := lc.url.Query()
		name := strings.TrimPrefix(expr, "$request.query.")
		return nonNull(q.Get(name), q.Has(name))
	case strings.HasPrefix(expr, "$request.header."):
		v := lc.reqHeader.Get(strings.TrimPrefix(expr, "$request.header."))
		return nonNull(v, v != "")
	case strings.HasPrefix(expr, "$response.header."):
		v := lc.respHeader.Get(strings.TrimPrefix(expr, "$response.header."))
		return nonNull(v, v != "")
	case expr == "$request.body" || strings.HasPrefix(expr, "$request.body#"):
		return nonNull(resolvePointer(lc.reqBody, strings.TrimPrefix(strings.TrimPrefix(expr, "$request.body"), "#")))
	case expr == "$response.body" || strings.HasPrefix(expr, "$response.body#"):
		return nonNull(resolvePointer(lc.respBody, strings.TrimPrefix(strings.TrimPrefix(expr, "$response.body"), "#")))
	}
	return nil, fmt.Errorf("%s is not a runtime expression the checker knows", expr)
}

// responseMember returns X when expr is `$response.body#/X`: the source answer is then a
// resource identified by its member X, which reads are compared on.
func responseMember(expr string) (string, bool) {
	ptr, ok := strings.CutPrefix(expr, "$response.body#/")
	if !ok || strings.Contains(ptr, "/") || ptr == "" {
		return "", false
	}
	if _, err := strconv.Atoi(ptr); err == nil {
		return "", false
	}
	return unescapeToken(ptr), true
}

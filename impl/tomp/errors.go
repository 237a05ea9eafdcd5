package tomp

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/paxkit/paxkit/gen/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
)

// TOMP error codes of the customer management module (see ErrorResponse in openapi/tomp.yaml).
const (
	codeMissing     = 8001
	codeInvalid     = 8002
	codeTechnical   = 8005
	codeNoAccess    = 8006
	codeLimit       = 8007 // x007 request limit
	codeNotFound    = 8204
	codeBlocked     = 8209
	codeReadOnly    = 8211
	maxErrors       = 10    // ErrorResponse.errors maxItems
	maxTitleLength  = 75    // Error.title maxLength
	maxDetailLength = 10000 // Error.detail maxLength
)

// truncate shortens s to at most n characters (not bytes: the contract's limits count
// characters, and cutting inside a UTF-8 sequence would corrupt the text).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// render answers a failure found by the core in TOMP's {"errors": [...]} format.
func render(r *http.Request, f *apidef.Failure) (int, any) {
	instance := instanceFrom(r.Context())
	switch f.Kind {
	case apidef.Invalid:
		return http.StatusBadRequest, violationsBody(f.Violations, f.Message, instance)
	case apidef.Unauthenticated:
		return http.StatusUnauthorized, body(tompError(codeNoAccess, "", "No access to endpoint", http.StatusUnauthorized, f.Message, instance))
	case apidef.Forbidden:
		return http.StatusForbidden, body(tompError(codeNoAccess, "", "No access to endpoint", http.StatusForbidden,
			"Using the authentication provided, this endpoint cannot be used.", instance))
	case apidef.TooManyRequests:
		return http.StatusTooManyRequests, body(tompError(codeLimit, "", "Request limit", http.StatusTooManyRequests, f.Message, instance))
	case apidef.Internal:
		return http.StatusInternalServerError, body(tompError(codeTechnical, "", "Internal technical problem", http.StatusInternalServerError, f.Message, instance))
	default:
		// Outside TOMP's contract (unknown route, wrong method, body too large, not
		// implemented): the status says what happened, in TOMP's body shape.
		status := f.Kind.DefaultStatus()
		return status, body(tompError(codeInvalid, "", http.StatusText(status), status, f.Message, instance))
	}
}

// violationsBody lists every violation as its own error: 8001 for a missing value, 8002 for a
// wrong one. TOMP allows at most 10 errors; the tenth then says how many more there are.
func violationsBody(vs []apidef.Violation, fallback, instance string) tomp.ErrorResponse {
	if len(vs) == 0 {
		return body(tompError(codeInvalid, "Invalid", "Invalid request", http.StatusBadRequest, fallback, instance))
	}
	var errs []tomp.Error
	for i, v := range vs {
		if i == maxErrors-1 && len(vs) > maxErrors {
			errs = append(errs, tompError(codeInvalid, "Invalid", fmt.Sprintf("%d more problems", len(vs)-i),
				http.StatusBadRequest, fmt.Sprintf("%d more problems were found; fix the ones listed and send again.", len(vs)-i), instance))
			break
		}
		code, typ, reason := codeInvalid, "Invalid", "invalid"
		if v.Missing {
			code, typ, reason = codeMissing, "Missing", "required"
		}
		title := fmt.Sprintf("Field: %s, Reason: %s", fieldName(v), reason)
		errs = append(errs, tompError(code, typ, title, http.StatusBadRequest, v.String(), instance))
	}
	return tomp.ErrorResponse{Errors: &errs}
}

// fieldName names the violating field for a TOMP error title: a header or parameter by name,
// a body value by its JSON pointer without the leading slash.
func fieldName(v apidef.Violation) string {
	if v.In != apidef.InBody {
		return v.Name
	}
	if v.Pointer == "" {
		return "body"
	}
	return strings.TrimPrefix(v.Pointer, "/")
}

func tompError(code int, typ, title string, status int, detail, instance string) tomp.Error {
	title = truncate(title, maxTitleLength)
	detail = truncate(detail, maxDetailLength)
	e := tomp.Error{Errorcode: code, Title: title, Status: &status}
	if typ != "" {
		e.Type = &typ
	}
	if detail != "" {
		e.Detail = &detail
	}
	if instance != "" {
		e.Instance = &instance
	}
	return e
}

func body(errs ...tomp.Error) tomp.ErrorResponse { return tomp.ErrorResponse{Errors: &errs} }

package apidef

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Kind classifies a failure the way every vendor distinguishes them; each API's Renderer maps
// a kind to its own status and body.
type Kind int

const (
	// Invalid: the request breaks the contract (bad parameter, header, body or content type).
	Invalid Kind = iota
	// Unauthenticated: credentials missing or not recognised.
	Unauthenticated
	// Forbidden: credentials recognised, but not allowed to do this.
	Forbidden
	// RouteNotFound: no operation has this path.
	RouteNotFound
	// MethodNotAllowed: the path exists, but not with this method.
	MethodNotAllowed
	// TooLarge: the request body is over the server's limit.
	TooLarge
	// NotImplemented: paxkit has no implementation of this operation yet.
	NotImplemented
	// TooManyRequests: the tenant is over its rate limit; Failure.RetryAfter says when it
	// may send again (sent as the Retry-After header).
	TooManyRequests
	// RequestTimeout: the client did not send its request within the server's read timeout.
	RequestTimeout
	// Internal: a bug in paxkit; logged with its cause, never shown in detail.
	Internal
)

// DefaultStatus is the HTTP status most vendors use for a kind; renderers may differ.
func (k Kind) DefaultStatus() int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case RouteNotFound:
		return http.StatusNotFound
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case NotImplemented:
		return http.StatusNotImplemented
	case TooManyRequests:
		return http.StatusTooManyRequests
	case RequestTimeout:
		return http.StatusRequestTimeout
	default:
		return http.StatusInternalServerError
	}
}

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case Unauthenticated:
		return "unauthenticated"
	case Forbidden:
		return "forbidden"
	case RouteNotFound:
		return "route not found"
	case MethodNotAllowed:
		return "method not allowed"
	case TooLarge:
		return "too large"
	case NotImplemented:
		return "not implemented"
	case TooManyRequests:
		return "too many requests"
	case RequestTimeout:
		return "request timeout"
	default:
		return "internal"
	}
}

// Location says which part of a request a violation is in.
type Location string

const (
	InPath   Location = "path"
	InQuery  Location = "query"
	InHeader Location = "header"
	InCookie Location = "cookie"
	InBody   Location = "body"
)

// Violation is one way a request breaks its contract, precise enough for the caller to fix it.
type Violation struct {
	In Location `json:"in"`
	// Name is the parameter or header name (empty for the body).
	Name string `json:"name,omitempty"`
	// Pointer is the RFC 6901 JSON pointer of the offending value inside the body ("" = the
	// whole body), or inside a parameter's value.
	Pointer string `json:"pointer"`
	// Missing is true when a required value is absent (several vendors use a distinct error
	// code for that), false when a present value is wrong.
	Missing bool   `json:"missing,omitempty"`
	Message string `json:"message"`
}

// Where renders the violation's location for people: `body /customer/email`,
// `header Accept-Language`, `query limit`.
func (v Violation) Where() string {
	switch {
	case v.In == InBody:
		if v.Pointer == "" {
			return "body"
		}
		return "body " + v.Pointer
	case v.Pointer != "":
		return fmt.Sprintf("%s %s %s", v.In, v.Name, v.Pointer)
	default:
		return fmt.Sprintf("%s %s", v.In, v.Name)
	}
}

// String is the violation as one line: where, then what.
func (v Violation) String() string { return v.Where() + ": " + v.Message }

// Failure is a request the core or a handler refuses. It is an error so that handlers and
// middleware can return it; the core renders it with the API's Renderer.
type Failure struct {
	Kind       Kind
	Message    string
	Violations []Violation
	// Allow lists the methods the path does support, for a MethodNotAllowed failure (sent as
	// the Allow header, which RFC 9110 requires on a 405).
	Allow []string
	// RetryAfter is how long a TooManyRequests caller must wait (sent as Retry-After, in
	// whole seconds rounded up).
	RetryAfter time.Duration
	// Cause is logged, never sent (it may hold internal detail).
	Cause error
}

func (f *Failure) Error() string {
	var b strings.Builder
	b.WriteString(f.Kind.String())
	if f.Message != "" {
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	for _, v := range f.Violations {
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

func (f *Failure) Unwrap() error { return f.Cause }

// Fail builds a failure without violations.
func Fail(kind Kind, format string, args ...any) *Failure {
	return &Failure{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Details lists a failure as human-readable lines: its violations, or its message when it has
// none. Renderers use it for vendors whose error list holds plain strings.
func (f *Failure) Details() []string {
	if len(f.Violations) == 0 {
		return []string{f.Message}
	}
	out := make([]string, len(f.Violations))
	for i, v := range f.Violations {
		out[i] = v.String()
	}
	return out
}

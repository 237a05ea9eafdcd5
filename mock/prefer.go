package mock

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Prefer is what a client asks of the mock in RFC 7240 `Prefer` headers. The names are
// Prism's (code, example, dynamic) plus paxkit's fault injection (latency, error), so that
// tests written against Prism keep working:
//
//	Prefer: code=404
//	Prefer: example=blocked, latency=200ms
//	Prefer: dynamic=true, error=503
type Prefer struct {
	// Code is the documented status to answer (0: the first 2xx).
	Code int
	// Example names the documented example to answer (implies static for this request).
	Example string
	// Dynamic, when set, overrides the server's mode for this request.
	Dynamic *bool
	// Latency, when set, overrides the server's --latency for this request.
	Latency *Range
	// Error, when set, overrides --error-rate for this request: ErrorAlways answers a
	// documented 5xx, ErrorNever never injects one, anything else is the 5xx status to answer.
	Error int
}

// Error values of Prefer.Error besides an explicit status.
const (
	ErrorDefault = 0  // as --error-rate decides
	ErrorNever   = -1 // error=false
	ErrorAlways  = 1  // error=true
)

// ParsePrefer reads the preferences of every Prefer header. Unknown preferences are ignored,
// as RFC 7240 §2 asks (a client may also send return=minimal); a known one with a value the
// mock cannot honour is an error, so that a typo does not silently give the default answer.
func ParsePrefer(headers []string) (Prefer, error) {
	var p Prefer
	for _, h := range headers {
		for _, item := range splitOutsideQuotes(h, ',') {
			// Parameters after ';' qualify a preference; none of ours has any.
			item, _, _ = strings.Cut(item, ";")
			name, value, _ := strings.Cut(item, "=")
			name = strings.ToLower(strings.TrimSpace(name))
			value = unquote(strings.TrimSpace(value))
			if err := p.set(name, value); err != nil {
				return Prefer{}, err
			}
		}
	}
	return p, nil
}

func (p *Prefer) set(name, value string) error {
	switch name {
	case "code":
		n, err := strconv.Atoi(value)
		if err != nil || n < 100 || n > 599 {
			return fmt.Errorf("code=%q: want an HTTP status such as code=404", value)
		}
		p.Code = n
	case "example":
		if value == "" {
			return fmt.Errorf("example: want the name of a documented example, such as example=blocked")
		}
		p.Example = value
	case "dynamic":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("dynamic=%q: want true or false", value)
		}
		p.Dynamic = &b
	case "latency":
		r, err := ParseRange(value)
		if err != nil {
			return fmt.Errorf("latency=%q: %w", value, err)
		}
		p.Latency = &r
	case "error":
		switch strings.ToLower(value) {
		case "true", "":
			p.Error = ErrorAlways
		case "false":
			p.Error = ErrorNever
		default:
			n, err := strconv.Atoi(value)
			if err != nil || n < 500 || n > 599 {
				return fmt.Errorf("error=%q: want true, false or a 5xx status such as error=503", value)
			}
			p.Error = n
		}
	}
	return nil
}

// splitOutsideQuotes splits s at sep, except inside double-quoted strings.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case c == '\\' && quoted:
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	return out
}

// unquote removes the quotes of an RFC 9110 quoted-string; other values are returned as is.
func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		if v[i] == '\\' && i+1 < len(v)-1 {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// Range is a span of durations; the mock waits a random time inside it.
type Range struct{ Min, Max time.Duration }

// maxLatency bounds injected latency: beyond it a request would outlive the server's write
// timeout, and a typo (latency=200s) would look like a hung mock.
const maxLatency = 25 * time.Second

// ParseRange reads "200ms" (exactly that) or "50ms..200ms" (uniformly in between).
func ParseRange(s string) (Range, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "..")
	min, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil {
		return Range{}, fmt.Errorf("want a duration such as 100ms or a range such as 50ms..200ms")
	}
	max := min
	if isRange {
		if max, err = time.ParseDuration(strings.TrimSpace(hi)); err != nil {
			return Range{}, fmt.Errorf("want a range of durations such as 50ms..200ms")
		}
	}
	switch {
	case min < 0 || max < 0:
		return Range{}, fmt.Errorf("durations must not be negative")
	case max < min:
		return Range{}, fmt.Errorf("the range ends before it starts")
	case max > maxLatency:
		return Range{}, fmt.Errorf("at most %s", maxLatency)
	}
	return Range{Min: min, Max: max}, nil
}

// String is the range in ParseRange's syntax.
func (r Range) String() string {
	if r.Min == r.Max {
		return r.Min.String()
	}
	return r.Min.String() + ".." + r.Max.String()
}

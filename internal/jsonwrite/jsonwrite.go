// Package jsonwrite appends JSON to a byte slice exactly as encoding/json would write the same
// values (json.Marshal and json.Encoder, with HTML escaping), for answers built without
// encoding/json's reflection on hot paths (issue 10). Each writer names the encoding/json
// behaviour it mirrors; TestStringMatchesEncodingJSON, TestWritersMatchEncodingJSON and
// FuzzString compare them with encoding/json.
package jsonwrite

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

// Field writes the value of one JSON property of a T; the key is written by appendObject.
type Field[T any] struct {
	Name  string
	Write func(b []byte, v *T) ([]byte, error)
}

// Object writes v as a JSON object with fields in order. A field that fails stops the
// object; the error names the field.
func Object[T any](b []byte, fields []Field[T], v *T) ([]byte, error) {
	b = append(b, '{')
	for i := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		// The names are Go identifiers (checked by the reflection guard), so they need no
		// escaping.
		b = append(b, '"')
		b = append(b, fields[i].Name...)
		b = append(b, '"', ':')
		var err error
		if b, err = fields[i].Write(b, v); err != nil {
			return b, fmt.Errorf("%s: %w", fields[i].Name, err)
		}
	}
	return append(b, '}'), nil
}

// Writers of one property. Each returns the buffer and a nil error where the value cannot
// fail, so that the tables below stay one line per property.

func OptString(b []byte, p *string) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return String(b, *p)
}

// hexDigits are encoding/json's digits for \u escapes (lower case).
const hexDigits = "0123456789abcdef"

// htmlSafe reports the ASCII bytes encoding/json writes as they are when it escapes HTML
// (json.Marshal and json.Encoder do): everything printable except '"', '\\', '<', '>', '&'.
func htmlSafe(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// String writes s as a JSON string exactly as encoding/json does with HTML escaping:
// '"' and '\\' backslashed; \b \f \n \r \t by name; other control bytes and <, >, & as \u00XX;
// U+2028 and U+2029 as \u2028 and \u2029; every byte of invalid UTF-8 as \ufffd. (strconv's
// quoting differs: it writes \x.. and keeps <>&.) Mirrors appendString in encoding/json's
// encode.go; TestStringMatchesEncodingJSON covers every class.
func String(b []byte, s string) []byte {
	return StringReplacing(b, s, `\ufffd`)
}

// StringReplacing is String writing each invalid UTF-8 byte as invalid instead of \ufffd:
// what encoding/json writes for a string that has been through a JSON round trip already
// (decoding turned the bytes into U+FFFD, which encoding/json then writes unescaped).
func StringReplacing(b []byte, s, invalid string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, invalid...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func Bool(b []byte, v bool) []byte {
	return strconv.AppendBool(b, v)
}

// Strings writes a list of strings as encoding/json writes a []string:
// nil is null, empty is [].
func Strings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, s)
	}
	return append(b, ']')
}

// UUID writes s as openapi_types.UUID encodes once parsed: lower-case canonical (what
// uuid.UUID.String gives), whatever form uuid.Parse accepted. Not a UUID is an error, as
// openapi_types.UUID's UnmarshalText refuses it.
func UUID(b []byte, s string) ([]byte, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return b, err
	}
	b = append(b, '"')
	b = hex.AppendEncode(b, u[0:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[4:6])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[6:8])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[8:10])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[10:16])
	return append(b, '"'), nil
}

func OptUUID(b []byte, p *string) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	return UUID(b, *p)
}

// OptDate writes a date as openapi_types.Date encodes once parsed (time.Parse with its
// DateFormat, formatted back); not a date is an error, as time.Parse refuses it. The digits
// and dashes need no escaping. A date already in that form (every stored one) is copied as
// it is: parsing it per answer was a quarter of writing a Mews customer.
func OptDate(b []byte, p *string) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	if canonicalDate(*p) {
		b = append(b, '"')
		b = append(b, *p...)
		return append(b, '"'), nil
	}
	t, err := time.Parse(openapi_types.DateFormat, *p)
	if err != nil {
		return b, err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, openapi_types.DateFormat)
	return append(b, '"'), nil
}

// canonicalDate reports whether s is a calendar date written YYYY-MM-DD, which is what
// time.Parse accepts for openapi_types.DateFormat and AppendFormat writes back unchanged.
func canonicalDate(s string) bool {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return false
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := range len(t) {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, true
	}
	y, okY := num(s[:4])
	m, okM := num(s[5:7])
	d, okD := num(s[8:])
	if !okY || !okM || !okD || m < 1 || m > 12 || d < 1 {
		return false
	}
	// Day 0 of the next month is the last day of this one.
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Time writes t as time.Time.MarshalJSON does (AppendText is the same strict RFC 3339
// with nanoseconds, without the quotes, and fails where MarshalJSON fails: a year outside
// 0-9999, a zone offset of 24 hours or more). RFC 3339 text needs no escaping.
func Time(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, err
	}
	return append(b, '"'), nil
}

// OptFloat writes a number as encoding/json does (ES6 style: 'f' unless the magnitude
// is below 1e-6 or from 1e21, then 'e' with an unpadded exponent); NaN and infinities are an
// error, as json.Marshal refuses them.
func OptFloat(b []byte, p *float64) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	f := *p
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, errors.New("unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 -> e-9, as encoding/json cleans it up.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// OK adapts a writer that cannot fail to a table entry.
func OK(b []byte) ([]byte, error) { return b, nil }

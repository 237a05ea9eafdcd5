package openapi

import (
	"encoding/base64"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Formats returns the string formats paxkit validates itself: uuid, email and uri, which
// kin-openapi leaves unchecked unless told, and date and byte, which it checks too loosely.
// They are scoped to a document rather than registered globally, so two specs never share
// state.
func Formats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"uuid":  openapi3.NewCallbackValidator(validateUUID),
		"email": openapi3.NewCallbackValidator(validateEmail),
		"uri":   openapi3.NewCallbackValidator(validateURI),
		// kin-openapi checks date and byte with regular expressions only, which let
		// 2020-02-30 and unpadded or URL-safe base64 through; the generated Go types then
		// cannot hold the value. These check what the Go types will parse.
		"date": openapi3.NewCallbackValidator(validateDate),
		"byte": openapi3.NewCallbackValidator(validateByte),
	}
}

// validateUUID accepts a UUID in its canonical text form: 8-4-4-4-12 hexadecimal digits of
// either case (no braces, no urn:uuid: prefix, which uuid.Parse would take). Why not a
// regular expression: this runs for every id of every request, and the regexp was the
// largest part of validating a Mews getAll by CustomerIds outside kin-openapi itself.
func validateUUID(s string) error {
	if len(s) != 36 {
		return fmt.Errorf("36 characters (8-4-4-4-12 hexadecimal digits) expected, got %d", len(s))
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return fmt.Errorf("a dash expected at character %d", i+1)
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return fmt.Errorf("%q at character %d is not a hexadecimal digit", c, i+1)
			}
		}
	}
	return nil
}

// validateDate accepts an RFC 3339 full-date that exists on the calendar.
func validateDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("not a calendar date (YYYY-MM-DD): %w", err)
	}
	return nil
}

// validateByte accepts standard, padded base64 (RFC 4648 §4), what OpenAPI's byte format
// and Go's []byte JSON encoding mean.
func validateByte(s string) error {
	if _, err := base64.StdEncoding.DecodeString(s); err != nil {
		return fmt.Errorf("not standard padded base64: %w", err)
	}
	return nil
}

func validateEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return fmt.Errorf("not an email address: %w", err)
	}
	// ParseAddress accepts "Name <a@b>"; a field typed email holds the bare address only.
	if a.Address != s {
		return fmt.Errorf("not a bare email address")
	}
	return nil
}

func validateURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("not a URI: %w", err)
	}
	if u.Scheme == "" || strings.ContainsAny(s, " \t\n") {
		return fmt.Errorf("not an absolute URI")
	}
	return nil
}

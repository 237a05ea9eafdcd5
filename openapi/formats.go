package openapi

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Formats returns the string formats paxkit validates beyond kin-openapi's defaults (date,
// date-time, byte). kin-openapi leaves uuid, email and uri unchecked unless told; these are
// scoped to a document rather than registered globally, so two specs never share state.
func Formats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"uuid":  openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
		"email": openapi3.NewCallbackValidator(validateEmail),
		"uri":   openapi3.NewCallbackValidator(validateURI),
	}
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

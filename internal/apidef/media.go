package apidef

import (
	"mime"
	"strings"
)

// IsJSON reports whether a media type (a Content-Type value, parameters allowed) is JSON or
// JSON-based (`+json`, such as application/merge-patch+json). It runs for every request with
// a body, so the plain "application/json" most clients send skips mime parsing.
func IsJSON(contentType string) bool {
	if contentType == "application/json" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

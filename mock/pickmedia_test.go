package mock

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestPickMedia(t *testing.T) {
	content := func(names ...string) openapi3.Content {
		c := openapi3.Content{}
		for _, n := range names {
			c[n] = openapi3.NewMediaType()
		}
		return c
	}
	tests := []struct {
		name    string
		content openapi3.Content
		accept  string
		want    string
	}{
		{"accepted type", content("application/json", "application/xml"), "application/xml", "application/xml"},
		{"first accepted of a list", content("application/json", "text/csv", "application/xml"), "text/html, text/csv;q=0.9 ,application/xml", "text/csv"},
		{"nothing accepted: JSON", content("text/csv", "application/json", "application/xml"), "text/html", "application/json"},
		{"no Accept: JSON", content("text/csv", "application/json"), "", "application/json"},
		{"the first JSON type by name", content("application/vnd.x+json", "application/problem+json", "text/csv"), "", "application/problem+json"},
		{"JSON with parameters", content("text/csv", "application/json; charset=utf-8"), "*/*", "application/json; charset=utf-8"},
		{"no JSON: the first by name", content("text/plain", "application/xml", "text/csv"), "image/png", "application/xml"},
		{"one type", content("text/plain"), "application/json", "text/plain"},
		{"empty Accept entries", content("application/xml", "text/csv"), " , ;q=1,", "application/xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, media := pickMedia(tt.content, tt.accept)
			if got != tt.want || media != tt.content[tt.want] {
				t.Fatalf("pickMedia(%q) = %q, want %q", tt.accept, got, tt.want)
			}
		})
	}
}

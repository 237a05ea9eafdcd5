package apidef

import "testing"

func TestIsJSON(t *testing.T) {
	tests := []struct {
		contentType string
		want        bool
	}{
		{"application/json", true},
		{"Application/JSON", true},
		{"application/json; charset=utf-8", true},
		{"application/merge-patch+json", true},
		{"application/problem+json;charset=UTF-8", true},
		{"application/jsonx", false},
		{"text/json", false},
		{"text/plain", false},
		{"application/x-www-form-urlencoded", false},
		{"", false},
		{"json", false},
	}
	for _, tt := range tests {
		if got := IsJSON(tt.contentType); got != tt.want {
			t.Errorf("IsJSON(%q) = %v, want %v", tt.contentType, got, tt.want)
		}
	}
}

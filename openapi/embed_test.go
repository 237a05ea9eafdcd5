package openapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/openapi"
)

func TestFormats(t *testing.T) {
	tests := []struct {
		format, value string
		ok            bool
	}{
		{"date", "1984-07-21", true},
		{"date", "2024-02-29", true},
		{"date", "2020-02-30", false},
		{"date", "1984-7-21", false},
		{"byte", "aGVsbG8=", true},
		{"byte", "", true},
		{"byte", "aGVsbG8", false},
		{"byte", "a-_b", false},
		{"uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa6", true},
		{"uuid", "3FA85F64-5717-4562-B3FC-2C963F66AFA6", true},
		{"uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa", false},
		{"uuid", "3fa85f64571745 62b3fc2c963f66afa6", false},
		{"uuid", "", false},
		{"email", "thea@quotidiano.example", true},
		{"email", "j.smith@example.com", true},
		{"email", "John <j.smith@example.com>", false},
		{"email", "j.smith", false},
		{"email", "j.smith@", false},
		{"uri", "https://api.mews.com/x?y=1", true},
		{"uri", "urn:isbn:0451450523", true},
		{"uri", "/relative/path", false},
		{"uri", "https://exa mple.com", false},
	}
	formats := openapi.Formats()
	for _, tt := range tests {
		v, ok := formats[tt.format]
		if !ok {
			t.Fatalf("format %q not defined", tt.format)
		}
		if err := v.Validate(tt.value); (err == nil) != tt.ok {
			t.Errorf("%s %q: error %v, want ok=%v", tt.format, tt.value, err, tt.ok)
		}
	}
}

func TestLoaderErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := openapi.Bytes("nope"); err == nil || !strings.Contains(err.Error(), "unknown API") {
		t.Errorf("Bytes(nope) = %v, want unknown API error", err)
	}
	if _, err := openapi.Load(ctx, "nope"); err == nil {
		t.Error("Load(nope) succeeded")
	}
	tests := []struct{ name, spec, want string }{
		{"not yaml", "openapi: [3.0.3\n", "load"},
		{"external ref", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'other.yaml#/paths/~1a'\n", "load"},
		{"invalid document", "openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n", "validate"},
		{"bad uuid example", `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: string, format: uuid}
              example: not-a-uuid
`, "validate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openapi.Parse(ctx, []byte(tt.spec))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error starting with %q", err, tt.want)
			}
		})
	}
}

// TestValidateRefusesABrokenBuiltInSpec proves that the check TestSpecsLoadAndValidate runs
// over openapi.Load's result can fail: a built-in spec broken after loading, in the document
// or in one example, is refused.
func TestValidateRefusesABrokenBuiltInSpec(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		brk  func(t *testing.T, doc *openapi3.T)
		want string
	}{
		{"document", func(t *testing.T, doc *openapi3.T) { doc.Info.Version = "" }, "version"},
		{"example", func(t *testing.T, doc *openapi3.T) {
			op := doc.Paths.Find("/collections/customers/items/{customerId}").Get
			mt := op.Responses.Status(200).Value.Content.Get("application/json")
			for _, ex := range mt.Examples {
				ex.Value.Value = 12345 // an account is an object
				return
			}
			t.Fatal("getCustomer 200 has no named example to break")
		}, "invalid example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := openapi.Load(ctx, "tomp")
			if err != nil {
				t.Fatal(err)
			}
			if err := openapi.Validate(ctx, doc); err != nil {
				t.Fatalf("intact spec: %v", err)
			}
			tt.brk(t, doc)
			if err := openapi.Validate(ctx, doc); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

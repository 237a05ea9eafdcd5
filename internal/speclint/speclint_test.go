package speclint_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/internal/speclint"
	"github.com/paxkit/paxkit/openapi"
)

// base is a small valid spec; each case below breaks one thing in it.
const base = `openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Item'
            examples:
              good:
                value: {id: 3fa85f64-5717-4562-b3fc-2c963f66afa6, name: a, tags: [x]}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Item'
          links:
            read:
              operationId: getItem
              parameters:
                id: $response.body#/id
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      responses:
        "200":
          description: ok
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: string, format: uuid}
        name: {type: string, maxLength: 5}
        tags:
          type: array
          items: {type: string}
`

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		spec string
		// want lists "pointer|substring of message" for every expected problem, in order.
		want []string
	}{
		{name: "valid", spec: base},
		{
			name: "example violations are reported inside the example",
			spec: strings.Replace(base, "{id: 3fa85f64-5717-4562-b3fc-2c963f66afa6, name: a, tags: [x]}",
				"{id: not-a-uuid, name: toolongname, tags: [1]}", 1),
			want: []string{
				"/paths/~1items/post/requestBody/content/application~1json/examples/good/value/id|format",
				"/paths/~1items/post/requestBody/content/application~1json/examples/good/value/name|maximum string length",
				"/paths/~1items/post/requestBody/content/application~1json/examples/good/value/tags/0|string",
			},
		},
		{
			name: "missing required property in an example",
			spec: strings.Replace(base, "name: a, ", "", 1),
			want: []string{"/paths/~1items/post/requestBody/content/application~1json/examples/good/value/name|missing"},
		},
		{
			name: "a broken component is reported once, where it is defined",
			spec: strings.Replace(base, "name: {type: string, maxLength: 5}", "name: {type: strin}", 1),
			want: []string{"/components/schemas/Item/properties/name|strin"},
		},
		{
			name: "link to an unknown operation",
			spec: strings.Replace(base, "operationId: getItem\n              parameters", "operationId: readItem\n              parameters", 1),
			want: []string{"/paths/~1items/post/responses/201/links/read/operationId|readItem"},
		},
		{
			name: "duplicate operationId",
			spec: strings.Replace(base, "operationId: getItem\n      parameters", "operationId: createItem\n      parameters", 1),
			want: []string{
				"/paths/~1items/post/responses/201/links/read/operationId|getItem",
				"/paths/~1items~1{id}/get/operationId|also used by /paths/~1items/post",
			},
		},
		{
			name: "response without description",
			spec: strings.Replace(base, "          description: ok\n", "          headers: {}\n", 1),
			want: []string{"/paths/~1items~1{id}/get/responses/200|description"},
		},
		{
			name: "not OpenAPI 3.0",
			spec: strings.Replace(base, "openapi: 3.0.3", "openapi: 2.0.0", 1),
			want: []string{"/openapi|3.0"},
		},
		{
			name: "unresolvable reference",
			spec: strings.Replace(base, "$ref: '#/components/schemas/Item'\n            examples", "$ref: '#/components/schemas/Nope'\n            examples", 1),
			want: []string{"|Nope"},
		},
		{
			name: "not YAML at all",
			spec: "openapi: [3.0.3\n  info: {",
			want: []string{"|"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := speclint.Lint(context.Background(), []byte(tt.spec))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tt.want), render(got))
			}
			for i, w := range tt.want {
				ptr, msg, _ := strings.Cut(w, "|")
				if got[i].Pointer != ptr || !strings.Contains(got[i].Message, msg) {
					t.Errorf("problem %d = %s\nwant pointer %q and message containing %q", i, got[i], ptr, msg)
				}
				if got[i].Message == "" {
					t.Errorf("problem %d has no message", i)
				}
			}
		})
	}
}

func TestLintReportsLines(t *testing.T) {
	spec := strings.Replace(base, "name: {type: string, maxLength: 5}", "name: {type: strin}", 1)
	got := speclint.Lint(context.Background(), []byte(spec))
	if len(got) != 1 {
		t.Fatalf("want one problem, got %s", render(got))
	}
	wantLine := 1 + strings.Count(spec[:strings.Index(spec, "name: {type: strin}")], "\n")
	if got[0].Line != wantLine {
		t.Errorf("line = %d, want %d (%s)", got[0].Line, wantLine, got[0])
	}
}

func TestBuiltInSpecsAreClean(t *testing.T) {
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			data, err := openapi.Bytes(id)
			if err != nil {
				t.Fatal(err)
			}
			if got := speclint.Lint(context.Background(), data); len(got) > 0 {
				t.Errorf("%d problems:\n%s", len(got), render(got))
			}
		})
	}
}

func render(ps []speclint.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// FuzzLint feeds arbitrary documents to the linter: whatever the input, it must return
// problems (or none), never panic or hang.
func FuzzLint(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte("openapi: 3.0.3\n"))
	f.Add([]byte(`{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}`))
	// The built-in specs (50-100 KB) are deliberately not seeds: the fuzzer minimises every
	// interesting input, and minimising a spec that size takes minutes of executions that the
	// short CI run cannot afford. TestBuiltInSpecsAreClean covers them.
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range speclint.Lint(context.Background(), data) {
			if p.Message == "" {
				t.Fatalf("problem without message at %q", p.Pointer)
			}
		}
	})
}

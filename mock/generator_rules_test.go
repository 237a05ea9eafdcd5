package mock_test

import (
	"context"
	"encoding/json"
	"net/mail"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// schemaOf parses one schema written in JSON, inside a minimal document so that $refs to
// #/components/schemas/... resolve.
func schemaOf(t *testing.T, components, schema string) *openapi3.SchemaRef {
	t.Helper()
	if components == "" {
		components = "{}"
	}
	src := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
		"components":{"schemas":` + components + `,"requestBodies":{"x":{"content":{"application/json":{"schema":` + schema + `}}}}}}`
	doc, err := openapi.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatalf("parse %s: %v", schema, err)
	}
	return doc.Components.RequestBodies["x"].Value.Content["application/json"].Schema
}

// validOpts are the options paxkit's server validates with.
func visit(s *openapi3.SchemaRef, v any, dir mock.Direction) error {
	opts := []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(openapi.Formats())}
	if dir == mock.Request {
		opts = append(opts, openapi3.VisitAsRequest())
	} else {
		opts = append(opts, openapi3.VisitAsResponse())
	}
	return s.Value.VisitJSON(v, opts...)
}

// TestGeneratorRules checks, keyword by keyword, that generated values honour the schema
// (kin-openapi validates each) and show the variety the rule promises.
func TestGeneratorRules(t *testing.T) {
	tests := []struct {
		name       string
		components string
		schema     string
		dir        mock.Direction
		prop       string // the name passed to Value
		// every is called on every value; it fails the test by returning a reason.
		every func(v any) string
		// some must hold for at least one of the values (variety: optional fields both
		// present and absent, nullable values both null and not).
		some []func(v any) bool
	}{
		{name: "uuid", schema: `{"type":"string","format":"uuid"}`, every: matches(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
		{name: "date", schema: `{"type":"string","format":"date"}`, every: parses(time.DateOnly)},
		{name: "date-time is RFC 3339 UTC", schema: `{"type":"string","format":"date-time"}`, every: all(parses(time.RFC3339), matches(`Z$`))},
		{name: "email", schema: `{"type":"string","format":"email"}`, every: isEmail},
		{name: "uri", schema: `{"type":"string","format":"uri"}`, every: matches(`^https?://`)},
		{name: "ipv4", schema: `{"type":"string","format":"ipv4"}`, every: matches(`^\d+\.\d+\.\d+\.\d+$`)},
		{name: "byte is padded base64", schema: `{"type":"string","format":"byte"}`, every: matches(`^[A-Za-z0-9+/]+={0,2}$`)},
		{name: "pattern", schema: `{"type":"string","pattern":"^[A-Z]{3}-[0-9]{2,4}$"}`, every: matches(`^[A-Z]{3}-[0-9]{2,4}$`)},
		{name: "pattern with one match", prop: "type", schema: `{"type":"string","pattern":"^(place)$"}`, every: oneOfValues("place")},
		{name: "pattern with name faker", prop: "CountryCode", schema: `{"type":"string","pattern":"^[A-Z]{2}$"}`, every: matches(`^[A-Z]{2}$`)},
		{name: "enum", schema: `{"type":"string","enum":["A","B","C"]}`, every: oneOfValues("A", "B", "C"),
			some: []func(any) bool{equals("A"), equals("B"), equals("C")}},
		{name: "lengths", prop: "Notes", schema: `{"type":"string","minLength":5,"maxLength":8}`, every: runeLen(5, 8)},
		{name: "integer bounds", schema: `{"type":"integer","minimum":3,"maximum":7}`, every: intIn(3, 7),
			some: []func(any) bool{equals(int64(3)), equals(int64(7))}},
		{name: "exclusive bounds", schema: `{"type":"integer","minimum":3,"maximum":5,"exclusiveMinimum":true,"exclusiveMaximum":true}`, every: oneOfValues(int64(4))},
		{name: "multipleOf", schema: `{"type":"integer","minimum":1,"maximum":100,"multipleOf":5}`, every: func(v any) string {
			if v.(int64)%5 != 0 {
				return "not a multiple of 5"
			}
			return ""
		}},
		{name: "amount has two decimals", prop: "Amount", schema: `{"type":"number","minimum":0}`, every: func(v any) string {
			f := v.(float64)
			if d := f*100 - float64(int64(f*100+0.5)); d > 1e-6 || d < -1e-6 {
				return "more than two decimals"
			}
			return ""
		}},
		{name: "array items", schema: `{"type":"array","minItems":2,"maxItems":4,"uniqueItems":true,"items":{"type":"integer","minimum":1,"maximum":5}}`, every: func(v any) string {
			a := v.([]any)
			if len(a) < 2 || len(a) > 4 {
				return "wrong length"
			}
			return ""
		}},
		{name: "nullable is sometimes null", schema: `{"type":"string","nullable":true}`,
			some: []func(any) bool{equals(nil), func(v any) bool { return v != nil }}},
		{name: "optional sometimes absent, required always present",
			schema: `{"type":"object","required":["a"],"properties":{"a":{"type":"string"},"b":{"type":"string"}}}`,
			every:  hasKey("a"),
			some:   []func(any) bool{has("b"), not(has("b"))}},
		{name: "readOnly never in requests", dir: mock.Request,
			schema: `{"type":"object","required":["id","name"],"properties":{"id":{"type":"string","readOnly":true},"name":{"type":"string"}}}`,
			every:  all(lacksKey("id"), hasKey("name"))},
		{name: "writeOnly never in responses", dir: mock.Response,
			schema: `{"type":"object","required":["password","name"],"properties":{"password":{"type":"string","writeOnly":true},"name":{"type":"string"}}}`,
			every:  all(lacksKey("password"), hasKey("name"))},
		{name: "allOf merges", components: `{"Base":{"type":"object","required":["id"],"properties":{"id":{"type":"string","format":"uuid"}}}}`,
			schema: `{"allOf":[{"$ref":"#/components/schemas/Base"},{"type":"object","required":["n"],"properties":{"n":{"type":"integer","maximum":3}}}]}`,
			every:  all(hasKey("id"), hasKey("n"))},
		{name: "oneOf with discriminator", components: `{
			"Cat":{"type":"object","required":["kind","lives"],"properties":{"kind":{"type":"string"},"lives":{"type":"integer","minimum":1,"maximum":9}}},
			"Dog":{"type":"object","required":["kind","bark"],"properties":{"kind":{"type":"string"},"bark":{"type":"boolean"}}}}`,
			schema: `{"oneOf":[{"$ref":"#/components/schemas/Cat"},{"$ref":"#/components/schemas/Dog"}],"discriminator":{"propertyName":"kind","mapping":{"cat":"#/components/schemas/Cat","dog":"#/components/schemas/Dog"}}}`,
			some:   []func(any) bool{keyEquals("kind", "cat"), keyEquals("kind", "dog")}},
		{name: "oneOf matches exactly one", schema: `{"oneOf":[{"type":"integer","maximum":10},{"type":"integer","minimum":5}]}`},
		{name: "anyOf", schema: `{"anyOf":[{"type":"string","format":"email"},{"type":"integer"}]}`,
			some: []func(any) bool{func(v any) bool { _, ok := v.(string); return ok }, func(v any) bool { _, ok := v.(int64); return ok }}},
		{name: "additionalProperties map", schema: `{"type":"object","additionalProperties":{"type":"integer","minimum":1}}`,
			some: []func(any) bool{func(v any) bool { return len(v.(map[string]any)) > 0 }}},
		{name: "min and max properties", schema: `{"type":"object","minProperties":2,"maxProperties":2,"properties":{"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"}}}`,
			every: func(v any) string {
				if len(v.(map[string]any)) != 2 {
					return "not two properties"
				}
				return ""
			}},
		// The generator vouches for plain objects without validating them, but a part it
		// cannot be sure of (a pattern) is still checked where it is made.
		{name: "pattern inside an object", schema: `{"type":"object","required":["code"],"properties":{"code":{"type":"string","pattern":"^[A-Z]{3}$","maxLength":3}}}`,
			every: func(v any) string { return matches(`^[A-Z]{3}$`)(v.(map[string]any)["code"]) }},
		// mergeAllOf keeps the first enum; only the check finds that "a" breaks the second.
		{name: "allOf with two enums", schema: `{"allOf":[{"type":"string","enum":["a","b"]},{"type":"string","enum":["b","c"]}]}`,
			every: oneOfValues("b")},
		{name: "recursive schema terminates", components: `{"Node":{"type":"object","required":["v"],"properties":{"v":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}}`,
			schema: `{"$ref":"#/components/schemas/Node"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schemaOf(t, tt.components, tt.schema)
			seen := make([]bool, len(tt.some))
			for seed := range uint64(300) {
				v, err := mock.NewGenerator(seed).Value(s, tt.dir, tt.prop)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if err := visit(s, v, tt.dir); err != nil {
					t.Fatalf("seed %d: %#v invalid: %v", seed, v, err)
				}
				if tt.every != nil {
					if why := tt.every(v); why != "" {
						t.Fatalf("seed %d: %#v: %s", seed, v, why)
					}
				}
				for i, f := range tt.some {
					seen[i] = seen[i] || f(v)
				}
			}
			for i, ok := range seen {
				if !ok {
					t.Errorf("variant %d never generated in 300 seeds", i)
				}
			}
		})
	}
}

// TestGeneratorRefusesUnsatisfiable: a schema no value can satisfy gives an error, not an
// invalid value.
//
// The nested cases prove that the parts the generator cannot vouch for are checked even inside
// schemas it does vouch for (sure.go), and that the merges and limits it cannot honour are
// judged unsure rather than trusted.
func TestGeneratorRefusesUnsatisfiable(t *testing.T) {
	tests := []struct{ name, schema string }{
		{"pattern and length", `{"type":"string","pattern":"^a$","minLength":3}`},
		{"pattern inside an object", `{"type":"object","required":["a"],"properties":{"a":{"type":"string","pattern":"^x{3}$","maxLength":2}}}`},
		{"email inside a list", `{"type":"array","minItems":1,"items":{"type":"string","format":"email","maxLength":3}}`},
		{"number inside an allOf", `{"allOf":[{"type":"object","required":["n"],"properties":{"n":{"type":"number","minimum":1,"maximum":2,"multipleOf":5}}}]}`},
		{"allOf branch forbids a required member", `{"allOf":[{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}},{"type":"object","required":["b"],"properties":{"b":{"type":"string"}}}]}`},
		{"empty integer range", `{"type":"object","required":["i"],"properties":{"i":{"type":"integer","minimum":5,"maximum":3}}}`},
		{"minLength over maxLength", `{"type":"string","minLength":4,"maxLength":2}`},
		{"more unique items than exist", `{"type":"array","minItems":3,"uniqueItems":true,"items":{"type":"boolean"}}`},
		{"required property not declared", `{"type":"object","required":["ghost"],"properties":{"a":{"type":"string"}}}`},
		{"enum member breaking its own schema", `{"type":"string","enum":["ab"],"maxLength":1}`},
		// A string seen to match its pattern is trusted only if the pattern is all it asks.
		{"pattern and a format it excludes", `{"type":"string","pattern":"^[a-z]+$","format":"email"}`},
		{"pattern and a not", `{"type":"string","pattern":"^[a-z]+$","not":{"pattern":"^[a-z]+$"}}`},
		{"maxProperties below required", `{"type":"object","maxProperties":1,"required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"string"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := schemaOf(t, "", tt.schema)
			for _, dir := range []mock.Direction{mock.Request, mock.Response} {
				if v, err := mock.NewGenerator(1).Value(s, dir, ""); err == nil {
					t.Fatalf("dir %d: got %#v, want an error", dir, v)
				}
			}
		})
	}
	if _, err := mock.NewGenerator(1).Value(nil, mock.Response, ""); err == nil {
		t.Fatal("nil schema: want an error")
	}
}

// TestGeneratorDeterministic: the same seed gives the same value, another seed another value.
func TestGeneratorDeterministic(t *testing.T) {
	doc, err := openapi.Load(context.Background(), "mews")
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["Customer"]
	if s == nil {
		t.Fatal("mews has no Customer schema")
	}
	gen := func(seed uint64) string {
		v, err := mock.NewGenerator(seed).Value(s, mock.Response, "")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	a, b, c := gen(42), gen(42), gen(43)
	if a != b {
		t.Errorf("seed 42 twice differs:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("seeds 42 and 43 give the same value %s", a)
	}
	g := mock.NewGenerator(7)
	first, _ := g.Value(s, mock.Response, "")
	g.Reseed(7)
	again, _ := g.Value(s, mock.Response, "")
	if !reflect.DeepEqual(first, again) {
		t.Error("Reseed(7) does not repeat NewGenerator(7)")
	}
	// What a Generator has cached from other schemas must not change its output for a seed.
	for name, other := range doc.Components.Schemas {
		g.Reseed(1)
		if _, err := g.Value(other, mock.Request, name); err != nil {
			t.Fatal(err)
		}
	}
	g.Reseed(7)
	if warm, _ := g.Value(s, mock.Response, ""); !reflect.DeepEqual(first, warm) {
		t.Error("a Generator with warm caches answers seed 7 differently from a new one")
	}
}

// TestRealism: fields named like people's data get data that looks like it.
func TestRealism(t *testing.T) {
	str := `{"type":"string"}`
	tests := []struct {
		prop  string
		every func(any) string
	}{
		{"FirstName", matches(`^[A-Z][A-Za-z'-]+$`)},
		{"givenName", matches(`^[A-Z][A-Za-z'-]+$`)},
		{"LastName", matches(`^[A-Z][A-Za-z' -]+$`)},
		{"surname", matches(`^[A-Z][A-Za-z' -]+$`)},
		{"Email", isEmail},
		{"emailAddress", isEmail},
		{"Phone", matches(`^\+[1-9][0-9]{9,13}$`)},
		{"mobilePhone", matches(`^\+[1-9][0-9]{9,13}$`)},
		{"NationalityCode", isISOCountry},
		{"CountryCode", isISOCountry},
		{"country", isISOCountry},
		{"LanguageCode", matches(`^[a-z]{2}-[A-Z]{2}$`)},
		{"Currency", matches(`^[A-Z]{3}$`)},
		{"CreatedUtc", all(parses(time.RFC3339), matches(`Z$`))},
		{"City", matches(`^[A-Z]`)},
		{"PostalCode", matches(`^[0-9A-Z -]+$`)},
	}
	for _, tt := range tests {
		t.Run(tt.prop, func(t *testing.T) {
			s := schemaOf(t, "", str)
			for seed := range uint64(200) {
				v, err := mock.NewGenerator(seed).Value(s, mock.Response, tt.prop)
				if err != nil {
					t.Fatal(err)
				}
				if why := tt.every(v); why != "" {
					t.Fatalf("%s = %q: %s", tt.prop, v, why)
				}
			}
		})
	}
}

// isoCountries is a sample check: every ISO 3166-1 alpha-2 code is two capitals; these are
// ones a wrong faker (country names, alpha-3) would never produce.
func isISOCountry(v any) string {
	s, _ := v.(string)
	if !regexp.MustCompile(`^[A-Z]{2}$`).MatchString(s) {
		return "not an ISO 3166-1 alpha-2 code"
	}
	return ""
}

func matches(re string) func(any) string {
	r := regexp.MustCompile(re)
	return func(v any) string {
		s, ok := v.(string)
		if !ok || !r.MatchString(s) {
			return "does not match " + re
		}
		return ""
	}
}

func parses(layout string) func(any) string {
	return func(v any) string {
		if _, err := time.Parse(layout, v.(string)); err != nil {
			return err.Error()
		}
		return ""
	}
}

func isEmail(v any) string {
	s, _ := v.(string)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, ".") {
		return "not an email address"
	}
	return ""
}

func all(fs ...func(any) string) func(any) string {
	return func(v any) string {
		for _, f := range fs {
			if why := f(v); why != "" {
				return why
			}
		}
		return ""
	}
}

func oneOfValues(want ...any) func(any) string {
	return func(v any) string {
		for _, w := range want {
			if reflect.DeepEqual(v, w) {
				return ""
			}
		}
		return "not one of the allowed values"
	}
}

func runeLen(lo, hi int) func(any) string {
	return func(v any) string {
		n := len([]rune(v.(string)))
		if n < lo || n > hi {
			return "length out of range"
		}
		return ""
	}
}

func intIn(lo, hi int64) func(any) string {
	return func(v any) string {
		n := v.(int64)
		if n < lo || n > hi {
			return "out of range"
		}
		return ""
	}
}

func equals(want any) func(any) bool { return func(v any) bool { return reflect.DeepEqual(v, want) } }

func has(k string) func(any) bool {
	return func(v any) bool { _, ok := v.(map[string]any)[k]; return ok }
}

func not(f func(any) bool) func(any) bool { return func(v any) bool { return !f(v) } }

func hasKey(k string) func(any) string {
	return func(v any) string {
		if !has(k)(v) {
			return "missing " + k
		}
		return ""
	}
}

func lacksKey(k string) func(any) string {
	return func(v any) string {
		if has(k)(v) {
			return "has " + k
		}
		return ""
	}
}

func keyEquals(k string, want any) func(any) bool {
	return func(v any) bool { return reflect.DeepEqual(v.(map[string]any)[k], want) }
}

// FuzzGenerateFromSchema: for any schema a foreign contract may hold (paxkit mock --spec), the
// generator answers a value that validates, or an error; never an invalid value.
func FuzzGenerateFromSchema(f *testing.F) {
	for _, s := range []string{
		`{"type":"string","pattern":"^[a-z]{2,5}$","maxLength":3}`,
		`{"type":"object","required":["a"],"properties":{"a":{"type":"integer","minimum":5,"exclusiveMinimum":true,"maximum":6}}}`,
		`{"oneOf":[{"type":"string"},{"type":"string","format":"email"}]}`,
		`{"allOf":[{"type":"number","multipleOf":0.5},{"maximum":3}]}`,
		`{"type":"array","uniqueItems":true,"minItems":3,"items":{"type":"boolean"}}`,
		`{"type":"object","minProperties":4,"additionalProperties":{"type":"string","format":"date"}}`,
		`{"anyOf":[{"type":"string","enum":["x"]},{"type":"integer"}],"nullable":true}`,
	} {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, schema string, seed uint64) {
		src := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{"S":` + schema + `}}}`
		doc, err := openapi.Parse(context.Background(), []byte(src))
		if err != nil {
			return
		}
		s := doc.Components.Schemas["S"]
		for _, dir := range []mock.Direction{mock.Request, mock.Response} {
			v, err := mock.NewGenerator(seed).Value(s, dir, "")
			if err != nil {
				continue
			}
			if err := visit(s, v, dir); err != nil {
				t.Fatalf("generated %#v, invalid: %v", v, err)
			}
		}
	})
}

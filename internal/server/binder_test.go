package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestIntegralNumbers: integers written with an exponent or a fraction become plain integer
// literals wherever they are; the input is never changed; a value with nothing to rewrite is
// returned as it is (the same map or slice, no copy).
func TestIntegralNumbers(t *testing.T) {
	decode := func(s string) any {
		var v any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatalf("decode %s: %v", s, err)
		}
		return v
	}
	for _, tc := range []struct {
		name, in, want string
		copied         bool
	}{
		{"nothing to rewrite", `{"a":1,"b":[1,2.5,"x"],"c":{"d":null,"e":true}}`, `{"a":1,"b":[1,2.5,"x"],"c":{"d":null,"e":true}}`, false},
		{"exponent at top", `{"a":1e2}`, `{"a":100}`, true},
		{"fraction in nested array", `{"a":{"b":[1,100.0,3]},"c":[7]}`, `{"a":{"b":[1,100,3]},"c":[7]}`, true},
		{"not integral stays", `{"a":1.5e0,"b":2.5}`, `{"a":1.5e0,"b":2.5}`, false},
		{"too large for an exact integer stays", `{"a":1e300}`, `{"a":1e300}`, false},
		{"top-level array", `[1e1,"x"]`, `[10,"x"]`, true},
		{"scalar", `4.0`, `4`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := decode(tc.in)
			before := decode(tc.in)
			got := integralNumbers(in)
			if !reflect.DeepEqual(in, before) {
				t.Errorf("input changed to %v", in)
			}
			gotJSON, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if want := decode(tc.want); !reflect.DeepEqual(decode(string(gotJSON)), want) {
				t.Errorf("got %s, want %s", gotJSON, tc.want)
			}
			if m, ok := in.(map[string]any); ok && !tc.copied {
				if reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(m).UnsafePointer() {
					t.Error("a value with nothing to rewrite was copied")
				}
			}
		})
	}
}

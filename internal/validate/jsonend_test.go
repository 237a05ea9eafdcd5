package validate

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestDataAfterFirstValue(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`{"id":"a"}`, false},
		{" \t\r\n{\"id\":\"a\"} \t\r\n", false},
		{`[1,[2,{"a":[]}]]`, false},
		{`{"id":"a"} {"id":"b"}`, true},
		{`{"id":"a"}}`, true},
		{`[1] x`, true},
		{`{"id":"}"} x`, true},
		{`{"id":"}"}`, false},
		{`{"id":"\"}"}`, false},
		{`{"id":"\\"} x`, true},
		{`{"id":"\\\"}"}`, false},
		{`{"id":`, false},     // unterminated: decoding reports it
		{`{"id":]} `, true},   // the bracket scan ends early: not JSON either way
		{`"text"`, false},     // scalar: json.Valid
		{`"text" x`, true},    // scalar followed by data
		{`12 13`, true},       // two scalars
		{`x{"id":"a"}`, true}, // no JSON at the start
		{` `, true},           // only white space is not a JSON value
	}
	for _, tt := range tests {
		if got := dataAfterFirstValue([]byte(tt.body)); got != tt.want {
			t.Errorf("dataAfterFirstValue(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

// FuzzDataAfterFirstValue checks the promise Request relies on, against encoding/json: a
// true answer means the body is not JSON; a false one means the body is JSON whenever its
// first value decodes.
func FuzzDataAfterFirstValue(f *testing.F) {
	for _, s := range []string{`{"id":"a"}`, `{"id":"a"} x`, `[{"a":"\"]"}]`, `"x" 1`, `{"a":[1,2}`, `{}` + "\n", `[]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		after := dataAfterFirstValue(body)
		valid := json.Valid(body)
		if after && valid {
			t.Fatalf("%q is valid JSON but was said to have data after its value", body)
		}
		var v any
		decodes := json.NewDecoder(bytes.NewReader(body)).Decode(&v) == nil
		if !after && decodes && !valid {
			t.Fatalf("%q: its first value decodes and no data was found after it, but it is not JSON", body)
		}
	})
}

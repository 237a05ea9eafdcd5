package conformance_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/internal/apidef"
)

func TestParseProfile(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    conformance.Profile
		wantErr string
	}{
		{"headers query and body", "headers: {X-Api-Key: k}\nquery: {key: q}\nbody:\n  ClientToken: c\n  authenticate: {email: a@b.c, type: B2C}\n  Count: 3\n",
			conformance.Profile{Headers: map[string]string{"X-Api-Key": "k"}, Query: map[string]string{"key": "q"},
				Body: map[string]any{"ClientToken": "c", "authenticate": map[string]any{"email": "a@b.c", "type": "B2C"}, "Count": 3.0}}, ""},
		{"JSON is YAML", `{"headers": {"Authorization": "Bearer t"}}`, conformance.Profile{Headers: map[string]string{"Authorization": "Bearer t"}}, ""},
		{"empty file", "", conformance.Profile{}, ""},
		{"typo in a key", "header: {X-Api-Key: k}\n", conformance.Profile{}, "field header not found"},
		{"header value not a string", "headers: {X: [1, 2]}\n", conformance.Profile{}, "profile:"},
		{"not YAML", "headers: {X: 1\n", conformance.Profile{}, "profile:"},
		{"unquoted date in body", "body: {since: 2024-01-01}\n", conformance.Profile{}, "since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := conformance.ParseProfile([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestProfileMergeFlagsWin(t *testing.T) {
	demo := conformance.ProfileFromDemo(apidef.DemoCredentials{Headers: map[string]string{"Authorization": "Bearer demo", "Accept-Language": "en"},
		Body: map[string]any{"ClientToken": "demo"}})
	got := demo.Merge(conformance.Profile{Headers: map[string]string{"Authorization": "Bearer mine"}, Query: map[string]string{"k": "v"},
		Body: map[string]any{"AccessToken": "a"}})
	want := conformance.Profile{Headers: map[string]string{"Authorization": "Bearer mine", "Accept-Language": "en"}, Query: map[string]string{"k": "v"},
		Body: map[string]any{"ClientToken": "demo", "AccessToken": "a"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if demo.Headers["Authorization"] != "Bearer demo" {
		t.Error("Merge changed the profile it was called on")
	}
}

func TestParseAssignment(t *testing.T) {
	for _, tc := range []struct{ in, k, v, err string }{
		{"Authorization=Bearer a=b", "Authorization", "Bearer a=b", ""},
		{"k=", "k", "", ""},
		{"novalue", "", "", "not key=value"},
		{"=v", "", "", "not key=value"},
	} {
		k, v, err := conformance.ParseAssignment(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || k != tc.k || v != tc.v {
			t.Errorf("%q: got %q %q %v, want %q %q", tc.in, k, v, err, tc.k, tc.v)
		}
	}
}

// FuzzParseProfile: any file given as --profile is refused with an error or read; never a
// panic, and a profile read once reads the same after a round trip through its JSON form.
func FuzzParseProfile(f *testing.F) {
	f.Add([]byte("headers: {X-Api-Key: k}\nbody: {authenticate: {email: a@b.c}}\n"))
	f.Add([]byte(`{"query": {"a": "b"}, "body": {"n": 1.5, "l": [true, null]}}`))
	f.Add([]byte("body: &a {x: *a}\n"))
	f.Add([]byte("headers: !!binary aGk=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := conformance.ParseProfile(data)
		if err != nil {
			return
		}
		again, err := conformance.ParseProfile(mustJSON(t, p))
		if err != nil {
			t.Fatalf("a profile read from %q does not read back from JSON: %v", data, err)
		}
		if !reflect.DeepEqual(normalEmpty(p), normalEmpty(again)) {
			t.Fatalf("round trip changed the profile: %#v -> %#v", p, again)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// normalEmpty treats an empty map like an absent one (omitempty drops it in JSON).
func normalEmpty(p conformance.Profile) conformance.Profile {
	if len(p.Headers) == 0 {
		p.Headers = nil
	}
	if len(p.Query) == 0 {
		p.Query = nil
	}
	if len(p.Body) == 0 {
		p.Body = nil
	}
	return p
}

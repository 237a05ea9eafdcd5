package validate_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/validate"
	"github.com/paxkit/paxkit/openapi"
)

func newValidator(t testing.TB, id string) *validate.Validator {
	t.Helper()
	doc, err := openapi.Load(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := validate.New(doc, "/"+id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFindRoute(t *testing.T) {
	v := newValidator(t, "tomp")
	tests := []struct {
		method, path string
		wantOp       string
		wantKind     apidef.Kind
	}{
		{"POST", "/tomp/collections/customers/items", "createCustomer", 0},
		{"GET", "/tomp/collections/customers/items/abc", "getCustomer", 0},
		{"GET", "/tomp/collections/customers/items", "", apidef.MethodNotAllowed},
		{"GET", "/tomp/collections/nope", "", apidef.RouteNotFound},
		{"GET", "/other/collections/customers/items/abc", "", apidef.RouteNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			route, f := v.FindRoute(httptest.NewRequest(tc.method, tc.path, nil))
			if tc.wantOp != "" {
				if f != nil || route.OperationID() != tc.wantOp {
					t.Errorf("got %v %v, want %s", route, f, tc.wantOp)
				}
				return
			}
			if f == nil || f.Kind != tc.wantKind {
				t.Fatalf("failure %v, want kind %v", f, tc.wantKind)
			}
			if tc.wantKind == apidef.MethodNotAllowed && fmt.Sprint(f.Allow) != "[POST]" {
				t.Errorf("Allow %v, want [POST]", f.Allow)
			}
		})
	}
}

// Every violation of a request comes back once, in a fixed order, with where it is.
func TestRequestViolations(t *testing.T) {
	v := newValidator(t, "tomp")
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   string
		want   []string // Violation.String(), with Missing marked by a leading "!"
	}{
		{name: "valid", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "application/json"}, body: `{"id":"x"}`},
		{name: "header, path and body together", method: "PATCH", path: "/tomp/collections/customers/items/" + strings.Repeat("a", 201),
			header: map[string]string{"Content-Type": "application/merge-patch+json"},
			body:   `{"email":7,"address":{"id":"P:x","colour":"red"},"customFields":{"a~b/c":5}}`,
			want: []string{
				"path customerId: maximum string length is 200",
				"!header Accept-Language: a value is required",
				"!body /address/addressLine1: is required",
				"body /address/colour: is not allowed here",
				"body /customFields/a~0b~1c: value must be a string",
				"body /email: value must be a string",
			}},
		{name: "malformed JSON", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "application/json"}, body: `{"id":`,
			want: []string{"body: is not valid JSON"}},
		{name: "data after the JSON value", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "application/json; charset=utf-8"}, body: `{"id":"a"} {"id":"b"}`,
			want: []string{"body: is not valid JSON: unexpected data after the JSON value at byte 10"}},
		{name: "impossible date and loose base64", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "application/json"}, body: `{"id":"a","dateOfBirth":"2020-02-30","photo":"a-_b"}`,
			want: []string{"body /dateOfBirth: ", "body /photo: "}},
		{name: "missing body", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "application/json"},
			want:   []string{"!body: a request body is required"}},
		{name: "wrong content type", method: "POST", path: "/tomp/collections/customers/items",
			header: map[string]string{"Accept-Language": "en", "Content-Type": "text/plain"}, body: `{"id":"x"}`,
			want: []string{`header Content-Type: "text/plain" is not accepted; send application/json`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			r := httptest.NewRequest(tc.method, tc.path, bytes.NewReader(body))
			if body == nil {
				r.Body = http.NoBody
			}
			for k, val := range tc.header {
				r.Header.Set(k, val)
			}
			route, f := v.FindRoute(r)
			if f != nil {
				t.Fatal(f)
			}
			f = v.Request(context.Background(), r, route, body)
			var got []string
			if f != nil {
				for _, x := range f.Violations {
					s := x.String()
					if x.Missing {
						s = "!" + s
					}
					got = append(got, s)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("violations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(strings.TrimPrefix(got[i], "!"), strings.TrimPrefix(tc.want[i], "!")) ||
					strings.HasPrefix(got[i], "!") != strings.HasPrefix(tc.want[i], "!") {
					t.Errorf("violation %d: %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestSchemaReportsPointersBelowPrefix(t *testing.T) {
	doc, err := openapi.Load(context.Background(), "tomp")
	if err != nil {
		t.Fatal(err)
	}
	type customer struct {
		ID           string            `json:"id"`
		CustomFields map[string]string `json:"customFields"`
	}
	got, err := validate.Schema(doc, "Customer", customer{ID: "x", CustomFields: map[string]string{"a": strings.Repeat("x", 1001)}}, "/customer")
	if err != nil || fmt.Sprint(got) != "[body /customer/customFields/a: maximum string length is 1000]" {
		t.Errorf("got %v %v", got, err)
	}
	if got, err := validate.Schema(doc, "Customer", customer{ID: "x"}, ""); err != nil || len(got) != 1 {
		t.Errorf("a null customFields map must be reported: %v %v", got, err)
	}
	if _, err := validate.Schema(doc, "NoSuchSchema", customer{}, ""); err == nil {
		t.Error("an unknown schema name must be an error")
	}
}

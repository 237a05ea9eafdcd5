package conformance

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

func exprContext() linkContext {
	u, _ := url.Parse("http://x/items/7?q=a")
	return linkContext{method: "POST", url: u, pathParams: map[string]string{"id": "7"},
		reqHeader: http.Header{"X-Trace": {"t1"}}, reqBody: map[string]any{"passengerId": 5.0, "address": map[string]any{"country": "NL"}},
		status: 201, respHeader: http.Header{"Location": {"/items/7"}},
		respBody: map[string]any{"id": "abc", "affectedIds": []any{12.0}, "note": nil, "a/b": "slash", "t~": "tilde"}}
}

func TestRuntimeExpressions(t *testing.T) {
	lc := exprContext()
	tests := []struct {
		expr   string
		want   any
		absent bool
	}{
		{"$url", "http://x/items/7?q=a", false},
		{"$method", "POST", false},
		{"$statusCode", 201.0, false},
		{"$request.path.id", "7", false},
		{"$request.query.q", "a", false},
		{"$request.header.X-Trace", "t1", false},
		{"$response.header.Location", "/items/7", false},
		{"$request.body#/address/country", "NL", false},
		{"$response.body#/affectedIds/0", 12.0, false},
		{"$response.body#/a~1b", "slash", false},
		{"$response.body#/t~0", "tilde", false},
		{"$response.body#/note", nil, true},
		{"$response.body#/missing", nil, true},
		{"$response.body#/affectedIds/1", nil, true},
		{"$request.path.other", nil, true},
		{"$request.query.none", nil, true},
		{"$response.header.None", nil, true},
	}
	for _, tc := range tests {
		got, err := lc.eval(tc.expr)
		var absent errAbsent
		if tc.absent {
			if !errors.As(err, &absent) {
				t.Errorf("%s: got %v, %v; want absent", tc.expr, got, err)
			}
			continue
		}
		if err != nil || !sameJSON(got, tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.expr, got, err, tc.want)
		}
	}
	if _, err := lc.eval("$nonsense"); err == nil || errors.As(err, new(errAbsent)) {
		t.Errorf("an unknown expression must be an error of the spec, not absent: %v", err)
	}
}

func TestEvalValueTemplatesAndTrees(t *testing.T) {
	lc := exprContext()
	got, err := lc.evalValue(map[string]any{"CustomerIds": []any{"$response.body#/id"}, "name": "item-{$request.path.id}-{$response.body#/id}", "n": 3.0})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"CustomerIds": []any{"abc"}, "name": "item-7-abc", "n": 3.0}
	if !sameJSON(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := lc.evalValue(map[string]any{"x": "pre-{$response.body#/note}"}); !errors.As(err, new(errAbsent)) {
		t.Errorf("a template with an absent value must be absent, got %v", err)
	}
}

func TestMangleKeepsShapeAndChanges(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Bearer paxkit-tomp-demo-token", "Bearer paxkit-tomp-demo-tokeo"},
		{"E0D439EE-522F", "E0D439EE-522A"},
		{"abc-F", "abc-A"},
		{"zz9", "zz0"},
		{"---", "---x"},
	} {
		if got := mangle(tc.in); got != tc.want {
			t.Errorf("mangle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	v := mangleValue(map[string]any{"email": "a@b.com", "type": "B2C", "n": 1.0}).(map[string]any)
	if v["email"] != "a@b.con" || v["type"] != "B2C" || v["n"] != 1.0 {
		t.Errorf("mangleValue: %v", v)
	}
}

func TestCompareReadBack(t *testing.T) {
	written := map[string]any{"Id": "1", "Name": "new", "Address": map[string]any{"City": "Utrecht"}}
	tests := []struct {
		name string
		read any
		want int
	}{
		{"same resource in a list", map[string]any{"Customers": []any{map[string]any{"Id": "2", "Name": "x"}, map[string]any{"Id": "1", "Name": "new", "Address": map[string]any{"City": "Utrecht"}, "Extra": 1.0}}}, 0},
		{"summary without the address", map[string]any{"Id": "1", "Name": "new"}, 0},
		{"stale name", map[string]any{"Id": "1", "Name": "old", "Address": map[string]any{"City": "Utrecht"}}, 1},
		{"address shown without the city", map[string]any{"Id": "1", "Name": "new", "Address": map[string]any{}}, 1},
		{"resource missing from a list of them", map[string]any{"Customers": []any{map[string]any{"Id": "2"}}}, 1},
		{"read of something else", map[string]any{"Balance": 3.0}, 0},
	}
	for _, tc := range tests {
		if got := compareReadBack(written, tc.read, "Id"); len(got) != tc.want {
			t.Errorf("%s: %v, want %d problem(s)", tc.name, got, tc.want)
		}
	}
}

// FuzzLinkExpression: expressions come from spec files anyone can write; evaluating one never
// panics, and an error is either "absent" or a named problem.
func FuzzLinkExpression(f *testing.F) {
	for _, s := range []string{"$response.body#/affectedIds/0", "$request.path.id", "x-{$response.body#/id}-{", "$request.body#", "$response.body#/~2/~", "{$}"} {
		f.Add(s)
	}
	lc := exprContext()
	f.Fuzz(func(t *testing.T, expr string) {
		v, err := lc.evalValue(map[string]any{"v": expr, "l": []any{expr}})
		if err == nil && v == nil {
			t.Fatalf("%q: no value and no error", expr)
		}
		_ = pointerString([]string{expr})
		_, _ = resolvePointer(lc.respBody, expr)
	})
}

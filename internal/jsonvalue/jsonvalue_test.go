package jsonvalue_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paxkit/paxkit/internal/jsonvalue"
)

func TestCopyIsDeepAndEqual(t *testing.T) {
	var orig any
	if err := json.Unmarshal([]byte(`{"a":{"b":[1,{"c":"d"}],"e":null},"f":[[true]],"g":"h"}`), &orig); err != nil {
		t.Fatal(err)
	}
	var again any
	_ = json.Unmarshal([]byte(`{"a":{"b":[1,{"c":"d"}],"e":null},"f":[[true]],"g":"h"}`), &again)
	cp := jsonvalue.Copy(orig)
	if !reflect.DeepEqual(cp, orig) {
		t.Fatalf("copy %v differs from %v", cp, orig)
	}
	// Change every level of the copy; the original must stay as decoded.
	m := cp.(map[string]any)
	m["g"] = "changed"
	inner := m["a"].(map[string]any)
	inner["e"] = 1
	inner["b"].([]any)[1].(map[string]any)["c"] = "changed"
	m["f"].([]any)[0].([]any)[0] = false
	if !reflect.DeepEqual(orig, again) {
		t.Errorf("changing the copy changed the original: %v", orig)
	}
	for _, scalar := range []any{nil, "s", 1.5, true, json.Number("2")} {
		if got := jsonvalue.Copy(scalar); got != scalar {
			t.Errorf("Copy(%v) = %v", scalar, got)
		}
	}
}

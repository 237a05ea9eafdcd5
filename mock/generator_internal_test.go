package mock

import (
	"context"
	"regexp"
	"testing"

	"github.com/paxkit/paxkit/openapi"
)

// TestCachesDoNotGrowPerValue: the Responder keeps its Generators for the life of the process,
// so their caches must hold per schema, never per value. oneOf and anyOf branches used to be
// merged into a fresh schema per value, which cached one more entry every time.
func TestCachesDoNotGrowPerValue(t *testing.T) {
	src := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"schemas":{
		"S":{"type":"object","required":["pet","id"],"properties":{
			"id":{"anyOf":[{"type":"string","format":"uuid"},{"type":"integer"}]},
			"pet":{"oneOf":[
				{"type":"object","required":["kind","lives"],"properties":{"kind":{"type":"string","enum":["cat"]},"lives":{"type":"integer","minimum":1,"maximum":9}}},
				{"type":"object","required":["kind"],"properties":{"kind":{"type":"string","enum":["dog"]},"bark":{"type":"string","pattern":"^wo+f$"}}}]}}}}}}`
	doc, err := openapi.Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas["S"]
	g := NewGenerator(1)
	sizes := func() [6]int {
		return [6]int{len(g.patterns), len(g.merged), len(g.composed), len(g.sure), len(g.props), len(g.names) + len(g.surePattern)}
	}
	var warm [6]int
	for i := range 300 {
		g.Reseed(uint64(i))
		if _, err := g.Value(s, Response, ""); err != nil {
			t.Fatal(err)
		}
		if i == 99 {
			warm = sizes()
		}
	}
	if got := sizes(); got != warm {
		t.Errorf("cache sizes grew from %v after 100 values to %v after 300", warm, got)
	}
}

// TestOnlyMatch: a fully anchored pattern of literals has one string; anything with a choice,
// an optional part, case folding or no anchors has more.
func TestOnlyMatch(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
		single  bool
	}{
		{`^(place)$`, "place", true},
		{`^place$`, "place", true},
		{`^P:(home)$`, "P:home", true},
		{`^\$x\.y$`, "$x.y", true},
		{`^$`, "", true},
		{`place`, "", false},
		{`^place`, "", false},
		{`^(?i)place$`, "", false},
		{`^(a|b)$`, "", false},
		{`^pl(ace)?$`, "", false},
		{`^[A-Z]{2}$`, "", false},
		{`^a+$`, "", false},
		{`(`, "", false},
	}
	for _, tt := range tests {
		got, single := onlyMatch(tt.pattern)
		if got != tt.want || single != tt.single {
			t.Errorf("onlyMatch(%q) = %q, %v; want %q, %v", tt.pattern, got, single, tt.want, tt.single)
		}
	}
}

// FuzzOnlyMatch: the patterns come from contracts paxkit mock is handed; whatever onlyMatch
// calls a pattern's one string must match it, and nothing around it may.
func FuzzOnlyMatch(f *testing.F) {
	for _, p := range []string{`^(place)$`, `^a|b$`, `^(?i)x$`, `^\x41\.$`, `\Ax\z`, `^(?m)a$`, `^$`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, src string) {
		only, single := onlyMatch(src)
		if !single {
			return
		}
		re, err := regexp.Compile(src)
		if err != nil {
			t.Fatalf("onlyMatch(%q) = %q, but the pattern does not compile: %v", src, only, err)
		}
		if !re.MatchString(only) {
			t.Fatalf("onlyMatch(%q) = %q, which the pattern does not match", src, only)
		}
		for _, other := range []string{"x" + only, only + "x", only + "\n"} {
			if re.MatchString(other) {
				t.Fatalf("onlyMatch(%q) = %q, but the pattern matches %q too", src, only, other)
			}
		}
	})
}

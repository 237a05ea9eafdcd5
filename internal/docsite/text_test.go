package docsite

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		notWant  []string
	}{
		{name: "wrapped paragraph joins", in: "one line\nwrapped here\n\nsecond", want: []string{`<p class="desc">one line wrapped here</p>`, `<p class="desc">second</p>`}},
		{name: "code and bold", in: "use `Client` **now**", want: []string{"use <code>Client</code> <strong>now</strong>"}},
		{name: "list with continuation", in: "Decisions:\n- first\n  continues\n- second", want: []string{`<p class="desc">Decisions:</p>`, "<li>first continues</li><li>second</li>"}},
		{name: "heading", in: "## Decisions\ntext", want: []string{`<p class="desc-heading">Decisions</p>`, `<p class="desc">text</p>`}},
		{name: "table kept as text", in: "| a | b |\n|---|---|\n| 1 | 2 |", want: []string{"<pre class=\"desc-table\">| a | b |\n|---|---|\n| 1 | 2 |</pre>"}},
		{name: "markup is escaped", in: "<script>alert(1)</script> `<b>` **<i>**", want: []string{"&lt;script&gt;", "<code>&lt;b&gt;</code>", "<strong>&lt;i&gt;</strong>"}, notWant: []string{"<script>", "<b>", "<i>"}},
		{name: "empty", in: "", want: nil, notWant: []string{"<p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(describe(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("describe(%q) lacks %q:\n%s", tt.in, w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("describe(%q) contains %q:\n%s", tt.in, w, got)
				}
			}
		})
	}
}

// FuzzDescribe feeds arbitrary descriptions (a --spec file is untrusted input) to the
// renderer: it must not panic, and no tag may appear that the renderer did not write.
func FuzzDescribe(f *testing.F) {
	for _, seed := range []string{"", "a\n\nb", "- x\n  y\n- z", "## h", "| a |", "`c` **b**", "<script>", "**`x`**", "`**x**`", "1. one\n2) two"} {
		f.Add(seed)
	}
	allowed := map[string]bool{"p": true, "/p": true, "ul": true, "/ul": true, "li": true, "/li": true, "code": true, "/code": true,
		"strong": true, "/strong": true, "pre": true, "/pre": true}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(describe(in))
		for i := strings.IndexByte(out, '<'); i >= 0; {
			rest := out[i+1:]
			end := strings.IndexAny(rest, " >")
			if end < 0 {
				t.Fatalf("unterminated tag in %q", out)
			}
			if !allowed[rest[:end]] {
				t.Fatalf("describe(%q) wrote tag %q", in, rest[:end])
			}
			next := strings.IndexByte(rest, '<')
			if next < 0 {
				break
			}
			i = i + 1 + next
		}
	})
}

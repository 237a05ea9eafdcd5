package jsonwrite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"
)

// escapingClasses are strings of every class encoding/json treats apart: quotes and
// backslashes, named and \u00XX control characters, <>& (HTML escaping), DEL, U+2028/U+2029,
// invalid UTF-8 (lone continuation bytes, truncated sequences, surrogates, overlong forms),
// U+FFFD itself, and non-ASCII text.
var escapingClasses = []string{
	"", `"quoted"`, `back\slash`, "\b\f\n\r\t", "\x00\x01\x1f", "<script>&amp;</script>", "\x7f",
	"line\u2028sep\u2029par", "\x80", "a\xffb", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\ufffd",
	"Žofie Ångström", "日本語", "emoji 😀", "mixed \"<\u2028\xfe>\" end\\",
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStringMatchesEncodingJSON: String answers json.Marshal's bytes for every escaping class,
// every single byte, every pair of bytes and runes across the whole range.
func TestStringMatchesEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
	for _, s := range escapingClasses {
		check(s)
		check("x" + s + "y")
	}
	for i := range 256 {
		check(string([]byte{byte(i)}))
		for j := range 256 {
			check(string([]byte{byte(i), byte(j)}))
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r += 97 {
		check("a" + string(r) + "b")
	}
}

// TestStringReplacing: invalid UTF-8 is written as the given text, one per invalid byte;
// everything else as String writes it.
func TestStringReplacing(t *testing.T) {
	for in, want := range map[string]string{
		"a\xffb":     "\"a\uFFFDb\"",
		"\xe2\x82":   "\"\uFFFD\uFFFD\"",
		"<ok>\u2028": `"\u003cok\u003e\u2028"`,
	} {
		if got := string(StringReplacing(nil, in, "\uFFFD")); got != want {
			t.Errorf("StringReplacing(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestWritersMatchEncodingJSON: each writer gives json.Marshal's bytes for the Go value it
// stands for, and fails where json.Marshal (or the value's parsing) fails.
func TestWritersMatchEncodingJSON(t *testing.T) {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	type same struct {
		name string
		got  func() ([]byte, error)
		want any
	}
	upper := "FADD5BB6-B428-45D5-94F8-FD0D89FECE6D"
	date, _ := time.Parse(openapi_types.DateFormat, "1990-02-28")
	zone := time.Date(2020, 5, 6, 7, 8, 9, 10, time.FixedZone("", 5*3600+30*60))
	var cases []same
	cases = append(cases,
		same{"true", func() ([]byte, error) { return Bool(nil, true), nil }, true},
		same{"nil string", func() ([]byte, error) { return OptString(nil, nil), nil }, (*string)(nil)},
		same{"string", func() ([]byte, error) { return OptString(nil, s("<a>")), nil }, "<a>"},
		same{"nil list", func() ([]byte, error) { return Strings(nil, nil), nil }, []string(nil)},
		same{"empty list", func() ([]byte, error) { return Strings(nil, []string{}), nil }, []string{}},
		same{"list", func() ([]byte, error) { return Strings(nil, []string{"a", "\"b\""}), nil }, []string{"a", "\"b\""}},
		same{"upper-case uuid", func() ([]byte, error) { return UUID(nil, upper) }, uuid.MustParse(upper)},
		same{"braced uuid", func() ([]byte, error) { return UUID(nil, "{"+upper+"}") }, uuid.MustParse(upper)},
		same{"nil uuid", func() ([]byte, error) { return OptUUID(nil, nil) }, (*uuid.UUID)(nil)},
		same{"date", func() ([]byte, error) { return OptDate(nil, s("1990-02-28")) }, openapi_types.Date{Time: date}},
		same{"nil date", func() ([]byte, error) { return OptDate(nil, nil) }, (*openapi_types.Date)(nil)},
		same{"time with a zone", func() ([]byte, error) { return Time(nil, zone) }, zone},
		same{"nil number", func() ([]byte, error) { return OptFloat(nil, nil) }, (*float64)(nil)},
	)
	for _, v := range []float64{0, -0.0, 1, -1.5, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, 5e-324, math.MaxFloat64, -1e-9} {
		cases = append(cases, same{"number " + string(marshal(t, v)), func() ([]byte, error) { return OptFloat(nil, f(v)) }, v})
	}
	for _, c := range cases {
		got, err := c.got()
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if want := marshal(t, c.want); !bytes.Equal(got, want) {
			t.Errorf("%s: got %s, want %s", c.name, got, want)
		}
	}
	for name, fails := range map[string]func() error{
		"not a uuid": func() error { _, err := UUID(nil, "nope"); return err },
		"not a date": func() error { _, err := OptDate(nil, s("1990-02-30")); return err },
		"year 10000": func() error { _, err := Time(nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); return err },
		"NaN":        func() error { _, err := OptFloat(nil, f(math.NaN())); return err },
		"infinity":   func() error { _, err := OptFloat(nil, f(math.Inf(-1))); return err },
	} {
		if fails() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestObject writes fields in the table's order and names the field that failed.
func TestObject(t *testing.T) {
	type pair struct{ a, b string }
	fields := []Field[pair]{
		{Name: "B", Write: func(b []byte, p *pair) ([]byte, error) { return OK(String(b, p.b)) }},
		{Name: "A", Write: func(b []byte, p *pair) ([]byte, error) { return UUID(b, p.a) }},
	}
	got, err := Object(nil, fields, &pair{a: "fadd5bb6-b428-45d5-94f8-fd0d89fece6d", b: "x"})
	if want := `{"B":"x","A":"fadd5bb6-b428-45d5-94f8-fd0d89fece6d"}`; err != nil || string(got) != want {
		t.Errorf("Object = %s, %v; want %s", got, err, want)
	}
	if _, err := Object(nil, fields, &pair{a: "nope"}); err == nil || err.Error()[:2] != "A:" {
		t.Errorf("a failing field gives %v, want an error naming A", err)
	}
}

// FuzzString: any string, String writes json.Marshal's bytes.
func FuzzString(f *testing.F) {
	for _, s := range escapingClasses {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := String(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// BenchmarkString compares String with json.Marshal of the plain string, the other way to get
// encoding/json's escaping.
func BenchmarkString(b *testing.B) {
	const s = "Anna-Lena Smith <anna.lena@example.com>, Praha 1"
	b.Run("String", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 128)
		for b.Loop() {
			buf = String(buf[:0], s)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 128)
		for b.Loop() {
			q, err := json.Marshal(s)
			if err != nil {
				b.Fatal(err)
			}
			buf = append(buf[:0], q...)
		}
	})
}

// parsedDate is OptDate without its shortcut: the parse-and-format definition it keeps to.
func parsedDate(s string) (string, error) {
	t, err := time.Parse(openapi_types.DateFormat, s)
	if err != nil {
		return "", err
	}
	return `"` + t.Format(openapi_types.DateFormat) + `"`, nil
}

func checkDate(t *testing.T, s string) {
	t.Helper()
	got, err := OptDate(nil, &s)
	want, wantErr := parsedDate(s)
	if (err != nil) != (wantErr != nil) || string(got) != want && err == nil {
		t.Fatalf("OptDate(%q) = %s, %v; parsing gives %s, %v", s, got, err, want, wantErr)
	}
}

// Every day of every month of years around the leap rules, and the impossible ones next to
// them, write as parsing and formatting them does.
func TestOptDateMatchesParsing(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9999} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				checkDate(t, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	for _, s := range []string{"", "2024-1-01", "2024-01-1", "2024/01/01", "2024-01-01T00:00:00Z", " 2024-01-01",
		"2024-01-0a", "+024-01-01", "2024-001-1", "20240-01-01", "99999-01-01"} {
		checkDate(t, s)
	}
}

func FuzzOptDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-01-01", "2024-13-01", "1990-02-30"} {
		f.Add(s)
	}
	f.Fuzz(checkDate)
}

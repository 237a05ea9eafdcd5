package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// populate fills two tenants in every table.
func populate(t testing.TB, f fixture) {
	t.Helper()
	f.put(t, "demo", ann, bob, amy)
	f.put(t, "other", account{ID: "a1", Email: "ann@x.io", Name: "Other Ann", Created: "2020"})
	f.update(t, "demo", func(tx *Tx) error {
		f.bookings.Put(tx, booking{ID: "b2", Account: "a1", Ref: "R2"})
		f.bookings.Put(tx, booking{ID: "b1", Account: "a1"})
		return f.notes.Put(tx, &note{ID: "n1", Text: "hello"})
	})
}

func TestExportImportRoundTrip(t *testing.T) {
	f := newFixture()
	populate(t, f)
	snap, err := f.s.Export()
	if err != nil {
		t.Fatal(err)
	}
	// Shape: every table, tenants without records left out, records ordered by id.
	if got := string(snap["bookings"]["demo"][0]); got != `{"id":"b1","account":"a1"}` {
		t.Errorf("first booking %s, want b1 (ordered by id)", got)
	}
	if _, ok := snap["bookings"]["other"]; ok {
		t.Error("tenant without bookings exported")
	}
	if len(snap) != 3 {
		t.Errorf("tables exported: %d, want 3", len(snap))
	}
	text, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}

	g := newFixture()
	g.put(t, "stale", account{ID: "gone"}) // replaced: the snapshot names every table
	var back Snapshot
	if err := json.Unmarshal(text, &back); err != nil {
		t.Fatal(err)
	}
	if err := g.s.Import(back); err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got, want := g.export(t), string(text); got != want {
		t.Errorf("round trip:\n got %s\nwant %s", got, want)
	}
	if got := g.s.Tenants(); !reflect.DeepEqual(got, []string{"demo", "other"}) {
		t.Errorf("tenants after import: %v", got)
	}
	// Imported records are indexed.
	g.s.View("demo", func(tx *Tx) error {
		if got := ids(g.accounts.Lookup(tx, "email", "ann@x.io")); !reflect.DeepEqual(got, []string{"a1"}) {
			t.Errorf("lookup after import: %v", got)
		}
		if got := ids(g.accounts.Scan(tx, "created", Query{}).Items); !reflect.DeepEqual(got, []string{"a1", "a2", "a3"}) {
			t.Errorf("order after import: %v", got)
		}
		return nil
	})
	g.verify(t)
}

func TestImportKeepsTablesNotNamed(t *testing.T) {
	f := newFixture()
	populate(t, f)
	err := f.s.Import(Snapshot{"bookings": {"other": {json.RawMessage(`{"id":"x","account":"a1"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	f.s.View("demo", func(tx *Tx) error {
		if n := f.accounts.Len(tx); n != 3 {
			t.Errorf("accounts of demo: %d, want 3 (table not named)", n)
		}
		if n := f.bookings.Len(tx); n != 0 {
			t.Errorf("bookings of demo: %d, want 0 (table named, tenant not)", n)
		}
		return nil
	})
	f.s.View("other", func(tx *Tx) error {
		if n := f.bookings.Len(tx); n != 1 {
			t.Errorf("bookings of other: %d, want 1", n)
		}
		return nil
	})
	f.verify(t)
}

func TestReset(t *testing.T) {
	f := newFixture()
	populate(t, f)
	f.s.Reset()
	if got := f.s.Tenants(); len(got) != 0 {
		t.Errorf("tenants after Reset: %v", got)
	}
	if got, want := f.export(t), `{"accounts":{},"bookings":{},"notes":{}}`; got != want {
		t.Errorf("export after Reset: %s", got)
	}
	f.s.View("demo", func(tx *Tx) error {
		if f.accounts.Len(tx) != 0 || len(f.accounts.Lookup(tx, "email", "ann@x.io")) != 0 {
			t.Error("records left after Reset")
		}
		return nil
	})
	// Keys of dropped records are free again.
	f.put(t, "demo", ann)
	f.verify(t)
}

func TestImportErrors(t *testing.T) {
	manyBad := `{"accounts":{"demo":[` + strings.Repeat(`{"id":""},`, 149) + `{"id":""}]}}`
	cases := []struct {
		name string
		snap string
		want []string // each must appear in the error
		n    int      // number of problems listed
	}{
		{"unknown table", `{"nope":{"demo":[]}}`, []string{`unknown table "nope"`}, 1},
		{"empty tenant", `{"accounts":{"":[{"id":"x"}]}}`, []string{`accounts: empty tenant name`}, 1},
		{"duplicate id", `{"accounts":{"demo":[{"id":"x"},{"id":"y"},{"id":"x"}]}}`,
			[]string{`accounts/demo[2]: duplicate id "x" (also record 0)`}, 1},
		{"empty id", `{"accounts":{"demo":[{"id":"x"},{"name":"no id"}]}}`, []string{`accounts/demo[1]: empty id`}, 1},
		{"unique clash", `{"accounts":{"demo":[{"id":"x","email":"A@b"},{"id":"y","email":"a@B"}]}}`,
			[]string{`accounts/demo[1]: key "a@b" of unique index "email" already belongs to id "x" (record 0)`}, 1},
		{"unknown field", `{"accounts":{"demo":[{"id":"x","colour":"red"}]}}`, []string{`accounts/demo[0]: json: unknown field "colour"`}, 1},
		{"wrong type", `{"bookings":{"demo":[{"id":1}]}}`, []string{`bookings/demo[0]: json: cannot unmarshal number`}, 1},
		{"not an object", `{"bookings":{"demo":["x"]}}`, []string{`bookings/demo[0]: json: cannot unmarshal string`}, 1},
		{"validate", `{"accounts":{"demo":[{"id":"x","balance":-5}]}}`, []string{`accounts/demo[0]: negative balance -5`}, 1},
		{"null record of a pointer table", `{"notes":{"demo":[null]}}`, []string{`notes/demo[0]: panic:`}, 1},
		{"every problem, in every table and tenant", `{
			"nope":{},
			"accounts":{
				"demo":[{"id":"x","balance":-1},{"id":"x"},{"id":""},{"id":"y","phones":["+1"]},{"id":"z","phones":["+2","+1"]}],
				"other":[{"id":"q","extra":true}]},
			"notes":{"demo":[{"id":"n","text":""}]}}`,
			[]string{
				`unknown table "nope"`,
				`accounts/demo[0]: negative balance -1`,
				`accounts/demo[1]: duplicate id "x" (also record 0)`,
				`accounts/demo[2]: empty id`,
				`accounts/demo[4]: key "+1" of unique index "phone" already belongs to id "y" (record 3)`,
				`accounts/other[0]: json: unknown field "extra"`,
				`notes/demo[0]: empty text`,
			}, 7},
		{"problems beyond the limit are counted", manyBad,
			[]string{`accounts/demo[0]: empty id`, `accounts/demo[99]: empty id`, `... and 50 more problems`}, maxProblems + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			populate(t, f)
			before := f.export(t)
			var snap Snapshot
			if err := json.Unmarshal([]byte(c.snap), &snap); err != nil {
				t.Fatal(err)
			}
			err := f.s.Import(snap)
			if err == nil {
				t.Fatal("Import succeeded")
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			if n := len(strings.Split(msg, "\n")); n != c.n {
				t.Errorf("%d problems listed, want %d:\n%s", n, c.n, msg)
			}
			if after := f.export(t); after != before {
				t.Errorf("failed Import changed the store:\n%s\n%s", before, after)
			}
		})
	}
	// A raw record that is not valid JSON (a Snapshot built in code) or has trailing data.
	f := newFixture()
	err := f.s.Import(Snapshot{"bookings": {"demo": {json.RawMessage(`{"id":"a","account":"x"} {}`), json.RawMessage(``), json.RawMessage(`{`)}}})
	for _, w := range []string{"bookings/demo[0]: unexpected data after the record", "bookings/demo[1]: empty record", "bookings/demo[2]: unexpected EOF"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
}

// TestImportConcurrentWithTransactions checks that Import, Export and Reset coexist with
// transactions without deadlocks or races.
func TestImportConcurrentWithTransactions(t *testing.T) {
	f := newFixture()
	populate(t, f)
	snap, err := f.s.Export()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			f.s.Update(fmt.Sprintf("t%d", i%3), func(tx *Tx) error {
				return f.accounts.Put(tx, account{ID: fmt.Sprint(i)})
			})
			f.s.View("demo", func(tx *Tx) error { f.accounts.Scan(tx, "created", Query{}); return nil })
		}
	}()
	for range 20 {
		if err := f.s.Import(snap); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Export(); err != nil {
			t.Fatal(err)
		}
		f.s.Reset()
	}
	<-done
	f.verify(t)
}

// Naming every table from TableNames in one Import replaces the whole state at once.
func TestTableNamesReplaceEverything(t *testing.T) {
	f := newFixture()
	names := f.s.TableNames()
	if len(names) < 2 || names[0] != "accounts" {
		t.Fatalf("TableNames %v, want the fixture's tables in registration order", names)
	}
	if err := f.s.Update("demo", func(tx *Tx) error { return f.accounts.Put(tx, ann) }); err != nil {
		t.Fatal(err)
	}
	snap := Snapshot{}
	for _, n := range names {
		snap[n] = map[string][]json.RawMessage{}
	}
	if err := f.s.Import(snap); err != nil {
		t.Fatal(err)
	}
	if got := f.s.Tenants(); len(got) != 0 {
		t.Errorf("tenants with records after replacing every table with nothing: %v", got)
	}
}

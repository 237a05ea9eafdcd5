package store

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	ann = account{ID: "a1", Email: "Ann@X.io", Phones: []string{"+1", "+2"}, Name: "Ann Lee", Created: "2024-01"}
	bob = account{ID: "a2", Email: "bob@x.io", Name: "Bob Lee", Created: "2024-02"}
	amy = account{ID: "a3", Name: "ann", Created: "2024-03"}
)

func TestPutGetDeleteLookupLen(t *testing.T) {
	f := newFixture()
	f.put(t, "demo", ann, bob, amy)

	reads := []struct {
		name string
		read func(tx *Tx) any
		want any
	}{
		{"get", func(tx *Tx) any { v, ok := f.accounts.Get(tx, "a1"); return []any{v, ok} }, []any{ann, true}},
		{"get missing", func(tx *Tx) any { v, ok := f.accounts.Get(tx, "zz"); return []any{v, ok} }, []any{account{}, false}},
		{"len", func(tx *Tx) any { return f.accounts.Len(tx) }, 3},
		{"lookup unique lowercased", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "email", "ann@x.io")) }, []string{"a1"}},
		{"lookup unique as stored is not normalised by the store", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "email", "Ann@X.io")) }, []string{}},
		{"lookup second of several unique keys", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "phone", "+2")) }, []string{"a1"}},
		{"lookup multi ordered by id", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "lee")) }, []string{"a1", "a2"}},
		{"lookup multi other token", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "ann")) }, []string{"a1", "a3"}},
		{"lookup multi full value", func(tx *Tx) any { return f.accounts.Lookup(tx, "name", "bob") }, []account{bob}},
		{"lookup missing key", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "nobody")) }, []string{}},
		{"empty key is never indexed", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "email", "")) }, []string{}},
		{"count multi", func(tx *Tx) any { return f.accounts.Count(tx, "name", "lee") }, 2},
		{"count unique", func(tx *Tx) any { return f.accounts.Count(tx, "email", "ann@x.io") }, 1},
		{"count missing key", func(tx *Tx) any { return f.accounts.Count(tx, "name", "nobody") }, 0},
		{"count in an empty table", func(tx *Tx) any { return f.bookings.Count(tx, "account", "a1") }, 0},
		{"other table is empty", func(tx *Tx) any { return f.bookings.Len(tx) }, 0},
	}
	for _, c := range reads {
		t.Run(c.name, func(t *testing.T) {
			f.s.View("demo", func(tx *Tx) error {
				if got := c.read(tx); !reflect.DeepEqual(got, c.want) {
					t.Errorf("got %#v, want %#v", got, c.want)
				}
				return nil
			})
		})
	}

	f.update(t, "demo", func(tx *Tx) error {
		if v, ok := f.accounts.Delete(tx, "a1"); !ok || !reflect.DeepEqual(v, ann) {
			t.Errorf("Delete(a1) = %v, %v; want ann, true", v, ok)
		}
		if _, ok := f.accounts.Delete(tx, "a1"); ok {
			t.Error("second Delete(a1) reported a record")
		}
		return nil
	})
	afterDelete := []struct {
		name string
		read func(tx *Tx) any
		want any
	}{
		{"get deleted", func(tx *Tx) any { _, ok := f.accounts.Get(tx, "a1"); return ok }, false},
		{"len", func(tx *Tx) any { return f.accounts.Len(tx) }, 2},
		{"unique key released", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "email", "ann@x.io")) }, []string{}},
		{"all unique keys released", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "phone", "+1")) }, []string{}},
		{"multi key released", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "lee")) }, []string{"a2"}},
		{"ordered entry released", func(tx *Tx) any { return ids(f.accounts.Scan(tx, "created", Query{}).Items) }, []string{"a2", "a3"}},
	}
	for _, c := range afterDelete {
		t.Run("after delete/"+c.name, func(t *testing.T) {
			f.s.View("demo", func(tx *Tx) error {
				if got := c.read(tx); !reflect.DeepEqual(got, c.want) {
					t.Errorf("got %#v, want %#v", got, c.want)
				}
				return nil
			})
		})
	}
	f.verify(t)
}

func TestPutEmptyID(t *testing.T) {
	f := newFixture()
	err := f.s.Update("demo", func(tx *Tx) error { return f.accounts.Put(tx, account{Email: "x@y"}) })
	if !errors.Is(err, ErrEmptyID) {
		t.Fatalf("Put without id: %v, want ErrEmptyID", err)
	}
	if got := f.s.Tenants(); len(got) != 0 {
		t.Errorf("tenants after a refused Put: %v", got)
	}
}

// TestCloneIsolation mutates values on every way in and out of the store and checks that the
// stored record did not change.
func TestCloneIsolation(t *testing.T) {
	mutate := func(a *account) {
		a.Phones[0] = "+999"
		a.Name = "changed"
	}
	cases := []struct {
		name string
		do   func(f fixture, tx *Tx) error
	}{
		{"value given to Put", func(f fixture, tx *Tx) error {
			v := ann
			v.Phones = []string{"+1", "+2"}
			if err := f.accounts.Put(tx, v); err != nil {
				return err
			}
			mutate(&v)
			return nil
		}},
		{"value from Get", func(f fixture, tx *Tx) error {
			v, _ := f.accounts.Get(tx, "a1")
			mutate(&v)
			return nil
		}},
		{"value from Lookup", func(f fixture, tx *Tx) error {
			mutate(&f.accounts.Lookup(tx, "email", "ann@x.io")[0])
			return nil
		}},
		{"value from Scan", func(f fixture, tx *Tx) error {
			mutate(&f.accounts.Scan(tx, "", Query{Limit: 1}).Items[0])
			return nil
		}},
		{"value from Delete, rolled back", func(f fixture, tx *Tx) error {
			v, _ := f.accounts.Delete(tx, "a1")
			mutate(&v)
			return errors.New("roll back")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.put(t, "demo", ann)
			f.s.Update("demo", func(tx *Tx) error { return c.do(f, tx) })
			f.s.View("demo", func(tx *Tx) error {
				if got, _ := f.accounts.Get(tx, "a1"); !reflect.DeepEqual(got, ann) {
					t.Errorf("stored record changed to %+v", got)
				}
				return nil
			})
			f.verify(t)
		})
	}
}

func TestUniqueConflicts(t *testing.T) {
	cases := []struct {
		name    string
		put     account
		want    *ConflictError // nil: the Put succeeds
		lookups map[string][]string
	}{
		{
			name: "insert with a taken key",
			put:  account{ID: "a9", Email: "ANN@x.io"},
			want: &ConflictError{Table: "accounts", Index: "email", Key: "ann@x.io", ID: "a1"},
		},
		{
			name: "insert with one of several keys taken",
			put:  account{ID: "a9", Phones: []string{"+7", "+2"}},
			want: &ConflictError{Table: "accounts", Index: "phone", Key: "+2", ID: "a1"},
		},
		{
			name: "replace taking another record's key",
			put:  account{ID: "a2", Email: "bob@x.io", Phones: []string{"+1"}},
			want: &ConflictError{Table: "accounts", Index: "phone", Key: "+1", ID: "a1"},
		},
		{
			name:    "replace keeping its own keys",
			put:     account{ID: "a1", Email: "ann@x.io", Phones: []string{"+2", "+1"}, Name: "Ann Other"},
			lookups: map[string][]string{"email:ann@x.io": {"a1"}, "phone:+1": {"a1"}, "phone:+2": {"a1"}},
		},
		{
			name: "replace changing keys releases the old ones",
			put:  account{ID: "a1", Email: "new@x.io", Phones: []string{"+2", "+3"}},
			lookups: map[string][]string{
				"email:ann@x.io": {}, "email:new@x.io": {"a1"},
				"phone:+1": {}, "phone:+2": {"a1"}, "phone:+3": {"a1"},
			},
		},
		{
			name:    "duplicate keys within one record",
			put:     account{ID: "a9", Phones: []string{"+9", "+9", ""}},
			lookups: map[string][]string{"phone:+9": {"a9"}, "phone:": {}},
		},
		{
			name:    "empty keys never clash",
			put:     account{ID: "a9"},
			lookups: map[string][]string{"email:": {}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.put(t, "demo", ann, bob)
			before := f.export(t)
			err := f.s.Update("demo", func(tx *Tx) error { return f.accounts.Put(tx, c.put) })
			if c.want != nil {
				var ce *ConflictError
				if !errors.As(err, &ce) || *ce != *c.want {
					t.Fatalf("Put = %v, want %+v", err, c.want)
				}
				if after := f.export(t); after != before {
					t.Errorf("refused Put changed the store:\n%s\n%s", before, after)
				}
			} else if err != nil {
				t.Fatalf("Put: %v", err)
			}
			f.s.View("demo", func(tx *Tx) error {
				// Normalising keys must not reorder the record's own slices.
				if got, _ := f.accounts.Get(tx, c.put.ID); c.want == nil && !reflect.DeepEqual(got, c.put) {
					t.Errorf("stored %+v, want %+v", got, c.put)
				}
				for q, want := range c.lookups {
					index, key, _ := strings.Cut(q, ":")
					if got := ids(f.accounts.Lookup(tx, index, key)); !reflect.DeepEqual(got, want) {
						t.Errorf("Lookup(%s, %q) = %v, want %v", index, key, got, want)
					}
				}
				return nil
			})
			f.verify(t)
		})
	}

	// A key released by a replace can be taken by another record at once, in the same
	// transaction.
	f := newFixture()
	f.put(t, "demo", ann)
	f.update(t, "demo", func(tx *Tx) error {
		if err := f.accounts.Put(tx, account{ID: "a1", Email: "other@x.io"}); err != nil {
			return err
		}
		return f.accounts.Put(tx, account{ID: "a9", Email: "ann@x.io", Phones: []string{"+1"}})
	})
	f.verify(t)
}

func TestMultiKeys(t *testing.T) {
	f := newFixture()
	// Enough records sharing "lee" for its posting to become a tree, and one on the boundary.
	var all []account
	for i := range 2 * smallPosting {
		all = append(all, account{ID: fmt.Sprintf("p%03d", 2*smallPosting-i), Name: "Lee"})
	}
	for i := range smallPosting {
		all = append(all, account{ID: fmt.Sprintf("q%03d", i), Name: "Kim"})
	}
	f.put(t, "demo", all...)
	want := func(prefix string, from, to int) []string {
		out := []string{}
		for i := from; i <= to; i++ {
			out = append(out, fmt.Sprintf("%s%03d", prefix, i))
		}
		return out
	}
	steps := []struct {
		name   string
		change func(tx *Tx)
		lookup map[string][]string
	}{
		{"initial, ordered by id", func(*Tx) {}, map[string][]string{
			"lee": want("p", 1, 2*smallPosting), "kim": want("q", 0, smallPosting-1),
		}},
		{"a full small posting grows", func(tx *Tx) {
			f.accounts.Put(tx, account{ID: "q999", Name: "kim"})
		}, map[string][]string{"kim": append(want("q", 0, smallPosting-1), "q999")}},
		{"rename moves between postings", func(tx *Tx) {
			f.accounts.Put(tx, account{ID: "p001", Name: "Kim Lee-Smith"})
			f.accounts.Put(tx, account{ID: "q000", Name: "lee KIM lee"})
		}, map[string][]string{
			"lee":       append(want("p", 2, 2*smallPosting), "q000"),
			"kim":       append(append([]string{"p001"}, want("q", 0, smallPosting-1)...), "q999"),
			"lee-smith": {"p001"},
		}},
		{"deletes shrink postings and drop empty keys", func(tx *Tx) {
			for i := 2; i <= 2*smallPosting; i++ {
				f.accounts.Delete(tx, fmt.Sprintf("p%03d", i))
			}
			f.accounts.Put(tx, account{ID: "p001", Name: "nobody"})
		}, map[string][]string{"lee": {"q000"}, "lee-smith": {}, "nobody": {"p001"}}},
	}
	for _, st := range steps {
		f.update(t, "demo", func(tx *Tx) error { st.change(tx); return nil })
		f.s.View("demo", func(tx *Tx) error {
			for key, w := range st.lookup {
				if got := ids(f.accounts.Lookup(tx, "name", key)); !reflect.DeepEqual(got, w) {
					t.Errorf("%s: Lookup(name, %q) = %v, want %v", st.name, key, got, w)
				}
			}
			return nil
		})
		f.verify(t)
	}
	f.s.View("demo", func(tx *Tx) error {
		part := f.accounts.part(tx, false)
		if _, ok := part.multi[0].m["lee-smith"]; ok {
			t.Error("an empty posting was kept")
		}
		return nil
	})
}

// TestRollback makes writes in two tables and then fails in different ways; the store must be
// exactly as before, indexes included.
func TestRollback(t *testing.T) {
	errRefused := errors.New("refused")
	writes := func(t *testing.T, f fixture, tx *Tx) {
		must := func(err error) {
			if err != nil {
				t.Errorf("write: %v", err)
			}
		}
		must(f.accounts.Put(tx, account{ID: "a9", Email: "new@x.io", Name: "New Lee", Created: "2025"}))
		must(f.accounts.Put(tx, account{ID: "a1", Email: "moved@x.io", Phones: []string{"+5"}, Name: "Ann Moved", Created: "2030"}))
		must(f.accounts.Put(tx, account{ID: "a1", Email: "ann@x.io", Name: "twice", Created: "2031"}))
		f.accounts.Delete(tx, "a2")
		must(f.accounts.Put(tx, account{ID: "a2", Email: "bob@x.io", Name: "Bob Reborn"}))
		f.accounts.Delete(tx, "a2")
		must(f.bookings.Put(tx, booking{ID: "b9", Account: "a9"}))
		must(f.bookings.Put(tx, booking{ID: "b1", Account: "a9"}))
		f.bookings.Delete(tx, "b2")
		must(f.notes.Put(tx, &note{ID: "n1", Text: "first table write of this tenant"}))
		if err := f.accounts.Put(tx, account{ID: "a8", Email: "new@x.io"}); err == nil {
			t.Error("conflicting Put succeeded")
		}
	}
	cases := []struct {
		name      string
		fn        func(t *testing.T, f fixture) func(tx *Tx) error
		wantErr   error
		wantPanic any
		goexit    bool
	}{
		{"error", func(t *testing.T, f fixture) func(tx *Tx) error {
			return func(tx *Tx) error { writes(t, f, tx); return errRefused }
		}, errRefused, nil, false},
		{"panic", func(t *testing.T, f fixture) func(tx *Tx) error {
			return func(tx *Tx) error { writes(t, f, tx); panic("boom") }
		}, nil, "boom", false},
		{"runtime.Goexit", func(t *testing.T, f fixture) func(tx *Tx) error {
			return func(tx *Tx) error { writes(t, f, tx); runtime.Goexit(); return nil }
		}, nil, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			f.put(t, "demo", ann, bob)
			f.update(t, "demo", func(tx *Tx) error {
				f.bookings.Put(tx, booking{ID: "b1", Account: "a1"})
				return f.bookings.Put(tx, booking{ID: "b2", Account: "a2"})
			})
			before := f.export(t)

			var err error
			var panicked any
			done := make(chan struct{})
			go func() {
				defer close(done)
				panicked = panicValue(func() { err = f.s.Update("demo", c.fn(t, f)) })
				if c.goexit {
					t.Error("Goexit did not exit")
				}
			}()
			<-done
			if !errors.Is(err, c.wantErr) || (c.wantErr == nil) != (err == nil) {
				t.Errorf("Update = %v, want %v", err, c.wantErr)
			}
			if panicked != c.wantPanic {
				t.Errorf("panic %v, want %v", panicked, c.wantPanic)
			}
			if after := f.export(t); after != before {
				t.Errorf("not rolled back:\nbefore %s\nafter  %s", before, after)
			}
			f.verify(t)
			f.s.View("demo", func(tx *Tx) error {
				if got := ids(f.accounts.Lookup(tx, "name", "lee")); !reflect.DeepEqual(got, []string{"a1", "a2"}) {
					t.Errorf("name index after rollback: %v", got)
				}
				if got := ids(f.accounts.Scan(tx, "created", Query{}).Items); !reflect.DeepEqual(got, []string{"a1", "a2"}) {
					t.Errorf("created order after rollback: %v", got)
				}
				return nil
			})
			// The lock was released: the tenant can be written again.
			f.put(t, "demo", account{ID: "a9", Email: "new@x.io"})
		})
	}
}

func TestReadsSeeOwnWrites(t *testing.T) {
	f := newFixture()
	f.put(t, "demo", ann, bob)
	f.update(t, "demo", func(tx *Tx) error {
		f.accounts.Put(tx, account{ID: "a1", Email: "changed@x.io", Name: "Ann Changed", Created: "2030"})
		f.accounts.Put(tx, amy)
		f.accounts.Delete(tx, "a2")
		f.bookings.Put(tx, booking{ID: "b1", Account: "a3"})
		checks := []struct {
			name string
			got  any
			want any
		}{
			{"len", f.accounts.Len(tx), 2},
			{"new record", ids(f.accounts.Lookup(tx, "name", "ann")), []string{"a1", "a3"}},
			{"new key", ids(f.accounts.Lookup(tx, "email", "changed@x.io")), []string{"a1"}},
			{"old key", ids(f.accounts.Lookup(tx, "email", "ann@x.io")), []string{}},
			{"deleted", ids(f.accounts.Lookup(tx, "name", "bob")), []string{}},
			{"order", ids(f.accounts.Scan(tx, "created", Query{}).Items), []string{"a3", "a1"}},
			{"other table", f.bookings.Lookup(tx, "account", "a3"), []booking{{ID: "b1", Account: "a3"}}},
		}
		for _, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
			}
		}
		return nil
	})
	f.verify(t)
}

func TestViewRefusesWrites(t *testing.T) {
	f := newFixture()
	f.put(t, "demo", ann)
	before := f.export(t)
	for _, tenant := range []string{"demo", "never-written"} {
		f.s.View(tenant, func(tx *Tx) error {
			if err := f.accounts.Put(tx, bob); !errors.Is(err, ErrReadOnly) {
				t.Errorf("%s: Put in View = %v, want ErrReadOnly", tenant, err)
			}
			r := panicValue(func() { f.accounts.Delete(tx, "a1") })
			if err, _ := r.(error); !errors.Is(err, ErrReadOnly) {
				t.Errorf("%s: Delete in View panicked with %v, want ErrReadOnly", tenant, r)
			}
			return nil
		})
	}
	if after := f.export(t); after != before {
		t.Errorf("View changed the store:\n%s\n%s", before, after)
	}
	if got := f.s.Tenants(); !reflect.DeepEqual(got, []string{"demo"}) {
		t.Errorf("tenants %v", got)
	}
}

func TestProgrammerErrorsPanic(t *testing.T) {
	f := newFixture()
	other := newFixture()
	var kept *Tx
	f.s.Update("demo", func(tx *Tx) error { kept = tx; return nil })
	cases := []struct {
		name  string
		call  func()
		isErr error // the panic value must wrap it; nil: any panic
	}{
		{"lookup unknown index", func() { f.s.View("demo", func(tx *Tx) error { f.accounts.Lookup(tx, "nope", "x"); return nil }) }, ErrUnknownIndex},
		{"lookup ordered index", func() { f.s.View("demo", func(tx *Tx) error { f.accounts.Lookup(tx, "created", "x"); return nil }) }, ErrUnknownIndex},
		{"count unknown index", func() { f.s.View("demo", func(tx *Tx) error { f.accounts.Count(tx, "nope", "x"); return nil }) }, ErrUnknownIndex},
		{"scan unknown index", func() { f.s.View("demo", func(tx *Tx) error { f.accounts.Scan(tx, "nope", Query{}); return nil }) }, ErrUnknownIndex},
		{"scan unique index", func() { f.s.View("demo", func(tx *Tx) error { f.accounts.Scan(tx, "email", Query{}); return nil }) }, ErrUnknownIndex},
		{"tx after the end", func() { f.accounts.Get(kept, "a1") }, nil},
		{"write after the end", func() { f.accounts.Put(kept, ann) }, nil},
		{"tx of another store", func() { other.s.View("demo", func(tx *Tx) error { f.accounts.Get(tx, "a1"); return nil }) }, nil},
		{"nil tx", func() { f.accounts.Len(nil) }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := panicValue(c.call)
			if r == nil {
				t.Fatal("no panic")
			}
			if err, _ := r.(error); c.isErr != nil && !errors.Is(err, c.isErr) {
				t.Errorf("panic %v, want %v", r, c.isErr)
			}
		})
	}
}

func TestNewTablePanics(t *testing.T) {
	id := func(a account) string { return a.ID }
	keys := func(a account) []string { return nil }
	key := func(a account) string { return "" }
	cases := []struct {
		name string
		cfg  Config[account]
	}{
		{"duplicate table name", Config[account]{Name: "accounts", ID: id}},
		{"empty table name", Config[account]{ID: id}},
		{"no ID", Config[account]{Name: "x"}},
		{"empty index name", Config[account]{Name: "x", ID: id, Unique: []Index[account]{{Keys: keys}}}},
		{"empty order name", Config[account]{Name: "x", ID: id, Ordered: []Order[account]{{Key: key}}}},
		{"index name used twice", Config[account]{Name: "x", ID: id,
			Unique: []Index[account]{{Name: "a", Keys: keys}}, Multi: []Index[account]{{Name: "a", Keys: keys}}}},
		{"index and order with one name", Config[account]{Name: "x", ID: id,
			Multi: []Index[account]{{Name: "a", Keys: keys}}, Ordered: []Order[account]{{Name: "a", Key: key}}}},
		{"index without Keys", Config[account]{Name: "x", ID: id, Multi: []Index[account]{{Name: "a"}}}},
		{"order without Key", Config[account]{Name: "x", ID: id, Ordered: []Order[account]{{Name: "a"}}}},
		{"unordered unique index", Config[account]{Name: "x", ID: id, Unique: []Index[account]{{Name: "a", Keys: keys, Unordered: true}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture()
			if panicValue(func() { NewTable(f.s, c.cfg) }) == nil {
				t.Error("no panic")
			}
			if _, ok := f.s.names["x"]; ok {
				t.Error("the refused table was registered")
			}
		})
	}
	// The control: a valid configuration does not panic.
	f := newFixture()
	if r := panicValue(func() { NewTable(f.s, Config[account]{Name: "x", ID: id}) }); r != nil {
		t.Errorf("valid table panicked: %v", r)
	}
}

func TestTenantIsolation(t *testing.T) {
	f := newFixture()
	inA := account{ID: "a1", Email: "same@x.io", Name: "Alpha", Created: "1"}
	inB := account{ID: "a1", Email: "same@x.io", Name: "Beta", Created: "2"}
	f.put(t, "A", inA, account{ID: "only-a", Name: "alpha", Created: "3"})
	f.put(t, "B", inB) // the same id and unique key in another tenant is no conflict
	f.update(t, "B", func(tx *Tx) error { return f.bookings.Put(tx, booking{ID: "b1", Account: "a1"}) })

	checks := []struct {
		tenant string
		read   func(tx *Tx) any
		want   any
	}{
		{"A", func(tx *Tx) any { v, _ := f.accounts.Get(tx, "a1"); return v }, inA},
		{"B", func(tx *Tx) any { v, _ := f.accounts.Get(tx, "a1"); return v }, inB},
		{"A", func(tx *Tx) any { return f.accounts.Lookup(tx, "email", "same@x.io") }, []account{inA}},
		{"B", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "alpha")) }, []string{}},
		{"A", func(tx *Tx) any { return ids(f.accounts.Lookup(tx, "name", "alpha")) }, []string{"a1", "only-a"}},
		{"B", func(tx *Tx) any { return ids(f.accounts.Scan(tx, "created", Query{}).Items) }, []string{"a1"}},
		{"B", func(tx *Tx) any { return f.accounts.Len(tx) }, 1},
		{"A", func(tx *Tx) any { return f.bookings.Len(tx) }, 0},
		{"C", func(tx *Tx) any { return f.accounts.Len(tx) }, 0},
		{"C", func(tx *Tx) any { return tx.Tenant() }, "C"},
	}
	for i, c := range checks {
		f.s.View(c.tenant, func(tx *Tx) error {
			if got := c.read(tx); !reflect.DeepEqual(got, c.want) {
				t.Errorf("check %d in %s: got %v, want %v", i, c.tenant, got, c.want)
			}
			return nil
		})
	}

	f.update(t, "A", func(tx *Tx) error { f.accounts.Delete(tx, "a1"); return nil })
	f.s.View("B", func(tx *Tx) error {
		if _, ok := f.accounts.Get(tx, "a1"); !ok {
			t.Error("Delete in A removed B's record")
		}
		return nil
	})
	if got := f.s.Tenants(); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("Tenants() = %v", got)
	}
	f.update(t, "A", func(tx *Tx) error { f.accounts.Delete(tx, "only-a"); return nil })
	if got := f.s.Tenants(); !reflect.DeepEqual(got, []string{"B"}) {
		t.Errorf("Tenants() after emptying A = %v", got)
	}
	f.verify(t)
}

// TestConcurrency runs many writers on a few tenants. Each transaction increments a counter
// record and adds a booking, so the counter must equal the bookings count in every consistent
// view; a share of transactions fail after writing and must leave no trace.
func TestConcurrency(t *testing.T) {
	const tenants, workers, iterations = 4, 8, 100
	f := newFixture()
	var wg sync.WaitGroup
	fails := errors.New("fail")
	for w := range workers {
		for tn := range tenants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tenant := fmt.Sprintf("t%d", tn)
				for i := range iterations {
					err := f.s.Update(tenant, func(tx *Tx) error {
						c, _ := f.accounts.Get(tx, "counter")
						c.ID = "counter"
						c.Balance++
						if err := f.accounts.Put(tx, c); err != nil {
							return err
						}
						if err := f.bookings.Put(tx, booking{ID: fmt.Sprintf("w%d-%d", w, i), Account: "counter"}); err != nil {
							return err
						}
						if i%10 == 9 {
							return fails
						}
						return nil
					})
					if err != nil && err != fails {
						t.Error(err)
					}
				}
			}()
		}
		// Readers, each on a different tenant, check the invariant while writers run.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range iterations {
				f.s.View(fmt.Sprintf("t%d", w%tenants), func(tx *Tx) error {
					c, _ := f.accounts.Get(tx, "counter")
					if n := f.bookings.Len(tx); n != c.Balance {
						t.Errorf("view: counter %d, bookings %d", c.Balance, n)
					}
					return nil
				})
			}
		}()
	}
	// Whole-store snapshots run concurrently too and must be consistent per tenant.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			snap, err := f.s.Export()
			if err != nil {
				t.Error(err)
				return
			}
			for tenant, recs := range snap["bookings"] {
				if !strings.Contains(string(snap["accounts"][tenant][0]), fmt.Sprintf(`"balance":%d`, len(recs))) {
					t.Errorf("export of %s: %s with %d bookings", tenant, snap["accounts"][tenant][0], len(recs))
				}
			}
		}
	}()
	wg.Wait()

	want := workers * iterations * 9 / 10
	for tn := range tenants {
		f.s.View(fmt.Sprintf("t%d", tn), func(tx *Tx) error {
			c, _ := f.accounts.Get(tx, "counter")
			if c.Balance != want || f.bookings.Len(tx) != want {
				t.Errorf("t%d: counter %d, bookings %d, want %d", tn, c.Balance, f.bookings.Len(tx), want)
			}
			return nil
		})
	}
	f.verify(t)
}

// TestCountBigPosting: Count stays right once a key's records outgrow the small posting and
// after removals from it.
func TestCountBigPosting(t *testing.T) {
	f := newFixture()
	for i := range 3 * smallPosting {
		f.put(t, "demo", account{ID: fmt.Sprintf("b%03d", i), Name: "Shared"})
	}
	f.update(t, "demo", func(tx *Tx) error {
		f.accounts.Delete(tx, "b000")
		return nil
	})
	f.s.View("demo", func(tx *Tx) error {
		if got, want := f.accounts.Count(tx, "name", "shared"), 3*smallPosting-1; got != want {
			t.Errorf("Count = %d, want %d", got, want)
		}
		if got := len(f.accounts.Lookup(tx, "name", "shared")); got != 3*smallPosting-1 {
			t.Errorf("Lookup has %d records", got)
		}
		return nil
	})
}

// TestUnorderedIndex: an unordered index finds the same records as an ordered one with the
// same keys, in the order they were indexed, through the switch from slice to tree, updates
// that move keys, deletes, a rolled-back transaction and Count.
func TestUnorderedIndex(t *testing.T) {
	f := newFixture()
	// Inserted in descending id order, so that insertion order and id order differ.
	var order []string
	for i := range 2*smallPosting + 3 {
		id := fmt.Sprintf("u%03d", 2*smallPosting+3-i)
		order = append(order, id)
		f.put(t, "demo", account{ID: id, Name: "Ann Lee"})
	}
	look := func(index, key string) (got []string, count int) {
		f.s.View("demo", func(tx *Tx) error {
			got = ids(f.accounts.Lookup(tx, index, key))
			count = f.accounts.Count(tx, index, key)
			return nil
		})
		return got, count
	}
	check := func(step string, key string, want []string) {
		t.Helper()
		want = append([]string{}, want...) // ids gives [] for none
		got, count := look("name-any", key)
		if !reflect.DeepEqual(got, want) || count != len(want) {
			t.Errorf("%s: Lookup(name-any, %q) = %v (Count %d), want %v", step, key, got, count, want)
		}
		sorted, _ := look("name", key)
		if s := append([]string{}, slices.Sorted(slices.Values(want))...); !reflect.DeepEqual(sorted, s) {
			t.Errorf("%s: the ordered index holds %v for %q, want %v", step, sorted, key, s)
		}
		f.verify(t)
	}
	check("inserted", "lee", order)

	// An update that keeps "lee" keeps the record's place; one that drops "ann" removes it.
	f.put(t, "demo", account{ID: order[0], Name: "Lee Ann Lee"}, account{ID: order[1], Name: "Lee"})
	check("updated", "lee", order)
	check("updated", "ann", append([]string{order[0]}, order[2:]...))

	// A key added by an update goes where the record was inserted, not at the end.
	f.put(t, "demo", account{ID: order[5], Name: "Ann Lee Kim"}, account{ID: order[2], Name: "Ann Lee Kim"})
	check("new key", "kim", []string{order[2], order[5]})

	// Deleting all but one shrinks the tree; deleting the last drops the key.
	f.update(t, "demo", func(tx *Tx) error {
		for _, id := range order[3:] {
			f.accounts.Delete(tx, id)
		}
		return nil
	})
	check("deleted", "lee", order[:3])
	check("deleted", "kim", []string{order[2]})
	f.update(t, "demo", func(tx *Tx) error { f.accounts.Delete(tx, order[2]); return nil })
	check("last deleted", "kim", nil)

	// A rolled-back transaction leaves the index as it was (the record deleted and put back
	// comes after the others: it is indexed again).
	err := f.s.Update("demo", func(tx *Tx) error {
		f.accounts.Delete(tx, order[0])
		f.accounts.Put(tx, account{ID: "new", Name: "Lee"})
		return errors.New("refused")
	})
	if err == nil {
		t.Fatal("the refused transaction committed")
	}
	check("rolled back", "lee", []string{order[1], order[0]})
}

package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/btree"
)

// account exercises every kind of index: unique e-mail (lowercased) and phones (several per
// record), non-unique name tokens, ordered creation time.
type account struct {
	ID      string   `json:"id"`
	Email   string   `json:"email,omitempty"`
	Phones  []string `json:"phones,omitempty"`
	Name    string   `json:"name,omitempty"`
	Created string   `json:"created,omitempty"`
	Balance int      `json:"balance,omitempty"`
}

// booking is a second table, for transactions spanning tables.
type booking struct {
	ID      string `json:"id"`
	Account string `json:"account"`
	Ref     string `json:"ref,omitempty"`
}

// note is a pointer-typed table whose hooks dereference the record: Import must survive a
// "null" record.
type note struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type fixture struct {
	s        *Store
	accounts *Table[account]
	bookings *Table[booking]
	notes    *Table[*note]
}

func newFixture() fixture {
	s := New()
	return fixture{
		s: s,
		accounts: NewTable(s, Config[account]{
			Name: "accounts",
			ID:   func(a account) string { return a.ID },
			Clone: func(a account) account {
				a.Phones = slices.Clone(a.Phones)
				return a
			},
			Validate: func(a account) error {
				if a.Balance < 0 {
					return fmt.Errorf("negative balance %d", a.Balance)
				}
				return nil
			},
			Unique: []Index[account]{
				{Name: "email", Keys: func(a account) []string { return []string{strings.ToLower(a.Email)} }},
				{Name: "phone", Keys: func(a account) []string { return a.Phones }},
			},
			Multi: []Index[account]{
				{Name: "name", Keys: func(a account) []string { return strings.Fields(strings.ToLower(a.Name)) }},
				// The same keys in insertion order, so that every test also checks that
				// unordered postings stay right.
				{Name: "name-any", Unordered: true, Keys: func(a account) []string { return strings.Fields(strings.ToLower(a.Name)) }},
			},
			Ordered: []Order[account]{
				{Name: "created", Key: func(a account) string { return a.Created }},
			},
		}),
		bookings: NewTable(s, Config[booking]{
			Name:  "bookings",
			ID:    func(b booking) string { return b.ID },
			Multi: []Index[booking]{{Name: "account", Keys: func(b booking) []string { return []string{b.Account} }}},
		}),
		notes: NewTable(s, Config[*note]{
			Name: "notes",
			ID:   func(n *note) string { return n.ID },
			Clone: func(n *note) *note {
				c := *n
				return &c
			},
			Validate: func(n *note) error {
				if n.Text == "" {
					return errors.New("empty text")
				}
				return nil
			},
			Ordered: []Order[*note]{{Name: "text", Key: func(n *note) string { return n.Text }}},
		}),
	}
}

// update runs fn in Update and fails the test on error.
func (f fixture) update(t testing.TB, tenant string, fn func(tx *Tx) error) {
	t.Helper()
	if err := f.s.Update(tenant, fn); err != nil {
		t.Fatalf("Update(%q): %v", tenant, err)
	}
}

// put stores accounts in one transaction.
func (f fixture) put(t testing.TB, tenant string, as ...account) {
	t.Helper()
	f.update(t, tenant, func(tx *Tx) error {
		for _, a := range as {
			if err := f.accounts.Put(tx, a); err != nil {
				return err
			}
		}
		return nil
	})
}

// export returns the store's content as one JSON document, for before/after comparisons.
func (f fixture) export(t testing.TB) string {
	t.Helper()
	snap, err := f.s.Export()
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// verify checks that every index of every table of every tenant agrees with the records: the
// indexes are rebuilt from byID and compared with the live ones.
func (f fixture) verify(t testing.TB) {
	t.Helper()
	for _, tn := range f.s.allTenants() {
		tn.mu.RLock()
		for _, err := range []error{
			verifyPart(f.accounts, tn), verifyPart(f.bookings, tn), verifyPart(f.notes, tn),
		} {
			if err != nil {
				t.Errorf("tenant %q: %v", tn.name, err)
			}
		}
		tn.mu.RUnlock()
	}
}

func verifyPart[T any](t *Table[T], tn *tenant) error {
	if t.idx >= len(tn.parts) || tn.parts[t.idx] == nil {
		return nil
	}
	p := tn.parts[t.idx].(*part[T])
	fresh := t.newPart()
	for id, r := range p.byID {
		if got := t.cfg.ID(r.v); got != id || r.id != id {
			return fmt.Errorf("%s: record under id %q has id %q / %q", t.cfg.Name, id, r.id, got)
		}
		fresh.insert(id, r.v, t.keysOf(r.v))
	}
	if p.ids.Len() != len(p.byID) {
		return fmt.Errorf("%s: id tree has %d items, map %d", t.cfg.Name, p.ids.Len(), len(p.byID))
	}
	var treeIDs []string
	p.ids.Ascend(func(r *rec[T]) bool {
		if p.byID[r.id] != r {
			treeIDs = append(treeIDs, "STALE:"+r.id)
		}
		treeIDs = append(treeIDs, r.id)
		return true
	})
	if !slices.IsSorted(treeIDs) || len(treeIDs) != len(p.byID) {
		return fmt.Errorf("%s: id tree %v", t.cfg.Name, treeIDs)
	}
	for i := range p.uniq {
		if got, want := uniqIDs(p.uniq[i]), uniqIDs(fresh.uniq[i]); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: unique index %q is %v, want %v", t.cfg.Name, t.cfg.Unique[i].Name, got, want)
		}
		for k, r := range p.uniq[i] {
			if p.byID[r.id] != r {
				return fmt.Errorf("%s: unique key %q points at a stale record", t.cfg.Name, k)
			}
		}
	}
	for i := range p.multi {
		for k, ps := range p.multi[i].m {
			if ps.big == nil && ps.bySeq == nil && len(ps.small) > smallPosting {
				return fmt.Errorf("%s: posting %q has %d records in its slice", t.cfg.Name, k, len(ps.small))
			}
			if (ps.big != nil || ps.bySeq != nil) && len(ps.small) > 0 {
				return fmt.Errorf("%s: posting %q is both a slice and a tree", t.cfg.Name, k)
			}
			if p.multi[i].unordered && ps.big != nil || !p.multi[i].unordered && ps.bySeq != nil {
				return fmt.Errorf("%s: posting %q is a tree of the other order", t.cfg.Name, k)
			}
			var seqs []uint64
			var stale []string
			ps.each(func(r *rec[T]) bool {
				seqs = append(seqs, r.seq)
				if p.byID[r.id] != r {
					stale = append(stale, r.id)
				}
				return true
			})
			if len(stale) > 0 {
				return fmt.Errorf("%s: posting %q holds stale records %v", t.cfg.Name, k, stale)
			}
			if ps.len() != len(seqs) {
				return fmt.Errorf("%s: posting %q counts %d records and lists %d", t.cfg.Name, k, ps.len(), len(seqs))
			}
			if ps.bySeq != nil {
				for j, c := range ps.bySeq.chunks {
					if len(c) == 0 || len(c) > seqChunk {
						return fmt.Errorf("%s: posting %q: chunk %d holds %d records", t.cfg.Name, k, j, len(c))
					}
				}
			}
			if p.multi[i].unordered && !slices.IsSorted(seqs) {
				return fmt.Errorf("%s: unordered posting %q is not in insertion order: %v", t.cfg.Name, k, seqs)
			}
		}
		if got, want := multiIDs(p.multi[i]), multiIDs(fresh.multi[i]); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: index %q is %v, want %v", t.cfg.Name, t.cfg.Multi[i].Name, got, want)
		}
	}
	for i := range p.ord {
		if got, want := ordIDs(p.ord[i]), ordIDs(fresh.ord[i]); !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: ordered index %q is %v, want %v", t.cfg.Name, t.cfg.Ordered[i].Name, got, want)
		}
	}
	return nil
}

func uniqIDs[T any](m map[string]*rec[T]) map[string]string {
	out := map[string]string{}
	for k, r := range m {
		out[k] = r.id
	}
	return out
}

// multiIDs is an index as key -> ids in the index's order; for an unordered index, whose order
// depends on the order of inserts, sorted.
func multiIDs[T any](m postings[T]) map[string][]string {
	out := map[string][]string{}
	for k, ps := range m.m {
		var ids []string
		ps.each(func(r *rec[T]) bool { ids = append(ids, r.id); return true })
		if m.unordered {
			slices.Sort(ids)
		}
		out[k] = ids
	}
	return out
}

func ordIDs[T any](tr *btree.BTreeG[ordItem[T]]) []string {
	var out []string
	tr.Ascend(func(it ordItem[T]) bool {
		out = append(out, it.key+"|"+it.r.id)
		return true
	})
	return out
}

// ids returns the ids of accounts, in order.
func ids(as []account) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// panicValue runs f and returns what it panicked with, or nil.
func panicValue(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestScanRanges(t *testing.T) {
	f := newFixture()
	f.put(t, "demo",
		account{ID: "e", Created: ""},
		account{ID: "d", Created: "2024-01"},
		account{ID: "c", Created: "2024-02"},
		account{ID: "b", Created: "2024-02"},
		account{ID: "a", Created: "2024-03"},
	)
	cases := []struct {
		name  string
		order string
		q     Query
		want  []string
		next  *Position
	}{
		{"all by created, ties by id", "created", Query{}, []string{"e", "d", "b", "c", "a"}, nil},
		{"all by id", "", Query{}, []string{"a", "b", "c", "d", "e"}, nil},
		{"from inclusive", "created", Query{From: "2024-02"}, []string{"b", "c", "a"}, nil},
		{"to exclusive", "created", Query{To: "2024-02"}, []string{"e", "d"}, nil},
		{"from and to", "created", Query{From: "2024-01", To: "2024-03"}, []string{"d", "b", "c"}, nil},
		{"from between keys", "created", Query{From: "2024-01-15"}, []string{"b", "c", "a"}, nil},
		{"empty range", "created", Query{From: "2024-02", To: "2024-02"}, nil, nil},
		{"range past the end", "created", Query{From: "2025"}, nil, nil},
		{"limit leaves more", "created", Query{Limit: 2}, []string{"e", "d"}, &Position{Key: "2024-01", ID: "d"}},
		{"limit exactly reached leaves no next", "created", Query{From: "2024-02", Limit: 3}, []string{"b", "c", "a"}, nil},
		{"limit with more outside the range", "created", Query{To: "2024-03", Limit: 4}, []string{"e", "d", "b", "c"}, nil},
		{"after, within a tie", "created", Query{After: &Position{Key: "2024-02", ID: "b"}}, []string{"c", "a"}, nil},
		{"after a position that is not a record", "created", Query{After: &Position{Key: "2024-02", ID: "bb"}}, []string{"c", "a"}, nil},
		{"after before from: from wins", "created", Query{From: "2024-02", After: &Position{Key: "", ID: "e"}}, []string{"b", "c", "a"}, nil},
		{"after beyond from: after wins", "created", Query{From: "2024-01", After: &Position{Key: "2024-02", ID: "c"}}, []string{"a"}, nil},
		{"after the last", "created", Query{After: &Position{Key: "2024-03", ID: "a"}}, nil, nil},
		{"after and limit", "created", Query{After: &Position{Key: "", ID: "e"}, Limit: 1}, []string{"d"}, &Position{Key: "2024-01", ID: "d"}},
		{"by id after", "", Query{After: &Position{Key: "b", ID: "b"}, Limit: 2}, []string{"c", "d"}, &Position{Key: "d", ID: "d"}},
		{"by id range", "", Query{From: "b", To: "d"}, []string{"b", "c"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.s.View("demo", func(tx *Tx) error {
				page := f.accounts.Scan(tx, c.order, c.q)
				var got []string
				for _, a := range page.Items {
					got = append(got, a.ID)
				}
				if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(page.Next, c.next) {
					t.Errorf("Scan = %v next %v, want %v next %v", got, page.Next, c.want, c.next)
				}
				return nil
			})
		})
	}
	f.s.View("nobody", func(tx *Tx) error {
		if page := f.accounts.Scan(tx, "created", Query{}); len(page.Items) != 0 || page.Next != nil {
			t.Errorf("scan of an unknown tenant: %+v", page)
		}
		return nil
	})
}

// position returns the (key, id) position of a in an order.
func position(order string, a account) Position {
	if order == "" {
		return Position{Key: a.ID, ID: a.ID}
	}
	return Position{Key: a.Created, ID: a.ID}
}

func less(a, b Position) bool { return a.Key < b.Key || a.Key == b.Key && a.ID < b.ID }

func TestScanPagingReturnsEverythingOnce(t *testing.T) {
	f := newFixture()
	var all []account
	// Few distinct keys, so that pages often end inside a run of equal keys.
	for i := range 57 {
		all = append(all, account{ID: fmt.Sprintf("id%02d", (i*31)%57), Created: fmt.Sprintf("k%d", i%5)})
	}
	f.put(t, "demo", all...)
	for _, order := range []string{"", "created"} {
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b account) int {
			pa, pb := position(order, a), position(order, b)
			if less(pa, pb) {
				return -1
			}
			return 1
		})
		for _, limit := range []int{1, 2, 5, 7, 56, 57, 58} {
			t.Run(fmt.Sprintf("order %q limit %d", order, limit), func(t *testing.T) {
				var got []account
				q := Query{Limit: limit}
				for pages := 0; ; pages++ {
					if pages > len(all) {
						t.Fatal("paging does not end")
					}
					var page Page[account]
					f.s.View("demo", func(tx *Tx) error { page = f.accounts.Scan(tx, order, q); return nil })
					got = append(got, page.Items...)
					if page.Next == nil {
						break
					}
					if last := position(order, page.Items[len(page.Items)-1]); *page.Next != last {
						t.Fatalf("Next %v is not the last item %v", *page.Next, last)
					}
					q.After = page.Next
				}
				if !reflect.DeepEqual(ids(got), ids(want)) {
					t.Errorf("paged\n%v\nwant\n%v", ids(got), ids(want))
				}
			})
		}
	}
}

// TestScanPagingStableWhileInserting inserts records between pages, before and after the
// cursor: every record present at the start is returned exactly once, the output stays in
// order, and nothing inserted behind the cursor shows up.
func TestScanPagingStableWhileInserting(t *testing.T) {
	for _, order := range []string{"", "created"} {
		t.Run(fmt.Sprintf("order %q", order), func(t *testing.T) {
			f := newFixture()
			rng := rand.New(rand.NewPCG(1, 2))
			key := func() string { return fmt.Sprintf("k%02d", rng.IntN(20)) }
			original := map[string]bool{}
			var initial []account
			for i := range 40 {
				a := account{ID: fmt.Sprintf("%s-orig%02d", key(), i), Created: key()}
				initial = append(initial, a)
				original[a.ID] = true
			}
			f.put(t, "demo", initial...)

			seen := map[string]int{}
			var prev *Position
			q := Query{Limit: 3}
			inserted := 0
			for pages := 0; ; pages++ {
				if pages > 200 {
					t.Fatal("paging does not end")
				}
				var page Page[account]
				f.s.View("demo", func(tx *Tx) error { page = f.accounts.Scan(tx, order, q); return nil })
				for _, a := range page.Items {
					pos := position(order, a)
					if prev != nil && !less(*prev, pos) {
						t.Fatalf("out of order: %v after %v", pos, *prev)
					}
					prev = &pos
					seen[a.ID]++
				}
				if page.Next == nil {
					break
				}
				q.After = page.Next
				// Two new records per page, anywhere in the order.
				for range 2 {
					inserted++
					f.put(t, "demo", account{ID: fmt.Sprintf("%s-new%03d", key(), inserted), Created: key()})
				}
			}
			for id := range original {
				if seen[id] != 1 {
					t.Errorf("original record %s seen %d times", id, seen[id])
				}
			}
			newSeen := 0
			for id, n := range seen {
				if n != 1 {
					t.Errorf("record %s seen %d times", id, n)
				}
				if !original[id] {
					newSeen++
				}
			}
			// The test is only meaningful if some records landed ahead of the cursor and
			// some behind it.
			if newSeen == 0 || newSeen == inserted {
				t.Errorf("%d of %d inserted records seen; the test does not exercise both sides of the cursor", newSeen, inserted)
			}
		})
	}
}

package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestViewSharedReadsWithoutCopying: reads in a ViewShared return the stored values
// themselves, and those stay unchanged whatever is written or rolled back after the view.
func TestViewSharedReadsWithoutCopying(t *testing.T) {
	f := newFixture()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.update(t, "t", func(tx *Tx) error {
		if err := f.notes.Put(tx, &note{ID: "n", Text: "first"}); err != nil {
			return err
		}
		return f.accounts.Put(tx, account{ID: "a", Name: "Ann Lee", Phones: []string{"+1", "+2"}, Created: "1"})
	})

	var held *note
	var heldPhones []string
	check(f.s.ViewShared("t", func(tx *Tx) error {
		n1, _ := f.notes.Get(tx, "n")
		n2, _ := f.notes.Get(tx, "n")
		scanned := f.notes.Scan(tx, "text", Query{}).Items
		if n1 != n2 || len(scanned) != 1 || scanned[0] != n1 {
			t.Errorf("shared reads copied the note: %p %p %v", n1, n2, scanned)
		}
		a1, _ := f.accounts.Get(tx, "a")
		looked := f.accounts.Lookup(tx, "name", "lee")
		if len(looked) != 1 || &a1.Phones[0] != &looked[0].Phones[0] {
			t.Errorf("shared reads copied the account's phones")
		}
		if err := f.notes.Put(tx, &note{ID: "x", Text: "x"}); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Put in a shared view: %v, want ErrReadOnly", err)
		}
		held, heldPhones = n1, a1.Phones
		return nil
	}))
	check(f.s.View("t", func(tx *Tx) error {
		n1, _ := f.notes.Get(tx, "n")
		if n1 == held {
			t.Error("a View returned the stored note, not a copy")
		}
		return nil
	}))

	// A write replaces the stored value; one rolled back puts the previous one back. Neither
	// changes what the shared read holds.
	f.update(t, "t", func(tx *Tx) error {
		if err := f.notes.Put(tx, &note{ID: "n", Text: "second"}); err != nil {
			return err
		}
		return f.accounts.Put(tx, account{ID: "a", Name: "Ann Lee", Phones: []string{"+3"}, Created: "1"})
	})
	boom := errors.New("boom")
	if err := f.s.Update("t", func(tx *Tx) error {
		if err := f.notes.Put(tx, &note{ID: "n", Text: "third"}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Update: %v", err)
	}
	if held.Text != "first" || len(heldPhones) != 2 || heldPhones[0] != "+1" {
		t.Fatalf("a shared read changed after the view: %q %v", held.Text, heldPhones)
	}
	check(f.s.View("t", func(tx *Tx) error {
		if n, _ := f.notes.Get(tx, "n"); n.Text != "second" {
			t.Errorf("stored note %q, want second", n.Text)
		}
		return nil
	}))
	f.verify(t)
}

// TestViewSharedUnderConcurrentWrites reads shared values while they are replaced; the race
// detector (go test -race) fails it if a write ever changes a stored value in place.
func TestViewSharedUnderConcurrentWrites(t *testing.T) {
	f := newFixture()
	const ids, rounds = 8, 300
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range rounds {
			err := f.s.Update("t", func(tx *Tx) error {
				id := fmt.Sprintf("n%d", i%ids)
				if err := f.notes.Put(tx, &note{ID: id, Text: fmt.Sprintf("text %d", i)}); err != nil {
					return err
				}
				return f.accounts.Put(tx, account{ID: id, Name: fmt.Sprintf("Lee %d", i),
					Phones: []string{fmt.Sprintf("+%d", i)}, Created: fmt.Sprint(i)})
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for range rounds {
				var notes []*note
				var accounts []account
				_ = f.s.ViewShared("t", func(tx *Tx) error {
					notes = f.notes.Scan(tx, "text", Query{}).Items
					accounts = f.accounts.Lookup(tx, "name", "lee")
					return nil
				})
				for _, n := range notes {
					if n.Text == "" {
						t.Error("empty note text")
					}
				}
				for _, a := range accounts {
					if len(a.Phones) != 1 || a.Phones[0] == "" {
						t.Errorf("account %s phones %v", a.ID, a.Phones)
					}
				}
			}
		})
	}
	wg.Wait()
	f.verify(t)
}

// A page is allocated once at its size, not grown value by value (which copied every value
// several times; a Mews cursor page of 100 customers spent half its time there). In a shared
// view nothing else is copied, so a page costs a fixed handful of allocations whatever its
// length.
func TestScanAllocatesAPageOnce(t *testing.T) {
	f := newFixture()
	for i := range 300 {
		f.update(t, "t", func(tx *Tx) error {
			return f.notes.Put(tx, &note{ID: fmt.Sprintf("n%03d", i), Text: fmt.Sprintf("text %03d", i)})
		})
	}
	for _, limit := range []int{10, 100, 250} {
		allocs := testing.AllocsPerRun(20, func() {
			_ = f.s.ViewShared("t", func(tx *Tx) error {
				if got := len(f.notes.Scan(tx, "text", Query{Limit: limit}).Items); got != limit {
					t.Fatalf("page of %d, want %d", got, limit)
				}
				return nil
			})
		})
		if allocs > 6 {
			t.Errorf("a page of %d took %.0f allocations, want at most 6", limit, allocs)
		}
	}
}

package domain

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/internal/store"
)

// The indexed Find and Search must answer exactly what a scan of every customer answers. The
// oracle below is that scan (the implementation before the indexes); the store is filled with
// customers sharing creation times, names and emails, some of them inactive, so that ties,
// repeats and the active-only rules are exercised.

func oracleFind(all []Customer, f Filter, p *Page) []Customer {
	sortNewest(all)
	var out []Customer
	started := p == nil || p.Cursor == nil
	for _, c := range all {
		if !started {
			started = c.ID == *p.Cursor
			continue
		}
		if f.matches(c) {
			out = append(out, c)
			if p != nil && len(out) == p.Count {
				break
			}
		}
	}
	return out
}

func oracleSearch(all []Customer, name string) []string {
	sortNewest(all)
	needle := strings.ToLower(strings.TrimSpace(name))
	var out []string
	for _, c := range all {
		first, last, full := searchNames(c)
		if c.IsActive && (needle == "" || strings.Contains(first, needle) || strings.Contains(last, needle) || strings.Contains(full, needle)) {
			out = append(out, c.ID)
		}
	}
	return out
}

func ids(cs []Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func indexFixture(t *testing.T) (*Service, []Customer) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	st := store.New()
	svc := New(st, Checks{})
	var all []Customer
	for i := range 600 {
		c := scaleCustomer(i)
		c.CreatedUtc = benchStart.Add(time.Duration(rng.IntN(200)) * time.Hour) // many ties
		if rng.IntN(5) == 0 {
			c.IsActive, c.ActivityState = false, ptr(Deleted)
		}
		if rng.IntN(4) == 0 {
			c.Email = ptr(fmt.Sprintf("Shared%d@Example.com", rng.IntN(5)))
		}
		if rng.IntN(10) == 0 {
			c.FirstName = ptr("Žofie Ångström")
		}
		all = append(all, c)
	}
	err := st.Update("t", func(tx *store.Tx) error {
		for _, c := range all {
			if err := svc.t.customers.Put(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, all
}

func TestFindMatchesScan(t *testing.T) {
	svc, all := indexFixture(t)
	day := func(d int) *Interval {
		return &Interval{Start: benchStart.Add(time.Duration(d) * 24 * time.Hour), End: benchStart.Add(time.Duration(d+1) * 24 * time.Hour)}
	}
	filters := map[string]Filter{
		"ids":                {IDs: []string{all[5].ID, all[3].ID, all[5].ID, "nope", all[400].ID}},
		"ids active":         {IDs: ids(all[:50]), States: []string{Active}},
		"emails":             {Emails: []string{" shared1@example.COM", "shared3@example.com", *all[7].Email}},
		"emails deleted":     {Emails: []string{"shared2@example.com"}, States: []string{Deleted}},
		"created day":        {Created: day(3), States: []string{Active}},
		"created and names":  {Created: day(1), LastNames: []string{"smith", "NOVAK"}},
		"last names":         {LastNames: []string{"Smith"}},
		"created before1970": {Created: &Interval{Start: time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC), End: benchStart.Add(48 * time.Hour)}},
	}
	for name, f := range filters {
		for _, count := range []int{0, 1, 7, 1000} {
			t.Run(fmt.Sprintf("%s/count=%d", name, count), func(t *testing.T) {
				var p *Page
				if count > 0 {
					p = &Page{Count: count}
				}
				want := oracleFind(all, f, p)
				got, next, err := svc.Find("t", f, p)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ids(got), ids(want)) {
					t.Fatalf("got %v\nwant %v", ids(got), ids(want))
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatal("same ids, different records")
				}
				// Page on with the cursor to the end: every page must match the scan.
				for p != nil && next != nil && len(got) > 0 {
					p.Cursor = next
					want = oracleFind(all, f, p)
					if got, next, err = svc.Find("t", f, p); err != nil || !reflect.DeepEqual(ids(got), ids(want)) {
						t.Fatalf("after %s: got %v, want %v (%v)", *p.Cursor, ids(got), ids(want), err)
					}
				}
			})
		}
	}
}

func TestSearchMatchesScan(t *testing.T) {
	svc, all := indexFixture(t)
	for _, name := range []string{"", "a", "an", "ann", "Anna", "ANNA SMITH", "a s", "mith", "ångs", "Žofie Å", "de vries", "quillfeather", "zzz", "nna de", "  Novak  "} {
		t.Run(name, func(t *testing.T) {
			got, err := svc.Search("t", &name, nil)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, f := range got {
				gotIDs = append(gotIDs, f.Customer.ID)
			}
			if want := oracleSearch(all, name); !reflect.DeepEqual(gotIDs, want) {
				t.Errorf("got %d customers %v\nwant %d %v", len(gotIDs), gotIDs, len(want), want)
			}
		})
	}
}

func TestTrigrams(t *testing.T) {
	for in, want := range map[string][]string{
		"":      nil,
		"ab":    nil,
		"abc":   {"abc"},
		"abcd":  {"abc", "bcd"},
		"žofie": {"žof", "ofi", "fie"},
		"a ñb":  {"a ñ", " ñb"},
	} {
		if got := trigrams(in); !reflect.DeepEqual(got, want) {
			t.Errorf("trigrams(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNextNumberAfterHighest: a new customer's Number is one more than the highest numeric
// Number, whatever order they were stored in and whatever non-numeric numbers exist.
func TestNextNumberAfterHighest(t *testing.T) {
	for _, tc := range []struct {
		numbers []string
		want    string
	}{
		{nil, "1"},
		{[]string{"3", "12", "7"}, "13"},
		{[]string{"A-1", "x", "0", "-4"}, "1"},
		{[]string{"9", "A-100", "10"}, "11"},
	} {
		st := store.New()
		n := 0
		svc := New(st, Checks{}).WithDeps(time.Now, func() string { n++; return fmt.Sprintf("id-%d", n) })
		err := st.Update("t", func(tx *store.Tx) error {
			for i, num := range tc.numbers {
				c := scaleCustomer(i)
				c.Number = num
				if err := svc.t.customers.Put(tx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := svc.Add("t", AddInput{Profile: Profile{LastName: ptr("New")}})
		if err != nil || c.Number != tc.want {
			t.Errorf("numbers %q: new Number %q (%v), want %q", tc.numbers, c.Number, err, tc.want)
		}
	}
}

// TestNameGramsAreTheNamesTrigrams: the keys a customer is indexed under are exactly the
// trigrams of its first, last and full name, which Search relies on (a needle's rarest trigram
// must find every customer whose name holds the needle), for names of every shape.
func TestNameGramsAreTheNamesTrigrams(t *testing.T) {
	set := func(xs []string) []string {
		out := slices.Clone(xs)
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, tc := range []struct{ first, last string }{
		{"John", "Smith"}, {"", "Smith"}, {"J", "Smith"}, {"Jo", "S"}, {"J", "S"}, {"John", "Sm"},
		{"Žofie", "Nováková"}, {"玛丽", "王"}, {"Ann ", "Lee"}, {"  ", "Lee"}, {"Ann", " Lee"},
		{"Mary Ann", "van der Berg"}, {"Load", "Tester-5eed0000-0000-4000-8000-000000000001"},
	} {
		first := &tc.first
		c := Customer{FirstName: first, LastName: tc.last, IsActive: true}
		f, l, full := searchNames(c)
		want := set(append(append(trigrams(f), trigrams(l)...), trigrams(full)...))
		if got := set(nameGrams(c)); !slices.Equal(got, want) {
			t.Errorf("nameGrams(%q, %q) = %q, want %q", tc.first, tc.last, got, want)
		}
	}
	if got := nameGrams(Customer{FirstName: ptr("John"), LastName: "Smith"}); got != nil {
		t.Errorf("an inactive customer is indexed under %q", got)
	}
}

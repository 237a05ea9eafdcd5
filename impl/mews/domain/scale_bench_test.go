package domain

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/paxkit/paxkit/internal/store"
)

// The scale benchmarks fill one tenant with 10k and 100k customers (and 1M when
// PAXKIT_BENCH_1M=1: it takes about a minute and 1-2 GB) and measure the queries an integrator's
// suite runs against a big tenant. Each reports p99-ns next to the mean, and the fill reports
// B/customer (live heap per stored customer). Compare the sizes: a flat curve is the goal.
//
//	go test -run x -bench Scale -benchtime 2000x ./impl/mews/domain/

const benchTenant = "bench"

// scaleSizes are the store sizes benchmarked.
func scaleSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("PAXKIT_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

var (
	benchFirst = []string{"Anna", "Bram", "Chloe", "David", "Emma", "Finn", "Greta", "Hugo", "Iris", "Jonas", "Klara", "Liam", "Mila", "Noah", "Olga", "Pablo"}
	benchLast  = []string{"Smith", "de Vries", "Novak", "Garcia", "Müller", "Rossi", "Dubois", "Jansen", "Kowalski", "Silva", "Nielsen", "Horvat", "Papadopoulos", "Ivanov", "Murphy", "Berg"}
	benchStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
)

// scaleCustomer is the i-th customer of a benchmark tenant: a realistic profile (names, email,
// phone, address, a passport), created one minute after the previous one. Ten customers carry
// the rare surname "Quillfeather", so a search for it has the same answer at every size.
func scaleCustomer(i int) Customer {
	id := fmt.Sprintf("%08x-5e1f-4a0b-9c3d-%012x", i, i)
	first := benchFirst[i%len(benchFirst)]
	last := benchLast[(i/len(benchFirst))%len(benchLast)]
	if i%(len(benchFirst)*len(benchLast)) == 7 && i < 7+10*len(benchFirst)*len(benchLast) {
		last = "Quillfeather"
	}
	created := benchStart.Add(time.Duration(i) * time.Minute)
	s := func(v string) *string { return &v }
	return Customer{
		ID: id, ChainID: "5d2ab2c3-56a2-4c14-8a0f-6f3e4b1a2c3d", Number: strconv.Itoa(i + 1),
		FirstName: s(first), LastName: last, Sex: s("Female"), NationalityCode: s("NL"),
		Email: s(fmt.Sprintf("guest%d@example.com", i)), Phone: s(fmt.Sprintf("+3120%07d", i)),
		CreatedUtc: created, UpdatedUtc: created,
		Address:         &Address{ID: id[:9] + "addr-" + id[14:], Line1: s("Prinsengracht 263"), City: s("Amsterdam"), PostalCode: s("1016 GV"), CountryCode: s("NL")},
		Passport:        &IdentityDocument{ID: id[:9] + "pass-" + id[14:], CustomerID: id, Type: "Passport", Number: s(fmt.Sprintf("NL%07d", i)), Expiration: s("2030-01-01"), IssuingCountryCode: s("NL")},
		Classifications: []string{}, Options: []string{}, PreferredSpaceFeatures: []string{},
		IsActive: true, ActivityState: s(Active),
	}
}

type scaleTenant struct {
	svc     *Service
	n       int
	perCust float64 // live heap bytes per stored customer
}

// fillScale stores n customers in one tenant, in batches so that the undo log stays small,
// and measures the live heap they take.
func fillScale(b *testing.B, n int) scaleTenant {
	b.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	st := store.New()
	svc := New(st, Checks{}).WithDeps(time.Now, func() string { return "unused" })
	const batch = 10_000
	for lo := 0; lo < n; lo += batch {
		err := st.Update(benchTenant, func(tx *store.Tx) error {
			for i := lo; i < min(lo+batch, n); i++ {
				if err := svc.t.customers.Put(tx, scaleCustomer(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(st)
	return scaleTenant{svc: svc, n: n, perCust: float64(after.HeapAlloc-before.HeapAlloc) / float64(n)}
}

// timed runs op b.N times and reports its 99th percentile next to the mean.
func timed(b *testing.B, op func(i int)) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		op(i)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

func BenchmarkScale(b *testing.B) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			t := fillScale(b, n)
			b.Run("memory", func(b *testing.B) {
				for range b.N {
				}
				b.ReportMetric(t.perCust, "B/customer")
			})
			benchScale(b, t)
		})
	}
}

func benchScale(b *testing.B, t scaleTenant) {
	svc, n := t.svc, t.n
	// pick spreads the customers asked for over the whole store.
	pick := func(i int) int { return (i * 7919) % n }
	b.Run("getAll-CustomerIds", func(b *testing.B) {
		timed(b, func(i int) {
			ids := []string{scaleCustomer(pick(i)).ID, scaleCustomer(pick(i + 1)).ID}
			got, _, err := svc.Find(benchTenant, Filter{IDs: ids, States: []string{Active}}, &Page{Count: 10})
			if err != nil || len(got) != 2 {
				b.Fatalf("%d customers, %v", len(got), err)
			}
		})
	})
	b.Run("getAll-Emails", func(b *testing.B) {
		timed(b, func(i int) {
			got, _, err := svc.Find(benchTenant, Filter{Emails: []string{*scaleCustomer(pick(i)).Email}, States: []string{Active}}, &Page{Count: 10})
			if err != nil || len(got) != 1 {
				b.Fatalf("%d customers, %v", len(got), err)
			}
		})
	})
	b.Run("getAll-CreatedUtc", func(b *testing.B) {
		timed(b, func(i int) {
			// One hour of creations (60 customers) somewhere in the store, first page of 10.
			start := benchStart.Add(time.Duration(pick(i)) * time.Minute)
			iv := &Interval{Start: start, End: start.Add(time.Hour)}
			got, _, err := svc.Find(benchTenant, Filter{Created: iv, States: []string{Active}}, &Page{Count: 10})
			if err != nil || len(got) == 0 {
				b.Fatalf("%d customers, %v", len(got), err)
			}
		})
	})
	b.Run("getAll-cursor-paging", func(b *testing.B) {
		// Each op is the next page of 100 of a walk through the whole tenant (an interval
		// filter covering everything, as a full export by a client would ask), restarting at
		// the end; so the mean and p99 cover every depth.
		all := &Interval{Start: benchStart, End: benchStart.Add(time.Duration(n) * time.Minute)}
		var cursor *string
		timed(b, func(int) {
			got, next, err := svc.Find(benchTenant, Filter{Created: all, States: []string{Active}}, &Page{Count: 100, Cursor: cursor})
			if err != nil {
				b.Fatal(err)
			}
			cursor = next
			if len(got) < 100 {
				cursor = nil
			}
		})
	})
	b.Run("search-Name", func(b *testing.B) {
		name := "quillfeather"
		want := min(10, (n+len(benchFirst)*len(benchLast)-8)/(len(benchFirst)*len(benchLast)))
		timed(b, func(int) {
			got, err := svc.Search(benchTenant, &name, nil)
			if err != nil || len(got) != want {
				b.Fatalf("%d customers (want %d), %v", len(got), want, err)
			}
		})
	})
	added := 0
	b.Run("add", func(b *testing.B) {
		// Adding is where the next customer Number is found; with Number scanned it was O(n).
		timed(b, func(int) {
			added++
			email := fmt.Sprintf("new%d-%d@example.com", n, added)
			last := "Newcomer"
			if _, err := svc.Add(benchTenant, AddInput{Profile: Profile{LastName: &last, Email: &email}}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

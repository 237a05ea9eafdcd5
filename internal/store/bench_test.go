package store

import (
	"fmt"
	"runtime"
	"testing"
)

// benchSizes are the records per tenant of the benchmarks.
func benchSizes() []int { return []int{10_000, 100_000} }

// benchFixture returns a store whose tenant "bench" holds n accounts, plus a second tenant so
// that the partition lookup is not trivially a single entry.
func benchFixture(b *testing.B, n int) fixture {
	b.Helper()
	f := newFixture()
	for _, tenant := range []string{"bench", "other"} {
		f.update(b, tenant, func(tx *Tx) error {
			for i := range n {
				if err := f.accounts.Put(tx, benchAccount(i)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return f
}

func benchAccount(i int) account {
	return account{
		ID:      fmt.Sprintf("acc-%08d", i),
		Email:   fmt.Sprintf("user%d@example.com", i),
		Phones:  []string{fmt.Sprintf("+31%09d", i)},
		Name:    fmt.Sprintf("Given%d Family%d", i%1000, i%97),
		Created: fmt.Sprintf("2024-%02d-%02dT%02d:00:00Z", 1+i%12, 1+i%28, i%24),
	}
}

func BenchmarkGet(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := benchFixture(b, n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f.s.View("bench", func(tx *Tx) error {
					if _, ok := f.accounts.Get(tx, fmt.Sprintf("acc-%08d", i%n)); !ok {
						b.Fatal("missing")
					}
					return nil
				})
				i++
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("unique/%d", n), func(b *testing.B) {
			f := benchFixture(b, n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				f.s.View("bench", func(tx *Tx) error {
					if len(f.accounts.Lookup(tx, "email", fmt.Sprintf("user%d@example.com", i%n))) != 1 {
						b.Fatal("missing")
					}
					return nil
				})
				i++
			}
		})
		// "given7" is held by n/1000 records: 10 or 100.
		b.Run(fmt.Sprintf("multi/%d", n), func(b *testing.B) {
			f := benchFixture(b, n)
			b.ReportAllocs()
			for b.Loop() {
				f.s.View("bench", func(tx *Tx) error {
					if len(f.accounts.Lookup(tx, "name", "given7")) != n/1000 {
						b.Fatal("wrong count")
					}
					return nil
				})
			}
		})
	}
}

func BenchmarkScanPage(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := benchFixture(b, n)
			b.ReportAllocs()
			var after *Position
			for b.Loop() {
				f.s.View("bench", func(tx *Tx) error {
					page := f.accounts.Scan(tx, "created", Query{After: after, Limit: 50})
					after = page.Next // start over at the end
					return nil
				})
			}
		})
	}
}

func BenchmarkPut(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := benchFixture(b, n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				// Alternate inserts of new records and replaces of existing ones with a new key.
				a := benchAccount(n + i)
				if i%2 == 1 {
					a = benchAccount(i % n)
					a.Created = "2030"
				}
				f.update(b, "bench", func(tx *Tx) error { return f.accounts.Put(tx, a) })
				i++
			}
		})
	}
}

// BenchmarkMemory reports the heap held per stored account (record, its strings and every
// index entry). It measures once per size; the loop itself does nothing.
func BenchmarkMemory(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			f := benchFixture(b, n)
			runtime.GC()
			runtime.ReadMemStats(&m1)
			runtime.KeepAlive(f)
			for b.Loop() {
			}
			b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/float64(2*n), "B/record")
		})
	}
}

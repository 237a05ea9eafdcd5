package bench_test

import (
	"context"
	"testing"

	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

// BenchmarkStartup is what `paxkit serve` does before it listens: load and check the five
// contracts, define the APIs with their demo data, build the server (routers, validators).
// make bench measures the whole start of the binary; this is the part paxkit controls.
func BenchmarkStartup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		st := store.New()
		apis, err := registry.APIs(context.Background(), st)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := server.New(server.Config{Seed: 1}, apis, st); err != nil {
			b.Fatal(err)
		}
	}
}

package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

// scaleSizes are the numbers of TOMP accounts in the demo tenant; 1M only with
// PAXKIT_BENCH_1M=1 (it takes a minute and about 2 GB).
func scaleSizes() []int {
	sizes := []int{10_000, 100_000}
	if os.Getenv("PAXKIT_BENCH_1M") == "1" {
		sizes = append(sizes, 1_000_000)
	}
	return sizes
}

func accountID(i int) string { return fmt.Sprintf("%08x-1b3f-4c5d-8e6f-%012x", i, i) }

// BenchmarkScaleTompGetByID measures GET customer account by id through the whole server
// (routing, token, request validation, store, encoding) with n accounts in the tenant, and
// reports the 99th percentile too: the cost must not grow with n.
func BenchmarkScaleTompGetByID(b *testing.B) {
	for _, n := range scaleSizes() {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			st := store.New()
			apis, err := registry.APIs(context.Background(), st)
			if err != nil {
				b.Fatal(err)
			}
			srv, err := server.New(server.Config{Seed: 1}, apis, st)
			if err != nil {
				b.Fatal(err)
			}
			raws := make([]json.RawMessage, n)
			for i := range raws {
				raws[i] = fmt.Appendf(nil, `{"id":"%s","customer":{"id":"mp-%d","initials":"A.","firstName":"Anna","lastName":"Vries","email":"guest%d@example.org"},"creationDate":"2025-01-10T08:00:00Z","modificationDate":"2025-01-10T08:00:00Z","status":"ACTIVE"}`, accountID(i), i, i)
			}
			if err := st.Import(store.Snapshot{"tomp.accounts": {"demo": raws}}); err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", "/tomp/collections/customers/items/"+accountID((i*7919)%n), nil)
				req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
				req.Header.Set("Accept-Language", "en")
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}

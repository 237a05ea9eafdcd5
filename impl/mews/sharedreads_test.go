package mews_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

// The reads answer from customers shared with the store (domain Find and Search read in a
// store.ViewShared, without copies). Readers of every read operation of both revisions, run
// concurrently and next to updates of the customers they read, must neither race (the test
// command runs -race) nor change anything stored.
func TestReadsShareStoredCustomersSafely(t *testing.T) {
	s := start(t, servertest.Options{})
	ids := []string{mews.DemoJohnSmith, mews.DemoTheaCarbone}
	page := map[string]any{"Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 2}}
	reads := []struct {
		r      rev
		action string
		kv     map[string]any
	}{
		{current, "getAll", with(page, "CustomerIds", ids)},
		// walks the newest-first index
		{current, "getAll", with(page, "CreatedUtc", map[string]any{"StartUtc": "2017-12-01T00:00:00Z", "EndUtc": "2018-02-01T00:00:00Z"})},
		{current, "search", map[string]any{"Name": "smith"}},
		{legacy, "getAllByIds", map[string]any{"CustomerIds": ids}},
		{legacy, "getAll", map[string]any{"TimeFilter": "Created", "StartUtc": "2017-12-01T00:00:00Z", "EndUtc": "2018-02-01T00:00:00Z"}},
		{legacy, "search", map[string]any{"Name": "smith"}},
	}
	readConcurrently := func(wg *sync.WaitGroup, rounds int) {
		for g := range 4 {
			wg.Go(func() {
				for i := range rounds {
					rd := reads[(g+i)%len(reads)]
					if resp := call(t, s, rd.r, rd.action, body(rd.r, rd.kv)); resp.Status != http.StatusOK {
						t.Errorf("%s %s: %d %s", rd.r, rd.action, resp.Status, resp.Body)
					}
				}
			})
		}
	}
	export := func() string {
		resp := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("export: %d %s", resp.Status, resp.Body)
		}
		return string(resp.Body)
	}

	before := export()
	var wg sync.WaitGroup
	readConcurrently(&wg, 30)
	wg.Wait()
	if export() != before {
		t.Fatal("reads changed what is stored")
	}

	readConcurrently(&wg, 30)
	wg.Go(func() {
		for i := range 40 {
			resp := call(t, s, current, "update", body(current, map[string]any{"CustomerId": ids[i%2], "Title": "Mister",
				"FirstName": fmt.Sprintf("Reader%d", i), "Classifications": []string{"Important"}, "Address": map[string]any{"City": fmt.Sprint(i)}}))
			if resp.Status != http.StatusOK {
				t.Errorf("update: %d %s", resp.Status, resp.Body)
			}
		}
	})
	wg.Wait()
	if c := getByID(t, s, current, ids[1]); c["FirstName"] != "Reader39" {
		t.Errorf("after the updates FirstName is %v, want Reader39", c["FirstName"])
	}
}

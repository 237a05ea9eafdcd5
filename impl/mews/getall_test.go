package mews_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

func getAll(kv map[string]any) map[string]any {
	b := map[string]any{"Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 100}}
	for k, v := range kv {
		b[k] = v
	}
	return body(current, b)
}

func interval(start, end string) map[string]any {
	return map[string]any{"StartUtc": start, "EndUtc": end}
}

func TestGetAllValidation(t *testing.T) {
	s := start(t, servertest.Options{})
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("n%d@example.com", i)
	}
	smith := map[string]any{"LastNames": []string{"Smith"}}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"one filter", getAll(smith), 200, ""},
		{"no filter", getAll(nil), 400, "At least one filter must be provided (for example CustomerIds)."},
		{"Limitation missing", without(getAll(smith), "Limitation"), 400, ""},
		{"Count 0", with(getAll(smith), "Limitation", map[string]any{"Count": 0}), 400, ""},
		{"Count 1", with(getAll(smith), "Limitation", map[string]any{"Count": 1}), 200, ""},
		{"Count 1000", with(getAll(smith), "Limitation", map[string]any{"Count": 1000}), 200, ""},
		{"Count 1001", with(getAll(smith), "Limitation", map[string]any{"Count": 1001}), 400, ""},
		{"Extent missing", without(getAll(smith), "Extent"), 400, ""},
		{"interval of exactly 3 months", getAll(map[string]any{"CreatedUtc": interval("2018-01-01T00:00:00Z", "2018-04-01T00:00:00Z")}), 200, ""},
		{"interval over 3 months", getAll(map[string]any{"CreatedUtc": interval("2018-01-01T00:00:00Z", "2018-04-01T00:00:01Z")}), 400, "The CreatedUtc interval must not be longer than 3 months."},
		{"updated interval over 3 months", getAll(map[string]any{"UpdatedUtc": interval("2018-01-01T00:00:00Z", "2019-01-01T00:00:00Z")}), 400, "The UpdatedUtc interval must not be longer than 3 months."},
		{"deleted interval ending first", getAll(map[string]any{"DeletedUtc": interval("2018-02-01T00:00:00Z", "2018-01-01T00:00:00Z")}), 400, "The DeletedUtc interval must not end before it starts."},
		{"1000 emails", getAll(map[string]any{"Emails": many[:1000]}), 200, ""},
		{"1001 emails", getAll(map[string]any{"Emails": many}), 400, ""},
		{"1001 last names", getAll(map[string]any{"LastNames": many}), 400, ""},
		{"1001 first names", getAll(map[string]any{"FirstNames": many}), 400, ""},
		{"1001 loyalty codes", getAll(map[string]any{"LoyaltyCodes": many}), 400, ""},
		{"two company ids", getAll(map[string]any{"CompanyIds": []string{mews.DemoChain, mews.DemoJohnSmith}}), 400, ""},
		{"unknown activity state", getAll(with(smith, "ActivityStates", []string{"Archived"})), 400, ""},
		{"cursor naming no customer", with(getAll(smith), "Limitation", map[string]any{"Count": 1, "Cursor": "00000000-0000-4000-8000-000000000000"}), 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, s, current, "getAll", tc.body)
			expect(t, resp, tc.status)
			if tc.msg != "" && message(t, resp) != tc.msg {
				t.Errorf("message %q, want %q", message(t, resp), tc.msg)
			}
		})
	}
}

func TestGetAllFilters(t *testing.T) {
	s := start(t, servertest.Options{})
	call(t, s, current, "merge", body(current, map[string]any{"SourceCustomerId": mews.DemoMergeSource, "TargetCustomerId": mews.DemoLegacyJohnSmith}))
	mergedAt := servertest.StartTime().Format(time.RFC3339)
	tests := []struct {
		name string
		kv   map[string]any
		want []string
	}{
		{"last name, newest first", map[string]any{"LastNames": []string{"smith"}}, []string{mews.DemoJohnSmith, mews.DemoLegacyJohnSmith}},
		{"names combine with AND", map[string]any{"LastNames": []string{"Smith", "Carbone"}, "FirstNames": []string{"Thea"}}, []string{mews.DemoTheaCarbone}},
		{"email ignoring case", map[string]any{"Emails": []string{"J.SMITH@example.com"}}, []string{mews.DemoJohnSmith}},
		{"loyalty code", map[string]any{"LoyaltyCodes": []string{"LL810213"}}, []string{mews.DemoJohnSmith}},
		{"company", map[string]any{"CompanyIds": []string{"c6f5c82d-621a-4c8a-903b-1b0a9a23b71f"}}, []string{mews.DemoJohnSmith}},
		{"ids", map[string]any{"CustomerIds": []string{mews.DemoTheaCarbone, mews.DemoFileTarget}}, []string{mews.DemoTheaCarbone, mews.DemoFileTarget}},
		{"unknown id matches nothing", map[string]any{"CustomerIds": []string{"00000000-0000-4000-8000-000000000000"}}, []string{}},
		{"created interval inclusive at both ends", map[string]any{"CreatedUtc": interval("2016-01-01T00:00:00Z", "2016-01-03T08:15:00Z"), "ActivityStates": []string{"Active", "Deleted"}}, []string{mews.DemoMergeSource, mews.DemoLegacyJohnSmith}},
		{"created interval excluding the ends", map[string]any{"CreatedUtc": interval("2016-01-01T00:00:01Z", "2016-01-03T08:14:59Z"), "ActivityStates": []string{"Active", "Deleted"}}, []string{}},
		{"updated interval", map[string]any{"UpdatedUtc": interval("2018-01-02T00:00:00Z", "2018-01-02T00:00:00Z")}, []string{mews.DemoJohnSmith}},
		{"chains", map[string]any{"LastNames": []string{"Smith"}, "ChainIds": []string{"5fcd1933-22f2-40b9-84da-7db04cbecec2"}}, []string{}},
		{"deleted only with the state", map[string]any{"DeletedUtc": interval(mergedAt, mergedAt)}, []string{}},
		{"deleted", map[string]any{"DeletedUtc": interval(mergedAt, mergedAt), "ActivityStates": []string{"Deleted"}}, []string{mews.DemoMergeSource}},
		{"both states", map[string]any{"LastNames": []string{"Smith"}, "ActivityStates": []string{"Deleted", "Active"}}, []string{mews.DemoJohnSmith, mews.DemoMergeSource, mews.DemoLegacyJohnSmith}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, s, current, "getAll", getAll(tc.kv))
			expect(t, resp, 200)
			got := ids(customersOf(t, resp))
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			res := resp.JSON(t)
			if res["Documents"] != nil {
				t.Errorf("Documents %v, want null", res["Documents"])
			}
			if len(tc.want) == 0 && res["Cursor"] != nil || len(tc.want) > 0 && res["Cursor"] != tc.want[len(tc.want)-1] {
				t.Errorf("Cursor %v, want the last id returned (null when none)", res["Cursor"])
			}
		})
	}
	// Extent decides what is returned; the cursor still advances.
	resp := call(t, s, current, "getAll", with(getAll(map[string]any{"LastNames": []string{"Smith"}}), "Extent", map[string]any{"Customers": false}))
	if res := resp.JSON(t); len(res["Customers"].([]any)) != 0 || res["Cursor"] != mews.DemoLegacyJohnSmith {
		t.Errorf("Extent.Customers false: %s", resp.Body)
	}
}

// Cursor paging: newest first, the cursor is the oldest id returned, the next page continues
// strictly after it, without gaps or repeats, even while customers are being added.
func TestGetAllPaging(t *testing.T) {
	s := start(t, servertest.Options{})
	var want []string
	for i := 0; i < 7; i++ {
		s.Clock.Advance(time.Minute)
		if i == 3 {
			s.Clock.Advance(-time.Minute) // two customers created in the same second
		}
		c := customerOf(t, call(t, s, legacy, "add", body(legacy, map[string]any{"OverwriteExisting": false, "LastName": "Pager", "FirstName": fmt.Sprint(i)})))
		want = append(want, c["Id"].(string))
	}
	// Newest first; customers of the same second in ascending id order.
	slices.Reverse(want)
	if want[3] > want[4] {
		want[3], want[4] = want[4], want[3]
	}
	var got []string
	var cursor any
	for page := 0; page < 10; page++ {
		lim := map[string]any{"Count": 3}
		if cursor != nil {
			lim["Cursor"] = cursor
		}
		resp := call(t, s, current, "getAll", with(getAll(map[string]any{"LastNames": []string{"Pager"}}), "Limitation", lim))
		expect(t, resp, 200)
		pageIDs := ids(customersOf(t, resp))
		got = append(got, pageIDs...)
		cursor = resp.JSON(t)["Cursor"]
		if len(pageIDs) > 0 && cursor != pageIDs[len(pageIDs)-1] {
			t.Fatalf("page %d: cursor %v, want the oldest id returned %s", page, cursor, pageIDs[len(pageIDs)-1])
		}
		// A customer added meanwhile is newer than every page: it does not shift the crawl.
		s.Clock.Advance(time.Minute)
		call(t, s, legacy, "add", body(legacy, map[string]any{"OverwriteExisting": false, "LastName": "Pager", "FirstName": "late"}))
		if len(pageIDs) < 3 {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("crawl returned\n%v\nwant\n%v", got, want)
	}
}

// The legacy reads: getAll by a Created or Updated interval, getAllByIds, getAllByEmails.
func TestLegacyReads(t *testing.T) {
	s := start(t, servertest.Options{})
	s.Clock.Advance(time.Hour)
	call(t, s, legacy, "update", body(legacy, map[string]any{"CustomerId": mews.DemoFileTarget, "Notes": "touched"}))
	now := servertest.StartTime().Add(time.Hour).Format(time.RFC3339)
	tests := []struct {
		name   string
		action string
		kv     map[string]any
		status int
		want   []string
	}{
		{"created, inclusive", "getAll", map[string]any{"TimeFilter": "Created", "StartUtc": "2016-01-01T00:00:00Z", "EndUtc": "2016-01-03T08:15:00Z"}, 200, []string{mews.DemoMergeSource, mews.DemoLegacyJohnSmith}},
		{"updated includes created", "getAll", map[string]any{"TimeFilter": "Updated", "StartUtc": "2016-01-01T00:00:00Z", "EndUtc": "2016-01-02T00:00:00Z"}, 200, []string{mews.DemoLegacyJohnSmith}},
		{"updated", "getAll", map[string]any{"TimeFilter": "Updated", "StartUtc": now, "EndUtc": now}, 200, []string{mews.DemoFileTarget}},
		{"created excludes updated", "getAll", map[string]any{"TimeFilter": "Created", "StartUtc": now, "EndUtc": now}, 200, []string{}},
		{"end before start", "getAll", map[string]any{"TimeFilter": "Created", "StartUtc": "2016-01-02T00:00:00Z", "EndUtc": "2016-01-01T00:00:00Z"}, 400, nil},
		{"unknown time filter", "getAll", map[string]any{"TimeFilter": "Deleted", "StartUtc": "2016-01-01T00:00:00Z", "EndUtc": "2016-01-02T00:00:00Z"}, 400, nil},
		{"time filter missing", "getAll", map[string]any{"StartUtc": "2016-01-01T00:00:00Z", "EndUtc": "2016-01-02T00:00:00Z"}, 400, nil},
		{"by ids, unknown skipped", "getAllByIds", map[string]any{"CustomerIds": []string{mews.DemoTheaCarbone, "00000000-0000-4000-8000-000000000000"}}, 200, []string{mews.DemoTheaCarbone}},
		{"by ids, malformed", "getAllByIds", map[string]any{"CustomerIds": []string{"nope"}}, 400, nil},
		{"by ids, missing", "getAllByIds", map[string]any{}, 400, nil},
		{"by emails ignoring case", "getAllByEmails", map[string]any{"Emails": []string{"Petr.Dvorak@example.cz", "nobody@example.com"}}, 200, []string{mews.DemoLegacyFileTarget}},
		{"by emails, missing", "getAllByEmails", map[string]any{}, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, s, legacy, tc.action, body(legacy, tc.kv))
			expect(t, resp, tc.status)
			if tc.status == 200 {
				if got := ids(customersOf(t, resp)); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// search: Name matches the first, last or full name ignoring case; ResourceId / SpaceId
// find nobody without fixture reservations; every result has Reservation null.
func TestSearch(t *testing.T) {
	s := start(t, servertest.Options{})
	call(t, s, current, "merge", body(current, map[string]any{"SourceCustomerId": mews.DemoMergeSource, "TargetCustomerId": mews.DemoLegacyJohnSmith}))
	tests := []struct {
		name string
		kv   map[string]any
		want []string
	}{
		{"last name", map[string]any{"Name": "SMITH"}, []string{mews.DemoJohnSmith, mews.DemoLegacyJohnSmith}},
		{"first name", map[string]any{"Name": "thea"}, []string{mews.DemoTheaCarbone}},
		{"full name", map[string]any{"Name": "Emma Wilson"}, []string{mews.DemoFileTarget}},
		{"part of a name", map[string]any{"Name": "vorak"}, []string{mews.DemoLegacyFileTarget}},
		{"no match", map[string]any{"Name": "Wilson Emma"}, []string{}},
	}
	for _, r := range bothRevisions {
		for _, tc := range tests {
			t.Run(string(r)+"/"+tc.name, func(t *testing.T) {
				resp := call(t, s, r, "search", body(r, tc.kv))
				expect(t, resp, 200)
				if got := ids(customersOf(t, resp)); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Errorf("got %v, want %v", got, tc.want)
				}
				for _, res := range resp.JSON(t)["Customers"].([]any) {
					if v, ok := res.(map[string]any)["Reservation"]; !ok || v != nil {
						t.Errorf("Reservation %v, want null", v)
					}
				}
			})
		}
	}
	room := "5ee074b1-6c86-48e8-915f-c7aa4702086f"
	for _, tc := range []struct {
		r  rev
		kv map[string]any
	}{{current, map[string]any{"Name": "Smith", "ResourceId": room}}, {legacy, map[string]any{"Name": "Smith", "SpaceId": room}}} {
		if got := customersOf(t, call(t, s, tc.r, "search", body(tc.r, tc.kv))); len(got) != 0 {
			t.Errorf("%s: a room without a reservation finds %v", tc.r, ids(got))
		}
	}
	resp := call(t, s, current, "search", body(current, map[string]any{"ResourceId": "nope"}))
	expect(t, resp, 400)
	resp = call(t, s, current, "search", body(current, map[string]any{"Name": "Smith", "Extent": map[string]any{"Customers": false}}))
	if got := customersOf(t, resp); len(got) != 0 {
		t.Errorf("Extent.Customers false returned customers %v", ids(got))
	}
}

package mews_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

const room = "5ee074b1-6c86-48e8-915f-c7aa4702086f"

// stay is a fixture reservation of Thea Carbone (owner) and Jana Novakova in room `room`,
// in both revisions' shapes.
func stay() map[string]any {
	common := map[string]any{
		"Id": "bfee2c44-1f84-4326-a862-5289598f6e2d", "ServiceId": "bd26d8db-86da-4f96-9efc-e5a4654a4a94",
		"GroupId": "c704dff3-7811-4af7-a3a0-7b2b0635ac59", "Number": "52", "State": "Started", "Origin": "Connector",
		"CreatedUtc": "2026-03-10T10:00:00Z", "UpdatedUtc": "2026-03-13T14:00:00Z",
		"StartUtc": "2026-03-13T14:00:00Z", "EndUtc": "2026-03-16T10:00:00Z",
		"RequestedCategoryId": "773d5e42-de1e-43a0-9ce6-f940faf2303f", "RateId": "ed4b660b-19d0-434b-9360-a4de2ea42eda",
	}
	current := with(common, "AssignedResourceId", room, "AssignedResourceLocked", false, "OwnerId", mews.DemoTheaCarbone,
		"PersonCounts", []any{map[string]any{"AgeCategoryId": "1f67644f-052d-4863-acdf-ae1600c60ca0", "Count": 2}},
		"Options", map[string]any{"OwnerCheckedIn": true, "AllCompanionsCheckedIn": true, "AnyCompanionCheckedIn": true})
	legacyShape := with(common, "AssignedSpaceId", room, "AssignedSpaceLocked", false, "AdultCount", 2, "ChildCount", 0,
		"CustomerId", mews.DemoTheaCarbone, "CompanionIds", []string{mews.DemoOpenItemsHolder})
	return map[string]any{"Id": "bfee2c44-1f84-4326-a862-5289598f6e2d", "CustomerIds": []string{mews.DemoTheaCarbone, mews.DemoOpenItemsHolder},
		"ResourceId": room, "Current": current, "Legacy": legacyShape}
}

func importReservations(t *testing.T, s *servertest.Server, rs ...any) servertest.Response {
	t.Helper()
	return s.Do(http.MethodPost, "/_paxkit/import", nil, map[string]any{"state": map[string]any{"mews.reservations": map[string]any{"gross-uk": rs}}})
}

// search with fixture reservations: ResourceId / SpaceId return the customers staying in the
// room, and each result carries its reservation in the revision's shape (null otherwise).
func TestSearchWithReservations(t *testing.T) {
	s := start(t, servertest.Options{})
	if resp := importReservations(t, s, stay()); resp.Status != 200 {
		t.Fatalf("import: %d %s", resp.Status, resp.Body)
	}
	tests := []struct {
		r    rev
		kv   map[string]any
		want []string
	}{
		{current, map[string]any{"ResourceId": room}, []string{mews.DemoTheaCarbone, mews.DemoOpenItemsHolder}},
		{legacy, map[string]any{"SpaceId": room}, []string{mews.DemoTheaCarbone, mews.DemoOpenItemsHolder}},
		{current, map[string]any{"ResourceId": room, "Name": "thea"}, []string{mews.DemoTheaCarbone}},
		{legacy, map[string]any{"SpaceId": "00000000-0000-4000-8000-000000000000"}, []string{}},
		{current, map[string]any{"Name": "Carbone"}, []string{mews.DemoTheaCarbone}},
	}
	for _, tc := range tests {
		resp := call(t, s, tc.r, "search", body(tc.r, tc.kv))
		expect(t, resp, 200)
		if got := ids(customersOf(t, resp)); len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s %v: got %v, want %v", tc.r, tc.kv, got, tc.want)
		}
		var res struct {
			Customers []struct{ Reservation map[string]any }
		}
		if err := json.Unmarshal(resp.Body, &res); err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Customers {
			key := "AssignedResourceId"
			if tc.r == legacy {
				key = "AssignedSpaceId"
			}
			if c.Reservation == nil || c.Reservation[key] != room || c.Reservation["Number"] != "52" {
				t.Errorf("%s: reservation %v, want the stay in the revision's shape", tc.r, c.Reservation)
			}
		}
	}
	// Customers without a stay keep Reservation null.
	resp := call(t, s, current, "search", body(current, map[string]any{"Name": "Wilson"}))
	if string(resp.Body) == "" || !has(string(resp.Body), `"Reservation":null`) {
		t.Errorf("a customer without a stay: %s", resp.Body)
	}

	bad := stay()
	bad["Legacy"] = map[string]any{"Id": "x"}
	if resp := importReservations(t, s, bad); resp.Status != 400 || !has(string(resp.Body), "Legacy") {
		t.Errorf("a reservation the legacy revision could not answer was imported: %d %s", resp.Status, resp.Body)
	}
	noOne := stay()
	noOne["CustomerIds"] = []string{}
	if resp := importReservations(t, s, noOne); resp.Status != 400 {
		t.Errorf("a reservation without customers was imported: %d %s", resp.Status, resp.Body)
	}
}

// Fixture records are checked against the contracts: what a revision could not answer is
// refused, and nothing of a refused import is applied.
func TestFixtureRecordsAreChecked(t *testing.T) {
	s := start(t, servertest.Options{})
	state := func(table string, rec any) map[string]any {
		return map[string]any{"state": map[string]any{table: map[string]any{"gross-uk": []any{rec}}}}
	}
	tests := []struct {
		name   string
		doc    map[string]any
		status int
	}{
		{"valid customer", state("mews.customers", map[string]any{"Id": "0d7f1d5e-5b1a-4f57-9f0e-5c1c2b7f9a01", "ChainId": mews.DemoChain,
			"Number": "9", "LastName": "Fixture", "HasOtaEmail": false, "CreatedUtc": "2025-01-01T00:00:00Z", "UpdatedUtc": "2025-01-01T00:00:00Z",
			"Classifications": []string{}, "Options": []string{}, "IsActive": true, "PreferredSpaceFeatures": []string{}}), 200},
		{"customer without LastName", state("mews.customers", map[string]any{"Id": "0d7f1d5e-5b1a-4f57-9f0e-5c1c2b7f9a02", "ChainId": mews.DemoChain,
			"Number": "9", "HasOtaEmail": false, "CreatedUtc": "2025-01-01T00:00:00Z", "UpdatedUtc": "2025-01-01T00:00:00Z",
			"Classifications": []string{}, "Options": []string{}, "IsActive": true, "PreferredSpaceFeatures": []string{}}), 400},
		{"customer with an unknown member", state("mews.customers", map[string]any{"Id": "x", "Nickname": "y"}), 400},
		{"enterprise without rates for a code", state("mews.enterprises", map[string]any{"Id": "enterprise", "ChainId": mews.DemoChain, "Currency": "GBP", "Rates": map[string]any{"EUR": 0}}), 400},
		{"open item of unknown kind", state("mews.openItems", map[string]any{"Id": "i", "CustomerId": mews.DemoTheaCarbone, "Kind": "Gift",
			"Amount": map[string]any{"Currency": "GBP"}, "AccountingState": "Open", "Data": map[string]any{"Discriminator": "Other"}}), 400},
	}
	for _, tc := range tests {
		resp := s.Do(http.MethodPost, "/_paxkit/import", nil, tc.doc)
		if resp.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.Status, resp.Body, tc.status)
		}
	}
	// The valid import replaced the customers table; the refused ones changed nothing after it.
	resp := call(t, s, legacy, "getAllByIds", body(legacy, map[string]any{"CustomerIds": []string{"0d7f1d5e-5b1a-4f57-9f0e-5c1c2b7f9a01", mews.DemoTheaCarbone}}))
	if got := ids(customersOf(t, resp)); len(got) != 1 || got[0] != "0d7f1d5e-5b1a-4f57-9f0e-5c1c2b7f9a01" {
		t.Errorf("after the imports: %v", got)
	}
}

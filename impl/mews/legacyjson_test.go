package mews

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// legacyWireJSON is the legacy reference: json.Marshal(toLegacy(c)), failing where either
// fails.
func legacyWireJSON(c domain.Customer) ([]byte, error) {
	w, err := toLegacy(c)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

func sameAsLegacy(t testing.TB, name string, c domain.Customer) (refused bool) {
	t.Helper()
	return sameAs(t, name, c, legacyWireJSON, appendLegacyCustomer)
}

// TestLegacyDirectMatchesWire: the legacy writer answers toLegacy's bytes for the demo, full,
// empty and escaping customers, the classifications and options the 2018 lists do and do
// not know, and thousands of reflection-filled customers, and fails where toLegacy fails.
func TestLegacyDirectMatchesWire(t *testing.T) {
	full, empty := fullAndEmpty(t)
	cases := map[string]domain.Customer{"full": full, "empty": empty}
	for i, c := range demoCustomers(t) {
		cases[fmt.Sprintf("demo %d", i)] = c
	}
	lists := full
	lists.Classifications = []string{"DisabledPerson", "Disabled", "Vip", "NotKnownIn2018", "None", "Media", ""}
	lists.Options = []string{"SendMarketingEmails", "Invoiceable", "NotKnownIn2018", "BillAddressObjection"}
	cases["lists"] = lists
	unknownOnly := empty
	unknownOnly.Classifications, unknownOnly.Options = []string{"NotKnownIn2018"}, []string{"x"}
	cases["unknown values only"] = unknownOnly
	emptyLists := empty
	emptyLists.Classifications, emptyLists.Options = []string{}, []string{}
	cases["empty lists"] = emptyLists
	zones := full
	zones.CreatedUtc = time.Date(2020, 5, 6, 7, 8, 9, 10, time.FixedZone("", -30)) // written +00:00
	zones.UpdatedUtc = time.Date(2020, 5, 6, 7, 8, 9, 0, time.FixedZone("zero", 0))
	cases["zones"] = zones
	for i, s := range escapingClasses {
		c := full
		c.LastName, c.Number, c.FirstName, c.Sex = s, s, &s, &s
		c.Passport = &domain.IdentityDocument{ID: c.ID, CustomerID: c.ID, Type: s, Number: &s}
		c.Address = &domain.Address{ID: c.ID, City: &s}
		cases[fmt.Sprintf("escaping %d", i)] = c
	}
	for name, c := range cases {
		if sameAsLegacy(t, name, c) {
			t.Errorf("%s: refused", name)
		}
	}

	checkFilled(t, filler{f: gofakeit.New(8), rng: rand.New(rand.NewPCG(8, 13))}, sameAsLegacy)
}

// TestLegacyDirectRefusesWhatWireRefuses: what toLegacy refuses is refused, and what it
// accepts although the current revision refuses it (ids the 2018 shape does not show) is
// accepted.
func TestLegacyDirectRefusesWhatWireRefuses(t *testing.T) {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	_, empty := fullAndEmpty(t)
	for name, tc := range map[string]struct {
		mutate  func(*domain.Customer)
		refused bool
	}{
		"Id not a UUID":            {func(c *domain.Customer) { c.ID = "nope" }, true},
		"BirthDate not a date":     {func(c *domain.Customer) { c.BirthDate = s("1990-02-30") }, true},
		"document Issuance":        {func(c *domain.Customer) { c.Visa = &domain.IdentityDocument{Issuance: s("x")} }, true},
		"Latitude NaN":             {func(c *domain.Customer) { c.Address = &domain.Address{ID: c.ID, Latitude: f(math.NaN())} }, true},
		"Longitude infinite":       {func(c *domain.Customer) { c.Address = &domain.Address{Longitude: f(math.Inf(1))} }, true},
		"CreatedUtc year 10000":    {func(c *domain.Customer) { c.CreatedUtc = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, true},
		"ChainId not a UUID":       {func(c *domain.Customer) { c.ChainID = "chain" }, false},
		"document ids not UUIDs":   {func(c *domain.Customer) { c.Passport = &domain.IdentityDocument{ID: "a", CustomerID: "b"} }, false},
		"Address Id not a UUID":    {func(c *domain.Customer) { c.Address = &domain.Address{ID: "a"} }, false},
		"MergeTargetId not a UUID": {func(c *domain.Customer) { c.MergeTargetID = s("merged") }, false},
	} {
		c := empty
		tc.mutate(&c)
		if _, err := legacyWireJSON(c); (err != nil) != tc.refused {
			t.Fatalf("%s: the reference's error is %v; the case tests nothing", name, err)
		}
		got, err := appendLegacyCustomer(nil, &c)
		if (err != nil) != tc.refused {
			t.Errorf("%s: error %v, refused should be %v (%s)", name, err, tc.refused, got)
		}
		if !tc.refused {
			sameAsLegacy(t, name, c)
		}
	}
}

// TestLegacyDirectBodiesMatchWire: the whole legacy answers of add, update, the three reads
// and search are those of the generated 200 responses built as before.
func TestLegacyDirectBodiesMatchWire(t *testing.T) {
	full, empty := fullAndEmpty(t)
	demo := demoCustomers(t)
	const reqID = "req-&"

	for name, c := range map[string]domain.Customer{"full": full, "empty": empty, "demo": demo[2]} {
		w, err := toLegacy(c)
		if err != nil {
			t.Fatal(err)
		}
		body, err := legacyCustomerBody(&c)
		if err != nil {
			t.Fatal(err)
		}
		sameAnswer(t, "add "+name, visit(t, legacyAddAnswer{jsonAnswer{body, reqID}}),
			visit(t, legacyapi.CustomersAdd200JSONResponse{Body: w, Headers: legacyapi.CustomersAdd200ResponseHeaders{RequestId: reqID}}))
		sameAnswer(t, "update "+name, visit(t, legacyUpdateAnswer{jsonAnswer{body, reqID}}),
			visit(t, legacyapi.CustomersUpdate200JSONResponse{Body: w, Headers: legacyapi.CustomersUpdate200ResponseHeaders{RequestId: reqID}}))
	}

	oldFind := func(cs []domain.Customer) (legacyapi.CustomerResult, error) {
		out := legacyapi.CustomerResult{Customers: make([]legacyapi.Customer, 0, len(cs))}
		for _, c := range cs {
			x, err := toLegacy(c)
			if err != nil {
				return out, err
			}
			out.Customers = append(out.Customers, x)
		}
		return out, nil
	}
	for name, cs := range map[string][]domain.Customer{
		"nothing":      nil,
		"demo":         demo,
		"two":          {full, empty},
		"bad customer": {full, {ID: "x"}},
	} {
		result, wantErr := oldFind(cs)
		if (wantErr != nil) != strings.HasPrefix(name, "bad") {
			t.Fatalf("find %s: the reference's error is %v; the case does not test what it says", name, wantErr)
		}
		body, err := legacyFindBody(cs)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("find %s: error %v, the reference's %v", name, err, wantErr)
		}
		if err != nil {
			continue
		}
		a := jsonAnswer{body, reqID}
		sameAnswer(t, "getAll "+name, visit(t, legacyGetAllAnswer{a}),
			visit(t, legacyapi.CustomersGetAll200JSONResponse{Body: result, Headers: legacyapi.CustomersGetAll200ResponseHeaders{RequestId: reqID}}))
		sameAnswer(t, "getAllByIds "+name, visit(t, legacyGetAllByIdsAnswer{a}),
			visit(t, legacyapi.CustomersGetAllByIds200JSONResponse{Body: result, Headers: legacyapi.CustomersGetAllByIds200ResponseHeaders{RequestId: reqID}}))
		sameAnswer(t, "getAllByEmails "+name, visit(t, legacyGetAllByEmailsAnswer{a}),
			visit(t, legacyapi.CustomersGetAllByEmails200JSONResponse{Body: result, Headers: legacyapi.CustomersGetAllByEmails200ResponseHeaders{RequestId: reqID}}))
	}

	oldSearch := func(found []domain.Found) (legacyapi.CustomerSearchResults, error) {
		results := legacyapi.CustomerSearchResults{Customers: make([]legacyapi.CustomerSearchResult, len(found))}
		for i, f := range found {
			c, err := toLegacy(f.Customer)
			if err != nil {
				return results, err
			}
			results.Customers[i] = legacyapi.CustomerSearchResult{Customer: c}
			results.Customers[i].Reservation.SetNull()
			if f.Reservation != nil {
				var res legacyapi.Reservation
				if err := recode(f.Reservation.Legacy, &res); err != nil {
					return results, err
				}
				results.Customers[i].Reservation.Set(res)
			}
		}
		return results, nil
	}
	stay := &domain.Reservation{ID: "r", Legacy: json.RawMessage(`{"Id":"bfee2c44-1f84-4326-a862-5289598f6e2d","Number":"5<2>&","State":"Started",
		"CreatedUtc":"2026-03-10T10:00:00+01:00","StartUtc":"2026-03-13T14:00:00Z","AssignedSpaceLocked":false,"AdultCount":2,"CompanionIds":["35d4b117-4e60-44a3-9580-c582117eff98"]}`)}
	broken := &domain.Reservation{ID: "r", Legacy: json.RawMessage(`{"Id":"not a uuid"}`)}
	for name, found := range map[string][]domain.Found{
		"nothing":          nil,
		"without stays":    {{Customer: full}, {Customer: empty}},
		"with a stay":      {{Customer: empty, Reservation: stay}, {Customer: demo[2]}, {Customer: full, Reservation: stay}},
		"broken stay":      {{Customer: empty, Reservation: broken}},
		"bad customer":     {{Customer: domain.Customer{ID: "x"}}},
		"bad after a stay": {{Customer: full, Reservation: stay}, {Customer: domain.Customer{ID: "y"}}},
	} {
		results, wantErr := oldSearch(found)
		if (wantErr != nil) != (strings.HasPrefix(name, "bad") || strings.HasPrefix(name, "broken")) {
			t.Fatalf("search %s: the reference's error is %v; the case does not test what it says", name, wantErr)
		}
		body, err := legacySearchBody(found)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("search %s: error %v, the reference's %v", name, err, wantErr)
		}
		if err != nil {
			continue
		}
		sameAnswer(t, "search "+name, visit(t, legacySearchAnswer{jsonAnswer{body, reqID}}),
			visit(t, legacyapi.CustomersSearch200JSONResponse{Body: results, Headers: legacyapi.CustomersSearch200ResponseHeaders{RequestId: reqID}}))
	}
}

// FuzzLegacyDirectCustomer is FuzzDirectCustomer for the legacy writer; the fuzzed item goes
// into the classifications and options too, where only the 2018 values are kept.
func FuzzLegacyDirectCustomer(f *testing.F) {
	f.Add("Smith", "fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "1990-01-31", "DisabledPerson", 50.08)
	f.Add("<a href=\"x\">&\u2028\x00\xff", "FADD5BB6-B428-45D5-94F8-FD0D89FECE6D", "1990-02-30", "Vip", math.NaN())
	f.Add("", "{fadd5bb6-b428-45d5-94f8-fd0d89fece6d}", "", "\\\xc0", 1e21)
	full, _ := fullAndEmpty(f)
	f.Fuzz(func(t *testing.T, text, id, date, item string, num float64) {
		c := full
		c.LastName, c.Number, c.FirstName, c.Notes, c.Sex = text, item, &text, &item, &text
		c.ID, c.ChainID, c.BirthDate = id, id, &date
		c.Classifications, c.Options = []string{item, text, "Vip"}, []string{item}
		c.Passport = &domain.IdentityDocument{ID: id, Number: &text, Issuance: &date}
		c.Address = &domain.Address{ID: id, Line1: &text, City: &item, Longitude: &num}
		sameAsLegacy(t, "fuzzed", c)
	})
}

// BenchmarkEncodeLegacyFind measures writing the body of a legacy read with the demo
// customers: before (toLegacy's two round trips and the generated type's json.Encoder) and
// after (the direct writer).
func BenchmarkEncodeLegacyFind(b *testing.B) {
	demo := demoCustomers(b)
	b.Run("toLegacy+encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			result := legacyapi.CustomerResult{Customers: make([]legacyapi.Customer, 0, len(demo))}
			for _, c := range demo {
				x, err := toLegacy(c)
				if err != nil {
					b.Fatal(err)
				}
				result.Customers = append(result.Customers, x)
			}
			if _, err := json.Marshal(result); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := legacyFindBody(demo); err != nil {
				b.Fatal(err)
			}
		}
	})
}

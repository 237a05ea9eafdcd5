package mews

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	mews "github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// TestWireCustomerMatchesRecode: the field-by-field conversion answers exactly the bytes the
// JSON round trip (recode) answered, for every demo customer and for edge cases, and refuses
// what recode refused.
func TestWireCustomerMatchesRecode(t *testing.T) {
	var demo map[string]map[string][]domain.Customer
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		t.Fatal(err)
	}
	var cases []domain.Customer
	for _, cs := range demo[domain.CustomersTable] {
		cases = append(cases, cs...)
	}
	if len(cases) < 3 {
		t.Fatalf("only %d demo customers", len(cases))
	}
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	full := cases[0]
	full.Address = &domain.Address{ID: "0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", Latitude: f(50.08), Longitude: f(-14.42), Line1: s("Main")}
	full.AddressID = s(full.Address.ID)
	full.Visa = &domain.IdentityDocument{ID: "1b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", CustomerID: full.ID, Type: "Visa", Expiration: s("2031-02-28"), Issuance: s("2021-03-01"), IdentityDocumentSupportNumber: s("X1")}
	full.MergeTargetID, full.CompanyID, full.Title, full.Sex, full.ActivityState = s("2b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"), s("3B7A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D"), s("Misses"), s("Female"), s("Deleted")
	full.Classifications, full.Options, full.PreferredSpaceFeatures = []string{"Vip", "Blacklist"}, []string{"SendMarketingEmails"}, nil
	full.CreatedUtc = time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	empty := domain.Customer{ID: "4b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", ChainID: "5b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", Number: "1", LastName: "Empty"}
	cases = append(cases, full, empty)

	for i, c := range cases {
		var viaJSON mews.Customer
		wantErr := recode(c, &viaJSON)
		got, err := wireCustomer(c)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("case %d: error %v, recode's %v", i, err, wantErr)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(viaJSON)
		if !bytes.Equal(a, b) {
			t.Errorf("case %d:\n got  %s\n want %s", i, a, b)
		}
	}

	// Values the JSON decoders refuse are refused here too.
	bad := map[string]func(*domain.Customer){
		"Id not a UUID":        func(c *domain.Customer) { c.ID = "nope" },
		"empty ChainId":        func(c *domain.Customer) { c.ChainID = "" },
		"BirthDate not a date": func(c *domain.Customer) { c.BirthDate = s("1990-02-30") },
		"document CustomerId": func(c *domain.Customer) {
			c.Passport = &domain.IdentityDocument{ID: c.ID, CustomerID: "x", Type: "Passport"}
		},
		"document Expiration": func(c *domain.Customer) {
			c.Passport = &domain.IdentityDocument{ID: c.ID, CustomerID: c.ID, Type: "Passport", Expiration: s("tomorrow")}
		},
		"Address Id":              func(c *domain.Customer) { c.Address = &domain.Address{ID: "1"} },
		"MergeTargetId not UUID ": func(c *domain.Customer) { c.MergeTargetID = s("merged") },
	}
	for name, mutate := range bad {
		c := empty
		mutate(&c)
		var viaJSON mews.Customer
		if err := recode(c, &viaJSON); err == nil {
			t.Fatalf("%s: recode accepts it; the case tests nothing", name)
		}
		if _, err := wireCustomer(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

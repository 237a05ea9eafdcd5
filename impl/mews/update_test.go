package mews_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

// update: omitted, null and blank fields are kept; Notes are overwritten; the lists are
// replaced; a taken email is refused; an unknown customer is a 400.
func TestUpdate(t *testing.T) {
	for _, r := range bothRevisions {
		t.Run(string(r), func(t *testing.T) {
			s := start(t, servertest.Options{})
			base := map[string]any{"CustomerId": mews.DemoJohnSmith}
			if r == current {
				base["Title"] = "Mister"
			}
			s.Clock.Advance(time.Hour)
			resp := call(t, s, r, "update", body(r, with(base, "FirstName", "", "LastName", nil, "Phone", "  ",
				"Notes", "VIP", "Classifications", []string{"Important"}, "NationalityCode", "GB",
				"Address", map[string]any{"City": "Bournemouth"})))
			expect(t, resp, 200)
			c := getByID(t, s, current, mews.DemoJohnSmith)
			if c["FirstName"] != "John" || c["LastName"] != "Smith" || c["Phone"] != "00420123456789" {
				t.Errorf("blank or null fields must be kept: %v %v %v", c["FirstName"], c["LastName"], c["Phone"])
			}
			if c["Notes"] != "VIP" || c["NationalityCode"] != "GB" || fmt.Sprint(c["Classifications"]) != "[Important]" {
				t.Errorf("given fields not applied: Notes %v Nationality %v Classifications %v", c["Notes"], c["NationalityCode"], c["Classifications"])
			}
			if a, _ := c["Address"].(map[string]any); a["City"] != "Bournemouth" || a["Line1"] != "Somerford Road Hello House/135" || a["Id"] != "f8495413-bf49-45dd-843c-44be7f365569" {
				t.Errorf("address: given members replace, others are kept: %v", c["Address"])
			}
			if c["UpdatedUtc"] != servertest.StartTime().Add(time.Hour).Format(time.RFC3339) || c["CreatedUtc"] != "2018-01-01T00:00:00Z" {
				t.Errorf("times: created %v updated %v", c["CreatedUtc"], c["UpdatedUtc"])
			}
			if fmt.Sprint(c["Options"]) != "[SendMarketingEmails]" {
				t.Errorf("omitted Options must be kept: %v", c["Options"])
			}
			// Notes are overwritten by any string, the empty one included; null keeps them.
			expect(t, call(t, s, r, "update", body(r, with(base, "Notes", nil))), 200)
			if c := getByID(t, s, r, mews.DemoJohnSmith); c["Notes"] != "VIP" {
				t.Errorf("null Notes must keep the notes: %v", c["Notes"])
			}
			expect(t, call(t, s, r, "update", body(r, with(base, "Notes", ""))), 200)
			if c := getByID(t, s, r, mews.DemoJohnSmith); c["Notes"] != "" {
				t.Errorf("empty Notes must overwrite the notes: %v", c["Notes"])
			}

			refusals := []struct {
				name   string
				body   map[string]any
				status int
				msg    string
			}{
				{"email of another customer", with(base, "Email", "THEA@quotidiano.example"), 403, "Another customer profile already uses the email THEA@quotidiano.example."},
				{"unknown customer", with(base, "CustomerId", "00000000-0000-4000-8000-000000000000"), 400, "Invalid CustomerId."},
				{"malformed customer id", with(base, "CustomerId", "nope"), 400, ""},
				{"unknown classification", with(base, "Classifications", []string{"Royalty"}), 400, ""},
			}
			for _, tc := range refusals {
				resp := call(t, s, r, "update", body(r, tc.body))
				if resp.Status != tc.status || (tc.msg != "" && message(t, resp) != tc.msg) {
					t.Errorf("%s: %d %q, want %d %q", tc.name, resp.Status, message(t, resp), tc.status, tc.msg)
				}
			}
			if c := getByID(t, s, r, mews.DemoJohnSmith); c["Email"] != "j.smith@example.com" {
				t.Errorf("a refused update changed the email: %v", c["Email"])
			}
			// The customer's own email (in another case) and a free one are accepted.
			expect(t, call(t, s, r, "update", body(r, with(base, "Email", "J.Smith@example.com"))), 200)
			expect(t, call(t, s, r, "update", body(r, with(base, "Email", "john.smith@gmail.com"))), 200)
			if c := getByID(t, s, r, mews.DemoJohnSmith); c["Email"] != "john.smith@gmail.com" {
				t.Errorf("email not changed: %v", c["Email"])
			}
		})
	}
}

// The Italian codes are String update values in the current revision: Value sets, a null
// Value clears, an absent or null property keeps.
func TestUpdateItalianCodes(t *testing.T) {
	s := start(t, servertest.Options{})
	base := map[string]any{"CustomerId": mews.DemoTheaCarbone, "Title": "Miss"}
	tests := []struct {
		name        string
		dest, fisc  any
		wantD, want any
	}{
		{"absent keeps", nil, nil, "7654321", "ZGNZLR17U72P554F"},
		{"Value sets", map[string]any{"Value": "1234567"}, map[string]any{"Value": "RSSMRA85T10A562S"}, "1234567", "RSSMRA85T10A562S"},
		{"null property keeps", "null", "null", "1234567", "RSSMRA85T10A562S"},
		{"null Value clears", map[string]any{"Value": nil}, nil, nil, "RSSMRA85T10A562S"},
	}
	for _, tc := range tests {
		b := with(base)
		for k, v := range map[string]any{"ItalianDestinationCode": tc.dest, "ItalianFiscalCode": tc.fisc} {
			switch v {
			case nil:
			case "null":
				b[k] = nil
			default:
				b[k] = v
			}
		}
		c := customerOf(t, call(t, s, current, "update", body(current, b)))
		if c["ItalianDestinationCode"] != tc.wantD || c["ItalianFiscalCode"] != tc.want {
			t.Errorf("%s: codes %v %v, want %v %v", tc.name, c["ItalianDestinationCode"], c["ItalianFiscalCode"], tc.wantD, tc.want)
		}
	}
	resp := call(t, s, current, "update", body(current, with(base, "ItalianFiscalCode", "plain string")))
	expect(t, resp, 400)
}

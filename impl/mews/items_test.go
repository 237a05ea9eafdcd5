package mews_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

func openItems(t *testing.T, s *servertest.Server, r rev, kv map[string]any) servertest.Response {
	t.Helper()
	return call(t, s, r, "getOpenItems", body(r, kv))
}

// getOpenItems: the fixtures' open items per customer, in each revision's shape, converted
// with the enterprise's rates when Currency is given.
func TestOpenItems(t *testing.T) {
	s := start(t, servertest.Options{})
	ids := []string{mews.DemoOpenItemsHolder, mews.DemoTheaCarbone}

	resp := openItems(t, s, current, map[string]any{"CustomerIds": ids})
	expect(t, resp, 200)
	var cur struct {
		Customers []struct {
			CustomerId   string
			OrderItems   []map[string]any
			PaymentItems []map[string]any
		}
	}
	if err := json.Unmarshal(resp.Body, &cur); err != nil {
		t.Fatal(err)
	}
	if len(cur.Customers) != 2 || cur.Customers[0].CustomerId != mews.DemoOpenItemsHolder || cur.Customers[1].CustomerId != mews.DemoTheaCarbone {
		t.Fatalf("customers %s", resp.Body)
	}
	if c := cur.Customers[0]; len(c.OrderItems) != 1 || len(c.PaymentItems) != 1 || c.PaymentItems[0]["State"] != "Charged" {
		t.Errorf("open items of %s: %s", mews.DemoOpenItemsHolder, resp.Body)
	}
	if c := cur.Customers[1]; len(c.OrderItems) != 0 || len(c.PaymentItems) != 0 {
		t.Errorf("a customer without items: %v", c)
	}

	resp = openItems(t, s, legacy, map[string]any{"CustomerIds": ids[:1]})
	expect(t, resp, 200)
	var leg struct {
		Customers []struct {
			Items []struct {
				Type   string
				Name   string
				Amount map[string]any
			}
		}
	}
	if err := json.Unmarshal(resp.Body, &leg); err != nil {
		t.Fatal(err)
	}
	if items := leg.Customers[0].Items; len(items) != 2 || items[0].Type == items[1].Type {
		t.Errorf("legacy items: %s", resp.Body)
	}

	// Conversion: GBP -5 at 1.17 EUR per GBP is EUR -5.85; the EUR payment stays -100.
	resp = openItems(t, s, current, map[string]any{"CustomerIds": ids[:1], "Currency": "EUR"})
	expect(t, resp, 200)
	if err := json.Unmarshal(resp.Body, &cur); err != nil {
		t.Fatal(err)
	}
	order := cur.Customers[0].OrderItems[0]
	if a := order["Amount"].(map[string]any); a["Currency"] != "EUR" || a["GrossValue"] != -5.85 || a["NetValue"] != -5.85 {
		t.Errorf("converted order item amount %v", a)
	}
	if o := order["OriginalAmount"].(map[string]any); o["Currency"] != "GBP" || o["GrossValue"] != -5.0 {
		t.Errorf("original amount %v, want the GBP amount", o)
	}
	if a := cur.Customers[0].PaymentItems[0]["Amount"].(map[string]any); a["Currency"] != "EUR" || a["GrossValue"] != -100.0 {
		t.Errorf("payment in the requested currency changed: %v", a)
	}
	resp = openItems(t, s, legacy, map[string]any{"CustomerIds": ids[:1], "Currency": "USD"})
	expect(t, resp, 200)
	if !strings.Contains(string(resp.Body), `"Currency":"USD"`) || strings.Contains(string(resp.Body), `"Currency":"EUR"`) {
		t.Errorf("legacy conversion to USD: %s", resp.Body)
	}

	refusals := []struct {
		name string
		kv   map[string]any
		msg  string
	}{
		{"unknown currency", map[string]any{"CustomerIds": ids[:1], "Currency": "XYZ"}, "Invalid Currency: XYZ has no exchange rate in the enterprise."},
		{"unknown customer", map[string]any{"CustomerIds": []string{"00000000-0000-4000-8000-000000000000"}}, "Invalid CustomerIds: 00000000-0000-4000-8000-000000000000 is not a customer of the enterprise."},
		{"malformed customer", map[string]any{"CustomerIds": []string{"nope"}}, ""},
		{"no customer ids", map[string]any{}, ""},
	}
	for _, r := range bothRevisions {
		for _, tc := range refusals {
			resp := openItems(t, s, r, tc.kv)
			if resp.Status != 400 || (tc.msg != "" && message(t, resp) != tc.msg) {
				t.Errorf("%s %s: %d %q, want 400 %q", r, tc.name, resp.Status, message(t, resp), tc.msg)
			}
		}
	}
}

// Deprecated operations (current revision: getOpenItems, merge) still work and answer with a
// Deprecation header, errors included; the legacy revision predates the deprecations.
func TestDeprecationHeader(t *testing.T) {
	s := start(t, servertest.Options{})
	tests := []struct {
		name   string
		r      rev
		action string
		kv     map[string]any
		status int
		want   string
	}{
		{"open items", current, "getOpenItems", map[string]any{"CustomerIds": []string{mews.DemoOpenItemsHolder}}, 200, "@1731628800"},
		{"open items refused", current, "getOpenItems", map[string]any{"CustomerIds": []string{"00000000-0000-4000-8000-000000000000"}}, 400, "@1731628800"},
		{"merge refused", current, "merge", map[string]any{"SourceCustomerId": mews.DemoTheaCarbone, "TargetCustomerId": mews.DemoTheaCarbone}, 403, "@1669852800"},
		{"merge", current, "merge", map[string]any{"SourceCustomerId": mews.DemoMergeSource, "TargetCustomerId": mews.DemoLegacyJohnSmith}, 200, "@1669852800"},
		{"not deprecated", current, "search", map[string]any{"Name": "x"}, 200, ""},
		{"legacy open items", legacy, "getOpenItems", map[string]any{"CustomerIds": []string{mews.DemoOpenItemsHolder}}, 200, ""},
		{"legacy merge", legacy, "merge", map[string]any{"SourceCustomerId": mews.DemoTheaCarbone, "TargetCustomerId": mews.DemoTheaCarbone}, 403, ""},
	}
	for _, tc := range tests {
		resp := call(t, s, tc.r, tc.action, body(tc.r, tc.kv))
		if resp.Status != tc.status || resp.Header.Get("Deprecation") != tc.want {
			t.Errorf("%s: %d with Deprecation %q, want %d with %q", tc.name, resp.Status, resp.Header.Get("Deprecation"), tc.status, tc.want)
		}
	}
	resp := s.Do(http.MethodPost, "/mews/api/connector/v1/customers/merge", nil, bodyFor(current, "nope", map[string]any{
		"SourceCustomerId": mews.DemoMergeSource, "TargetCustomerId": mews.DemoLegacyJohnSmith}))
	if resp.Status != 401 || resp.Header.Get("Deprecation") != "@1669852800" {
		t.Errorf("401 of a deprecated operation: %d Deprecation %q", resp.Status, resp.Header.Get("Deprecation"))
	}
}

// exported returns the records of one table of the gross-uk enterprise, as /_paxkit/export
// shows them.
func exported(t *testing.T, s *servertest.Server, table string) []map[string]any {
	t.Helper()
	resp := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
	var doc struct {
		State map[string]map[string][]map[string]any
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatalf("export: %v %s", err, resp.Body)
	}
	return doc.State[table]["gross-uk"]
}

// merge: the source's attached entities move to the target, the target's empty profile
// fields are filled from the source and never overwritten, the source becomes inactive with
// MergeTargetId; merging into itself or an unknown id is refused.
func TestMerge(t *testing.T) {
	for _, r := range bothRevisions {
		t.Run(string(r), func(t *testing.T) {
			s := start(t, servertest.Options{})
			file := body(r, map[string]any{"CustomerId": mews.DemoOpenItemsHolder, "Name": "id.pdf", "Type": "application/pdf", "Data": "JVBERi0xLjAK"})
			expect(t, call(t, s, r, "addFile", file), 200)
			merge := func(src, tgt string) servertest.Response {
				return call(t, s, r, "merge", body(r, map[string]any{"SourceCustomerId": src, "TargetCustomerId": tgt}))
			}
			refusals := []struct {
				name     string
				src, tgt string
				status   int
				msg      string
			}{
				{"into itself", mews.DemoTheaCarbone, mews.DemoTheaCarbone, 403, "A customer cannot be merged into itself."},
				{"unknown source", "00000000-0000-4000-8000-000000000000", mews.DemoTheaCarbone, 400, "Invalid SourceCustomerId."},
				{"unknown target", mews.DemoTheaCarbone, "00000000-0000-4000-8000-000000000000", 400, "Invalid TargetCustomerId."},
				{"malformed", "nope", mews.DemoTheaCarbone, 400, ""},
			}
			for _, tc := range refusals {
				resp := merge(tc.src, tc.tgt)
				if resp.Status != tc.status || (tc.msg != "" && message(t, resp) != tc.msg) {
					t.Errorf("%s: %d %q", tc.name, resp.Status, message(t, resp))
				}
			}

			// Jana (open items, a file) into Thea: items and file move; Thea keeps her own data.
			resp := merge(mews.DemoOpenItemsHolder, mews.DemoTheaCarbone)
			expect(t, resp, 200)
			if strings.TrimSpace(string(resp.Body)) != "{}" {
				t.Errorf("merge answered %s, want {}", resp.Body)
			}
			src := getByID(t, s, current, mews.DemoOpenItemsHolder)
			if src["IsActive"] != false || src["ActivityState"] != "Deleted" || src["MergeTargetId"] != mews.DemoTheaCarbone {
				t.Errorf("source after merge: IsActive %v ActivityState %v MergeTargetId %v", src["IsActive"], src["ActivityState"], src["MergeTargetId"])
			}
			tgt := getByID(t, s, current, mews.DemoTheaCarbone)
			if tgt["FirstName"] != "Thea" || tgt["Email"] != "thea@quotidiano.example" || tgt["Phone"] != "+39 06 555 5555" {
				t.Errorf("target's own fields were overwritten: %v", tgt)
			}
			if tgt["Sex"] != "Female" || tgt["NationalityCode"] != "CZ" || tgt["LanguageCode"] != "cs-CZ" {
				t.Errorf("target's empty fields not filled from the source: Sex %v Nationality %v Language %v", tgt["Sex"], tgt["NationalityCode"], tgt["LanguageCode"])
			}
			items := openItems(t, s, current, map[string]any{"CustomerIds": []string{mews.DemoTheaCarbone}})
			if !strings.Contains(string(items.Body), "35820535-b988-4d6f-80cf-ecb19cdc3e58") {
				t.Errorf("the source's open items did not move to the target: %s", items.Body)
			}
			for _, f := range exported(t, s, "mews.files") {
				if f["CustomerId"] != mews.DemoTheaCarbone {
					t.Errorf("file %v still on %v", f["Name"], f["CustomerId"])
				}
			}
			// Merging the same pair again changes nothing; a merged source cannot be merged elsewhere.
			expect(t, merge(mews.DemoOpenItemsHolder, mews.DemoTheaCarbone), 200)
			expect(t, merge(mews.DemoOpenItemsHolder, mews.DemoJohnSmith), 403)
			expect(t, merge(mews.DemoJohnSmith, mews.DemoOpenItemsHolder), 403)
			// The merged profile's email is free again for an active customer.
			expect(t, call(t, s, r, "update", body(r, map[string]any{"CustomerId": mews.DemoFileTarget, "Title": "Miss", "Email": "jana.novakova@example.cz"})), 200)
		})
	}
}

// addFile: Data must be base64, the current revision allows six MIME types, the size is
// limited; the file is kept on the customer; the answer is FileId (current) or {} (legacy).
func TestAddFile(t *testing.T) {
	s := start(t, servertest.Options{BodyLimit: 32 << 20})
	pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.0\n"))
	file := func(r rev, kv ...any) map[string]any {
		return body(r, with(map[string]any{"CustomerId": mews.DemoFileTarget, "Name": "a.pdf", "Type": "application/pdf", "Data": pdf}, kv...))
	}
	// One byte over the limit (the domain's limit is the same for both revisions; one
	// revision is enough for a 13 MiB request).
	big := base64.StdEncoding.EncodeToString(make([]byte, 10<<20+1))
	tests := []struct {
		name   string
		r      rev
		body   map[string]any
		status int
	}{
		{"pdf", current, file(current), 200},
		{"png", current, file(current, "Type", "image/png"), 200},
		{"text not allowed", current, file(current, "Type", "text/plain"), 403},
		{"legacy has no type list", legacy, file(legacy, "Type", "text/plain"), 200},
		{"not base64", current, file(current, "Data", "not base64!"), 400},
		{"legacy not base64", legacy, file(legacy, "Data", "%%%"), 400},
		{"unknown customer", current, file(current, "CustomerId", "00000000-0000-4000-8000-000000000000"), 400},
		{"legacy unknown customer", legacy, file(legacy, "CustomerId", "00000000-0000-4000-8000-000000000000"), 400},
		{"name missing", legacy, without(file(legacy), "Name"), 400},
		{"too large", current, file(current, "Data", big), 403},
	}
	for _, tc := range tests {
		resp := call(t, s, tc.r, "addFile", tc.body)
		if resp.Status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.Status, message(t, resp), tc.status)
			continue
		}
		if tc.status == 200 && tc.r == legacy && strings.TrimSpace(string(resp.Body)) != "{}" {
			t.Errorf("%s: legacy answered %s, want {}", tc.name, resp.Body)
		}
		if tc.status == 200 && tc.r == current {
			id, _ := resp.JSON(t)["FileId"].(string)
			found := false
			for _, f := range exported(t, s, "mews.files") {
				if f["Id"] == id && f["CustomerId"] == mews.DemoFileTarget && f["Data"] == tc.body["Data"] && f["Type"] == tc.body["Type"] {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: file %q is not kept on the customer", tc.name, id)
			}
		}
	}
	if n := len(exported(t, s, "mews.files")); n != 3 {
		t.Errorf("%d files kept, want the 3 accepted", n)
	}
}

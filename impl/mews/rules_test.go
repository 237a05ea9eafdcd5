package mews_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/servertest"
)

// Credentials: both tokens (and Client in the current revision) are required; unknown tokens
// answer 401; the AccessToken selects the enterprise, and the public demo pairs are accepted.
func TestCredentials(t *testing.T) {
	s := start(t, servertest.Options{})
	search := map[string]any{"Name": "Smith"}
	tests := []struct {
		name   string
		r      rev
		body   map[string]any
		status int
		msg    string
	}{
		{"legacy demo pair", legacy, body(legacy, search), 200, ""},
		{"current demo pair", current, body(current, search), 200, ""},
		{"net demo pair", current, bodyFor(current, mews.DemoNetAccessToken, search), 200, ""},
		{"unknown access token", legacy, bodyFor(legacy, "nope", search), 401, "Invalid AccessToken."},
		{"unknown access token current", current, bodyFor(current, "nope", search), 401, "Invalid AccessToken."},
		{"wrong client token", current, with(body(current, search), "ClientToken", "nope"), 401, "Invalid ClientToken."},
		{"missing access token", legacy, without(body(legacy, search), "AccessToken"), 400, ""},
		{"missing client", current, without(body(current, search), "Client"), 400, ""},
		{"empty client", current, with(body(current, search), "Client", ""), 400, ""},
		{"legacy needs no client", legacy, body(legacy, search), 200, ""},
		// Member names are exact: a valid token under another spelling does not count.
		{"valid token under another case", current, with(bodyFor(current, "nope", search), "accesstoken", mews.DemoAccessToken), 401, "Invalid AccessToken."},
		{"valid client token under another case", current, with(with(body(current, search), "ClientToken", "nope"), "clienttoken", mews.DemoClientToken), 401, "Invalid ClientToken."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := call(t, s, tc.r, "search", tc.body)
			expect(t, resp, tc.status)
			if tc.msg != "" && message(t, resp) != tc.msg {
				t.Errorf("message %q, want %q", message(t, resp), tc.msg)
			}
		})
	}
	// Malformed JSON is a 400 in Mews' format, with the Request-Id header.
	resp := s.Do(http.MethodPost, "/mews/api/connector/v1/customers/search", nil, `{"ClientToken":`)
	if resp.Status != 400 || resp.Header.Get("Request-Id") == "" || !has(string(resp.Body), `"Message"`) {
		t.Errorf("malformed JSON: %d %v %s", resp.Status, resp.Header, resp.Body)
	}
}

// The AccessToken selects the enterprise: the net-us enterprise sees none of gross-uk's
// customers, and what it adds stays its own.
func TestEnterprisesAreSeparate(t *testing.T) {
	s := start(t, servertest.Options{})
	for _, r := range bothRevisions {
		resp := call(t, s, r, "search", bodyFor(r, mews.DemoNetAccessToken, map[string]any{"Name": "Smith"}))
		expect(t, resp, 200)
		if cs := customersOf(t, resp); len(cs) != 0 {
			t.Errorf("%s: net-us finds gross-uk customers %v", r, ids(cs))
		}
	}
	added := customerOf(t, call(t, s, current, "add", bodyFor(current, mews.DemoNetAccessToken, map[string]any{
		"OverwriteExisting": false, "Title": "Mister", "LastName": "Netter", "Email": "j.smith@example.com",
	})))
	if added["ChainId"] != "5fcd1933-22f2-40b9-84da-7db04cbecec2" || added["Number"] != "1" {
		t.Errorf("net-us customer: chain %v number %v, want net-us's chain and number 1", added["ChainId"], added["Number"])
	}
	resp := call(t, s, legacy, "getAllByIds", body(legacy, map[string]any{"CustomerIds": []string{added["Id"].(string)}}))
	if cs := customersOf(t, resp); len(cs) != 0 {
		t.Errorf("gross-uk reads net-us's customer: %s", resp.Body)
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func without(m map[string]any, keys ...string) map[string]any {
	out := with(m)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// A customer written through one revision reads back identically through the other.
func TestOneDomainBehindBothRevisions(t *testing.T) {
	s := start(t, servertest.Options{})
	viaLegacy := customerOf(t, call(t, s, legacy, "add", body(legacy, map[string]any{
		"OverwriteExisting": false, "FirstName": "Ada", "LastName": "Lovelace", "Title": "Misses",
		"Email": "ada@example.org", "BirthDate": "1815-12-10", "Classifications": []string{"Disabled", "Staff"},
		"Passport": map[string]any{"Number": "P1", "Expiration": "2030-01-01", "IssuingCountryCode": "GB"},
		"Address":  map[string]any{"Line1": "12 St James's Square", "City": "London", "CountryCode": "GB"},
	})))
	read := getByID(t, s, current, viaLegacy["Id"].(string))
	for _, k := range []string{"Id", "Number", "FirstName", "LastName", "Title", "Email", "BirthDate", "CreatedUtc", "UpdatedUtc"} {
		if fmt.Sprint(read[k]) != fmt.Sprint(viaLegacy[k]) {
			t.Errorf("%s: current reads %v, legacy wrote %v", k, read[k], viaLegacy[k])
		}
	}
	if fmt.Sprint(read["Classifications"]) != "[DisabledPerson Staff]" {
		t.Errorf("Classifications through current: %v, want the 2018 Disabled as DisabledPerson", read["Classifications"])
	}
	if p, _ := read["Passport"].(map[string]any); p["Number"] != "P1" || p["Type"] != "Passport" || p["CustomerId"] != viaLegacy["Id"] {
		t.Errorf("Passport through current: %v", read["Passport"])
	}
	if a, _ := read["Address"].(map[string]any); a["City"] != "London" || read["AddressId"] != a["Id"] {
		t.Errorf("Address through current: %v (AddressId %v)", read["Address"], read["AddressId"])
	}
	if read["ChainId"] != mews.DemoChain {
		t.Errorf("ChainId %v, want the enterprise's chain %s", read["ChainId"], mews.DemoChain)
	}

	viaCurrent := customerOf(t, call(t, s, current, "add", body(current, map[string]any{
		"OverwriteExisting": false, "FirstName": "Grace", "LastName": "Hopper", "Title": "Miss", "Sex": "Female",
		"Email": "grace@example.org", "Classifications": []string{"Military", "Student"}, "Options": []string{"Invoiceable", "SendMarketingEmails"},
	})))
	back := getByID(t, s, legacy, viaCurrent["Id"].(string))
	for _, k := range []string{"Id", "Number", "FirstName", "LastName", "Title", "Email", "CreatedUtc", "UpdatedUtc"} {
		if fmt.Sprint(back[k]) != fmt.Sprint(viaCurrent[k]) {
			t.Errorf("%s: legacy reads %v, current wrote %v", k, back[k], viaCurrent[k])
		}
	}
	if back["Gender"] != "Female" {
		t.Errorf("Gender through legacy %v, want the Sex written through current", back["Gender"])
	}
	if fmt.Sprint(back["Options"]) != "[SendMarketingEmails]" {
		t.Errorf("Options through legacy %v: want only the options the 2018 revision knows", back["Options"])
	}
	// An update through the legacy revision shows through the current one.
	call(t, s, legacy, "update", body(legacy, map[string]any{"CustomerId": viaCurrent["Id"], "Phone": "+1 555 0100"}))
	if got := getByID(t, s, current, viaCurrent["Id"].(string)); got["Phone"] != "+1 555 0100" || got["Sex"] != "Female" {
		t.Errorf("after a legacy update current reads Phone %v Sex %v", got["Phone"], got["Sex"])
	}
}

func TestAdd(t *testing.T) {
	for _, r := range bothRevisions {
		t.Run(string(r), func(t *testing.T) {
			s := start(t, servertest.Options{})
			minimal := map[string]any{"OverwriteExisting": false, "LastName": "Doe"}
			if r == current {
				minimal["Title"] = "Mister"
			}
			tests := []struct {
				name   string
				body   map[string]any
				status int
			}{
				{"minimal", minimal, 200},
				{"LastName missing", without(minimal, "LastName"), 400},
				{"OverwriteExisting missing", without(minimal, "OverwriteExisting"), 400},
				{"unknown classification", with(minimal, "Classifications", []string{"Royalty"}), 400},
				{"unknown title", with(minimal, "Title", "Sir"), 400},
			}
			if r == current {
				tests = append(tests,
					struct {
						name   string
						body   map[string]any
						status int
					}{"Title missing", without(minimal, "Title"), 400},
					struct {
						name   string
						body   map[string]any
						status int
					}{"unknown option", with(minimal, "Options", []string{"SendSpam"}), 400},
					struct {
						name   string
						body   map[string]any
						status int
					}{"unknown sex", with(minimal, "Sex", "Other"), 400})
			}
			for _, tc := range tests {
				resp := call(t, s, r, "add", body(r, tc.body))
				if resp.Status != tc.status {
					t.Errorf("%s: status %d, want %d: %s", tc.name, resp.Status, tc.status, resp.Body)
				}
			}
		})
	}
}

// Numbers are sequential in the enterprise, timestamps are the server's clock, and ChainId
// (current revision) is honoured.
func TestAddNumbersAndTimes(t *testing.T) {
	s := start(t, servertest.Options{})
	a := customerOf(t, call(t, s, legacy, "add", body(legacy, map[string]any{"OverwriteExisting": false, "LastName": "First"})))
	s.Clock.Advance(time.Minute)
	b := customerOf(t, call(t, s, current, "add", body(current, map[string]any{
		"OverwriteExisting": false, "LastName": "Second", "Title": "Miss", "ChainId": "5fcd1933-22f2-40b9-84da-7db04cbecec2",
	})))
	if a["Number"] != "390882" || b["Number"] != "390883" {
		t.Errorf("numbers %v, %v; want 390882 and 390883 after the demo data's highest, 390881", a["Number"], b["Number"])
	}
	want := servertest.StartTime().Format(time.RFC3339)
	if a["CreatedUtc"] != want || a["UpdatedUtc"] != want {
		t.Errorf("first: CreatedUtc %v UpdatedUtc %v, want %s", a["CreatedUtc"], a["UpdatedUtc"], want)
	}
	if b["CreatedUtc"] != servertest.StartTime().Add(time.Minute).Format(time.RFC3339) {
		t.Errorf("second: CreatedUtc %v", b["CreatedUtc"])
	}
	if b["ChainId"] != "5fcd1933-22f2-40b9-84da-7db04cbecec2" || b["IsActive"] != true {
		t.Errorf("second: ChainId %v IsActive %v, want the requested chain and active", b["ChainId"], b["IsActive"])
	}
}

// Duplicate email: refused without OverwriteExisting (ignoring case), the existing profile's
// basic personal information overwritten and returned with it.
func TestAddDuplicateEmail(t *testing.T) {
	for _, r := range bothRevisions {
		t.Run(string(r), func(t *testing.T) {
			s := start(t, servertest.Options{})
			dup := map[string]any{"OverwriteExisting": false, "Title": "Misses", "FirstName": "Theodora", "LastName": "Carbone-Rossi",
				"Email": "THEA@quotidiano.example", "Phone": "+39 333 1234567", "Notes": "new notes", "Classifications": []string{"Staff"}}
			resp := call(t, s, r, "add", body(r, dup))
			expect(t, resp, 403)
			if m := message(t, resp); m != "A customer with the email THEA@quotidiano.example already exists." {
				t.Errorf("message %q", m)
			}
			if got := getByID(t, s, r, mews.DemoTheaCarbone); got["FirstName"] != "Thea" {
				t.Errorf("a refused add changed the profile: %v", got["FirstName"])
			}
			s.Clock.Advance(time.Hour)
			resp = call(t, s, r, "add", body(r, with(dup, "OverwriteExisting", true)))
			expect(t, resp, 200)
			c := customerOf(t, resp)
			if c["Id"] != mews.DemoTheaCarbone || c["Number"] != "390881" {
				t.Errorf("overwrite returned %v (%v), want the existing customer", c["Id"], c["Number"])
			}
			if c["FirstName"] != "Theodora" || c["LastName"] != "Carbone-Rossi" || c["Title"] != "Misses" || c["Phone"] != "+39 333 1234567" {
				t.Errorf("basic personal information not overwritten: %v", c)
			}
			if c["Notes"] != "Check-in notturno." || fmt.Sprint(c["Classifications"]) != "[Media FriendOrFamily]" || c["Email"] != "thea@quotidiano.example" {
				t.Errorf("overwrite changed more than basic personal information: %v", c)
			}
			if c["UpdatedUtc"] != servertest.StartTime().Add(time.Hour).Format(time.RFC3339) || c["CreatedUtc"] != "2024-09-17T12:22:33Z" {
				t.Errorf("times after overwrite: created %v updated %v", c["CreatedUtc"], c["UpdatedUtc"])
			}
		})
	}
}

// Concurrent adds of one new email make exactly one customer; the others are refused.
func TestConcurrentAddsOfOneEmail(t *testing.T) {
	s := start(t, servertest.Options{})
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := bothRevisions[i%2]
			statuses[i] = s.Do(http.MethodPost, "/"+string(r)+"/api/connector/v1/customers/add", nil,
				body(r, map[string]any{"OverwriteExisting": false, "LastName": "Racer", "Title": "Mister", "Email": "race@example.org"})).Status
		}()
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		switch st {
		case 200:
			created++
		case 403:
		default:
			t.Errorf("status %d", st)
		}
	}
	if created != 1 {
		t.Errorf("%d adds succeeded, want exactly 1 (statuses %v)", created, statuses)
	}
	resp := call(t, s, legacy, "getAllByEmails", body(legacy, map[string]any{"Emails": []string{"race@example.org"}}))
	if n := len(customersOf(t, resp)); n != 1 {
		t.Errorf("%d customers hold the email, want 1", n)
	}
}

// The other public demo token pairs reach the same enterprises (and data) as the seeds' pair
// and the Net pair; a tenant's "enterprise" property must name a tenant id.
func TestOtherDemoPairs(t *testing.T) {
	s := start(t, servertest.Options{})
	tests := []struct {
		name, client, access string
		wantSmiths           int
	}{
		{"gross client 2", "E916C341431C4D28A866AD200152DBD3-A046EB5583FFBE94DE1172237763712", "CC150C355D6A4048A220AD20015483AB-B6D09C0C84B09538077CB8FFBB907B4", 3},
		{"gross client 4", "07AB1F14B55C49B8BDD6AD200158423B-273A4497AFF5E20566D7199DB3DC2BA", "39E301DD5A1C4A569087AD20015F60DD-50DC28896E9090CCA0995C9BBD90351", 3},
		{"net, newer token", mews.DemoClientToken, "7059D2C25BF64EA681ACAB3A00B859CC-D91BFF2B1E3047A3E0DEC1D57BE1382", 0},
		{"net client 3", "2CC71B0660F345019882AD200155B4FE-4A1FC9080A4DD2A404734003674F77E", "682C235379B64D909941AD2001577525-BFC60A026081F1350FAA99CAB9F7510", 0},
	}
	for _, tc := range tests {
		for _, r := range bothRevisions {
			b := bodyFor(r, tc.access, map[string]any{"Name": "Smith"})
			b["ClientToken"] = tc.client
			resp := call(t, s, r, "search", b)
			expect(t, resp, 200)
			if n := len(customersOf(t, resp)); n != tc.wantSmiths {
				t.Errorf("%s %s: %d Smiths, want %d", tc.name, r, n, tc.wantSmiths)
			}
		}
	}
	// A pair's client token belongs to it: another integration's client token is refused.
	b := bodyFor(current, "CC150C355D6A4048A220AD20015483AB-B6D09C0C84B09538077CB8FFBB907B4", map[string]any{"Name": "Smith"})
	expect(t, call(t, s, current, "search", b), 401)
	// A customer added with one gross pair is read with the seeds' pair.
	b = bodyFor(legacy, "5F56B9903A834F199E28AD20015E58CA-5C6A1A00550634911534AD6A098E8B7", map[string]any{"OverwriteExisting": false, "LastName": "Third"})
	b["ClientToken"] = "2CC71B0660F345019882AD200155B4FE-4A1FC9080A4DD2A404734003674F77E"
	added := customerOf(t, call(t, s, legacy, "add", b))
	if got := getByID(t, s, current, added["Id"].(string)); got["LastName"] != "Third" {
		t.Errorf("seeds' pair reads %v", got)
	}
	bad := `{"tenants":{"mews":[{"id":"a","credentials":{"clientToken":"c","accessToken":"x"},"properties":{"enterprise":7}}]}}`
	if resp := s.Do("POST", "/_paxkit/import", nil, bad); resp.Status != 400 || !has(string(resp.Body), "properties.enterprise") {
		t.Errorf("an enterprise property that is not a tenant id: %d %s", resp.Status, resp.Body)
	}
}

package tomp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

const (
	items    = "/tomp/collections/customers/items"
	seedHank = `{"id":"f84d777c-9260-48cd-b634-b11174caf74a","initials":"H.","firstName":"Hank","lastName":"Wolters"}`
)

func start(t *testing.T, opts servertest.Options) *servertest.Server {
	t.Helper()
	return servertest.New(t, func(st *store.Store) []apidef.API {
		spec, err := openapi.Bytes("tomp")
		if err != nil {
			t.Fatal(err)
		}
		doc, err := openapi.Load(context.Background(), "tomp")
		if err != nil {
			t.Fatal(err)
		}
		api, err := tomp.Define(st, spec, doc)
		if err != nil {
			t.Fatal(err)
		}
		return []apidef.API{api}
	}, opts)
}

// auth are the headers of a well-behaved demo client.
func auth(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Accept-Language": "nl-NL,nl;q=0.9"}
}

func demo() map[string]string  { return auth(tomp.DemoToken) }
func demo2() map[string]string { return auth(tomp.OtherDemoToken) }

func with(h map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

type apiError struct {
	Errorcode int    `json:"errorcode"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
}

func errorsOf(t *testing.T, r servertest.Response) []apiError {
	t.Helper()
	var body struct{ Errors []apiError }
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("not a TOMP error body: %v\n%s", err, r.Body)
	}
	if len(body.Errors) == 0 {
		t.Fatalf("TOMP error body without errors: %s", r.Body)
	}
	return body.Errors
}

func codes(errs []apiError) []int {
	out := make([]int, len(errs))
	for i, e := range errs {
		out[i] = e.Errorcode
	}
	return out
}

type account struct {
	ID               string         `json:"id"`
	Customer         map[string]any `json:"customer"`
	CreationDate     time.Time      `json:"creationDate"`
	ModificationDate time.Time      `json:"modificationDate"`
	Status           string         `json:"status"`
}

func accountOf(t *testing.T, r servertest.Response) account {
	t.Helper()
	var a account
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatalf("not an account: %v\n%s", err, r.Body)
	}
	return a
}

func expectStatus(t *testing.T, r servertest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
	if r.Header.Get("Content-Language") != "en-GB" || r.Header.Get("Version") != "2.0.0" {
		t.Errorf("headers Content-Language=%q Version=%q, want en-GB and 2.0.0",
			r.Header.Get("Content-Language"), r.Header.Get("Version"))
	}
}

func TestSeedCreateThenReadUpdateDelete(t *testing.T) {
	s := start(t, servertest.Options{})

	created := s.Do(http.MethodPost, items, demo(), seedHank)
	expectStatus(t, created, http.StatusCreated)
	a := accountOf(t, created)
	if a.ID == "" || a.Status != "CREATED" {
		t.Fatalf("new account %+v: want an id and status CREATED", a)
	}
	if !a.CreationDate.Equal(servertest.StartTime()) || !a.ModificationDate.Equal(servertest.StartTime()) {
		t.Errorf("dates %v %v, want the clock's %v", a.CreationDate, a.ModificationDate, servertest.StartTime())
	}
	var sent map[string]any
	_ = json.Unmarshal([]byte(seedHank), &sent)
	if fmt.Sprint(a.Customer) != fmt.Sprint(sent) {
		t.Errorf("customer %v, want what was sent %v", a.Customer, sent)
	}

	got := s.Do(http.MethodGet, items+"/"+a.ID, demo(), nil)
	expectStatus(t, got, http.StatusOK)
	if string(got.Body) != string(created.Body) {
		t.Errorf("GET answered\n%s\nwant what POST answered\n%s", got.Body, created.Body)
	}

	s.Clock.Advance(time.Hour)
	patched := s.Do(http.MethodPatch, items+"/"+a.ID, with(demo(), "Content-Type", "application/merge-patch+json"),
		`{"email":"hank.wolters@example.com","phoneNumber":"+31612345678","middleName":null,"initials":null}`)
	expectStatus(t, patched, http.StatusOK)
	p := accountOf(t, patched)
	if p.Customer["email"] != "hank.wolters@example.com" || p.Customer["phoneNumber"] != "+31612345678" {
		t.Errorf("patch not applied: %v", p.Customer)
	}
	if _, ok := p.Customer["initials"]; ok {
		t.Errorf("initials: null must remove the field, got %v", p.Customer)
	}
	if p.Customer["firstName"] != "Hank" || p.Customer["id"] != "f84d777c-9260-48cd-b634-b11174caf74a" {
		t.Errorf("fields left out of the patch must be kept: %v", p.Customer)
	}
	if !p.ModificationDate.Equal(servertest.StartTime().Add(time.Hour)) || !p.CreationDate.Equal(servertest.StartTime()) {
		t.Errorf("after patch creation %v modification %v; want creation kept and modification now", p.CreationDate, p.ModificationDate)
	}

	del := s.Do(http.MethodDelete, items+"/"+a.ID, demo(), nil)
	expectStatus(t, del, http.StatusOK)
	if len(del.Body) != 0 {
		t.Errorf("DELETE answered a body: %s", del.Body)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete, http.MethodPatch} {
		var body any
		h := demo()
		if m == http.MethodPatch {
			body, h = `{"firstName":"Henk"}`, with(demo(), "Content-Type", "application/merge-patch+json")
		}
		r := s.Do(m, items+"/"+a.ID, h, body)
		expectStatus(t, r, http.StatusNotFound)
		if c := codes(errorsOf(t, r)); len(c) != 1 || c[0] != 8204 {
			t.Errorf("%s after delete: codes %v, want [8204]", m, c)
		}
	}
	// The customer is forgotten: posting it again creates a new account.
	again := s.Do(http.MethodPost, items, demo(), seedHank)
	expectStatus(t, again, http.StatusCreated)
	if accountOf(t, again).ID == a.ID {
		t.Error("a re-created account reused the deleted account's id")
	}
}

func TestCreateFindsKnownCustomers(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		body   string
		status int
		wantID string
	}{
		{"same MP customer id", tomp.DemoToken, `{"id":"mp-customer-0001","firstName":"Someone"}`, 200, tomp.DemoActiveAccount},
		{"same email in another case", tomp.DemoToken, `{"id":"new-1","email":"ANNA.deVries@example.org"}`, 200, tomp.DemoActiveAccount},
		{"same phone written differently", tomp.DemoToken, `{"id":"new-2","phoneNumber":"+31 20 123 4567"}`, 200, tomp.DemoActiveAccount},
		{"blocked known customer", tomp.DemoToken, `{"id":"new-3","email":"bram.blok@example.org"}`, 428, ""},
		{"other tenant's customer id is new here", tomp.OtherDemoToken, `{"id":"mp-customer-0002"}`, 201, ""},
		{"other tenant has its own mp-customer-0001", tomp.OtherDemoToken, `{"id":"mp-customer-0001"}`, 200, "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d"},
		{"new customer", tomp.DemoToken, `{"id":"new-4","email":"new@example.org","phoneNumber":"+3100000"}`, 201, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := s.Do(http.MethodPost, items, auth(tc.token), tc.body)
			expectStatus(t, r, tc.status)
			switch tc.status {
			case 428:
				if c := codes(errorsOf(t, r)); len(c) != 1 || c[0] != 8209 {
					t.Errorf("codes %v, want [8209]", c)
				}
			case 200:
				if got := accountOf(t, r).ID; got != tc.wantID {
					t.Errorf("answered account %s, want the known %s", got, tc.wantID)
				}
				// The known account is answered unchanged.
				before := s.Do(http.MethodGet, items+"/"+tc.wantID, auth(tc.token), nil)
				if string(before.Body) != string(r.Body) {
					t.Errorf("200 answer differs from the stored account:\n%s\n%s", r.Body, before.Body)
				}
			case 201:
				if id := accountOf(t, r).ID; id == tomp.DemoActiveAccount || id == tomp.DemoBlockedAccount {
					t.Errorf("new account got a demo id %s", id)
				}
			}
		})
	}
}

func TestUpdateRules(t *testing.T) {
	const patchCT = "application/merge-patch+json"
	active := items + "/" + tomp.DemoActiveAccount
	tests := []struct {
		name      string
		path      string
		patch     string
		status    int
		codes     []int
		wantTitle []string // substrings expected in the error titles, in order
		check     func(t *testing.T, c map[string]any)
	}{
		{name: "seed-style contact change", path: active, patch: `{"email":"a@example.org","middleName":null}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				if c["email"] != "a@example.org" || c["middleName"] != nil || c["firstName"] != "Anna" {
					t.Errorf("customer %v", c)
				}
			}},
		{name: "custom field added, others kept", path: active, patch: `{"customFields":{"otp":"482913"}}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				cf, _ := c["customFields"].(map[string]any)
				if cf["otp"] != "482913" || cf["loyaltyTier"] != "silver" {
					t.Errorf("customFields %v", cf)
				}
			}},
		{name: "custom field removed by null", path: active, patch: `{"customFields":{"loyaltyTier":null}}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				if _, ok := c["customFields"]; ok {
					t.Errorf("customFields %v, want removed (last key nulled)", c["customFields"])
				}
			}},
		{name: "address merged member by member", path: active, patch: `{"address":{"id":"P:home","addressLine1":"Keizersgracht 1"}}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				a, _ := c["address"].(map[string]any)
				if a["addressLine1"] != "Keizersgracht 1" || a["city"] != "Amsterdam" || a["country"] != "NL" {
					t.Errorf("address %v", a)
				}
			}},
		{name: "address removed by null", path: active, patch: `{"address":null}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				if _, ok := c["address"]; ok {
					t.Errorf("address %v, want removed", c["address"])
				}
			}},
		{name: "repeating the stored id is allowed", path: active, patch: `{"id":"mp-customer-0001","lastName":"Visser"}`, status: 200,
			check: func(t *testing.T, c map[string]any) {
				if c["lastName"] != "Visser" {
					t.Errorf("customer %v", c)
				}
			}},
		{name: "changing the id is refused", path: active, patch: `{"id":"other","lastName":"Visser"}`, status: 400, codes: []int{8211}},
		{name: "nulling the id is refused", path: active, patch: `{"id":null}`, status: 400, codes: []int{8211}},
		{name: "every violation listed", path: active,
			patch:  `{"email":"` + strings.Repeat("x", 201) + `","dateOfBirth":"21-07-1984","address":{"id":"P:home","addressLine1":"x","country":"nl","colour":"red"}}`,
			status: 400, codes: []int{8002, 8002, 8002, 8002},
			wantTitle: []string{"address/colour", "address/country", "dateOfBirth", "email"}},
		{name: "address without its required members", path: active, patch: `{"address":{"city":"Utrecht"}}`, status: 400,
			codes: []int{8001, 8001}, wantTitle: []string{"address/addressLine1", "address/id"}},
		{name: "merged custom fields over the limit", path: active, patch: customFields(20), status: 400, codes: []int{8002},
			wantTitle: []string{"customFields"}},
		{name: "blocked account", path: items + "/" + tomp.DemoBlockedAccount, patch: `{"firstName":"Bram"}`, status: 428, codes: []int{8209}},
		{name: "unknown account", path: items + "/nope", patch: `{"firstName":"X"}`, status: 404, codes: []int{8204}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			before := s.Do(http.MethodGet, tc.path, demo(), nil)
			r := s.Do(http.MethodPatch, tc.path, with(demo(), "Content-Type", patchCT), tc.patch)
			expectStatus(t, r, tc.status)
			if tc.status != 200 {
				errs := errorsOf(t, r)
				if fmt.Sprint(codes(errs)) != fmt.Sprint(tc.codes) {
					t.Errorf("codes %v, want %v; body %s", codes(errs), tc.codes, r.Body)
				}
				for i, want := range tc.wantTitle {
					if i >= len(errs) || !strings.Contains(errs[i].Title, want) {
						t.Errorf("error %d should name %q; body %s", i, want, r.Body)
					}
				}
				after := s.Do(http.MethodGet, tc.path, demo(), nil)
				if before.Status == http.StatusOK && string(after.Body) != string(before.Body) {
					t.Errorf("a refused patch changed the account:\nbefore %s\nafter  %s", before.Body, after.Body)
				}
				return
			}
			a := accountOf(t, r)
			tc.check(t, a.Customer)
			if after := s.Do(http.MethodGet, tc.path, demo(), nil); string(after.Body) != string(r.Body) {
				t.Errorf("GET after PATCH differs from the PATCH answer:\n%s\n%s", after.Body, r.Body)
			}
		})
	}
}

// customFields builds a patch adding n new custom fields (the demo account already has one).
func customFields(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	return `{"customFields":{` + strings.Join(parts, ",") + `}}`
}

func TestRequestsRefusedBeforeTheHandler(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		body   any
		status int
		codes  []int
		want   []string // substrings of the error titles or details, in order
	}{
		{"no token", "GET", items + "/" + tomp.DemoActiveAccount, with(demo(), "Authorization", ""), nil, 401, []int{8006}, []string{"missing"}},
		{"unknown token", "GET", items + "/" + tomp.DemoActiveAccount, with(demo(), "Authorization", "Bearer nope"), nil, 401, []int{8006}, []string{"invalid"}},
		{"basic instead of bearer", "GET", items + "/" + tomp.DemoActiveAccount, with(demo(), "Authorization", "Basic dXNlcjpwdw=="), nil, 401, []int{8006}, nil},
		{"token checked before the contract", "POST", items, with(demo(), "Authorization", "", "Accept-Language", ""), `{}`, 401, []int{8006}, nil},
		{"missing Accept-Language", "GET", items + "/" + tomp.DemoActiveAccount, with(demo(), "Accept-Language", ""), nil, 400, []int{8001}, []string{"Accept-Language"}},
		{"customerId too long", "GET", items + "/" + strings.Repeat("a", 201), demo(), nil, 400, []int{8002}, []string{"customerId"}},
		{"every body violation listed", "POST", items, demo(),
			`{"firstName":"` + strings.Repeat("x", 76) + `","address":{"id":"home","addressLine1":"x"},"photo":"not base64!"}`,
			400, []int{8002, 8002, 8001, 8002}, []string{"address/id", "firstName", "Field: id", "photo"}},
		{"malformed JSON", "POST", items, demo(), `{"id":`, 400, []int{8002}, []string{"not valid JSON"}},
		{"no body", "POST", items, demo(), nil, 400, []int{8001}, []string{"body"}},
		{"wrong content type", "POST", items, with(demo(), "Content-Type", "text/plain"), seedHank, 400, []int{8002}, []string{"Content-Type"}},
		{"patch needs merge-patch+json", "PATCH", items + "/" + tomp.DemoActiveAccount, demo(), `{"firstName":"A"}`, 400, []int{8002}, []string{"Content-Type"}},
		{"unknown route", "GET", "/tomp/collections/nope", demo(), nil, 404, []int{8002}, []string{"no operation"}},
		{"wrong method", "PUT", items, demo(), seedHank, 405, []int{8002}, []string{"not allowed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := s.Do(tc.method, tc.path, tc.header, tc.body)
			expectStatus(t, r, tc.status)
			errs := errorsOf(t, r)
			if fmt.Sprint(codes(errs)) != fmt.Sprint(tc.codes) {
				t.Errorf("codes %v, want %v; body %s", codes(errs), tc.codes, r.Body)
			}
			for i, want := range tc.want {
				if i >= len(errs) || !strings.Contains(errs[i].Title+" "+errs[i].Detail, want) {
					t.Errorf("error %d should mention %q; body %s", i, want, r.Body)
				}
			}
			if tc.status == http.StatusMethodNotAllowed && r.Header.Get("Allow") != "POST" {
				t.Errorf("405 with Allow %q, want POST", r.Header.Get("Allow"))
			}
			for _, e := range errs {
				if e.Status != tc.status || !strings.HasPrefix(e.Instance, "urn:uuid:") {
					t.Errorf("error %+v: want status %d and a urn:uuid instance", e, tc.status)
				}
			}
		})
	}
}

func TestTooManyViolationsAreCappedAtTen(t *testing.T) {
	s := start(t, servertest.Options{})
	fields := []string{"initials", "firstName", "lastName", "middleName", "prefix", "postfix", "phoneNumber", "email", "placeOfBirth", "countryOfBirth", "id"}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%q:%q", f, strings.Repeat("x", 300))
	}
	r := s.Do(http.MethodPost, items, demo(), "{"+strings.Join(parts, ",")+"}")
	expectStatus(t, r, 400)
	errs := errorsOf(t, r)
	if len(errs) != 10 || !strings.Contains(errs[9].Title, "2 more problems") {
		t.Fatalf("want 9 violations and a 10th naming 2 more; got %d: %s", len(errs), r.Body)
	}
}

func TestTenantsNeverSeeEachOther(t *testing.T) {
	s := start(t, servertest.Options{})
	// demo-2 probes demo's account with every operation.
	own := items + "/" + tomp.DemoActiveAccount
	for _, probe := range []struct {
		method string
		body   any
		header map[string]string
	}{
		{http.MethodGet, nil, demo2()},
		{http.MethodPatch, `{"firstName":"Mallory"}`, with(demo2(), "Content-Type", "application/merge-patch+json")},
		{http.MethodDelete, nil, demo2()},
	} {
		r := s.Do(probe.method, own, probe.header, probe.body)
		expectStatus(t, r, http.StatusNotFound)
	}
	r := s.Do(http.MethodGet, own, demo(), nil)
	expectStatus(t, r, http.StatusOK)
	if accountOf(t, r).Customer["firstName"] != "Anna" {
		t.Errorf("another tenant changed the account: %s", r.Body)
	}
	// A customer created by demo-2 is invisible to demo.
	c := s.Do(http.MethodPost, items, demo2(), seedHank)
	expectStatus(t, c, http.StatusCreated)
	expectStatus(t, s.Do(http.MethodGet, items+"/"+accountOf(t, c).ID, demo(), nil), http.StatusNotFound)
	// And demo creating the same customer gets its own account.
	mine := s.Do(http.MethodPost, items, demo(), seedHank)
	expectStatus(t, mine, http.StatusCreated)
	if accountOf(t, mine).ID == accountOf(t, c).ID {
		t.Error("two tenants share one account")
	}
}

func TestTokenLimitedToSomeOperations(t *testing.T) {
	s := start(t, servertest.Options{Fixtures: &server.Fixtures{Tenants: map[string][]apidef.Tenant{
		"tomp": {{ID: "reader", Credentials: map[string]string{"token": "read-only"},
			Properties: map[string]any{"allowOperations": []any{"getCustomer"}}}},
	}}})
	expectStatus(t, s.Do(http.MethodGet, items+"/x", auth("read-only"), nil), http.StatusNotFound)
	r := s.Do(http.MethodPost, items, auth("read-only"), seedHank)
	expectStatus(t, r, http.StatusForbidden)
	if c := codes(errorsOf(t, r)); fmt.Sprint(c) != "[8006]" {
		t.Errorf("codes %v, want [8006]", c)
	}
	// The fixtures replaced the tomp tenants: the demo token is no longer accepted.
	expectStatus(t, s.Do(http.MethodGet, items+"/x", demo(), nil), http.StatusUnauthorized)
}

func TestBodyLimit(t *testing.T) {
	s := start(t, servertest.Options{BodyLimit: 64})
	r := s.Do(http.MethodPost, items, demo(), `{"id":"`+strings.Repeat("x", 100)+`"}`)
	expectStatus(t, r, http.StatusRequestEntityTooLarge)
	errorsOf(t, r)
}

func TestConcurrentCreatesOfOneCustomerMakeOneAccount(t *testing.T) {
	s := start(t, servertest.Options{})
	const n = 32
	var wg sync.WaitGroup
	results := make([]servertest.Response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Do(http.MethodPost, items, demo(), seedHank)
		}()
	}
	wg.Wait()
	created, ids := 0, map[string]bool{}
	for _, r := range results {
		if r.Status == http.StatusCreated {
			created++
		} else if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		ids[accountOf(t, r).ID] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Errorf("%d creates answered 201 and %d distinct accounts; want exactly one of each", created, len(ids))
	}
}

func TestConcurrentPatchesAreAllApplied(t *testing.T) {
	s := start(t, servertest.Options{})
	path := items + "/" + tomp.DemoActiveAccount
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do(http.MethodPatch, path, with(demo(), "Content-Type", "application/merge-patch+json"),
				fmt.Sprintf(`{"customFields":{"k%d":"v%d"}}`, i, i))
			if r.Status != http.StatusOK {
				t.Errorf("patch %d: %d %s", i, r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	cf, _ := accountOf(t, s.Do(http.MethodGet, path, demo(), nil)).Customer["customFields"].(map[string]any)
	if len(cf) != n+1 {
		t.Errorf("custom fields after %d concurrent patches: %v; want all %d keys plus loyaltyTier", n, cf, n)
	}
}

// What the contract accepts is what the handler stores: integers written as 1e2, exact member
// names (an unvalidated "ID" must not replace the validated "id"), and what it refuses is
// refused with the field named.
func TestBodiesBindAsValidated(t *testing.T) {
	s := start(t, servertest.Options{})
	r := s.Do(http.MethodPost, items, demo(),
		`{"id":"bind-1","ID":"`+strings.Repeat("x", 300)+`","address":{"id":"P:h","addressLine1":"a","houseNumber":1e2}}`)
	expectStatus(t, r, http.StatusCreated)
	a := accountOf(t, r)
	if a.Customer["id"] != "bind-1" {
		t.Errorf("customer id %v, want the validated bind-1", a.Customer["id"])
	}
	if addr, _ := a.Customer["address"].(map[string]any); addr["houseNumber"] != float64(100) {
		t.Errorf("houseNumber %v, want 100", addr["houseNumber"])
	}
	patch := s.Do(http.MethodPatch, items+"/"+a.ID, with(demo(), "Content-Type", "application/merge-patch+json"),
		`{"address":{"id":"P:h","addressLine1":"b","houseNumber":2.63e2}}`)
	expectStatus(t, patch, http.StatusOK)
	for _, tc := range []struct{ body, field string }{
		{`{"dateOfBirth":"2020-02-30"}`, "dateOfBirth"},
		{`{"photo":"aGVsbG8"}`, "photo"},
		{`{"firstName":"A"} trailing`, "body"},
	} {
		r := s.Do(http.MethodPatch, items+"/"+a.ID, with(demo(), "Content-Type", "application/merge-patch+json"), tc.body)
		expectStatus(t, r, http.StatusBadRequest)
		if errs := errorsOf(t, r); !strings.Contains(errs[0].Title, "Field: "+tc.field) {
			t.Errorf("%s: %s, want the error on %s", tc.body, r.Body, tc.field)
		}
	}
}

// Headers the contract validation cannot judge (sent empty or twice) are still refused on the
// header, not blamed on the body.
func TestEmptyOrRepeatedHeaders(t *testing.T) {
	s := start(t, servertest.Options{})
	for _, values := range [][]string{{""}, {"en", "nl"}} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+items+"/"+tomp.DemoActiveAccount, nil)
		req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
		req.Header["Accept-Language"] = values
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Errors []apiError }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 400 || len(body.Errors) != 1 || !strings.Contains(body.Errors[0].Title, "Field: Accept-Language") {
			t.Errorf("Accept-Language %q: %d %+v, want 400 on the header", values, resp.StatusCode, body.Errors)
		}
	}
}

package intrepid_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// seedRequest is the request example of seed 001_0ed10aa986a9374b, byte for byte.
const seedRequest = `{
  "title": "Mr",
  "firstName": "Homer",
  "middleName": "Pete",
  "surname": "Simpson",
  "dateOfBirth": "1970-01-01",
  "homePhone": "0115487956",
  "mobilePhone": "0435485548",
  "emailAddress": "homer@simpson.com",
  "homeAddress": {
    "addressLine1": "74 Brokesley Street",
    "addressLine2": "Bournemouth",
    "city": "Kingswood",
    "state": "Vic",
    "postcode": "3167",
    "countryName": "Australia",
    "countryCode": "AU"
  },
  "passport": {
    "number": "N89171298",
    "nationality": "US",
    "placeOfIssue": "US",
    "dateOfIssue": "2010-01-01",
    "dateOfExpiry": "2020-01-01"
  },
  "travelInsurancePolicyNumber": "4552",
  "travelInsuranceCompany": "Slexicover Direct",
  "travelInsuranceCompanyPhone": "0435698542",
  "status": "confirmed",
  "emergencyContact": {
    "firstName": "Jess",
    "surname": "Peter",
    "homePhone": "0115487956",
    "mobilePhone": "0435485548",
    "relationship": "Mother"
  },
  "dietaryNote": "Allergic to seafood",
  "medicalNote": "Knee replacement",
  "singleSupplement": "true",
  "cancelSingleSupplementOnly": "true",
  "externalReference": "ABCD2-12345"
}`

// Demo customers (impl/intrepid/demo.json): who they are decides which rule they exercise.
const (
	ned     = 4945390 // restricted booking 5057123
	selma   = 4945392 // trip tentative, unpaid, single supplement
	patty   = 4945393 // trip tentative, fully paid
	abraham = 4945394 // trip onRequest
	lisa    = 4945395 // trip confirmed
	bart    = 4945396 // trip tentative, unpaid, no title
	homer   = 4945397 // trip tentative, required payment made
	moe     = 5100001 // tenant demo-2's customer (agent on statement), trip 887300 unpaid
)

// names are the stored names of each customer, which every write body must carry.
var names = map[int]map[string]any{
	ned:     {"title": "Mr", "firstName": "Ned", "surname": "Flanders"},
	selma:   {"title": "Ms", "firstName": "Selma", "surname": "Bouvier"},
	patty:   {"title": "Ms", "firstName": "Patty", "surname": "Bouvier"},
	abraham: {"title": "Mr", "firstName": "Abraham", "surname": "Simpson"},
	lisa:    {"title": "Miss", "firstName": "Lisa", "surname": "Simpson"},
	bart:    {"title": "", "firstName": "Bart", "surname": "Simpson"},
	homer:   {"title": "Mr", "firstName": "Homer", "surname": "Simpson"},
	moe:     {"title": "Mr", "firstName": "Moe", "surname": "Szyslak"},
}

// body is a PATCH body for a customer: its names plus the given fields.
func body(customer int, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range names[customer] {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func start(t *testing.T, opts servertest.Options) *servertest.Server {
	t.Helper()
	return servertest.New(t, func(st *store.Store) []apidef.API {
		spec, err := openapi.Bytes(intrepid.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := openapi.Load(context.Background(), intrepid.ID)
		if err != nil {
			t.Fatal(err)
		}
		api, err := intrepid.Define(st, spec, doc)
		if err != nil {
			t.Fatal(err)
		}
		return []apidef.API{api}
	}, opts)
}

func key(k string) map[string]string { return map[string]string{"X-Api-Key": k} }

var (
	demo  = key(intrepid.DemoAPIKey)
	demo2 = key(intrepid.OtherDemoAPIKey)
)

type apiError struct {
	ErrorType     string   `json:"errorType"`
	Errors        []string `json:"errors"`
	CorrelationID string   `json:"correlationId"`
}

// expectError checks an error answer: status, errorType, a correlation id, and that the
// messages together mention every wanted text.
func expectError(t *testing.T, r servertest.Response, status int, errorType string, want ...string) apiError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	var e apiError
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("not the vendor's error body: %v\n%s", err, r.Body)
	}
	if e.ErrorType != errorType || e.CorrelationID == "" || len(e.Errors) == 0 {
		t.Errorf("error %+v, want errorType %s, a correlationId and messages", e, errorType)
	}
	all := strings.Join(e.Errors, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("errors lack %q:\n%s", w, all)
		}
	}
	return e
}

func expectStatus(t *testing.T, r servertest.Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
}

// get reads a customer in a context and decodes it.
func get(t *testing.T, s *servertest.Server, h map[string]string, context string, id int) map[string]any {
	t.Helper()
	r := s.Do(http.MethodGet, fmt.Sprintf("/intrepid/%s/customers/%d", context, id), h, nil)
	expectStatus(t, r, http.StatusOK)
	return r.JSON(t)
}

func patch(s *servertest.Server, h map[string]string, context string, id int, b any) servertest.Response {
	if context == "" {
		return s.Do(http.MethodPatch, fmt.Sprintf("/intrepid/Customers/%d", id), h, b)
	}
	return s.Do(http.MethodPatch, fmt.Sprintf("/intrepid/%s/Customers/%d", context, id), h, b)
}

// The seed's request, sent to Homer on his trip on a fresh server, answers 200 with the
// vendor's {id, href}; everything sent is read back (countryName from countryCode), the
// status and single supplement apply to the trip, and cancelSingleSupplementOnly and
// externalReference, which need a cancellation, change nothing. Sending it again is still
// fine: identical values override nothing.
func TestSeedRequest(t *testing.T) {
	s := start(t, servertest.Options{})
	for range 2 {
		r := s.Do(http.MethodPatch, "/intrepid/trips/887124/Customers/4945397", demo, seedRequest)
		expectStatus(t, r, http.StatusOK)
		if got := string(r.Body); got != `{"href":"/trips/887124/customers/4945397","id":4945397}`+"\n" {
			t.Errorf("answer %s", got)
		}
	}
	want := `{"currency":"AUD","dateOfBirth":"1970-01-01","dietaryNote":"Allergic to seafood","emailAddress":"homer@simpson.com",` +
		`"emergencyContact":{"firstName":"Jess","homePhone":"0115487956","mobilePhone":"0435485548","relationship":"Mother","surname":"Peter"},` +
		`"externalReference":"ABCD2-12345","firstName":"Homer","grossPrice":2450,` +
		`"homeAddress":{"addressLine1":"74 Brokesley Street","addressLine2":"Bournemouth","city":"Kingswood","countryCode":"AU","countryName":"Australia","postcode":"3167","state":"Vic"},` +
		`"homePhone":"0115487956","href":"/trips/887124/customers/4945397","id":4945397,"medicalNote":"Knee replacement","middleName":"Pete",` +
		`"mobilePhone":"0435485548","netPrice":2082.5,"originalPrice":2650,` +
		`"passport":{"dateOfExpiry":"2020-01-01","dateOfIssue":"2010-01-01","nationality":"US","number":"N89171298","placeOfIssue":"US"},` +
		`"promotionCode":"EARLYBIRD","promotionName":"Early bird saving","restricted":false,"singleSupplement":"true","status":"confirmed",` +
		`"surname":"Simpson","title":"Mr","totalDiscountAmount":0,"totalFeeAmount":0,"travelInsuranceCompany":"Slexicover Direct",` +
		`"travelInsuranceCompanyPhone":"0435698542","travelInsurancePolicyNumber":"4552"}`
	r := s.Do(http.MethodGet, "/intrepid/trips/887124/customers/4945397", demo, nil)
	expectStatus(t, r, http.StatusOK)
	if strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("Homer after the seed request:\n got %s\nwant %s", r.Body, want)
	}
}

// The vendor's docs write /Customers and /Bookings, its hrefs /bookings/…/customers/…:
// every spelling reaches the operation, and hrefs are answered in lowercase.
func TestPathsIgnoreCase(t *testing.T) {
	s := start(t, servertest.Options{})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/intrepid/bookings/5057124/Customers"},
		{http.MethodGet, "/intrepid/Bookings/5057124/customers"},
		{http.MethodGet, "/intrepid/BOOKINGS/5057124/CUSTOMERS/4945397"},
		{http.MethodGet, "/intrepid/Trips/887124/Customers/4945397"},
		{http.MethodGet, "/intrepid/AdditionalServices/887127/customers"},
		{http.MethodPatch, "/intrepid/customers/4945397"},
		{http.MethodPatch, "/intrepid/Trips/887124/cUsToMeRs/4945397"},
		{http.MethodPost, "/intrepid/Bookings/5057124/customers"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			var b any
			if tc.method != http.MethodGet {
				b = body(homer)
			}
			r := s.Do(tc.method, tc.path, demo, b)
			if r.Status != 200 && r.Status != 201 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if !strings.Contains(string(r.Body), `"href":"/`+strings.ToLower(strings.Split(tc.path, "/")[2])) && tc.path != "/intrepid/customers/4945397" {
				t.Errorf("href not lowercase: %s", r.Body)
			}
		})
	}
}

func ids(t *testing.T, r servertest.Response) []int {
	t.Helper()
	var list struct {
		Customers []struct {
			ID   int    `json:"id"`
			Href string `json:"href"`
		} `json:"customers"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("not a customer list: %v\n%s", err, r.Body)
	}
	var out []int
	for _, c := range list.Customers {
		out = append(out, c.ID)
	}
	return out
}

func TestListCustomers(t *testing.T) {
	s := start(t, servertest.Options{})
	tests := []struct {
		path string
		want []int
	}{
		{"/intrepid/bookings/5057124/Customers", []int{selma, patty, abraham, lisa, bart, homer}},
		{"/intrepid/trips/887124/Customers", []int{selma, patty, abraham, lisa, bart, homer}},
		{"/intrepid/accommodation/887125/Customers", []int{lisa, bart, homer}},
		{"/intrepid/transfers/887126/Customers", []int{bart, homer}},
		{"/intrepid/additionalservices/887127/Customers", []int{homer}},
		{"/intrepid/sightseeing/887128/Customers", []int{bart, homer}},
		{"/intrepid/bookings/5057123/Customers", []int{ned, 4945391}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			r := s.Do(http.MethodGet, tc.path, demo, nil)
			expectStatus(t, r, http.StatusOK)
			if got := ids(t, r); !slices.Equal(got, tc.want) {
				t.Errorf("customers %v, want %v", got, tc.want)
			}
		})
	}
}

// Customers of a booking made outside the API come back restricted: names and currency only.
func TestRestrictedCustomers(t *testing.T) {
	s := start(t, servertest.Options{})
	want := map[string]any{"currency": "AUD", "firstName": "Ned", "surname": "Flanders", "restricted": true,
		"id": float64(ned), "href": "/bookings/5057123/customers/4945390"}
	if got := get(t, s, demo, "bookings/5057123", ned); !reflect.DeepEqual(got, want) {
		t.Errorf("restricted customer %v, want %v", got, want)
	}
	if got := get(t, s, demo, "trips/887120", ned); got["restricted"] != true || got["title"] != nil || got["status"] != nil {
		t.Errorf("restricted customer on a trip shows more than names and currency: %v", got)
	}
	if got := get(t, s, demo, "bookings/5057124", homer); got["restricted"] != false || got["title"] != "Mr" || got["emailAddress"] != "homer@simpson.com" {
		t.Errorf("API-booking customer: %v", got)
	}
	// Writing them is refused, and changes nothing.
	expectError(t, patch(s, demo, "bookings/5057123", ned, body(ned, "dietaryNote", "Vegan")), 403, "Forbidden", "not made through the API")
	expectError(t, patch(s, demo, "", ned, body(ned, "dietaryNote", "Vegan")), 403, "Forbidden", "not made through the API")
	expectError(t, s.Do(http.MethodPost, "/intrepid/bookings/5057123/Customers", demo, body(homer)), 403, "Forbidden", "not made through the API")
	if n := len(ids(t, s.Do(http.MethodGet, "/intrepid/bookings/5057123/Customers", demo, nil))); n != 2 {
		t.Errorf("restricted booking has %d customers after a refused POST", n)
	}
}

func TestStatusAndSingleSupplementOnlyUnderComponents(t *testing.T) {
	s := start(t, servertest.Options{})
	if got := get(t, s, demo, "bookings/5057124", homer); got["status"] != nil || got["singleSupplement"] != nil || got["externalReference"] != nil {
		t.Errorf("component fields under the booking context: %v", got)
	}
	if got := get(t, s, demo, "accommodation/887125", homer); got["status"] != "tentative" || got["singleSupplement"] != nil || got["externalReference"] != "ACC-887125" {
		t.Errorf("accommodation view: %v", got)
	}
	if got := get(t, s, demo, "trips/887124", homer); got["singleSupplement"] != "false" || got["promotionCode"] != "EARLYBIRD" {
		t.Errorf("trip view: %v", got)
	}
}

// Unknown contexts, context ids and customers answer 404 in the vendor's format, and so does
// every other tenant's data.
func TestNotFound(t *testing.T) {
	s := start(t, servertest.Options{})
	tests := []struct {
		name, method, path string
		h                  map[string]string
		want               string
	}{
		{"unknown context", "GET", "/intrepid/hotels/5057124/Customers", demo, `Unknown context "hotels"`},
		{"unknown booking", "GET", "/intrepid/bookings/1/Customers", demo, "Booking 1 was not found"},
		{"unknown trip", "GET", "/intrepid/trips/1/Customers/4945397", demo, "trips 1 was not found"},
		{"component of another kind", "GET", "/intrepid/accommodation/887124/Customers", demo, "accommodation 887124 was not found"},
		{"unknown customer", "GET", "/intrepid/bookings/5057124/Customers/1", demo, "Customer 1 was not found on bookings 5057124"},
		{"customer of another booking", "GET", "/intrepid/bookings/5057124/Customers/4945390", demo, "Customer 4945390 was not found"},
		{"customer not on the component", "GET", "/intrepid/additionalservices/887127/Customers/4945395", demo, "Customer 4945395 was not found on additionalservices 887127"},
		{"patch unknown customer", "PATCH", "/intrepid/trips/887124/Customers/1", demo, "Customer 1 was not found"},
		{"patch unknown context", "PATCH", "/intrepid/cruises/887124/Customers/4945397", demo, `Unknown context "cruises"`},
		{"context-free patch unknown customer", "PATCH", "/intrepid/Customers/1", demo, "Customer 1 was not found"},
		{"post to unknown booking", "POST", "/intrepid/bookings/1/Customers", demo, "Booking 1 was not found"},
		{"demo-2 reads demo's booking", "GET", "/intrepid/bookings/5057124/Customers", demo2, "Booking 5057124 was not found"},
		{"demo-2 patches demo's customer", "PATCH", "/intrepid/Customers/4945397", demo2, "Customer 4945397 was not found"},
		{"demo reads demo-2's trip", "GET", "/intrepid/trips/887300/Customers/5100001", demo, "trips 887300 was not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b any
			if tc.method != "GET" {
				b = body(homer)
			}
			expectError(t, s.Do(tc.method, tc.path, tc.h, b), 404, "NotFound", tc.want)
		})
	}
	// The other tenant does see its own data.
	if got := ids(t, s.Do(http.MethodGet, "/intrepid/bookings/6001001/Customers", demo2, nil)); !slices.Equal(got, []int{moe}) {
		t.Errorf("demo-2's booking: %v", got)
	}
}

func TestAuthentication(t *testing.T) {
	s := start(t, servertest.Options{})
	ops := []struct{ method, path string }{
		{"GET", "/intrepid/bookings/5057124/Customers"},
		{"POST", "/intrepid/bookings/5057124/Customers"},
		{"GET", "/intrepid/bookings/5057124/Customers/4945397"},
		{"PATCH", "/intrepid/trips/887124/Customers/4945397"},
		{"PATCH", "/intrepid/Customers/4945397"},
	}
	for _, op := range ops {
		for _, h := range []map[string]string{nil, key("not-a-key")} {
			t.Run(fmt.Sprintf("%s %s %v", op.method, op.path, h), func(t *testing.T) {
				var b any
				if op.method != "GET" {
					b = body(homer, "dietaryNote", "None")
				}
				expectError(t, s.Do(op.method, op.path, h, b), 401, "Unauthorized")
			})
		}
	}
	if got := get(t, s, demo, "bookings/5057124", homer); got["dietaryNote"] != nil {
		t.Errorf("an unauthenticated PATCH changed the customer: %v", got)
	}
}

// Malformed bodies answer 400 listing every problem with where it is.
func TestMalformedBodies(t *testing.T) {
	s := start(t, servertest.Options{})
	passport := func(kv ...any) map[string]any {
		p := map[string]any{"number": "N1", "nationality": "US", "dateOfIssue": "2020-01-01", "dateOfExpiry": "2030-01-01"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(p, kv[i].(string))
				continue
			}
			p[kv[i].(string)] = kv[i+1]
		}
		return p
	}
	tests := []struct {
		name string
		body any
		want []string
	}{
		{"not JSON", `{"title":`, []string{"body"}},
		{"names missing", map[string]any{"dietaryNote": "x"}, []string{"body /title", "body /firstName", "body /surname"}},
		{"unknown status", body(homer, "status", "booked"), []string{"body /status"}},
		{"boolean single supplement", body(homer, "singleSupplement", true), []string{"body /singleSupplement"}},
		{"bad date of birth", body(homer, "dateOfBirth", "1970-02-30"), []string{"body /dateOfBirth"}},
		{"passport without dates", body(homer, "passport", passport("dateOfIssue", nil, "dateOfExpiry", nil)), []string{"body /passport/dateOfIssue", "body /passport/dateOfExpiry"}},
		{"blank passport number", body(homer, "passport", passport("number", "   ")), []string{"body /passport/number"}},
		{"blank place of issue", body(homer, "passport", passport("placeOfIssue", " \t")), []string{"body /passport/placeOfIssue"}},
		{"lowercase nationality", body(homer, "passport", passport("nationality", "us")), []string{"body /passport/nationality"}},
		{"unassigned nationality", body(homer, "passport", passport("nationality", "XX")), []string{`body /passport/nationality: "XX" is not an ISO 3166-1 alpha-2`}},
		{"unassigned country code", body(homer, "homeAddress", map[string]any{"countryCode": "ZZ"}), []string{`body /homeAddress/countryCode: "ZZ" is not`}},
		{"both countries wrong", body(homer, "homeAddress", map[string]any{"countryCode": "ZZ"}, "passport", passport("nationality", "QQ")),
			[]string{"body /homeAddress/countryCode", "body /passport/nationality"}},
		{"date of birth in the future", body(homer, "dateOfBirth", "2030-01-01"), []string{"body /dateOfBirth: 2030-01-01 is in the future"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, patch(s, demo, "trips/887124", homer, tc.body), 400, "BadRequest", tc.want...)
		})
	}
	// Valid values of the same fields pass.
	expectStatus(t, patch(s, demo, "trips/887124", homer, body(homer, "passport", passport("placeOfIssue", "Springfield"),
		"homeAddress", map[string]any{"countryCode": "US", "countryName": "Narnia"})), 200)
	got := get(t, s, demo, "bookings/5057124", homer)
	if addr := got["homeAddress"].(map[string]any); addr["countryName"] != "United States of America" || addr["countryCode"] != "US" {
		t.Errorf("countryName comes from countryCode, never from the body: %v", addr)
	}
}

// title, firstName and surname cannot override an existing value (403); the stored value may
// be sent again, and an empty one may be set.
func TestNamesCannotBeOverridden(t *testing.T) {
	tests := []struct {
		name     string
		customer int
		body     map[string]any
		status   int
		want     []string
	}{
		{"same names", homer, body(homer), 200, nil},
		{"empty title may be set", bart, body(bart, "title", "Master"), 200, nil},
		{"other title", homer, body(homer, "title", "Dr"), 403, []string{`body /title: has already been set (to "Mr")`}},
		{"other first name", homer, body(homer, "firstName", "Max"), 403, []string{"body /firstName"}},
		{"other surname", lisa, body(lisa, "surname", "Van Houten"), 403, []string{"body /surname"}},
		{"all three listed", homer, body(homer, "title", "Dr", "firstName", "Max", "surname", "Power"), 403,
			[]string{"body /title", "body /firstName", "body /surname"}},
		{"emptying counts as overriding", homer, body(homer, "title", ""), 403, []string{"body /title"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := patch(s, demo, "bookings/5057124", tc.customer, tc.body)
			if tc.status != 200 {
				expectError(t, r, tc.status, "Forbidden", tc.want...)
				if got := get(t, s, demo, "bookings/5057124", tc.customer); got["firstName"] != names[tc.customer]["firstName"] {
					t.Errorf("refused change applied: %v", got)
				}
				return
			}
			expectStatus(t, r, 200)
			if got := get(t, s, demo, "bookings/5057124", tc.customer); got["title"] != tc.body["title"] {
				t.Errorf("title %v, want %v", got["title"], tc.body["title"])
			}
		})
	}
	// Once set, Bart's title is as immutable as anyone's.
	s := start(t, servertest.Options{})
	expectStatus(t, patch(s, demo, "", bart, body(bart, "title", "Master")), 200)
	expectError(t, patch(s, demo, "", bart, body(bart, "title", "Mr")), 403, "Forbidden", `(to "Master")`)
}

// middleName, dateOfBirth and passport are editable only while none of the customer's trips
// is confirmed, fullyPaid or onRequest — in every context, with the same values always fine.
func TestEditWindow(t *testing.T) {
	lisaPassport := map[string]any{"number": "L12345678", "nationality": "AU", "placeOfIssue": "Springfield", "dateOfIssue": "2022-01-10", "dateOfExpiry": "2032-01-10"}
	newPassport := map[string]any{"number": "X1", "nationality": "AU", "dateOfIssue": "2024-01-01", "dateOfExpiry": "2034-01-01"}
	tests := []struct {
		name     string
		context  string
		customer int
		body     map[string]any
		status   int
		want     string
	}{
		{"tentative: middle name", "trips/887124", homer, body(homer, "middleName", "Jay"), 200, ""},
		{"tentative: date of birth", "bookings/5057124", homer, body(homer, "dateOfBirth", "1956-05-12"), 200, ""},
		{"tentative: passport", "", homer, body(homer, "passport", newPassport), 200, ""},
		{"confirmed: middle name", "trips/887124", lisa, body(lisa, "middleName", "Lou"), 403, "body /middleName: cannot be updated once the trip is confirmed, fullyPaid or onRequest (trips 887124 is confirmed)"},
		{"confirmed: same middle name", "trips/887124", lisa, body(lisa, "middleName", "Marie"), 200, ""},
		{"confirmed: same passport", "bookings/5057124", lisa, body(lisa, "passport", lisaPassport), 200, ""},
		{"confirmed: other passport, another context", "accommodation/887125", lisa, body(lisa, "passport", newPassport), 403, "body /passport"},
		{"confirmed: date of birth, no context", "", lisa, body(lisa, "dateOfBirth", "2010-05-10"), 403, "body /dateOfBirth"},
		{"onRequest: date of birth", "trips/887124", abraham, body(abraham, "dateOfBirth", "1955-05-26"), 403, "(trips 887124 is onRequest)"},
		{"fullyPaid: passport", "trips/887124", patty, body(patty, "passport", newPassport), 403, "(trips 887124 is fullyPaid)"},
		{"fullyPaid: other fields stay editable", "trips/887124", patty, body(patty, "mobilePhone", "0400000000", "dietaryNote", "None"), 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := patch(s, demo, tc.context, tc.customer, tc.body)
			if tc.status == 403 {
				expectError(t, r, 403, "Forbidden", tc.want)
				return
			}
			expectStatus(t, r, tc.status)
		})
	}
	// Confirming closes the window; cancelling the trip opens it again.
	s := start(t, servertest.Options{})
	expectStatus(t, patch(s, demo, "trips/887124", homer, body(homer, "status", "confirmed")), 200)
	expectError(t, patch(s, demo, "", homer, body(homer, "middleName", "Jay")), 403, "Forbidden", "trips 887124 is confirmed")
	expectStatus(t, patch(s, demo, "trips/887124", homer, body(homer, "status", "cancelled")), 200)
	expectStatus(t, patch(s, demo, "", homer, body(homer, "middleName", "Jay")), 200)
}

// A date of birth must keep the passenger within the trip's age limits (12 to 75 for trip
// 887124, starting 2026-05-02), measured on the trip's start date.
func TestAgeLimits(t *testing.T) {
	tests := []struct {
		name     string
		customer int
		dob      string
		status   int
		want     string
	}{
		{"well within", homer, "1970-01-01", 200, ""},
		{"twelve on the start date", homer, "2014-05-02", 200, ""},
		{"twelve the day after the start", homer, "2014-05-03", 400, "does not meet the minimum age of 12 of trips 887124 (Cambodia Family Holiday): the customer would be 11 on its start date 2026-05-02"},
		{"seventy-five", homer, "1950-05-03", 200, ""},
		{"seventy-six", homer, "1950-05-02", 400, "does not meet the maximum age of 75 of trips 887124"},
		{"a child on the trip", bart, "2016-01-01", 400, "does not meet the minimum age of 12"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := patch(s, demo, "bookings/5057124", tc.customer, body(tc.customer, "dateOfBirth", tc.dob))
			if tc.status == 400 {
				expectError(t, r, 400, "BadRequest", "body /dateOfBirth: "+tc.want)
				return
			}
			expectStatus(t, r, 200)
			if got := get(t, s, demo, "trips/887124", tc.customer); got["dateOfBirth"] != tc.dob {
				t.Errorf("dateOfBirth %v, want %s", got["dateOfBirth"], tc.dob)
			}
		})
	}
	// Cancelled from the trip, its limits no longer apply.
	s := start(t, servertest.Options{})
	expectStatus(t, patch(s, demo, "trips/887124", bart, body(bart, "status", "cancelled")), 200)
	expectStatus(t, patch(s, demo, "bookings/5057124", bart, body(bart, "dateOfBirth", "2016-01-01")), 200)
}

// Status on a component: confirming needs the required payment unless the agent is on
// statement; onRequest answers 202; cancelled is final; confirmed does not go back.
func TestStatus(t *testing.T) {
	tests := []struct {
		name     string
		h        map[string]string
		context  string
		customer int
		status   string
		code     int
		want     string
	}{
		{"confirm after payment", demo, "trips/887124", homer, "confirmed", 200, ""},
		{"confirm without payment", demo, "trips/887124", bart, "confirmed", 403, "customer 4945396 cannot be confirmed on trips 887124 before the required payment is made"},
		{"confirm fully paid", demo, "trips/887124", patty, "confirmed", 200, ""},
		{"on-statement agent confirms without payment", demo2, "trips/887300", moe, "confirmed", 200, ""},
		{"confirm unpaid sightseeing", demo, "sightseeing/887128", homer, "confirmed", 403, "customer 4945397 cannot be confirmed on sightseeing 887128 before the required payment is made"},
		{"confirm paid sightseeing", demo, "sightseeing/887128", bart, "confirmed", 200, ""},
		{"confirm transfer", demo, "transfers/887126", homer, "confirmed", 200, ""},
		{"confirm additional service", demo, "additionalservices/887127", homer, "confirmed", 200, ""},
		{"tentative", demo, "trips/887124", abraham, "tentative", 200, ""},
		{"on request", demo, "trips/887124", homer, "onRequest", 202, ""},
		{"on request accommodation", demo, "accommodation/887125", bart, "onRequest", 202, ""},
		{"cancel", demo, "accommodation/887125", lisa, "cancelled", 200, ""},
		{"confirmed back to tentative", demo, "trips/887124", lisa, "tentative", 403, "customer 4945395 is confirmed on trips 887124 and cannot go back to tentative"},
		{"confirmed back to on request", demo, "accommodation/887125", lisa, "onRequest", 403, "customer 4945395 is confirmed on accommodation 887125 and cannot go back to onRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := patch(s, tc.h, tc.context, tc.customer, body(tc.customer, "status", tc.status))
			if tc.code == 403 {
				expectError(t, r, 403, "Forbidden", "body /status: "+tc.want)
				return
			}
			expectStatus(t, r, tc.code)
			if got := get(t, s, tc.h, tc.context, tc.customer); got["status"] != tc.status {
				t.Errorf("status %v, want %s", got["status"], tc.status)
			}
		})
	}
	s := start(t, servertest.Options{})
	expectStatus(t, patch(s, demo, "transfers/887126", homer, body(homer, "status", "cancelled")), 200)
	expectError(t, patch(s, demo, "transfers/887126", homer, body(homer, "status", "confirmed")), 403, "Forbidden", "is cancelled on transfers 887126")
	expectStatus(t, patch(s, demo, "transfers/887126", homer, body(homer, "status", "cancelled")), 200)
	// Under the booking, and without a context, status names no component and is ignored.
	expectStatus(t, patch(s, demo, "bookings/5057124", bart, body(bart, "status", "confirmed")), 200)
	expectStatus(t, patch(s, demo, "", bart, body(bart, "status", "confirmed")), 200)
	if got := get(t, s, demo, "trips/887124", bart); got["status"] != "tentative" {
		t.Errorf("status without a component changed the trip: %v", got["status"])
	}
	// demo's agent is not on statement, demo-2's is: the same rule, other answers.
	if got := patch(s, demo, "trips/887300", moe, body(moe, "status", "confirmed")); got.Status != 404 {
		t.Errorf("demo confirmed demo-2's customer: %d", got.Status)
	}
}

func TestSingleSupplement(t *testing.T) {
	tests := []struct {
		name     string
		context  string
		customer int
		body     map[string]any
		code     int
		want     string
		check    map[string]any // fields of the customer on trip 887124 afterwards
	}{
		{"book a single room", "trips/887124", homer, body(homer, "singleSupplement", "true"), 200, "", map[string]any{"singleSupplement": "true"}},
		{"back to twin share", "trips/887124", selma, body(selma, "singleSupplement", "false"), 200, "", map[string]any{"singleSupplement": "false"}},
		{"not on accommodation", "accommodation/887125", homer, body(homer, "singleSupplement", "true"), 400,
			"body /singleSupplement: is only valid in the context of a trip, not under accommodation 887125", nil},
		{"not on the booking", "bookings/5057124", homer, body(homer, "singleSupplement", "false"), 400, "body /singleSupplement", nil},
		{"not without context", "", homer, body(homer, "singleSupplement", "true"), 400, "body /singleSupplement", nil},
		{"cancel only the supplement", "trips/887124", selma, body(selma, "status", "cancelled", "cancelSingleSupplementOnly", "true"), 200, "",
			map[string]any{"status": "tentative", "singleSupplement": "false"}},
		{"cancel trip and supplement", "trips/887124", selma, body(selma, "status", "cancelled", "cancelSingleSupplementOnly", "false"), 200, "",
			map[string]any{"status": "cancelled", "singleSupplement": "false"}},
		{"cancel a supplement there is not", "trips/887124", homer, body(homer, "status", "cancelled", "cancelSingleSupplementOnly", "true"), 400,
			"body /cancelSingleSupplementOnly: customer 4945397 has no single supplement on trips 887124 to cancel", nil},
		{"supplement-only cancellation outside a trip", "accommodation/887125", homer, body(homer, "status", "cancelled", "cancelSingleSupplementOnly", "true"), 400,
			"body /cancelSingleSupplementOnly: is only valid for trip cancellations", nil},
		{"without cancelling it has no effect", "trips/887124", selma, body(selma, "status", "tentative", "cancelSingleSupplementOnly", "true"), 200, "",
			map[string]any{"status": "tentative", "singleSupplement": "true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			r := patch(s, demo, tc.context, tc.customer, tc.body)
			if tc.code == 400 {
				expectError(t, r, 400, "BadRequest", tc.want)
				tc.check = map[string]any{"status": "tentative"}
			} else {
				expectStatus(t, r, tc.code)
			}
			got := get(t, s, demo, "trips/887124", tc.customer)
			for k, v := range tc.check {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
	// A cancelled customer's room cannot change.
	s := start(t, servertest.Options{})
	expectStatus(t, patch(s, demo, "trips/887124", homer, body(homer, "status", "cancelled")), 200)
	expectError(t, patch(s, demo, "trips/887124", homer, body(homer, "singleSupplement", "true")), 403, "Forbidden", "is cancelled on trips 887124")
}

// externalReference only takes effect with a passenger cancellation, and is unique per booking.
func TestExternalReference(t *testing.T) {
	tests := []struct {
		name   string
		body   map[string]any
		code   int
		want   string
		expect string // the accommodation's reference afterwards
	}{
		{"with a cancellation", body(lisa, "status", "cancelled", "externalReference", "ACC-2"), 200, "", "ACC-2"},
		{"its own reference again", body(lisa, "status", "cancelled", "externalReference", "ACC-887125"), 200, "", "ACC-887125"},
		{"without a cancellation it is ignored", body(bart, "status", "tentative", "externalReference", "ACC-3"), 200, "", "ACC-887125"},
		{"without a status it is ignored", body(bart, "externalReference", "ACC-4"), 200, "", "ACC-887125"},
		{"another component's reference", body(lisa, "status", "cancelled", "externalReference", "ABCD2-12345"), 400,
			`body /externalReference: "ABCD2-12345" is already the external reference of trips 887124 on booking 5057124`, "ACC-887125"},
		{"blank", body(lisa, "status", "cancelled", "externalReference", "  "), 400, "body /externalReference", "ACC-887125"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			customer := lisa
			if tc.body["firstName"] == "Bart" {
				customer = bart
			}
			r := patch(s, demo, "accommodation/887125", customer, tc.body)
			if tc.code == 400 {
				expectError(t, r, 400, "BadRequest", tc.want)
			} else {
				expectStatus(t, r, tc.code)
			}
			if got := get(t, s, demo, "accommodation/887125", lisa); got["externalReference"] != tc.expect {
				t.Errorf("externalReference %v, want %s", got["externalReference"], tc.expect)
			}
		})
	}
}

// A PATCH refused for one field changes no other field.
func TestRefusedWritesChangeNothing(t *testing.T) {
	tests := []struct {
		name     string
		context  string
		customer int
		body     map[string]any
		code     int
	}{
		{"locked middle name", "trips/887124", lisa, body(lisa, "emailAddress", "lisa@example.com", "middleName", "Lou"), 403},
		{"unpaid confirmation", "trips/887124", bart, body(bart, "emailAddress", "bart@example.com", "singleSupplement", "true", "status", "confirmed"), 403},
		{"supplement outside a trip", "accommodation/887125", homer, body(homer, "emailAddress", "max@example.com", "status", "cancelled", "singleSupplement", "true"), 400},
		{"age limit", "trips/887124", homer, body(homer, "emailAddress", "max@example.com", "middleName", "Jay", "dateOfBirth", "2020-01-01"), 400},
		{"overridden name", "trips/887124", homer, body(homer, "surname", "Power", "emailAddress", "max@example.com", "status", "confirmed"), 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, servertest.Options{})
			before := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
			r := patch(s, demo, tc.context, tc.customer, tc.body)
			expectStatus(t, r, tc.code)
			after := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
			if string(before.Body) != string(after.Body) {
				t.Errorf("a refused PATCH changed the state")
			}
		})
	}
}

func TestAddCustomer(t *testing.T) {
	s := start(t, servertest.Options{})
	marge := map[string]any{"title": "Mrs", "firstName": "Marge", "surname": "Simpson", "dateOfBirth": "1972-03-19",
		"homeAddress": map[string]any{"addressLine1": "74 Brokesley Street", "countryCode": "AU"}}
	r := s.Do(http.MethodPost, "/intrepid/bookings/5057124/Customers", demo, marge)
	expectStatus(t, r, http.StatusCreated)
	if string(r.Body) != `{"href":"/bookings/5057124/customers/4945398","id":4945398}`+"\n" {
		t.Errorf("answer %s", r.Body)
	}
	got := get(t, s, demo, "bookings/5057124", 4945398)
	if got["firstName"] != "Marge" || got["homeAddress"].(map[string]any)["countryName"] != "Australia" || got["restricted"] != false {
		t.Errorf("added customer %v", got)
	}
	// The customer is on the booking, not yet on any component.
	expectError(t, s.Do(http.MethodGet, "/intrepid/trips/887124/Customers/4945398", demo, nil), 404, "NotFound")
	// Once added, her names are as immutable as anyone's.
	expectError(t, patch(s, demo, "", 4945398, map[string]any{"title": "Ms", "firstName": "Marge", "surname": "Simpson"}), 403, "Forbidden", "body /title")

	for _, tc := range []struct {
		name, path string
		body       map[string]any
		code       int
		errorType  string
		want       string
	}{
		{"to a component", "/intrepid/trips/887124/Customers", marge, 400, "BadRequest", "path context: customers are added to a booking (bookings/5057124)"},
		{"with a single supplement", "/intrepid/bookings/5057124/Customers", map[string]any{"title": "Mr", "firstName": "Ralph", "surname": "Wiggum", "singleSupplement": "true"}, 400, "BadRequest", "body /singleSupplement"},
		{"with an unassigned country", "/intrepid/bookings/5057124/Customers", map[string]any{"title": "Mr", "firstName": "Ralph", "surname": "Wiggum", "homeAddress": map[string]any{"countryCode": "XX"}}, 400, "BadRequest", "body /homeAddress/countryCode"},
		{"without a surname", "/intrepid/bookings/5057124/Customers", map[string]any{"title": "Mr", "firstName": "Ralph"}, 400, "BadRequest", "body /surname"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, s.Do(http.MethodPost, tc.path, demo, tc.body), tc.code, tc.errorType, tc.want)
		})
	}
	if n := len(ids(t, s.Do(http.MethodGet, "/intrepid/bookings/5057124/Customers", demo, nil))); n != 7 {
		t.Errorf("booking has %d customers, want 7 (refused POSTs add none)", n)
	}
}

// Concurrent POSTs to one booking each get their own id.
func TestConcurrentAddsGetDistinctIDs(t *testing.T) {
	s := start(t, servertest.Options{})
	const n = 16
	var wg sync.WaitGroup
	got := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do(http.MethodPost, "/intrepid/bookings/5057124/Customers", demo,
				map[string]any{"title": "Mr", "firstName": fmt.Sprint("Guest", i), "surname": "Springfield"})
			got[i] = string(r.Body)
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, b := range got {
		var ref struct{ ID int64 }
		if err := json.Unmarshal([]byte(b), &ref); err != nil || seen[ref.ID] || ref.ID <= homer {
			t.Errorf("duplicate, reused or missing id: %s", b)
		}
		seen[ref.ID] = true
	}
	if c := len(ids(t, s.Do(http.MethodGet, "/intrepid/bookings/5057124/Customers", demo, nil))); c != 6+n {
		t.Errorf("%d customers, want %d", c, 6+n)
	}
}

// Fixtures may make any tenant an on-statement agent; a property that is not a boolean is
// refused rather than read as false.
func TestAgentOnStatementFixture(t *testing.T) {
	s := start(t, servertest.Options{Fixtures: &server.Fixtures{Tenants: map[string][]apidef.Tenant{
		"intrepid": {{ID: "demo", Credentials: map[string]string{"apiKey": "k"}, Properties: map[string]any{"agentOnStatement": true}}},
	}}})
	expectStatus(t, patch(s, key("k"), "trips/887124", bart, body(bart, "status", "confirmed")), 200)

	r := s.Do(http.MethodPost, "/_paxkit/import", nil,
		`{"tenants":{"intrepid":[{"id":"x","credentials":{"apiKey":"k2"},"properties":{"agentOnStatement":"yes"}}]}}`)
	if r.Status != 400 || !strings.Contains(string(r.Body), "agentOnStatement") {
		t.Errorf("non-boolean agentOnStatement: %d %s", r.Status, r.Body)
	}
}

// Imported records are checked: fixtures cannot hold what the vendor could not.
func TestFixtureRecordsAreChecked(t *testing.T) {
	s := start(t, servertest.Options{})
	for _, tc := range []struct{ name, state, want string }{
		{"component kind", `{"intrepid.components":{"demo":[{"id":1,"kind":"cruises","bookingId":5057124,"name":"x","startDate":"2026-01-01","customers":[]}]}}`, "kind"},
		{"status", `{"intrepid.components":{"demo":[{"id":1,"kind":"trips","bookingId":5057124,"name":"x","startDate":"2026-01-01","customers":[{"customerId":1,"status":"held"}]}]}}`, "status"},
		{"supplement off a trip", `{"intrepid.components":{"demo":[{"id":1,"kind":"transfers","bookingId":5057124,"name":"x","startDate":"2026-01-01","customers":[{"customerId":1,"status":"tentative","singleSupplement":true}]}]}}`, "trips only"},
		{"nationality", `{"intrepid.customers":{"demo":[{"id":1,"bookingId":5057124,"firstName":"a","surname":"b","passport":{"number":"1","nationality":"XX","dateOfIssue":"2020-01-01","dateOfExpiry":"2030-01-01"}}]}}`, "nationality"},
		{"currency", `{"intrepid.bookings":{"demo":[{"id":1,"currency":"dollars","madeThroughApi":true}]}}`, "currency"},
		{"duplicate external reference", `{"intrepid.components":{"demo":[{"id":1,"kind":"trips","bookingId":5,"name":"x","startDate":"2026-01-01","externalReference":"R","customers":[]},{"id":2,"kind":"transfers","bookingId":5,"name":"y","startDate":"2026-01-01","externalReference":"R","customers":[]}]}}`, "R"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(http.MethodPost, "/_paxkit/import", nil, `{"state":`+tc.state+`}`)
			if r.Status != 400 || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("%d %s; want 400 mentioning %s", r.Status, r.Body, tc.want)
			}
		})
	}
}

func TestMethodsAndRoutes(t *testing.T) {
	s := start(t, servertest.Options{})
	expectError(t, s.Do(http.MethodDelete, "/intrepid/bookings/5057124/Customers/4945397", demo, nil), 405, "MethodNotAllowed")
	expectError(t, s.Do(http.MethodGet, "/intrepid/bookings/5057124/Travellers", demo, nil), 404, "NotFound")
	expectError(t, s.Do(http.MethodGet, "/intrepid/bookings/5057124/Customers/homer", demo, nil), 400, "BadRequest", "path id")
}

// The contract's own request examples, sent where their summaries say, get the documented
// success on a fresh server: a conformance run that replays them finds paxkit consistent.
func TestContractExamplesOnAFreshServer(t *testing.T) {
	doc, err := openapi.Load(context.Background(), intrepid.ID)
	if err != nil {
		t.Fatal(err)
	}
	update := doc.Components.RequestBodies["CustomerUpdate"].Value.Content["application/json"].Examples
	add := doc.Paths.Find("/{context}/{contextId}/Customers").Post.RequestBody.Value.Content["application/json"].Examples
	tests := []struct {
		example      any
		method, path string
		status       int
	}{
		{update["seedHomerSimpson"].Value.Value, http.MethodPatch, "/intrepid/trips/887124/Customers/4945397", 200},
		{update["cancelSingleSupplementOnly"].Value.Value, http.MethodPatch, "/intrepid/trips/887124/Customers/4945392", 200},
		{update["putOnRequest"].Value.Value, http.MethodPatch, "/intrepid/trips/887124/Customers/4945397", 202},
		{add["addMarge"].Value.Value, http.MethodPost, "/intrepid/bookings/5057124/Customers", 201},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if tc.example == nil {
				t.Fatal("example missing from the contract")
			}
			s := start(t, servertest.Options{})
			expectStatus(t, s.Do(tc.method, tc.path, demo, tc.example), tc.status)
		})
	}
}

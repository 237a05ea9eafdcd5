package mews

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	mews "github.com/paxkit/paxkit/gen/mews"
	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/jsonwrite"
)

// The direct writers (customerjson.go, currentanswers.go) must answer exactly the bytes the
// generated types and encoding/json answered. The reference here is that old path, kept as it
// was: wireCustomer then json.Marshal, and for whole bodies the generated 200 response's
// Visit function (json.Encoder).

// wireJSON is the reference: json.Marshal(wireCustomer(c)), failing where either fails.
func wireJSON(c domain.Customer) ([]byte, error) {
	w, err := wireCustomer(c)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// sameAsWire fails the test unless appendCustomer answers wireJSON's bytes, or fails where it
// fails. prefix checks that the writer appends (and does not overwrite) what is already there.
func sameAsWire(t testing.TB, name string, c domain.Customer) (refused bool) {
	t.Helper()
	return sameAs(t, name, c, wireJSON, appendCustomer)
}

// sameAs is sameAsWire for any reference and writer.
func sameAs(t testing.TB, name string, c domain.Customer, reference func(domain.Customer) ([]byte, error),
	writer func([]byte, *domain.Customer) ([]byte, error)) (refused bool) {
	t.Helper()
	want, wantErr := reference(c)
	prefix := []byte("prefix")
	got, err := writer(bytes.Clone(prefix), &c)
	switch {
	case (err != nil) != (wantErr != nil):
		t.Fatalf("%s: error %v, the reference's %v", name, err, wantErr)
	case err != nil:
		return true
	case !bytes.HasPrefix(got, prefix):
		t.Fatalf("%s: the writer lost what the buffer held: %q", name, got)
	case !bytes.Equal(got[len(prefix):], want):
		t.Fatalf("%s:\n got  %s\n want %s", name, got[len(prefix):], want)
	}
	return false
}

// escapingClasses are strings of every class encoding/json treats apart: quotes and
// backslashes, named and \u00XX control characters, <>& (HTML escaping), DEL, U+2028/U+2029,
// invalid UTF-8 (lone continuation bytes, truncated sequences, surrogates, overlong forms),
// U+FFFD itself, and non-ASCII text.
var escapingClasses = []string{
	"", `"quoted"`, `back\slash`, "\b\f\n\r\t", "\x00\x01\x1f", "<script>&amp;</script>", "\x7f",
	"line\u2028sep\u2029par", "\x80", "a\xffb", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\ufffd",
	"Žofie Ångström", "日本語", "emoji 😀", "mixed \"<\u2028\xfe>\" end\\",
}

func demoCustomers(t testing.TB) []domain.Customer {
	t.Helper()
	var demo map[string]map[string][]domain.Customer
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		t.Fatal(err)
	}
	var out []domain.Customer
	for _, cs := range demo[domain.CustomersTable] {
		out = append(out, cs...)
	}
	if len(out) < 3 {
		t.Fatalf("only %d demo customers", len(out))
	}
	return out
}

// filler fills a value of a domain type by reflection, so that a field added to the domain is
// filled without touching the test: each pointer is nil or set, each slice nil, empty or
// filled, strings from gofakeit or an escaping class. Fields holding ids, dates and
// coordinates get values of their kind (ids in every form uuid.Parse accepts and upper
// case), and now and then a value the reference refuses.
type filler struct {
	f   *gofakeit.Faker
	rng *rand.Rand
}

func (fl filler) chance(n int) bool { return fl.rng.IntN(n) == 0 }

func (fl filler) text() string {
	switch fl.rng.IntN(6) {
	case 0:
		return escapingClasses[fl.rng.IntN(len(escapingClasses))]
	case 1:
		return fl.f.Name() + escapingClasses[fl.rng.IntN(len(escapingClasses))] + fl.f.Emoji()
	case 2:
		b := make([]byte, fl.rng.IntN(12))
		for i := range b {
			b[i] = byte(fl.rng.IntN(256))
		}
		return string(b)
	case 3:
		return fl.f.Sentence()
	default:
		return fl.f.Word()
	}
}

func (fl filler) id() string {
	u := fl.f.UUID()
	switch fl.rng.IntN(8) {
	case 0:
		return strings.ToUpper(u)
	case 1:
		return "{" + u + "}"
	case 2:
		return "urn:uuid:" + u
	case 3:
		return strings.ReplaceAll(u, "-", "")
	case 4:
		if fl.chance(4) {
			return fl.text() // mostly not a UUID: refused
		}
	}
	return u
}

func (fl filler) date() string {
	if fl.chance(25) {
		return []string{"1990-02-30", "tomorrow", "", "1990-1-02", "99999-01-01"}[fl.rng.IntN(5)]
	}
	return fl.f.Date().Format(time.DateOnly)
}

func (fl filler) float() float64 {
	if fl.chance(40) {
		return []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[fl.rng.IntN(3)]
	}
	return []float64{0, math.Copysign(0, -1), 1e-7, -3.5e-9, 1e21, 1.5e300, 123.456, -0.000001, 1e20, 50.0875, fl.f.Float64Range(-180, 180)}[fl.rng.IntN(11)]
}

func (fl filler) time() time.Time {
	t := fl.f.Date().Add(time.Duration(fl.rng.Int64N(int64(time.Second))))
	switch fl.rng.IntN(6) {
	case 0:
		return t.In(time.FixedZone("", fl.rng.IntN(14*3600)-7*3600))
	case 1:
		return t.Truncate(time.Second)
	case 2:
		if fl.chance(10) {
			return t.AddDate(10000, 0, 0) // year outside 0-9999: refused
		}
	}
	return t.UTC()
}

func (fl filler) fill(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Pointer:
		if fl.chance(2) {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fl.fill(v.Elem(), name)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(fl.time()))
			return
		}
		for i := range v.NumField() {
			fl.fill(v.Field(i), v.Type().Field(i).Name)
		}
	case reflect.Slice:
		switch fl.rng.IntN(3) {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			n := 1 + fl.rng.IntN(3)
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fl.fill(v.Index(i), name)
			}
		}
	case reflect.String:
		switch {
		case name == "ID" || strings.HasSuffix(name, "ID"):
			v.SetString(fl.id())
		case name == "BirthDate" || name == "Expiration" || name == "Issuance":
			v.SetString(fl.date())
		default:
			v.SetString(fl.text())
		}
	case reflect.Float64:
		v.SetFloat(fl.float())
	case reflect.Bool:
		v.SetBool(fl.f.Bool())
	default:
		panic(fmt.Sprintf("filler: field %s of kind %s: teach the filler", name, v.Kind()))
	}
}

// full is a customer with every field set (every pointer, document and the address), and
// empty one with every optional field nil.
func fullAndEmpty(t testing.TB) (full, empty domain.Customer) {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	full = demoCustomers(t)[0]
	doc := func(typ string) *domain.IdentityDocument {
		return &domain.IdentityDocument{ID: "1B7A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D", CustomerID: full.ID, Type: typ, Number: s("N<1>"),
			Expiration: s("2031-02-28"), Issuance: s("2021-03-01"), IssuingCountryCode: s("CZ"), IssuingCity: s("Brno"), IdentityDocumentSupportNumber: s("X1")}
	}
	full.Passport, full.IdentityCard, full.Visa, full.DriversLicense = doc("Passport"), doc("IdentityCard"), doc("Visa"), doc("DriversLicense")
	full.Address = &domain.Address{ID: "0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", Line1: s("Main 1"), Line2: s("&c"), City: s("Praha"), PostalCode: s("110 00"),
		CountryCode: s("CZ"), CountrySubdivisionCode: s("CZ-10"), Latitude: f(50.08), Longitude: f(-14.42e-7)}
	full.AddressID, full.CompanyID, full.MergeTargetID = s(full.Address.ID), s("3B7A1C2D-3E4F-4A5B-8C6D-7E8F9A0B1C2D"), s("{2b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d}")
	full.Title, full.Sex, full.ActivityState, full.BirthDate = s("Misses"), s("Female"), s("Deleted"), s("1985-12-31")
	for _, p := range []**string{&full.FirstName, &full.SecondLastName, &full.NationalityCode, &full.PreferredLanguageCode, &full.LanguageCode,
		&full.BirthPlace, &full.Occupation, &full.Email, &full.Phone, &full.TaxIdentificationNumber, &full.LoyaltyCode, &full.AccountingCode,
		&full.BillingCode, &full.Notes, &full.CarRegistrationNumber, &full.DietaryRequirements, &full.ItalianDestinationCode, &full.ItalianFiscalCode} {
		*p = s(`set "<&>"`)
	}
	full.Classifications, full.Options, full.PreferredSpaceFeatures = []string{"Vip", "Blacklist"}, []string{"SendMarketingEmails"}, []string{"SeaView"}
	full.CreatedUtc = time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	full.HasOtaEmail, full.IsActive = true, true
	empty = domain.Customer{ID: "4b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", ChainID: "5b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", Number: "1", LastName: "Empty"}
	return full, empty
}

// TestDirectCustomerMatchesWire: for the demo customers, a customer with every field set, one
// with every optional field nil, empty against nil lists, and thousands of reflection-filled
// customers, appendCustomer answers json.Marshal(wireCustomer(c))'s bytes, or fails where
// that fails.
func TestDirectCustomerMatchesWire(t *testing.T) {
	full, empty := fullAndEmpty(t)
	cases := map[string]domain.Customer{"full": full, "empty": empty}
	for i, c := range demoCustomers(t) {
		cases[fmt.Sprintf("demo %d", i)] = c
	}
	emptyLists := empty
	emptyLists.Classifications, emptyLists.Options, emptyLists.PreferredSpaceFeatures = []string{}, []string{}, []string{}
	cases["empty lists"] = emptyLists
	zones := full
	zones.CreatedUtc = time.Date(2020, 5, 6, 7, 8, 9, 10, time.FixedZone("", -30)) // written +00:00
	zones.UpdatedUtc = time.Date(2020, 5, 6, 7, 8, 9, 0, time.FixedZone("zero", 0))
	cases["zones"] = zones
	for i, s := range escapingClasses {
		c := full
		c.LastName, c.Number, c.FirstName, c.Classifications = s, s, &s, []string{s, s}
		c.Passport = &domain.IdentityDocument{ID: c.ID, CustomerID: c.ID, Type: s, Number: &s}
		c.Address = &domain.Address{ID: c.ID, City: &s}
		cases[fmt.Sprintf("escaping %d", i)] = c
	}
	for name, c := range cases {
		if sameAsWire(t, name, c) {
			t.Errorf("%s: refused", name)
		}
	}

	checkFilled(t, filler{f: gofakeit.New(7), rng: rand.New(rand.NewPCG(7, 11))}, sameAsWire)
}

// checkFilled runs same (a comparison with the reference writer that reports a refusal) on
// 3000 reflection-filled customers. Both outcomes must be common, or the filler tests one of
// them only.
func checkFilled(t *testing.T, fl filler, same func(t testing.TB, name string, c domain.Customer) (refused bool)) {
	t.Helper()
	var accepted, refused int
	for i := range 3000 {
		var c domain.Customer
		fl.fill(reflect.ValueOf(&c).Elem(), "Customer")
		if same(t, fmt.Sprintf("filled %d", i), c) {
			refused++
		} else {
			accepted++
		}
	}
	t.Logf("filled customers: %d accepted, %d refused", accepted, refused)
	if accepted < 300 || refused < 300 {
		t.Fatalf("filled customers: %d accepted, %d refused; the filler is off balance", accepted, refused)
	}
}

// TestDirectCustomerRefusesWhatWireRefuses: each value the reference refuses is refused.
func TestDirectCustomerRefusesWhatWireRefuses(t *testing.T) {
	s := func(v string) *string { return &v }
	f := func(v float64) *float64 { return &v }
	_, empty := fullAndEmpty(t)
	bad := map[string]func(*domain.Customer){
		"Id not a UUID":        func(c *domain.Customer) { c.ID = "nope" },
		"empty ChainId":        func(c *domain.Customer) { c.ChainID = "" },
		"BirthDate not a date": func(c *domain.Customer) { c.BirthDate = s("1990-02-30") },
		"document CustomerId":  func(c *domain.Customer) { c.Visa = &domain.IdentityDocument{ID: c.ID, CustomerID: "x", Type: "Visa"} },
		"document Expiration": func(c *domain.Customer) {
			c.Passport = &domain.IdentityDocument{ID: c.ID, CustomerID: c.ID, Expiration: s("tomorrow")}
		},
		"Address Id":             func(c *domain.Customer) { c.Address = &domain.Address{ID: "1"} },
		"Latitude NaN":           func(c *domain.Customer) { c.Address = &domain.Address{ID: c.ID, Latitude: f(math.NaN())} },
		"Longitude infinite":     func(c *domain.Customer) { c.Address = &domain.Address{ID: c.ID, Longitude: f(math.Inf(-1))} },
		"MergeTargetId not UUID": func(c *domain.Customer) { c.MergeTargetID = s("merged") },
		"CreatedUtc year 10000":  func(c *domain.Customer) { c.CreatedUtc = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"UpdatedUtc zone 24h": func(c *domain.Customer) {
			c.UpdatedUtc = time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))
		},
	}
	for name, mutate := range bad {
		c := empty
		mutate(&c)
		if _, err := wireJSON(c); err == nil {
			t.Fatalf("%s: the reference accepts it; the case tests nothing", name)
		}
		if got, err := appendCustomer(nil, &c); err == nil {
			t.Errorf("%s: accepted: %s", name, got)
		}
	}
}

// jsonNames are the JSON property names of a struct type, in the order encoding/json writes
// them.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		if name != "-" {
			out = append(out, name)
		}
	}
	return out
}

func tableNames[T any](fields []jsonwrite.Field[T]) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.Name)
	}
	return out
}

// TestDirectWriterKnowsEveryField is the guard against a spec change the writers do not
// follow: the writers' property lists (and the envelopes' literal keys) must be the generated
// types' JSON names in the same order, and every name must need no escaping (appendObject
// writes them as they are).
func TestDirectWriterKnowsEveryField(t *testing.T) {
	for _, tc := range []struct {
		wire   any
		writer []string
	}{
		{mews.Customer{}, tableNames(customerFields)},
		{mews.IdentityDocument{}, tableNames(documentFields)},
		{mews.Address{}, tableNames(addressFields)},
		// getAllBody and searchBody write these keys literally.
		{mews.CustomerResult{}, []string{"Cursor", "Customers", "Documents"}},
		{mews.CustomerSearchResults{}, []string{"Customers", "Documents"}},
		{mews.CustomerSearchResult{}, []string{"Customer", "Reservation"}},
		{legacyapi.Customer{}, tableNames(legacyCustomerFields)},
		{legacyapi.Document{}, tableNames(legacyDocumentFields)},
		{legacyapi.Address{}, tableNames(legacyAddressFields)},
		// legacyFindBody and legacySearchBody write these keys literally.
		{legacyapi.CustomerResult{}, []string{"Customers"}},
		{legacyapi.CustomerSearchResults{}, []string{"Customers"}},
		{legacyapi.CustomerSearchResult{}, []string{"Customer", "Reservation"}},
	} {
		typ := reflect.TypeOf(tc.wire)
		if want := jsonNames(typ); !reflect.DeepEqual(tc.writer, want) {
			t.Errorf("%s: the direct writer writes %q,\nthe generated type has %q", typ.Name(), tc.writer, want)
		}
		for _, name := range tc.writer {
			if q, _ := json.Marshal(name); string(q) != `"`+name+`"` {
				t.Errorf("%s.%s needs escaping", typ.Name(), name)
			}
		}
	}
	// Every optional property of the generated Customer is a nullable the writer writes as
	// null or a value; a required one that became optional (or the reverse) changes what the
	// reference writes for a zero value, which TestDirectCustomerMatchesWire's empty case
	// catches.
}

// visit runs a response object's Visit function into a recorder.
func visit(t *testing.T, answer any) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	var err error
	switch a := answer.(type) {
	case legacyapi.CustomersAddResponseObject:
		err = a.VisitCustomersAddResponse(rec)
	case legacyapi.CustomersUpdateResponseObject:
		err = a.VisitCustomersUpdateResponse(rec)
	case legacyapi.CustomersGetAllResponseObject:
		err = a.VisitCustomersGetAllResponse(rec)
	case legacyapi.CustomersGetAllByIdsResponseObject:
		err = a.VisitCustomersGetAllByIdsResponse(rec)
	case legacyapi.CustomersGetAllByEmailsResponseObject:
		err = a.VisitCustomersGetAllByEmailsResponse(rec)
	case legacyapi.CustomersSearchResponseObject:
		err = a.VisitCustomersSearchResponse(rec)
	case mews.CustomersAddResponseObject:
		err = a.VisitCustomersAddResponse(rec)
	case mews.CustomersUpdateResponseObject:
		err = a.VisitCustomersUpdateResponse(rec)
	case mews.CustomersGetAllResponseObject:
		err = a.VisitCustomersGetAllResponse(rec)
	case mews.CustomersSearchResponseObject:
		err = a.VisitCustomersSearchResponse(rec)
	default:
		t.Fatalf("%T answers no customers operation", answer)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// sameAnswer compares two recorded answers: status, headers and body bytes.
func sameAnswer(t *testing.T, name string, got, want *httptest.ResponseRecorder) {
	t.Helper()
	if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
		t.Errorf("%s:\n got  %d %v %s\n want %d %v %s", name, got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
	}
}

// TestDirectBodiesMatchWire: the whole answers of add, update, getAll and search (status,
// headers, body) are those of the generated 200 responses built as before.
func TestDirectBodiesMatchWire(t *testing.T) {
	full, empty := fullAndEmpty(t)
	demo := demoCustomers(t)
	const reqID = "req-<1>"

	for name, c := range map[string]domain.Customer{"full": full, "empty": empty, "demo": demo[1]} {
		w, err := wireCustomer(c)
		if err != nil {
			t.Fatal(err)
		}
		body, err := customerBody(&c)
		if err != nil {
			t.Fatal(err)
		}
		sameAnswer(t, "add "+name, visit(t, customersAddAnswer{jsonAnswer{body, reqID}}),
			visit(t, mews.CustomersAdd200JSONResponse{Body: w, Headers: mews.CustomersAdd200ResponseHeaders{RequestId: reqID}}))
		sameAnswer(t, "update "+name, visit(t, customersUpdateAnswer{jsonAnswer{body, reqID}}),
			visit(t, mews.CustomersUpdate200JSONResponse{Body: w, Headers: mews.CustomersUpdate200ResponseHeaders{RequestId: reqID}}))
	}

	// getAll as it was built: toCurrentList, then the cursor recoded into the result.
	oldGetAll := func(cs []domain.Customer, cursor *string) (mews.CustomerResult, error) {
		result := mews.CustomerResult{Customers: make([]mews.Customer, 0, len(cs))}
		for _, c := range cs {
			w, err := wireCustomer(c)
			if err != nil {
				return result, err
			}
			result.Customers = append(result.Customers, w)
		}
		result.Documents.SetNull()
		result.Cursor.SetNull()
		if cursor != nil {
			if err := recode(*cursor, &result.Cursor); err != nil {
				return result, err
			}
		}
		return result, nil
	}
	s := func(v string) *string { return &v }
	for name, tc := range map[string]struct {
		cs     []domain.Customer
		cursor *string
	}{
		"nothing":            {nil, nil},
		"none with cursor":   {[]domain.Customer{}, s(demo[0].ID)},
		"demo":               {demo, s(demo[len(demo)-1].ID)},
		"upper-case cursor":  {[]domain.Customer{full, empty}, s(strings.ToUpper(full.ID))},
		"bad cursor":         {[]domain.Customer{full}, s("not-a-uuid")},
		"bad customer":       {[]domain.Customer{full, {ID: "x"}}, nil},
		"one customer":       {[]domain.Customer{full}, nil},
		"bad after the good": {[]domain.Customer{empty, full, {ID: empty.ID, ChainID: empty.ChainID, BirthDate: s("no")}}, s(full.ID)},
	} {
		result, wantErr := oldGetAll(tc.cs, tc.cursor)
		if (wantErr != nil) != strings.HasPrefix(name, "bad") {
			t.Fatalf("getAll %s: the reference's error is %v; the case does not test what it says", name, wantErr)
		}
		body, err := getAllBody(tc.cs, tc.cursor)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("getAll %s: error %v, the reference's %v", name, err, wantErr)
		}
		if err != nil {
			continue
		}
		sameAnswer(t, "getAll "+name, visit(t, customersGetAllAnswer{jsonAnswer{body, reqID}}),
			visit(t, mews.CustomersGetAll200JSONResponse{Body: result, Headers: mews.CustomersGetAll200ResponseHeaders{RequestId: reqID}}))
	}

	// search as it was built.
	oldSearch := func(found []domain.Found) (mews.CustomerSearchResults, error) {
		results := mews.CustomerSearchResults{Customers: make([]mews.CustomerSearchResult, len(found))}
		results.Documents.SetNull()
		for i, f := range found {
			c, err := wireCustomer(f.Customer)
			if err != nil {
				return results, err
			}
			results.Customers[i] = mews.CustomerSearchResult{Customer: c}
			results.Customers[i].Reservation.SetNull()
			if f.Reservation != nil {
				var res mews.Reservation
				if err := recode(f.Reservation.Current, &res); err != nil {
					return results, err
				}
				results.Customers[i].Reservation.Set(res)
			}
		}
		return results, nil
	}
	stay := &domain.Reservation{ID: "r", Current: json.RawMessage(`{"Id":"bfee2c44-1f84-4326-a862-5289598f6e2d","Number":"5<2>&","State":"Started",
		"ChannelManager":"a\u2028b","CreatedUtc":"2026-03-10T10:00:00+01:00","StartUtc":"2026-03-13T14:00:00Z","AssignedResourceLocked":false,"AdultCount":2}`)}
	broken := &domain.Reservation{ID: "r", Current: json.RawMessage(`{"Id":"not a uuid"}`)}
	for name, found := range map[string][]domain.Found{
		"nothing":          nil,
		"without stays":    {{Customer: full}, {Customer: empty}},
		"with a stay":      {{Customer: empty, Reservation: stay}, {Customer: demo[2]}, {Customer: full, Reservation: stay}},
		"broken stay":      {{Customer: empty, Reservation: broken}},
		"bad customer":     {{Customer: domain.Customer{ID: "x"}}},
		"bad after a stay": {{Customer: full, Reservation: stay}, {Customer: domain.Customer{ID: full.ID}}},
	} {
		results, wantErr := oldSearch(found)
		if (wantErr != nil) != (strings.HasPrefix(name, "bad") || strings.HasPrefix(name, "broken")) {
			t.Fatalf("search %s: the reference's error is %v; the case does not test what it says", name, wantErr)
		}
		body, err := searchBody(found)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("search %s: error %v, the reference's %v", name, err, wantErr)
		}
		if err != nil {
			continue
		}
		sameAnswer(t, "search "+name, visit(t, customersSearchAnswer{jsonAnswer{body, reqID}}),
			visit(t, mews.CustomersSearch200JSONResponse{Body: results, Headers: mews.CustomersSearch200ResponseHeaders{RequestId: reqID}}))
	}
}

// FuzzDirectCustomer puts the fuzzer's strings into a customer's string fields (free text,
// ids, dates, list items, a document and the address) and its number into the coordinates:
// appendCustomer must answer the reference's bytes or fail where it fails.
func FuzzDirectCustomer(f *testing.F) {
	f.Add("Smith", "fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "1990-01-31", "Vip", 50.08)
	f.Add("<a href=\"x\">&\u2028\x00\xff", "FADD5BB6-B428-45D5-94F8-FD0D89FECE6D", "1990-02-30", "", 1e-7)
	f.Add("", "{fadd5bb6-b428-45d5-94f8-fd0d89fece6d}", "", "\\", math.Inf(1))
	f.Add("日本\t\n", "urn:uuid:fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "0000-01-01", "\x7f\ufffd", 1e21)
	full, _ := fullAndEmpty(f)
	f.Fuzz(func(t *testing.T, text, id, date, item string, num float64) {
		c := full
		c.LastName, c.Number, c.FirstName, c.Notes, c.Email = text, item, &text, &item, &text
		c.ID, c.CompanyID, c.BirthDate = id, &id, &date
		c.Classifications, c.Options = []string{text, item}, []string{}
		c.Passport = &domain.IdentityDocument{ID: full.ID, CustomerID: id, Type: item, Number: &text, Expiration: &date}
		c.Address = &domain.Address{ID: full.ID, Line1: &text, City: &item, Latitude: &num}
		sameAsWire(t, "fuzzed", c)
	})
}

// BenchmarkEncodeGetAll measures writing the body of a getAll answer with one customer (the
// load test's request) and with the page of demo customers: before (wireCustomer and the
// generated type's json.Encoder) and after (the direct writer).
func BenchmarkEncodeGetAll(b *testing.B) {
	demo := demoCustomers(b)
	one := []domain.Customer{demo[0]}
	for _, tc := range []struct {
		name string
		cs   []domain.Customer
	}{{"one", one}, {"demo page", demo}} {
		cursor := &tc.cs[len(tc.cs)-1].ID
		b.Run(tc.name+"/wire+encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				result := mews.CustomerResult{Customers: make([]mews.Customer, 0, len(tc.cs))}
				for _, c := range tc.cs {
					w, err := wireCustomer(c)
					if err != nil {
						b.Fatal(err)
					}
					result.Customers = append(result.Customers, w)
				}
				result.Documents.SetNull()
				if err := recode(*cursor, &result.Cursor); err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				if err := json.NewEncoder(&buf).Encode(result); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := getAllBody(tc.cs, cursor); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

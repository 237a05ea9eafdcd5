package erin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

const (
	pathAuthenticate = "/erin/api/customer/authenticate"
	pathDetails      = "/erin/api/customer/details"
	pathStatement    = "/erin/api/customer/statement"
	pathPayment      = "/erin/api/customer/payment"
	pathDocuments    = "/erin/api/customer/documents"
	pathBookings     = "/erin/api/customer/booking/list"
	pathAddress      = "/erin/api/passenger/address/store"
	pathDocument     = "/erin/api/passenger/document/store"
	pathLoyalty      = "/erin/api/passenger/loyalty/store"
	pathMedical      = "/erin/api/passenger/medical/store"
	pathNotes        = "/erin/api/passenger/notes/store"

	// nowStamp is servertest's fixed clock as Erin answers it.
	nowStamp = "2026-03-14T09:26:53.000Z"
	nowLocal = "2026-03-14T09:26:53"
)

func start(t *testing.T, opts servertest.Options) *servertest.Server {
	t.Helper()
	return servertest.New(t, func(st *store.Store) []apidef.API {
		spec, err := openapi.Bytes(erin.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := openapi.Load(context.Background(), erin.ID)
		if err != nil {
			t.Fatal(err)
		}
		api, err := erin.Define(st, spec, doc)
		if err != nil {
			t.Fatal(err)
		}
		return []apidef.API{api}
	}, opts)
}

type creds struct{ email, password string }

var (
	jon   = creds{erin.DemoEmail, erin.DemoPassword}
	amira = creds{erin.OtherDemoEmail, erin.OtherDemoPassword}
)

// msg is a message of the given customer: the seed's envelope, authenticate and fields.
func msg(c creds, fields map[string]any) map[string]any {
	m := map[string]any{
		"timeStamp":    "2022-11-08T15:12:37.329Z",
		"channel":      0,
		"authenticate": map[string]any{"email": c.email, "password": c.password, "type": "B2C"},
	}
	maps.Copy(m, fields)
	return m
}

func post(t *testing.T, s *servertest.Server, path string, body any) servertest.Response {
	t.Helper()
	return s.Do(http.MethodPost, path, nil, body)
}

// expect checks the status and the envelope's success flag and returns the decoded body.
func expect(t *testing.T, r servertest.Response, status int) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	body := r.JSON(t)
	if ok, _ := body["success"].(bool); ok != (status == http.StatusOK) {
		t.Fatalf("success %v with status %d: %s", body["success"], status, r.Body)
	}
	if body["timeStamp"] != nowStamp {
		t.Errorf("timeStamp %v, want the server's %s", body["timeStamp"], nowStamp)
	}
	return body
}

type apiError struct{ Code, Message, Field string }

func errorsOf(t *testing.T, body map[string]any) []apiError {
	t.Helper()
	data, _ := json.Marshal(body["errors"])
	var out []apiError
	if err := json.Unmarshal(data, &out); err != nil || len(out) == 0 {
		t.Fatalf("no errors in failure envelope: %v", body)
	}
	return out
}

// expectError checks a failure: status, and one error with code at field.
func expectError(t *testing.T, r servertest.Response, status int, code, field string) []apiError {
	t.Helper()
	errs := errorsOf(t, expect(t, r, status))
	for _, e := range errs {
		if e.Code == code && e.Field == field {
			return errs
		}
	}
	t.Fatalf("errors %+v lack code %s at %q", errs, code, field)
	return nil
}

// jsonOf re-encodes a decoded value, for comparing structures.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func equalJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want JSON for %s: %v", what, err)
	}
	if !reflect.DeepEqual(normal(t, got), w) {
		t.Errorf("%s:\n got %s\nwant %s", what, jsonOf(t, got), jsonOf(t, w))
	}
}

func normal(t *testing.T, v any) any {
	var out any
	_ = json.Unmarshal([]byte(jsonOf(t, v)), &out)
	return out
}

func details(t *testing.T, s *servertest.Server, c creds, fields map[string]any) map[string]any {
	t.Helper()
	body := expect(t, post(t, s, pathDetails, msg(c, fields)), http.StatusOK)
	list, _ := body["customerDetails"].([]any)
	if len(list) != 1 {
		t.Fatalf("customerDetails %v, want one customer", body["customerDetails"])
	}
	return list[0].(map[string]any)
}

func statementOf(t *testing.T, s *servertest.Server, c creds) []any {
	t.Helper()
	body := expect(t, post(t, s, pathStatement, msg(c, nil)), http.StatusOK)
	list, _ := body["customerStatementDetails"].([]any)
	return list
}

// seedJonSmith is the seed's customer-details answer for Jon Smith (its stray text repaired),
// except noBookings: paxkit's demo Jon has one booking (the one the seed's statement shows)
// and one quote, so the count is 1, not the seed's 7.
const seedJonSmith = `{
  "id": 57, "reference": "C96NGFPQ", "name": "Jon Smith", "customerType": "DIRECT", "deleted": false,
  "primaryDetail": {
    "addresses": [{"id": 5052, "addr1": "12 Example Close", "addr2": "Town", "city": "City", "postCode": "PR9 0PO", "country": "United Kingdom", "preferred": true}],
    "contacts": [
      {"id": 8005, "type": "EMAIL", "preferred": true, "data": "exampleCustomerEmail@email.com"},
      {"id": 8006, "type": "PHONE", "preferred": true, "data": "01632 960076"}],
    "loyaltyCards": [{"id": 652, "supplier": "EK", "number": "217234"}],
    "medicalDetails": [{"id": 502, "medicalInformation": "Has a history of Fainting"}],
    "notes": [{"id": 702, "body": "Has a speech impediment suggest we chat to him using facetime", "creationDateTime": "2019-01-30T15:44:20", "type": "INTERNAL", "html": false, "createdBy": "Mr Alan Creator", "mandatory": false}],
    "customerDetails": {"id": 57, "reference": "C96NGFPQ", "name": "Jon Smith", "customerType": "DIRECT", "deleted": false, "noBookings": 0, "enabled": true, "language": "EN", "currency": "GBP", "locked": false, "passwordChangeRequired": false},
    "id": 8558, "title": "Mr", "familyName": "Smith", "givenName": "Jon", "genderId": 2, "type": "ADULT", "emailList": true,
    "gdprContactByEmail": false, "gdprContactByMail": false, "gdprContactByPhone": false, "gdprContactBySms": false, "gdprHoldInformation": false
  },
  "noBookings": 1, "enabled": true, "language": "EN", "currency": "GBP", "locked": false, "passwordChangeRequired": false
}`

// seedStatement is the seed's statement entry for booking 23345.
const seedStatement = `[{
  "bookingId": 23345, "bookingReference": "68538", "bookingDate": "2019-11-18T13:40:46", "departureDate": "2019-11-24",
  "leadName": "Jon Smith", "bookingCost": 2127.37, "totalPayment": 2007.37,
  "paymentDetails": [
    {"amount": 150.00, "currencyCode": "GBP", "description": "Cash deposit", "language": "EN", "transactionReference": "Cash deposit", "transactionDateTime": "2019-12-03T15:55:48"},
    {"amount": 400.00, "currencyCode": "GBP", "description": "Second instalment", "language": "EN", "transactionReference": "Second instalment", "transactionDateTime": "2019-12-09T14:17:13"},
    {"amount": 100.00, "currencyCode": "GBP", "description": "Balance of second instalment", "language": "EN", "transactionReference": "Balance of second instalment", "transactionDateTime": "2019-12-09T14:18:54"},
    {"amount": -50.00, "currencyCode": "GBP", "description": "Cash refund", "language": "EN", "transactionReference": "Cash refund", "transactionDateTime": "2019-12-09T14:48:29"},
    {"amount": 550.00, "currencyCode": "GBP", "description": "Part payment", "language": "EN", "transactionReference": "UGO8A64K", "transactionDateTime": "2020-01-06T16:33:01"},
    {"amount": -250.00, "currencyCode": "GBP", "description": "Refund", "language": "EN", "transactionReference": "Refund", "transactionDateTime": "2020-01-08T13:10:42"},
    {"amount": 300.00, "currencyCode": "GBP", "description": "Cheque payment", "language": "EN", "transactionReference": "Cheque payment ", "transactionDateTime": "2020-01-08T13:13:25"},
    {"amount": 927.37, "currencyCode": "GBP", "description": "Balance", "language": "EN", "transactionReference": "Balance", "transactionDateTime": "2020-01-08T13:18:45"},
    {"amount": -120.00, "currencyCode": "GBP", "description": "Cash refund", "language": "EN", "transactionReference": "Cash refund", "transactionDateTime": "2020-01-08T13:19:58"}
  ]
}]`

// seedPayment is the seed's payment message (its missing comma repaired).
func seedPayment(c creds, bookingID int, amount float64) map[string]any {
	return msg(c, map[string]any{
		"transactionType": "STORE",
		"customerPaymentDetails": map[string]any{
			"cardAuthorisationCode": "73636", "cardPaymentReference": "2358764091", "cardTrailingDigits": "3445",
			"paymentType": "CARD", "cardType": "VISA", "currencyCode": "GBP", "transactionDateTime": "2022-11-08T15:12:37",
			"items": map[string]any{"bookingId": bookingID, "amount": amount},
		},
	})
}

// TestSeedMessages sends every message of seed 004 to a fresh server, in the seed's order.
func TestSeedMessages(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})

	auth := expect(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusOK)
	equalJSON(t, "authenticate answer", auth, `{"timeStamp":"`+nowStamp+`","channel":0,"success":true}`)

	body := expect(t, post(t, s, pathDetails, msg(jon, map[string]any{
		"currency": "GBP", "language": "EN", "timeStamp": "2019-09-02T18:58:47.512Z", "reference": "C96NGFPQ",
		"includeBookings": false, "includePassengers": false, "includeNotes": true, "includeDiscounts": true, "includeBookingCount": true,
	})), http.StatusOK)
	if body["currency"] != "GBP" || body["language"] != "EN" || body["channel"] != 0.0 {
		t.Errorf("envelope %v: want currency, language and channel echoed", body)
	}
	equalJSON(t, "customer details", body["customerDetails"], "["+seedJonSmith+"]")

	st := expect(t, post(t, s, pathStatement, msg(jon, nil)), http.StatusOK)
	equalJSON(t, "statement", st["customerStatementDetails"], seedStatement)
	if st["currencyCode"] != "GBP" {
		t.Errorf("statement currencyCode %v, want the account's GBP", st["currencyCode"])
	}

	paid := expect(t, post(t, s, pathPayment, seedPayment(jon, erin.DemoBookingID, 258.75)), http.StatusOK)
	equalJSON(t, "payment answer", paid, `{"timeStamp":"`+nowStamp+`","channel":0,"success":true,"affectedIds":[39393]}`)

	after := statementOf(t, s, jon)[0].(map[string]any)
	if after["totalPayment"] != 2266.12 {
		t.Errorf("totalPayment after the payment %v, want 2007.37 + 258.75 = 2266.12", after["totalPayment"])
	}
	pays := after["paymentDetails"].([]any)
	equalJSON(t, "stored payment", pays[len(pays)-1], `{"amount":258.75,"currencyCode":"GBP",
		"description":"Card payment, VISA ending 3445","language":"EN","transactionReference":"2358764091",
		"transactionDateTime":"2022-11-08T15:12:37"}`)
}

// TestStatementAddsUp: the total is the exact sum of the payments, whatever was lodged.
func TestStatementAddsUp(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	for _, amount := range []float64{0.1, 0.2, 0.3, 19.99} {
		expect(t, post(t, s, pathPayment, seedPayment(jon, erin.DemoBookingID, amount)), http.StatusOK)
	}
	entry := statementOf(t, s, jon)[0].(map[string]any)
	if entry["totalPayment"] != 2027.96 {
		t.Errorf("totalPayment %v, want 2007.37+0.1+0.2+0.3+19.99 = 2027.96", entry["totalPayment"])
	}
	if n := len(entry["paymentDetails"].([]any)); n != 13 {
		t.Errorf("%d payments, want 9 + 4", n)
	}
}

func TestIncludeFlags(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	addDiscount(t, s)
	tests := []struct {
		flag string
		key  string // where the flag shows
	}{
		{"includeBookings", "bookings"},
		{"includePassengers", "passengers"},
		{"includeDiscounts", "discounts"},
		{"includeNotes", "notes"},
		{"includeBookingCount", "noBookings"},
	}
	for _, tc := range tests {
		t.Run(tc.flag, func(t *testing.T) {
			for _, on := range []bool{true, false} {
				c := details(t, s, jon, map[string]any{tc.flag: on})
				var got any
				switch tc.key {
				case "notes":
					got = c["primaryDetail"].(map[string]any)["notes"]
				case "noBookings":
					got = c["noBookings"]
					if want := map[bool]float64{true: 1, false: 0}[on]; got != want {
						t.Errorf("%s=%v: noBookings %v, want %v (bookings, not quotes)", tc.flag, on, got, want)
					}
					continue
				default:
					got = c[tc.key]
				}
				if (got != nil) != on {
					t.Errorf("%s=%v: %s is %v", tc.flag, on, tc.key, got)
				}
			}
		})
	}
	c := details(t, s, jon, map[string]any{"includeBookings": true, "includePassengers": true})
	var refs []string
	for _, b := range c["bookings"].([]any) {
		refs = append(refs, b.(map[string]any)["bookingReference"].(string))
	}
	if !slices.Equal(refs, []string{"70114", "68538"}) {
		t.Errorf("bookings %v, want the quote and the booking, newest first", refs)
	}
	passengers := c["passengers"].([]any)
	if len(passengers) != 1 || passengers[0].(map[string]any)["givenName"] != "Jane" {
		t.Errorf("passengers %v, want Jane Smith (the primary passenger is in primaryDetail)", passengers)
	}
}

// addDiscount gives Jon a discount through the admin import (the demo has none, like the seed).
func addDiscount(t *testing.T, s *servertest.Server) {
	t.Helper()
	exported := s.Do(http.MethodGet, "/_paxkit/export", nil, nil)
	var fx struct {
		State map[string]map[string][]map[string]any `json:"state"`
	}
	if err := json.Unmarshal(exported.Body, &fx); err != nil {
		t.Fatal(err)
	}
	customers := fx.State["erin.customers"]
	customers[erin.DemoCustomerReference][0]["discounts"] = []any{map[string]any{
		"id": 31, "code": "LOYAL10", "description": "Returning customer discount", "type": "PERCENTAGE", "value": 10,
		"validFrom": "2022-01-01", "validTo": "2023-12-31"}}
	r := s.Do(http.MethodPost, "/_paxkit/import", nil, map[string]any{"state": map[string]any{"erin.customers": customers}})
	if r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	tests := []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"wrong password", msg(creds{erin.DemoEmail, "nope"}, nil), 401, "AUTHENTICATION_FAILED", ""},
		{"unknown email", msg(creds{"who@example.com", erin.DemoPassword}, nil), 401, "AUTHENTICATION_FAILED", ""},
		{"no authenticate", map[string]any{"channel": 0}, 401, "AUTHENTICATION_REQUIRED", "/authenticate"},
		{"authenticate without password", map[string]any{"authenticate": map[string]any{"email": erin.DemoEmail, "type": "B2C"}}, 400, "REQUIRED", "/authenticate/password"},
		{"agent login", map[string]any{"authenticate": map[string]any{"email": erin.DemoEmail, "password": erin.DemoPassword, "type": "B2B"}}, 400, "INVALID_VALUE", "/authenticate/type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{pathAuthenticate, pathDetails, pathStatement} {
				expectError(t, post(t, s, path, tc.body), tc.status, tc.code, tc.field)
			}
		})
	}
	t.Run("email ignores case", func(t *testing.T) {
		expect(t, post(t, s, pathAuthenticate, msg(creds{strings.ToUpper(erin.DemoEmail), erin.DemoPassword}, nil)), http.StatusOK)
	})
}

// accountFixtures are the demo customers with Jon's account changed by edit, and Jon's login
// locking after lockAfter wrong passwords (0: the default).
func accountFixtures(t *testing.T, edit func(c map[string]any), lockAfter int) *server.Fixtures {
	t.Helper()
	s := start(t, servertest.Options{})
	var fx server.Fixtures
	if err := json.Unmarshal(s.Do(http.MethodGet, "/_paxkit/export", nil, nil).Body, &fx); err != nil {
		t.Fatal(err)
	}
	raw := fx.State["erin.customers"][erin.DemoCustomerReference][0]
	var c map[string]any
	_ = json.Unmarshal(raw, &c)
	edit(c)
	data, _ := json.Marshal(c)
	fx.State["erin.customers"][erin.DemoCustomerReference][0] = data
	if lockAfter > 0 {
		for i, tn := range fx.Tenants["erin"] {
			if tn.ID == erin.DemoCustomerReference {
				fx.Tenants["erin"][i].Properties = map[string]any{"maxFailedLogins": float64(lockAfter)}
			}
		}
	}
	return &fx
}

func TestDisabledAndLockedAccounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(c map[string]any)
		code string
	}{
		{"disabled", func(c map[string]any) { c["enabled"] = false }, "ACCOUNT_DISABLED"},
		{"locked", func(c map[string]any) { c["locked"] = true }, "ACCOUNT_LOCKED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, servertest.Options{Fixtures: accountFixtures(t, tc.edit, 0)})
			for _, path := range []string{pathAuthenticate, pathDetails, pathStatement, pathBookings} {
				expectError(t, post(t, s, path, msg(jon, nil)), http.StatusForbidden, tc.code, "")
			}
			// A wrong password still answers 401: the account state is shown only to its owner.
			expectError(t, post(t, s, pathAuthenticate, msg(creds{erin.DemoEmail, "nope"}, nil)), http.StatusUnauthorized, "AUTHENTICATION_FAILED", "")
			// The other customer is not affected.
			expect(t, post(t, s, pathAuthenticate, msg(amira, nil)), http.StatusOK)
		})
	}
	t.Run("deleted", func(t *testing.T) {
		s := start(t, servertest.Options{Fixtures: accountFixtures(t, func(c map[string]any) { c["deleted"] = true }, 0)})
		expectError(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusUnauthorized, "AUTHENTICATION_FAILED", "")
	})
}

func TestLockoutAfterWrongPasswords(t *testing.T) {
	t.Parallel()
	wrong := msg(creds{erin.DemoEmail, "nope"}, nil)
	t.Run("the configured count locks", func(t *testing.T) {
		s := start(t, servertest.Options{Fixtures: accountFixtures(t, func(map[string]any) {}, 3)})
		for range 2 {
			expectError(t, post(t, s, pathAuthenticate, wrong), 401, "AUTHENTICATION_FAILED", "")
		}
		expect(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusOK)
		// The right password ended the run: three more wrong ones are needed.
		for range 3 {
			expectError(t, post(t, s, pathAuthenticate, wrong), 401, "AUTHENTICATION_FAILED", "")
		}
		expectError(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusForbidden, "ACCOUNT_LOCKED", "")
		expectError(t, post(t, s, pathDetails, msg(jon, nil)), http.StatusForbidden, "ACCOUNT_LOCKED", "")
		expect(t, post(t, s, pathAuthenticate, msg(amira, nil)), http.StatusOK)
	})
	t.Run("the default is five", func(t *testing.T) {
		s := start(t, servertest.Options{})
		for range 4 {
			expectError(t, post(t, s, pathAuthenticate, wrong), 401, "AUTHENTICATION_FAILED", "")
		}
		expect(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusOK)
		for range 5 {
			expectError(t, post(t, s, pathAuthenticate, wrong), 401, "AUTHENTICATION_FAILED", "")
		}
		expectError(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusForbidden, "ACCOUNT_LOCKED", "")
	})
	t.Run("a reset unlocks", func(t *testing.T) {
		s := start(t, servertest.Options{Fixtures: accountFixtures(t, func(map[string]any) {}, 1)})
		expectError(t, post(t, s, pathAuthenticate, wrong), 401, "AUTHENTICATION_FAILED", "")
		expectError(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusForbidden, "ACCOUNT_LOCKED", "")
		if r := s.Do(http.MethodPost, "/_paxkit/reset", nil, nil); r.Status != http.StatusOK {
			t.Fatalf("reset: %d %s", r.Status, r.Body)
		}
		expect(t, post(t, s, pathAuthenticate, msg(jon, nil)), http.StatusOK)
	})
}

func TestBadLockoutSetting(t *testing.T) {
	t.Parallel()
	for _, v := range []any{0, 2.5, "3", -1} {
		fx := fmt.Sprintf(`{"tenants":{"erin":[{"id":"C96NGFPQ","credentials":{"email":"a@x.io","passwordBcrypt":"$2a$04$SQQr/ZkPRKvR4hBmAiQWTeNqkliJs8lwXQWSxiMHHh8OGdIbaslyi"},"properties":{"maxFailedLogins":%s}}]}}`, jsonOf(t, v))
		s := start(t, servertest.Options{})
		r := s.Do(http.MethodPost, "/_paxkit/import", nil, fx)
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "maxFailedLogins") {
			t.Errorf("maxFailedLogins %v: import answered %d %s, want 400 naming the property", v, r.Status, r.Body)
		}
	}
}

// TestOwnDataOnly: a customer cannot read or change another customer's records.
func TestOwnDataOnly(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	address := map[string]any{"addr1": "1 High St", "country": "United Kingdom"}
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"details of another customer", pathDetails, map[string]any{"reference": erin.OtherDemoCustomerReference}, 403, "FORBIDDEN", "/reference"},
		{"details of an unknown customer", pathDetails, map[string]any{"reference": "CZZZZZZZ"}, 404, "NOT_FOUND", "/reference"},
		{"payment to another customer's booking", pathPayment, seedPayment(jon, erin.OtherDemoBookingID, 10), 403, "FORBIDDEN", "/customerPaymentDetails/items/bookingId"},
		{"payment to an unknown booking", pathPayment, seedPayment(jon, 999999, 10), 404, "NOT_FOUND", "/customerPaymentDetails/items/bookingId"},
		{"documents of another customer's booking", pathDocuments, map[string]any{"bookingId": erin.OtherDemoBookingID}, 403, "FORBIDDEN", "/bookingId"},
		{"documents of an unknown booking", pathDocuments, map[string]any{"bookingId": 999999}, 404, "NOT_FOUND", "/bookingId"},
		{"address of another customer's passenger", pathAddress, map[string]any{"passengerId": erin.OtherDemoPassengerID, "address": address}, 403, "FORBIDDEN", "/passengerId"},
		{"address of an unknown passenger", pathAddress, map[string]any{"passengerId": 999999, "address": address}, 404, "NOT_FOUND", "/passengerId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			if _, ok := body["authenticate"]; !ok {
				body = msg(jon, tc.body)
			}
			expectError(t, post(t, s, tc.path, body), tc.status, tc.code, tc.field)
		})
	}
	// Nothing of Amira's changed, and each customer sees only their own records.
	st := statementOf(t, s, amira)
	if len(st) != 1 || st[0].(map[string]any)["totalPayment"] != 845.0 {
		t.Errorf("Amira's statement %v, want her one booking, fully paid, unchanged", st)
	}
	for _, c := range []struct {
		who  creds
		want []float64
	}{{jon, []float64{24102, 23345}}, {amira, []float64{23980}}} {
		body := expect(t, post(t, s, pathBookings, msg(c.who, nil)), http.StatusOK)
		var ids []float64
		for _, b := range body["customerBookings"].([]any) {
			ids = append(ids, b.(map[string]any)["bookingId"].(float64))
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("%s's bookings %v, want %v", c.who.email, ids, c.want)
		}
	}
	if ref := details(t, s, amira, nil)["reference"]; ref != erin.OtherDemoCustomerReference {
		t.Errorf("Amira's details are of %v", ref)
	}
	// Her own reference is fine.
	details(t, s, amira, map[string]any{"reference": erin.OtherDemoCustomerReference})
}

func TestEnvelope(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	echo := map[string]any{"echoToken": "tok-1", "transactionIdentifier": "tx-9", "currency": "GBP", "language": "DE", "channel": 3}
	t.Run("echoed on success", func(t *testing.T) {
		for _, path := range []string{pathAuthenticate, pathDetails, pathStatement, pathDocuments, pathBookings} {
			body := expect(t, post(t, s, path, msg(jon, echo)), http.StatusOK)
			for k, v := range echo {
				if fmt.Sprint(body[k]) != fmt.Sprint(v) {
					t.Errorf("%s: %s %v, want %v echoed", path, k, body[k], v)
				}
			}
		}
	})
	t.Run("echoed on failure", func(t *testing.T) {
		body := expect(t, post(t, s, pathDetails, msg(creds{erin.DemoEmail, "nope"}, echo)), http.StatusUnauthorized)
		if body["echoToken"] != "tok-1" || body["transactionIdentifier"] != "tx-9" {
			t.Errorf("failure envelope %v, want echoToken and transactionIdentifier echoed", body)
		}
	})
	t.Run("not echoed when not given", func(t *testing.T) {
		body := expect(t, post(t, s, pathStatement, msg(jon, nil)), http.StatusOK)
		for _, k := range []string{"echoToken", "transactionIdentifier", "currency", "language"} {
			if _, ok := body[k]; ok {
				t.Errorf("%s answered without being sent: %v", k, body)
			}
		}
	})
	t.Run("every problem listed", func(t *testing.T) {
		r := post(t, s, pathDetails, msg(jon, map[string]any{"currency": "gbp", "language": "english", "channel": -1, "timeStamp": "yesterday", "includeNotes": "yes"}))
		errs := errorsOf(t, expect(t, r, http.StatusBadRequest))
		var fields []string
		for _, e := range errs {
			fields = append(fields, e.Field)
		}
		slices.Sort(fields)
		want := []string{"/channel", "/currency", "/includeNotes", "/language", "/timeStamp"}
		if !slices.Equal(fields, want) {
			t.Errorf("fields %v, want %v", fields, want)
		}
	})
	t.Run("zone-less timeStamp accepted", func(t *testing.T) {
		expect(t, post(t, s, pathAuthenticate, msg(jon, map[string]any{"timeStamp": "2019-09-02T18:58:48"})), http.StatusOK)
	})
}

func TestPaymentRules(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	before := jsonOf(t, statementOf(t, s, jon))
	tests := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"against a quote", seedPayment(jon, erin.DemoQuoteID, 10), []string{"/customerPaymentDetails/items/bookingId"}},
		{"three decimals", seedPayment(jon, erin.DemoBookingID, 10.005), []string{"/customerPaymentDetails/items/amount"}},
		{"too large", seedPayment(jon, erin.DemoBookingID, 2e9), []string{"/customerPaymentDetails/items/amount"}},
		{"zero", seedPayment(jon, erin.DemoBookingID, 0), []string{"/customerPaymentDetails/items/amount"}},
		{"other currency and three decimals", func() map[string]any {
			m := seedPayment(jon, erin.DemoBookingID, 1.001)
			m["customerPaymentDetails"].(map[string]any)["currencyCode"] = "EUR"
			return m
		}(), []string{"/customerPaymentDetails/currencyCode", "/customerPaymentDetails/items/amount"}},
		{"bad card digits and no items", func() map[string]any {
			m := seedPayment(jon, erin.DemoBookingID, 1)
			d := m["customerPaymentDetails"].(map[string]any)
			d["cardTrailingDigits"] = "34451"
			delete(d, "items")
			return m
		}(), []string{"/customerPaymentDetails/cardTrailingDigits", "/customerPaymentDetails/items"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := errorsOf(t, expect(t, post(t, s, pathPayment, tc.body), http.StatusBadRequest))
			var fields []string
			for _, e := range errs {
				fields = append(fields, e.Field)
			}
			slices.Sort(fields)
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("fields %v, want %v: %+v", fields, tc.fields, errs)
			}
		})
	}
	if after := jsonOf(t, statementOf(t, s, jon)); after != before {
		t.Errorf("refused payments changed the statement:\n%s\n%s", before, after)
	}
	t.Run("lodged without a time or reference", func(t *testing.T) {
		m := seedPayment(jon, erin.DemoBookingID, 5)
		d := m["customerPaymentDetails"].(map[string]any)
		delete(d, "transactionDateTime")
		delete(d, "cardPaymentReference")
		expect(t, post(t, s, pathPayment, m), http.StatusOK)
		pays := statementOf(t, s, jon)[0].(map[string]any)["paymentDetails"].([]any)
		last := pays[len(pays)-1].(map[string]any)
		if last["transactionDateTime"] != nowLocal || last["transactionReference"] != "73636" {
			t.Errorf("payment %v: want the server's time and the authorisation code", last)
		}
	})
}

// TestPassengerStores adds a record of each kind, reads it back, updates it by id, and
// refuses an id the passenger does not hold.
func TestPassengerStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, key, list string
		added, updated  map[string]any
		wantID          float64 // the id paxkit gives the first added record
		existingID      float64
	}{
		{pathAddress, "address", "addresses",
			map[string]any{"addr1": "4 Harbour View", "city": "Southport", "postCode": "PR8 1QX", "country": "United Kingdom", "preferred": false},
			map[string]any{"addr1": "5 Harbour View", "country": "United Kingdom"}, 5061, 5052},
		{pathDocument, "document", "documents",
			map[string]any{"type": "PASSPORT", "number": "925076473", "issuingCountry": "GBR", "nationality": "GBR", "issueDate": "2018-04-12",
				"expiryDate": "2028-04-12", "givenName": "Jon", "familyName": "Smith", "dateOfBirth": "1979-06-21", "gender": "M"},
			map[string]any{"type": "ID_CARD", "number": "X1", "issuingCountry": "IRL"}, 911, 0},
		{pathLoyalty, "loyaltyCard", "loyaltyCards",
			map[string]any{"supplier": "BA", "number": "40218766"},
			map[string]any{"supplier": "BA", "number": "40218767"}, 653, 652},
		{pathMedical, "medicalDetail", "medicalDetails",
			map[string]any{"medicalInformation": "Diabetic"},
			map[string]any{"medicalInformation": "Diabetic; carries insulin"}, 503, 502},
		{pathNotes, "note", "notes",
			map[string]any{"body": "Prefers an aisle seat on long-haul flights", "type": "EXTERNAL", "html": false, "mandatory": false},
			map[string]any{"body": "Prefers a window seat"}, 703, 702},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			s := start(t, servertest.Options{})
			store := func(passenger float64, rec map[string]any) servertest.Response {
				return post(t, s, tc.path, msg(jon, map[string]any{"passengerId": passenger, tc.key: rec, "echoToken": "st"}))
			}
			added := expect(t, store(erin.DemoPassengerID, tc.added), http.StatusOK)
			equalJSON(t, "add answer", added, fmt.Sprintf(`{"timeStamp":%q,"channel":0,"echoToken":"st","success":true,"affectedIds":[%v]}`, nowStamp, tc.wantID))
			read := func() []any {
				c := details(t, s, jon, map[string]any{"includeNotes": true})
				list, _ := c["primaryDetail"].(map[string]any)[tc.list].([]any)
				return list
			}
			find := func(id float64) map[string]any {
				for _, r := range read() {
					if r.(map[string]any)["id"] == id {
						return r.(map[string]any)
					}
				}
				return nil
			}
			got := find(tc.wantID)
			if got == nil {
				t.Fatalf("added record %v not in the details: %v", tc.wantID, read())
			}
			for k, v := range tc.added {
				if got[k] != v {
					t.Errorf("added %s = %v, want %v", k, got[k], v)
				}
			}
			n := len(read())

			upd := maps.Clone(tc.updated)
			upd["id"] = tc.wantID
			equalJSON(t, "update answer", expect(t, store(erin.DemoPassengerID, upd), http.StatusOK)["affectedIds"], fmt.Sprintf("[%v]", tc.wantID))
			got = find(tc.wantID)
			for k, v := range tc.updated {
				if got[k] != v {
					t.Errorf("updated %s = %v, want %v", k, got[k], v)
				}
			}
			if len(read()) != n {
				t.Errorf("an update changed the number of records: %d, want %d", len(read()), n)
			}

			unknown := maps.Clone(tc.updated)
			unknown["id"] = 424242
			expectError(t, store(erin.DemoPassengerID, unknown), http.StatusNotFound, "NOT_FOUND", "/"+tc.key+"/id")
			// A record of Jon's is not a record of Jane's.
			if tc.existingID != 0 {
				mine := maps.Clone(tc.updated)
				mine["id"] = tc.existingID
				expectError(t, store(erin.DemoSecondPassengerID, mine), http.StatusNotFound, "NOT_FOUND", "/"+tc.key+"/id")
			}
			expectError(t, store(erin.OtherDemoPassengerID, tc.added), http.StatusForbidden, "FORBIDDEN", "/passengerId")
			expectError(t, store(31337, tc.added), http.StatusNotFound, "NOT_FOUND", "/passengerId")
			// An empty record: every required field is listed, each with its pointer.
			errs := errorsOf(t, expect(t, store(erin.DemoPassengerID, map[string]any{}), http.StatusBadRequest))
			for _, e := range errs {
				if e.Code != "REQUIRED" || !strings.HasPrefix(e.Field, "/"+tc.key+"/") {
					t.Errorf("empty %s: error %+v, want REQUIRED below /%s", tc.key, e, tc.key)
				}
			}
			if len(errs) != len(tc.updated) {
				t.Errorf("empty %s: %d errors, want one per required field (%d)", tc.key, len(errs), len(tc.updated))
			}
			if len(read()) != n {
				t.Errorf("refused stores changed the records")
			}
			// The other passenger can hold records too.
			expect(t, store(erin.DemoSecondPassengerID, tc.added), http.StatusOK)
		})
	}
}

func TestStoredNoteAndAddressRules(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	expect(t, post(t, s, pathNotes, msg(jon, map[string]any{"passengerId": erin.DemoPassengerID,
		"note": map[string]any{"body": "New", "createdBy": "Someone Else", "creationDateTime": "2001-01-01T00:00:00"}})), http.StatusOK)
	expect(t, post(t, s, pathNotes, msg(jon, map[string]any{"passengerId": erin.DemoPassengerID,
		"note": map[string]any{"id": 702, "body": "Rewritten", "createdBy": "Someone Else"}})), http.StatusOK)
	notes := details(t, s, jon, map[string]any{"includeNotes": true})["primaryDetail"].(map[string]any)["notes"]
	equalJSON(t, "notes", notes, `[
		{"id":702,"body":"Rewritten","creationDateTime":"2019-01-30T15:44:20","type":"INTERNAL","html":false,"createdBy":"Mr Alan Creator","mandatory":false},
		{"id":703,"body":"New","creationDateTime":"`+nowLocal+`","type":"INTERNAL","html":false,"createdBy":"Jon Smith","mandatory":false}]`)

	expect(t, post(t, s, pathAddress, msg(jon, map[string]any{"passengerId": erin.DemoPassengerID,
		"address": map[string]any{"addr1": "4 Harbour View", "country": "United Kingdom", "preferred": true}})), http.StatusOK)
	addrs := details(t, s, jon, nil)["primaryDetail"].(map[string]any)["addresses"].([]any)
	var preferred []any
	for _, a := range addrs {
		if a.(map[string]any)["preferred"] == true {
			preferred = append(preferred, a.(map[string]any)["id"])
		}
	}
	equalJSON(t, "preferred addresses", preferred, `[5061]`)

	expectError(t, post(t, s, pathDocument, msg(jon, map[string]any{"passengerId": erin.DemoPassengerID,
		"document": map[string]any{"type": "PASSPORT", "number": "1", "issuingCountry": "GBR", "issueDate": "2020-01-01", "expiryDate": "2019-01-01"}})),
		http.StatusBadRequest, "INVALID_VALUE", "/document/expiryDate")
}

func TestDocumentsAndBookingList(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	ids := func(body map[string]any, key, id string) []float64 {
		var out []float64
		for _, x := range body[key].([]any) {
			out = append(out, x.(map[string]any)[id].(float64))
		}
		return out
	}
	tests := []struct {
		name, path string
		fields     map[string]any
		key, id    string
		want       []float64
	}{
		{"all documents, newest first", pathDocuments, nil, "customerDocuments", "id", []float64{4418, 4410}},
		{"documents of a booking", pathDocuments, map[string]any{"bookingId": erin.DemoBookingID}, "customerDocuments", "id", []float64{4418, 4410}},
		{"documents of the quote", pathDocuments, map[string]any{"bookingId": erin.DemoQuoteID}, "customerDocuments", "id", nil},
		{"bookings and quotes", pathBookings, nil, "customerBookings", "bookingId", []float64{erin.DemoQuoteID, erin.DemoBookingID}},
		{"quotes", pathBookings, map[string]any{"kind": "QUOTE"}, "customerBookings", "bookingId", []float64{erin.DemoQuoteID}},
		{"bookings", pathBookings, map[string]any{"kind": "BOOKING"}, "customerBookings", "bookingId", []float64{erin.DemoBookingID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(expect(t, post(t, s, tc.path, msg(jon, tc.fields)), http.StatusOK), tc.key, tc.id)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%v, want %v", got, tc.want)
			}
		})
	}
	expectError(t, post(t, s, pathBookings, msg(jon, map[string]any{"kind": "ORDER"})), http.StatusBadRequest, "INVALID_VALUE", "/kind")
}

// TestConcurrentPayments: payments lodged at once all get their own id and all count.
func TestConcurrentPayments(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	const n = 20
	ids := make(chan float64, n)
	done := make(chan struct{})
	for range n {
		go func() {
			defer func() { done <- struct{}{} }()
			r := post(t, s, pathPayment, seedPayment(jon, erin.DemoBookingID, 1.25))
			var body struct{ AffectedIds []float64 }
			if err := json.Unmarshal(r.Body, &body); err != nil || r.Status != 200 || len(body.AffectedIds) != 1 {
				t.Errorf("payment: %d %s", r.Status, r.Body)
				return
			}
			ids <- body.AffectedIds[0]
		}()
	}
	for range n {
		<-done
	}
	close(ids)
	seen := map[float64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("payment id %v given twice", id)
		}
		seen[id] = true
	}
	if total := statementOf(t, s, jon)[0].(map[string]any)["totalPayment"]; total != 2032.37 {
		t.Errorf("totalPayment %v, want 2007.37 + 20 × 1.25 = 2032.37", total)
	}
}

// TestContractExamples sends every request example of openapi/erin.yaml to a fresh server:
// each is a message the contract documents as succeeding, so each must answer 200 (and, as
// every answer in these tests, keep to the contract).
func TestContractExamples(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Load(context.Background(), erin.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil {
				continue
			}
			for name, ex := range mt.Examples {
				n++
				t.Run(op.OperationID+"/"+name, func(t *testing.T) {
					t.Parallel()
					s := start(t, servertest.Options{})
					body := expect(t, post(t, s, "/erin"+path, ex.Value.Value), http.StatusOK)
					// A store that adds answers the id its documented answer shows: paxkit's ids
					// continue the seed's numbering. (An update answers the id it was given.)
					if want := documentedAffectedIDs(op); want != nil && !updatesByID(ex.Value.Value) &&
						jsonOf(t, body["affectedIds"]) != jsonOf(t, want) {
						t.Errorf("affectedIds %v, want %v as documented", body["affectedIds"], want)
					}
				})
			}
		}
	}
	if n < 11 {
		t.Errorf("%d request examples, want at least one per operation", n)
	}
}

// documentedAffectedIDs returns the affectedIds of an operation's only 200 example, or nil.
func documentedAffectedIDs(op *openapi3.Operation) any {
	ok := op.Responses.Status(http.StatusOK)
	if ok == nil || ok.Value == nil || ok.Value.Content.Get("application/json") == nil {
		return nil
	}
	exs := ok.Value.Content.Get("application/json").Examples
	if len(exs) != 1 {
		return nil
	}
	for _, ex := range exs {
		if m, isMap := ex.Value.Value.(map[string]any); isMap {
			return m["affectedIds"]
		}
	}
	return nil
}

// updatesByID reports whether a store message names the record to update by its id.
func updatesByID(msg any) bool {
	m, _ := msg.(map[string]any)
	for _, v := range m {
		if rec, ok := v.(map[string]any); ok {
			if _, has := rec["id"]; has {
				return true
			}
		}
	}
	return false
}

// TestConcurrentWrongPasswords: wrong passwords sent at once are all counted, so the
// configured count locks the account however they interleave, and one fewer does not.
func TestConcurrentWrongPasswords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wrong  int
		status int
	}{{4, http.StatusOK}, {5, http.StatusForbidden}} {
		t.Run(fmt.Sprint(tc.wrong), func(t *testing.T) {
			t.Parallel()
			s := start(t, servertest.Options{Fixtures: accountFixtures(t, func(map[string]any) {}, 5)})
			done := make(chan int, tc.wrong)
			for range tc.wrong {
				go func() { done <- post(t, s, pathAuthenticate, msg(creds{erin.DemoEmail, "nope"}, nil)).Status }()
			}
			for range tc.wrong {
				if st := <-done; st != http.StatusUnauthorized {
					t.Errorf("wrong password answered %d, want 401", st)
				}
			}
			expect(t, post(t, s, pathAuthenticate, msg(jon, nil)), tc.status)
		})
	}
}

// TestFixtureRecordsChecked: records imported into Erin's tables must be records the
// messages can answer from; a refused import changes nothing.
func TestFixtureRecordsChecked(t *testing.T) {
	t.Parallel()
	s := start(t, servertest.Options{})
	tests := []struct {
		name, table, record, want string
	}{
		{"customer without reference", "erin.customers", `{"id":1,"primaryDetail":{"id":2}}`, "missing reference"},
		{"customer without primary passenger", "erin.customers", `{"id":1,"reference":"C1"}`, "missing primaryDetail.id"},
		{"customer with bookings", "erin.customers", `{"id":1,"reference":"C1","primaryDetail":{"id":2},"bookings":[]}`, "erin.bookings"},
		{"customer breaking the contract", "erin.customers", `{"id":1,"reference":"C1","primaryDetail":{"id":2},"currency":"pounds"}`, "/currency"},
		{"booking without kind", "erin.bookings", `{"bookingId":1,"bookingCost":1,"currencyCode":"GBP"}`, "missing kind"},
		{"payment ids twice", "erin.bookings", `{"bookingId":1,"kind":"BOOKING","bookingCost":1,"currencyCode":"GBP","paymentDetails":[{"id":5,"amount":1},{"id":5,"amount":2}]}`, "used twice"},
		{"payment without id", "erin.bookings", `{"bookingId":1,"kind":"BOOKING","bookingCost":1,"currencyCode":"GBP","paymentDetails":[{"amount":1}]}`, "paymentDetails[0].id"},
		{"document without id", "erin.documents", `{"name":"x"}`, "missing id"},
		{"empty run of wrong passwords", "erin.loginFailures", `{"login":"C96NGFPQ","failedAttempts":0}`, "failedAttempts"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := fmt.Sprintf(`{"state":{%q:{"C96NGFPQ":[%s]}}}`, tc.table, tc.record)
			r := s.Do(http.MethodPost, "/_paxkit/import", nil, fx)
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("import answered %d %s, want 400 mentioning %q", r.Status, r.Body, tc.want)
			}
		})
	}
	// Nothing changed, and a valid record is taken.
	details(t, s, jon, nil)
	ok := `{"state":{"erin.documents":{"C96NGFPQ":[{"id":1,"name":"Receipt","type":"OTHER"}]}}}`
	if r := s.Do(http.MethodPost, "/_paxkit/import", nil, ok); r.Status != http.StatusOK {
		t.Fatalf("valid import: %d %s", r.Status, r.Body)
	}
	body := expect(t, post(t, s, pathDocuments, msg(jon, nil)), http.StatusOK)
	equalJSON(t, "documents after import", body["customerDocuments"], `[{"id":1,"name":"Receipt","type":"OTHER"}]`)
}

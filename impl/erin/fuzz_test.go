package erin_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// FuzzMessage sends arbitrary bodies to every Erin message: the authenticator and the
// handlers decode untrusted JSON. Every answer must be a 2xx or 4xx failure envelope that
// keeps to the contract, never a 5xx.
func FuzzMessage(f *testing.F) {
	paths := []string{pathAuthenticate, pathDetails, pathStatement, pathPayment, pathDocuments, pathBookings,
		pathAddress, pathDocument, pathLoyalty, pathMedical, pathNotes}
	auth := fmt.Sprintf(`"authenticate":{"email":%q,"password":%q,"type":"B2C"}`, erin.DemoEmail, erin.DemoPassword)
	f.Add(uint8(0), []byte(`{`+auth+`}`))
	f.Add(uint8(1), []byte(`{"reference":"C7QJ2M4X","includeBookings":true,"includePassengers":true,"includeNotes":true,"includeDiscounts":true,"includeBookingCount":true,`+auth+`}`))
	f.Add(uint8(3), []byte(`{"transactionType":"STORE","customerPaymentDetails":{"paymentType":"CARD","currencyCode":"GBP","items":{"bookingId":23345,"amount":258.75}},`+auth+`}`))
	f.Add(uint8(3), []byte(`{"transactionType":"STORE","customerPaymentDetails":{"paymentType":"CARD","currencyCode":"GBP","items":{"bookingId":23345,"amount":1e308}},`+auth+`}`))
	f.Add(uint8(4), []byte(`{"bookingId":23980,"echoToken":"e",`+auth+`}`))
	f.Add(uint8(6), []byte(`{"passengerId":8558,"address":{"id":5052,"addr1":"a","country":"b","preferred":true},`+auth+`}`))
	f.Add(uint8(7), []byte(`{"passengerId":8558,"document":{"type":"PASSPORT","number":"1","issuingCountry":"GBR","issueDate":"2020-02-30"},`+auth+`}`))
	f.Add(uint8(10), []byte(`{"passengerId":8559,"note":{"id":702,"body":"x"},"channel":2147483648,`+auth+`}`))
	f.Add(uint8(2), []byte(`{"authenticate":{"email":"JON.SMITH@EXAMPLE.COM","password":"\u0000","type":"B2C"},"currency":"GB"}`))
	h, violations := fuzzServer(f)
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		path := paths[int(op)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q answered %d: %s", path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"success":false`) {
			t.Fatalf("%d answer is not a failure envelope: %s", rec.Code, rec.Body)
		}
		if v := violations.Take(); len(v) > 0 {
			t.Fatalf("%s %q: the answer breaks the contract: %v", path, body, v)
		}
	})
}

// fuzzServer is Erin with its demo data, shared by the fuzz target's runs. The demo login
// never locks, so that wrong passwords the fuzzer sends do not shut the handlers off.
func fuzzServer(f *testing.F) (http.Handler, *servertest.ViolationLog) {
	st := store.New()
	spec, err := openapi.Bytes(erin.ID)
	if err != nil {
		f.Fatal(err)
	}
	doc, err := openapi.Load(context.Background(), erin.ID)
	if err != nil {
		f.Fatal(err)
	}
	api, err := erin.Define(st, spec, doc)
	if err != nil {
		f.Fatal(err)
	}
	tenants := make([]apidef.Tenant, len(api.DefaultTenants))
	for i, tn := range api.DefaultTenants {
		tn.Properties = map[string]any{"maxFailedLogins": float64(1e6)}
		tenants[i] = tn
	}
	log := &servertest.ViolationLog{}
	srv, err := server.New(server.Config{
		ValidateResponses:   true,
		OnResponseViolation: log.Add,
		Fixtures:            &server.Fixtures{Tenants: map[string][]apidef.Tenant{erin.ID: tenants}},
	}, []apidef.API{api}, st)
	if err != nil {
		f.Fatal(err)
	}
	return srv.Handler(), log
}

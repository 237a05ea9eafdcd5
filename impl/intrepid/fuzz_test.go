package intrepid

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/internal/apidef"
	paxserver "github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/openapi"
)

// FuzzCanonicalPath feeds request paths, which are untrusted, to the case normaliser: it must
// be idempotent and touch nothing but the context and the fixed `Customers` segment.
func FuzzCanonicalPath(f *testing.F) {
	for _, p := range []string{"/bookings/5057124/customers/4945397", "/Customers/1", "/TRIPS/1/CUSTOMERS", "/", "//customers/", "/İ/1/customers", "/a/b/c/d/e"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		out := canonicalPath(path)
		if again := canonicalPath(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", path, out, again)
		}
		in, got := strings.Split(path, "/"), strings.Split(out, "/")
		if len(in) != len(got) {
			t.Fatalf("segments changed: %q -> %q", path, out)
		}
		for i := range in {
			touched := (len(in) == 4 || len(in) == 5) && (i == 1 || i == 3) || len(in) == 3 && i == 1
			if !touched && in[i] != got[i] {
				t.Fatalf("segment %d changed: %q -> %q", i, path, out)
			}
		}
	})
}

// FuzzRequest sends arbitrary bodies to every operation under arbitrary contexts: each answer
// must be a 2xx or 4xx in the vendor's error format that keeps the contract, never a 5xx.
func FuzzRequest(f *testing.F) {
	f.Add("PATCH", "trips", int64(DemoTrip), int64(DemoHomer), []byte(`{"title":"Mr","firstName":"Homer","surname":"Simpson","status":"confirmed","singleSupplement":"true"}`))
	f.Add("PATCH", "accommodation", int64(887125), int64(4945395), []byte(`{"title":"Miss","firstName":"Lisa","surname":"Simpson","status":"cancelled","externalReference":"ABCD2-12345"}`))
	f.Add("PATCH", "trips", int64(DemoTrip), int64(4945392), []byte(`{"title":"Ms","firstName":"Selma","surname":"Bouvier","status":"cancelled","cancelSingleSupplementOnly":"true"}`))
	f.Add("PATCH", "", int64(0), int64(4945396), []byte(`{"title":"","firstName":"Bart","surname":"Simpson","dateOfBirth":"2016-01-01","passport":{"number":" ","nationality":"XX","dateOfIssue":"2020-01-01","dateOfExpiry":"2030-01-01"}}`))
	f.Add("POST", "bookings", int64(DemoBooking), int64(0), []byte(`{"title":"Mrs","firstName":"Marge","surname":"Simpson","homeAddress":{"countryCode":"AU"}}`))
	f.Add("GET", "Bookings", int64(DemoRestrictedBooking), int64(4945390), []byte(nil))
	h, violations := fuzzServer(f)
	f.Fuzz(func(t *testing.T, method, context string, contextID, id int64, body []byte) {
		if strings.ContainsAny(context, "/?#% \t\r\n") {
			return
		}
		var path string
		switch {
		case method == "PATCH" && context == "":
			path = fmt.Sprintf("/intrepid/Customers/%d", id)
		case method == "POST" || method == "GET" && id == 0:
			path = fmt.Sprintf("/intrepid/%s/%d/Customers", context, contextID)
		default:
			path = fmt.Sprintf("/intrepid/%s/%d/Customers/%d", context, contextID, id)
		}
		req, err := http.NewRequest(method, path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("X-Api-Key", DemoAPIKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q answered %d: %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"errorType"`) {
			t.Fatalf("%d answer not in the vendor's format: %s", rec.Code, rec.Body)
		}
		if v := violations.Take(); len(v) > 0 {
			t.Fatalf("%s %s %q: the answer breaks the contract: %v", method, path, body, v)
		}
	})
}

// fuzzServer is one server with the demo data, shared by the runs (their writes accumulate,
// which explores states no single request reaches), checking every answer against the contract.
func fuzzServer(f *testing.F) (http.Handler, *servertest.ViolationLog) {
	st := store.New()
	spec, err := openapi.Bytes(ID)
	if err != nil {
		f.Fatal(err)
	}
	doc, err := openapi.Load(context.Background(), ID)
	if err != nil {
		f.Fatal(err)
	}
	api, err := Define(st, spec, doc)
	if err != nil {
		f.Fatal(err)
	}
	log := &servertest.ViolationLog{}
	srv, err := paxserver.New(paxserver.Config{ValidateResponses: true, OnResponseViolation: log.Add}, []apidef.API{api}, st)
	if err != nil {
		f.Fatal(err)
	}
	return srv.Handler(), log
}

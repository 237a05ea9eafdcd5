package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/registry"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
)

// FuzzImport sends arbitrary bytes to POST /_paxkit/import: the admin endpoint decodes
// untrusted JSON into tenants and records of every API. It must answer 200 or 400, never
// panic or answer 5xx.
func FuzzImport(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"tenants":{"tomp":[{"id":"a","credentials":{"token":"t"}}]}}`))
	f.Add([]byte(`{"state":{"tomp.accounts":{"demo":[{"id":"x","customer":{"id":"c"},"creationDate":"2025-01-01T00:00:00Z","modificationDate":"2025-01-01T00:00:00Z","status":"ACTIVE"}]}}}`))
	f.Add([]byte(`{"state":{"tomp.accounts":{"demo":[{"id":1}]}}}`))
	f.Add([]byte(`[]`))
	h, _ := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_paxkit/import", bytes.NewReader(body)))
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("import answered %d: %s", rec.Code, rec.Body)
		}
	})
}

// FuzzTompRequest sends arbitrary bodies and headers through TOMP's validation and handlers
// (create and update): every answer must be a 2xx or a 4xx in TOMP's format, never a 5xx.
func FuzzTompRequest(f *testing.F) {
	f.Add("POST", "", "application/json", []byte(`{"id":"f84d777c-9260-48cd-b634-b11174caf74a","initials":"H.","firstName":"Hank","lastName":"Wolters"}`))
	f.Add("PATCH", tomp.DemoActiveAccount, "application/merge-patch+json", []byte(`{"email":"hank.wolters@example.com","phoneNumber":"+31612345678","middleName":null}`))
	f.Add("PATCH", tomp.DemoActiveAccount, "application/merge-patch+json", []byte(`{"customFields":{"otp":"482913","loyaltyTier":null},"address":{"id":"P:x","addressLine1":"a","houseNumber":1e99}}`))
	f.Add("POST", "", "application/json", []byte(`{"id":"\xff\x00","photo":"AAAA","dateOfBirth":"2020-02-30"}`))
	f.Add("GET", "%2e%2e", "", []byte(nil))
	h, violations := fuzzServer(f)
	f.Fuzz(func(t *testing.T, method, id, contentType string, body []byte) {
		switch method {
		case "GET", "POST", "PATCH", "DELETE":
		default:
			method = "POST"
		}
		path := "/tomp/collections/customers/items"
		if id != "" && !strings.ContainsAny(id, "/?# \t\r\n") {
			path += "/" + id
		}
		req, err := http.NewRequest(method, path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
		req.Header.Set("Accept-Language", "en")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s (%s) %q answered %d: %s", method, path, contentType, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"errorcode"`) {
			t.Fatalf("%d answer not in TOMP's format: %s", rec.Code, rec.Body)
		}
		if v := violations.Take(); len(v) > 0 {
			t.Fatalf("%s %s (%s) %q: the answer breaks the contract: %v", method, path, contentType, body, v)
		}
	})
}

// fuzzServer is a server with every API and its demo data, shared by a fuzz target's runs,
// checking every response against its contract.
func fuzzServer(f *testing.F) (http.Handler, *servertest.ViolationLog) {
	st := store.New()
	apis, err := registry.APIs(context.Background(), st)
	if err != nil {
		f.Fatal(err)
	}
	log := &servertest.ViolationLog{}
	srv, err := server.New(server.Config{ValidateResponses: true, OnResponseViolation: log.Add}, apis, st)
	if err != nil {
		f.Fatal(err)
	}
	return srv.Handler(), log
}

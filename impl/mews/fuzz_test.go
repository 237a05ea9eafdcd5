package mews_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/store"
)

var fuzzActions = []string{"getAll", "getAllByIds", "getAllByEmails", "search", "getOpenItems", "add", "update", "merge", "addFile"}

// FuzzMewsRequest sends arbitrary bodies to every operation of both revisions, with the demo
// credentials put into bodies that are JSON objects (so that the handlers, not only the
// validation, see them). Every answer must be a 2xx or a 4xx in Mews' format that keeps to
// the contract, never a 5xx.
func FuzzMewsRequest(f *testing.F) {
	f.Add(uint8(0), false, []byte(`{"TimeFilter":"Created","StartUtc":"2016-01-01T00:00:00Z","EndUtc":"2016-01-07T00:00:00Z"}`))
	f.Add(uint8(0), true, []byte(`{"LastNames":["Smith"],"Extent":{"Customers":true},"Limitation":{"Count":2,"Cursor":"fadd5bb6-b428-45d5-94f8-fd0d89fece6d"}}`))
	f.Add(uint8(3), true, []byte(`{"Name":"smith","ResourceId":null}`))
	f.Add(uint8(4), true, []byte(`{"CustomerIds":["2a1a4315-7e6f-4131-af21-402cec59b8b9"],"Currency":"EUR"}`))
	f.Add(uint8(5), true, []byte(`{"OverwriteExisting":true,"Title":"Miss","LastName":"X","Email":"thea@quotidiano.example","Address":{"City":null}}`))
	f.Add(uint8(6), true, []byte(`{"CustomerId":"99b4f0af-9558-463b-8452-07a9bc414708","Title":"Miss","ItalianFiscalCode":{"Value":null},"Passport":{"Number":"1"}}`))
	f.Add(uint8(6), false, []byte(`{"CustomerId":"35d4b117-4e60-44a3-9580-c582117eff98","BithPlace":"Brno","Classifications":["Disabled"]}`))
	f.Add(uint8(7), false, []byte(`{"SourceCustomerId":"e11801ff-4148-4010-87f3-0d111e2893e3","TargetCustomerId":"35d4b117-4e60-44a3-9580-c582117eff98"}`))
	f.Add(uint8(8), true, []byte(`{"CustomerId":"3fa85f64-5717-4562-b3fc-2c963f66afa6","Name":"a","Type":"image/png","Data":"iVBORw0KGgo="}`))
	f.Add(uint8(1), false, []byte(`{"CustomerIds":["\u0000"]}`))
	f.Add(uint8(2), false, []byte(`[]`))

	st := store.New()
	ls, ld := loadDoc(f, mews.LegacyID)
	cs, cd := loadDoc(f, mews.ID)
	apis, err := mews.Define(st, ls, ld, cs, cd)
	if err != nil {
		f.Fatal(err)
	}
	var (
		mu         sync.Mutex
		violations []string
	)
	srv, err := server.New(server.Config{ValidateResponses: true, OnResponseViolation: func(api, op string, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		violations = append(violations, fmt.Sprintf("%s %s %d: %v", api, op, status, err))
	}}, []apidef.API(apis), st)
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()

	f.Fuzz(func(t *testing.T, action uint8, currentRev bool, raw []byte) {
		r := legacy
		if currentRev {
			r = current
		}
		name := fuzzActions[int(action)%len(fuzzActions)]
		if r == current && (name == "getAllByIds" || name == "getAllByEmails") {
			name = "getAll"
		}
		payload := raw
		var obj map[string]any
		if json.Unmarshal(raw, &obj) == nil && obj != nil {
			for k, v := range body(r, nil) {
				obj[k] = v
			}
			payload, _ = json.Marshal(obj)
		}
		req := httptest.NewRequest(http.MethodPost, "/"+string(r)+"/api/connector/v1/customers/"+name, bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q answered %d: %s", r, name, payload, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"Message"`) {
			t.Fatalf("%d answer not in Mews' format: %s", rec.Code, rec.Body)
		}
		mu.Lock()
		v := violations
		violations = nil
		mu.Unlock()
		if len(v) > 0 {
			t.Fatalf("%s %s %q: the answer breaks the contract: %v", r, name, payload, v)
		}
	})
}

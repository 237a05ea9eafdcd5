package conformance_test

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/conformance"
)

// sampleReport has one case of each status, a failure with two exchanges (one without an
// answer) and characters XML and JSON must escape.
func sampleReport() *conformance.Report {
	fail := conformance.Result{
		Operation: "getCustomer", Method: "GET", Path: "/customers/{id}", Check: conformance.CheckStateful,
		Name: "createCustomer → GetCustomer (read back)", Status: conformance.Failed,
		Problems: []string{
			`response body doesn't match schema: at /status: value is not one of the allowed values ["ACTIVE","BLOCKED"]`,
			`read back /customer/email = "a@example.com", but the write answered "b@example.com" (stale or lost write)`,
		},
		Exchanges: []conformance.Exchange{
			{
				Request: conformance.Request{Method: "GET", URL: "http://127.0.0.1:8080/tomp/customers/1",
					Header: map[string]string{"Authorization": "Bearer it's <secret>"}},
				Response: &conformance.Response{Status: 200, Header: map[string]string{"Content-Type": "application/json"},
					Body: `{"status":"PENDING & more"}`, DurationMS: 3},
			},
			{Request: conformance.Request{Method: "POST", URL: "http://127.0.0.1:8080/tomp/customers", Body: `{"a":1}`,
				Header: map[string]string{"Content-Type": "application/json"}}},
		},
	}
	for i := range fail.Exchanges {
		fail.Exchanges[i].Curl = fail.Exchanges[i].Request.Curl()
	}
	r := &conformance.Report{Title: "Sample API", Version: "1.0.0", BaseURL: "http://127.0.0.1:8080/tomp",
		Summary: conformance.Summary{Total: 3, Passed: 1, Failed: 1, Skipped: 1},
		Results: []conformance.Result{
			{Operation: "createCustomer", Method: "POST", Path: "/customers", Check: conformance.CheckNegative,
				Name: "body /id required member missing", Status: conformance.Passed},
			fail,
			{Operation: "createCustomer", Method: "POST", Path: "/customers", Check: conformance.CheckPositive,
				Name: "generated case 1 (seed 1)", Status: conformance.Skipped, Reason: "the generator failed: no valid value"},
		}}
	return r
}

// TestReportFormats compares the JSON, JUnit and text reports with golden files: these formats
// are what CI systems and people read. PAXKIT_UPDATE_GOLDEN=1 rewrites them.
func TestReportFormats(t *testing.T) {
	for _, tc := range []struct {
		file  string
		write func(r *conformance.Report, b *bytes.Buffer) error
	}{
		{"report.json", func(r *conformance.Report, b *bytes.Buffer) error { return r.WriteJSON(b) }},
		{"report.junit.xml", func(r *conformance.Report, b *bytes.Buffer) error { return r.WriteJUnit(b) }},
		{"report.txt", func(r *conformance.Report, b *bytes.Buffer) error { return r.WriteText(b) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(sampleReport(), &b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.file)
			if os.Getenv("PAXKIT_UPDATE_GOLDEN") == "1" {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (PAXKIT_UPDATE_GOLDEN=1 writes it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", tc.file, b.String(), want)
			}
		})
	}
}

// TestJUnitHoldsAnyResponseBody: a response body with control characters still gives a JUnit
// file an XML parser reads.
func TestJUnitHoldsAnyResponseBody(t *testing.T) {
	r := sampleReport()
	r.Results[1].Exchanges[0].Response.Body = "bad \x00\x1b bytes \xff ]]> end"
	var b bytes.Buffer
	if err := r.WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Suites []struct {
			Cases []struct {
				Failure *struct {
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, b.String())
	}
	if got := v.Suites[1].Cases[0].Failure.Text; !strings.Contains(got, "bad \uFFFD\uFFFD bytes \uFFFD ]]> end") {
		t.Errorf("failure text lost the body: %q", got)
	}
}

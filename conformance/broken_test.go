package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paxkit/paxkit/conformance"
	"github.com/paxkit/paxkit/impl/tomp"
)

// breakage turns paxkit's correct TOMP server into a broken one: before sends the request on
// (it may change it), after changes the answer. Each test case breaks one thing.
type breakage struct {
	before func(r *http.Request)
	after  func(resp *http.Response) error
}

// brokenTOMP serves TOMP through a reverse proxy that applies the breakage, so every break is
// a small, visible change of a real, otherwise correct server.
func brokenTOMP(t *testing.T, b breakage) string {
	t.Helper()
	srv, _ := startServe(t)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	direct := proxy.Director
	proxy.Director = func(r *http.Request) {
		direct(r)
		if b.before != nil {
			b.before(r)
		}
	}
	proxy.ModifyResponse = b.after
	hs := httptest.NewServer(proxy)
	t.Cleanup(hs.Close)
	return hs.URL + "/tomp"
}

// isGetAccount matches the answer of a successful GET of one account.
func isGetAccount(resp *http.Response) bool {
	return resp.Request.Method == http.MethodGet && resp.StatusCode == http.StatusOK &&
		strings.HasPrefix(resp.Request.URL.Path, "/tomp/collections/customers/items/")
}

// editJSON rewrites a JSON object answer.
func editJSON(resp *http.Response, edit func(m map[string]any)) error {
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		return err
	}
	setBody(resp, out)
	return nil
}

func setBody(resp *http.Response, body []byte) {
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
}

func onGetAccount(edit func(m map[string]any)) breakage {
	return breakage{after: func(resp *http.Response) error {
		if !isGetAccount(resp) {
			return nil
		}
		return editJSON(resp, edit)
	}}
}

// staleReads answers every GET of an account with the first answer it gave for that path, as
// a server with a cache nobody invalidates would.
func staleReads() breakage {
	var mu sync.Mutex
	first := map[string][]byte{}
	return breakage{after: func(resp *http.Response) error {
		if resp.Request.Method != http.MethodGet || !strings.HasPrefix(resp.Request.URL.Path, "/tomp/collections/customers/items/") {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		key := resp.Request.URL.Path
		if cached, ok := first[key]; ok {
			resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
			resp.Header.Set("Content-Type", "application/json")
			resp.Body.Close()
			setBody(resp, cached)
			return nil
		}
		if resp.StatusCode != http.StatusOK {
			return nil
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		first[key] = data
		setBody(resp, data)
		return nil
	}}
}

// TestReportsEachKindOfBreak runs paxkit check against servers broken in one way each and
// asserts the break is reported, with a message that says what is wrong.
func TestReportsEachKindOfBreak(t *testing.T) {
	tests := []struct {
		name string
		brk  breakage
		// check is the check that must report it ("" any: a broken GET is usually met in the
		// stateful sequence, where the account exists).
		check conformance.Check
		// want is a substring of one failure's problem.
		want string
	}{
		{"missing required field", onGetAccount(func(m map[string]any) { delete(m["customer"].(map[string]any), "id") }),
			"", `at /customer/id: property "id" is missing`},
		{"wrong type", onGetAccount(func(m map[string]any) { m["customer"].(map[string]any)["firstName"] = 42 }),
			"", `at /customer/firstName: value must be a string`},
		{"value outside enum", onGetAccount(func(m map[string]any) { m["status"] = "PENDING" }),
			"", `at /status: value is not one of the allowed values`},
		{"bad date format", onGetAccount(func(m map[string]any) { m["creationDate"] = "14/03/2026" }),
			"", `at /creationDate: string doesn't match the format "date-time"`},
		{"undocumented status", breakage{after: func(resp *http.Response) error {
			if isGetAccount(resp) {
				resp.StatusCode, resp.Status = http.StatusAccepted, "202 Accepted"
			}
			return nil
		}}, "", "status 202 is not documented for this operation"},
		{"wrong content type", breakage{after: func(resp *http.Response) error {
			if isGetAccount(resp) {
				resp.Header.Set("Content-Type", "text/html")
			}
			return nil
		}}, "", `Content-Type "text/html" is not documented for status 200`},
		{"missing documented header", breakage{after: func(resp *http.Response) error {
			if isGetAccount(resp) {
				resp.Header.Del("Version")
			}
			return nil
		}}, "", `response header "Version" missing`},
		{"server error", breakage{after: func(resp *http.Response) error {
			if isGetAccount(resp) {
				resp.StatusCode, resp.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
			}
			return nil
		}}, "", "server error: answered 503"},
		{"accepting invalid input", breakage{after: func(resp *http.Response) error {
			if resp.Request.Method == http.MethodPost && resp.StatusCode == http.StatusBadRequest {
				resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
				setBody(resp, []byte(`{"id":"0b6a3f7e-2c1d-4e8a-9f3b-5d7c8e1a2b4c","customer":{"id":"x"},"status":"ACTIVE","creationDate":"2026-01-01T00:00:00Z","modificationDate":"2026-01-01T00:00:00Z"}`))
			}
			return nil
		}}, conformance.CheckNegative, "accepted a request that breaks the contract (body /id required member missing): answered 200, want a documented 4xx"},
		{"ignoring auth", breakage{before: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tomp.DemoToken)
		}}, conformance.CheckAuth, "accepted a call without credentials: answered"},
		{"stale read after update", staleReads(),
			conformance.CheckStateful, "(stale or lost write)"},
		{"read after delete still answers", staleReads(),
			conformance.CheckStateful, "read after delete answered 200, want 404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := brokenTOMP(t, tc.brk)
			report := runTOMP(t, base)
			if report.OK() {
				t.Fatalf("the break was not reported: %d cases passed", report.Summary.Passed)
			}
			var seen []string
			for _, res := range report.Results {
				if res.Status != conformance.Failed {
					continue
				}
				for _, p := range res.Problems {
					if (tc.check == "" || res.Check == tc.check) && strings.Contains(p, tc.want) {
						if len(res.Exchanges) == 0 || !strings.HasPrefix(res.Exchanges[0].Curl, "curl ") {
							t.Errorf("the failure carries no request to reproduce it: %+v", res)
						}
						return
					}
					seen = append(seen, string(res.Check)+": "+p)
				}
			}
			t.Fatalf("no %s failure says %q; failures:\n%s", tc.check, tc.want, strings.Join(seen, "\n"))
		})
	}
}

// TestSlowAnswersFail: an answer slower than MaxTime is a failure.
func TestSlowAnswersFail(t *testing.T) {
	base := brokenTOMP(t, breakage{after: func(resp *http.Response) error {
		if resp.Request.Method == http.MethodGet {
			time.Sleep(60 * time.Millisecond)
		}
		return nil
	}})
	report, err := conformance.Run(context.Background(), conformance.Config{
		Doc: tompDoc(t), BaseURL: base, Profile: tompProfile(t), MaxTime: 30 * time.Millisecond,
		Checks: []conformance.Check{conformance.CheckExamples},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range report.Results {
		for _, p := range res.Problems {
			if strings.Contains(p, "over --max-time 30ms") {
				return
			}
		}
	}
	t.Fatalf("a slow answer was not reported: %+v", report.Results)
}

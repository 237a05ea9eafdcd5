package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
)

// limitedCall is one authenticated request to an API, for a given credential.
type limitedCall struct {
	method, path string
	header       map[string]string
	body         string
}

func tompCall(token string) limitedCall {
	return limitedCall{http.MethodGet, "/tomp/collections/customers/items/" + tomp.DemoActiveAccount,
		map[string]string{"Authorization": "Bearer " + token, "Accept-Language": "en"}, ""}
}

func intrepidCall(key string) limitedCall {
	return limitedCall{http.MethodGet, "/intrepid/bookings/5057124/Customers", map[string]string{"X-Api-Key": key}, ""}
}

func mewsCall(accessToken string) limitedCall {
	return limitedCall{http.MethodPost, "/mews/api/connector/v1/customers/getAll", nil,
		fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"Client":"t","Extent":{"Customers":true},"Limitation":{"Count":10}}`, mews.DemoClientToken, accessToken)}
}

func mewsLegacyCall(accessToken string) limitedCall {
	return limitedCall{http.MethodPost, "/mews-legacy/api/connector/v1/customers/getAllByIds", nil,
		fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"CustomerIds":["35d4b117-4e60-44a3-9580-c582117eff98"]}`, mews.DemoClientToken, accessToken)}
}

func erinCall(password string) limitedCall {
	return limitedCall{http.MethodPost, "/erin/api/customer/details", nil,
		fmt.Sprintf(`{"authenticate":{"email":%q,"password":%q,"type":"B2C"},"echoToken":"e-1"}`, erin.DemoEmail, password)}
}

func (c limitedCall) do(s *servertest.Server) servertest.Response {
	var body any
	if c.body != "" {
		body = c.body
	}
	return s.Do(c.method, c.path, c.header, body)
}

// Each tenant has its own token bucket; over it, the vendor's 429 in the vendor's format with
// Retry-After. Requests that fail authentication spend nothing, a refused request spends
// nothing, and the bucket refills with the (test) clock.
func TestRateLimitPerTenantInVendorFormat(t *testing.T) {
	tests := []struct {
		name    string
		limited limitedCall
		// other is the same API with another tenant's credentials; wrong has bad ones.
		other, wrong limitedCall
		// want lists substrings of the 429 body.
		want []string
	}{
		{"tomp", tompCall(tomp.DemoToken), tompCall(tomp.OtherDemoToken), tompCall("nope"),
			[]string{`"errorcode":8007`, `"status":429`, "retry in 30 seconds"}},
		{"intrepid", intrepidCall(intrepid.DemoAPIKey), intrepidCall(intrepid.OtherDemoAPIKey), intrepidCall("nope"),
			[]string{`"errorType":"TooManyRequests"`, `"correlationId":"`}},
		{"mews", mewsCall(mews.DemoAccessToken), mewsCall(mews.DemoNetAccessToken), mewsCall("nope"),
			[]string{`"Message":"Too many requests`, `"RequestId":"`}},
		// Both Mews revisions share a tenancy, so they share one bucket per access token.
		{"mews-legacy", mewsLegacyCall(mews.DemoAccessToken), mewsLegacyCall(mews.DemoNetAccessToken), mewsLegacyCall("nope"),
			[]string{`"Message":"Too many requests`}},
		{"erin", erinCall(erin.DemoPassword), limitedCall{}, erinCall("wrong"),
			[]string{`"success":false`, `"code":"TOO_MANY_REQUESTS"`, `"echoToken":"e-1"`}},
	}
	limit := server.RateLimit{Requests: 2, Per: time.Minute, Burst: 2}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startAll(t, servertest.Options{RateLimits: server.RateLimits{server.AnyTenancy: limit}})
			for i := range 2 {
				if r := tc.limited.do(s); r.Status == http.StatusTooManyRequests {
					t.Fatalf("request %d within the burst: 429 %s", i+1, r.Body)
				}
				// Wrong credentials are refused before the limit is counted.
				if r := tc.wrong.do(s); r.Status != http.StatusUnauthorized {
					t.Fatalf("wrong credentials: %d %s", r.Status, r.Body)
				}
			}
			for range 2 {
				r := tc.limited.do(s)
				if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "30" {
					t.Fatalf("over the limit: %d Retry-After %q %s; want 429 with Retry-After 30", r.Status, r.Header.Get("Retry-After"), r.Body)
				}
				for _, w := range tc.want {
					if !strings.Contains(string(r.Body), w) {
						t.Errorf("429 body lacks %q: %s", w, r.Body)
					}
				}
			}
			if tc.other.path != "" {
				if r := tc.other.do(s); r.Status == http.StatusTooManyRequests {
					t.Errorf("another tenant of the tenancy was limited: %s", r.Body)
				}
			}
			s.Clock.Advance(29 * time.Second)
			if r := tc.limited.do(s); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
				t.Errorf("1 s before the next token: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
			}
			// The refused requests did not spend tokens: one token is back after 30 s.
			s.Clock.Advance(time.Second)
			if r := tc.limited.do(s); r.Status == http.StatusTooManyRequests {
				t.Errorf("after the refill: 429 %s", r.Body)
			}
			if r := tc.limited.do(s); r.Status != http.StatusTooManyRequests {
				t.Errorf("the refill gave more than one token: %d", r.Status)
			}
		})
	}
}

// A tenancy without a limit (and a server without limits at all) is never limited.
func TestRateLimitOnlyWhereConfigured(t *testing.T) {
	for name, limits := range map[string]server.RateLimits{
		"no limits":         nil,
		"only mews limited": {"mews": {Requests: 1, Per: time.Hour, Burst: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			s := startAll(t, servertest.Options{RateLimits: limits})
			for i := range 20 {
				if r := tompCall(tomp.DemoToken).do(s); r.Status != http.StatusOK {
					t.Fatalf("tomp request %d: %d %s", i+1, r.Status, r.Body)
				}
			}
		})
	}
}

func TestParseRateLimits(t *testing.T) {
	tests := []struct {
		in      string
		want    server.RateLimits
		wantErr []string
	}{
		{"off", server.RateLimits{}, nil},
		{"", server.RateLimits{}, nil},
		{"mews=200/30s", server.RateLimits{"mews": {Requests: 200, Per: 30 * time.Second, Burst: 200}}, nil},
		{"mews=200/30s, *=50/1s:100", server.RateLimits{
			"mews": {Requests: 200, Per: 30 * time.Second, Burst: 200},
			"*":    {Requests: 50, Per: time.Second, Burst: 100},
		}, nil},
		{"mews", nil, []string{"TENANCY=N/DURATION"}},
		{"mews=200", nil, []string{"N/DURATION"}},
		// Every problem is reported, not only the first.
		{"mews=0/1s,tomp=5/soon,erin=5/1s:x", nil, []string{`positive integer, not "0"`, `not "soon"`, `burst must be a positive integer, not "x"`}},
		{"tomp=1/1s,tomp=2/1s", nil, []string{"named twice"}},
		{"=1/1s", nil, []string{"TENANCY=N/DURATION"}},
		{"tomp=1/-1s", nil, []string{"positive duration"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := server.ParseRateLimits(tc.in)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, got %v", got)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want.String() {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			// String renders what Parse reads.
			again, err := server.ParseRateLimits(got.String())
			if err != nil || again.String() != got.String() {
				t.Errorf("round trip of %q: %v %v", got.String(), again, err)
			}
		})
	}
}

// FuzzParseRateLimits: any flag value is parsed or refused, never a panic; what is accepted
// renders back to a value that parses to the same limits.
func FuzzParseRateLimits(f *testing.F) {
	for _, seed := range []string{"off", "mews=200/30s", "mews=200/30s,*=50/1s:100", "tomp=1/1h", "=", "a=1/1ns:1", "x=9999999999999/1s"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := server.ParseRateLimits(in)
		if err != nil {
			return
		}
		for name, l := range got {
			if name == "" || l.Requests <= 0 || l.Per <= 0 || l.Burst <= 0 {
				t.Fatalf("%q accepted with %q: %+v", in, name, l)
			}
		}
		again, err := server.ParseRateLimits(got.String())
		if err != nil || again.String() != got.String() {
			t.Fatalf("%q: %q does not parse back: %v %v", in, got.String(), again, err)
		}
	})
}

// Mews is rate limited by default (its documented limit), so every Mews operation of both
// revisions must document the 429 paxkit answers, Retry-After included.
func TestMewsOperationsDocumentThe429(t *testing.T) {
	apis := all(t)(store.New())
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	checked := 0
	for _, a := range apis {
		if a.Tenancy != mews.Tenancy {
			continue
		}
		status, _ := a.Render(req, &apidef.Failure{Kind: apidef.TooManyRequests, RetryAfter: time.Second})
		for path, item := range a.Doc.Paths.Map() {
			for method, op := range item.Operations() {
				checked++
				resp := op.Responses.Status(status)
				if status != http.StatusTooManyRequests || resp == nil || resp.Value.Headers["Retry-After"] == nil {
					t.Errorf("%s %s %s: the rate limit answers %d, which the operation does not document with Retry-After", a.ID, method, path, status)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no Mews operation found")
	}
}

package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/servertest"
)

// TestJSONBodiesMustBeUTF8WithoutNUL (and not nested too deeply): encoding/json turns invalid UTF-8 into U+FFFD without
// a word, so without this rule paxkit stored text the client never sent; U+0000 is refused
// as the vendors' stores cannot keep it. Both answer 400 naming where; the same text sent
// properly (a real "ÿ", an escaped backslash before "u0000") is created.
func TestJSONBodiesMustBeUTF8WithoutNUL(t *testing.T) {
	s := startAll(t, servertest.Options{})
	auth := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	tests := []struct {
		name   string
		body   string
		status int
		want   []string
	}{
		{"valid UTF-8", `{"id":"a1","firstName":"Ÿvonne","lastName":"Wolters"}`, 201, []string{`"firstName":"Ÿvonne"`}},
		{"escaped backslash before u0000", `{"id":"a2","firstName":"C:\\u0000","lastName":"W"}`, 201, []string{`"firstName":"C:\\u0000"`}},
		{"Latin-1 byte", "{\"id\":\"a3\",\"firstName\":\"\xffvonne\",\"lastName\":\"W\"}", 400, []string{"not valid UTF-8 (byte 24)"}},
		{"UTF-16", "\xff\xfe{\x00}\x00", 400, []string{"not valid UTF-8 (byte 0)"}},
		{"NUL in two strings", `{"id":"a4","firstName":"A\u0000","lastName":"W","address":{"city":"\u0000"}}`, 400,
			[]string{"Field: address/city, Reason: invalid", "Field: firstName, Reason: invalid", "must not contain the character U+0000"}},
		{"65 levels of nesting", `{"id":"a6","firstName":"A","lastName":"W","customFields":{"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}}`, 400,
			[]string{"is nested 66 levels deep; at most 64 are accepted"}},
		{"brackets inside strings do not nest", `{"id":"a7","firstName":"` + strings.Repeat("[{", 30) + `","lastName":"W\"[["}`, 201, []string{`"id":"a7"`}},
		{"NUL in a key", `{"id":"a5","firstName":"A","lastName":"W","customFields":{"a\u0000":"x"}}`, 400, []string{"Field: customFields"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := s.Do("POST", "/tomp/collections/customers/items", auth, tt.body)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(resp.Body), w) {
					t.Errorf("answer lacks %q: %s", w, resp.Body)
				}
			}
		})
	}
	// Refused bodies wrote nothing.
	for _, id := range []string{"a3", "a4", "a5", "a6"} {
		if got := s.Do("GET", "/tomp/collections/customers/items/"+id, auth, nil); got.Status != 404 {
			t.Errorf("refused customer %s exists: %d %s", id, got.Status, got.Body)
		}
	}
}

// TestDuplicateKeysLastWins: a duplicate key is not refused; as in encoding/json and the
// vendors' parsers the last value wins, and that is the value validated and stored.
func TestDuplicateKeysLastWins(t *testing.T) {
	s := startAll(t, servertest.Options{})
	auth := map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}
	created := s.Do("POST", "/tomp/collections/customers/items", auth, `{"id":"d1","firstName":1,"firstName":"Ann","lastName":"W"}`)
	if created.Status != 201 || !strings.Contains(string(created.Body), `"firstName":"Ann"`) {
		t.Errorf("last valid: %d %s", created.Status, created.Body)
	}
	refused := s.Do("POST", "/tomp/collections/customers/items", auth, `{"id":"d2","firstName":"Ann","firstName":1,"lastName":"W"}`)
	if refused.Status != 400 || !strings.Contains(string(refused.Body), "Field: firstName") {
		t.Errorf("last wrong: %d %s", refused.Status, refused.Body)
	}
}

// TestRefusalsAreBounded: a refusal lists at most 100 violations of at most 2 KB each, so a
// huge bad input is not echoed back (Mews lists every violation in its Message).
func TestRefusalsAreBounded(t *testing.T) {
	s := startAll(t, servertest.Options{})
	ids := make([]string, 500)
	for i := range ids {
		ids[i] = "1"
	}
	many := fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"CustomerIds":[%s]}`, mews.DemoClientToken, mews.DemoAccessToken, strings.Join(ids, ","))
	r := s.Do("POST", "/mews-legacy/api/connector/v1/customers/getAllByIds", nil, many)
	if r.Status != 400 || strings.Count(string(r.Body), "value must be a string") != 99 || !strings.Contains(string(r.Body), "and 401 more violations") {
		t.Errorf("500 wrong items: %d %.500s", r.Status, r.Body)
	}
	huge := fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"OverwriteExisting":false,"LastName":"X","BirthDate":"%s"}`,
		mews.DemoClientToken, mews.DemoAccessToken, strings.Repeat("9", 1<<20))
	r = s.Do("POST", "/mews-legacy/api/connector/v1/customers/add", nil, huge)
	if r.Status != 400 || len(r.Body) > 8<<10 || !strings.Contains(string(r.Body), "more bytes)") {
		t.Errorf("1 MB date: %d, %d bytes: %.500s", r.Status, len(r.Body), r.Body)
	}
}

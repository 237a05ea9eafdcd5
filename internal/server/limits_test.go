package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/server"
	"github.com/paxkit/paxkit/internal/servertest"
	"github.com/paxkit/paxkit/internal/store"
)

// serveReal runs the server's own Serve (its http.Server with timeouts and header limit, which
// httptest does not use) on a loopback port and returns the address.
func serveReal(t *testing.T, cfg server.Config) string {
	t.Helper()
	st := store.New()
	srv, err := server.New(cfg, all(t)(st), st)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// rawExchange writes the parts to a new connection, pausing between them, and returns
// everything the server sent until it closed the connection (or 10 s passed, which fails).
func rawExchange(t *testing.T, addr string, pause time.Duration, parts ...string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for i, p := range parts {
		if i > 0 {
			time.Sleep(pause)
		}
		if _, err := io.WriteString(conn, p); err != nil {
			// The server may already have cut the connection off: what it sent is the answer.
			break
		}
	}
	got, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open: got %q", got)
	}
	return string(got)
}

func statusLine(resp string) string {
	line, _, _ := strings.Cut(resp, "\r\n")
	return line
}

// Slow clients are cut off and huge headers refused before any API sees them; well-behaved
// requests of the same shape pass.
func TestSlowClientsAndHugeHeaders(t *testing.T) {
	addr := serveReal(t, server.Config{
		ReadHeaderTimeout: 200 * time.Millisecond,
		ReadTimeout:       500 * time.Millisecond,
		MaxHeaderBytes:    8 << 10,
	})
	auth := "Authorization: Bearer " + tomp.DemoToken + "\r\nAccept-Language: en\r\n"
	get := "GET /tomp/collections/customers/items/" + tomp.DemoActiveAccount + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth
	body := `{"id":"slow-1","firstName":"Sam"}`
	post := "POST /tomp/collections/customers/items HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) + auth + "\r\n"
	tests := []struct {
		name  string
		pause time.Duration
		parts []string
		// want is the status line, or "" for a connection closed without an answer.
		want string
		// wantBody lists substrings of the answer.
		wantBody []string
	}{
		{"headers in time", 0, []string{get + "\r\n"}, "HTTP/1.1 200 OK", nil},
		{"headers slower than ReadHeaderTimeout", time.Second, []string{get, "\r\n"}, "", nil},
		{"header of 4 KiB", 0, []string{get + "X-Big: " + strings.Repeat("a", 4<<10) + "\r\n\r\n"}, "HTTP/1.1 200 OK", nil},
		{"headers over MaxHeaderBytes", 0, []string{get + "X-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"},
			"HTTP/1.1 431 Request Header Fields Too Large", nil},
		{"body in time", 0, []string{post + body}, "HTTP/1.1 201 Created", nil},
		// The body stops halfway for longer than ReadTimeout: refused in TOMP's format,
		// neither a 5xx nor a hang, and nothing is created.
		{"body slower than ReadTimeout", time.Second, []string{post + body[:10], body[10:]}, "HTTP/1.1 408 Request Timeout",
			[]string{`"errorcode":8002`, `"status":408`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawExchange(t, addr, tc.pause, tc.parts...)
			if got := statusLine(resp); got != tc.want {
				t.Fatalf("status line %q, want %q; answer:\n%s", got, tc.want, resp)
			}
			for _, w := range tc.wantBody {
				if !strings.Contains(resp, w) {
					t.Errorf("answer lacks %q:\n%s", w, resp)
				}
			}
		})
	}
	// The slow create did not happen (and the one in time did).
	resp := rawExchange(t, addr, 0, strings.Replace(get, tomp.DemoActiveAccount, "x", 1)+"\r\n")
	if statusLine(resp) != "HTTP/1.1 404 Not Found" {
		t.Errorf("unknown account: %s", statusLine(resp))
	}
}

// A body that ends before its Content-Length (the client closed its side) is refused in the
// API's format as unreadable: a 400, neither a 5xx nor a hang, and nothing is created.
func TestBodyCutShortIsRefused(t *testing.T) {
	addr := serveReal(t, server.Config{ReadTimeout: 5 * time.Second})
	body := `{"id":"cut-1","firstName":"Sam"}`
	post := "POST /tomp/collections/customers/items HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
		"Authorization: Bearer " + tomp.DemoToken + "\r\nAccept-Language: en\r\n\r\n"
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, post+body[:10]); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the answer: %v (got %q)", err, got)
	}
	resp := string(got)
	if statusLine(resp) != "HTTP/1.1 400 Bad Request" {
		t.Fatalf("status line %q, want 400; answer:\n%s", statusLine(resp), resp)
	}
	for _, w := range []string{`"status":400`, "could not be read completely"} {
		if !strings.Contains(resp, w) {
			t.Errorf("answer lacks %q:\n%s", w, resp)
		}
	}
	get := "GET /tomp/collections/customers/items/cut-1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
		"Authorization: Bearer " + tomp.DemoToken + "\r\nAccept-Language: en\r\n\r\n"
	if line := statusLine(rawExchange(t, addr, 0, get)); line != "HTTP/1.1 404 Not Found" {
		t.Errorf("the cut-short create happened: GET answers %q", line)
	}
}

// Every maxItems of a request in the contracts (all in Mews: the getAll filters and
// getOpenItems' CustomerIds) is enforced before any handler: one item over answers 400 in
// Mews' format naming the array, 10k items too; at the limit the request passes validation
// and reaches Mews' own rules.
func TestMaxArraySizesFromTheContracts(t *testing.T) {
	s := startAll(t, servertest.Options{})
	uuids := func(i int) string { return fmt.Sprintf(`"%08d-0000-4000-8000-000000000000"`, i) }
	emails := func(i int) string { return fmt.Sprintf(`"c%d@example.com"`, i) }
	names := func(i int) string { return fmt.Sprintf(`"n%d"`, i) }
	list := func(n int, item func(int) string) string {
		out := make([]string, n)
		for i := range out {
			out[i] = item(i)
		}
		return "[" + strings.Join(out, ",") + "]"
	}
	const getAll, getOpenItems = "/mews/api/connector/v1/customers/getAll", "/mews/api/connector/v1/customers/getOpenItems"
	tests := []struct {
		path, field string
		max         int
		item        func(int) string
	}{
		{getAll, "ChainIds", 1000, uuids},
		{getAll, "CustomerIds", 1000, uuids},
		{getAll, "CompanyIds", 1, uuids},
		{getAll, "Emails", 1000, emails},
		{getAll, "FirstNames", 1000, names},
		{getAll, "LastNames", 1000, names},
		{getAll, "LoyaltyCodes", 1000, names},
		{getOpenItems, "CustomerIds", 1000, uuids},
	}
	for _, tc := range tests {
		for _, n := range []int{tc.max, tc.max + 1, 10000} {
			t.Run(fmt.Sprintf("%s %s %d", tc.path[strings.LastIndex(tc.path, "/")+1:], tc.field, n), func(t *testing.T) {
				body := fmt.Sprintf(`{"ClientToken":%q,"AccessToken":%q,"Client":"t","%s":%s`,
					mews.DemoClientToken, mews.DemoAccessToken, tc.field, list(n, tc.item))
				if tc.path == getAll {
					body += `,"Extent":{"Customers":true},"Limitation":{"Count":10}`
				}
				r := s.Do(http.MethodPost, tc.path, nil, body+"}")
				refused := r.Status == http.StatusBadRequest && strings.Contains(string(r.Body), "body /"+tc.field)
				switch {
				case n > tc.max && !refused:
					t.Errorf("%d %.300s; want 400 naming body /%s", r.Status, r.Body, tc.field)
				case n == tc.max && (refused || r.Status >= 500):
					// At the limit the contract accepts the array; what Mews then answers (200,
					// or its business 400 "at least one filter", "not a customer") is its rule.
					t.Errorf("at the limit: %d %.300s; want the request past validation", r.Status, r.Body)
				}
			})
		}
	}
}

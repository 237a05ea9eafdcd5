package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// maxBodyInReport caps the bytes of a request or response body a report shows; the rest is
// replaced by a note, so that one huge answer does not drown the report.
const maxBodyInReport = 4096

// Request is an HTTP request as the checker sent it.
type Request struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"headers,omitempty"`
	Body   string            `json:"body,omitempty"`
}

// Response is an HTTP response as the checker received it.
type Response struct {
	Status     int               `json:"status"`
	Header     map[string]string `json:"headers,omitempty"`
	Body       string            `json:"body,omitempty"`
	DurationMS int64             `json:"durationMs"`
}

// Exchange is one request and the response it got (absent when the request failed).
type Exchange struct {
	Request  Request   `json:"request"`
	Curl     string    `json:"curl"`
	Response *Response `json:"response,omitempty"`
}

// Curl renders the request as a shell command that reproduces it.
func (r Request) Curl() string {
	var b strings.Builder
	b.WriteString("curl -sS -i -X ")
	b.WriteString(r.Method)
	b.WriteString(" ")
	b.WriteString(shellQuote(r.URL))
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" -H ")
		b.WriteString(shellQuote(k + ": " + r.Header[k]))
	}
	if r.Body != "" {
		b.WriteString(" --data-binary ")
		b.WriteString(shellQuote(r.Body))
	}
	return b.String()
}

// shellQuote quotes s for POSIX shells: single quotes, with each ' written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// outgoing is a request the checker is about to send.
type outgoing struct {
	method  string
	url     string
	header  http.Header
	body    []byte
	hasBody bool
}

// received is a response read completely.
type received struct {
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
}

func (o outgoing) record() Request {
	r := Request{Method: o.method, URL: o.url, Header: flatHeader(o.header)}
	if o.hasBody {
		r.Body = clip(o.body)
	}
	return r
}

func (r *received) record() *Response {
	if r == nil {
		return nil
	}
	return &Response{Status: r.status, Header: flatHeader(r.header), Body: clip(r.body), DurationMS: r.duration.Milliseconds()}
}

func exchange(o outgoing, r *received) Exchange {
	req := o.record()
	return Exchange{Request: req, Curl: req.Curl(), Response: r.record()}
}

func flatHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	return out
}

func clip(b []byte) string {
	if len(b) <= maxBodyInReport {
		return string(b)
	}
	return string(b[:maxBodyInReport]) + fmt.Sprintf("… (%d more bytes)", len(b)-maxBodyInReport)
}

// send performs one request and reads the whole answer, timing it from the first byte sent to
// the last byte read.
func send(ctx context.Context, client *http.Client, o outgoing) (*http.Request, *received, error) {
	var body io.Reader
	if o.hasBody {
		body = bytes.NewReader(o.body)
	}
	req, err := http.NewRequestWithContext(ctx, o.method, o.url, body)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range o.header {
		req.Header[k] = v
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return req, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return req, nil, fmt.Errorf("read response: %w", err)
	}
	return req, &received{status: resp.StatusCode, header: resp.Header, body: data, duration: time.Since(start)}, nil
}

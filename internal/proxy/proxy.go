// Package proxy is a reverse proxy that checks live traffic against a contract: every request
// and every response passing through is validated with the same validator paxkit's server
// uses (internal/validate, kin-openapi's openapi3filter), and each violation is logged and
// kept for a report. Traffic passes unchanged, unless the proxy is told to block requests that
// break the contract.
package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/validate"
)

// Config configures a Proxy.
type Config struct {
	// Doc is the contract; its paths are matched against the request path as received.
	Doc *openapi3.T
	// Upstream is where requests go; its path, if any, is put in front of the request path.
	Upstream *url.URL
	// Block refuses requests that break the contract (400, or 404/405 for a request the
	// contract has no operation for) instead of passing them on.
	Block bool
	// BodyLimit caps how much of a body is read for validation (default 16 MiB). A larger
	// body is still passed on, unread, and reported as not checked.
	BodyLimit int64
	Logger    *slog.Logger
	// Transport reaches the upstream (default http.DefaultTransport).
	Transport http.RoundTripper
}

// Direction says which half of an exchange broke the contract.
type Direction string

const (
	Request  Direction = "request"
	Response Direction = "response"
)

// Violation is one exchange half that broke the contract, with every problem found in it.
type Violation struct {
	Direction Direction          `json:"direction"`
	Method    string             `json:"method"`
	Path      string             `json:"path"`
	Operation string             `json:"operation,omitempty"`
	Status    int                `json:"status,omitempty"` // of the response
	Blocked   bool               `json:"blocked,omitempty"`
	Problems  []apidef.Violation `json:"problems"`
}

// maxKept bounds the violations kept for the report, so that a proxy left running against a
// badly broken upstream does not grow without end; the counts stay exact.
const maxKept = 10000

// Proxy is an http.Handler; it is safe for concurrent use.
type Proxy struct {
	cfg       Config
	validator *validate.Validator
	rp        *httputil.ReverseProxy

	mu    sync.Mutex
	stats Stats
	kept  []Violation
}

// Stats count what the proxy checked.
type Stats struct {
	Requests, Responses                  int // checked
	InvalidRequests, InvalidResponses    int
	Blocked, Unchecked, UpstreamFailures int
	Dropped                              int // violations not kept (over maxKept)
	ByOperation                          map[string]*OperationStats
}

// OperationStats count the checks of one operation (or "METHOD path" outside the contract).
type OperationStats struct {
	Requests, InvalidRequests, Responses, InvalidResponses int
}

// New builds a proxy for cfg.
func New(cfg Config) (*Proxy, error) {
	if cfg.Doc == nil || cfg.Upstream == nil {
		return nil, errors.New("proxy: a contract and an upstream are required")
	}
	if cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https" || cfg.Upstream.Host == "" {
		return nil, fmt.Errorf("proxy: upstream %q must be an http or https URL with a host", cfg.Upstream)
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 16 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	// The contract's paths are matched as received: the proxy stands where the API's server
	// would, whatever its servers list says.
	v, err := validate.New(cfg.Doc, "")
	if err != nil {
		return nil, fmt.Errorf("proxy: %w", err)
	}
	p := &Proxy{cfg: cfg, validator: v, stats: Stats{ByOperation: map[string]*OperationStats{}}}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// Only the destination changes; no X-Forwarded-* headers are added, so the
			// upstream sees the client's request as sent.
			pr.SetURL(cfg.Upstream)
		},
		Transport:      cfg.Transport,
		ModifyResponse: p.checkResponse,
		ErrorHandler:   p.upstreamFailed,
	}
	return p, nil
}

type exchangeKey struct{}

// exchange is what the response check needs to know about its request.
type exchange struct {
	req       *http.Request
	route     validate.Route
	routed    bool
	operation string
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ex := &exchange{req: r}
	body, complete, err := readUpTo(r.Body, p.cfg.BodyLimit)
	if err != nil {
		p.cfg.Logger.Warn("reading the request body failed", "method", r.Method, "path", r.URL.Path, "error", err)
		http.Error(w, "paxkit proxy: the request body could not be read", http.StatusBadGateway)
		return
	}
	r.Body = replay(body, r.Body, complete)
	route, f := p.validator.FindRoute(r)
	ex.operation = r.Method + " " + r.URL.Path
	var problems []apidef.Violation
	status := http.StatusBadRequest
	switch {
	case f != nil:
		problems = []apidef.Violation{{In: apidef.InPath, Message: f.Message}}
		status = f.Kind.DefaultStatus()
	case !complete:
		ex.route, ex.routed, ex.operation = route, true, route.OperationID()
		p.count(func(s *Stats) { s.Unchecked++ })
		p.cfg.Logger.Warn("request body over the limit: not checked", "operation", ex.operation, "limit", p.cfg.BodyLimit)
	default:
		ex.route, ex.routed, ex.operation = route, true, route.OperationID()
		// The validator reads the body from a copy: what is forwarded is what arrived.
		check := r.Clone(r.Context())
		if fail := p.validator.Request(r.Context(), check, route, body); fail != nil {
			problems = fail.Violations
			if len(problems) == 0 {
				problems = []apidef.Violation{{In: apidef.InBody, Message: fail.Message}}
			}
		}
		r.Body = replay(body, nil, true)
	}
	p.countOperation(ex.operation, func(o *OperationStats) {
		o.Requests++
		if len(problems) > 0 {
			o.InvalidRequests++
		}
	})
	p.count(func(s *Stats) { s.Requests++ })
	if len(problems) > 0 {
		v := Violation{Direction: Request, Method: r.Method, Path: r.URL.RequestURI(), Operation: opName(ex), Blocked: p.cfg.Block, Problems: problems}
		p.record(v)
		p.count(func(s *Stats) { s.InvalidRequests++ })
		if p.cfg.Block {
			p.count(func(s *Stats) { s.Blocked++ })
			writeRefusal(w, status, v)
			return
		}
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)))
}

func opName(ex *exchange) string {
	if ex.routed {
		return ex.operation
	}
	return ""
}

// checkResponse validates the upstream's answer and hands it on unchanged.
func (p *Proxy) checkResponse(resp *http.Response) error {
	ex, _ := resp.Request.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil || !ex.routed {
		return nil // a request outside the contract has no response to check against
	}
	body, complete, err := readUpTo(resp.Body, p.cfg.BodyLimit)
	if err != nil {
		return fmt.Errorf("proxy: read the upstream response: %w", err)
	}
	resp.Body = replay(body, resp.Body, complete)
	if !complete {
		p.count(func(s *Stats) { s.Unchecked++ })
		p.cfg.Logger.Warn("response body over the limit: not checked", "operation", ex.operation, "limit", p.cfg.BodyLimit)
		return nil
	}
	plain, err := decoded(resp.Header.Get("Content-Encoding"), body)
	var problems []apidef.Violation
	if err != nil {
		problems = []apidef.Violation{{In: apidef.InBody, Message: "cannot be decoded: " + err.Error()}}
	} else if verr := p.validator.Response(ex.req.Context(), ex.req, ex.route, resp.StatusCode, resp.Header, plain); verr != nil {
		problems = responseProblems(verr, resp.StatusCode, ex.operation)
	}
	p.count(func(s *Stats) {
		s.Responses++
		if len(problems) > 0 {
			s.InvalidResponses++
		}
	})
	p.countOperation(ex.operation, func(o *OperationStats) {
		o.Responses++
		if len(problems) > 0 {
			o.InvalidResponses++
		}
	})
	if len(problems) > 0 {
		p.record(Violation{Direction: Response, Method: ex.req.Method, Path: ex.req.URL.RequestURI(), Operation: ex.operation,
			Status: resp.StatusCode, Problems: problems})
	}
	return nil
}

func (p *Proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	p.count(func(s *Stats) { s.UpstreamFailures++ })
	p.cfg.Logger.Error("upstream unreachable", "method", r.Method, "path", r.URL.Path, "upstream", p.cfg.Upstream.String(), "error", err)
	w.WriteHeader(http.StatusBadGateway)
}

// responseProblems turns openapi3filter's response errors into violations: status, headers
// and body, each body problem with its JSON pointer.
func responseProblems(err error, status int, operation string) []apidef.Violation {
	var out []apidef.Violation
	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var re *openapi3filter.ResponseError
		if errors.As(err, &re) {
			if re.Reason == "status is not supported" {
				out = append(out, apidef.Violation{In: InStatus, Message: fmt.Sprintf("%d is not a status the contract lists for %s", status, operation)})
				return
			}
			if m := missingHeader.FindStringSubmatch(re.Reason); m != nil {
				out = append(out, apidef.Violation{In: apidef.InHeader, Name: m[1], Missing: true, Message: "is required"})
				return
			}
			if re.Err == nil {
				out = append(out, apidef.Violation{In: apidef.InBody, Message: re.Reason})
				return
			}
			if strings.Contains(re.Reason, "header") {
				out = append(out, apidef.Violation{In: apidef.InHeader, Message: re.Reason + ": " + re.Err.Error()})
				return
			}
			var se *openapi3.SchemaError
			var me openapi3.MultiError
			if errors.As(re.Err, &se) || errors.As(re.Err, &me) {
				out = append(out, validate.Violations(re.Err)...)
				return
			}
			out = append(out, apidef.Violation{In: apidef.InBody, Message: strings.TrimSpace(re.Reason + ": " + re.Err.Error())})
			return
		}
		out = append(out, apidef.Violation{In: apidef.InBody, Message: err.Error()})
	}
	walk(err)
	return out
}

// InStatus locates a problem in a response's status code, which apidef (made for requests)
// has no location for.
const InStatus apidef.Location = "status"

// missingHeader matches openapi3filter's reason for a required response header that is absent.
var missingHeader = regexp.MustCompile(`^response header "(.+)" missing$`)

func (p *Proxy) record(v Violation) {
	attrs := []any{"direction", v.Direction, "method", v.Method, "path", v.Path}
	if v.Operation != "" {
		attrs = append(attrs, "operation", v.Operation)
	}
	if v.Status != 0 {
		attrs = append(attrs, "status", v.Status)
	}
	if v.Blocked {
		attrs = append(attrs, "blocked", true)
	}
	attrs = append(attrs, "problems", describe(v.Problems))
	p.cfg.Logger.Warn("contract violation", attrs...)
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.kept) >= maxKept {
		p.stats.Dropped++
		return
	}
	p.kept = append(p.kept, v)
}

// describe renders problems as one line each: "body /address/country: value is not ...".
func describe(problems []apidef.Violation) string {
	lines := make([]string, len(problems))
	for i, pr := range problems {
		lines[i] = Where(pr) + ": " + pr.Message
	}
	return strings.Join(lines, "; ")
}

// Where names the place of a problem as the server's errors do: "header Accept-Language",
// "body /address/country", "path customerId".
func Where(v apidef.Violation) string {
	s := string(v.In)
	if v.Name != "" {
		s += " " + v.Name
	}
	if v.Pointer != "" {
		s += " " + v.Pointer
	}
	return s
}

func (p *Proxy) count(f func(*Stats)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.stats)
}

func (p *Proxy) countOperation(op string, f func(*OperationStats)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.stats.ByOperation[op]
	if o == nil {
		o = &OperationStats{}
		p.stats.ByOperation[op] = o
	}
	f(o)
}

// Violations returns a copy of the violations kept so far, in the order they happened.
func (p *Proxy) Violations() []Violation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Violation(nil), p.kept...)
}

// Stats returns a copy of the counts so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.ByOperation = make(map[string]*OperationStats, len(p.stats.ByOperation))
	for k, v := range p.stats.ByOperation {
		c := *v
		s.ByOperation[k] = &c
	}
	return s
}

// writeRefusal answers a blocked request. The proxy does not know the vendor's error format,
// so it answers plain JSON, marked as the proxy's own.
func writeRefusal(w http.ResponseWriter, status int, v Violation) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Paxkit-Proxy", "blocked")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error":      "paxkit proxy: the request breaks the contract and was not passed on",
		"violations": v.Problems,
	})
}

// readUpTo reads at most limit bytes of r; complete is false when there was more.
func readUpTo(r io.Reader, limit int64) (data []byte, complete bool, err error) {
	if r == nil || r == http.NoBody {
		return nil, true, nil
	}
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(data)) > limit {
		return data, false, nil
	}
	return data, true, nil
}

// replay gives back a body already (partly) read: the bytes read, then the rest of the
// original when reading stopped at the limit.
func replay(read []byte, rest io.ReadCloser, complete bool) io.ReadCloser {
	if complete || rest == nil {
		if read == nil {
			return http.NoBody
		}
		return io.NopCloser(bytes.NewReader(read))
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), rest), rest}
}

// decoded returns the body as the contract describes it (without content coding); the
// client still gets the bytes as sent.
func decoded(encoding string, body []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		out, err := io.ReadAll(io.LimitReader(zr, 64<<20))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("content coding %q is not supported", encoding)
}

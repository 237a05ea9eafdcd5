// Package conformance checks a live HTTP endpoint against an OpenAPI contract, the way
// Schemathesis does: it sends every documented example, requests generated from the schemas,
// requests that break the contract (which must be refused), calls without and with wrong
// credentials, and stateful sequences that follow the spec's links; every answer is checked
// against the contract (status, Content-Type, headers, body schema) and a time limit.
package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/paxkit/paxkit/internal/jsonvalue"
	"github.com/paxkit/paxkit/internal/validate"
)

// ValueGenerator makes values that satisfy a schema, as a client would send them; name is the
// member or parameter name (generators use it to choose realistic values). paxkit's mock
// generator is the one the CLI uses.
type ValueGenerator interface {
	RequestValue(s *openapi3.SchemaRef, name string) (any, error)
}

// Config is one run.
type Config struct {
	// Doc is the contract; BaseURL is where its paths are served (for example
	// http://127.0.0.1:8080/tomp).
	Doc     *openapi3.T
	BaseURL string
	Profile Profile
	// Seed and MaxCases drive the generated positive cases: MaxCases per operation.
	Seed     uint64
	MaxCases int
	// MaxTime is the longest an answer may take (0: no limit).
	MaxTime time.Duration
	// Checks limits the run to some checks (nil: all).
	Checks []Check
	// NewGenerator makes the positive-case generator for a seed (nil: MockGenerator).
	NewGenerator func(seed uint64) ValueGenerator
	// Client sends the requests (nil: a client with a 30 s timeout).
	Client *http.Client
	// OnResult, when set, sees each result as soon as it is known (progress output).
	OnResult func(Result)
}

type runner struct {
	cfg       Config
	ctx       context.Context
	doc       *openapi3.T
	ops       []operation
	byID      map[string]*operation
	creds     credentials
	validator *validate.Validator
	client    *http.Client
	report    *Report
}

// Run performs the checks and returns the report. An error means the run could not be done
// (unusable spec or base URL); contract breaks are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Doc == nil {
		return nil, errors.New("conformance: no spec")
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("conformance: base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	cfg.BaseURL = base.String()
	ops := operations(cfg.Doc)
	v, err := validate.New(cfg.Doc, cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	if cfg.NewGenerator == nil {
		cfg.NewGenerator = MockGenerator
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	r := &runner{cfg: cfg, ctx: ctx, doc: cfg.Doc, ops: ops, byID: map[string]*operation{}, creds: specCredentials(cfg.Doc),
		validator: v, client: client, report: &Report{BaseURL: cfg.BaseURL}}
	if cfg.Doc.Info != nil {
		r.report.Title, r.report.Version = cfg.Doc.Info.Title, cfg.Doc.Info.Version
	}
	callable := r.ops[:0]
	for _, o := range r.ops {
		if o.Unsupported != "" {
			r.emit(skipped(&o, CheckExamples, "every check", o.Unsupported))
			continue
		}
		callable = append(callable, o)
	}
	r.ops = callable
	for i := range r.ops {
		r.byID[r.ops[i].ID] = &r.ops[i]
	}
	phases := map[Check]func(){
		CheckExamples: r.examples, CheckPositive: r.positive, CheckNegative: r.negative,
		CheckAuth: r.auth, CheckStateful: r.stateful,
	}
	for _, c := range Checks() {
		if cfg.Checks != nil && !containsCheck(cfg.Checks, c) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return r.report, fmt.Errorf("conformance: %w", err)
		}
		phases[c]()
	}
	return r.report, nil
}

func containsCheck(list []Check, c Check) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func (r *runner) emit(res Result) {
	if res.Status == Failed && len(res.Problems) == 0 {
		res.Problems = []string{"failed"}
	}
	r.report.add(res)
	if r.cfg.OnResult != nil {
		r.cfg.OnResult(res)
	}
}

// call is one request to build: parameter values by location and name, and a body.
type call struct {
	op      *operation
	params  map[string]map[string]string // in -> name -> value
	body    any                          // decoded JSON body, used unless raw is set
	hasBody bool
	raw     []byte // a body sent as is (malformed JSON)
	ctype   string // Content-Type override
	// omit lists parameters ("in name") left out on purpose, even if the profile has them.
	omit map[string]bool
	// noCreds sends no credentials; mangleCreds sends wrong ones.
	noCreds, mangleCreds bool
}

func (r *runner) newCall(o *operation) call {
	c := call{op: o, params: r.defaultParams(o)}
	if o.Body != nil {
		if v, ok := r.baseBody(o); ok {
			c.body, c.hasBody = v, true
		}
	}
	return c
}

// build turns a call into the request to send, credentials injected.
func (r *runner) build(c call) (outgoing, error) {
	path := c.op.Path
	for name, v := range c.params["path"] {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
	}
	u := r.cfg.BaseURL + path
	q := url.Values{}
	header := http.Header{}
	profile := r.cfg.Profile
	for k, v := range profile.Headers {
		canon := http.CanonicalHeaderKey(k)
		if r.isCredentialHeader(canon) {
			switch {
			case c.noCreds:
				continue
			case c.mangleCreds:
				v = mangle(v)
			}
		}
		header.Set(canon, v)
	}
	for k, v := range profile.Query {
		if r.isCredentialQuery(k) {
			switch {
			case c.noCreds:
				continue
			case c.mangleCreds:
				v = mangle(v)
			}
		}
		q.Set(k, v)
	}
	// Parameters win over the profile (a case that breaks a header on purpose must send its
	// value), except credentials, which only the profile supplies.
	for name, v := range c.params["header"] {
		if !r.isCredentialHeader(name) {
			header.Set(name, v)
		}
	}
	for name, v := range c.params["query"] {
		if !r.isCredentialQuery(name) {
			q.Set(name, v)
		}
	}
	for key := range c.omit {
		in, name, _ := strings.Cut(key, " ")
		switch in {
		case "header":
			header.Del(name)
		case "query":
			q.Del(name)
		}
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	out := outgoing{method: c.op.Method, url: u, header: header}
	switch {
	case c.raw != nil:
		out.body, out.hasBody = c.raw, true
	case c.hasBody:
		body := r.withBodyCredentials(c.body, c)
		data, err := json.Marshal(body)
		if err != nil {
			return outgoing{}, fmt.Errorf("encode body: %w", err)
		}
		out.body, out.hasBody = data, true
	}
	if out.hasBody {
		ct := c.op.MediaType
		if c.ctype != "" {
			ct = c.ctype
		}
		if ct == "" {
			ct = "application/json"
		}
		header.Set("Content-Type", ct)
	}
	return out, nil
}

func (r *runner) isCredentialHeader(name string) bool {
	for _, h := range r.creds.headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

func (r *runner) isCredentialQuery(name string) bool {
	for _, q := range r.creds.query {
		if q == name {
			return true
		}
	}
	return false
}

// withBodyCredentials puts the profile's body members into an object body. Members the spec
// declares as credentials are left out (noCreds) or changed (mangleCreds); other profile
// members are always sent.
func (r *runner) withBodyCredentials(body any, c call) any {
	obj, ok := body.(map[string]any)
	if !ok || len(r.cfg.Profile.Body) == 0 {
		return body
	}
	obj = jsonvalue.Copy(obj).(map[string]any)
	for _, k := range sortedKeys(r.cfg.Profile.Body) {
		v := jsonvalue.Copy(r.cfg.Profile.Body[k])
		if r.isCredentialBody(k) {
			switch {
			case c.noCreds:
				delete(obj, k)
				continue
			case c.mangleCreds:
				v = mangleValue(v)
			}
		}
		obj[k] = v
	}
	return obj
}

func (r *runner) isCredentialBody(name string) bool {
	for _, b := range r.creds.body {
		if b == name {
			return true
		}
	}
	return false
}

// mangle changes a credential so that it keeps its shape (length, character classes, a
// "Bearer " prefix) but no longer matches: the last letter or digit moves to the next one of
// its class. A server that only checks the shape accepts it; a server that checks the value
// must not.
func mangle(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			// stays a hex digit, so UUID-shaped tokens keep their pattern
			if c == 'f' || c == 'F' {
				b[i] = c - 5
			} else {
				b[i] = c + 1
			}
		case c >= 'g' && c <= 'z':
			b[i] = 'g' + (c-'g'+1)%20
		case c >= 'G' && c <= 'Z':
			b[i] = 'G' + (c-'G'+1)%20
		default:
			continue
		}
		return string(b)
	}
	return s + "x"
}

// mangleValue mangles every string inside a credential value (Erin's authenticate object has
// an email and a password) except short upper-case codes such as Erin's `type: B2C`, which are
// enum values: changing them would make the request invalid rather than unauthenticated.
func mangleValue(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) <= 4 && strings.ToUpper(x) == x {
			return x
		}
		return mangle(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = mangleValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mangleValue(e)
		}
		return out
	default:
		return x
	}
}

// exchangeResult is what happened to one request.
type exchangeResult struct {
	out      outgoing
	req      *http.Request
	resp     *received
	json     any // decoded response body, nil when not JSON
	problems []string
}

func (e exchangeResult) record() Exchange { return exchange(e.out, e.resp) }

// do builds, sends and checks one request against the contract.
func (r *runner) do(c call) exchangeResult {
	out, err := r.build(c)
	if err != nil {
		return exchangeResult{problems: []string{err.Error()}}
	}
	req, resp, err := send(r.ctx, r.client, out)
	res := exchangeResult{out: out, req: req, resp: resp}
	if err != nil {
		res.problems = []string{fmt.Sprintf("request failed: %v", err)}
		return res
	}
	if len(resp.body) > 0 {
		var v any
		if json.Unmarshal(resp.body, &v) == nil {
			res.json = v
		}
	}
	res.problems = r.verify(req, resp)
	return res
}

// verify checks an answer against the contract: documented status, Content-Type and
// headers, body valid against the schema, no server error, in time.
func (r *runner) verify(req *http.Request, resp *received) []string {
	var problems []string
	if resp.status >= 500 {
		problems = append(problems, fmt.Sprintf("server error: answered %d", resp.status))
	}
	route, f := r.validator.FindRoute(req)
	if f != nil {
		problems = append(problems, "the request matches no operation of the spec: "+f.Message)
	} else if err := r.validator.Response(r.ctx, req, route, resp.status, resp.header, resp.body); err != nil {
		problems = append(problems, describeResponseError(err, resp)...)
	}
	if r.cfg.MaxTime > 0 && resp.duration > r.cfg.MaxTime {
		problems = append(problems, fmt.Sprintf("answered in %d ms, over --max-time %s", resp.duration.Milliseconds(), r.cfg.MaxTime))
	}
	return problems
}

// describeResponseError turns kin-openapi's response validation error into one line per
// problem, each saying where it is.
func describeResponseError(err error, resp *received) []string {
	var out []string
	for _, e := range flattenErr(err) {
		var re *openapi3filter.ResponseError
		if !errors.As(e, &re) {
			out = append(out, e.Error())
			continue
		}
		reason := re.Reason
		switch {
		case strings.Contains(reason, "status is not supported"):
			out = append(out, fmt.Sprintf("status %d is not documented for this operation", resp.status))
			continue
		case strings.Contains(reason, "Content-Type"):
			ct := resp.header.Get("Content-Type")
			out = append(out, fmt.Sprintf("Content-Type %q is not documented for status %d", ct, resp.status))
			continue
		}
		if re.Err == nil {
			out = append(out, reason)
			continue
		}
		for _, sub := range flattenErr(re.Err) {
			for _, leaf := range describeLeaves(sub) {
				out = append(out, reason+": "+leaf)
			}
		}
	}
	sort.Strings(out)
	return out
}

// describeLeaves says where and why a value broke its schema. A value failing an allOf fails
// because of its parts, which kin-openapi keeps as the error's origin: those are reported
// instead of the summary, so the message names the member that is wrong.
func describeLeaves(err error) []string {
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return []string{err.Error()}
	}
	if se.SchemaField == "allOf" && se.Origin != nil {
		var out []string
		for _, e := range flattenAll(se.Origin) {
			var inner *openapi3.SchemaError
			if errors.As(e, &inner) {
				out = append(out, describeLeaves(inner)...)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	ptr := pointerString(se.JSONPointer())
	if ptr == "" {
		ptr = "/"
	}
	return []string{fmt.Sprintf("at %s: %s", ptr, se.Reason)}
}

// flattenAll expands every kind of multi-error kin-openapi wraps origins in.
func flattenAll(err error) []error {
	switch e := err.(type) {
	case nil:
		return nil
	case openapi3.MultiError:
		var out []error
		for _, x := range e {
			out = append(out, flattenAll(x)...)
		}
		return out
	case interface{ Unwrap() []error }:
		var out []error
		for _, x := range e.Unwrap() {
			out = append(out, flattenAll(x)...)
		}
		return out
	case *openapi3.SchemaError:
		return []error{e}
	case interface{ Unwrap() error }:
		if inner := e.Unwrap(); inner != nil {
			return flattenAll(inner)
		}
	}
	return []error{err}
}

func flattenErr(err error) []error {
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flattenErr(e)...)
		}
		return out
	}
	return []error{err}
}

// result makes a Result for an operation from the exchanges of one case.
func result(o *operation, check Check, name string, ex []exchangeResult, extra ...string) Result {
	res := Result{Operation: o.ID, Method: o.Method, Path: o.Path, Check: check, Name: name, Status: Passed}
	res.Problems = append(res.Problems, extra...)
	for _, e := range ex {
		res.Problems = append(res.Problems, e.problems...)
	}
	if len(res.Problems) > 0 {
		res.Status = Failed
		for _, e := range ex {
			if len(e.problems) > 0 || len(extra) > 0 {
				res.Exchanges = append(res.Exchanges, e.record())
			}
		}
	}
	return res
}

func skipped(o *operation, check Check, name, reason string) Result {
	return Result{Operation: o.ID, Method: o.Method, Path: o.Path, Check: check, Name: name, Status: Skipped, Reason: reason}
}

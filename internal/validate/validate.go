// Package validate checks HTTP requests and responses against one OpenAPI contract with
// kin-openapi's openapi3filter, and turns its errors into apidef violations: every problem,
// with the part of the request it is in and a JSON pointer, so that each API can render them
// in its own error format.
package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/paxkit/paxkit/internal/apidef"
)

// Validator validates traffic of one API mounted under a base path.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
	// byPattern maps a method and a pattern, the pattern in the syntax of echo's router
	// (/tomp/collections/customers/items/:id), to its operation; nil when some path template
	// of the contract does not translate (see RouteByPattern).
	byPattern map[methodPattern]*routers.Route
	// unsecured holds, for each operation, a copy without security requirements, which is
	// what openapi3filter is given: paxkit's own authenticators check credentials, and
	// kin-openapi would otherwise copy the body once per scheme only to call the no-op
	// AuthenticationFunc.
	unsecured map[*openapi3.Operation]*openapi3.Operation
}

type methodPattern struct{ method, pattern string }

// New builds a validator for doc as served under base (for example "/tomp"). doc is copied
// shallowly so that its servers can point at base without changing the caller's document.
func New(doc *openapi3.T, base string) (*Validator, error) {
	routed := *doc
	routed.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("validate: build router for %s: %w", base, err)
	}
	return &Validator{
		doc:       doc,
		router:    router,
		byPattern: patterns(&routed, base),
		unsecured: unsecured(doc),
		opts: &openapi3filter.Options{
			MultiError: true,
			// Credentials are checked by each API's own authenticator (the vendors put them in
			// headers and bodies that OpenAPI security schemes cannot all describe), before or
			// after this validation; here security requirements are declared satisfied.
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
			// The document's own string formats (uuid, email, uri) apply, not a global registry.
			SchemaValidationOptions: doc.GetSchemaValidationOptions(),
			// Defaults from the schema are not written into the request: handlers see what the
			// client sent.
			SkipSettingDefaults: true,
			// The generated strict handlers bind the value validated here instead of decoding
			// the body a second time (and with exact member names, where encoding/json would
			// match them ignoring case); it also lets them bind media types echo's binder does
			// not know, such as application/merge-patch+json.
			KeepValidatedValue: true,
		},
	}, nil
}

// Doc is the contract the validator checks against.
func (v *Validator) Doc() *openapi3.T { return v.doc }

// Route is the operation a request matched, with its path parameters.
type Route struct {
	route  *routers.Route
	params map[string]string
}

// OperationID is the matched operation's id.
func (r Route) OperationID() string { return r.route.Operation.OperationID }

// Operation is the matched operation.
func (r Route) Operation() *openapi3.Operation { return r.route.Operation }

// Matched is the route as handlers read it from the request context (apidef.RouteFrom).
func (r Route) Matched() apidef.MatchedRoute {
	return apidef.MatchedRoute{Route: r.route, PathParams: r.params}
}

// patterns indexes the operations of doc by their path in echo's syntax under base, or
// returns nil if some template has no such form (see EchoPattern).
func patterns(doc *openapi3.T, base string) map[methodPattern]*routers.Route {
	out := map[methodPattern]*routers.Route{}
	for template, item := range doc.Paths.Map() {
		pattern, ok := EchoPattern(template)
		if !ok {
			return nil
		}
		for method, op := range item.Operations() {
			out[methodPattern{method, base + pattern}] = &routers.Route{Spec: doc, Path: template, PathItem: item, Method: method, Operation: op}
		}
	}
	return out
}

func unsecured(doc *openapi3.T) map[*openapi3.Operation]*openapi3.Operation {
	out := map[*openapi3.Operation]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			bare := *op
			bare.Security = &openapi3.SecurityRequirements{}
			out[op] = &bare
		}
	}
	return out
}

// EchoPattern translates an OpenAPI path template into the syntax of echo's router
// (/items/{id} → /items/:id). ok is false when echo would read the template differently: a
// parameter that is not a whole segment (/items/{id}.json) or a literal ':' or '*'.
func EchoPattern(template string) (string, bool) {
	segments := strings.Split(template, "/")
	for i, seg := range segments {
		switch {
		case !strings.ContainsAny(seg, "{}:*"):
		case len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}:*"):
			segments[i] = ":" + seg[1:len(seg)-1]
		default:
			return "", false
		}
	}
	return strings.Join(segments, "/"), true
}

// RouteByPattern finds the operation of a request that echo's router has already matched to
// pattern (echo's c.Path()), with its parameter names and values, without matching the path a
// second time. ok is false when the pattern is no operation of the contract (a catch-all
// route, say); FindRoute then decides. The caller passes unescaped values only: echo's values
// are raw when the request path has escapes, so such requests go to FindRoute.
func (v *Validator) RouteByPattern(method, pattern string, names, values []string) (Route, bool) {
	route := v.byPattern[methodPattern{method, pattern}]
	if route == nil || len(names) != len(values) {
		return Route{}, false
	}
	params := make(map[string]string, len(names))
	for i, name := range names {
		params[name] = values[i]
	}
	return Route{route: route, params: params}, true
}

// FindRoute matches a request to an operation. It answers a failure of kind RouteNotFound or
// MethodNotAllowed when nothing matches.
func (v *Validator) FindRoute(r *http.Request) (Route, *apidef.Failure) {
	route, params, err := v.router.FindRoute(r)
	if err == nil {
		return Route{route: route, params: params}, nil
	}
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		f := apidef.Fail(apidef.MethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path)
		f.Allow = v.allowedMethods(r)
		return Route{}, f
	}
	return Route{}, apidef.Fail(apidef.RouteNotFound, "no operation at %s %s", r.Method, r.URL.Path)
}

// allowedMethods lists the methods the contract has for the request's path. It is only asked
// after a 405, so trying each method is cheap enough.
func (v *Validator) allowedMethods(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := v.router.FindRoute(probe); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// Request validates path, query, header and cookie parameters and the body of r against the
// matched operation and returns every violation found. body is the request body already read
// (r.Body is replaced by a reader over it, so handlers can read it again).
func (v *Validator) Request(ctx context.Context, r *http.Request, route Route, body []byte) *apidef.Failure {
	// kin-openapi decodes the first JSON value of a body and ignores what follows; a body
	// such as `{"id":"a"} trailing` is not JSON and must not be half-read. Data after the first
	// value is found here by a scan of brackets and strings; whether that value itself is JSON
	// is left to kin-openapi's decoding, and json.Valid (a third pass over the body) only runs
	// when kin-openapi refused the request or did not decode the body.
	jsonBody := len(body) > 0 && apidef.IsJSON(r.Header.Get("Content-Type"))
	if jsonBody && dataAfterFirstValue(body) {
		return notJSON(body)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	unsecured := *route.route
	if op := v.unsecured[unsecured.Operation]; op != nil {
		unsecured.Operation = op
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: route.params,
		Route:      &unsecured,
		Options:    v.opts,
	}
	err := openapi3filter.ValidateRequest(ctx, input)
	if err == nil {
		_, decoded := apidef.ValidatedBody(r)
		if !decoded {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if jsonBody && !decoded && !json.Valid(body) {
			return notJSON(body)
		}
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if jsonBody && !json.Valid(body) {
		return notJSON(body)
	}
	return &apidef.Failure{
		Kind:       apidef.Invalid,
		Message:    "the request does not match the contract",
		Violations: Violations(err),
		Cause:      err,
	}
}

// notJSON is the failure of a JSON body that is not one JSON value.
func notJSON(body []byte) *apidef.Failure {
	return &apidef.Failure{Kind: apidef.Invalid, Message: "the request body is not valid JSON",
		Violations: []apidef.Violation{{In: apidef.InBody, Message: "is not valid JSON: " + jsonProblem(body)}}}
}

// dataAfterFirstValue reports whether body holds something other than white space after its
// first value, when that value is an object or an array. It only follows brackets and
// strings, so it does not check the value itself; but for a value that is valid JSON it
// finds exactly its end, so a true answer means the body is not valid JSON, and a false one
// means the body is valid JSON as soon as its first value is. A body not starting with an
// object or an array (rare: a scalar, or no JSON at all) is checked whole with json.Valid.
func dataAfterFirstValue(body []byte) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' && body[i] != '[' {
		return !json.Valid(body)
	}
	depth, inString := 0, false
	for ; i < len(body); i++ {
		c := body[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped character cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return skipSpace(body, i+1) < len(body)
			}
		}
	}
	return false // unterminated: not JSON, which decoding reports
}

// skipSpace returns the offset of the first byte from i on that is not JSON white space.
func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

// jsonProblem describes why a body is not one JSON value.
func jsonProblem(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err.Error()
	}
	return fmt.Sprintf("unexpected data after the JSON value at byte %d", dec.InputOffset())
}

// Response validates a response the server is about to send (status, headers, body) and
// returns the problems found, or nil.
func (v *Validator) Response(ctx context.Context, r *http.Request, route Route, status int, header http.Header, body []byte) error {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: route.params,
			Route:      route.route,
			Options:    v.opts,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, SchemaValidationOptions: v.opts.SchemaValidationOptions},
	}
	return openapi3filter.ValidateResponse(ctx, input)
}

// Schema validates a Go value (for example a generated type an implementation derived, such
// as the result of a merge patch) against the named component schema of doc, as a request
// value, and returns every violation with its pointer below prefix. The value goes through
// JSON, so it is judged exactly as it will be sent.
func Schema(doc *openapi3.T, name string, value any, prefix string) ([]apidef.Violation, error) {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("validate: the contract has no schema %q", name)
	}
	data, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("validate: encode %s: %w", name, err)
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return nil, fmt.Errorf("validate: decode %s: %w", name, err)
	}
	opts := append(doc.GetSchemaValidationOptions(), openapi3.MultiErrors(), openapi3.VisitAsRequest())
	verr := ref.Value.VisitJSON(generic, opts...)
	if verr == nil {
		return nil, nil
	}
	out := Violations(verr)
	for i := range out {
		out[i].In = apidef.InBody
		out[i].Pointer = prefix + out[i].Pointer
	}
	return out, nil
}

// Violations converts an error returned by openapi3filter or by schema validation into
// violations. Errors it does not recognise become one violation carrying their message, so
// that nothing is ever dropped.
func Violations(err error) []apidef.Violation {
	var out []apidef.Violation
	for _, e := range flatten(err) {
		out = append(out, convert(e)...)
	}
	for i := range out {
		out[i].Message = shorten(out[i].Message)
	}
	sortViolations(out)
	if len(out) > maxViolations {
		more := len(out) - (maxViolations - 1)
		out = append(out[:maxViolations-1], apidef.Violation{In: out[maxViolations-1].In,
			Message: fmt.Sprintf("and %d more violations; fix the ones listed and send again", more)})
	}
	return out
}

// maxViolations caps how many violations one refusal lists (TOMP's renderer lists 10 at most
// anyway). A 10k-item array of wrong items otherwise answered a Mews message of 6 MB.
const maxViolations = 100

// maxMessage caps a violation's message. kin-openapi quotes the offending value in full (a
// malformed date twice), so a 10 MB string in a date field answered 20 MB, found by the
// bad-input corpus: an error must say where and what, not echo the input back.
const maxMessage = 2048

func shorten(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes)", msg[:cut], len(msg)-cut)
}

// sortViolations puts violations in a stable, readable order: by part of the request (path,
// query, header, cookie, body), then name, then pointer. kin-openapi reports them in map
// order, which would make the same request answer differently each time.
func sortViolations(vs []apidef.Violation) {
	rank := map[apidef.Location]int{apidef.InPath: 0, apidef.InQuery: 1, apidef.InHeader: 2, apidef.InCookie: 3, apidef.InBody: 4}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if rank[a.In] != rank[b.In] {
			return rank[a.In] < rank[b.In]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		return a.Message < b.Message
	})
}

// flatten expands multi-errors at the top level only: errors.As would also find the
// multi-error inside a RequestError and lose the parameter or body it is about.
func flatten(err error) []error {
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func convert(err error) []apidef.Violation {
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		return convertRequestError(re)
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return fromSchemaError(se, apidef.InBody, "")
	}
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		return []apidef.Violation{fromParseError(pe, apidef.InBody, "")}
	}
	return []apidef.Violation{{In: apidef.InBody, Message: err.Error()}}
}

func convertRequestError(re *openapi3filter.RequestError) []apidef.Violation {
	in, name := apidef.InBody, ""
	if p := re.Parameter; p != nil {
		in, name = apidef.Location(p.In), p.Name
	}
	if re.Parameter == nil && strings.Contains(re.Reason, "header Content-Type has unexpected value") {
		return []apidef.Violation{{In: apidef.InHeader, Name: "Content-Type", Message: contentTypeMessage(re)}}
	}
	if re.Err == nil {
		return []apidef.Violation{{In: in, Name: name, Message: re.Reason}}
	}
	var out []apidef.Violation
	for _, e := range flatten(re.Err) {
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(e, &se):
			out = append(out, fromSchemaError(se, in, name)...)
		case errors.As(e, &pe):
			out = append(out, fromParseError(pe, in, name))
		case errors.Is(e, openapi3filter.ErrInvalidRequired):
			what := "a value is required"
			if in == apidef.InBody {
				what = "a request body is required"
			}
			out = append(out, apidef.Violation{In: in, Name: name, Missing: true, Message: what})
		case errors.Is(e, openapi3filter.ErrInvalidEmptyValue):
			out = append(out, apidef.Violation{In: in, Name: name, Message: "must not be empty"})
		default:
			msg := e.Error()
			if re.Reason != "" && !strings.Contains(msg, re.Reason) {
				msg = re.Reason + ": " + msg
			}
			out = append(out, apidef.Violation{In: in, Name: name, Message: msg})
		}
	}
	return out
}

func contentTypeMessage(re *openapi3filter.RequestError) string {
	got := ""
	if re.Input != nil && re.Input.Request != nil {
		got = re.Input.Request.Header.Get("Content-Type")
	}
	var want []string
	if re.RequestBody != nil {
		for mt := range re.RequestBody.Content {
			want = append(want, mt)
		}
	}
	if got == "" {
		return fmt.Sprintf("missing; send %s", strings.Join(want, " or "))
	}
	return fmt.Sprintf("%q is not accepted; send %s", got, strings.Join(want, " or "))
}

func fromSchemaError(se *openapi3.SchemaError, in apidef.Location, name string) []apidef.Violation {
	var ptr strings.Builder
	for _, tok := range se.JSONPointer() {
		ptr.WriteString("/")
		ptr.WriteString(escapeToken(tok))
	}
	// A value that fails an allOf fails because of its parts: kin-openapi keeps those as the
	// error's origin, with pointers relative to the value. They are what the caller must fix,
	// so they replace the summary. (oneOf/anyOf keep the summary: listing why every
	// alternative failed would mislead more than help.)
	if se.SchemaField == "allOf" && se.Origin != nil {
		var inner []apidef.Violation
		for _, ise := range schemaErrors(se.Origin) {
			inner = append(inner, fromSchemaError(ise, in, name)...)
		}
		if len(inner) > 0 {
			return inner
		}
	}
	v := apidef.Violation{In: in, Name: name, Pointer: ptr.String(), Message: se.Reason}
	// kin-openapi reports a property the schema does not allow at the object holding it;
	// the caller needs to know which member to drop, so the pointer names it.
	if m := unsupportedProperty.FindStringSubmatch(se.Reason); m != nil {
		if prop, err := strconv.Unquote(m[1]); err == nil {
			v.Pointer += "/" + escapeToken(prop)
			v.Message = "is not allowed here"
		}
	}
	if se.SchemaField == "required" {
		v.Missing = true
		v.Message = "is required"
	}
	return []apidef.Violation{v}
}

func fromParseError(pe *openapi3filter.ParseError, in apidef.Location, name string) apidef.Violation {
	var ptr strings.Builder
	for _, tok := range pe.Path() {
		ptr.WriteString("/")
		ptr.WriteString(escapeToken(fmt.Sprint(tok)))
	}
	msg := pe.Reason
	if root := pe.RootCause(); root != nil {
		if msg != "" {
			msg += ": "
		}
		msg += root.Error()
	}
	if msg == "" {
		msg = "cannot be parsed"
	}
	if in == apidef.InBody && ptr.Len() == 0 {
		msg = "is not valid JSON: " + msg
	}
	return apidef.Violation{In: in, Name: name, Pointer: ptr.String(), Message: msg}
}

// schemaErrors digs every schema error out of an allOf origin, which kin-openapi wraps in
// fmt errors and multi-errors of several kinds. Their pointers are already absolute.
func schemaErrors(err error) []*openapi3.SchemaError {
	switch e := err.(type) {
	case nil:
		return nil
	case *openapi3.SchemaError:
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var out []*openapi3.SchemaError
		for _, x := range e {
			out = append(out, schemaErrors(x)...)
		}
		return out
	case interface{ Unwrap() []error }:
		var out []*openapi3.SchemaError
		for _, x := range e.Unwrap() {
			out = append(out, schemaErrors(x)...)
		}
		return out
	}
	return schemaErrors(errors.Unwrap(err))
}

// unsupportedProperty matches kin-openapi's reason for a property additionalProperties
// forbids. Property names are JSON strings, so %q quoting round-trips through strconv.
var unsupportedProperty = regexp.MustCompile(`^property (".*") is unsupported$`)

// escapeToken encodes one JSON pointer reference token (RFC 6901 §3).
func escapeToken(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

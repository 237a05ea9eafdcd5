package mock

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/validate"
)

// Mode says where response bodies come from by default.
type Mode int

const (
	// Static answers the documented example (or, where none is documented, a generated value
	// that is the same for every request of the operation and path).
	Static Mode = iota
	// Dynamic answers generated data (error statuses still answer their documented example
	// unless the request says Prefer: dynamic=true).
	Dynamic
)

// ParseMode reads "static" or "dynamic".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(s) {
	case "static":
		return Static, nil
	case "dynamic":
		return Dynamic, nil
	}
	return 0, fmt.Errorf("mode must be static or dynamic, not %q", s)
}

func (m Mode) String() string {
	if m == Dynamic {
		return "dynamic"
	}
	return "static"
}

// Options configure a mock.
type Options struct {
	Mode Mode
	// Seed makes every generated body reproducible: the same seed and request give the same
	// answer in every run.
	Seed uint64
	// Latency delays every answer by a random time in the range (zero: none).
	Latency Range
	// ErrorRate is the probability, 0 to 1, that a valid request answers a documented 5xx.
	ErrorRate float64
}

// Responder answers every operation of one contract with a documented example or generated
// data. It runs behind paxkit's server core, so the request it sees has already been routed,
// authenticated and validated; it is safe for concurrent use.
type Responder struct {
	doc  *openapi3.T
	opts Options
	// gens recycles generators, whose caches (merged allOf schemas, compiled patterns) outlive
	// one request; each is reseeded per response.
	gens sync.Pool
	// faults draws latency and injected errors; seeded, so a run with --seed fails the same
	// requests in the same order.
	faultsMu sync.Mutex
	faults   *rand.Rand
	// codes lists each operation's documented status codes in order, worked out once: sorting
	// them for every request showed in the profile.
	codes map[*openapi3.Operation][]int
	// encoded holds the bytes of every example answered so far (exampleKey → []byte): an
	// example is fixed text, and encoding it again for every request was the largest cost of
	// the static mock.
	encoded sync.Map
}

// exampleKey names one example answer: the media type object it is documented under, the
// example's name as asked for ("" for the default one) and the media type it is sent as.
type exampleKey struct {
	media *openapi3.MediaType
	name  string
	mt    string
}

// NewResponder builds a responder for doc. The refusals it makes itself (an undocumented
// Prefer code, say) are apidef failures, which the core renders in the API's format like its
// own.
func NewResponder(doc *openapi3.T, opts Options) (*Responder, error) {
	if opts.ErrorRate < 0 || opts.ErrorRate > 1 {
		return nil, fmt.Errorf("mock: error rate %v is not between 0 and 1", opts.ErrorRate)
	}
	rp := &Responder{
		doc:    doc,
		opts:   opts,
		faults: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5bd1e995)),
	}
	rp.gens.New = func() any { return NewGenerator(0) }
	rp.codes = map[*openapi3.Operation][]int{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			rp.codes[op] = documentedCodes(op)
		}
	}
	return rp, nil
}

// Register answers every path under g with the responder; the server core in front of it has
// already refused what the contract does not allow.
//
// Each operation gets its own route where echo's syntax can say its path, so that the core
// finds the operation from echo's match instead of matching the path again
// (validate.RouteByPattern); the catch-all routes take the rest.
func (rp *Responder) Register(g *echo.Group) {
	for template, item := range rp.doc.Paths.Map() {
		pattern, ok := validate.EchoPattern(template)
		if !ok {
			continue
		}
		for method := range item.Operations() {
			g.Add(method, pattern, rp.Handle)
		}
	}
	g.Any("", rp.Handle)
	g.Any("/*", rp.Handle)
}

// owns reports whether route is an operation of the responder's contract.
func (rp *Responder) owns(route *routers.Route) bool {
	item := rp.doc.Paths.Value(route.Path)
	return item != nil && item.GetOperation(route.Method) == route.Operation
}

// Handle answers one request the core has let through.
func (rp *Responder) Handle(c echo.Context) error {
	r := c.Request()
	matched, ok := apidef.RouteFrom(r.Context())
	if !ok || !rp.owns(matched.Route) {
		// The core routes every request with the contract it validates against; this cannot
		// happen unless the responder was registered for another one.
		return &apidef.Failure{Kind: apidef.Internal, Message: "mock: the request was not routed to an operation of this contract"}
	}
	route, params := matched.Route, matched.PathParams
	pref, err := ParsePrefer(r.Header.Values("Prefer"))
	if err != nil {
		return preferFailure(err.Error())
	}
	wait, fault := rp.draw(pref)
	if wait > 0 {
		if err := sleep(r.Context(), wait); err != nil {
			return nil // the client left; nobody reads an answer
		}
	}
	status, resp, f := rp.pickResponse(route.Operation, pref, fault)
	if f != nil {
		return f
	}
	gen := &lazyGenerator{pool: &rp.gens, seed: func() uint64 { return rp.seedFor(r, route, params, status) }}
	defer gen.release()
	hdr := c.Response().Header()
	if resp != nil {
		if err := rp.writeHeaders(gen, resp, hdr); err != nil {
			return &apidef.Failure{Kind: apidef.Internal, Message: "mock: headers", Cause: err}
		}
	}
	if resp == nil || len(resp.Content) == 0 {
		hdr.Del(echo.HeaderContentType)
		return c.NoContent(status)
	}
	mt, media := pickMedia(resp.Content, r.Header.Get("Accept"))
	// Error answers keep their documented example in dynamic mode too: a vendor's error body
	// is fixed text, and generated error codes and titles would only look broken.
	dynamic := rp.opts.Mode == Dynamic && status < 400
	if pref.Dynamic != nil {
		dynamic = *pref.Dynamic
	}
	if pref.Example != "" || !dynamic {
		ex, found, f := rp.example(gen, media, pref.Example)
		if f != nil {
			return f
		}
		if found {
			return rp.writeExample(c, status, mt, exampleKey{media, pref.Example, mt}, ex)
		}
	}
	if media.Schema == nil {
		return rp.write(c, status, mt, nil)
	}
	g := gen.get()
	body, err := g.Value(media.Schema, Response, "")
	if err != nil {
		return &apidef.Failure{Kind: apidef.Internal, Message: "mock: generate body", Cause: err}
	}
	body = rp.adopt(g, media.Schema, body, params, status)
	return rp.write(c, status, mt, body)
}

func preferFailure(msg string) *apidef.Failure {
	return &apidef.Failure{Kind: apidef.Invalid, Message: "the Prefer header asks for something this operation does not document",
		Violations: []apidef.Violation{{In: apidef.InHeader, Name: "Prefer", Message: msg}}}
}

// draw decides this request's latency and whether it gets an injected fault.
func (rp *Responder) draw(p Prefer) (time.Duration, bool) {
	lat := rp.opts.Latency
	if p.Latency != nil {
		lat = *p.Latency
	}
	rp.faultsMu.Lock()
	defer rp.faultsMu.Unlock()
	wait := lat.Min
	if lat.Max > lat.Min {
		wait += time.Duration(rp.faults.Int64N(int64(lat.Max-lat.Min) + 1))
	}
	var fault bool
	switch p.Error {
	case ErrorDefault:
		fault = rp.opts.ErrorRate > 0 && rp.faults.Float64() < rp.opts.ErrorRate
	case ErrorNever:
	default:
		fault = true
	}
	return wait, fault
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pickResponse chooses the status and documented response: a fault's 5xx, the preferred code,
// or the first 2xx. A nil response with a nil failure is an undocumented 5xx fault.
func (rp *Responder) pickResponse(op *openapi3.Operation, p Prefer, fault bool) (int, *openapi3.Response, *apidef.Failure) {
	documented, ok := rp.codes[op]
	if !ok {
		documented = documentedCodes(op)
	}
	lookup := func(code int) *openapi3.Response {
		if op.Responses == nil {
			return nil
		}
		if ref := op.Responses.Status(code); ref != nil {
			return ref.Value
		}
		if ref := op.Responses.Value(strconv.Itoa(code/100) + "XX"); ref != nil {
			return ref.Value
		}
		if ref := op.Responses.Default(); ref != nil {
			return ref.Value
		}
		return nil
	}
	list := func() string {
		names := make([]string, 0, op.Responses.Len())
		for k := range op.Responses.Map() {
			names = append(names, k)
		}
		sort.Strings(names)
		return strings.Join(names, ", ")
	}
	switch {
	case fault && p.Error >= 500:
		if r := lookup(p.Error); r != nil {
			return p.Error, r, nil
		}
		return 0, nil, preferFailure(fmt.Sprintf("error=%d: this operation documents no such response (documented: %s)", p.Error, list()))
	case fault:
		// The documented 500 if there is one, else the first documented 5xx; an operation
		// that documents none fails as the API's own internal error does.
		for _, code := range documented {
			if code == http.StatusInternalServerError {
				return code, lookup(code), nil
			}
		}
		for _, code := range documented {
			if code >= 500 {
				return code, lookup(code), nil
			}
		}
		if op.Responses != nil && (op.Responses.Value("5XX") != nil || op.Responses.Default() != nil) {
			return http.StatusInternalServerError, lookup(http.StatusInternalServerError), nil
		}
		return 0, nil, &apidef.Failure{Kind: apidef.Internal, Message: "fault injected by paxkit mock",
			Cause: fmt.Errorf("mock: injected fault")}
	case p.Code != 0:
		if r := lookup(p.Code); r != nil {
			return p.Code, r, nil
		}
		return 0, nil, preferFailure(fmt.Sprintf("code=%d: this operation documents no such response (documented: %s)", p.Code, list()))
	}
	for _, code := range documented {
		if code >= 200 && code < 300 {
			return code, lookup(code), nil
		}
	}
	if op.Responses != nil && op.Responses.Value("2XX") != nil {
		return http.StatusOK, lookup(http.StatusOK), nil
	}
	if op.Responses != nil && op.Responses.Default() != nil {
		return http.StatusOK, op.Responses.Default().Value, nil
	}
	if len(documented) > 0 {
		return documented[0], lookup(documented[0]), nil
	}
	return http.StatusOK, nil, nil
}

// documentedCodes lists the operation's explicit status codes in ascending order.
func documentedCodes(op *openapi3.Operation) []int {
	if op.Responses == nil {
		return nil
	}
	var out []int
	for k := range op.Responses.Map() {
		if n, err := strconv.Atoi(k); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// pickMedia prefers the media type the client accepts, then JSON, then the first by name.
// content is not empty. It runs for every mocked answer, so it neither splits Accept into a
// slice nor sorts the names: the first by name is found in one pass.
func pickMedia(content openapi3.Content, accept string) (string, *openapi3.MediaType) {
	for want := range strings.SplitSeq(accept, ",") {
		want, _, _ = strings.Cut(want, ";")
		want = strings.TrimSpace(want)
		if mt, ok := content[want]; ok && want != "" {
			return want, mt
		}
	}
	var first, firstJSON string
	var seen, seenJSON bool
	for n := range content {
		if !seen || n < first {
			first, seen = n, true
		}
		if (!seenJSON || n < firstJSON) && apidef.IsJSON(n) {
			firstJSON, seenJSON = n, true
		}
	}
	if seenJSON {
		return firstJSON, content[firstJSON]
	}
	return first, content[first]
}

// example finds the body static mode answers: the named example, the media type's example,
// its first example by name, or the schema's example if it is valid.
func (rp *Responder) example(gen *lazyGenerator, media *openapi3.MediaType, name string) (any, bool, *apidef.Failure) {
	names := make([]string, 0, len(media.Examples))
	for k, ex := range media.Examples {
		if ex != nil && ex.Value != nil {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	if name != "" {
		if ex := media.Examples[name]; ex != nil && ex.Value != nil {
			return ex.Value.Value, true, nil
		}
		return nil, false, preferFailure(fmt.Sprintf("example=%s: this response documents no such example (documented: %s)", name, strings.Join(names, ", ")))
	}
	if media.Example != nil {
		return media.Example, true, nil
	}
	if len(names) > 0 {
		return media.Examples[names[0]].Value.Value, true, nil
	}
	if s := media.Schema; s != nil && s.Value != nil && s.Value.Example != nil && gen.get().check(s.Value, s.Value.Example, Response) == nil {
		return s.Value.Example, true, nil
	}
	return nil, false, nil
}

// lazyGenerator hands a request its generator, seeded for the request, on first use: an answer
// made of documented examples needs none, and deriving the seed hashes the request. The same
// request draws the same values whether or not something asked for the generator before.
type lazyGenerator struct {
	pool *sync.Pool
	seed func() uint64
	g    *Generator
}

func (l *lazyGenerator) get() *Generator {
	if l.g == nil {
		l.g = l.pool.Get().(*Generator)
		l.g.Reseed(l.seed())
	}
	return l.g
}

// release returns the generator, if one was taken, to the pool.
func (l *lazyGenerator) release() {
	if l.g != nil {
		l.pool.Put(l.g)
		l.g = nil
	}
}

// seedFor derives a response's seed from the run's seed, the operation, the status and the
// request: its path parameters if it has any (GET /items/abc twice is the same entity,
// whatever the query), else its query and body (the same search, the same results).
func (rp *Responder) seedFor(r *http.Request, route *routers.Route, params map[string]string, status int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rp.opts.Seed)
	h.Write(b[:])
	fmt.Fprintf(h, "%s %s %d\x00", route.Method, route.Path, status)
	if len(params) > 0 {
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(h, "%s=%s\x00", k, params[k])
		}
		return h.Sum64()
	}
	h.Write([]byte(r.URL.Query().Encode()))
	h.Write([]byte{0})
	h.Write(apidef.RawBodyFrom(r.Context()))
	return h.Sum64()
}

// writeHeaders adds the response's documented headers that the API has not set already
// (TOMP's Version, say), from their examples or generated.
func (rp *Responder) writeHeaders(gen *lazyGenerator, resp *openapi3.Response, h http.Header) error {
	names := make([]string, 0, len(resp.Headers))
	for k := range resp.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		ref := resp.Headers[name]
		if ref == nil || ref.Value == nil || h.Get(name) != "" || strings.EqualFold(name, echo.HeaderContentType) {
			continue
		}
		hv := ref.Value
		var v any
		switch {
		case hv.Example != nil:
			v = hv.Example
		case hv.Schema != nil:
			g := gen.get()
			if !hv.Required && !g.chance(optionalChance) {
				continue
			}
			var err error
			if v, err = g.Value(hv.Schema, Response, name); err != nil {
				return fmt.Errorf("header %s: %w", name, err)
			}
		default:
			continue
		}
		h.Set(name, headerString(v))
	}
	return nil
}

// headerString formats a header value the way OpenAPI's simple style serialises it.
func headerString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = headerString(e)
		}
		return strings.Join(parts, ",")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// adopt makes a generated body consistent with the request and the status it answers: GET
// /customers/abc answers a customer whose id is abc, and an error body's `status` is the HTTP
// status. A path parameter's value replaces the property of the same name (or `id`, for a
// parameter named like customerId) at the top of the body or one level down (objects, and
// objects in lists); a change that would make the body invalid is undone.
func (rp *Responder) adopt(g *Generator, s *openapi3.SchemaRef, body any, params map[string]string, status int) any {
	obj, ok := body.(map[string]any)
	if !ok {
		return body
	}
	targets := []map[string]any{obj}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		switch inner := obj[k].(type) {
		case map[string]any:
			targets = append(targets, inner)
		case []any:
			for _, e := range inner {
				if m, ok := e.(map[string]any); ok {
					targets = append(targets, m)
				}
			}
		}
	}
	type change struct {
		m        map[string]any
		k        string
		old, new any
	}
	var changes []change
	set := func(keys []string, value string, numeric bool) {
		for _, m := range targets {
			for _, k := range keys {
				old, ok := m[k]
				if !ok {
					continue
				}
				var v any = value
				if n, err := strconv.ParseInt(value, 10, 64); err == nil {
					switch old.(type) {
					case int64:
						v = n
					case float64:
						v = float64(n)
					}
				}
				if _, isString := v.(string); isString && numeric {
					continue
				}
				changes = append(changes, change{m, k, old, v})
				m[k] = v
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		set([]string{name}, params[name], false)
		if aliases := idAliases(name); aliases != nil {
			// customerId -> id only on the entity itself: the top level, or the one object a
			// wrapper such as {"data": {...}} holds. A nested customer's own id is another id.
			saved := targets
			targets = []map[string]any{entity(obj, aliases)}
			set(aliases, params[name], false)
			targets = saved
		}
	}
	if status >= 400 {
		set([]string{"status", "statusCode"}, strconv.Itoa(status), true)
	}
	if len(changes) == 0 || g.check(s.Value, body, Response) == nil {
		return body
	}
	// Some change broke the body: undo all (last first, as two may touch one property), then
	// keep those that are valid on their own.
	for i := len(changes) - 1; i >= 0; i-- {
		changes[i].m[changes[i].k] = changes[i].old
	}
	for _, ch := range changes {
		ch.m[ch.k] = ch.new
		if g.check(s.Value, body, Response) != nil {
			ch.m[ch.k] = ch.old
		}
	}
	return body
}

// idAliases are the names the entity's own id may have when a path parameter is named like
// customerId; nil for other parameters.
func idAliases(param string) []string {
	if n := norm(param); strings.HasSuffix(n, "id") && n != "id" {
		return []string{"id", "Id", "ID"}
	}
	return nil
}

// entity is the object a body is about: obj itself, or the single object member of a wrapper
// that has no id of its own.
func entity(obj map[string]any, aliases []string) map[string]any {
	for _, k := range aliases {
		if _, ok := obj[k]; ok {
			return obj
		}
	}
	var inner map[string]any
	for _, v := range obj {
		if m, ok := v.(map[string]any); ok {
			if inner != nil {
				return obj
			}
			inner = m
		}
	}
	if inner == nil {
		return obj
	}
	return inner
}

// write sends body as mt: JSON for JSON media types and structured values, the string itself
// for a text body.
func (rp *Responder) write(c echo.Context, status int, mt string, body any) error {
	b, err := encode(mt, body)
	if err != nil {
		return err
	}
	return send(c, status, mt, b)
}

// writeExample sends the example ex, encoded once per key and kept.
func (rp *Responder) writeExample(c echo.Context, status int, mt string, key exampleKey, ex any) error {
	if b, ok := rp.encoded.Load(key); ok {
		return send(c, status, mt, b.([]byte))
	}
	b, err := encode(mt, ex)
	if err != nil {
		return err
	}
	rp.encoded.Store(key, b)
	return send(c, status, mt, b)
}

// send writes a body as media type mt, replacing the Content-Type the API's Headers hook set
// for refusals (echo's Blob keeps a Content-Type that is set already).
func send(c echo.Context, status int, mt string, b []byte) error {
	c.Response().Header().Set(echo.HeaderContentType, mt)
	return c.Blob(status, mt, b)
}

// encode writes a body as its media type carries it: a string as it is for non-JSON types,
// anything else as JSON (without HTML escaping, as the vendors send it).
func encode(mt string, body any) ([]byte, error) {
	if s, ok := body.(string); ok && !apidef.IsJSON(mt) {
		return []byte(s), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, &apidef.Failure{Kind: apidef.Internal, Message: "mock: encode body", Cause: err}
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/docsite"
	"github.com/paxkit/paxkit/internal/validate"
)

func (s *Server) buildEcho() (*echo.Echo, error) {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	e.Binder = bodyBinder{}
	e.Pre(s.canonicalPaths)
	e.Use(s.requestContext, s.accessLog, s.recoverPanics)

	if s.root == nil {
		// With an API at the root, GET / may be one of its operations.
		e.GET("/", s.index)
	}
	e.GET("/healthz", s.health)
	admin := e.Group("/_paxkit")
	admin.GET("/apis", s.listAPIs)
	admin.GET("/export", s.export)
	admin.POST("/import", s.importState)
	admin.POST("/reset", s.reset)

	site, err := docsite.New(s.docsAPIs(), nil)
	if err != nil {
		return nil, fmt.Errorf("server: docs: %w", err)
	}
	ids := newIDSource(s.cfg.Seed)
	for _, m := range s.apis {
		base := m.api.Base()
		e.GET(base+"/openapi.yaml", s.spec(m))
		// The documentation page, relative to which "../openapi.yaml" is the contract above.
		docs, err := site.Handler(m.api.ID, docsite.Links{Index: "/", Spec: "../openapi.yaml"})
		if err != nil {
			return nil, fmt.Errorf("server: docs: %w", err)
		}
		e.GET(base+"/docs/", echo.WrapHandler(docs))
		e.GET(base+"/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, base+"/docs/") })
		g := e.Group(base, s.apiMiddleware(m))
		if m.api.Mount == nil {
			continue
		}
		deps := apidef.Deps{
			Store: s.store,
			Now:   s.cfg.Now,
			NewID: ids.newID,
		}
		if err := m.api.Mount(g, deps); err != nil {
			return nil, fmt.Errorf("server: mount %s: %w", m.api.ID, err)
		}
	}
	return e, nil
}

// docsAPIs describes the served APIs for their documentation pages, with the demo credentials
// so that the pages' "try it" commands work against this server as they are.
func (s *Server) docsAPIs() []docsite.API {
	out := make([]docsite.API, 0, len(s.apis))
	for _, m := range s.apis {
		out = append(out, docsite.API{ID: m.api.ID, Doc: m.api.Doc, Credentials: m.api.DemoCredentials})
	}
	return out
}

// canonicalPaths applies an API's CanonicalPath before echo routes the request, so that the
// router, the contract validator and the handler all see the vendor's canonical spelling.
func (s *Server) canonicalPaths(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		m := s.apiFor(r.URL.Path)
		if m == nil || m.api.CanonicalPath == nil {
			return next(c)
		}
		prefix := m.api.Base()
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || !strings.HasPrefix(rest, "/") {
			return next(c)
		}
		r.URL.Path = prefix + m.api.CanonicalPath(rest)
		if r.URL.RawPath != "" {
			// An escaped path: echo routes on RawPath, so rewrite it the same way.
			if rawRest, ok := strings.CutPrefix(r.URL.RawPath, prefix); ok && strings.HasPrefix(rawRest, "/") {
				r.URL.RawPath = prefix + m.api.CanonicalPath(rawRest)
			}
		}
		return next(c)
	}
}

// requestContext gives every request an id (for logs and for vendors whose errors carry one).
func (s *Server) requestContext(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(apidef.WithExchange(r.Context(), apidef.NewExchange(newRequestID))))
		return next(c)
	}
}

// accessLog writes one structured line per request.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		ctx := r.Context()
		level := slog.LevelInfo
		switch status := c.Response().Status; {
		case status == http.StatusNotImplemented:
			level = slog.LevelWarn // a known gap of paxkit, not a fault
		case status >= 500:
			level = slog.LevelError
		}
		if !s.cfg.Logger.Enabled(ctx, level) {
			// Building the line costs allocations on every request; skip it when nobody reads.
			return nil
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Int64("bytes", c.Response().Size),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", apidef.RequestIDFrom(ctx)),
		}
		if op := apidef.OperationFrom(ctx); op != "" {
			attrs = append(attrs, slog.String("operation", op))
		}
		if t, ok := apidef.TenantFrom(ctx); ok {
			attrs = append(attrs, slog.String("tenant", t.ID))
		}
		s.cfg.Logger.LogAttrs(ctx, level, "request", attrs...)
		return nil
	}
}

// recoverPanics turns a panic in a handler into an internal failure, rendered in the API's
// format and logged with its stack, instead of a dropped connection.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		return callSafely(func() error { return next(c) })
	}
}

// apiMiddleware runs, for every request under /<api-id>, the checks the house plan orders:
// route, credentials (header vendors), contract validation, credentials (body vendors), the
// tenant's rights; then the API's handler. With ValidateResponses it also checks what is sent.
func (s *Server) apiMiddleware(m *mounted) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if m.api.Headers != nil {
				m.api.Headers(r, c.Response().Header())
			}
			// echo has matched the request to an operation's route already (for APIs that
			// register one route per operation); only the rest is matched against the contract.
			var route validate.Route
			matched := false
			if r.URL.RawPath == "" {
				route, matched = m.validator.RouteByPattern(r.Method, c.Path(), c.ParamNames(), c.ParamValues())
			}
			if !matched {
				var f *apidef.Failure
				if route, f = m.validator.FindRoute(r); f != nil {
					return f
				}
			}
			x := apidef.ExchangeFrom(r.Context())
			if x == nil {
				// requestContext runs before every route; this is a wiring mistake.
				return &apidef.Failure{Kind: apidef.Internal, Message: "server: request without an exchange"}
			}
			x.Route = route.Matched()
			body, f := readBody(r, s.cfg.BodyLimit)
			if f != nil {
				return f
			}
			x.RawBody = body
			if !s.cfg.ValidateResponses {
				return s.serveAPI(c, m, x, route, body, next)
			}
			return s.validatingResponse(c, m, route, func() error {
				return s.serveAPI(c, m, x, route, body, next)
			})
		}
	}
}

func (s *Server) serveAPI(c echo.Context, m *mounted, x *apidef.Exchange, route validate.Route, body []byte, next echo.HandlerFunc) error {
	r := c.Request()
	ctx := r.Context()
	var tenant apidef.Tenant
	authenticate := func() *apidef.Failure {
		t, f := m.api.Authenticate(r, body, s.tenants.get(m.api.Tenancy))
		if f != nil {
			return f
		}
		tenant = t
		// Counted right after authentication, as the vendors count per credential: before
		// validation for header credentials, so that a flood costs no validation work.
		if ok, wait := s.limiter.take(m.api.Tenancy, t.ID); !ok {
			return &apidef.Failure{Kind: apidef.TooManyRequests, RetryAfter: wait,
				Message: fmt.Sprintf("Too many requests: the rate limit of these credentials is reached; retry in %s seconds.", retryAfterSeconds(wait))}
		}
		return nil
	}
	if m.api.CredentialsIn == apidef.CredentialsInHeader {
		if f := authenticate(); f != nil {
			return f
		}
	}
	if f := jsonTextFailure(r, body); f != nil {
		return f
	}
	if f := m.validator.Request(ctx, r, route, body); f != nil {
		return f
	}
	if m.api.CredentialsIn == apidef.CredentialsInBody {
		if f := authenticate(); f != nil {
			return f
		}
	}
	if !tenant.AllowsOperation(route.OperationID()) {
		return apidef.Fail(apidef.Forbidden, "these credentials may not call %s", route.OperationID())
	}
	x.Tenant, x.Authenticated = tenant, true
	if m.api.Mount == nil {
		return apidef.Fail(apidef.NotImplemented,
			"paxkit serve has no implementation of %s yet; the request is valid and authenticated", route.OperationID())
	}
	return next(c)
}

// readBody reads the whole request body, refusing bodies over limit, and leaves r.Body
// readable again for the handler.
func readBody(r *http.Request, limit int64) ([]byte, *apidef.Failure) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, apidef.Fail(apidef.TooLarge, "the request body is %d bytes; the limit is %d", r.ContentLength, limit)
	}
	body, err := readAtMost(r.Body, r.ContentLength, limit)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// A slow client (or one that stopped sending) ran into the server's read timeout.
		return nil, &apidef.Failure{Kind: apidef.RequestTimeout, Cause: err,
			Message: "the request body did not arrive within the server's read timeout; send it again"}
	}
	if err != nil {
		// The cause (with socket addresses) goes to the log, not to the client.
		return nil, &apidef.Failure{Kind: apidef.Invalid, Message: "the request body could not be read", Cause: err,
			Violations: []apidef.Violation{{In: apidef.InBody, Message: "could not be read completely"}}}
	}
	if int64(len(body)) > limit {
		return nil, apidef.Fail(apidef.TooLarge, "the request body is over the limit of %d bytes", limit)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// readAtMost reads a body of at most limit+1 bytes (one more than allowed, so that the caller
// sees it is too large). A body announcing its length (nearly all) is read into a buffer of
// exactly that size instead of one grown from 512 bytes; net/http ends such a body after
// that many bytes, and a body that stops short is an error (io.ErrUnexpectedEOF).
func readAtMost(body io.Reader, length, limit int64) ([]byte, error) {
	if length <= 0 || length > limit {
		return io.ReadAll(io.LimitReader(body, limit+1))
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// validatingResponse captures what the handler (or the error renderer) sends, checks it
// against the contract and then sends it unchanged.
func (s *Server) validatingResponse(c echo.Context, m *mounted, route validate.Route, serve func() error) error {
	resp := c.Response()
	orig := resp.Writer
	rec := &recorder{header: resp.Header()}
	resp.Writer = rec
	err := callSafely(serve)
	var f *apidef.Failure
	outsideContract := errors.As(err, &f) &&
		(f.Kind == apidef.TooLarge || f.Kind == apidef.RequestTimeout || f.Kind == apidef.NotImplemented || f.Kind == apidef.MethodNotAllowed || f.Kind == apidef.RouteNotFound ||
			// A 429 is checked against the contracts that declare it (Mews); the others
			// document no rate limit, so paxkit's 429 is outside them.
			f.Kind == apidef.TooManyRequests && route.Operation().Responses.Status(http.StatusTooManyRequests) == nil)
	if err != nil {
		c.Error(err)
	}
	resp.Writer = orig
	if !outsideContract {
		if verr := m.validator.Response(c.Request().Context(), c.Request(), route, rec.status, rec.header, rec.body.Bytes()); verr != nil {
			if s.cfg.OnResponseViolation != nil {
				s.cfg.OnResponseViolation(m.api.ID, route.OperationID(), rec.status, verr)
			} else {
				s.cfg.Logger.Warn("response breaks the contract", "api", m.api.ID,
					"operation", route.OperationID(), "status", rec.status, "error", verr)
			}
		}
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	orig.WriteHeader(rec.status)
	_, werr := orig.Write(rec.body.Bytes())
	return werr
}

// callSafely runs fn, turning a panic into an internal failure, so that a wrapper that swapped
// the response writer can restore it before the panic would skip it.
func callSafely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			err = &apidef.Failure{Kind: apidef.Internal, Message: "internal error",
				Cause: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	return fn()
}

// recorder buffers a response. The header map is the real response's, so headers set by the
// handler are kept.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// handleError renders every error in the format of the API the request was for, or as plain
// JSON outside the APIs. It is echo's error handler, so it also catches echo's own 404/405
// and errors returned by generated handlers (for example a body they cannot bind).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	f := toFailure(err)
	r := c.Request()
	if f.Kind == apidef.Internal {
		s.cfg.Logger.ErrorContext(r.Context(), "internal error", "path", r.URL.Path,
			"request_id", apidef.RequestIDFrom(r.Context()), "error", err)
		f = &apidef.Failure{Kind: apidef.Internal, Message: "internal error; quote request id " + apidef.RequestIDFrom(r.Context())}
	}
	if f.Kind == apidef.MethodNotAllowed && len(f.Allow) > 0 {
		c.Response().Header().Set("Allow", strings.Join(f.Allow, ", "))
	}
	if f.Kind == apidef.TooManyRequests {
		c.Response().Header().Set("Retry-After", retryAfterSeconds(f.RetryAfter))
	}
	m := s.apiFor(r.URL.Path)
	if m != nil {
		locateWrapperError(f, m.api.Doc)
	}
	if m == nil {
		_ = c.JSON(f.Kind.DefaultStatus(), map[string]any{"error": f.Message, "violations": f.Violations})
		return
	}
	if m.api.Headers != nil {
		m.api.Headers(r, c.Response().Header())
	}
	status, body := m.api.Render(r, f)
	if werr := c.JSON(status, body); werr != nil {
		s.cfg.Logger.WarnContext(r.Context(), "writing an error response failed", "error", werr)
	}
}

func (s *Server) apiFor(path string) *mounted {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if m := s.byID[first]; m != nil && !m.api.AtRoot {
		return m
	}
	return s.root
}

// wrapperParamError matches the messages of oapi-codegen's echo wrappers for a parameter
// they cannot bind (an empty or repeated header, say), which kin-openapi let through.
var wrapperParamError = regexp.MustCompile(`^(?:Invalid format for parameter ([^:]+):|Expected one value for (\S+), got|Header parameter (\S+) is required)`)

// locateWrapperError puts a generated wrapper's parameter error on the parameter it is about
// (found in the contract), instead of on the body.
func locateWrapperError(f *apidef.Failure, doc *openapi3.T) {
	if f.Kind != apidef.Invalid || len(f.Violations) != 1 {
		return
	}
	m := wrapperParamError.FindStringSubmatch(f.Violations[0].Message)
	if m == nil {
		return
	}
	name := m[1] + m[2] + m[3]
	in := apidef.InHeader
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.Name == name {
					in = apidef.Location(p.Value.In)
				}
			}
		}
	}
	f.Violations[0] = apidef.Violation{In: in, Name: name, Missing: m[3] != "",
		Message: "must be sent once, with a value: " + f.Violations[0].Message}
}

// toFailure classifies any error that reaches the error handler.
func toFailure(err error) *apidef.Failure {
	var f *apidef.Failure
	if errors.As(err, &f) {
		return f
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := fmt.Sprint(he.Message)
		switch he.Code {
		case http.StatusNotFound:
			return &apidef.Failure{Kind: apidef.RouteNotFound, Message: "no such route", Cause: err}
		case http.StatusMethodNotAllowed:
			return &apidef.Failure{Kind: apidef.MethodNotAllowed, Message: "method not allowed", Cause: err}
		}
		if he.Code >= 400 && he.Code < 500 {
			// A generated handler refused to bind a value the contract validation let through.
			return &apidef.Failure{Kind: apidef.Invalid, Message: msg, Cause: err,
				Violations: []apidef.Violation{{In: apidef.InBody, Message: msg}}}
		}
	}
	return &apidef.Failure{Kind: apidef.Internal, Message: "internal error", Cause: err}
}

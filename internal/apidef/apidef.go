// Package apidef is the contract between paxkit's generic HTTP core (internal/server) and one
// API's own code (impl/<api>): what an API must tell the core so that the core can route,
// authenticate, validate and render errors for it without knowing the API by name.
//
// It is a package of its own, rather than part of internal/registry or internal/server, so that
// impl packages can depend on it without depending on the server or on each other.
package apidef

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/internal/store"
)

// CredentialsIn says where a vendor expects its credentials. It decides the order of the first
// two checks: header credentials are checked before the request is validated (an unauthenticated
// caller learns nothing about the contract), body credentials after it (they can only be read
// from a body that parsed, and a missing token is then one more listed violation).
type CredentialsIn int

const (
	CredentialsInHeader CredentialsIn = iota
	CredentialsInBody
)

// API is everything the core needs to serve one contract.
type API struct {
	// ID is the path prefix and the name used everywhere (`tomp`, `mews-legacy`).
	ID    string
	Title string
	// AtRoot mounts the API at "/" instead of /<ID> (`paxkit mock --spec FILE` serves one
	// foreign contract whose paths must stay as written). Only one API of a server may do so;
	// the server's own routes (/healthz, /_paxkit/) stay in front of it.
	AtRoot bool
	// Spec is the contract exactly as written by hand (served at /<id>/openapi.yaml); Doc is the
	// same contract loaded and validated, with paxkit's string formats attached.
	Spec []byte
	Doc  *openapi3.T
	// Tenancy names the tenant set the API shares with others: mews-legacy and mews are two
	// contracts over one Mews domain, so a Mews AccessToken means the same tenant on both.
	Tenancy string
	// CredentialsIn and Authenticate implement the vendor's authentication.
	CredentialsIn CredentialsIn
	Authenticate  Authenticator
	// Render turns a failure detected by the core (or by the API's handlers) into the vendor's
	// error status and body.
	Render Renderer
	// CanonicalPath, when set, rewrites the part of a request path after /<id> before the
	// core routes and validates it, for vendors that match some path segments regardless of
	// case (Intrepid's docs and hrefs mix `/Customers` and `/customers`). It gets and returns
	// a path starting with "/"; it must be idempotent and leave every other segment alone.
	CanonicalPath func(path string) string
	// Headers, when set, adds the vendor's own headers to every response (TOMP's
	// Content-Language and Version, Mews' Request-Id), errors included.
	Headers func(r *http.Request, h http.Header)
	// Mount registers the API's operations on its route group. Nil means paxkit has no
	// implementation of this contract yet: its routes still validate and authenticate, then
	// answer 501 in the vendor's error format.
	Mount func(g *echo.Group, deps Deps) error
	// TenantIdentity checks a tenant's credentials (the keys this API's authenticator reads,
	// nothing else) and returns the normalised credential that identifies it, which must be
	// unique in the tenancy: two tenants with one token could not be told apart.
	TenantIdentity func(t Tenant) (string, error)
	// DefaultTenants are the tenants and credentials a fresh server accepts; a fixtures file
	// may replace them.
	DefaultTenants []Tenant
	// DemoCredentials are the demo credentials the way a client sends them, for the index page
	// and GET /_paxkit/apis; Demo lists the ids of the demo records.
	DemoCredentials DemoCredentials
	Demo            map[string]any
	// DemoState is the demo data in the store's snapshot format (table -> tenant -> records).
	DemoState store.Snapshot
}

// Base is the path the API is served under: "/<ID>", or "" when it is mounted at the root.
func (a API) Base() string {
	if a.AtRoot {
		return ""
	}
	return "/" + a.ID
}

// DemoCredentials are credentials as sent on the wire.
type DemoCredentials struct {
	Headers map[string]string `json:"headers"`
	Body    map[string]any    `json:"body"`
}

// Tenant is one party whose state is kept apart from every other party's. Credentials are the
// values that identify it (API-specific keys such as "token" or "accessToken"); Properties hold
// API-specific settings (for example whether an Intrepid agent is on statement).
type Tenant struct {
	ID          string            `json:"id"`
	Credentials map[string]string `json:"credentials"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

// AllowsOperation reports whether the tenant may call the operation. A tenant whose properties
// hold an "allowOperations" list may call only those operations; everything else answers the
// vendor's 403, so that clients can be tested against tokens with limited rights.
func (t Tenant) AllowsOperation(operationID string) bool {
	list, ok := t.Properties["allowOperations"]
	if !ok {
		return true
	}
	items, ok := list.([]any)
	if !ok {
		return false // CheckProperties refuses such tenants before they are used
	}
	for _, item := range items {
		if s, ok := item.(string); ok && s == operationID {
			return true
		}
	}
	return false
}

// CheckProperties refuses tenant properties the core would misread: allowOperations must be
// a list of operation ids.
func (t Tenant) CheckProperties() error {
	list, ok := t.Properties["allowOperations"]
	if !ok {
		return nil
	}
	items, ok := list.([]any)
	if !ok {
		return fmt.Errorf("properties.allowOperations must be a list of operation ids, not %T", list)
	}
	for i, item := range items {
		if _, ok := item.(string); !ok {
			return fmt.Errorf("properties.allowOperations[%d] must be an operation id string, not %T", i, item)
		}
	}
	return nil
}

// CredentialsExactly checks that a tenant's credentials have exactly the given keys, each
// non-empty, and returns the value of the first (the identifying one).
func CredentialsExactly(t Tenant, keys ...string) (string, error) {
	for _, k := range keys {
		if t.Credentials[k] == "" {
			return "", fmt.Errorf("credentials.%s is missing or empty", k)
		}
	}
	if len(t.Credentials) != len(keys) {
		for k := range t.Credentials {
			if !slices.Contains(keys, k) {
				return "", fmt.Errorf("credentials.%s is not used by this API (it uses %s)", k, strings.Join(keys, ", "))
			}
		}
	}
	return t.Credentials[keys[0]], nil
}

// Authenticator finds the tenant a request's credentials belong to. body is the raw request
// body (nil when there is none). It answers a *Failure of kind Unauthenticated (or Invalid, for
// credentials that are present but malformed) when no tenant matches.
type Authenticator func(r *http.Request, body []byte, tenants []Tenant) (Tenant, *Failure)

// Renderer turns a failure into the vendor's HTTP status and JSON body.
type Renderer func(r *http.Request, f *Failure) (status int, body any)

// Deps are the services the core hands to an API implementation.
type Deps struct {
	Store *store.Store
	// Now is the server's clock (a test can fix it).
	Now func() time.Time
	// NewID returns a new random UUID; with `paxkit serve --seed` the sequence is reproducible.
	NewID func() string
}

// Exchange collects what the core learns about one request on its way through the
// middleware: its id, the operation it matched, its raw body and its tenant. The core stores
// one in the request context when the request arrives and fills it in as it goes, on the
// request's own goroutine, before anything reads the part it fills. One context value for all
// of them, rather than one each, spares every request four copies of its http.Request.
type Exchange struct {
	// id identifies the request in the access log and in the answers of vendors that carry
	// one (Mews' Request-Id); drawn by newID when first asked for (RequestID), so that
	// requests nobody logs or refuses cost no id.
	id    string
	newID func() string
	// Route is the operation matched; Route.Route is nil before routing.
	Route MatchedRoute
	// RawBody is the request body as read once by the core, so that renderers can echo
	// envelope fields (Erin's timeStamp, echoToken) even when the body broke the contract.
	RawBody []byte
	// Tenant is the authenticated party; Authenticated says whether it is set yet.
	Tenant        Tenant
	Authenticated bool
}

// MatchedRoute is the contract operation a request matched, with its path parameters. The core
// finds it once; handlers that need more than the operation id (the mock responder, which
// answers any operation of a contract) read it here instead of routing the request again.
type MatchedRoute struct {
	Route *routers.Route
	// PathParams are the path parameter values as the router extracted them (unescaped).
	PathParams map[string]string
}

// NewExchange starts the exchange of a request whose id newID draws when it is first needed.
func NewExchange(newID func() string) *Exchange { return &Exchange{newID: newID} }

// RequestID is the request's id, drawn on first use.
func (x *Exchange) RequestID() string {
	if x.id == "" && x.newID != nil {
		x.id = x.newID()
	}
	return x.id
}

type exchangeKey struct{}

// WithExchange stores a request's exchange in its context.
func WithExchange(ctx context.Context, x *Exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

// ExchangeFrom returns the request's exchange, or nil outside a request the core handles.
func ExchangeFrom(ctx context.Context) *Exchange {
	x, _ := ctx.Value(exchangeKey{}).(*Exchange)
	return x
}

// TenantFrom returns the authenticated tenant of a request. The core authenticates every
// request before a handler runs, so a missing tenant is a wiring mistake and ok is false.
func TenantFrom(ctx context.Context) (Tenant, bool) {
	if x := ExchangeFrom(ctx); x != nil && x.Authenticated {
		return x.Tenant, true
	}
	return Tenant{}, false
}

// RequestIDFrom returns the request's id, or "" outside a request.
func RequestIDFrom(ctx context.Context) string {
	if x := ExchangeFrom(ctx); x != nil {
		return x.RequestID()
	}
	return ""
}

// RouteFrom returns the matched route; ok is false before routing.
func RouteFrom(ctx context.Context) (MatchedRoute, bool) {
	if x := ExchangeFrom(ctx); x != nil && x.Route.Route != nil {
		return x.Route, true
	}
	return MatchedRoute{}, false
}

// OperationFrom returns the matched operation id, or "" before routing.
func OperationFrom(ctx context.Context) string {
	if m, ok := RouteFrom(ctx); ok && m.Route.Operation != nil {
		return m.Route.Operation.OperationID
	}
	return ""
}

// RawBodyFrom returns the raw request body, or nil.
func RawBodyFrom(ctx context.Context) []byte {
	if x := ExchangeFrom(ctx); x != nil {
		return x.RawBody
	}
	return nil
}

// BodyObject returns the request body's top-level JSON object, for authenticators that read
// credentials from the body after the contract validation: the value the validation decoded
// (the core keeps it on r.Body), or, without one, body decoded now. A map, never a struct:
// encoding/json matches struct fields ignoring case, and only the members the contract
// validated may count. ok is false when the body is no JSON object.
func BodyObject(r *http.Request, body []byte) (map[string]any, bool) {
	if v, ok := ValidatedBody(r); ok {
		obj, ok := v.(map[string]any)
		return obj, ok
	}
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// ValidatedBody returns the request body as the contract validation decoded it: openapi3filter,
// asked to keep it (KeepValidatedValue), replaces r.Body by a reader offering the value. ok is
// false when the body was not validated (no body, or validation not run yet).
func ValidatedBody(r *http.Request) (any, bool) {
	vb, ok := r.Body.(interface{ ValidatedValue() any })
	if !ok {
		return nil, false
	}
	return vb.ValidatedValue(), true
}

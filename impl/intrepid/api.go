// Package intrepid is paxkit's Intrepid Group partner API for customers in a booking context:
// a stateful implementation of gen/intrepid's strict server with the vendor's edit rules
// (immutable names, the passenger-details edit window, trip age limits, payment before
// confirmation, single supplements, external references), restricted customers of non-API
// bookings, case-insensitive paths, API-key authentication and the vendor's
// `{errorType, errors, correlationId}` error format.
package intrepid

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/gen/intrepid"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// ID is the API's id and path prefix.
const ID = "intrepid"

// Demo API keys. The vendor issues keys through a form and does not publish their format.
const (
	DemoAPIKey      = "paxkit-intrepid-demo-key"
	OtherDemoAPIKey = "paxkit-intrepid-demo-key-2"
)

// agentOnStatement is the tenant property that makes the API key's agent an on-statement
// agent, who may confirm customers before the required payment is made.
const agentOnStatement = "agentOnStatement"

// Ids of demo records (see demo.json).
const (
	DemoBooking           = 5057124 // an API booking: Homer Simpson and family
	DemoRestrictedBooking = 5057123 // made outside the API: restricted customers
	DemoTrip              = 887124
	DemoHomer             = 4945397
	DemoOtherTenantTrip   = 887300 // tenant demo-2's trip
)

//go:embed demo.json
var demoJSON []byte

// Define registers the API's tables in st and describes the API to the server.
func Define(st *store.Store, spec []byte, doc *openapi3.T) (apidef.API, error) {
	var demo store.Snapshot
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		return apidef.API{}, fmt.Errorf("intrepid: demo data: %w", err)
	}
	tabs := newTables(st)
	return apidef.API{
		ID:            ID,
		Title:         "Intrepid customers in a context",
		Spec:          spec,
		Doc:           doc,
		CredentialsIn: apidef.CredentialsInHeader,
		Authenticate:  authenticate,
		Render:        render,
		CanonicalPath: canonicalPath,
		Mount: func(g *echo.Group, deps apidef.Deps) error {
			impl := &server{tables: tabs, store: deps.Store, now: deps.Now}
			intrepid.RegisterHandlers(g, intrepid.NewStrictHandler(impl, nil))
			return nil
		},
		TenantIdentity: tenantIdentity,
		DefaultTenants: []apidef.Tenant{
			{ID: "demo", Credentials: map[string]string{"apiKey": DemoAPIKey}, Properties: map[string]any{"agentOnStatement": false}},
			{ID: "demo-2", Credentials: map[string]string{"apiKey": OtherDemoAPIKey}, Properties: map[string]any{"agentOnStatement": true}},
		},
		DemoCredentials: apidef.DemoCredentials{Headers: map[string]string{"X-Api-Key": DemoAPIKey}},
		Demo: map[string]any{
			"tenant":            "demo",
			"booking":           DemoBooking,
			"restrictedBooking": DemoRestrictedBooking,
			"trip":              DemoTrip,
			"customer":          DemoHomer,
			"seedRequest":       fmt.Sprintf("PATCH /intrepid/trips/%d/Customers/%d", DemoTrip, DemoHomer),
			"otherTenantApiKey": OtherDemoAPIKey,
		},
		DemoState: demo,
	}, nil
}

// tenantIdentity checks a tenant: exactly the apiKey credential, and agentOnStatement, when
// set, a boolean (a string "true" would silently mean false).
func tenantIdentity(t apidef.Tenant) (string, error) {
	if v, ok := t.Properties[agentOnStatement]; ok {
		if _, isBool := v.(bool); !isBool {
			return "", fmt.Errorf("properties.%s must be true or false, not %T", agentOnStatement, v)
		}
	}
	return apidef.CredentialsExactly(t, "apiKey")
}

// canonicalPath spells the fixed `Customers` segment as the contract does and lowercases the
// context, whatever case the client used: the vendor's docs write `/Customers` and
// `/Bookings` while its own hrefs are `/bookings/5057124/customers/4945397`, and clients
// follow those hrefs. Only the two path shapes of the contract are touched.
func canonicalPath(path string) string {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case (len(segs) == 3 || len(segs) == 4) && strings.EqualFold(segs[2], "Customers"):
		segs[0] = strings.ToLower(segs[0])
		segs[2] = "Customers"
	case len(segs) == 2 && strings.EqualFold(segs[0], "Customers"):
		segs[0] = "Customers"
	default:
		return path
	}
	return "/" + strings.Join(segs, "/")
}

func authenticate(r *http.Request, _ []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The X-Api-Key header is missing.")
	}
	for _, t := range tenants {
		if subtle.ConstantTimeCompare([]byte(t.Credentials["apiKey"]), []byte(key)) == 1 {
			return t, nil
		}
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The API key is invalid.")
}

// render answers a failure in Intrepid's format. The errorType names follow the HTTP status,
// as the vendor's examples do; the correlation id is the request id of paxkit's log line.
func render(r *http.Request, f *apidef.Failure) (int, any) {
	status := f.Kind.DefaultStatus()
	types := map[apidef.Kind]string{
		apidef.Invalid: errBadRequest, apidef.Unauthenticated: "Unauthorized", apidef.Forbidden: errForbidden,
		apidef.RouteNotFound: errNotFound, apidef.MethodNotAllowed: "MethodNotAllowed",
		apidef.TooLarge: "PayloadTooLarge", apidef.NotImplemented: "NotImplemented",
		apidef.TooManyRequests: "TooManyRequests", apidef.RequestTimeout: "RequestTimeout", apidef.Internal: "InternalServerError",
	}
	// The generated Error type, as the handlers use, so that every error body reads the same.
	return status, intrepid.Error{ErrorType: types[f.Kind], Errors: f.Details(), CorrelationId: apidef.RequestIDFrom(r.Context())}
}

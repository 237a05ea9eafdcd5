// Package intrepid is paxkit's side of the Intrepid customers-in-a-context contract: the
// vendor's API-key authentication and `{errorType, errors, correlationId}` error format. The
// operations themselves (issue 4) are not implemented yet, so the server validates and
// authenticates requests and then answers 501 in this format.
package intrepid

import (
	"crypto/subtle"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/apidef"
)

// ID is the API's id and path prefix.
const ID = "intrepid"

// Demo API keys. The vendor issues keys through a form and does not publish their format.
const (
	DemoAPIKey      = "paxkit-intrepid-demo-key"
	OtherDemoAPIKey = "paxkit-intrepid-demo-key-2"
)

// Define describes the API to the server.
func Define(spec []byte, doc *openapi3.T) apidef.API {
	return apidef.API{
		ID:             ID,
		Title:          "Intrepid customers in a context",
		Spec:           spec,
		Doc:            doc,
		CredentialsIn:  apidef.CredentialsInHeader,
		Authenticate:   authenticate,
		Render:         render,
		TenantIdentity: func(t apidef.Tenant) (string, error) { return apidef.CredentialsExactly(t, "apiKey") },
		DefaultTenants: []apidef.Tenant{
			{ID: "demo", Credentials: map[string]string{"apiKey": DemoAPIKey}, Properties: map[string]any{"agentOnStatement": false}},
			{ID: "demo-2", Credentials: map[string]string{"apiKey": OtherDemoAPIKey}, Properties: map[string]any{"agentOnStatement": true}},
		},
		DemoCredentials: apidef.DemoCredentials{Headers: map[string]string{"X-Api-Key": DemoAPIKey}},
	}
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

// errorBody is the vendor's error body (Error in openapi/intrepid.yaml).
type errorBody struct {
	ErrorType     string   `json:"errorType"`
	Errors        []string `json:"errors"`
	CorrelationID string   `json:"correlationId"`
}

// render answers a failure in Intrepid's format. The errorType names follow the HTTP status,
// as the vendor's examples do; the correlation id is the request id of paxkit's log line.
func render(r *http.Request, f *apidef.Failure) (int, any) {
	status := f.Kind.DefaultStatus()
	types := map[apidef.Kind]string{
		apidef.Invalid: "BadRequest", apidef.Unauthenticated: "Unauthorized", apidef.Forbidden: "Forbidden",
		apidef.RouteNotFound: "NotFound", apidef.MethodNotAllowed: "MethodNotAllowed",
		apidef.TooLarge: "PayloadTooLarge", apidef.NotImplemented: "NotImplemented",
		apidef.TooManyRequests: "TooManyRequests", apidef.RequestTimeout: "RequestTimeout", apidef.Internal: "InternalServerError",
	}
	return status, errorBody{ErrorType: types[f.Kind], Errors: f.Details(), CorrelationID: apidef.RequestIDFrom(r.Context())}
}

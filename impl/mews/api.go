// Package mews is paxkit's side of the Mews Connector customers API in both contract
// revisions (mews-legacy and mews), which share one tenant set: a Mews AccessToken selects the
// same enterprise on both. It implements Mews' body-token authentication, the Request-Id
// header and the `{Message, RequestId}` error body. The operations themselves (issue 5) are
// not implemented yet, so the server validates and authenticates requests and then answers
// 501 in this format.
package mews

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/apidef"
)

// IDs of the two revisions; Tenancy is their shared tenant set.
const (
	LegacyID = "mews-legacy"
	ID       = "mews"
	Tenancy  = "mews"
)

// Public Mews demo tokens (shared/reference/mews.md): the Gross-pricing UK enterprise used in
// every Mews doc example, and the Net-pricing US enterprise reached with the same client token.
const (
	DemoClientToken       = "E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D"
	DemoAccessToken       = "C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D"
	DemoNetAccessToken    = "4D6C7ABE0E6A4681B0AFB16900AE5D86-DF50CBC89E1D4FF5859DDF021649ED5"
	DemoClient            = "paxkit 1.0"
	demoGrossTenant       = "gross-uk"
	demoNetTenant         = "net-us"
	credentialClientToken = "clientToken"
	credentialAccessToken = "accessToken"
)

// Define describes both revisions to the server.
func Define(legacySpec []byte, legacyDoc *openapi3.T, spec []byte, doc *openapi3.T) []apidef.API {
	tenants := []apidef.Tenant{
		{ID: demoGrossTenant, Credentials: map[string]string{credentialClientToken: DemoClientToken, credentialAccessToken: DemoAccessToken}},
		{ID: demoNetTenant, Credentials: map[string]string{credentialClientToken: DemoClientToken, credentialAccessToken: DemoNetAccessToken}},
	}
	// Both revisions speak to one Mews: same tokens, same tenants, same error format.
	shared := apidef.API{
		Tenancy:        Tenancy,
		CredentialsIn:  apidef.CredentialsInBody,
		Authenticate:   authenticate,
		Render:         render,
		Headers:        headers,
		TenantIdentity: tenantIdentity,
	}
	legacy := shared
	legacy.ID, legacy.Title, legacy.Spec, legacy.Doc = LegacyID, "Mews Connector customers (2018 revision)", legacySpec, legacyDoc
	legacy.DemoCredentials = apidef.DemoCredentials{Body: map[string]any{
		"ClientToken": DemoClientToken, "AccessToken": DemoAccessToken,
	}}
	current := shared
	current.ID, current.Title, current.Spec, current.Doc = ID, "Mews Connector customers", spec, doc
	// The shared tenant set is declared once, on the current revision.
	current.DefaultTenants = tenants
	current.DemoCredentials = apidef.DemoCredentials{Body: map[string]any{
		"ClientToken": DemoClientToken, "AccessToken": DemoAccessToken, "Client": DemoClient,
	}}
	return []apidef.API{legacy, current}
}

// tenantIdentity: an enterprise is identified by its AccessToken (the ClientToken identifies
// the integration, which several enterprises share).
func tenantIdentity(t apidef.Tenant) (string, error) {
	if _, err := apidef.CredentialsExactly(t, credentialAccessToken, credentialClientToken); err != nil {
		return "", err
	}
	return t.Credentials[credentialAccessToken], nil
}

// authenticate reads ClientToken and AccessToken from the JSON body (the contract validation
// has already checked that they are present strings) and finds the enterprise they belong to.
func authenticate(_ *http.Request, body []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	// A map, not a struct: encoding/json matches struct fields ignoring case, and a body with
	// both "AccessToken" and "accesstoken" must not authenticate with the one the contract
	// did not check.
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "Invalid ClientToken or AccessToken.")
	}
	clientToken, _ := msg["ClientToken"].(string)
	accessToken, _ := msg["AccessToken"].(string)
	if clientToken == "" || accessToken == "" {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "Invalid ClientToken or AccessToken.")
	}
	for _, t := range tenants {
		if subtle.ConstantTimeCompare([]byte(t.Credentials[credentialAccessToken]), []byte(accessToken)) != 1 {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(t.Credentials[credentialClientToken]), []byte(clientToken)) != 1 {
			return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "Invalid ClientToken.")
		}
		return t, nil
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "Invalid AccessToken.")
}

// headers sends the request id on every response, as Mews does.
func headers(r *http.Request, h http.Header) {
	h.Set("Request-Id", apidef.RequestIDFrom(r.Context()))
}

// errorBody is Mews' error body (Error in both contracts).
type errorBody struct {
	Message   string  `json:"Message"`
	RequestID string  `json:"RequestId"`
	Details   *string `json:"Details"`
}

// render answers a failure the Mews way: 400 for a malformed request, 401 for bad tokens and
// also for tokens without permission for the operation (Mews has no 403 for that: its 403
// means a business rule refused the request), 404 for a wrong path. Every violation is listed
// in Message, which is what Mews clients show.
func render(r *http.Request, f *apidef.Failure) (int, any) {
	status := f.Kind.DefaultStatus()
	msg := f.Message
	switch f.Kind {
	case apidef.Forbidden:
		status = http.StatusUnauthorized
		msg = "The access token has no permission for this operation."
	case apidef.Invalid:
		if len(f.Violations) > 0 {
			msg = "Invalid request: " + strings.Join(f.Details(), "; ")
		}
	}
	return status, errorBody{Message: msg, RequestID: apidef.RequestIDFrom(r.Context())}
}

// Package mews is paxkit's side of the Mews Connector customers API in both contract
// revisions (mews-legacy and mews), which share one tenant set and one customer domain
// (package domain): a Mews AccessToken selects the same enterprise on both, and a customer
// written through one revision reads back through the other. This package holds Mews'
// body-token authentication, the Request-Id header, the `{Message, RequestId}` error body and
// the two thin adapters from the generated servers to the domain.
package mews

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/gen/mews"
	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
)

//go:embed demo.json
var demoJSON []byte

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

// Ids of demo records (see demo.json), all in the gross-uk enterprise.
const (
	DemoLegacyJohnSmith  = "35d4b117-4e60-44a3-9580-c582117eff98"
	DemoJohnSmith        = "fadd5bb6-b428-45d5-94f8-fd0d89fece6d"
	DemoTheaCarbone      = "99b4f0af-9558-463b-8452-07a9bc414708"
	DemoMergeSource      = "e11801ff-4148-4010-87f3-0d111e2893e3"
	DemoOpenItemsHolder  = "2a1a4315-7e6f-4131-af21-402cec59b8b9"
	DemoLegacyFileTarget = "49aaff6b-32d8-48f5-8234-ce875aefc508"
	DemoFileTarget       = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	DemoChain            = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
)

// Define registers the Mews domain's tables in st and describes both revisions to the server.
func Define(st *store.Store, legacySpec []byte, legacyDoc *openapi3.T, spec []byte, doc *openapi3.T) ([]apidef.API, error) {
	var demo store.Snapshot
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		return nil, fmt.Errorf("mews: demo data: %w", err)
	}
	svc := domain.New(st, domain.Checks{
		Customer:    func(c domain.Customer) error { return checkCustomer(doc, c) },
		Reservation: func(r domain.Reservation) error { return checkReservation(legacyDoc, doc, r) },
	})
	tenants := []apidef.Tenant{
		{ID: demoGrossTenant, Credentials: map[string]string{credentialClientToken: DemoClientToken, credentialAccessToken: DemoAccessToken}},
		{ID: demoNetTenant, Credentials: map[string]string{credentialClientToken: DemoClientToken, credentialAccessToken: DemoNetAccessToken}},
	}
	tenants = append(tenants, otherDemoPairs()...)
	// Both revisions speak to one Mews: same tokens, same tenants, same error format.
	shared := apidef.API{
		Tenancy:        Tenancy,
		CredentialsIn:  apidef.CredentialsInBody,
		Authenticate:   authenticate,
		Render:         render,
		TenantIdentity: tenantIdentity,
	}
	legacy := shared
	legacy.ID, legacy.Title, legacy.Spec, legacy.Doc = LegacyID, "Mews Connector customers (2018 revision)", legacySpec, legacyDoc
	legacy.DemoCredentials = apidef.DemoCredentials{Body: map[string]any{
		"ClientToken": DemoClientToken, "AccessToken": DemoAccessToken,
	}}
	legacy.Headers = headers(notDeprecated)
	legacy.Mount = func(g *echo.Group, deps apidef.Deps) error {
		legacyapi.RegisterHandlers(g, legacyapi.NewStrictHandler(&legacyServer{svc: svc.WithDeps(deps.Now, deps.NewID)}, nil))
		return nil
	}
	current := shared
	current.ID, current.Title, current.Spec, current.Doc = ID, "Mews Connector customers", spec, doc
	// The shared tenant set is declared once, on the current revision.
	current.DefaultTenants = tenants
	current.DemoCredentials = apidef.DemoCredentials{Body: map[string]any{
		"ClientToken": DemoClientToken, "AccessToken": DemoAccessToken, "Client": DemoClient,
	}}
	current.Headers = headers(deprecatedSince)
	current.Mount = func(g *echo.Group, deps apidef.Deps) error {
		mews.RegisterHandlers(g, mews.NewStrictHandler(&currentServer{svc: svc.WithDeps(deps.Now, deps.NewID)}, nil))
		return nil
	}
	// The demo data is declared once too: both revisions read the same tables.
	current.DemoState = demo
	current.Demo = demoIDs()
	legacy.Demo = demoIDs()
	return []apidef.API{legacy, current}, nil
}

// demoIDs lists the demo records for the index page (each revision gets its own copy).
func demoIDs() map[string]any {
	return map[string]any{
		"tenant":               demoGrossTenant,
		"legacyJohnSmith":      DemoLegacyJohnSmith,
		"johnSmith":            DemoJohnSmith,
		"theaCarbone":          DemoTheaCarbone,
		"mergeSource":          DemoMergeSource,
		"openItemsCustomer":    DemoOpenItemsHolder,
		"legacyFileTarget":     DemoLegacyFileTarget,
		"fileTarget":           DemoFileTarget,
		"chain":                DemoChain,
		"otherTenantAccessKey": DemoNetAccessToken,
	}
}

// deprecatedSince are the current revision's deprecated operations with the RFC 9745
// Deprecation value (the Unix time Mews deprecated them), sent with every answer.
func deprecatedSince(operationID string) (string, bool) {
	switch operationID {
	case "customersGetOpenItems":
		return "@1731628800", true // 2024-11-15
	case "customersMerge":
		return "@1669852800", true // 2022-12-01
	}
	return "", false
}

// notDeprecated: the legacy revision predates every deprecation.
func notDeprecated(string) (string, bool) { return "", false }

// checkCustomer refuses fixture customers the current revision could not answer. The schema
// cannot see what the Go shape fills in for an absent member (an empty string, a zero time),
// so those members are checked first.
func checkCustomer(doc *openapi3.T, c domain.Customer) error {
	var missing []string
	for _, f := range []struct {
		name  string
		empty bool
	}{
		{"Id", c.ID == ""}, {"ChainId", c.ChainID == ""}, {"Number", c.Number == ""}, {"LastName", c.LastName == ""},
		{"CreatedUtc", c.CreatedUtc.IsZero()}, {"UpdatedUtc", c.UpdatedUtc.IsZero()},
	} {
		if f.empty {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return checkSchema(doc, "Customer", c)
}

// checkSchema refuses fixture records a revision could not answer: v must be a valid
// instance of the contract's schema.
func checkSchema(doc *openapi3.T, schema string, v any) error {
	vs, err := validate.Schema(doc, schema, v, "")
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		parts := make([]string, len(vs))
		for i, v := range vs {
			parts[i] = v.Pointer + ": " + v.Message
		}
		return fmt.Errorf("not a valid %s: %s", schema, strings.Join(parts, "; "))
	}
	return nil
}

// checkReservation refuses fixture reservations without customers, or whose two shapes are
// not what each revision's Reservation schema describes.
func checkReservation(legacyDoc, doc *openapi3.T, r domain.Reservation) error {
	if r.ID == "" || len(r.CustomerIDs) == 0 {
		return fmt.Errorf("a reservation needs an Id and at least one of CustomerIds")
	}
	for _, shape := range []struct {
		name string
		doc  *openapi3.T
		raw  json.RawMessage
	}{{"Current", doc, r.Current}, {"Legacy", legacyDoc, r.Legacy}} {
		var v any
		if err := json.Unmarshal(shape.raw, &v); err != nil {
			return fmt.Errorf("%s: %w", shape.name, err)
		}
		if err := checkSchema(shape.doc, "Reservation", v); err != nil {
			return fmt.Errorf("%s: %w", shape.name, err)
		}
	}
	return nil
}

// tenantIdentity: an enterprise is identified by its AccessToken (the ClientToken identifies
// the integration, which several enterprises share).
func tenantIdentity(t apidef.Tenant) (string, error) {
	if _, err := apidef.CredentialsExactly(t, credentialAccessToken, credentialClientToken); err != nil {
		return "", err
	}
	if e, ok := t.Properties[propertyEnterprise]; ok {
		if name, isString := e.(string); !isString || name == "" {
			return "", fmt.Errorf("properties.%s must be the id of the tenant whose data these tokens reach, not %v", propertyEnterprise, e)
		}
	}
	return t.Credentials[credentialAccessToken], nil
}

// propertyEnterprise is the tenant property that makes a tenant a further token pair of
// another tenant's enterprise: Mews publishes four integrations' token pairs for each demo
// enterprise, and all four reach the same data.
const propertyEnterprise = "enterprise"

// otherDemoPairs are the other public demo token pairs (MewsSystems/gitbook-connector-api,
// guidelines/environments.md): three more integrations on each demo enterprise, and the Net
// enterprise's newer AccessToken for the first integration. They reach the same enterprises
// (and data) as the seeds' pair and the Net pair.
func otherDemoPairs() []apidef.Tenant {
	pair := func(id, enterprise, client, access string) apidef.Tenant {
		return apidef.Tenant{ID: id, Credentials: map[string]string{credentialClientToken: client, credentialAccessToken: access},
			Properties: map[string]any{propertyEnterprise: enterprise}}
	}
	const (
		client2 = "E916C341431C4D28A866AD200152DBD3-A046EB5583FFBE94DE1172237763712"
		client3 = "2CC71B0660F345019882AD200155B4FE-4A1FC9080A4DD2A404734003674F77E"
		client4 = "07AB1F14B55C49B8BDD6AD200158423B-273A4497AFF5E20566D7199DB3DC2BA"
	)
	return []apidef.Tenant{
		pair("gross-uk-client-2", demoGrossTenant, client2, "CC150C355D6A4048A220AD20015483AB-B6D09C0C84B09538077CB8FFBB907B4"),
		pair("gross-uk-client-3", demoGrossTenant, client3, "5F56B9903A834F199E28AD20015E58CA-5C6A1A00550634911534AD6A098E8B7"),
		pair("gross-uk-client-4", demoGrossTenant, client4, "39E301DD5A1C4A569087AD20015F60DD-50DC28896E9090CCA0995C9BBD90351"),
		pair("net-us-current", demoNetTenant, DemoClientToken, "7059D2C25BF64EA681ACAB3A00B859CC-D91BFF2B1E3047A3E0DEC1D57BE1382"),
		pair("net-us-client-2", demoNetTenant, client2, "1AEFA58C55E74D65BDC7AD2001564C12-66633E0B736F523379B9E5966165A55"),
		pair("net-us-client-3", demoNetTenant, client3, "682C235379B64D909941AD2001577525-BFC60A026081F1350FAA99CAB9F7510"),
		pair("net-us-client-4", demoNetTenant, client4, "BFD4298010F54B069F3DAD20015D53EA-D5561FADFBA4EFC8EA4C179C6BC461F"),
	}
}

// authenticate reads ClientToken and AccessToken from the JSON body (the contract validation
// has already checked that they are present strings) and finds the enterprise they belong to.
func authenticate(r *http.Request, body []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	// Exact member names (BodyObject): a body with both "AccessToken" and "accesstoken" must
	// not authenticate with the one the contract did not check.
	msg, ok := apidef.BodyObject(r, body)
	if !ok {
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
		// A further token pair of an enterprise works on that enterprise's data.
		if e, ok := t.Properties[propertyEnterprise].(string); ok && e != "" {
			t.ID = e
		}
		return t, nil
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "Invalid AccessToken.")
}

// headers sends the request id on every response, as Mews does, and the Deprecation header
// on every answer of a deprecated operation (the operation is known once the route is).
func headers(deprecated func(operationID string) (string, bool)) func(r *http.Request, h http.Header) {
	return func(r *http.Request, h http.Header) {
		h.Set("Request-Id", apidef.RequestIDFrom(r.Context()))
		if d, ok := deprecated(apidef.OperationFrom(r.Context())); ok {
			h.Set("Deprecation", d)
		}
	}
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

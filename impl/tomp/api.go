// Package tomp is paxkit's transport operator for the TOMP-API customer management module: a
// stateful implementation of gen/tomp's strict server with TOMP's rules (de-duplication on
// create, JSON merge patch, read-only fields, blocked accounts, immediate deletion) and TOMP's
// error format.
package tomp

import (
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/gen/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// ID is the API's id and path prefix.
const ID = "tomp"

// The demo tenants' bearer tokens. TOMP's seed names no token; these are paxkit's.
const (
	DemoToken      = "paxkit-tomp-demo-token"
	OtherDemoToken = "paxkit-tomp-demo-token-2"
)

// version is the TOMP-API version paxkit formats its answers in (the `Version` header).
const version = "2.0.0"

// contentLanguage is the language of everything paxkit's TO writes. paxkit decision: its
// user-facing texts (error titles and details) exist in English only, and customer data is
// not translated, so it answers en-GB whatever Accept-Language asks for, as a TO that supports
// one language does.
const contentLanguage = "en-GB"

//go:embed demo.json
var demoJSON []byte

// Define registers the API's tables in st and describes the API to the server.
func Define(st *store.Store, spec []byte, doc *openapi3.T) (apidef.API, error) {
	var demo store.Snapshot
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		return apidef.API{}, fmt.Errorf("tomp: demo data: %w", err)
	}
	accounts := newAccountTable(st, doc)
	return apidef.API{
		ID:            ID,
		Title:         "TOMP-API customer management",
		Spec:          spec,
		Doc:           doc,
		CredentialsIn: apidef.CredentialsInHeader,
		Authenticate:  authenticate,
		Render:        render,
		Headers:       headers,
		Mount: func(g *echo.Group, deps apidef.Deps) error {
			impl := &server{accounts: accounts, store: deps.Store, now: deps.Now, newID: deps.NewID, doc: doc}
			tomp.RegisterHandlers(g, tomp.NewStrictHandler(impl, nil))
			return nil
		},
		TenantIdentity: func(t apidef.Tenant) (string, error) { return apidef.CredentialsExactly(t, "token") },
		DefaultTenants: []apidef.Tenant{
			{ID: "demo", Credentials: map[string]string{"token": DemoToken}},
			{ID: "demo-2", Credentials: map[string]string{"token": OtherDemoToken}},
		},
		DemoCredentials: apidef.DemoCredentials{
			Headers: map[string]string{"Authorization": "Bearer " + DemoToken, "Accept-Language": "en-GB"},
		},
		Demo: map[string]any{
			"tenant":           "demo",
			"activeAccount":    DemoActiveAccount,
			"blockedAccount":   DemoBlockedAccount,
			"otherTenantToken": OtherDemoToken,
		},
		DemoState: demo,
	}, nil
}

// Ids of demo records (see demo.json).
const (
	DemoActiveAccount  = "7c2d9e4a-1b3f-4c5d-8e6f-0a1b2c3d4e5f"
	DemoBlockedAccount = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
)

// authenticate accepts `Authorization: Bearer <token>` with a token of a configured tenant.
// Tokens are compared in constant time.
func authenticate(r *http.Request, _ []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The bearer token is missing: send Authorization: Bearer <token>.")
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The Authorization header must be Bearer <token>.")
	}
	token = strings.TrimSpace(token)
	for _, t := range tenants {
		if subtle.ConstantTimeCompare([]byte(t.Credentials["token"]), []byte(token)) == 1 {
			return t, nil
		}
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The bearer token is invalid.")
}

// headers sets TOMP's Content-Language and Version on every response, errors included.
func headers(_ *http.Request, h http.Header) {
	h.Set("Content-Language", contentLanguage)
	h.Set("Version", version)
}

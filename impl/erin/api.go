// Package erin is paxkit's side of the TTS Erin B2C customer contract: per-message
// authentication with the `authenticate` object (each customer login is a tenant, so a
// customer only ever sees their own data) and the `success: false` failure envelope. The
// operations themselves (issue 6) are not implemented yet, so the server validates and
// authenticates requests and then answers 501 in this format.
package erin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/crypto/bcrypt"

	"github.com/paxkit/paxkit/internal/apidef"
)

// ID is the API's id and path prefix.
const ID = "erin"

// The demo customer's login (the seed's placeholders replaced, as in openapi/erin.yaml).
const (
	DemoEmail    = "jon.smith@example.com"
	DemoPassword = "paxkit-demo-password"
	// demoPasswordHash is bcrypt(DemoPassword) at bcrypt's minimum cost: fixtures keep only
	// hashes, and the minimum cost keeps per-message authentication cheap for a local fake.
	demoPasswordHash = "$2a$04$SQQr/ZkPRKvR4hBmAiQWTeNqkliJs8lwXQWSxiMHHh8OGdIbaslyi"
	// DemoCustomerReference is the seed's Jon Smith.
	DemoCustomerReference = "C96NGFPQ"
)

// Define describes the API to the server.
func Define(spec []byte, doc *openapi3.T) apidef.API {
	return apidef.API{
		ID:             ID,
		Title:          "TTS Erin B2C customer management",
		Spec:           spec,
		Doc:            doc,
		CredentialsIn:  apidef.CredentialsInBody,
		Authenticate:   authenticate,
		Render:         render,
		TenantIdentity: tenantIdentity,
		DefaultTenants: []apidef.Tenant{{
			ID:          DemoCustomerReference,
			Credentials: map[string]string{"email": DemoEmail, "passwordBcrypt": demoPasswordHash},
		}},
		DemoCredentials: apidef.DemoCredentials{Body: map[string]any{
			"authenticate": map[string]any{"email": DemoEmail, "password": DemoPassword, "type": "B2C"},
		}},
		Demo: map[string]any{"customerReference": DemoCustomerReference},
	}
}

// tenantIdentity: a customer login is identified by its email, ignoring case as
// authentication does; the password must be stored as a bcrypt hash.
func tenantIdentity(t apidef.Tenant) (string, error) {
	email, err := apidef.CredentialsExactly(t, "email", "passwordBcrypt")
	if err != nil {
		return "", err
	}
	if _, err := bcrypt.Cost([]byte(t.Credentials["passwordBcrypt"])); err != nil {
		return "", fmt.Errorf("credentials.passwordBcrypt is not a bcrypt hash: %w", err)
	}
	return strings.ToLower(strings.TrimSpace(email)), nil
}

// authenticate checks the message's authenticate object against the customer logins. The
// email is matched ignoring case; the password against its bcrypt hash.
func authenticate(_ *http.Request, body []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	// Maps, not structs: encoding/json matches struct fields ignoring case, and only the
	// members the contract validated may count.
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The message has no authenticate object.")
	}
	auth, ok := msg["authenticate"].(map[string]any)
	if !ok {
		return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The message has no authenticate object.")
	}
	email, _ := auth["email"].(string)
	password, _ := auth["password"].(string)
	matched := false
	for _, t := range tenants {
		if !strings.EqualFold(t.Credentials["email"], strings.TrimSpace(email)) {
			continue
		}
		matched = true
		if bcrypt.CompareHashAndPassword([]byte(t.Credentials["passwordBcrypt"]), []byte(password)) != nil {
			break
		}
		return t, nil
	}
	// One answer, and one bcrypt comparison's worth of time, for an unknown email and a wrong
	// password, so that the API does not reveal which emails have accounts.
	if !matched {
		_ = bcrypt.CompareHashAndPassword([]byte(demoPasswordHash), []byte(password))
	}
	return apidef.Tenant{}, apidef.Fail(apidef.Unauthenticated, "The email address or password is not correct.")
}

type errorEntry struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// render answers the failure envelope: success false, every problem with a code and, for a
// problem in one input field, its JSON pointer; echoToken and transactionIdentifier echoed.
func render(r *http.Request, f *apidef.Failure) (int, any) {
	status := f.Kind.DefaultStatus()
	var errs []errorEntry
	switch f.Kind {
	case apidef.Invalid:
		for _, v := range f.Violations {
			code := "INVALID_VALUE"
			if v.Missing {
				code = "REQUIRED"
			}
			e := errorEntry{Code: code, Message: v.String()}
			if v.In == apidef.InBody {
				e.Field = v.Pointer
			}
			errs = append(errs, e)
		}
		if len(errs) == 0 {
			errs = append(errs, errorEntry{Code: "INVALID_VALUE", Message: f.Message})
		}
	case apidef.Unauthenticated:
		errs = append(errs, errorEntry{Code: "AUTHENTICATION_FAILED", Message: f.Message, Field: "/authenticate"})
	case apidef.Forbidden:
		errs = append(errs, errorEntry{Code: "FORBIDDEN", Message: f.Message})
	case apidef.RouteNotFound, apidef.MethodNotAllowed:
		errs = append(errs, errorEntry{Code: "NOT_FOUND", Message: f.Message})
	case apidef.Internal:
		errs = append(errs, errorEntry{Code: "INTERNAL_ERROR", Message: f.Message})
	default:
		errs = append(errs, errorEntry{Code: strings.ToUpper(strings.ReplaceAll(f.Kind.String(), " ", "_")), Message: f.Message})
	}
	out := map[string]any{"success": false, "errors": errs}
	echoEnvelope(r, out)
	return status, out
}

// echoEnvelope copies the request's echoToken and transactionIdentifier into the failure
// envelope when they are strings (the contract allows any string for both, so an echoed
// string never breaks the answer; a value of another type is not echoed).
func echoEnvelope(r *http.Request, out map[string]any) {
	var msg map[string]any
	if json.Unmarshal(apidef.RawBodyFrom(r.Context()), &msg) != nil {
		return
	}
	for _, key := range []string{"echoToken", "transactionIdentifier"} {
		if s, ok := msg[key].(string); ok {
			out[key] = s
		}
	}
}

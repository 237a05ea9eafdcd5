// Package erin is paxkit's TTS Erin B2C customer management: a stateful implementation of
// gen/erin's strict server. Every message carries the customer's `authenticate` object and is
// authenticated on its own; each customer login is a tenant whose id is the customer's
// reference, so a customer only ever reads and writes their own account. Repeated wrong
// passwords lock the account; failures answer Erin's `success: false` envelope.
package erin

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// ID is the API's id and path prefix.
const ID = "erin"

// The demo customers' logins (the seed's placeholders "Email Address" / "Password" replaced,
// as in openapi/erin.yaml). Each tenant's id is its customer's reference.
const (
	DemoEmail    = "jon.smith@example.com"
	DemoPassword = "paxkit-demo-password"
	// demoPasswordHash is bcrypt(DemoPassword) at bcrypt's minimum cost: fixtures keep only
	// hashes, and the minimum cost keeps per-message authentication cheap for a local fake.
	demoPasswordHash = "$2a$04$SQQr/ZkPRKvR4hBmAiQWTeNqkliJs8lwXQWSxiMHHh8OGdIbaslyi"
	// DemoCustomerReference is the seed's Jon Smith (customer id 57).
	DemoCustomerReference = "C96NGFPQ"

	// The second demo customer, Amira Khan, exists so that refusals of another customer's
	// reference, booking and passenger can be tried on a fresh server (the spec's examples
	// name her reference C7QJ2M4X, booking 23980 and passenger 9120).
	OtherDemoEmail             = "amira.khan@example.com"
	OtherDemoPassword          = "paxkit-demo-password-2"
	otherDemoPasswordHash      = "$2a$04$ypr.0/5f0vsnJLs5LtpsTuD7G9nutpnlv8GUePVNKfGvsymXBIQdG"
	OtherDemoCustomerReference = "C7QJ2M4X"
)

// Ids of demo records (see demo.json).
const (
	DemoCustomerID        = 57
	DemoPassengerID       = 8558
	DemoBookingID         = 23345
	DemoQuoteID           = 24102
	OtherDemoBookingID    = 23980
	OtherDemoPassengerID  = 9120
	DemoSecondPassengerID = 8559
)

//go:embed demo.json
var demoJSON []byte

// Define registers the API's tables in st and describes the API to the server.
func Define(st *store.Store, spec []byte, doc *openapi3.T) (apidef.API, error) {
	var demo store.Snapshot
	if err := json.Unmarshal(demoJSON, &demo); err != nil {
		return apidef.API{}, fmt.Errorf("erin: demo data: %w", err)
	}
	tables := newTables(st, doc)
	// The clock is the server's, handed over in Mount; the renderer needs it too (every
	// failure envelope carries a timeStamp), and Mount runs before the first request.
	c := &clock{now: func() time.Time { return time.Now().UTC() }}
	auth := &authenticator{store: st, tables: tables}
	return apidef.API{
		ID:             ID,
		Title:          "TTS Erin B2C customer management",
		Spec:           spec,
		Doc:            doc,
		CredentialsIn:  apidef.CredentialsInBody,
		Authenticate:   auth.authenticate,
		Render:         c.render,
		TenantIdentity: tenantIdentity,
		Mount: func(g *echo.Group, deps apidef.Deps) error {
			c.now = deps.Now
			impl := &server{tables: tables, store: deps.Store, clock: c}
			erin.RegisterHandlers(g, erin.NewStrictHandler(impl, nil))
			return nil
		},
		DefaultTenants: []apidef.Tenant{
			{
				ID:          DemoCustomerReference,
				Credentials: map[string]string{"email": DemoEmail, "passwordBcrypt": demoPasswordHash},
			},
			{
				ID:          OtherDemoCustomerReference,
				Credentials: map[string]string{"email": OtherDemoEmail, "passwordBcrypt": otherDemoPasswordHash},
			},
		},
		DemoCredentials: apidef.DemoCredentials{Body: map[string]any{
			"authenticate": map[string]any{"email": DemoEmail, "password": DemoPassword, "type": "B2C"},
		}},
		Demo: map[string]any{
			"customerReference":      DemoCustomerReference,
			"customerId":             DemoCustomerID,
			"passengerId":            DemoPassengerID,
			"bookingId":              DemoBookingID,
			"quoteId":                DemoQuoteID,
			"otherCustomerEmail":     OtherDemoEmail,
			"otherCustomerPassword":  OtherDemoPassword,
			"otherCustomerReference": OtherDemoCustomerReference,
			"lockAfterFailedLogins":  defaultMaxFailedLogins,
		},
		DemoState: demo,
	}, nil
}

// clock is the server's clock, shared by the handlers and the renderer.
type clock struct {
	now func() time.Time
}

// timeStamp is the `timeStamp` of an answer: the server's time in UTC with milliseconds, as
// the seed's answers show it (`2022-11-08T15:12:37.330Z`).
func (c *clock) timeStamp() string {
	return c.now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// localTime is the zone-less form the seed's records use (`2019-01-30T15:44:20`); paxkit's
// tenants keep their local time in UTC.
func (c *clock) localTime() string {
	return c.now().UTC().Format("2006-01-02T15:04:05")
}

package erin

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// defaultMaxFailedLogins is how many wrong passwords in a row lock an account when the tenant
// does not say otherwise (tenant property maxFailedLogins). paxkit decision: five, a common
// setting of consumer sites; the vendor's value is not documented.
const defaultMaxFailedLogins = 5

// propMaxFailedLogins is the tenant property that sets the lockout count.
const propMaxFailedLogins = "maxFailedLogins"

// tenantIdentity: a customer login is identified by its email, ignoring case as
// authentication does; the password must be stored as a bcrypt hash, and maxFailedLogins,
// when set, must be a positive whole number.
func tenantIdentity(t apidef.Tenant) (string, error) {
	email, err := apidef.CredentialsExactly(t, "email", "passwordBcrypt")
	if err != nil {
		return "", err
	}
	if _, err := bcrypt.Cost([]byte(t.Credentials["passwordBcrypt"])); err != nil {
		return "", fmt.Errorf("credentials.passwordBcrypt is not a bcrypt hash: %w", err)
	}
	if _, err := maxFailedLogins(t); err != nil {
		return "", err
	}
	return strings.ToLower(strings.TrimSpace(email)), nil
}

// maxFailedLogins reads the tenant's lockout count (properties come from JSON, so a number is
// a float64; Go literals in DefaultTenants may be ints).
func maxFailedLogins(t apidef.Tenant) (int, error) {
	v, ok := t.Properties[propMaxFailedLogins]
	if !ok {
		return defaultMaxFailedLogins, nil
	}
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	default:
		return 0, fmt.Errorf("properties.%s must be a whole number of at least 1, not %T", propMaxFailedLogins, v)
	}
	if f < 1 || f > 1e6 || f != math.Trunc(f) {
		return 0, fmt.Errorf("properties.%s must be a whole number from 1 to 1000000, not %v", propMaxFailedLogins, v)
	}
	return int(f), nil
}

// refusedLogin is the cause of an authentication failure; the renderer reads its code.
type refusedLogin struct{ code string }

func (e *refusedLogin) Error() string { return "login refused: " + e.code }

// loginFailure builds a failure the renderer answers with code and message.
func loginFailure(kind apidef.Kind, code, message string) *apidef.Failure {
	return &apidef.Failure{Kind: kind, Message: message, Cause: &refusedLogin{code: code}}
}

// authenticator checks each message's authenticate object and keeps the count of wrong
// passwords per login in the store, so that the lockout survives nothing but a reset and
// concurrent wrong passwords are all counted.
type authenticator struct {
	store  *store.Store
	tables *tables
}

// msgWrongCredentials is one answer for an unknown email and a wrong password, so that the API
// does not reveal which emails have accounts.
const msgWrongCredentials = "The email address or password is incorrect"

// authenticate finds the login of the message's email (ignoring case) and checks the password
// against its bcrypt hash. A wrong password counts towards the lockout; the count-th one in a
// row locks the account. A right password on a locked, disabled or deleted account is refused
// (403, or 401 for a deleted one, which no longer exists for its customer); otherwise it
// clears the count.
func (a *authenticator) authenticate(r *http.Request, body []byte, tenants []apidef.Tenant) (apidef.Tenant, *apidef.Failure) {
	// Maps, not structs (BodyObject): only the members the contract validated may count.
	msg, ok := apidef.BodyObject(r, body)
	if !ok {
		return apidef.Tenant{}, loginFailure(apidef.Unauthenticated, codeAuthRequired, "authenticate is required")
	}
	auth, ok := msg["authenticate"].(map[string]any)
	if !ok {
		return apidef.Tenant{}, loginFailure(apidef.Unauthenticated, codeAuthRequired, "authenticate is required")
	}
	email, _ := auth["email"].(string)
	password, _ := auth["password"].(string)
	var (
		login apidef.Tenant
		found bool
	)
	for _, t := range tenants {
		if strings.EqualFold(t.Credentials["email"], strings.TrimSpace(email)) {
			login, found = t, true
			break
		}
	}
	if !found {
		// One bcrypt comparison's worth of time, as for a known email.
		_ = bcrypt.CompareHashAndPassword([]byte(demoPasswordHash), []byte(password))
		return apidef.Tenant{}, loginFailure(apidef.Unauthenticated, codeAuthFailed, msgWrongCredentials)
	}
	if bcrypt.CompareHashAndPassword([]byte(login.Credentials["passwordBcrypt"]), []byte(password)) != nil {
		if err := a.countFailure(login); err != nil {
			return apidef.Tenant{}, &apidef.Failure{Kind: apidef.Internal, Message: "internal error", Cause: err}
		}
		return apidef.Tenant{}, loginFailure(apidef.Unauthenticated, codeAuthFailed, msgWrongCredentials)
	}
	// Most messages come from a customer without a run of wrong passwords: they only need
	// the tenant's read lock. Only a run to end takes the write lock (and checks again).
	var (
		refused *apidef.Failure
		inRun   bool
	)
	check := func(tx *store.Tx) error {
		refused = accountRefusal(a.tables, tx, login.ID)
		_, inRun = a.tables.logins.Get(tx, login.ID)
		return nil
	}
	err := a.store.View(login.ID, check)
	if err == nil && refused == nil && inRun {
		err = a.store.Update(login.ID, func(tx *store.Tx) error {
			if err := check(tx); err != nil || refused != nil {
				return err
			}
			// A right password ends a run of wrong ones.
			a.tables.logins.Delete(tx, login.ID)
			return nil
		})
	}
	if err != nil {
		return apidef.Tenant{}, &apidef.Failure{Kind: apidef.Internal, Message: "internal error", Cause: fmt.Errorf("erin: authenticate: %w", err)}
	}
	if refused != nil {
		return apidef.Tenant{}, refused
	}
	return login, nil
}

// accountRefusal is the answer to the right password of an account that may not be used: a
// deleted one no longer exists for its customer (401, as an unknown email), a locked or
// disabled one answers 403. nil when the account may be used.
func accountRefusal(t *tables, tx *store.Tx, login string) *apidef.Failure {
	c, ok := t.customer(tx, login)
	switch {
	case !ok:
		return nil
	case deref(c.Deleted):
		return loginFailure(apidef.Unauthenticated, codeAuthFailed, msgWrongCredentials)
	case deref(c.Locked):
		return loginFailure(apidef.Forbidden, codeAccountLocked, "The account is locked")
	case c.Enabled != nil && !*c.Enabled:
		return loginFailure(apidef.Forbidden, codeAccountDisabled, "The account is disabled")
	}
	return nil
}

// countFailure adds one wrong password to the login's run and locks the customer's account
// when the run reaches the tenant's maxFailedLogins.
func (a *authenticator) countFailure(login apidef.Tenant) error {
	limit, err := maxFailedLogins(login)
	if err != nil {
		return err // tenantIdentity refuses such tenants before they are used
	}
	err = a.store.Update(login.ID, func(tx *store.Tx) error {
		st, _ := a.tables.logins.Get(tx, login.ID)
		st.Login = login.ID
		st.FailedAttempts++
		if err := a.tables.logins.Put(tx, st); err != nil {
			return err
		}
		if st.FailedAttempts < limit {
			return nil
		}
		c, ok := a.tables.customer(tx, login.ID)
		if !ok || deref(c.Locked) {
			return nil
		}
		locked := true
		c.Locked = &locked
		return a.tables.customers.Put(tx, c)
	})
	if err != nil {
		return fmt.Errorf("erin: count a failed login: %w", err)
	}
	return nil
}

// loginCode returns the error code an authentication failure carries, if any.
func loginCode(f *apidef.Failure) (string, bool) {
	var rl *refusedLogin
	if errors.As(f.Cause, &rl) {
		return rl.code, true
	}
	return "", false
}

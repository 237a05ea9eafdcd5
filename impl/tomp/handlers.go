package tomp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/gen/tomp"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
)

// server implements tomp.StrictServerInterface on the shared store. Every handler reads and
// writes one tenant's partition inside one store transaction, so concurrent requests never
// see or make half-applied changes.
type server struct {
	accounts *store.Table[account]
	store    *store.Store
	now      func() time.Time
	newID    func() string
	doc      *openapi3.T
}

var _ tomp.StrictServerInterface = (*server)(nil)

func tenantOf(ctx context.Context) (apidef.Tenant, error) {
	t, ok := apidef.TenantFrom(ctx)
	if !ok {
		return t, errors.New("tomp: request reached a handler without an authenticated tenant")
	}
	return t, nil
}

// CreateCustomer creates an account (201), or answers the account the TO already has for this
// customer (200): same MP customer id, same email (ignoring case) or same phone number. A
// blocked known customer answers 428.
func (s *server) CreateCustomer(ctx context.Context, req tomp.CreateCustomerRequestObject) (tomp.CreateCustomerResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	in := cloneCustomer(*req.Body)
	var (
		result  account
		existed bool
	)
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		if known, ok := s.findKnown(tx, in); ok {
			result, existed = known, true
			return nil
		}
		now := s.now()
		id := s.newID()
		status := tomp.CustomerAccountStatusCREATED
		result = account{Id: &id, Customer: &in, CreationDate: &now, ModificationDate: &now, Status: &status}
		return s.accounts.Put(tx, result)
	})
	if err != nil {
		return nil, fmt.Errorf("tomp: create customer: %w", err)
	}
	if !existed {
		return tomp.CreateCustomer201JSONResponse{Body: result, Headers: tomp.CreateCustomer201ResponseHeaders(respHeaders())}, nil
	}
	if deref(result.Status) == tomp.CustomerAccountStatusBLOCKED {
		return tomp.CreateCustomer428JSONResponse{UserBlockedJSONResponse: blocked(ctx)}, nil
	}
	return tomp.CreateCustomer200JSONResponse{Body: result, Headers: tomp.CreateCustomer200ResponseHeaders(respHeaders())}, nil
}

// findKnown looks for an account of the same customer, in TOMP's order of evidence: the MP's
// customer id, then email, then phone number. With several matches the oldest account wins.
func (s *server) findKnown(tx *store.Tx, c tomp.Customer) (account, bool) {
	if a, ok := first(s.accounts.Lookup(tx, byMPCustomerID, c.Id)); ok {
		return a, true
	}
	if c.Email != nil {
		if a, ok := oldest(s.accounts.Lookup(tx, byEmail, emailKey(*c.Email))); ok {
			return a, true
		}
	}
	if c.PhoneNumber != nil {
		if a, ok := oldest(s.accounts.Lookup(tx, byPhone, phoneKey(*c.PhoneNumber))); ok {
			return a, true
		}
	}
	return account{}, false
}

func first(as []account) (account, bool) {
	if len(as) == 0 {
		return account{}, false
	}
	return as[0], true
}

func oldest(as []account) (account, bool) {
	var best account
	found := false
	for _, a := range as {
		if !found || deref(a.CreationDate).Before(deref(best.CreationDate)) {
			best, found = a, true
		}
	}
	return best, found
}

// GetCustomer answers the account, or 404 (8204).
func (s *server) GetCustomer(ctx context.Context, req tomp.GetCustomerRequestObject) (tomp.GetCustomerResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var (
		a  account
		ok bool
	)
	if err := s.store.View(t.ID, func(tx *store.Tx) error {
		a, ok = s.accounts.Get(tx, req.CustomerId)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("tomp: get customer: %w", err)
	}
	if !ok {
		return tomp.GetCustomer404JSONResponse{NotFoundJSONResponse: notFound(ctx, req.CustomerId)}, nil
	}
	return tomp.GetCustomer200JSONResponse{Body: a, Headers: tomp.GetCustomer200ResponseHeaders(respHeaders())}, nil
}

// DeleteCustomer forgets the account at once; afterwards every operation on it answers 404.
func (s *server) DeleteCustomer(ctx context.Context, req tomp.DeleteCustomerRequestObject) (tomp.DeleteCustomerResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := s.store.Update(t.ID, func(tx *store.Tx) error {
		_, ok = s.accounts.Delete(tx, req.CustomerId)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("tomp: delete customer: %w", err)
	}
	if !ok {
		return tomp.DeleteCustomer404JSONResponse{NotFoundJSONResponse: notFound(ctx, req.CustomerId)}, nil
	}
	return tomp.DeleteCustomer200Response{Headers: tomp.DeleteCustomer200ResponseHeaders(respHeaders())}, nil
}

// refusal is an update refused inside the transaction; returning it rolls the transaction
// back and carries the answer out.
type refusal struct {
	resp tomp.UpdateCustomerResponseObject
}

func (r *refusal) Error() string { return "update refused" }

// UpdateCustomer applies a JSON merge patch (RFC 7396) to the account's customer data. The
// checks, in order: the account exists (404); the patch keeps the read-only id (400, 8211);
// the patched customer is still a valid Customer (400, 8001/8002, every problem listed); the
// account is not blocked (428).
func (s *server) UpdateCustomer(ctx context.Context, req tomp.UpdateCustomerRequestObject) (tomp.UpdateCustomerResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var result account
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		a, ok := s.accounts.Get(tx, req.CustomerId)
		if !ok {
			return &refusal{tomp.UpdateCustomer404JSONResponse{NotFoundJSONResponse: notFound(ctx, req.CustomerId)}}
		}
		old := deref(a.Customer)
		if p := req.Body.Id; p.IsSpecified() && (p.IsNull() || p.MustGet() != old.Id) {
			return &refusal{tomp.UpdateCustomer400JSONResponse{
				Body:    body(tompError(codeReadOnly, "Read-only", "Data field id is read-only", http.StatusBadRequest, "The MP's identifier of a customer cannot be changed; leave id out of the patch.", instanceFrom(ctx))),
				Headers: tomp.UpdateCustomer400ResponseHeaders(respHeaders()),
			}}
		}
		merged := mergePatch(old, *req.Body)
		vs, err := s.checkCustomer(merged)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			return &refusal{tomp.UpdateCustomer400JSONResponse{
				Body:    violationsBody(vs, "", instanceFrom(ctx)),
				Headers: tomp.UpdateCustomer400ResponseHeaders(respHeaders()),
			}}
		}
		if deref(a.Status) == tomp.CustomerAccountStatusBLOCKED {
			return &refusal{tomp.UpdateCustomer428JSONResponse{UserBlockedJSONResponse: blocked(ctx)}}
		}
		now := s.now()
		a.Customer = &merged
		a.ModificationDate = &now
		result = a
		return s.accounts.Put(tx, a)
	})
	var r *refusal
	if errors.As(err, &r) {
		return r.resp, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tomp: update customer: %w", err)
	}
	return tomp.UpdateCustomer200JSONResponse{Body: result, Headers: tomp.UpdateCustomer200ResponseHeaders(respHeaders())}, nil
}

// checkCustomer validates the customer a patch produced against TOMP's Customer schema (for
// example, merged custom fields may exceed 20 keys although the patch alone does not).
func (s *server) checkCustomer(c tomp.Customer) ([]apidef.Violation, error) {
	return validate.Schema(s.doc, "Customer", c, "")
}

// mergePatch applies RFC 7396 to a customer: a member with a value replaces, null removes,
// absent keeps. address and customFields are objects and merge member by member; an address
// member cannot be null (Place members are not nullable), so a present member replaces.
func mergePatch(c tomp.Customer, p tomp.CustomerPatch) tomp.Customer {
	c = cloneCustomer(c)
	setString(&c.Initials, p.Initials)
	setString(&c.FirstName, p.FirstName)
	setString(&c.LastName, p.LastName)
	setString(&c.MiddleName, p.MiddleName)
	setString(&c.Prefix, p.Prefix)
	setString(&c.Postfix, p.Postfix)
	setString(&c.PhoneNumber, p.PhoneNumber)
	setString(&c.Email, p.Email)
	setString(&c.PlaceOfBirth, p.PlaceOfBirth)
	setString(&c.CountryOfBirth, p.CountryOfBirth)
	if p.DateOfBirth.IsSpecified() {
		if p.DateOfBirth.IsNull() {
			c.DateOfBirth = nil
		} else {
			d := p.DateOfBirth.MustGet()
			c.DateOfBirth = &d
		}
	}
	if p.Photo.IsSpecified() {
		if p.Photo.IsNull() {
			c.Photo = nil
		} else {
			b := p.Photo.MustGet()
			c.Photo = &b
		}
	}
	if p.Address.IsSpecified() {
		if p.Address.IsNull() || c.Address == nil {
			c.Address = nil
			if !p.Address.IsNull() {
				addr := p.Address.MustGet()
				c.Address = &addr
			}
		} else {
			c.Address = mergePlace(*c.Address, p.Address.MustGet())
		}
	}
	if p.CustomFields.IsSpecified() {
		if p.CustomFields.IsNull() {
			c.CustomFields = nil
		} else {
			fields := map[string]string{}
			if c.CustomFields != nil {
				fields = maps.Clone(*c.CustomFields)
			}
			for k, v := range p.CustomFields.MustGet() {
				if v == nil {
					delete(fields, k)
				} else {
					fields[k] = *v
				}
			}
			cf := tomp.CustomProperties(fields)
			c.CustomFields = &cf
			if len(fields) == 0 {
				c.CustomFields = nil
			}
		}
	}
	return c
}

func setString(dst **string, v interface {
	IsSpecified() bool
	IsNull() bool
	MustGet() string
}) {
	if !v.IsSpecified() {
		return
	}
	if v.IsNull() {
		*dst = nil
		return
	}
	s := v.MustGet()
	*dst = &s
}

// mergePlace merges a patch address into the stored one: members the patch carries replace,
// the others are kept. id and addressLine1 are required in a Place, so the patch always
// carries them.
func mergePlace(old, p tomp.Place) *tomp.Place {
	out := old
	out.Id = p.Id
	out.AddressLine1 = p.AddressLine1
	for _, f := range []struct{ dst, src **string }{
		{&out.Type, &p.Type}, {&out.AddressLine2, &p.AddressLine2}, {&out.Street, &p.Street},
		{&out.HouseNumberAddition, &p.HouseNumberAddition}, {&out.PostalCode, &p.PostalCode},
		{&out.City, &p.City}, {&out.Province, &p.Province}, {&out.State, &p.State},
		{&out.Country, &p.Country}, {&out.AdditionalInfo, &p.AdditionalInfo},
	} {
		if *f.src != nil {
			*f.dst = *f.src
		}
	}
	if p.HouseNumber != nil {
		out.HouseNumber = p.HouseNumber
	}
	return &out
}

type headerPair struct {
	ContentLanguage string
	Version         string
}

func respHeaders() headerPair { return headerPair{ContentLanguage: contentLanguage, Version: version} }

func notFound(ctx context.Context, id string) tomp.NotFoundJSONResponse {
	return tomp.NotFoundJSONResponse{
		Body:    body(tompError(codeNotFound, "Not found", "Not found", http.StatusNotFound, fmt.Sprintf("Customer %s not found.", id), instanceFrom(ctx))),
		Headers: tomp.NotFoundResponseHeaders(respHeaders()),
	}
}

func blocked(ctx context.Context) tomp.UserBlockedJSONResponse {
	return tomp.UserBlockedJSONResponse{
		Body:    body(tompError(codeBlocked, "", "User blocked", http.StatusPreconditionRequired, "The customer account is blocked by the transport operator.", instanceFrom(ctx))),
		Headers: tomp.UserBlockedResponseHeaders(respHeaders()),
	}
}

// instanceFrom identifies one occurrence of an error by the request id, which is also in the
// server's log line for the request.
func instanceFrom(ctx context.Context) string {
	if id := apidef.RequestIDFrom(ctx); id != "" {
		return "urn:uuid:" + id
	}
	return ""
}

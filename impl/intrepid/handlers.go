package intrepid

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paxkit/paxkit/gen/intrepid"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// errorType values (Error.errorType in the contract); the vendor's own list is not public.
const (
	errBadRequest = "BadRequest"
	errForbidden  = "Forbidden"
	errNotFound   = "NotFound"
)

// server implements intrepid.StrictServerInterface on the shared store. Every handler works
// inside one transaction on its tenant's partition, so a refused write changes nothing and
// concurrent requests never see half of one.
type server struct {
	tables
	store *store.Store
	now   func() time.Time
}

var _ intrepid.StrictServerInterface = (*server)(nil)

// refusal is an answer other than success, decided inside a transaction: returning it rolls
// the transaction back and carries the status and messages out.
type refusal struct {
	status int
	errors []string
}

func (r *refusal) Error() string {
	return fmt.Sprintf("refused with %d: %s", r.status, strings.Join(r.errors, "; "))
}

func refuse(status int, format string, args ...any) *refusal {
	return &refusal{status: status, errors: []string{fmt.Sprintf(format, args...)}}
}

// body is the vendor's error body for a refusal.
func (r *refusal) body(ctx context.Context) intrepid.Error {
	typ := map[int]string{http.StatusBadRequest: errBadRequest, http.StatusForbidden: errForbidden, http.StatusNotFound: errNotFound}[r.status]
	return intrepid.Error{ErrorType: typ, Errors: r.errors, CorrelationId: apidef.RequestIDFrom(ctx)}
}

// asRefusal separates a refusal from a real failure of the transaction.
func asRefusal(err error) (*refusal, error) {
	var r *refusal
	if errors.As(err, &r) {
		return r, nil
	}
	return nil, err
}

// scope is the resolved `/{context}/{contextId}`: a booking, and the component when the
// context is one. The context-free PATCH has the customer's booking as its scope.
type scope struct {
	name    string
	id      int64
	booking booking
	comp    *component
}

func (sc scope) isTrip() bool { return sc.comp != nil && sc.comp.Kind == ctxTrips }

// label names the context in messages the way the path does: `trips 887124`.
func (sc scope) label() string { return fmt.Sprintf("%s %d", sc.name, sc.id) }

func (sc scope) href(customerID int64) string {
	return fmt.Sprintf("/%s/%d/customers/%d", sc.name, sc.id, customerID)
}

// resolve finds the booking or component a context names; anything unknown answers 404.
// The core already lowercased the context (CanonicalPath); lowering again keeps the handler
// right on its own.
func (s *server) resolve(tx *store.Tx, name string, id int64) (scope, *refusal) {
	name = strings.ToLower(name)
	switch {
	case name == ctxBookings:
		b, ok := s.bookings.Get(tx, idKey(id))
		if !ok {
			return scope{}, refuse(http.StatusNotFound, "Booking %d was not found", id)
		}
		return scope{name: name, id: id, booking: b}, nil
	case slices.Contains(componentKinds, name):
		c, ok := s.components.Get(tx, idKey(id))
		if !ok || c.Kind != name {
			return scope{}, refuse(http.StatusNotFound, "%s %d was not found", name, id)
		}
		b, ok := s.bookings.Get(tx, idKey(c.BookingID))
		if !ok {
			return scope{}, refuse(http.StatusNotFound, "%s %d was not found", name, id)
		}
		return scope{name: name, id: id, booking: b, comp: &c}, nil
	default:
		return scope{}, refuse(http.StatusNotFound, "Unknown context %q: use bookings, %s", name, strings.Join(componentKinds, ", "))
	}
}

// customerIn finds a customer of the scope, and the customer's place on the component.
func (s *server) customerIn(tx *store.Tx, sc scope, id int64) (customer, int, *refusal) {
	c, ok := s.customers.Get(tx, idKey(id))
	if !ok || c.BookingID != sc.booking.ID {
		return customer{}, -1, refuse(http.StatusNotFound, "Customer %d was not found on %s", id, sc.label())
	}
	if sc.comp == nil {
		return c, -1, nil
	}
	i := slices.IndexFunc(sc.comp.Customers, func(p placement) bool { return p.CustomerID == id })
	if i < 0 {
		return customer{}, -1, refuse(http.StatusNotFound, "Customer %d was not found on %s", id, sc.label())
	}
	return c, i, nil
}

// ListCustomersInContext answers every customer of a booking, or of one component, by id.
func (s *server) ListCustomersInContext(ctx context.Context, req intrepid.ListCustomersInContextRequestObject) (intrepid.ListCustomersInContextResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	list := []intrepid.Customer{}
	err = s.store.View(t.ID, func(tx *store.Tx) error {
		sc, ref := s.resolve(tx, string(req.Context), req.ContextId)
		if ref != nil {
			return ref
		}
		if sc.comp == nil {
			cs := s.customers.Lookup(tx, byBooking, idKey(sc.booking.ID))
			slices.SortFunc(cs, func(a, b customer) int { return cmp.Compare(a.ID, b.ID) })
			for _, c := range cs {
				list = append(list, view(c, sc, nil))
			}
			return nil
		}
		places := slices.Clone(sc.comp.Customers)
		slices.SortFunc(places, func(a, b placement) int { return cmp.Compare(a.CustomerID, b.CustomerID) })
		for _, p := range places {
			// A fixture may place a customer that does not exist (fixtures are checked record
			// by record); such a placement is skipped rather than invented.
			if c, ok := s.customers.Get(tx, idKey(p.CustomerID)); ok && c.BookingID == sc.booking.ID {
				list = append(list, view(c, sc, &p))
			}
		}
		return nil
	})
	if ref, err := asRefusal(err); err != nil {
		return nil, fmt.Errorf("intrepid: list customers: %w", err)
	} else if ref != nil {
		return intrepid.ListCustomersInContext404JSONResponse{NotFoundJSONResponse: intrepid.NotFoundJSONResponse(ref.body(ctx))}, nil
	}
	return intrepid.ListCustomersInContext200JSONResponse{Customers: list}, nil
}

// GetCustomerInContext answers one customer of a booking or component.
func (s *server) GetCustomerInContext(ctx context.Context, req intrepid.GetCustomerInContextRequestObject) (intrepid.GetCustomerInContextResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var out intrepid.Customer
	err = s.store.View(t.ID, func(tx *store.Tx) error {
		sc, ref := s.resolve(tx, string(req.Context), req.ContextId)
		if ref != nil {
			return ref
		}
		c, i, ref := s.customerIn(tx, sc, req.Id)
		if ref != nil {
			return ref
		}
		var p *placement
		if i >= 0 {
			p = &sc.comp.Customers[i]
		}
		out = view(c, sc, p)
		return nil
	})
	if ref, err := asRefusal(err); err != nil {
		return nil, fmt.Errorf("intrepid: get customer: %w", err)
	} else if ref != nil {
		return intrepid.GetCustomerInContext404JSONResponse{NotFoundJSONResponse: intrepid.NotFoundJSONResponse(ref.body(ctx))}, nil
	}
	return intrepid.GetCustomerInContext200JSONResponse(out), nil
}

// AddCustomerToContext adds a customer to a booking (201 with its id and href). Customers are
// booked on components through the components' own endpoints, so a component context
// answers 400; a booking made outside the API answers 403.
func (s *server) AddCustomerToContext(ctx context.Context, req intrepid.AddCustomerToContextRequestObject) (intrepid.AddCustomerToContextResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var created customer
	var sc scope
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		var ref *refusal
		sc, ref = s.resolve(tx, string(req.Context), req.ContextId)
		if ref != nil {
			return ref
		}
		if sc.comp != nil {
			return refuse(http.StatusBadRequest, "path context: customers are added to a booking (bookings/%d); book them on %s through its own endpoint",
				sc.booking.ID, sc.label())
		}
		if !sc.booking.MadeThroughAPI {
			return refuse(http.StatusForbidden, "Booking %d was not made through the API; its customers cannot be changed through the API", sc.booking.ID)
		}
		in := *req.Body
		if bad := s.invalidValues(tx, sc, customer{}, -1, in); len(bad) > 0 {
			return &refusal{status: http.StatusBadRequest, errors: bad}
		}
		created = customer{ID: s.nextCustomerID(tx), BookingID: sc.booking.ID}
		applyFields(&created, in)
		return s.customers.Put(tx, created)
	})
	if ref, err := asRefusal(err); err != nil {
		return nil, fmt.Errorf("intrepid: add customer: %w", err)
	} else if ref != nil {
		body := ref.body(ctx)
		switch ref.status {
		case http.StatusBadRequest:
			return intrepid.AddCustomerToContext400JSONResponse{BadRequestJSONResponse: intrepid.BadRequestJSONResponse(body)}, nil
		case http.StatusForbidden:
			return intrepid.AddCustomerToContext403JSONResponse{ForbiddenJSONResponse: intrepid.ForbiddenJSONResponse(body)}, nil
		default:
			return intrepid.AddCustomerToContext404JSONResponse{NotFoundJSONResponse: intrepid.NotFoundJSONResponse(body)}, nil
		}
	}
	return intrepid.AddCustomerToContext201JSONResponse{Id: created.ID, Href: sc.href(created.ID)}, nil
}

// nextCustomerID is one more than the tenant's highest customer id, like the vendor's
// increasing ids. It walks the table: paxkit's tenants hold demo-sized data, and a sequence
// record would be one more thing for fixtures to keep consistent.
func (s *server) nextCustomerID(tx *store.Tx) int64 {
	var max int64
	for _, c := range s.customers.Scan(tx, "", store.Query{}).Items {
		max = maxOf(max, c.ID)
	}
	return max + 1
}

func maxOf(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// UpdateCustomerInContext applies the PATCH rules under a booking or component context:
// 200, or 202 when the customer is put on request on a component.
func (s *server) UpdateCustomerInContext(ctx context.Context, req intrepid.UpdateCustomerInContextRequestObject) (intrepid.UpdateCustomerInContextResponseObject, error) {
	res, ref, err := s.update(ctx, func(tx *store.Tx) (scope, *refusal) {
		return s.resolve(tx, string(req.Context), req.ContextId)
	}, req.Id, *req.Body)
	if err != nil {
		return nil, fmt.Errorf("intrepid: update customer in context: %w", err)
	}
	if ref != nil {
		body := ref.body(ctx)
		switch ref.status {
		case http.StatusBadRequest:
			return intrepid.UpdateCustomerInContext400JSONResponse{BadRequestJSONResponse: intrepid.BadRequestJSONResponse(body)}, nil
		case http.StatusForbidden:
			return intrepid.UpdateCustomerInContext403JSONResponse{ForbiddenJSONResponse: intrepid.ForbiddenJSONResponse(body)}, nil
		default:
			return intrepid.UpdateCustomerInContext404JSONResponse{NotFoundJSONResponse: intrepid.NotFoundJSONResponse(body)}, nil
		}
	}
	if res.accepted {
		return intrepid.UpdateCustomerInContext202JSONResponse(res.ref), nil
	}
	return intrepid.UpdateCustomerInContext200JSONResponse(res.ref), nil
}

// UpdateCustomer applies the PATCH rules to a customer found by id alone; its scope is the
// customer's booking, so component-only fields do not apply.
func (s *server) UpdateCustomer(ctx context.Context, req intrepid.UpdateCustomerRequestObject) (intrepid.UpdateCustomerResponseObject, error) {
	res, ref, err := s.update(ctx, func(tx *store.Tx) (scope, *refusal) {
		c, ok := s.customers.Get(tx, idKey(req.Id))
		if !ok {
			return scope{}, refuse(http.StatusNotFound, "Customer %d was not found", req.Id)
		}
		return s.resolve(tx, ctxBookings, c.BookingID)
	}, req.Id, *req.Body)
	if err != nil {
		return nil, fmt.Errorf("intrepid: update customer: %w", err)
	}
	if ref != nil {
		body := ref.body(ctx)
		switch ref.status {
		case http.StatusBadRequest:
			return intrepid.UpdateCustomer400JSONResponse{BadRequestJSONResponse: intrepid.BadRequestJSONResponse(body)}, nil
		case http.StatusForbidden:
			return intrepid.UpdateCustomer403JSONResponse{ForbiddenJSONResponse: intrepid.ForbiddenJSONResponse(body)}, nil
		default:
			return intrepid.UpdateCustomer404JSONResponse{NotFoundJSONResponse: intrepid.NotFoundJSONResponse(body)}, nil
		}
	}
	return intrepid.UpdateCustomer200JSONResponse(res.ref), nil
}

type updated struct {
	ref      intrepid.ResourceReference
	accepted bool
}

// update runs one PATCH in one transaction: find the scope and the customer, check every
// rule, then write. Any refusal leaves the store as it was.
func (s *server) update(ctx context.Context, find func(tx *store.Tx) (scope, *refusal), id int64, body intrepid.CustomerWrite) (updated, *refusal, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return updated{}, nil, err
	}
	onStatement, _ := t.Properties[agentOnStatement].(bool)
	var res updated
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		sc, ref := find(tx)
		if ref != nil {
			return ref
		}
		c, i, ref := s.customerIn(tx, sc, id)
		if ref != nil {
			return ref
		}
		accepted, ref, err := s.patch(tx, sc, c, i, body, onStatement)
		if err != nil || ref != nil {
			return errors.Join(err, refOrNil(ref))
		}
		res = updated{ref: intrepid.ResourceReference{Id: c.ID, Href: sc.href(c.ID)}, accepted: accepted}
		return nil
	})
	ref, err := asRefusal(err)
	return res, ref, err
}

// refOrNil keeps a nil *refusal from becoming a non-nil error interface.
func refOrNil(r *refusal) error {
	if r == nil {
		return nil
	}
	return r
}

func tenantOf(ctx context.Context) (apidef.Tenant, error) {
	t, ok := apidef.TenantFrom(ctx)
	if !ok {
		return t, errors.New("intrepid: request reached a handler without an authenticated tenant")
	}
	return t, nil
}

// view is a customer as read in a scope. Customers of bookings made outside the API are
// restricted to their names and currency.
func view(c customer, sc scope, p *placement) intrepid.Customer {
	out := intrepid.Customer{
		Id: c.ID, Href: sc.href(c.ID), FirstName: c.FirstName, Surname: c.Surname,
		Currency: ptr(sc.booking.Currency), Restricted: !sc.booking.MadeThroughAPI,
	}
	if out.Restricted {
		return out
	}
	out.Title = optional(c.Title)
	out.MiddleName = optional(c.MiddleName)
	if c.DateOfBirth != "" {
		if d, err := time.Parse(time.DateOnly, c.DateOfBirth); err == nil {
			out.DateOfBirth = dateOf(d)
		}
	}
	out.HomePhone = optional(c.HomePhone)
	out.MobilePhone = optional(c.MobilePhone)
	out.EmailAddress = optional(c.EmailAddress)
	if c.HomeAddress != nil {
		a := *c.HomeAddress
		if a.CountryCode != nil {
			a.CountryName = optional(countryName(*a.CountryCode))
		}
		out.HomeAddress = &a
	}
	if c.Passport != nil {
		pp := *c.Passport
		out.Passport = &pp
	}
	out.TravelInsurancePolicyNumber = optional(c.TravelInsurancePolicyNumber)
	out.TravelInsuranceCompany = optional(c.TravelInsuranceCompany)
	out.TravelInsuranceCompanyPhone = optional(c.TravelInsuranceCompanyPhone)
	if c.EmergencyContact != nil {
		e := *c.EmergencyContact
		out.EmergencyContact = &e
	}
	out.DietaryNote = optional(c.DietaryNote)
	out.MedicalNote = optional(c.MedicalNote)
	if c.Prices != nil {
		out.GrossPrice, out.NetPrice = ptr(c.Prices.GrossPrice), ptr(c.Prices.NetPrice)
		out.TotalDiscountAmount, out.TotalFeeAmount = ptr(c.Prices.TotalDiscountAmount), ptr(c.Prices.TotalFeeAmount)
	}
	if p != nil {
		st := intrepid.CustomerStatus(p.Status)
		out.Status = &st
		out.ExternalReference = optional(sc.comp.ExternalReference)
		if sc.isTrip() {
			ss := intrepid.StringBooleanFalse
			if p.SingleSupplement {
				ss = intrepid.StringBooleanTrue
			}
			out.SingleSupplement = &ss
			out.OriginalPrice = p.OriginalPrice
			out.PromotionCode = optional(p.PromotionCode)
			out.PromotionName = optional(p.PromotionName)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// optional is nil for "", so that unset fields are left out of answers.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

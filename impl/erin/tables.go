package erin

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
)

// Table and index names.
const (
	tableCustomers = "erin.customers"
	tableBookings  = "erin.bookings"
	tableDocuments = "erin.documents"
	tableLogins    = "erin.loginFailures"

	byReference = "reference"
	byPassenger = "passenger"
)

// A customer is stored in Erin's own CustomerDetail shape: the account, the primary
// passenger with every record (notes and travel documents included), the other passengers and
// the discounts. What getCustomerDetails computes or leaves out (bookings, noBookings, the
// nested customerDetails summary, notes without includeNotes) is applied when answering. The
// customer of a login is the record whose reference is the tenant's id.
type customer = erin.CustomerDetail

// A booking (or quote) is stored as the booking-list entry plus its payments, each payment
// with the id storeCustomerPayment answers in affectedIds.
type booking struct {
	erin.CustomerBooking
	Payments []payment `json:"paymentDetails,omitempty"`
}

type payment struct {
	ID int64 `json:"id"`
	erin.StatementPayment
}

// loginFailures counts a login's wrong passwords in a row (paxkit's own record, not a wire
// shape: Erin does not show the count).
type loginFailures struct {
	Login          string `json:"login"`
	FailedAttempts int    `json:"failedAttempts"`
}

type tables struct {
	customers *store.Table[customer]
	bookings  *store.Table[booking]
	documents *store.Table[erin.CustomerDocument]
	logins    *store.Table[loginFailures]
}

func newTables(st *store.Store, doc *openapi3.T) *tables {
	return &tables{
		customers: store.NewTable(st, store.Config[customer]{
			Name:     tableCustomers,
			ID:       func(c customer) string { return idString(c.Id) },
			Clone:    jsonClone[customer],
			Validate: func(c customer) error { return checkCustomer(doc, c) },
			Unique: []store.Index[customer]{
				{Name: byReference, Keys: func(c customer) []string { return []string{deref(c.Reference)} }},
				// A passenger belongs to one customer.
				{Name: byPassenger, Keys: func(c customer) []string {
					var keys []string
					for _, p := range passengersOf(&c) {
						keys = append(keys, idString(p.Id))
					}
					return keys
				}},
			},
		}),
		bookings: store.NewTable(st, store.Config[booking]{
			Name:     tableBookings,
			ID:       func(b booking) string { return idString(b.BookingId) },
			Clone:    jsonClone[booking],
			Validate: func(b booking) error { return checkBooking(doc, b) },
		}),
		documents: store.NewTable(st, store.Config[erin.CustomerDocument]{
			Name:  tableDocuments,
			ID:    func(d erin.CustomerDocument) string { return idString(d.Id) },
			Clone: jsonClone[erin.CustomerDocument],
			Validate: func(d erin.CustomerDocument) error {
				if d.Id == nil {
					return fmt.Errorf("missing id")
				}
				return schemaProblems(doc, "CustomerDocument", d, "")
			},
		}),
		logins: store.NewTable(st, store.Config[loginFailures]{
			Name: tableLogins,
			ID:   func(l loginFailures) string { return l.Login },
			Validate: func(l loginFailures) error {
				if l.FailedAttempts < 1 {
					return fmt.Errorf("failedAttempts must be at least 1")
				}
				return nil
			},
		}),
	}
}

// customer returns the customer of the login whose tenant id is login.
func (t *tables) customer(tx *store.Tx, login string) (customer, bool) {
	cs := t.customers.Lookup(tx, byReference, login)
	if len(cs) == 0 {
		return customer{}, false
	}
	return cs[0], true
}

// checkCustomer refuses fixture records getCustomerDetails could not answer from: the id,
// reference and primary passenger (with its id) are needed, every passenger needs an id, and
// bookings are kept in their own table.
func checkCustomer(doc *openapi3.T, c customer) error {
	var missing []string
	if c.Id == nil {
		missing = append(missing, "id")
	}
	if deref(c.Reference) == "" {
		missing = append(missing, "reference")
	}
	if c.PrimaryDetail == nil || c.PrimaryDetail.Id == nil {
		missing = append(missing, "primaryDetail.id")
	}
	if c.Passengers != nil {
		for i, p := range *c.Passengers {
			if p.Id == nil {
				missing = append(missing, fmt.Sprintf("passengers[%d].id", i))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if c.Bookings != nil {
		return fmt.Errorf("bookings belong in table %s, not in the customer", tableBookings)
	}
	return schemaProblems(doc, "CustomerDetail", c, "")
}

// checkBooking refuses bookings the statement and booking list could not show: id, kind,
// cost and currency are needed; payments need distinct ids and an amount.
func checkBooking(doc *openapi3.T, b booking) error {
	var missing []string
	if b.BookingId == nil {
		missing = append(missing, "bookingId")
	}
	if b.Kind == nil {
		missing = append(missing, "kind")
	}
	if b.BookingCost == nil {
		missing = append(missing, "bookingCost")
	}
	if b.CurrencyCode == nil {
		missing = append(missing, "currencyCode")
	}
	seen := map[int64]bool{}
	for i, p := range b.Payments {
		if p.ID == 0 {
			missing = append(missing, fmt.Sprintf("paymentDetails[%d].id", i))
		} else if seen[p.ID] {
			return fmt.Errorf("paymentDetails[%d].id %d is used twice", i, p.ID)
		}
		seen[p.ID] = true
		if p.Amount == nil {
			missing = append(missing, fmt.Sprintf("paymentDetails[%d].amount", i))
		}
		if err := schemaProblems(doc, "StatementPayment", p.StatementPayment, fmt.Sprintf("/paymentDetails/%d", i)); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return schemaProblems(doc, "CustomerBooking", b.CustomerBooking, "")
}

// schemaProblems checks a value against a component schema of the contract.
func schemaProblems(doc *openapi3.T, name string, v any, prefix string) error {
	vs, err := validate.Schema(doc, name, v, prefix)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return nil
	}
	parts := make([]string, len(vs))
	for i, x := range vs {
		parts[i] = x.Pointer + ": " + x.Message
	}
	return fmt.Errorf("not a valid %s: %s", name, strings.Join(parts, "; "))
}

// passengersOf returns pointers to every passenger of a customer, the primary one first, so
// that callers can change them in place.
func passengersOf(c *customer) []*erin.PassengerDetail {
	var out []*erin.PassengerDetail
	if c.PrimaryDetail != nil {
		out = append(out, c.PrimaryDetail)
	}
	if c.Passengers != nil {
		for i := range *c.Passengers {
			out = append(out, &(*c.Passengers)[i])
		}
	}
	return out
}

// jsonClone deep-copies a record of generated types: they are plain JSON data (pointers,
// slices, no cycles), so a JSON round trip copies every level and cannot miss a field.
func jsonClone[T any](v T) T {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("erin: clone %T: %v", v, err))
	}
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		panic(fmt.Sprintf("erin: clone %T: %v", v, err))
	}
	return out
}

func idString(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

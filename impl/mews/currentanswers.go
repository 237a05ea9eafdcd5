package mews

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/jsonwrite"
)

// The current revision's 200 answers that carry customers (add, update, getAll, search) are
// written by customerjson.go's writers instead of the generated response types: the strict
// server accepts any implementation of an operation's ResponseObject interface. Their bodies
// are byte for byte what the generated types' json.Encoder wrote (TestDirectBodiesMatchWire).

// customerSize is room for one customer's JSON (the demo's fullest is about 1.4 KB), so that
// an answer is built in one allocation.
const customerSize = 1536

// jsonAnswer is a 200 answer whose body is already written.
type jsonAnswer struct {
	body      []byte
	requestID string
}

// visit sets what the generated Visit functions set (Content-Type, Request-Id, the status)
// and writes the body in one Write.
func (a jsonAnswer) visit(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", a.requestID)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

type customersAddAnswer struct{ jsonAnswer }

func (a customersAddAnswer) VisitCustomersAddResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type customersUpdateAnswer struct{ jsonAnswer }

func (a customersUpdateAnswer) VisitCustomersUpdateResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type customersGetAllAnswer struct{ jsonAnswer }

func (a customersGetAllAnswer) VisitCustomersGetAllResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type customersSearchAnswer struct{ jsonAnswer }

func (a customersSearchAnswer) VisitCustomersSearchResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

var (
	_ mews.CustomersAddResponseObject    = customersAddAnswer{}
	_ mews.CustomersUpdateResponseObject = customersUpdateAnswer{}
	_ mews.CustomersGetAllResponseObject = customersGetAllAnswer{}
	_ mews.CustomersSearchResponseObject = customersSearchAnswer{}
)

// customerBody is the body of add's and update's answer (schema Customer), ended by the
// newline json.Encoder writes.
func customerBody(c *domain.Customer) ([]byte, error) {
	b, err := appendCustomer(make([]byte, 0, customerSize), c)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// getAllBody is the body of getAll's answer (schema CustomerResult): the cursor (null when
// there is none), the customers (never null) and the deprecated Documents, always null.
func getAllBody(cs []domain.Customer, cursor *string) ([]byte, error) {
	b := make([]byte, 0, 64+customerSize*len(cs))
	b = append(b, `{"Cursor":`...)
	b, err := jsonwrite.OptUUID(b, cursor)
	if err != nil {
		return nil, fmt.Errorf("mews: cursor: %w", err)
	}
	b = append(b, `,"Customers":`...)
	if b, err = appendList(b, cs, appendCustomer); err != nil {
		return nil, err
	}
	return append(b, ",\"Documents\":null}\n"...), nil
}

// appendList writes xs as a JSON array, each element by one.
func appendList[T any](b []byte, xs []T, one func([]byte, *T) ([]byte, error)) ([]byte, error) {
	b = append(b, '[')
	for i := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = one(b, &xs[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// appendFound writes one search result, {"Customer":…,"Reservation":…}, in either revision:
// customer writes the customer, reservation gives the reservation as the revision's generated
// type (nil when the customer has no current stay), written as json.Marshal writes it.
func appendFound(b []byte, f *domain.Found, customer func([]byte, *domain.Customer) ([]byte, error), reservation func(*domain.Reservation) (any, error)) ([]byte, error) {
	b = append(b, `{"Customer":`...)
	b, err := customer(b, &f.Customer)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"Reservation":`...)
	if f.Reservation == nil {
		return append(b, "null}"...), nil
	}
	res, err := reservation(f.Reservation)
	if err != nil {
		return nil, err
	}
	if b, err = appendJSON(b, res); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// searchBody is the body of search's answer (schema CustomerSearchResults): each customer
// with the reservation of its current stay (null when none), and Documents, always null.
// A reservation is a fixture's own JSON; it goes through the generated Reservation type as
// before (it is rare, and its shape is the contract's to check).
func searchBody(found []domain.Found) ([]byte, error) {
	b := make([]byte, 0, 64+(customerSize+32)*len(found))
	b = append(b, `{"Customers":`...)
	b, err := appendList(b, found, func(b []byte, f *domain.Found) ([]byte, error) {
		return appendFound(b, f, appendCustomer, func(r *domain.Reservation) (any, error) {
			var res mews.Reservation
			err := recode(r.Current, &res)
			return res, err
		})
	})
	if err != nil {
		return nil, err
	}
	return append(b, ",\"Documents\":null}\n"...), nil
}

// appendJSON writes v as json.Marshal does: what a generated type's Nullable field holding v
// wrote (its MarshalJSON calls json.Marshal, whose output encoding/json leaves as it is).
func appendJSON(b []byte, v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("mews: encode %T: %w", v, err)
	}
	return append(b, raw...), nil
}

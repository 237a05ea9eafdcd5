package intrepid

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7/data"

	"github.com/paxkit/paxkit/gen/intrepid"
	"github.com/paxkit/paxkit/internal/store"
)

// The contexts a customer is addressed through. Bookings hold customers; the other five are
// the component kinds of a booking, on which each customer has a status.
const (
	ctxBookings           = "bookings"
	ctxTrips              = "trips"
	ctxAccommodation      = "accommodation"
	ctxTransfers          = "transfers"
	ctxAdditionalServices = "additionalservices"
	ctxSightseeing        = "sightseeing"
)

// componentKinds are the component contexts, in the order the contract lists them.
var componentKinds = []string{ctxTrips, ctxAccommodation, ctxTransfers, ctxAdditionalServices, ctxSightseeing}

// Customer statuses on a component (CustomerStatus in the contract).
const (
	statusConfirmed = string(intrepid.CustomerStatusConfirmed)
	statusTentative = string(intrepid.CustomerStatusTentative)
	statusOnRequest = string(intrepid.CustomerStatusOnRequest)
	statusCancelled = string(intrepid.CustomerStatusCancelled)
)

// Table and index names. The contract only has customers; bookings and components are the
// vendor's other resources, kept as paxkit needs them to apply the customer rules, in a shape
// of paxkit's own (documented in README.md, used by fixtures and exports).
const (
	tableBookings   = "intrepid.bookings"
	tableComponents = "intrepid.components"
	tableCustomers  = "intrepid.customers"
	byBooking       = "bookingId"
	byExternalRef   = "bookingId+externalReference"
)

// booking is an Intrepid booking. Customers of a booking made outside the API (MadeThroughAPI
// false) are restricted: reads show only their names and currency, writes are refused.
type booking struct {
	ID             int64  `json:"id"`
	Currency       string `json:"currency"`
	MadeThroughAPI bool   `json:"madeThroughApi"`
}

// component is one trip, accommodation, transfer, additional service or sightseeing of a
// booking, with the customers booked on it.
type component struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	BookingID int64  `json:"bookingId"`
	Name      string `json:"name"`
	// StartDate (YYYY-MM-DD) is the day a trip's age limits apply to.
	StartDate string `json:"startDate"`
	// MinimumAge and MaximumAge are a trip's age limits in whole years (nil: no limit).
	MinimumAge        *int        `json:"minimumAge,omitempty"`
	MaximumAge        *int        `json:"maximumAge,omitempty"`
	ExternalReference string      `json:"externalReference,omitempty"`
	Customers         []placement `json:"customers"`
}

// placement is one customer on one component.
type placement struct {
	CustomerID int64  `json:"customerId"`
	Status     string `json:"status"`
	// RequiredPaymentMade: the payment the vendor requires before it confirms has been made,
	// so an agent that is not on statement may confirm the customer.
	RequiredPaymentMade bool `json:"requiredPaymentMade"`
	// FullyPaid closes the passenger-details edit window on a trip like a confirmation does.
	FullyPaid        bool `json:"fullyPaid"`
	SingleSupplement bool `json:"singleSupplement"`
	// Trip pricing of the customer (Customer.originalPrice, promotionCode, promotionName).
	OriginalPrice *float64 `json:"originalPrice,omitempty"`
	PromotionCode string   `json:"promotionCode,omitempty"`
	PromotionName string   `json:"promotionName,omitempty"`
}

// customer is a customer (passenger) of one booking. The home address is stored with its
// country code only; reads add the country's name.
type customer struct {
	ID                          int64               `json:"id"`
	BookingID                   int64               `json:"bookingId"`
	Title                       string              `json:"title,omitempty"`
	FirstName                   string              `json:"firstName"`
	MiddleName                  string              `json:"middleName,omitempty"`
	Surname                     string              `json:"surname"`
	DateOfBirth                 string              `json:"dateOfBirth,omitempty"`
	HomePhone                   string              `json:"homePhone,omitempty"`
	MobilePhone                 string              `json:"mobilePhone,omitempty"`
	EmailAddress                string              `json:"emailAddress,omitempty"`
	HomeAddress                 *intrepid.Address   `json:"homeAddress,omitempty"`
	Passport                    *intrepid.Passport  `json:"passport,omitempty"`
	TravelInsurancePolicyNumber string              `json:"travelInsurancePolicyNumber,omitempty"`
	TravelInsuranceCompany      string              `json:"travelInsuranceCompany,omitempty"`
	TravelInsuranceCompanyPhone string              `json:"travelInsuranceCompanyPhone,omitempty"`
	EmergencyContact            *intrepid.Contact   `json:"emergencyContact,omitempty"`
	DietaryNote                 string              `json:"dietaryNote,omitempty"`
	MedicalNote                 string              `json:"medicalNote,omitempty"`
	Prices                      *customerPriceTotal `json:"prices,omitempty"`
}

// customerPriceTotal is what the customer pays for all components of the booking.
type customerPriceTotal struct {
	GrossPrice          float64 `json:"grossPrice"`
	NetPrice            float64 `json:"netPrice"`
	TotalDiscountAmount float64 `json:"totalDiscountAmount"`
	TotalFeeAmount      float64 `json:"totalFeeAmount"`
}

type tables struct {
	bookings   *store.Table[booking]
	components *store.Table[component]
	customers  *store.Table[customer]
}

func idKey(id int64) string { return strconv.FormatInt(id, 10) }

func newTables(st *store.Store) tables {
	return tables{
		bookings: store.NewTable(st, store.Config[booking]{
			Name:     tableBookings,
			ID:       func(b booking) string { return idKey(b.ID) },
			Validate: checkBooking,
		}),
		components: store.NewTable(st, store.Config[component]{
			Name:     tableComponents,
			ID:       func(c component) string { return idKey(c.ID) },
			Clone:    cloneComponent,
			Validate: checkComponent,
			Multi:    []store.Index[component]{{Name: byBooking, Keys: func(c component) []string { return []string{idKey(c.BookingID)} }}},
			// The vendor uses a component's external reference to keep the same component
			// from being added twice to a booking.
			Unique: []store.Index[component]{{Name: byExternalRef, Keys: func(c component) []string {
				if c.ExternalReference == "" {
					return nil
				}
				return []string{externalRefKey(c.BookingID, c.ExternalReference)}
			}}},
		}),
		customers: store.NewTable(st, store.Config[customer]{
			Name:     tableCustomers,
			ID:       func(c customer) string { return idKey(c.ID) },
			Clone:    cloneCustomer,
			Validate: checkCustomer,
			Multi:    []store.Index[customer]{{Name: byBooking, Keys: func(c customer) []string { return []string{idKey(c.BookingID)} }}},
		}),
	}
}

func externalRefKey(bookingID int64, ref string) string { return idKey(bookingID) + "/" + ref }

func cloneComponent(c component) component {
	c.Customers = slices.Clone(c.Customers)
	return c
}

// cloneCustomer copies the nested values; the store must never share them with a caller.
func cloneCustomer(c customer) customer {
	if c.HomeAddress != nil {
		a := *c.HomeAddress
		c.HomeAddress = &a
	}
	if c.Passport != nil {
		p := *c.Passport
		c.Passport = &p
	}
	if c.EmergencyContact != nil {
		e := *c.EmergencyContact
		c.EmergencyContact = &e
	}
	if c.Prices != nil {
		p := *c.Prices
		c.Prices = &p
	}
	return c
}

// Fixture checks: records a fixtures file brings must be records the vendor could hold.

func checkBooking(b booking) error {
	if b.ID <= 0 {
		return errors.New("id must be a positive integer")
	}
	if len(b.Currency) != 3 {
		return fmt.Errorf("currency %q must be an ISO 4217 code", b.Currency)
	}
	return nil
}

func checkComponent(c component) error {
	var problems []string
	if c.ID <= 0 || c.BookingID <= 0 {
		problems = append(problems, "id and bookingId must be positive integers")
	}
	if !slices.Contains(componentKinds, c.Kind) {
		problems = append(problems, fmt.Sprintf("kind %q must be one of %s", c.Kind, strings.Join(componentKinds, ", ")))
	}
	if _, err := time.Parse(time.DateOnly, c.StartDate); err != nil {
		problems = append(problems, fmt.Sprintf("startDate %q must be a date (YYYY-MM-DD)", c.StartDate))
	}
	if c.Kind != ctxTrips && (c.MinimumAge != nil || c.MaximumAge != nil) {
		problems = append(problems, "only trips have age limits")
	}
	seen := map[int64]bool{}
	for i, p := range c.Customers {
		if seen[p.CustomerID] {
			problems = append(problems, fmt.Sprintf("customers[%d]: customer %d is on the component twice", i, p.CustomerID))
		}
		seen[p.CustomerID] = true
		if !intrepid.CustomerStatus(p.Status).Valid() {
			problems = append(problems, fmt.Sprintf("customers[%d]: status %q is not a customer status", i, p.Status))
		}
		if c.Kind != ctxTrips && (p.SingleSupplement || p.OriginalPrice != nil || p.PromotionCode != "" || p.PromotionName != "") {
			problems = append(problems, fmt.Sprintf("customers[%d]: single supplements and promotions exist on trips only", i))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func checkCustomer(c customer) error {
	var problems []string
	if c.ID <= 0 || c.BookingID <= 0 {
		problems = append(problems, "id and bookingId must be positive integers")
	}
	if c.DateOfBirth != "" {
		if _, err := time.Parse(time.DateOnly, c.DateOfBirth); err != nil {
			problems = append(problems, fmt.Sprintf("dateOfBirth %q must be a date (YYYY-MM-DD)", c.DateOfBirth))
		}
	}
	if c.HomeAddress != nil && c.HomeAddress.CountryCode != nil && countryName(*c.HomeAddress.CountryCode) == "" {
		problems = append(problems, fmt.Sprintf("homeAddress.countryCode %q is not an ISO 3166-1 alpha-2 code", *c.HomeAddress.CountryCode))
	}
	if c.Passport != nil && countryName(c.Passport.Nationality) == "" {
		problems = append(problems, fmt.Sprintf("passport.nationality %q is not an ISO 3166-1 alpha-2 code", c.Passport.Nationality))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// countryName returns the English short name of an assigned ISO 3166-1 alpha-2 code, or ""
// for anything else. The list is gofakeit's copy of the standard (codes and names side by
// side), so paxkit does not keep a second one.
func countryName(code string) string {
	codes, names := data.Address["country_abr"], data.Address["country"]
	if len(codes) != len(names) {
		return "" // a gofakeit release with misaligned lists; TestCountryNames catches it
	}
	if i := slices.Index(codes, code); i >= 0 {
		return names[i]
	}
	return ""
}

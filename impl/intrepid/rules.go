package intrepid

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/paxkit/paxkit/gen/intrepid"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// The vendor's rules for writing a customer. The contract (kin-openapi) has already checked
// types, enums, patterns and mandatory fields; these are the rules that need the stored state.
// Problems of one kind are all listed: first every 400 (a value that can never be right),
// then every 403 (a value that cannot be changed any more, or an agent not allowed to).

// bodyProblem words one problem the way the core words contract violations.
func bodyProblem(pointer, format string, args ...any) string {
	return apidef.Violation{In: apidef.InBody, Pointer: pointer, Message: fmt.Sprintf(format, args...)}.String()
}

// invalidValues lists the 400 problems of a write body in a scope; c is the stored customer
// (zero for a new one) and place its index on sc.comp (-1 without a component).
func (s *server) invalidValues(tx *store.Tx, sc scope, c customer, place int, in intrepid.CustomerWrite) []string {
	var bad []string
	if in.SingleSupplement != nil && !sc.isTrip() {
		bad = append(bad, bodyProblem("/singleSupplement", "is only valid in the context of a trip, not under %s", sc.label()))
	}
	if in.CancelSingleSupplementOnly != nil && !sc.isTrip() {
		bad = append(bad, bodyProblem("/cancelSingleSupplementOnly", "is only valid for trip cancellations, not under %s", sc.label()))
	}
	if in.HomeAddress != nil && in.HomeAddress.CountryCode != nil && countryName(*in.HomeAddress.CountryCode) == "" {
		bad = append(bad, bodyProblem("/homeAddress/countryCode", "%q is not an ISO 3166-1 alpha-2 country code", *in.HomeAddress.CountryCode))
	}
	if in.Passport != nil && countryName(in.Passport.Nationality) == "" {
		bad = append(bad, bodyProblem("/passport/nationality", "%q is not an ISO 3166-1 alpha-2 country code", in.Passport.Nationality))
	}
	if in.DateOfBirth != nil && in.DateOfBirth.String() != c.DateOfBirth {
		bad = append(bad, s.ageProblems(tx, sc, c.ID, in.DateOfBirth.Time)...)
	}
	if sc.comp != nil && place >= 0 && in.Status != nil && *in.Status == intrepid.CustomerStatusCancelled {
		p := sc.comp.Customers[place]
		if sc.isTrip() && isTrue(in.CancelSingleSupplementOnly) && !p.SingleSupplement {
			bad = append(bad, bodyProblem("/cancelSingleSupplementOnly", "customer %d has no single supplement on %s to cancel", c.ID, sc.label()))
		}
		if in.ExternalReference != nil {
			ref := *in.ExternalReference
			if strings.TrimSpace(ref) == "" {
				bad = append(bad, bodyProblem("/externalReference", "must have at least one non-whitespace character"))
			} else if others := s.components.Lookup(tx, byExternalRef, externalRefKey(sc.booking.ID, ref)); len(others) > 0 && others[0].ID != sc.comp.ID {
				bad = append(bad, bodyProblem("/externalReference", "%q is already the external reference of %s %d on booking %d; it must be unique per booking",
					ref, others[0].Kind, others[0].ID, sc.booking.ID))
			}
		}
	}
	return bad
}

func isTrue(b *intrepid.StringBoolean) bool { return b != nil && *b == intrepid.StringBooleanTrue }

// ageProblems checks a new date of birth against the age limits of every trip the customer
// is booked on (not cancelled), at each trip's start date: "Cannot add or update DOB of
// passengers who do not meet minimum/maximum age requirements for trip/trips".
func (s *server) ageProblems(tx *store.Tx, sc scope, customerID int64, dob time.Time) []string {
	if today := s.now(); dob.After(today) {
		return []string{bodyProblem("/dateOfBirth", "%s is in the future", dob.Format(time.DateOnly))}
	}
	var bad []string
	for _, comp := range s.tripsOf(tx, sc.booking.ID, customerID) {
		start, err := time.Parse(time.DateOnly, comp.StartDate)
		if err != nil {
			continue // refused on import; nothing to measure against
		}
		age := ageOn(dob, start)
		if comp.MinimumAge != nil && age < *comp.MinimumAge {
			bad = append(bad, bodyProblem("/dateOfBirth", "does not meet the minimum age of %d of trips %d (%s): the customer would be %d on its start date %s",
				*comp.MinimumAge, comp.ID, comp.Name, age, comp.StartDate))
		}
		if comp.MaximumAge != nil && age > *comp.MaximumAge {
			bad = append(bad, bodyProblem("/dateOfBirth", "does not meet the maximum age of %d of trips %d (%s): the customer would be %d on its start date %s",
				*comp.MaximumAge, comp.ID, comp.Name, age, comp.StartDate))
		}
	}
	return bad
}

// tripsOf returns the booking's trips the customer is booked on and not cancelled from.
func (s *server) tripsOf(tx *store.Tx, bookingID, customerID int64) []component {
	var out []component
	for _, comp := range s.components.Lookup(tx, byBooking, idKey(bookingID)) {
		if comp.Kind != ctxTrips {
			continue
		}
		for _, p := range comp.Customers {
			if p.CustomerID == customerID && p.Status != statusCancelled {
				out = append(out, comp)
			}
		}
	}
	return out
}

// ageOn is the age in whole years on a day.
func ageOn(dob, day time.Time) int {
	age := day.Year() - dob.Year()
	if day.Month() < dob.Month() || day.Month() == dob.Month() && day.Day() < dob.Day() {
		age--
	}
	return age
}

// editWindowClosed names the first trip that closes the customer's passenger-details edit
// window (confirmed, fullyPaid or onRequest), or "" while it is open.
func (s *server) editWindowClosed(tx *store.Tx, bookingID, customerID int64) string {
	for _, comp := range s.tripsOf(tx, bookingID, customerID) {
		for _, p := range comp.Customers {
			if p.CustomerID != customerID {
				continue
			}
			switch {
			case p.Status == statusConfirmed || p.Status == statusOnRequest:
				return fmt.Sprintf("trips %d is %s", comp.ID, p.Status)
			case p.FullyPaid:
				return fmt.Sprintf("trips %d is fullyPaid", comp.ID)
			}
		}
	}
	return ""
}

// forbiddenChanges lists the 403 problems of a PATCH.
func (s *server) forbiddenChanges(tx *store.Tx, sc scope, c customer, place int, in intrepid.CustomerWrite, onStatement bool) []string {
	var no []string
	for _, f := range []struct{ name, stored, sent string }{
		{"title", c.Title, in.Title}, {"firstName", c.FirstName, in.FirstName}, {"surname", c.Surname, in.Surname},
	} {
		if f.stored != "" && f.sent != f.stored {
			no = append(no, bodyProblem("/"+f.name, "has already been set (to %q) and cannot be overridden", f.stored))
		}
	}
	changes := map[string]bool{
		"middleName":  in.MiddleName != nil && *in.MiddleName != c.MiddleName,
		"dateOfBirth": in.DateOfBirth != nil && in.DateOfBirth.String() != c.DateOfBirth,
		"passport":    in.Passport != nil && !samePassport(c.Passport, *in.Passport),
	}
	if why := s.editWindowClosed(tx, sc.booking.ID, c.ID); why != "" {
		for _, name := range []string{"middleName", "dateOfBirth", "passport"} {
			if changes[name] {
				no = append(no, bodyProblem("/"+name, "cannot be updated once the trip is confirmed, fullyPaid or onRequest (%s)", why))
			}
		}
	}
	if sc.comp == nil || place < 0 {
		return no
	}
	p := sc.comp.Customers[place]
	if in.Status != nil {
		next := string(*in.Status)
		switch {
		case p.Status == statusCancelled && next != statusCancelled:
			no = append(no, bodyProblem("/status", "customer %d is cancelled on %s and cannot be set to %s", c.ID, sc.label(), next))
		case p.Status == statusConfirmed && (next == statusTentative || next == statusOnRequest):
			no = append(no, bodyProblem("/status", "customer %d is confirmed on %s and cannot go back to %s", c.ID, sc.label(), next))
		case next == statusConfirmed && p.Status != statusConfirmed && !onStatement && !p.RequiredPaymentMade && !p.FullyPaid:
			no = append(no, bodyProblem("/status", "customer %d cannot be confirmed on %s before the required payment is made; only on-statement agents may confirm without payment", c.ID, sc.label()))
		}
	}
	cancelling := in.Status != nil && *in.Status == intrepid.CustomerStatusCancelled
	if in.SingleSupplement != nil && p.Status == statusCancelled && !cancelling && isTrue(in.SingleSupplement) != p.SingleSupplement {
		no = append(no, bodyProblem("/singleSupplement", "customer %d is cancelled on %s; its room cannot be changed", c.ID, sc.label()))
	}
	return no
}

func samePassport(stored *intrepid.Passport, sent intrepid.Passport) bool {
	if stored == nil {
		return false
	}
	return stored.Number == sent.Number && stored.Nationality == sent.Nationality &&
		stored.DateOfIssue == sent.DateOfIssue && stored.DateOfExpiry == sent.DateOfExpiry &&
		deref(stored.PlaceOfIssue) == deref(sent.PlaceOfIssue)
}

// patch checks every rule and then writes the customer and, under a component context, the
// customer's place on it. It reports whether the change awaits the supplier (202).
func (s *server) patch(tx *store.Tx, sc scope, c customer, place int, in intrepid.CustomerWrite, onStatement bool) (bool, *refusal, error) {
	if !sc.booking.MadeThroughAPI {
		return false, refuse(http.StatusForbidden, "Customer %d is on booking %d, which was not made through the API; it cannot be changed through the API", c.ID, sc.booking.ID), nil
	}
	if bad := s.invalidValues(tx, sc, c, place, in); len(bad) > 0 {
		return false, &refusal{status: http.StatusBadRequest, errors: bad}, nil
	}
	if no := s.forbiddenChanges(tx, sc, c, place, in, onStatement); len(no) > 0 {
		return false, &refusal{status: http.StatusForbidden, errors: no}, nil
	}
	applyFields(&c, in)
	if err := s.customers.Put(tx, c); err != nil {
		return false, nil, fmt.Errorf("store customer %d: %w", c.ID, err)
	}
	if sc.comp == nil || place < 0 {
		return false, nil, nil // status and externalReference need a component
	}
	comp := *sc.comp // a copy from the store; the stored value changes only through Put
	p := &comp.Customers[place]
	if in.SingleSupplement != nil {
		p.SingleSupplement = isTrue(in.SingleSupplement)
	}
	accepted := false
	if in.Status != nil {
		next := string(*in.Status)
		switch {
		case next == statusCancelled && sc.isTrip() && isTrue(in.CancelSingleSupplementOnly):
			p.SingleSupplement = false // the customer stays on the trip, in a twin share
		case next == statusCancelled:
			p.Status, p.SingleSupplement = statusCancelled, false
		default:
			p.Status = next
		}
		if next == statusCancelled && in.ExternalReference != nil {
			comp.ExternalReference = *in.ExternalReference
		}
		accepted = next == statusOnRequest
	}
	if err := s.components.Put(tx, comp); err != nil {
		return false, nil, fmt.Errorf("store %s: %w", sc.label(), err)
	}
	return accepted, nil, nil
}

// applyFields copies the sent fields onto a customer; absent fields stay as they are. The
// names are only ever set or re-sent unchanged here (forbiddenChanges refused the rest).
// The address's countryName is read-only in effect: the country is set by countryCode.
func applyFields(c *customer, in intrepid.CustomerWrite) {
	c.Title, c.FirstName, c.Surname = in.Title, in.FirstName, in.Surname
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&c.MiddleName, in.MiddleName)
	if in.DateOfBirth != nil {
		c.DateOfBirth = in.DateOfBirth.String()
	}
	set(&c.HomePhone, in.HomePhone)
	set(&c.MobilePhone, in.MobilePhone)
	set(&c.EmailAddress, in.EmailAddress)
	if in.HomeAddress != nil {
		a := *in.HomeAddress
		a.CountryName = nil
		c.HomeAddress = &a
	}
	if in.Passport != nil {
		p := *in.Passport
		c.Passport = &p
	}
	set(&c.TravelInsurancePolicyNumber, in.TravelInsurancePolicyNumber)
	set(&c.TravelInsuranceCompany, in.TravelInsuranceCompany)
	set(&c.TravelInsuranceCompanyPhone, in.TravelInsuranceCompanyPhone)
	if in.EmergencyContact != nil {
		e := *in.EmergencyContact
		c.EmergencyContact = &e
	}
	set(&c.DietaryNote, in.DietaryNote)
	set(&c.MedicalNote, in.MedicalNote)
}

func dateOf(t time.Time) *openapi_types.Date { return &openapi_types.Date{Time: t} }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

package mews

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"time"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// The legacy revision's customer answers are written straight from domain.Customer too, as
// customerjson.go does for the current one. The reference is toLegacy (two recode round
// trips through a map) encoded by the generated types, and the writer keeps its every effect:
// Sex answered as Gender, CategoryId always null, the classifications and options the 2018
// lists know (Disabled for DisabledPerson), never null; invalid UTF-8 written as U+FFFD
// (unescaped, as the round trip left it); and an error wherever toLegacy failed: a customer
// the first json.Marshal refused (coordinates that are NaN or infinite, times outside RFC
// 3339) or a legacy property the generated type refused (Id not a UUID, a date that is not
// one). Ids the 2018 shape does not show (ChainId, CompanyId, ...) are not checked, as
// toLegacy never parsed them. TestLegacyDirectMatchesWire and FuzzLegacyDirectCustomer check
// it; TestDirectWriterKnowsEveryField guards the property lists.

// invalidUTF8AsRune is U+FFFD as UTF-8: what a JSON round trip makes of an invalid byte.
const invalidUTF8AsRune = "\uFFFD"

func appendLegacyString(b []byte, s string) []byte {
	return appendStringReplacing(b, s, invalidUTF8AsRune)
}

func appendLegacyOptString(b []byte, p *string) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendLegacyString(b, *p)
}

// appendLegacyList writes the values of list the 2018 enum knows (after rename), as a JSON
// list that is never null.
func appendLegacyList(b []byte, list []string, rename func(string) string, known func(string) bool) []byte {
	b = append(b, '[')
	n := 0
	for _, v := range list {
		v = rename(v)
		if !known(v) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		b = appendLegacyString(b, v)
		n++
	}
	return append(b, ']')
}

func legacyClassificationName(v string) string {
	if v == currentDisabled {
		return legacyDisabled
	}
	return v
}

func sameName(v string) string { return v }

func knownLegacyClassification(v string) bool { return legacyapi.CustomerClassification(v).Valid() }

func knownLegacyOption(v string) bool { return legacyapi.CustomerOption(v).Valid() }

// appendLegacyTime is appendTime after the round trip: a zone offset under a minute is
// written "+00:00", which parses back as UTC and is then written "Z". (The domain keeps times
// in UTC; fixtures could hold such offsets.)
func appendLegacyTime(b []byte, t time.Time) ([]byte, error) {
	b, err := appendTime(b, t)
	if err != nil {
		return b, err
	}
	if bytes.HasSuffix(b, []byte(`+00:00"`)) {
		b = append(b[:len(b)-len(`+00:00"`)], 'Z', '"')
	}
	return b, nil
}

// legacyCustomerFields are the properties of the 2018 schema Customer in the generated
// legacyapi.Customer's field order. Read-only after initialisation.
var legacyCustomerFields = []field[domain.Customer]{
	{"Address", func(b []byte, c *domain.Customer) ([]byte, error) {
		if c.Address == nil {
			return append(b, "null"...), nil
		}
		return appendObject(b, legacyAddressFields, c.Address)
	}},
	{"BirthDate", func(b []byte, c *domain.Customer) ([]byte, error) { return appendOptDate(b, c.BirthDate) }},
	{"BirthPlace", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.BirthPlace)) }},
	{"CategoryId", func(b []byte, _ *domain.Customer) ([]byte, error) { return append(b, "null"...), nil }},
	{"Classifications", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyList(b, c.Classifications, legacyClassificationName, knownLegacyClassification))
	}},
	{"CreatedUtc", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyTime(b, c.CreatedUtc) }},
	{"DriversLicense", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.DriversLicense) }},
	{"Email", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.Email)) }},
	{"FirstName", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.FirstName)) }},
	{"Gender", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.Sex)) }},
	{"Id", func(b []byte, c *domain.Customer) ([]byte, error) { return appendUUID(b, c.ID) }},
	{"IdentityCard", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.IdentityCard) }},
	{"LanguageCode", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyOptString(b, c.LanguageCode))
	}},
	{"LastName", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyString(b, c.LastName)) }},
	{"LoyaltyCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.LoyaltyCode)) }},
	{"NationalityCode", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyOptString(b, c.NationalityCode))
	}},
	{"Notes", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.Notes)) }},
	{"Number", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyString(b, c.Number)) }},
	{"Options", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyList(b, c.Options, sameName, knownLegacyOption))
	}},
	{"Passport", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.Passport) }},
	{"Phone", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.Phone)) }},
	{"SecondLastName", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyOptString(b, c.SecondLastName))
	}},
	{"TaxIdentificationNumber", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendLegacyOptString(b, c.TaxIdentificationNumber))
	}},
	{"Title", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendLegacyOptString(b, c.Title)) }},
	{"UpdatedUtc", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyTime(b, c.UpdatedUtc) }},
	{"Visa", func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.Visa) }},
}

// legacyDocumentFields are the properties of the 2018 schema Document.
var legacyDocumentFields = []field[domain.IdentityDocument]{
	{"Expiration", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendOptDate(b, d.Expiration) }},
	{"Issuance", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendOptDate(b, d.Issuance) }},
	{"IssuingCountryCode", func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return ok(appendLegacyOptString(b, d.IssuingCountryCode))
	}},
	{"Number", func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return ok(appendLegacyOptString(b, d.Number))
	}},
}

// legacyAddressFields are the properties of the 2018 schema Address.
var legacyAddressFields = []field[domain.Address]{
	{"City", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendLegacyOptString(b, a.City)) }},
	{"CountryCode", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendLegacyOptString(b, a.CountryCode)) }},
	{"Line1", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendLegacyOptString(b, a.Line1)) }},
	{"Line2", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendLegacyOptString(b, a.Line2)) }},
	{"PostalCode", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendLegacyOptString(b, a.PostalCode)) }},
}

func appendLegacyDocument(b []byte, d *domain.IdentityDocument) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return appendObject(b, legacyDocumentFields, d)
}

// encodable refuses what json.Marshal of the domain customer (toLegacy's first step)
// refused and the 2018 shape does not show: coordinates that are not finite. (Times are
// shown, and appendTime refuses them.)
func encodable(c *domain.Customer) error {
	if a := c.Address; a != nil {
		for _, p := range []*float64{a.Latitude, a.Longitude} {
			if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
				return errors.New("Address: coordinate is not a finite number")
			}
		}
	}
	return nil
}

// appendLegacyCustomer writes c as the generated legacyapi.Customer of toLegacy(c) encodes,
// or fails where toLegacy or the encoding fails.
func appendLegacyCustomer(b []byte, c *domain.Customer) ([]byte, error) {
	err := encodable(c)
	if err == nil {
		b, err = appendObject(b, legacyCustomerFields, c)
	}
	if err != nil {
		return nil, wrapCustomerError(c, err)
	}
	return b, nil
}

// legacyCustomerBody is the body of the legacy add's and update's answer.
func legacyCustomerBody(c *domain.Customer) ([]byte, error) {
	b, err := appendLegacyCustomer(make([]byte, 0, customerSize), c)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// legacyFindBody is the body of the three legacy reads (schema CustomerResult).
func legacyFindBody(cs []domain.Customer) ([]byte, error) {
	b := make([]byte, 0, 32+customerSize*len(cs))
	b = append(b, `{"Customers":`...)
	b, err := appendList(b, cs, appendLegacyCustomer)
	if err != nil {
		return nil, err
	}
	return append(b, "}\n"...), nil
}

// legacySearchBody is the body of the legacy search (schema CustomerSearchResults); a
// reservation goes through the generated Reservation type, as before.
func legacySearchBody(found []domain.Found) ([]byte, error) {
	b := make([]byte, 0, 32+(customerSize+32)*len(found))
	b = append(b, `{"Customers":`...)
	b, err := appendList(b, found, func(b []byte, f *domain.Found) ([]byte, error) {
		return appendFound(b, f, appendLegacyCustomer, func(r *domain.Reservation) (any, error) {
			var res legacyapi.Reservation
			err := recode(r.Legacy, &res)
			return res, err
		})
	})
	if err != nil {
		return nil, err
	}
	return append(b, "}\n"...), nil
}

type legacyAddAnswer struct{ jsonAnswer }

func (a legacyAddAnswer) VisitCustomersAddResponse(w http.ResponseWriter) error { return a.visit(w) }

type legacyUpdateAnswer struct{ jsonAnswer }

func (a legacyUpdateAnswer) VisitCustomersUpdateResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type legacyGetAllAnswer struct{ jsonAnswer }

func (a legacyGetAllAnswer) VisitCustomersGetAllResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type legacyGetAllByIdsAnswer struct{ jsonAnswer }

func (a legacyGetAllByIdsAnswer) VisitCustomersGetAllByIdsResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type legacyGetAllByEmailsAnswer struct{ jsonAnswer }

func (a legacyGetAllByEmailsAnswer) VisitCustomersGetAllByEmailsResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

type legacySearchAnswer struct{ jsonAnswer }

func (a legacySearchAnswer) VisitCustomersSearchResponse(w http.ResponseWriter) error {
	return a.visit(w)
}

var (
	_ legacyapi.CustomersAddResponseObject            = legacyAddAnswer{}
	_ legacyapi.CustomersUpdateResponseObject         = legacyUpdateAnswer{}
	_ legacyapi.CustomersGetAllResponseObject         = legacyGetAllAnswer{}
	_ legacyapi.CustomersGetAllByIdsResponseObject    = legacyGetAllByIdsAnswer{}
	_ legacyapi.CustomersGetAllByEmailsResponseObject = legacyGetAllByEmailsAnswer{}
	_ legacyapi.CustomersSearchResponseObject         = legacySearchAnswer{}
)

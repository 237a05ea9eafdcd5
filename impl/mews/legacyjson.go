package mews

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"time"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/jsonwrite"
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
	return jsonwrite.StringReplacing(b, s, invalidUTF8AsRune)
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
	b, err := jsonwrite.Time(b, t)
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
var legacyCustomerFields = []jsonwrite.Field[domain.Customer]{
	{Name: "Address", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		if c.Address == nil {
			return append(b, "null"...), nil
		}
		return jsonwrite.Object(b, legacyAddressFields, c.Address)
	}},
	{Name: "BirthDate", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OptDate(b, c.BirthDate) }},
	{Name: "BirthPlace", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.BirthPlace))
	}},
	{Name: "CategoryId", Write: func(b []byte, _ *domain.Customer) ([]byte, error) { return append(b, "null"...), nil }},
	{Name: "Classifications", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyList(b, c.Classifications, legacyClassificationName, knownLegacyClassification))
	}},
	{Name: "CreatedUtc", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyTime(b, c.CreatedUtc) }},
	{Name: "DriversLicense", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.DriversLicense) }},
	{Name: "Email", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.Email))
	}},
	{Name: "FirstName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.FirstName))
	}},
	{Name: "Gender", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.Sex))
	}},
	{Name: "Id", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.UUID(b, c.ID) }},
	{Name: "IdentityCard", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.IdentityCard) }},
	{Name: "LanguageCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.LanguageCode))
	}},
	{Name: "LastName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyString(b, c.LastName))
	}},
	{Name: "LoyaltyCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.LoyaltyCode))
	}},
	{Name: "NationalityCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.NationalityCode))
	}},
	{Name: "Notes", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.Notes))
	}},
	{Name: "Number", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyString(b, c.Number))
	}},
	{Name: "Options", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyList(b, c.Options, sameName, knownLegacyOption))
	}},
	{Name: "Passport", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.Passport) }},
	{Name: "Phone", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.Phone))
	}},
	{Name: "SecondLastName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.SecondLastName))
	}},
	{Name: "TaxIdentificationNumber", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.TaxIdentificationNumber))
	}},
	{Name: "Title", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, c.Title))
	}},
	{Name: "UpdatedUtc", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyTime(b, c.UpdatedUtc) }},
	{Name: "Visa", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendLegacyDocument(b, c.Visa) }},
}

// legacyDocumentFields are the properties of the 2018 schema Document.
var legacyDocumentFields = []jsonwrite.Field[domain.IdentityDocument]{
	{Name: "Expiration", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.OptDate(b, d.Expiration) }},
	{Name: "Issuance", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.OptDate(b, d.Issuance) }},
	{Name: "IssuingCountryCode", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, d.IssuingCountryCode))
	}},
	{Name: "Number", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, d.Number))
	}},
}

// legacyAddressFields are the properties of the 2018 schema Address.
var legacyAddressFields = []jsonwrite.Field[domain.Address]{
	{Name: "City", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, a.City))
	}},
	{Name: "CountryCode", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, a.CountryCode))
	}},
	{Name: "Line1", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, a.Line1))
	}},
	{Name: "Line2", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, a.Line2))
	}},
	{Name: "PostalCode", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(appendLegacyOptString(b, a.PostalCode))
	}},
}

func appendLegacyDocument(b []byte, d *domain.IdentityDocument) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return jsonwrite.Object(b, legacyDocumentFields, d)
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
		b, err = jsonwrite.Object(b, legacyCustomerFields, c)
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

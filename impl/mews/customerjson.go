package mews

import (
	"fmt"

	"github.com/paxkit/paxkit/impl/mews/domain"
	"github.com/paxkit/paxkit/internal/jsonwrite"
)

// The current revision's customer answers are written straight from domain.Customer into a
// []byte, without the generated wire type and encoding/json (issue 10: building
// wireCustomer's nullable.Nullable fields, one map each, and encoding them, each Nullable
// calling json.Marshal again and encoding/json re-compacting its output, was a quarter of a
// served getAll's CPU time). The bytes are exactly json.Marshal(wireCustomer(c))'s: the same
// keys in the generated struct's field order, the same formats and string escaping, and an
// error wherever wireCustomer or encoding/json would fail. TestDirectCustomerMatchesWire and
// FuzzDirectCustomer check that; TestDirectWriterKnowsEveryField fails when the generated
// types gain, lose or reorder a property the tables below do not know.

// customerFields are the properties of schema Customer in the generated mews.Customer's field
// order (encoding/json writes fields in declaration order). Read-only after initialisation.
var customerFields = []jsonwrite.Field[domain.Customer]{
	{Name: "AccountingCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.AccountingCode))
	}},
	{Name: "ActivityState", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.ActivityState))
	}},
	{Name: "Address", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		if c.Address == nil {
			return append(b, "null"...), nil
		}
		return jsonwrite.Object(b, addressFields, c.Address)
	}},
	{Name: "AddressId", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OptUUID(b, c.AddressID) }},
	{Name: "BillingCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.BillingCode))
	}},
	{Name: "BirthDate", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OptDate(b, c.BirthDate) }},
	{Name: "BirthPlace", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.BirthPlace))
	}},
	{Name: "CarRegistrationNumber", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.CarRegistrationNumber))
	}},
	{Name: "ChainId", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.UUID(b, c.ChainID) }},
	{Name: "Classifications", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.Strings(b, c.Classifications))
	}},
	{Name: "CompanyId", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OptUUID(b, c.CompanyID) }},
	{Name: "CreatedUtc", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.Time(b, c.CreatedUtc) }},
	{Name: "DietaryRequirements", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.DietaryRequirements))
	}},
	{Name: "DriversLicense", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.DriversLicense) }},
	{Name: "Email", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.Email))
	}},
	{Name: "FirstName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.FirstName))
	}},
	{Name: "HasOtaEmail", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.Bool(b, c.HasOtaEmail))
	}},
	{Name: "Id", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.UUID(b, c.ID) }},
	{Name: "IdentityCard", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.IdentityCard) }},
	{Name: "IsActive", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OK(jsonwrite.Bool(b, c.IsActive)) }},
	{Name: "ItalianDestinationCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.ItalianDestinationCode))
	}},
	{Name: "ItalianFiscalCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.ItalianFiscalCode))
	}},
	{Name: "LanguageCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.LanguageCode))
	}},
	{Name: "LastName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.String(b, c.LastName))
	}},
	{Name: "LoyaltyCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.LoyaltyCode))
	}},
	{Name: "MergeTargetId", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OptUUID(b, c.MergeTargetID) }},
	{Name: "NationalityCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.NationalityCode))
	}},
	{Name: "Notes", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.Notes))
	}},
	{Name: "Number", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OK(jsonwrite.String(b, c.Number)) }},
	{Name: "Occupation", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.Occupation))
	}},
	{Name: "Options", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.Strings(b, c.Options))
	}},
	{Name: "Passport", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.Passport) }},
	{Name: "Phone", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.Phone))
	}},
	{Name: "PreferredLanguageCode", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.PreferredLanguageCode))
	}},
	{Name: "PreferredSpaceFeatures", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.Strings(b, c.PreferredSpaceFeatures))
	}},
	{Name: "SecondLastName", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.SecondLastName))
	}},
	{Name: "Sex", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.OK(jsonwrite.OptString(b, c.Sex)) }},
	{Name: "TaxIdentificationNumber", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.TaxIdentificationNumber))
	}},
	{Name: "Title", Write: func(b []byte, c *domain.Customer) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, c.Title))
	}},
	{Name: "UpdatedUtc", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return jsonwrite.Time(b, c.UpdatedUtc) }},
	{Name: "Visa", Write: func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.Visa) }},
}

// documentFields are the properties of schema IdentityDocument in mews.IdentityDocument's
// field order.
var documentFields = []jsonwrite.Field[domain.IdentityDocument]{
	{Name: "CustomerId", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.UUID(b, d.CustomerID) }},
	{Name: "Expiration", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.OptDate(b, d.Expiration) }},
	{Name: "Id", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.UUID(b, d.ID) }},
	{Name: "IdentityDocumentSupportNumber", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, d.IdentityDocumentSupportNumber))
	}},
	{Name: "Issuance", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return jsonwrite.OptDate(b, d.Issuance) }},
	{Name: "IssuingCity", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, d.IssuingCity))
	}},
	{Name: "IssuingCountryCode", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, d.IssuingCountryCode))
	}},
	{Name: "Number", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, d.Number))
	}},
	{Name: "Type", Write: func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.String(b, d.Type))
	}},
}

// addressFields are the properties of schema Address in mews.Address's field order.
var addressFields = []jsonwrite.Field[domain.Address]{
	{Name: "City", Write: func(b []byte, a *domain.Address) ([]byte, error) { return jsonwrite.OK(jsonwrite.OptString(b, a.City)) }},
	{Name: "CountryCode", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, a.CountryCode))
	}},
	{Name: "CountrySubdivisionCode", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, a.CountrySubdivisionCode))
	}},
	{Name: "Id", Write: func(b []byte, a *domain.Address) ([]byte, error) { return jsonwrite.UUID(b, a.ID) }},
	{Name: "Latitude", Write: func(b []byte, a *domain.Address) ([]byte, error) { return jsonwrite.OptFloat(b, a.Latitude) }},
	{Name: "Line1", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, a.Line1))
	}},
	{Name: "Line2", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, a.Line2))
	}},
	{Name: "Longitude", Write: func(b []byte, a *domain.Address) ([]byte, error) { return jsonwrite.OptFloat(b, a.Longitude) }},
	{Name: "PostalCode", Write: func(b []byte, a *domain.Address) ([]byte, error) {
		return jsonwrite.OK(jsonwrite.OptString(b, a.PostalCode))
	}},
}

func appendDocument(b []byte, d *domain.IdentityDocument) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return jsonwrite.Object(b, documentFields, d)
}

// appendCustomer writes c as json.Marshal(wireCustomer(c)) does, or fails where that fails.
func appendCustomer(b []byte, c *domain.Customer) ([]byte, error) {
	b, err := jsonwrite.Object(b, customerFields, c)
	if err != nil {
		return nil, wrapCustomerError(c, err)
	}
	return b, nil
}

func wrapCustomerError(c *domain.Customer, err error) error {
	return fmt.Errorf("mews: customer %s: %w", c.ID, err)
}

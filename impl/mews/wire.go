package mews

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	mews "github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// wireCustomer is a domain customer in the current revision's generated wire type. The
// answers no longer go through it: customerjson.go writes their bytes directly (issue 10),
// and json.Marshal(wireCustomer(c)) is the reference its tests compare them with. The result
// is what recode gives, which TestWireCustomerMatchesRecode checks: every optional field is
// null or a value (the domain writes every field), UUIDs and dates are parsed as their JSON
// decoders parse them, and a value either decoder refuses is an error.

// wire converts one customer; it stops at the first field it cannot convert.
type wire struct{ err error }

func (w *wire) fail(field string, err error) {
	if w.err == nil {
		w.err = fmt.Errorf("mews: customer %s: %w", field, err)
	}
}

func str(p *string) nullable.Nullable[string] {
	if p == nil {
		return nullable.NewNullNullable[string]()
	}
	return nullable.NewNullableWithValue(*p)
}

func enum[T ~string](p *string) nullable.Nullable[T] {
	if p == nil {
		return nullable.NewNullNullable[T]()
	}
	return nullable.NewNullableWithValue(T(*p))
}

func num(p *float64) nullable.Nullable[float64] {
	if p == nil {
		return nullable.NewNullNullable[float64]()
	}
	return nullable.NewNullableWithValue(*p)
}

func (w *wire) id(field, s string) openapi_types.UUID {
	u, err := uuid.Parse(s)
	if err != nil {
		w.fail(field, err)
	}
	return u
}

func (w *wire) optID(field string, p *string) nullable.Nullable[openapi_types.UUID] {
	if p == nil {
		return nullable.NewNullNullable[openapi_types.UUID]()
	}
	return nullable.NewNullableWithValue(w.id(field, *p))
}

func (w *wire) date(field string, p *string) nullable.Nullable[openapi_types.Date] {
	if p == nil {
		return nullable.NewNullNullable[openapi_types.Date]()
	}
	t, err := time.Parse(openapi_types.DateFormat, *p)
	if err != nil {
		w.fail(field, err)
	}
	return nullable.NewNullableWithValue(openapi_types.Date{Time: t})
}

func (w *wire) document(field string, d *domain.IdentityDocument) nullable.Nullable[mews.IdentityDocument] {
	if d == nil {
		return nullable.NewNullNullable[mews.IdentityDocument]()
	}
	return nullable.NewNullableWithValue(mews.IdentityDocument{
		Id:                            w.id(field+".Id", d.ID),
		CustomerId:                    w.id(field+".CustomerId", d.CustomerID),
		Type:                          mews.DocumentType(d.Type),
		Number:                        str(d.Number),
		Expiration:                    w.date(field+".Expiration", d.Expiration),
		Issuance:                      w.date(field+".Issuance", d.Issuance),
		IssuingCountryCode:            str(d.IssuingCountryCode),
		IssuingCity:                   str(d.IssuingCity),
		IdentityDocumentSupportNumber: str(d.IdentityDocumentSupportNumber),
	})
}

func (w *wire) address(a *domain.Address) nullable.Nullable[mews.Address] {
	if a == nil {
		return nullable.NewNullNullable[mews.Address]()
	}
	return nullable.NewNullableWithValue(mews.Address{
		Id:                     w.id("Address.Id", a.ID),
		Line1:                  str(a.Line1),
		Line2:                  str(a.Line2),
		City:                   str(a.City),
		PostalCode:             str(a.PostalCode),
		CountryCode:            str(a.CountryCode),
		CountrySubdivisionCode: str(a.CountrySubdivisionCode),
		Latitude:               num(a.Latitude),
		Longitude:              num(a.Longitude),
	})
}

// strings converts a slice of strings to a slice of an enum type, keeping nil as nil.
func stringsAs[T ~string](in []string) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return out
}

func wireCustomer(c domain.Customer) (mews.Customer, error) {
	var w wire
	out := mews.Customer{
		Id:                      w.id("Id", c.ID),
		ChainId:                 w.id("ChainId", c.ChainID),
		Number:                  c.Number,
		Title:                   enum[mews.Title](c.Title),
		Sex:                     enum[mews.Sex](c.Sex),
		FirstName:               str(c.FirstName),
		LastName:                c.LastName,
		SecondLastName:          str(c.SecondLastName),
		NationalityCode:         str(c.NationalityCode),
		PreferredLanguageCode:   str(c.PreferredLanguageCode),
		LanguageCode:            str(c.LanguageCode),
		BirthDate:               w.date("BirthDate", c.BirthDate),
		BirthPlace:              str(c.BirthPlace),
		Occupation:              str(c.Occupation),
		Email:                   str(c.Email),
		HasOtaEmail:             c.HasOtaEmail,
		Phone:                   str(c.Phone),
		TaxIdentificationNumber: str(c.TaxIdentificationNumber),
		LoyaltyCode:             str(c.LoyaltyCode),
		AccountingCode:          str(c.AccountingCode),
		BillingCode:             str(c.BillingCode),
		Notes:                   str(c.Notes),
		CarRegistrationNumber:   str(c.CarRegistrationNumber),
		DietaryRequirements:     str(c.DietaryRequirements),
		CreatedUtc:              c.CreatedUtc,
		UpdatedUtc:              c.UpdatedUtc,
		Passport:                w.document("Passport", c.Passport),
		IdentityCard:            w.document("IdentityCard", c.IdentityCard),
		Visa:                    w.document("Visa", c.Visa),
		DriversLicense:          w.document("DriversLicense", c.DriversLicense),
		Address:                 w.address(c.Address),
		AddressId:               w.optID("AddressId", c.AddressID),
		Classifications:         stringsAs[mews.CustomerClassification](c.Classifications),
		Options:                 stringsAs[mews.CustomerOption](c.Options),
		ItalianDestinationCode:  str(c.ItalianDestinationCode),
		ItalianFiscalCode:       str(c.ItalianFiscalCode),
		CompanyId:               w.optID("CompanyId", c.CompanyID),
		MergeTargetId:           w.optID("MergeTargetId", c.MergeTargetID),
		ActivityState:           enum[mews.ActivityState](c.ActivityState),
		IsActive:                c.IsActive,
		PreferredSpaceFeatures:  stringsAs[mews.ResourceFeatureClassification](c.PreferredSpaceFeatures),
	}
	if w.err != nil {
		return mews.Customer{}, w.err
	}
	return out, nil
}

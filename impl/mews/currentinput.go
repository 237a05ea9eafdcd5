package mews

import (
	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// The current revision's add and update requests are mapped to the domain field by field.
// recode's JSON round trip (json.Marshal of the request, json.Unmarshal into the domain type)
// did the same by property name and was 4% of a served add (issue 10). The mapping gives
// what recode gave (TestRequestMappingMatchesRecode): null and absent are both "not given"
// (nil), a value is a pointer to it, UUIDs in canonical form, dates as openapi_types.Date
// writes them, a list given as null is nil. Properties the domain has no field for
// (credentials, CultureCode, LanguageCode, update's ChainId) are dropped, as recode dropped
// them. One difference cannot arise: recode turned invalid UTF-8 into U+FFFD, and request
// strings come from the JSON decoder, which already did.

// given is the value of an optional request property, nil when it is absent or null.
func given[T any](n nullable.Nullable[T]) *T {
	// Checked before the lookup: the looked-up value escapes, so it is allocated wherever it
	// is declared, and most properties of a request are absent.
	if len(n) == 0 || n.IsNull() {
		return nil
	}
	v := n[true]
	return &v
}

// givenString is given for string-like properties (enums) as the domain's *string.
func givenString[T ~string](n nullable.Nullable[T]) *string {
	if p := given(n); p != nil {
		s := string(*p)
		return &s
	}
	return nil
}

func givenUUID(n nullable.Nullable[openapi_types.UUID]) *string {
	if p := given(n); p != nil {
		s := p.String()
		return &s
	}
	return nil
}

func givenDate(n nullable.Nullable[openapi_types.Date]) *string {
	if p := given(n); p != nil {
		s := p.Format(openapi_types.DateFormat)
		return &s
	}
	return nil
}

// givenList is an optional list as the domain's *[]string; a list given as null (or a nil
// value, which encodes as null) is nil.
func givenList[T ~string](n nullable.Nullable[[]T]) *[]string {
	p := given(n)
	if p == nil || *p == nil {
		return nil
	}
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = string(v)
	}
	return &out
}

func givenAddress(n nullable.Nullable[mews.AddressParameters]) *domain.AddressInput {
	a := given(n)
	if a == nil {
		return nil
	}
	return &domain.AddressInput{
		Line1:                  given(a.Line1),
		Line2:                  given(a.Line2),
		City:                   given(a.City),
		PostalCode:             given(a.PostalCode),
		CountryCode:            given(a.CountryCode),
		CountrySubdivisionCode: given(a.CountrySubdivisionCode),
	}
}

func givenDocument(n nullable.Nullable[mews.IdentityDocumentParameters]) *domain.DocumentInput {
	d := given(n)
	if d == nil {
		return nil
	}
	return &domain.DocumentInput{
		Number:             given(d.Number),
		Expiration:         givenDate(d.Expiration),
		Issuance:           givenDate(d.Issuance),
		IssuingCountryCode: given(d.IssuingCountryCode),
		IssuingCity:        given(d.IssuingCity),
	}
}

// givenUpdate is a String update value: absent or null is "leave as is" (nil); a given
// object sets its Value, or clears with a null or absent Value.
func givenUpdate(n nullable.Nullable[mews.StringUpdateValue]) *domain.StringUpdate {
	u := given(n)
	if u == nil {
		return nil
	}
	return &domain.StringUpdate{Value: given(u.Value)}
}

// profileFields are the profile properties add and update share, from either request.
type profileFields struct {
	title, lastName *string
	sex             nullable.Nullable[mews.Sex]
	firstName, secondLastName, nationalityCode, birthPlace, occupation, email, phone, loyaltyCode,
	notes, carRegistrationNumber, dietaryRequirements, taxIdentificationNumber nullable.Nullable[string]
	birthDate                                    nullable.Nullable[openapi_types.Date]
	companyID                                    nullable.Nullable[openapi_types.UUID]
	address                                      nullable.Nullable[mews.AddressParameters]
	passport, identityCard, visa, driversLicense nullable.Nullable[mews.IdentityDocumentParameters]
	classifications                              nullable.Nullable[[]mews.CustomerClassificationParameter]
	options                                      nullable.Nullable[[]mews.CustomerOptionParameter]
}

func (p profileFields) profile() domain.Profile {
	return domain.Profile{
		Title:                   p.title,
		Sex:                     givenString(p.sex),
		FirstName:               given(p.firstName),
		LastName:                p.lastName,
		SecondLastName:          given(p.secondLastName),
		NationalityCode:         given(p.nationalityCode),
		BirthDate:               givenDate(p.birthDate),
		BirthPlace:              given(p.birthPlace),
		Occupation:              given(p.occupation),
		Email:                   given(p.email),
		Phone:                   given(p.phone),
		LoyaltyCode:             given(p.loyaltyCode),
		Notes:                   given(p.notes),
		CarRegistrationNumber:   given(p.carRegistrationNumber),
		DietaryRequirements:     given(p.dietaryRequirements),
		TaxIdentificationNumber: given(p.taxIdentificationNumber),
		CompanyID:               givenUUID(p.companyID),
		Address:                 givenAddress(p.address),
		Passport:                givenDocument(p.passport),
		IdentityCard:            givenDocument(p.identityCard),
		Visa:                    givenDocument(p.visa),
		DriversLicense:          givenDocument(p.driversLicense),
		Classifications:         givenList(p.classifications),
		Options:                 givenList(p.options),
	}
}

// addInput maps customers/add's request to the domain. Title and LastName are required, so
// always given (recode gave them even when empty).
func addInput(b *mews.CustomerAddParameters) domain.AddInput {
	title, lastName := string(b.Title), b.LastName
	return domain.AddInput{
		Profile: profileFields{
			title: &title, lastName: &lastName, sex: b.Sex,
			firstName: b.FirstName, secondLastName: b.SecondLastName, nationalityCode: b.NationalityCode,
			birthPlace: b.BirthPlace, occupation: b.Occupation, email: b.Email, phone: b.Phone,
			loyaltyCode: b.LoyaltyCode, notes: b.Notes, carRegistrationNumber: b.CarRegistrationNumber,
			dietaryRequirements: b.DietaryRequirements, taxIdentificationNumber: b.TaxIdentificationNumber,
			birthDate: b.BirthDate, companyID: b.CompanyId, address: b.Address,
			passport: b.Passport, identityCard: b.IdentityCard, visa: b.Visa, driversLicense: b.DriversLicense,
			classifications: b.Classifications, options: b.Options,
		}.profile(),
		ChainID:                givenUUID(b.ChainId),
		OverwriteExisting:      b.OverwriteExisting,
		ItalianDestinationCode: given(b.ItalianDestinationCode),
		ItalianFiscalCode:      given(b.ItalianFiscalCode),
	}
}

// updateInput maps customers/update's request to the domain. Title is required, so always
// given; LastName is optional here.
func updateInput(b *mews.CustomerUpdateParameters) domain.UpdateInput {
	title := string(b.Title)
	return domain.UpdateInput{
		Profile: profileFields{
			title: &title, lastName: given(b.LastName), sex: b.Sex,
			firstName: b.FirstName, secondLastName: b.SecondLastName, nationalityCode: b.NationalityCode,
			birthPlace: b.BirthPlace, occupation: b.Occupation, email: b.Email, phone: b.Phone,
			loyaltyCode: b.LoyaltyCode, notes: b.Notes, carRegistrationNumber: b.CarRegistrationNumber,
			dietaryRequirements: b.DietaryRequirements, taxIdentificationNumber: b.TaxIdentificationNumber,
			birthDate: b.BirthDate, companyID: b.CompanyId, address: b.Address,
			passport: b.Passport, identityCard: b.IdentityCard, visa: b.Visa, driversLicense: b.DriversLicense,
			classifications: b.Classifications, options: b.Options,
		}.profile(),
		CustomerID:             b.CustomerId.String(),
		ItalianDestinationCode: givenUpdate(b.ItalianDestinationCode),
		ItalianFiscalCode:      givenUpdate(b.ItalianFiscalCode),
	}
}

package mews

import (
	"github.com/oapi-codegen/nullable"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// The legacy add and update requests are mapped to the domain field by field, as
// currentinput.go does for the current revision, giving what recode gave
// (TestLegacyRequestMappingMatchesRecode). The 2018 address and documents have fewer
// properties (no subdivision, no issuing city), which stay nil; credentials, CultureCode and
// LanguageCode are dropped; the 2018 classification names are renamed afterwards by
// fromLegacyClassifications.

func givenLegacyAddress(n nullable.Nullable[legacyapi.Address]) *domain.AddressInput {
	a := given(n)
	if a == nil {
		return nil
	}
	return &domain.AddressInput{
		Line1:       given(a.Line1),
		Line2:       given(a.Line2),
		City:        given(a.City),
		PostalCode:  given(a.PostalCode),
		CountryCode: given(a.CountryCode),
	}
}

func givenLegacyDocument(n nullable.Nullable[legacyapi.Document]) *domain.DocumentInput {
	d := given(n)
	if d == nil {
		return nil
	}
	return &domain.DocumentInput{
		Number:             given(d.Number),
		Expiration:         givenDate(d.Expiration),
		Issuance:           givenDate(d.Issuance),
		IssuingCountryCode: given(d.IssuingCountryCode),
	}
}

// legacyAddInput maps the legacy customers/add request to the domain; LastName is required,
// so always given.
func legacyAddInput(b *legacyapi.CustomerAddParameters) domain.AddInput {
	lastName := b.LastName
	return domain.AddInput{
		Profile: domain.Profile{
			Title:           givenString(b.Title),
			FirstName:       given(b.FirstName),
			LastName:        &lastName,
			SecondLastName:  given(b.SecondLastName),
			NationalityCode: given(b.NationalityCode),
			BirthDate:       givenDate(b.BirthDate),
			BirthPlace:      given(b.BirthPlace),
			Email:           given(b.Email),
			Phone:           given(b.Phone),
			LoyaltyCode:     given(b.LoyaltyCode),
			Notes:           given(b.Notes),
			Address:         givenLegacyAddress(b.Address),
			Passport:        givenLegacyDocument(b.Passport),
			IdentityCard:    givenLegacyDocument(b.IdentityCard),
			Visa:            givenLegacyDocument(b.Visa),
			DriversLicense:  givenLegacyDocument(b.DriversLicense),
			Classifications: givenList(b.Classifications),
		},
		OverwriteExisting: b.OverwriteExisting,
	}
}

// legacyUpdateInput maps the legacy customers/update request to the domain. BithPlace is the
// seed table's misspelling, accepted as an alias; BirthPlace wins.
func legacyUpdateInput(b *legacyapi.CustomerUpdateParameters) domain.UpdateInput {
	birthPlace := given(b.BirthPlace)
	if birthPlace == nil {
		birthPlace = given(b.BithPlace)
	}
	return domain.UpdateInput{
		Profile: domain.Profile{
			Title:           givenString(b.Title),
			FirstName:       given(b.FirstName),
			LastName:        given(b.LastName),
			SecondLastName:  given(b.SecondLastName),
			NationalityCode: given(b.NationalityCode),
			BirthDate:       givenDate(b.BirthDate),
			BirthPlace:      birthPlace,
			Email:           given(b.Email),
			Phone:           given(b.Phone),
			LoyaltyCode:     given(b.LoyaltyCode),
			Notes:           given(b.Notes),
			Address:         givenLegacyAddress(b.Address),
			Passport:        givenLegacyDocument(b.Passport),
			IdentityCard:    givenLegacyDocument(b.IdentityCard),
			Visa:            givenLegacyDocument(b.Visa),
			DriversLicense:  givenLegacyDocument(b.DriversLicense),
			Classifications: givenList(b.Classifications),
		},
		CustomerID: b.CustomerId.String(),
	}
}

// Package domain is the one Mews customer domain behind both contract revisions (mews-legacy
// and mews): customers with their addresses and identity documents, files attached to them,
// their open accounting items, merge links, current stays (reservations, from fixtures) and
// the enterprise's chain and exchange rates.
// Records are kept in the current revision's wire shape (what `paxkit serve` exports and what
// fixtures contain); the two adapters in package mews translate requests and answers of each
// revision to and from this domain.
package domain

import (
	"encoding/json"
	"time"
)

// Customer is a customer profile as the current revision answers it (schema Customer of
// openapi/mews.yaml). Optional values are pointers, written as explicit null, as Mews does.
type Customer struct {
	ID                      string            `json:"Id"`
	ChainID                 string            `json:"ChainId"`
	Number                  string            `json:"Number"`
	Title                   *string           `json:"Title"`
	Sex                     *string           `json:"Sex"`
	FirstName               *string           `json:"FirstName"`
	LastName                string            `json:"LastName"`
	SecondLastName          *string           `json:"SecondLastName"`
	NationalityCode         *string           `json:"NationalityCode"`
	PreferredLanguageCode   *string           `json:"PreferredLanguageCode"`
	LanguageCode            *string           `json:"LanguageCode"`
	BirthDate               *string           `json:"BirthDate"`
	BirthPlace              *string           `json:"BirthPlace"`
	Occupation              *string           `json:"Occupation"`
	Email                   *string           `json:"Email"`
	HasOtaEmail             bool              `json:"HasOtaEmail"`
	Phone                   *string           `json:"Phone"`
	TaxIdentificationNumber *string           `json:"TaxIdentificationNumber"`
	LoyaltyCode             *string           `json:"LoyaltyCode"`
	AccountingCode          *string           `json:"AccountingCode"`
	BillingCode             *string           `json:"BillingCode"`
	Notes                   *string           `json:"Notes"`
	CarRegistrationNumber   *string           `json:"CarRegistrationNumber"`
	DietaryRequirements     *string           `json:"DietaryRequirements"`
	CreatedUtc              time.Time         `json:"CreatedUtc"`
	UpdatedUtc              time.Time         `json:"UpdatedUtc"`
	Passport                *IdentityDocument `json:"Passport"`
	IdentityCard            *IdentityDocument `json:"IdentityCard"`
	Visa                    *IdentityDocument `json:"Visa"`
	DriversLicense          *IdentityDocument `json:"DriversLicense"`
	Address                 *Address          `json:"Address"`
	AddressID               *string           `json:"AddressId"`
	Classifications         []string          `json:"Classifications"`
	Options                 []string          `json:"Options"`
	ItalianDestinationCode  *string           `json:"ItalianDestinationCode"`
	ItalianFiscalCode       *string           `json:"ItalianFiscalCode"`
	CompanyID               *string           `json:"CompanyId"`
	MergeTargetID           *string           `json:"MergeTargetId"`
	ActivityState           *string           `json:"ActivityState"`
	IsActive                bool              `json:"IsActive"`
	PreferredSpaceFeatures  []string          `json:"PreferredSpaceFeatures"`
}

// IdentityDocument is a customer's passport, identity card, visa or driver's licence.
type IdentityDocument struct {
	ID                            string  `json:"Id"`
	CustomerID                    string  `json:"CustomerId"`
	Type                          string  `json:"Type"`
	Number                        *string `json:"Number"`
	Expiration                    *string `json:"Expiration"`
	Issuance                      *string `json:"Issuance"`
	IssuingCountryCode            *string `json:"IssuingCountryCode"`
	IssuingCity                   *string `json:"IssuingCity"`
	IdentityDocumentSupportNumber *string `json:"IdentityDocumentSupportNumber"`
}

// Address is a customer's (deprecated, still returned) address.
type Address struct {
	ID                     string   `json:"Id"`
	Line1                  *string  `json:"Line1"`
	Line2                  *string  `json:"Line2"`
	City                   *string  `json:"City"`
	PostalCode             *string  `json:"PostalCode"`
	CountryCode            *string  `json:"CountryCode"`
	CountrySubdivisionCode *string  `json:"CountrySubdivisionCode"`
	Latitude               *float64 `json:"Latitude"`
	Longitude              *float64 `json:"Longitude"`
}

// File is a file attached to a customer with customers/addFile.
type File struct {
	ID         string    `json:"Id"`
	CustomerID string    `json:"CustomerId"`
	Name       string    `json:"Name"`
	Type       string    `json:"Type"`
	Data       []byte    `json:"Data"`
	CreatedUtc time.Time `json:"CreatedUtc"`
}

// OpenItem is one open accounting item of a customer: an unpaid order item or a deposited
// payment. It holds what both revisions show: the current revision's order and payment items
// and the legacy revision's accounting items are views of it.
type OpenItem struct {
	ID                   string     `json:"Id"`
	CustomerID           string     `json:"CustomerId"`
	Kind                 string     `json:"Kind"` // KindOrder or KindPayment
	Name                 string     `json:"Name"`
	OrderID              *string    `json:"OrderId"`
	BillID               *string    `json:"BillId"`
	AccountingCategoryID *string    `json:"AccountingCategoryId"`
	Amount               Amount     `json:"Amount"`
	RevenueType          *string    `json:"RevenueType"` // order items: Service, Product, Additional
	ConsumedUtc          time.Time  `json:"ConsumedUtc"`
	ClosedUtc            *time.Time `json:"ClosedUtc"`
	AccountingState      string     `json:"AccountingState"`
	State                *string    `json:"State"` // payment items: Charged, Canceled, ...
	Notes                *string    `json:"Notes"`
	Data                 ItemData   `json:"Data"`
	// Original is the amount before a currency conversion (set by OpenItems, never stored).
	Original *Amount `json:"-"`
}

// Reservation is a guest's current stay, known only from fixtures (paxkit keeps no
// reservations of its own): the customers staying, the resource (room) assigned, and the
// reservation as each revision shows it (the two shapes differ too much to derive one from
// the other).
type Reservation struct {
	ID          string          `json:"Id"`
	CustomerIDs []string        `json:"CustomerIds"`
	ResourceID  *string         `json:"ResourceId"`
	Current     json.RawMessage `json:"Current"`
	Legacy      json.RawMessage `json:"Legacy"`
}

// Kinds of open items.
const (
	KindOrder   = "Order"
	KindPayment = "Payment"
)

// ItemData is the discriminated union of an item's type-specific data.
type ItemData struct {
	Discriminator string          `json:"Discriminator"`
	Value         json.RawMessage `json:"Value"`
}

// Amount is an amount of money with its tax split.
type Amount struct {
	Currency   string     `json:"Currency"`
	NetValue   *float64   `json:"NetValue"`
	GrossValue *float64   `json:"GrossValue"`
	TaxValues  []TaxValue `json:"TaxValues"`
}

// TaxValue is the tax of one tax rate in an amount.
type TaxValue struct {
	Code  string  `json:"Code"`
	Value float64 `json:"Value"`
}

// Enterprise is the per-tenant setting of the domain: the chain new customers belong to, the
// accounting currency and the exchange rates getOpenItems converts with.
type Enterprise struct {
	ID       string `json:"Id"`
	ChainID  string `json:"ChainId"`
	Currency string `json:"Currency"`
	// Rates maps an ISO 4217 code to its value of one unit of Currency (GBP 1 = EUR 1.17).
	Rates map[string]float64 `json:"Rates"`
}

// enterpriseID is the id of the one Enterprise record of a tenant.
const enterpriseID = "enterprise"

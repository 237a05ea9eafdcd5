package domain

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/paxkit/paxkit/internal/store"
)

// ErrorKind says how a refused request is answered.
type ErrorKind int

const (
	// Invalid is a client bug, such as an unknown identifier (Mews answers 400).
	Invalid ErrorKind = iota
	// Refused is a business rule refusing the request, shown to the end user (Mews: 403).
	Refused
)

// Error is a request the domain refuses. Nothing was written.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) *Error {
	return &Error{Kind: Invalid, Message: fmt.Sprintf(format, args...)}
}

func refused(format string, args ...any) *Error {
	return &Error{Kind: Refused, Message: fmt.Sprintf(format, args...)}
}

// MaxFileSize is the largest file addFile keeps. paxkit decision: Mews documents no limit;
// 10 MiB of data (about 13.4 MiB of base64) fits paxkit's default 16 MiB body limit.
const MaxFileSize = 10 << 20

// allowedFileType reports whether the current revision accepts the MIME type in addFile.
func allowedFileType(mimeType string) bool {
	switch strings.ToLower(strings.TrimSpace(mimeType)) {
	case "application/pdf", "image/bmp", "image/gif", "image/jpeg", "image/png", "image/tiff":
		return true
	}
	return false
}

// Service is the Mews customer domain on the shared store. Every operation runs in one store
// transaction on one tenant, so it is all-or-nothing and safe under concurrent use.
type Service struct {
	st    *store.Store
	t     tables
	now   func() time.Time
	newID func() string
}

// New registers the domain's tables in st. checks validate the records imported from fixtures
// (against the contracts' schemas).
func New(st *store.Store, checks Checks) *Service {
	return &Service{st: st, t: newTables(st, checks)}
}

// WithDeps returns the service using the server's clock and id source.
func (s *Service) WithDeps(now func() time.Time, newID func() string) *Service {
	cp := *s
	cp.now = func() time.Time { return now().UTC().Truncate(time.Second) }
	cp.newID = newID
	return &cp
}

// DocumentInput is an identity document as add and update send it.
type DocumentInput struct {
	Number             *string `json:"Number"`
	Expiration         *string `json:"Expiration"`
	Issuance           *string `json:"Issuance"`
	IssuingCountryCode *string `json:"IssuingCountryCode"`
	IssuingCity        *string `json:"IssuingCity"`
}

// AddressInput is an address as add and update send it.
type AddressInput struct {
	Line1                  *string `json:"Line1"`
	Line2                  *string `json:"Line2"`
	City                   *string `json:"City"`
	PostalCode             *string `json:"PostalCode"`
	CountryCode            *string `json:"CountryCode"`
	CountrySubdivisionCode *string `json:"CountrySubdivisionCode"`
}

// Profile holds the profile fields add and update share. A nil field is "not given".
type Profile struct {
	Title                   *string        `json:"Title"`
	Sex                     *string        `json:"Sex"`
	FirstName               *string        `json:"FirstName"`
	LastName                *string        `json:"LastName"`
	SecondLastName          *string        `json:"SecondLastName"`
	NationalityCode         *string        `json:"NationalityCode"`
	BirthDate               *string        `json:"BirthDate"`
	BirthPlace              *string        `json:"BirthPlace"`
	Occupation              *string        `json:"Occupation"`
	Email                   *string        `json:"Email"`
	Phone                   *string        `json:"Phone"`
	LoyaltyCode             *string        `json:"LoyaltyCode"`
	Notes                   *string        `json:"Notes"`
	CarRegistrationNumber   *string        `json:"CarRegistrationNumber"`
	DietaryRequirements     *string        `json:"DietaryRequirements"`
	TaxIdentificationNumber *string        `json:"TaxIdentificationNumber"`
	CompanyID               *string        `json:"CompanyId"`
	Address                 *AddressInput  `json:"Address"`
	Passport                *DocumentInput `json:"Passport"`
	IdentityCard            *DocumentInput `json:"IdentityCard"`
	Visa                    *DocumentInput `json:"Visa"`
	DriversLicense          *DocumentInput `json:"DriversLicense"`
	Classifications         *[]string      `json:"Classifications"`
	Options                 *[]string      `json:"Options"`
}

// AddInput is customers/add.
type AddInput struct {
	Profile
	ChainID                *string `json:"ChainId"`
	OverwriteExisting      bool    `json:"OverwriteExisting"`
	ItalianDestinationCode *string `json:"ItalianDestinationCode"`
	ItalianFiscalCode      *string `json:"ItalianFiscalCode"`
}

// StringUpdate is Mews' String update value: Value sets, a null (or absent) Value clears.
type StringUpdate struct {
	Value *string `json:"Value"`
}

// UpdateInput is customers/update.
type UpdateInput struct {
	Profile
	CustomerID             string        `json:"CustomerId"`
	ItalianDestinationCode *StringUpdate `json:"ItalianDestinationCode"`
	ItalianFiscalCode      *StringUpdate `json:"ItalianFiscalCode"`
}

// enterprise returns the tenant's enterprise settings; a tenant without a record (one made
// by fixtures) gets a chain id derived from its name, so that it is stable across restarts.
func (s *Service) enterprise(tx *store.Tx) Enterprise {
	if e, ok := s.t.enterprises.Get(tx, enterpriseID); ok {
		return e
	}
	return Enterprise{ID: enterpriseID, ChainID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("paxkit:mews:"+tx.Tenant())).String(), Currency: "GBP"}
}

// activeWithEmail returns the active customers holding email (ignoring case).
func (s *Service) activeWithEmail(tx *store.Tx, email string) []Customer {
	var out []Customer
	for _, c := range s.t.customers.Lookup(tx, byEmail, emailKey(email)) {
		if c.IsActive {
			out = append(out, c)
		}
	}
	return out
}

// nextNumber is the next customer number of the tenant: one more than the highest numeric
// Number so far. Mews numbers customers sequentially per enterprise.
func (s *Service) nextNumber(tx *store.Tx) string {
	highest := int64(0)
	if top := s.t.customers.Scan(tx, byNumber, store.Query{Limit: 1}).Items; len(top) == 1 {
		if n, err := strconv.ParseInt(top[0].Number, 10, 64); err == nil && n > highest {
			highest = n
		}
	}
	return strconv.FormatInt(highest+1, 10)
}

// Add creates a customer, or (OverwriteExisting) overwrites the basic personal information of
// the active customer with the same email and returns it; without OverwriteExisting such a
// duplicate is refused.
func (s *Service) Add(tenant string, in AddInput) (Customer, error) {
	var out Customer
	err := s.st.Update(tenant, func(tx *store.Tx) error {
		now := s.now()
		if email := deref(in.Email); strings.TrimSpace(email) != "" {
			if dup := s.activeWithEmail(tx, email); len(dup) > 0 {
				if !in.OverwriteExisting {
					return refused("A customer with the email %s already exists.", email)
				}
				c := dup[0]
				overwriteBasic(&c, in.Profile)
				c.UpdatedUtc = now
				out = c
				return s.t.customers.Put(tx, c)
			}
		}
		ent := s.enterprise(tx)
		c := Customer{
			ID:                     s.newID(),
			ChainID:                ent.ChainID,
			Number:                 s.nextNumber(tx),
			LastName:               deref(in.LastName),
			CreatedUtc:             now,
			UpdatedUtc:             now,
			Classifications:        []string{},
			Options:                []string{},
			PreferredSpaceFeatures: []string{},
			IsActive:               true,
			ActivityState:          ptr("Active"),
			ItalianDestinationCode: blankToNil(in.ItalianDestinationCode),
			ItalianFiscalCode:      blankToNil(in.ItalianFiscalCode),
		}
		if in.ChainID != nil {
			c.ChainID = *in.ChainID
		}
		s.apply(&c, in.Profile)
		c.Notes = in.Notes
		out = c
		return s.t.customers.Put(tx, c)
	})
	return out, err
}

// overwriteBasic overwrites the basic personal information (paxkit decision, written in the
// spec: Title, names, Sex, nationality, birth date and place, occupation, phone) where given.
func overwriteBasic(c *Customer, p Profile) {
	for _, f := range []struct {
		dst **string
		src *string
	}{
		{&c.Title, p.Title}, {&c.Sex, p.Sex}, {&c.FirstName, p.FirstName}, {&c.SecondLastName, p.SecondLastName},
		{&c.NationalityCode, p.NationalityCode}, {&c.BirthDate, p.BirthDate}, {&c.BirthPlace, p.BirthPlace},
		{&c.Occupation, p.Occupation}, {&c.Phone, p.Phone},
	} {
		if v := blankToNil(f.src); v != nil {
			*f.dst = v
		}
	}
	if v := blankToNil(p.LastName); v != nil {
		c.LastName = *v
	}
}

// apply writes the given (non-blank) profile fields onto c: a blank or omitted field leaves
// the stored value intact, as Mews documents for update. Notes are handled by the caller.
func (s *Service) apply(c *Customer, p Profile) {
	overwriteBasic(c, p)
	for _, f := range []struct {
		dst **string
		src *string
	}{
		{&c.Email, p.Email}, {&c.LoyaltyCode, p.LoyaltyCode}, {&c.CarRegistrationNumber, p.CarRegistrationNumber},
		{&c.DietaryRequirements, p.DietaryRequirements}, {&c.TaxIdentificationNumber, p.TaxIdentificationNumber},
		{&c.CompanyID, p.CompanyID},
	} {
		if v := blankToNil(f.src); v != nil {
			*f.dst = v
		}
	}
	if p.Classifications != nil {
		c.Classifications = slices.Clone(*p.Classifications)
	}
	if p.Options != nil {
		c.Options = slices.Clone(*p.Options)
	}
	if p.Address != nil {
		s.applyAddress(c, *p.Address)
	}
	for _, d := range []struct {
		dst  **IdentityDocument
		src  *DocumentInput
		kind string
	}{
		{&c.Passport, p.Passport, "Passport"}, {&c.IdentityCard, p.IdentityCard, "IdentityCard"},
		{&c.Visa, p.Visa, "Visa"}, {&c.DriversLicense, p.DriversLicense, "DriversLicense"},
	} {
		if d.src == nil {
			continue
		}
		doc := *d.dst
		if doc == nil {
			doc = &IdentityDocument{ID: s.newID(), CustomerID: c.ID, Type: d.kind}
		}
		setGiven(&doc.Number, d.src.Number)
		setGiven(&doc.Expiration, d.src.Expiration)
		setGiven(&doc.Issuance, d.src.Issuance)
		setGiven(&doc.IssuingCountryCode, d.src.IssuingCountryCode)
		setGiven(&doc.IssuingCity, d.src.IssuingCity)
		*d.dst = doc
	}
}

func (s *Service) applyAddress(c *Customer, in AddressInput) {
	a := c.Address
	if a == nil {
		a = &Address{ID: s.newID()}
	}
	setGiven(&a.Line1, in.Line1)
	setGiven(&a.Line2, in.Line2)
	setGiven(&a.City, in.City)
	setGiven(&a.PostalCode, in.PostalCode)
	setGiven(&a.CountryCode, in.CountryCode)
	setGiven(&a.CountrySubdivisionCode, in.CountrySubdivisionCode)
	c.Address = a
	c.AddressID = &a.ID
}

func setGiven(dst **string, src *string) {
	if v := blankToNil(src); v != nil {
		*dst = v
	}
}

// blankToNil is nil for an absent, null or blank value: Mews treats them alike.
func blankToNil(p *string) *string {
	if p == nil || strings.TrimSpace(*p) == "" {
		return nil
	}
	v := *p
	return &v
}

func ptr[T any](v T) *T { return &v }

// Update changes the personal information of a customer: given fields replace, blank or
// omitted ones are kept; Notes are overwritten by any string; a new email must not belong to
// another active customer.
func (s *Service) Update(tenant string, in UpdateInput) (Customer, error) {
	var out Customer
	err := s.st.Update(tenant, func(tx *store.Tx) error {
		c, ok := s.t.customers.Get(tx, in.CustomerID)
		if !ok {
			return invalid("Invalid CustomerId.")
		}
		if email := deref(blankToNil(in.Email)); email != "" && emailKey(email) != emailKey(deref(c.Email)) {
			for _, other := range s.activeWithEmail(tx, email) {
				if other.ID != c.ID {
					return refused("Another customer profile already uses the email %s.", email)
				}
			}
		}
		s.apply(&c, in.Profile)
		if in.Notes != nil {
			c.Notes = in.Notes
		}
		if u := in.ItalianDestinationCode; u != nil {
			c.ItalianDestinationCode = u.Value
		}
		if u := in.ItalianFiscalCode; u != nil {
			c.ItalianFiscalCode = u.Value
		}
		c.UpdatedUtc = s.now()
		out = c
		return s.t.customers.Put(tx, c)
	})
	return out, err
}

// Get returns customers by id in the order asked, skipping unknown ids (and repeats).
func (s *Service) Get(tenant string, ids []string) ([]Customer, error) {
	var out []Customer
	err := s.st.View(tenant, func(tx *store.Tx) error {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if c, ok := s.t.customers.Get(tx, id); ok {
				out = append(out, c)
			}
		}
		return nil
	})
	return out, err
}

// AsError reports whether err is a refusal of the domain (as opposed to a failure of the
// store), and returns it.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

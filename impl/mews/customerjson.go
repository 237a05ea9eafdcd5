package mews

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/paxkit/paxkit/impl/mews/domain"
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

// field writes the value of one JSON property of a T; the key is written by appendObject.
type field[T any] struct {
	name  string
	write func(b []byte, v *T) ([]byte, error)
}

// appendObject writes v as a JSON object with fields in order. A field that fails stops the
// object; the error names the field.
func appendObject[T any](b []byte, fields []field[T], v *T) ([]byte, error) {
	b = append(b, '{')
	for i := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		// The names are Go identifiers (checked by the reflection guard), so they need no
		// escaping.
		b = append(b, '"')
		b = append(b, fields[i].name...)
		b = append(b, '"', ':')
		var err error
		if b, err = fields[i].write(b, v); err != nil {
			return b, fmt.Errorf("%s: %w", fields[i].name, err)
		}
	}
	return append(b, '}'), nil
}

// Writers of one property. Each returns the buffer and a nil error where the value cannot
// fail, so that the tables below stay one line per property.

func appendOptString(b []byte, p *string) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return appendString(b, *p)
}

// hexDigits are encoding/json's digits for \u escapes (lower case).
const hexDigits = "0123456789abcdef"

// htmlSafe reports the ASCII bytes encoding/json writes as they are when it escapes HTML
// (json.Marshal and json.Encoder do): everything printable except '"', '\\', '<', '>', '&'.
func htmlSafe(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

// appendString writes s as a JSON string exactly as encoding/json does with HTML escaping:
// '"' and '\\' backslashed; \b \f \n \r \t by name; other control bytes and <, >, & as \u00XX;
// U+2028 and U+2029 as \u2028 and \u2029; every byte of invalid UTF-8 as \ufffd. (strconv's
// quoting differs: it writes \x.. and keeps <>&.) Mirrors appendString in encoding/json's
// encode.go; TestAppendStringMatchesEncodingJSON covers every class.
func appendString(b []byte, s string) []byte {
	return appendStringReplacing(b, s, `\ufffd`)
}

// appendStringReplacing is appendString writing invalid UTF-8 bytes as invalid (each byte
// once). The legacy revision's answers went through a JSON round trip that had already
// turned them into U+FFFD, which encoding/json then writes unescaped.
func appendStringReplacing(b []byte, s, invalid string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, invalid...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte {
	return strconv.AppendBool(b, v)
}

// appendStrings writes a list of strings as the generated non-nullable slice types encode:
// nil is null, empty is [].
func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendUUID writes s as openapi_types.UUID encodes once parsed: lower-case canonical (what
// uuid.UUID.String gives), whatever form uuid.Parse accepted. Not a UUID is an error, as
// in wireCustomer.
func appendUUID(b []byte, s string) ([]byte, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return b, err
	}
	b = append(b, '"')
	b = hex.AppendEncode(b, u[0:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[4:6])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[6:8])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[8:10])
	b = append(b, '-')
	b = hex.AppendEncode(b, u[10:16])
	return append(b, '"'), nil
}

func appendOptUUID(b []byte, p *string) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	return appendUUID(b, *p)
}

// appendOptDate writes a date as openapi_types.Date encodes once parsed (time.Parse with its
// DateFormat, formatted back); not a date is an error, as in wireCustomer. The digits and
// dashes need no escaping.
func appendOptDate(b []byte, p *string) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	t, err := time.Parse(openapi_types.DateFormat, *p)
	if err != nil {
		return b, err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, openapi_types.DateFormat)
	return append(b, '"'), nil
}

// appendTime writes t as time.Time.MarshalJSON does (AppendText is the same strict RFC 3339
// with nanoseconds, without the quotes, and fails where MarshalJSON fails: a year outside
// 0-9999, a zone offset of 24 hours or more). RFC 3339 text needs no escaping.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, err
	}
	return append(b, '"'), nil
}

// appendOptFloat writes a number as encoding/json does (ES6 style: 'f' unless the magnitude
// is below 1e-6 or from 1e21, then 'e' with an unpadded exponent); NaN and infinities are an
// error, as json.Marshal refuses them.
func appendOptFloat(b []byte, p *float64) ([]byte, error) {
	if p == nil {
		return append(b, "null"...), nil
	}
	f := *p
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, errors.New("unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 -> e-9, as encoding/json cleans it up.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// ok adapts a writer that cannot fail to a table entry.
func ok(b []byte) ([]byte, error) { return b, nil }

// customerFields are the properties of schema Customer in the generated mews.Customer's field
// order (encoding/json writes fields in declaration order). Read-only after initialisation.
var customerFields = []field[domain.Customer]{
	{"AccountingCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.AccountingCode)) }},
	{"ActivityState", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.ActivityState)) }},
	{"Address", func(b []byte, c *domain.Customer) ([]byte, error) {
		if c.Address == nil {
			return append(b, "null"...), nil
		}
		return appendObject(b, addressFields, c.Address)
	}},
	{"AddressId", func(b []byte, c *domain.Customer) ([]byte, error) { return appendOptUUID(b, c.AddressID) }},
	{"BillingCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.BillingCode)) }},
	{"BirthDate", func(b []byte, c *domain.Customer) ([]byte, error) { return appendOptDate(b, c.BirthDate) }},
	{"BirthPlace", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.BirthPlace)) }},
	{"CarRegistrationNumber", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.CarRegistrationNumber))
	}},
	{"ChainId", func(b []byte, c *domain.Customer) ([]byte, error) { return appendUUID(b, c.ChainID) }},
	{"Classifications", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendStrings(b, c.Classifications)) }},
	{"CompanyId", func(b []byte, c *domain.Customer) ([]byte, error) { return appendOptUUID(b, c.CompanyID) }},
	{"CreatedUtc", func(b []byte, c *domain.Customer) ([]byte, error) { return appendTime(b, c.CreatedUtc) }},
	{"DietaryRequirements", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.DietaryRequirements))
	}},
	{"DriversLicense", func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.DriversLicense) }},
	{"Email", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Email)) }},
	{"FirstName", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.FirstName)) }},
	{"HasOtaEmail", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendBool(b, c.HasOtaEmail)) }},
	{"Id", func(b []byte, c *domain.Customer) ([]byte, error) { return appendUUID(b, c.ID) }},
	{"IdentityCard", func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.IdentityCard) }},
	{"IsActive", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendBool(b, c.IsActive)) }},
	{"ItalianDestinationCode", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.ItalianDestinationCode))
	}},
	{"ItalianFiscalCode", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.ItalianFiscalCode))
	}},
	{"LanguageCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.LanguageCode)) }},
	{"LastName", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendString(b, c.LastName)) }},
	{"LoyaltyCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.LoyaltyCode)) }},
	{"MergeTargetId", func(b []byte, c *domain.Customer) ([]byte, error) { return appendOptUUID(b, c.MergeTargetID) }},
	{"NationalityCode", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.NationalityCode)) }},
	{"Notes", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Notes)) }},
	{"Number", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendString(b, c.Number)) }},
	{"Occupation", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Occupation)) }},
	{"Options", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendStrings(b, c.Options)) }},
	{"Passport", func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.Passport) }},
	{"Phone", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Phone)) }},
	{"PreferredLanguageCode", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.PreferredLanguageCode))
	}},
	{"PreferredSpaceFeatures", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendStrings(b, c.PreferredSpaceFeatures))
	}},
	{"SecondLastName", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.SecondLastName)) }},
	{"Sex", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Sex)) }},
	{"TaxIdentificationNumber", func(b []byte, c *domain.Customer) ([]byte, error) {
		return ok(appendOptString(b, c.TaxIdentificationNumber))
	}},
	{"Title", func(b []byte, c *domain.Customer) ([]byte, error) { return ok(appendOptString(b, c.Title)) }},
	{"UpdatedUtc", func(b []byte, c *domain.Customer) ([]byte, error) { return appendTime(b, c.UpdatedUtc) }},
	{"Visa", func(b []byte, c *domain.Customer) ([]byte, error) { return appendDocument(b, c.Visa) }},
}

// documentFields are the properties of schema IdentityDocument in mews.IdentityDocument's
// field order.
var documentFields = []field[domain.IdentityDocument]{
	{"CustomerId", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendUUID(b, d.CustomerID) }},
	{"Expiration", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendOptDate(b, d.Expiration) }},
	{"Id", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendUUID(b, d.ID) }},
	{"IdentityDocumentSupportNumber", func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return ok(appendOptString(b, d.IdentityDocumentSupportNumber))
	}},
	{"Issuance", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return appendOptDate(b, d.Issuance) }},
	{"IssuingCity", func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return ok(appendOptString(b, d.IssuingCity))
	}},
	{"IssuingCountryCode", func(b []byte, d *domain.IdentityDocument) ([]byte, error) {
		return ok(appendOptString(b, d.IssuingCountryCode))
	}},
	{"Number", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return ok(appendOptString(b, d.Number)) }},
	{"Type", func(b []byte, d *domain.IdentityDocument) ([]byte, error) { return ok(appendString(b, d.Type)) }},
}

// addressFields are the properties of schema Address in mews.Address's field order.
var addressFields = []field[domain.Address]{
	{"City", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendOptString(b, a.City)) }},
	{"CountryCode", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendOptString(b, a.CountryCode)) }},
	{"CountrySubdivisionCode", func(b []byte, a *domain.Address) ([]byte, error) {
		return ok(appendOptString(b, a.CountrySubdivisionCode))
	}},
	{"Id", func(b []byte, a *domain.Address) ([]byte, error) { return appendUUID(b, a.ID) }},
	{"Latitude", func(b []byte, a *domain.Address) ([]byte, error) { return appendOptFloat(b, a.Latitude) }},
	{"Line1", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendOptString(b, a.Line1)) }},
	{"Line2", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendOptString(b, a.Line2)) }},
	{"Longitude", func(b []byte, a *domain.Address) ([]byte, error) { return appendOptFloat(b, a.Longitude) }},
	{"PostalCode", func(b []byte, a *domain.Address) ([]byte, error) { return ok(appendOptString(b, a.PostalCode)) }},
}

func appendDocument(b []byte, d *domain.IdentityDocument) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return appendObject(b, documentFields, d)
}

// appendCustomer writes c as json.Marshal(wireCustomer(c)) does, or fails where that fails.
func appendCustomer(b []byte, c *domain.Customer) ([]byte, error) {
	b, err := appendObject(b, customerFields, c)
	if err != nil {
		return nil, wrapCustomerError(c, err)
	}
	return b, nil
}

func wrapCustomerError(c *domain.Customer, err error) error {
	return fmt.Errorf("mews: customer %s: %w", c.ID, err)
}

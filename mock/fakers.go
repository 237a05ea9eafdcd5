package mock

import (
	"encoding/base64"
	"strings"
	"time"
)

// Generated timestamps fall in a fixed window rather than around time.Now, so that the same
// seed gives the same value on every day the mock runs.
func window() (start, end time.Time) {
	return time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
}

// byFormat makes a string of an OpenAPI format; name refines it (a birth date is in the past).
// ok is false for formats it does not know, which the caller then treats as plain strings.
func (g *Generator) byFormat(format, name string) (v string, ok bool) {
	switch format {
	case "uuid":
		return g.f.UUID(), true
	case "date":
		return g.dateFor(name).Format(time.DateOnly), true
	case "date-time":
		return g.dateFor(name).Add(time.Duration(g.f.IntN(86400)) * time.Second).Format(time.RFC3339), true
	case "time":
		return g.f.Date().Format(time.TimeOnly), true
	case "email":
		return g.f.Email(), true
	case "uri", "url", "uri-reference", "iri":
		return g.f.URL(), true
	case "hostname":
		return g.f.DomainName(), true
	case "ipv4":
		return g.f.IPv4Address(), true
	case "ipv6":
		return g.f.IPv6Address(), true
	case "byte":
		b := make([]byte, 9+g.f.IntN(16))
		for i := range b {
			b[i] = byte(g.f.IntN(256))
		}
		return base64.StdEncoding.EncodeToString(b), true
	case "password":
		return g.f.Password(true, true, true, false, false, 14), true
	}
	return "", false
}

// dateFor picks a day that suits the field: births in the past, expiries in the future, and
// everything else (created, updated, booked) in the mock's fixed window.
func (g *Generator) dateFor(name string) time.Time {
	switch g.kind(name).date {
	case dateOfBirth:
		return g.f.DateRange(time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(24 * time.Hour)
	case dateOfExpiry:
		return g.f.DateRange(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(24 * time.Hour)
	}
	start, end := window()
	return g.f.DateRange(start, end).Truncate(24 * time.Hour)
}

// norm lowercases a name and drops separators, so FirstName, first_name and first-name agree.
func norm(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// callingCodes are a few country calling codes, for E.164 numbers that look international.
func callingCodes() []string {
	return []string{"1", "31", "33", "34", "39", "41", "44", "46", "49", "61", "64", "353"}
}

// textKind is the faker a plain string's name asks for (byName).
type textKind int

const (
	textWords textKind = iota
	textWord
	textEmail
	textFirstName
	textLastName
	textFullName
	textPhone
	textCountryCode
	textSubdivision
	textCountry
	textLanguage
	textCurrency
	textCity
	textZip
	textStreet
	textState
	textDateTime
	textInitials
	textLetter
	textJobTitle
	textCompany
	textURL
	textUsername
	textPassword
	textDocumentNumber
	textSalutation
	textGender
	textSentence
	textCode
)

// dateKind is the period a date's name asks for (dateFor).
type dateKind int

const (
	dateInWindow dateKind = iota
	dateOfBirth
	dateOfExpiry
)

// nameKind is what a property name says about its value, worked out once per name (the
// normalising and substring tests cost more than the faker call itself).
type nameKind struct {
	text textKind
	date dateKind
	// ints is a plausible range for an integer without bounds; hasInts says there is one.
	ints    [2]int64
	hasInts bool
	// lo and hi are a plausible range for a number without bounds.
	lo, hi float64
}

// kind is name's nameKind, cached per Generator.
func (g *Generator) kind(name string) nameKind {
	if k, ok := g.names[name]; ok {
		return k
	}
	n := norm(name)
	k := nameKind{text: textKindOf(n), date: dateKindOf(n), lo: 1, hi: 1000}
	k.ints, k.hasInts = intRangeFor(n)
	switch {
	case strings.Contains(n, "latitude") || n == "lat":
		k.lo, k.hi = -90, 90
	case strings.Contains(n, "longitude") || n == "lng" || n == "lon":
		k.lo, k.hi = -180, 180
	}
	g.names[name] = k
	return k
}

func dateKindOf(n string) dateKind {
	switch {
	case strings.Contains(n, "birth") || n == "dob":
		return dateOfBirth
	case strings.Contains(n, "expir") || strings.Contains(n, "validuntil") || strings.Contains(n, "validto"):
		return dateOfExpiry
	}
	return dateInWindow
}

// textKindOf picks the faker for a plain string named n (normalised), falling back to a few
// words.
func textKindOf(n string) textKind {
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(n, p) {
				return true
			}
		}
		return false
	}
	ends := func(parts ...string) bool {
		for _, p := range parts {
			if strings.HasSuffix(n, p) {
				return true
			}
		}
		return false
	}
	switch {
	case n == "":
		return textWord
	case has("email"):
		return textEmail
	case has("firstname", "givenname", "forename", "middlename"):
		return textFirstName
	case has("lastname", "surname", "familyname", "secondlastname"):
		return textLastName
	case n == "fullname" || n == "name" || n == "displayname" || n == "contactname" || has("customername", "travellername", "passengername"):
		return textFullName
	case has("phone", "mobile", "telephone", "fax"):
		return textPhone
	case has("countrycode", "nationalitycode", "nationality", "citizenship") || n == "country" || ends("countrycode", "country"):
		return textCountryCode
	case has("subdivisioncode"):
		return textSubdivision
	case has("country"):
		return textCountry
	case has("languagecode", "language", "locale", "culture"):
		return textLanguage
	case has("currency"):
		return textCurrency
	case has("city", "town", "placeofbirth", "birthplace"):
		return textCity
	case has("postcode", "postalcode", "zip"):
		return textZip
	case has("street", "addressline", "line1", "line2"):
		return textStreet
	case has("state", "province", "region", "county"):
		return textState
	case ends("utc"):
		return textDateTime
	case has("initials"):
		return textInitials
	case ends("addition", "suffix", "postfix"):
		return textLetter
	case has("occupation", "jobtitle", "profession", "position"):
		return textJobTitle
	case has("company", "employer", "organisation", "organization"):
		return textCompany
	case has("url", "website", "homepage", "uri"):
		return textURL
	case has("username", "login"):
		return textUsername
	case has("password", "secret"):
		return textPassword
	case has("passport", "documentnumber", "idnumber"):
		return textDocumentNumber
	case n == "title" || has("salutation", "prefix"):
		return textSalutation
	case has("gender", "sex"):
		return textGender
	case has("note", "comment", "description", "remark", "message", "detail", "reason", "text", "info", "requirement"):
		return textSentence
	case ends("id", "ids", "reference", "ref", "number", "code", "key", "token"):
		return textCode
	}
	return textWords
}

// byName makes a plain string that suits a property named name.
func (g *Generator) byName(name string) string {
	k := g.kind(name)
	switch k.text {
	case textWord:
		return strings.ToLower(g.f.Word())
	case textEmail:
		return g.f.Email()
	case textFirstName:
		return g.f.FirstName()
	case textLastName:
		return g.f.LastName()
	case textFullName:
		return g.f.FirstName() + " " + g.f.LastName()
	case textPhone:
		return "+" + g.f.RandomString(callingCodes()) + g.f.Numerify("#########")
	case textCountryCode:
		return g.f.CountryAbr()
	case textSubdivision:
		// ISO 3166-2: a country and a subdivision (US-CA, GB-ENG).
		return g.f.CountryAbr() + "-" + g.code(upper, 2)
	case textCountry:
		return g.f.Country()
	case textLanguage:
		return g.f.LanguageBCP()
	case textCurrency:
		return g.f.CurrencyShort()
	case textCity:
		return g.f.City()
	case textZip:
		return g.f.Zip()
	case textStreet:
		return g.f.Street()
	case textState:
		return g.f.State()
	case textDateTime:
		return g.dateFor(name).Add(time.Duration(g.f.IntN(86400)) * time.Second).Format(time.RFC3339)
	case textInitials:
		return g.code(upper, 1) + "."
	case textLetter:
		return g.code(upper, 1)
	case textJobTitle:
		return g.f.JobTitle()
	case textCompany:
		return g.f.Company()
	case textURL:
		return g.f.URL()
	case textUsername:
		return g.f.Username()
	case textPassword:
		return g.f.Password(true, true, true, false, false, 14)
	case textDocumentNumber:
		return g.code(upper, 2) + g.code(digits, 7)
	case textSalutation:
		return strings.TrimSuffix(g.f.NamePrefix(), ".")
	case textGender:
		return g.f.RandomString([]string{"Male", "Female"})
	case textSentence:
		return strings.TrimSpace(g.f.Sentence())
	case textCode:
		// Identifiers without a format: an opaque upper-case code like the vendors' own.
		return g.code(upper+digits, 8)
	}
	return strings.TrimSpace(g.f.Word() + " " + g.f.Word())
}

// intRangeFor is a plausible range for an integer property (normalised name n) without bounds
// of its own.
func intRangeFor(n string) ([2]int64, bool) {
	switch {
	case strings.Contains(n, "year"):
		return [2]int64{1990, 2026}, true
	case strings.Contains(n, "age"):
		return [2]int64{1, 90}, true
	case strings.HasSuffix(n, "count") || strings.HasSuffix(n, "total") || strings.HasSuffix(n, "size") || strings.HasSuffix(n, "limit"):
		return [2]int64{1, 50}, true
	}
	return [2]int64{}, false
}

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits = "0123456789"
)

// code is n characters drawn from alphabet, for opaque identifiers.
func (g *Generator) code(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.f.IntN(len(alphabet))]
	}
	return string(b)
}

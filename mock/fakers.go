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
	n := norm(name)
	switch {
	case strings.Contains(n, "birth") || n == "dob":
		return g.f.DateRange(time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)).Truncate(24 * time.Hour)
	case strings.Contains(n, "expir") || strings.Contains(n, "validuntil") || strings.Contains(n, "validto"):
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

// byName makes a plain string that suits a property named name, falling back to a few words.
func (g *Generator) byName(name string) string {
	n := norm(name)
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
		return strings.ToLower(g.f.Word())
	case has("email"):
		return g.f.Email()
	case has("firstname", "givenname", "forename", "middlename"):
		return g.f.FirstName()
	case has("lastname", "surname", "familyname", "secondlastname"):
		return g.f.LastName()
	case n == "fullname" || n == "name" || n == "displayname" || n == "contactname" || has("customername", "travellername", "passengername"):
		return g.f.FirstName() + " " + g.f.LastName()
	case has("phone", "mobile", "telephone", "fax"):
		return "+" + g.f.RandomString(callingCodes()) + g.f.Numerify("#########")
	case has("countrycode", "nationalitycode", "nationality", "citizenship") || n == "country" || ends("countrycode", "country"):
		return g.f.CountryAbr()
	case has("subdivisioncode"):
		// ISO 3166-2: a country and a subdivision (US-CA, GB-ENG).
		return g.f.CountryAbr() + "-" + g.code(upper, 2)
	case has("country"):
		return g.f.Country()
	case has("languagecode", "language", "locale", "culture"):
		return g.f.LanguageBCP()
	case has("currency"):
		return g.f.CurrencyShort()
	case has("city", "town", "placeofbirth", "birthplace"):
		return g.f.City()
	case has("postcode", "postalcode", "zip"):
		return g.f.Zip()
	case has("street", "addressline", "line1", "line2"):
		return g.f.Street()
	case has("state", "province", "region", "county"):
		return g.f.State()
	case ends("utc"):
		return g.dateFor(name).Add(time.Duration(g.f.IntN(86400)) * time.Second).Format(time.RFC3339)
	case has("initials"):
		return g.code(upper, 1) + "."
	case ends("addition", "suffix", "postfix"):
		return g.code(upper, 1)
	case has("occupation", "jobtitle", "profession", "position"):
		return g.f.JobTitle()
	case has("company", "employer", "organisation", "organization"):
		return g.f.Company()
	case has("url", "website", "homepage", "uri"):
		return g.f.URL()
	case has("username", "login"):
		return g.f.Username()
	case has("password", "secret"):
		return g.f.Password(true, true, true, false, false, 14)
	case has("passport", "documentnumber", "idnumber"):
		return g.code(upper, 2) + g.code(digits, 7)
	case n == "title" || has("salutation", "prefix"):
		return strings.TrimSuffix(g.f.NamePrefix(), ".")
	case has("gender", "sex"):
		return g.f.RandomString([]string{"Male", "Female"})
	case has("note", "comment", "description", "remark", "message", "detail", "reason", "text", "info", "requirement"):
		return strings.TrimSpace(g.f.Sentence())
	case ends("id", "ids", "reference", "ref", "number", "code", "key", "token"):
		// Identifiers without a format: an opaque upper-case code like the vendors' own.
		return g.code(upper+digits, 8)
	}
	return strings.TrimSpace(g.f.Word() + " " + g.f.Word())
}

// intRangeFor is a plausible range for an integer property without bounds of its own.
func intRangeFor(name string) ([2]int64, bool) {
	n := norm(name)
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

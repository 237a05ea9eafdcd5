package mock_test

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"testing"

	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// TestRealismInSpecs: in generated Mews and TOMP customers, the fields people look at first
// hold what their names promise.
func TestRealismInSpecs(t *testing.T) {
	checks := map[string]func(string) bool{
		"FirstName":       regexp.MustCompile(`^[A-Z][A-Za-z'-]+$`).MatchString,
		"firstName":       regexp.MustCompile(`^[A-Z][A-Za-z'-]+$`).MatchString,
		"LastName":        regexp.MustCompile(`^[A-Z][A-Za-z' -]+$`).MatchString,
		"lastName":        regexp.MustCompile(`^[A-Z][A-Za-z' -]+$`).MatchString,
		"Email":           func(s string) bool { a, err := mail.ParseAddress(s); return err == nil && a.Address == s },
		"email":           func(s string) bool { a, err := mail.ParseAddress(s); return err == nil && a.Address == s },
		"Phone":           regexp.MustCompile(`^\+[1-9][0-9]{9,13}$`).MatchString,
		"phoneNumber":     regexp.MustCompile(`^\+[1-9][0-9]{9,13}$`).MatchString,
		"NationalityCode": regexp.MustCompile(`^[A-Z]{2}$`).MatchString,
		"CountryCode":     regexp.MustCompile(`^[A-Z]{2}$`).MatchString,
		"country":         regexp.MustCompile(`^[A-Z]{2}$`).MatchString,
		"LanguageCode":    regexp.MustCompile(`^[a-z]{2}-[A-Z]{2}$`).MatchString,
		"CreatedUtc":      regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString,
	}
	for _, tc := range []struct{ api, schema string }{{"mews", "Customer"}, {"tomp", "CustomerAccount"}} {
		doc, err := openapi.Load(context.Background(), tc.api)
		if err != nil {
			t.Fatal(err)
		}
		s := doc.Components.Schemas[tc.schema]
		if s == nil {
			t.Fatalf("%s has no %s", tc.api, tc.schema)
		}
		seen := map[string]int{}
		for seed := range uint64(100) {
			v, err := mock.NewGenerator(seed).Value(s, mock.Response, "")
			if err != nil {
				t.Fatal(err)
			}
			walk(v, "", func(path, key string, val any) {
				check, ok := checks[key]
				str, isString := val.(string)
				if !ok || !isString {
					return
				}
				seen[key]++
				if !check(str) {
					t.Errorf("%s %s%s = %q is not plausible", tc.api, path, key, str)
				}
			})
		}
		if len(seen) < 4 {
			t.Errorf("%s: only %v of the checked fields were generated", tc.api, seen)
		}
	}
}

func walk(v any, path string, visit func(path, key string, val any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			visit(path, k, e)
			walk(e, path+k+"/", visit)
		}
	case []any:
		for i, e := range x {
			walk(e, fmt.Sprintf("%s%d/", path, i), visit)
		}
	}
}

package mews

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/brianvoe/gofakeit/v7"

	legacyapi "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// legacyUpdateByRecode is how the legacy update request was mapped before: recode, then the
// BithPlace alias.
func legacyUpdateByRecode(t *testing.T, b *legacyapi.CustomerUpdateParameters) domain.UpdateInput {
	t.Helper()
	var in domain.UpdateInput
	if err := recode(b, &in); err != nil {
		t.Fatal(err)
	}
	if in.BirthPlace == nil {
		if v, err := b.BithPlace.Get(); err == nil {
			in.BirthPlace = &v
		}
	}
	return in
}

// TestLegacyRequestMappingMatchesRecode: for thousands of filled legacy add and update
// requests (and the zero ones), the mapping gives what recode (and the alias) gave.
func TestLegacyRequestMappingMatchesRecode(t *testing.T) {
	fl := requestFiller{filler: filler{f: gofakeit.New(4), rng: rand.New(rand.NewPCG(4, 6))}}
	for i := range 2001 {
		var add legacyapi.CustomerAddParameters
		var upd legacyapi.CustomerUpdateParameters
		if i > 0 { // the first round checks the zero requests
			fl.fill(reflect.ValueOf(&add).Elem())
			fl.fill(reflect.ValueOf(&upd).Elem())
		}
		var want domain.AddInput
		if err := recode(&add, &want); err != nil {
			t.Fatal(err)
		}
		if got := legacyAddInput(&add); !reflect.DeepEqual(got, want) {
			t.Fatalf("add %d:\n got  %+v\n want %+v", i, got, want)
		}
		if got, want := legacyUpdateInput(&upd), legacyUpdateByRecode(t, &upd); !reflect.DeepEqual(got, want) {
			t.Fatalf("update %d:\n got  %+v\n want %+v", i, got, want)
		}
	}
}

// TestLegacyRequestMappingCarriesEveryField is TestRequestMappingCarriesEveryField for the
// legacy requests.
func TestLegacyRequestMappingCarriesEveryField(t *testing.T) {
	fl := requestFiller{filler: filler{f: gofakeit.New(10), rng: rand.New(rand.NewPCG(10, 10))}, always: true}
	// credentials are checked before the handler; CultureCode and LanguageCode localise
	// Mews' own texts, which paxkit does not.
	dropped := []string{"AccessToken", "ClientToken", "CultureCode", "LanguageCode"}
	cases := []carryCase{
		{"CustomerAddParameters", func() (reflect.Value, func() any) {
			var b legacyapi.CustomerAddParameters
			return reflect.ValueOf(&b).Elem(), func() any { return legacyAddInput(&b) }
		}, dropped},
		{"CustomerUpdateParameters", func() (reflect.Value, func() any) {
			var b legacyapi.CustomerUpdateParameters
			return reflect.ValueOf(&b).Elem(), func() any { return legacyUpdateInput(&b) }
		}, dropped},
		{"Address", func() (reflect.Value, func() any) {
			var b legacyapi.CustomerAddParameters
			var a legacyapi.Address
			return reflect.ValueOf(&a).Elem(), func() any { b.Address.Set(a); return legacyAddInput(&b) }
		}, nil},
		{"Document", func() (reflect.Value, func() any) {
			var b legacyapi.CustomerUpdateParameters
			var d legacyapi.Document
			return reflect.ValueOf(&d).Elem(), func() any { b.DriversLicense.Set(d); return legacyUpdateInput(&b) }
		}, nil},
	}
	checkCarried(t, fl, cases, "legacyinput.go")
}

package mews

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	mews "github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// requestFiller fills a generated request type by reflection: every nullable absent, null or
// given, every list nil, empty or filled, strings valid UTF-8 (the JSON decoder never hands
// the handlers anything else) from gofakeit and the escaping classes. always forces a value
// everywhere (for the field guard).
type requestFiller struct {
	filler
	always bool
}

func (fl requestFiller) fill(v reflect.Value) {
	switch {
	case v.Type() == reflect.TypeOf(openapi_types.Date{}):
		v.Set(reflect.ValueOf(openapi_types.Date{Time: fl.f.Date()}))
		return
	case v.Type() == reflect.TypeOf(time.Time{}):
		v.Set(reflect.ValueOf(fl.f.Date()))
		return
	}
	switch v.Kind() {
	case reflect.Map: // nullable.Nullable[T]: absent (nil), null, or a value
		mode := 2
		if !fl.always {
			mode = fl.rng.IntN(3)
		}
		if mode == 0 {
			v.SetZero()
			return
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if mode == 2 {
			fl.fill(elem)
		}
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf(mode == 2), elem)
		v.Set(m)
	case reflect.Pointer:
		if !fl.always && fl.chance(2) {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fl.fill(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			fl.fill(v.Field(i))
		}
	case reflect.Array: // openapi_types.UUID
		for i := range v.Len() {
			v.Index(i).SetUint(uint64(fl.rng.IntN(256)))
		}
	case reflect.Slice:
		mode := 2
		if !fl.always {
			mode = fl.rng.IntN(3)
		}
		switch mode {
		case 0:
			v.SetZero()
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			n := 1 + fl.rng.IntN(3)
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fl.fill(v.Index(i))
			}
		}
	case reflect.String:
		v.SetString("x" + strings.ToValidUTF8(fl.text(), "\ufffd"))
	case reflect.Bool:
		v.SetBool(fl.always || fl.f.Bool())
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(int64(1 + fl.rng.IntN(100)))
	default:
		panic(fmt.Sprintf("requestFiller: kind %s (%s): teach the filler", v.Kind(), v.Type()))
	}
}

// TestRequestMappingMatchesRecode: for thousands of filled add and update requests, the
// field-by-field mapping gives exactly what recode's JSON round trip gave.
func TestRequestMappingMatchesRecode(t *testing.T) {
	fl := requestFiller{filler: filler{f: gofakeit.New(3), rng: rand.New(rand.NewPCG(3, 5))}}
	for i := range 2000 {
		var add mews.CustomerAddParameters
		fl.fill(reflect.ValueOf(&add).Elem())
		var want domain.AddInput
		if err := recode(&add, &want); err != nil {
			t.Fatal(err)
		}
		if got := addInput(&add); !reflect.DeepEqual(got, want) {
			t.Fatalf("add %d:\n got  %+v\n want %+v", i, got, want)
		}

		var upd mews.CustomerUpdateParameters
		fl.fill(reflect.ValueOf(&upd).Elem())
		var wantUpd domain.UpdateInput
		if err := recode(&upd, &wantUpd); err != nil {
			t.Fatal(err)
		}
		if got := updateInput(&upd); !reflect.DeepEqual(got, wantUpd) {
			t.Fatalf("update %d:\n got  %+v\n want %+v", i, got, wantUpd)
		}
	}
	// The zero requests (every optional property absent) and lists given as nil.
	var add mews.CustomerAddParameters
	add.Classifications = nullable.NewNullableWithValue[[]mews.CustomerClassificationParameter](nil)
	var want domain.AddInput
	if err := recode(&add, &want); err != nil {
		t.Fatal(err)
	}
	if got := addInput(&add); !reflect.DeepEqual(got, want) {
		t.Fatalf("zero add:\n got  %+v\n want %+v", got, want)
	}
	var upd mews.CustomerUpdateParameters
	var wantUpd domain.UpdateInput
	if err := recode(&upd, &wantUpd); err != nil {
		t.Fatal(err)
	}
	if got := updateInput(&upd); !reflect.DeepEqual(got, wantUpd) {
		t.Fatalf("zero update:\n got  %+v\n want %+v", got, wantUpd)
	}
}

// TestRequestMappingCarriesEveryField is the guard against a request property the mapping
// does not know: each property of the generated request types (and of the objects inside
// them), set alone, must change the domain input, unless it is one recode dropped too (the
// domain has no field for it), listed here. A property added to the spec fails this test
// until it is mapped or listed.
func TestRequestMappingCarriesEveryField(t *testing.T) {
	fl := requestFiller{filler: filler{f: gofakeit.New(9), rng: rand.New(rand.NewPCG(9, 9))}, always: true}
	// credentials and client are checked before the handler; CultureCode and LanguageCode
	// localise Mews' own texts, which paxkit does not; update's ChainId selects the chain of
	// a Portfolio Access Token, which the update of one customer id does not need.
	dropped := []string{"AccessToken", "Client", "ClientToken", "CultureCode", "LanguageCode"}
	// Each case gives the struct whose fields are set one at a time, and the mapping of the
	// request holding it.
	cases := []carryCase{
		{"CustomerAddParameters", func() (reflect.Value, func() any) {
			var b mews.CustomerAddParameters
			return reflect.ValueOf(&b).Elem(), func() any { return addInput(&b) }
		}, dropped},
		{"CustomerUpdateParameters", func() (reflect.Value, func() any) {
			var b mews.CustomerUpdateParameters
			return reflect.ValueOf(&b).Elem(), func() any { return updateInput(&b) }
		}, append([]string{"ChainId"}, dropped...)},
		{"AddressParameters in add", func() (reflect.Value, func() any) {
			var b mews.CustomerAddParameters
			var a mews.AddressParameters
			return reflect.ValueOf(&a).Elem(), func() any { b.Address.Set(a); return addInput(&b) }
		}, nil},
		{"AddressParameters in update", func() (reflect.Value, func() any) {
			var b mews.CustomerUpdateParameters
			var a mews.AddressParameters
			return reflect.ValueOf(&a).Elem(), func() any { b.Address.Set(a); return updateInput(&b) }
		}, nil},
		{"IdentityDocumentParameters", func() (reflect.Value, func() any) {
			var b mews.CustomerAddParameters
			var d mews.IdentityDocumentParameters
			return reflect.ValueOf(&d).Elem(), func() any { b.Visa.Set(d); return addInput(&b) }
		}, nil},
		{"StringUpdateValue", func() (reflect.Value, func() any) {
			var b mews.CustomerUpdateParameters
			var u mews.StringUpdateValue
			return reflect.ValueOf(&u).Elem(), func() any { b.ItalianFiscalCode.Set(u); return updateInput(&b) }
		}, nil},
	}
	checkCarried(t, fl, cases, "currentinput.go")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// BenchmarkAddInput compares recode's JSON round trip with the field-by-field mapping for the
// load test's add request (add.lua) and for a request with every property given.
func BenchmarkAddInput(b *testing.B) {
	small := mews.CustomerAddParameters{Title: mews.TitleMister, FirstName: nullable.NewNullableWithValue("Load"), LastName: "Tester-1"}
	var full mews.CustomerAddParameters
	requestFiller{filler: filler{f: gofakeit.New(1), rng: rand.New(rand.NewPCG(1, 1))}, always: true}.fill(reflect.ValueOf(&full).Elem())
	for _, tc := range []struct {
		name string
		req  *mews.CustomerAddParameters
	}{{"load test", &small}, {"every property", &full}} {
		b.Run(tc.name+"/recode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var in domain.AddInput
				if err := recode(tc.req, &in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = addInput(tc.req)
			}
		})
	}
}

// carryCase is one generated request type for checkCarried: fresh returns a zero value of it
// (to fill one property of) and the mapping of the request holding it; dropped lists the
// properties the domain has no field for.
type carryCase struct {
	name    string
	fresh   func() (reflect.Value, func() any)
	dropped []string
}

// checkCarried sets each property of each case alone and fails unless it changes the mapped
// domain input, or is listed as dropped (and then must not change it, and must exist).
// mapper names the file to fix in the message.
func checkCarried(t *testing.T, fl requestFiller, cases []carryCase, mapper string) {
	t.Helper()
	for _, tc := range cases {
		target, _ := tc.fresh()
		names := jsonNames(target.Type())
		for _, d := range tc.dropped {
			if !contains(names, d) {
				t.Errorf("%s: dropped property %s no longer exists; take it off the list", tc.name, d)
			}
		}
		for i, name := range names {
			target, mapped := tc.fresh()
			before := mapped()
			fl.fill(target.Field(i))
			carried := !reflect.DeepEqual(mapped(), before)
			switch {
			case contains(tc.dropped, name) && carried:
				t.Errorf("%s.%s is listed as dropped but reaches the domain", tc.name, name)
			case !contains(tc.dropped, name) && !carried:
				t.Errorf("%s.%s does not reach the domain: map it (%s) or list it as dropped", tc.name, name, mapper)
			}
		}
	}
}

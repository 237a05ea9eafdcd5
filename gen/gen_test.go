// Package gen_test checks the generated packages against the specs they come from: every
// operation of a spec is one typed method of its StrictServerInterface, taking the operation's
// RequestObject and answering its ResponseObject. A generator setting or spec change that loses
// an operation or degrades its types fails here, not in an impl package later.
package gen_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/gen/intrepid"
	"github.com/paxkit/paxkit/gen/mews"
	mewslegacy "github.com/paxkit/paxkit/gen/mews-legacy"
	"github.com/paxkit/paxkit/gen/tomp"
	"github.com/paxkit/paxkit/openapi"
)

func TestStrictInterfacesMatchTheSpecs(t *testing.T) {
	interfaces := map[string]reflect.Type{
		"tomp":        reflect.TypeFor[tomp.StrictServerInterface](),
		"intrepid":    reflect.TypeFor[intrepid.StrictServerInterface](),
		"mews-legacy": reflect.TypeFor[mewslegacy.StrictServerInterface](),
		"mews":        reflect.TypeFor[mews.StrictServerInterface](),
		"erin":        reflect.TypeFor[erin.StrictServerInterface](),
	}
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			doc, err := openapi.Load(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			iface, ok := interfaces[id]
			if !ok {
				t.Fatalf("no generated package registered for %s", id)
			}
			var want []string
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					want = append(want, strings.ToUpper(op.OperationID[:1])+op.OperationID[1:])
				}
			}
			sort.Strings(want)
			var got []string
			for i := range iface.NumMethod() {
				got = append(got, iface.Method(i).Name)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("StrictServerInterface methods %v, spec operations %v", got, want)
			}
			for _, name := range want {
				m, _ := iface.MethodByName(name)
				ft := m.Type
				if ft.NumIn() != 2 || ft.In(0) != ctxType || ft.In(1).Name() != name+"RequestObject" {
					t.Errorf("%s: want (context.Context, %sRequestObject), got %v", name, name, ft)
				}
				if ft.NumOut() != 2 || ft.Out(0).Name() != name+"ResponseObject" || ft.Out(1) != errType {
					t.Errorf("%s: want (%sResponseObject, error), got %v", name, name, ft)
				}
				if ft.In(1).Kind() != reflect.Struct {
					t.Errorf("%s: request object is %v, want a struct", name, ft.In(1).Kind())
				}
			}
		})
	}
}

package mock_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/mock"
	"github.com/paxkit/paxkit/openapi"
)

// namedSchema is one schema of a spec with where it is and which side(s) it travels on.
type namedSchema struct {
	where string
	ref   *openapi3.SchemaRef
	dirs  []mock.Direction
}

// allSchemas lists every component schema, parameter, request body and response body of doc.
func allSchemas(doc *openapi3.T) []namedSchema {
	both := []mock.Direction{mock.Request, mock.Response}
	var out []namedSchema
	if doc.Components != nil {
		for name, s := range doc.Components.Schemas {
			out = append(out, namedSchema{"#/components/schemas/" + name, s, both})
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			at := method + " " + path
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.Schema != nil {
					out = append(out, namedSchema{at + " parameter " + p.Value.Name, p.Value.Schema, both[:1]})
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for mt, c := range op.RequestBody.Value.Content {
					out = append(out, namedSchema{at + " request " + mt, c.Schema, both[:1]})
				}
			}
			for code, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for mt, c := range r.Value.Content {
					out = append(out, namedSchema{at + " response " + code + " " + mt, c.Schema, both[1:]})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].where < out[j].where })
	return out
}

// TestEveryGeneratedValueValidates generates many values for every schema of the five specs,
// with different seeds, and checks each with kin-openapi and the specs' own formats.
func TestEveryGeneratedValueValidates(t *testing.T) {
	// Every schema's nested schemas are generated many more times than the schema itself, so
	// a component used in ten places sees thousands of values. PAXKIT_MOCK_VALUES=5000 runs a
	// longer search.
	perSchema := 100
	if testing.Short() || raceEnabled {
		perSchema = 15
	}
	if v := os.Getenv("PAXKIT_MOCK_VALUES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PAXKIT_MOCK_VALUES=%q: want a positive number", v)
		}
		perSchema = n
	}
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			doc, err := openapi.Load(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			schemas := allSchemas(doc)
			if len(schemas) == 0 {
				t.Fatal("no schemas found")
			}
			g := mock.NewGenerator(1)
			for _, ns := range schemas {
				for _, dir := range ns.dirs {
					for i := range perSchema {
						g.Reseed(uint64(i))
						v, err := g.Value(ns.ref, dir, "")
						if err != nil {
							t.Fatalf("%s (dir %d, seed %d): %v", ns.where, dir, i, err)
						}
						if bad := openapi.ValidateExample(doc, ns.ref.Value, v, dir == mock.Request); len(bad) > 0 {
							t.Fatalf("%s (dir %d, seed %d): %v: %+v", ns.where, dir, i, v, bad)
						}
					}
				}
			}
		})
	}
}

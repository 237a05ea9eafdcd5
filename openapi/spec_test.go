package openapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/openapi"
)

// wantOperations is the contract the issue fixes for each API: every operation its seed (and,
// for intrepid, the reference sheet) documents, by method, path and operationId. A spec that
// loses or renames an operation fails here before any generated code or client notices.
var wantOperations = map[string][]string{
	"tomp": {
		"POST /collections/customers/items createCustomer",
		"GET /collections/customers/items/{customerId} getCustomer",
		"PATCH /collections/customers/items/{customerId} updateCustomer",
		"DELETE /collections/customers/items/{customerId} deleteCustomer",
	},
	"intrepid": {
		"GET /{context}/{contextId}/Customers listCustomersInContext",
		"POST /{context}/{contextId}/Customers addCustomerToContext",
		"GET /{context}/{contextId}/Customers/{id} getCustomerInContext",
		"PATCH /{context}/{contextId}/Customers/{id} updateCustomerInContext",
		"PATCH /Customers/{id} updateCustomer",
	},
	"mews-legacy": {
		"POST /api/connector/v1/customers/getAll customersGetAll",
		"POST /api/connector/v1/customers/getAllByIds customersGetAllByIds",
		"POST /api/connector/v1/customers/getAllByEmails customersGetAllByEmails",
		"POST /api/connector/v1/customers/search customersSearch",
		"POST /api/connector/v1/customers/getOpenItems customersGetOpenItems",
		"POST /api/connector/v1/customers/add customersAdd",
		"POST /api/connector/v1/customers/update customersUpdate",
		"POST /api/connector/v1/customers/merge customersMerge",
		"POST /api/connector/v1/customers/addFile customersAddFile",
	},
	"mews": {
		"POST /api/connector/v1/customers/getAll customersGetAll",
		"POST /api/connector/v1/customers/getOpenItems customersGetOpenItems",
		"POST /api/connector/v1/customers/add customersAdd",
		"POST /api/connector/v1/customers/update customersUpdate",
		"POST /api/connector/v1/customers/addFile customersAddFile",
		"POST /api/connector/v1/customers/search customersSearch",
		"POST /api/connector/v1/customers/merge customersMerge",
	},
	"erin": {
		"POST /api/customer/authenticate authenticateCustomer",
		"POST /api/customer/details getCustomerDetails",
		"POST /api/customer/statement getCustomerStatement",
		"POST /api/customer/payment storeCustomerPayment",
		"POST /api/customer/documents listCustomerDocuments",
		"POST /api/customer/booking/list listCustomerBookings",
		"POST /api/passenger/address/store storePassengerAddress",
		"POST /api/passenger/document/store storePassengerDocument",
		"POST /api/passenger/loyalty/store storePassengerLoyalty",
		"POST /api/passenger/medical/store storePassengerMedical",
		"POST /api/passenger/notes/store storePassengerNotes",
	},
}

// eachSpec runs f as one subtest per built-in API, named by its id, so that one broken spec
// does not hide the state of the others (and `-run '/^mews$'` selects one API).
func eachSpec(t *testing.T, f func(t *testing.T, id string, doc *openapi3.T)) {
	t.Helper()
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			doc, err := openapi.Load(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			f(t, id, doc)
		})
	}
}

// TestSpecsLoadAndValidate is the validation of the built-in specs: openapi.Load skips it at
// every start, so it runs here over exactly what Load returns (the embedded bytes, decoded as
// paxkit serve decodes them).
func TestSpecsLoadAndValidate(t *testing.T) {
	for _, id := range openapi.IDs() {
		t.Run(id, func(t *testing.T) {
			doc, err := openapi.Load(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if err := openapi.Validate(context.Background(), doc); err != nil {
				t.Fatal(err)
			}
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
			}
			if len(doc.Servers) == 0 || doc.Servers[0].URL != "http://localhost:8080/"+id {
				t.Errorf("first server must be http://localhost:8080/%s (paxkit), got %v", id, doc.Servers)
			}
		})
	}
}

func TestOperationsMatchTheSeeds(t *testing.T) {
	eachSpec(t, func(t *testing.T, id string, doc *openapi3.T) {
		var got []string
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				got = append(got, fmt.Sprintf("%s %s %s", method, path, op.OperationID))
			}
		}
		want := slices.Clone(wantOperations[id])
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("operations differ\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
		}
	})
}

// operations calls f for every operation of a document, in a stable order.
func operations(doc *openapi3.T, f func(method, path string, op *openapi3.Operation)) {
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if op := item.GetOperation(method); op != nil {
				f(method, path, op)
			}
		}
	}
}

// TestEveryOperationIsDocumented checks the parts of the conventions a reader of the docs site
// or a user of the conformance checker depends on: summaries, tags, a success response with an
// example, at least one 4xx, and an example for every request body.
func TestEveryOperationIsDocumented(t *testing.T) {
	eachSpec(t, func(t *testing.T, id string, doc *openapi3.T) {
		operations(doc, func(method, path string, op *openapi3.Operation) {
			where := method + " " + path
			if op.Summary == "" || op.Description == "" {
				t.Errorf("%s: summary and description are required", where)
			}
			if len(op.Tags) != 1 {
				t.Errorf("%s: want exactly one tag, got %v", where, op.Tags)
			}
			if op.RequestBody != nil {
				rb := op.RequestBody.Value
				if !rb.Required {
					t.Errorf("%s: request body must be required", where)
				}
				for ct, mt := range rb.Content {
					if len(mt.Examples) == 0 {
						t.Errorf("%s: request body %s has no named examples", where, ct)
					}
				}
			}
			var success, clientError bool
			for code, ref := range op.Responses.Map() {
				switch {
				case strings.HasPrefix(code, "2"):
					success = true
					for ct, mt := range ref.Value.Content {
						if len(mt.Examples) == 0 {
							t.Errorf("%s: response %s %s has no named examples", where, code, ct)
						}
					}
				case strings.HasPrefix(code, "4"):
					clientError = true
					if len(ref.Value.Content) == 0 {
						t.Errorf("%s: error response %s has no body schema", where, code)
					}
				}
			}
			if !success || !clientError {
				t.Errorf("%s: needs a 2xx and at least one 4xx response", where)
			}
		})
	})
}

// Examples need no test of their own here: openapi.Load (used by every test above) refuses a
// spec whose examples break their schemas, formats included; TestLoaderErrors proves it.

// TestLinksPointAtRealOperations keeps the stateful conformance sequences honest: every link
// names an existing operation and only parameters that operation declares.
func TestLinksPointAtRealOperations(t *testing.T) {
	eachSpec(t, func(t *testing.T, id string, doc *openapi3.T) {
		byID := map[string]*openapi3.Operation{}
		operations(doc, func(_, _ string, op *openapi3.Operation) { byID[op.OperationID] = op })
		links := 0
		operations(doc, func(method, path string, op *openapi3.Operation) {
			for code, ref := range op.Responses.Map() {
				for name, l := range ref.Value.Links {
					links++
					target, ok := byID[l.Value.OperationID]
					if !ok {
						t.Errorf("%s %s %s link %q: unknown operationId %q", method, path, code, name, l.Value.OperationID)
						continue
					}
					params := append(slices.Clone(target.Parameters), doc.Paths.Find(pathOf(doc, target)).Parameters...)
					for p := range l.Value.Parameters {
						found := false
						for _, tp := range params {
							found = found || tp.Value.Name == p
						}
						if !found {
							t.Errorf("%s %s %s link %q: %s has no parameter %q", method, path, code, name, l.Value.OperationID, p)
						}
					}
					// A link the checker cannot follow is worse than none: it must supply every path
					// parameter of its target.
					for _, tp := range params {
						if _, ok := l.Value.Parameters[tp.Value.Name]; tp.Value.In == openapi3.ParameterInPath && !ok {
							t.Errorf("%s %s %s link %q: path parameter %q of %s is not supplied", method, path, code, name, tp.Value.Name, l.Value.OperationID)
						}
					}
				}
			}
		})
		if links == 0 {
			t.Error("no links: creating operations must link to what reads and changes their result")
		}
	})
}

func pathOf(doc *openapi3.T, target *openapi3.Operation) string {
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op == target {
				return path
			}
		}
	}
	return ""
}

// TestCredentialsAreDeclared: header credentials as security schemes, body credentials in the
// x-paxkit-credentials extension naming properties that every request body really has.
func TestCredentialsAreDeclared(t *testing.T) {
	eachSpec(t, func(t *testing.T, id string, doc *openapi3.T) {
		ext, hasExt := doc.Extensions["x-paxkit-credentials"]
		if !hasExt {
			if len(doc.Security) == 0 || len(doc.Components.SecuritySchemes) == 0 {
				t.Fatal("neither security schemes nor x-paxkit-credentials")
			}
			return
		}
		m, ok := ext.(map[string]any)
		if !ok || m["in"] != "body" {
			t.Fatalf("x-paxkit-credentials must be {in: body, properties: [...]}, got %#v", ext)
		}
		props, _ := m["properties"].([]any)
		if len(props) == 0 {
			t.Fatal("x-paxkit-credentials.properties is empty")
		}
		operations(doc, func(method, path string, op *openapi3.Operation) {
			if op.RequestBody == nil {
				t.Errorf("%s %s: body credentials but no body", method, path)
				return
			}
			s := op.RequestBody.Value.Content.Get("application/json").Schema.Value
			for _, p := range props {
				name, _ := p.(string)
				if !hasProperty(s, name) {
					t.Errorf("%s %s: credential property %q missing from the request body", method, path, name)
				}
			}
		})
	})
}

// hasProperty reports whether a schema declares the property itself or through allOf, so that
// a spec may share its credential properties in a base schema.
func hasProperty(s *openapi3.Schema, name string) bool {
	if s == nil {
		return false
	}
	if _, ok := s.Properties[name]; ok {
		return true
	}
	for _, sub := range s.AllOf {
		if sub != nil && hasProperty(sub.Value, name) {
			return true
		}
	}
	return false
}

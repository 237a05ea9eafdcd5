package conformance

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/mock"
)

// mockGenerator adapts paxkit's mock generator (the one `paxkit mock` answers with) to
// ValueGenerator, so positive cases and mock answers share one notion of a realistic value.
type mockGenerator struct{ g *mock.Generator }

// MockGenerator is the default positive-case generator: paxkit's mock generator, seeded.
func MockGenerator(seed uint64) ValueGenerator { return mockGenerator{mock.NewGenerator(seed)} }

func (m mockGenerator) RequestValue(s *openapi3.SchemaRef, name string) (any, error) {
	return m.g.Value(s, mock.Request, name)
}

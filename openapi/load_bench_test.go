package openapi_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/openapi"
)

// BenchmarkLoad measures decoding the five built-in specs, most of `paxkit serve`'s start-up,
// from their YAML (what the binary does) and, for comparison, from their JSON form: through
// the same loader (kin-openapi tries YAML first, and JSON is YAML) and with encoding/json
// straight into openapi3.T plus reference resolution. Both JSON ways are slower than YAML
// with kin-openapi's UnmarshalJSON (each level decoded twice, for its fields and for its
// extensions, and re-scanned by every level above it), which is why issue 10 kept the YAML.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	yamls := map[string][]byte{}
	jsons := map[string][]byte{}
	for _, id := range openapi.IDs() {
		raw, err := openapi.Bytes(id)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := openapi.Decode(ctx, raw)
		if err != nil {
			b.Fatal(err)
		}
		if jsons[id], err = json.Marshal(doc); err != nil {
			b.Fatal(err)
		}
		yamls[id] = raw
	}
	decode := func(b *testing.B, data []byte) {
		if _, err := openapi.Decode(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name   string
		data   map[string][]byte
		decode func(b *testing.B, data []byte)
	}{
		{"yaml", yamls, decode},
		{"json-loader", jsons, decode},
		{"json-encoding", jsons, func(b *testing.B, data []byte) {
			doc := &openapi3.T{}
			if err := json.Unmarshal(data, doc); err != nil {
				b.Fatal(err)
			}
			if err := openapi3.NewLoader().ResolveRefsIn(doc, nil); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, id := range openapi.IDs() {
					c.decode(b, c.data[id])
				}
			}
		})
	}
}

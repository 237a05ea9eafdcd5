// Package openapi holds paxkit's hand-written OpenAPI 3.0.3 contracts and the one loader every
// other package uses to read them, so that a spec is parsed and validated the same way by the
// server, the mock, the conformance checker, the linter and the docs generator.
package openapi

import (
	"context"
	"embed"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed *.yaml
var files embed.FS

// ids lists the built-in APIs in the order paxkit presents them. It is a function rather than a
// package variable so that no caller can change the list for everybody else.
func ids() []string {
	return []string{"tomp", "intrepid", "mews-legacy", "mews", "erin"}
}

// IDs returns the identifiers of the built-in APIs; each has a spec named <id>.yaml.
func IDs() []string { return ids() }

// Bytes returns the raw YAML of a built-in spec exactly as written by hand.
func Bytes(id string) ([]byte, error) {
	if !slices.Contains(ids(), id) {
		return nil, fmt.Errorf("openapi: unknown API %q (known: %v)", id, ids())
	}
	b, err := files.ReadFile(id + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("openapi: read %s.yaml: %w", id, err)
	}
	return b, nil
}

// Load parses a built-in spec. The returned document carries paxkit's string format
// validators (see Formats), so validating values against its schemas checks uuid and email too.
//
// Load does not validate the document: the built-in specs are compiled into the binary, and
// TestSpecsLoadAndValidate runs Validate over exactly what Load returns for each of them, so a
// broken built-in spec fails the test suite (and `paxkit lint`) instead of being re-checked at
// every start of `paxkit serve`, where validation was a sixth of the start-up time (issue 10).
// Specs from anywhere else (files, `mock --spec`, `lint`) go through Parse, which validates.
func Load(ctx context.Context, id string) (*openapi3.T, error) {
	b, err := Bytes(id)
	if err != nil {
		return nil, err
	}
	doc, err := Decode(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s.yaml: %w", id, err)
	}
	return doc, nil
}

// Parse loads a spec from YAML or JSON bytes without following external references, attaches
// paxkit's format validators and validates it, examples included.
func Parse(ctx context.Context, data []byte) (*openapi3.T, error) {
	doc, err := Decode(ctx, data)
	if err != nil {
		return nil, err
	}
	if err := Validate(ctx, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Validate checks a decoded spec as Parse does: the OpenAPI document with ValidationOptions,
// then every example against its schema with paxkit's formats.
func Validate(ctx context.Context, doc *openapi3.T) error {
	if err := doc.Validate(ctx, ValidationOptions()...); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	if err := checkExamples(doc); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	return nil
}

// Decode loads a spec and attaches the format validators, without validating it.
func Decode(ctx context.Context, data []byte) (*openapi3.T, error) {
	return decode(ctx, data, false)
}

// DecodeWithOrigins is Decode that also records the line and column of every element, so that
// the linter can point at the YAML a problem comes from. It costs memory, so only tools that
// report on a spec use it.
func DecodeWithOrigins(ctx context.Context, data []byte) (*openapi3.T, error) {
	return decode(ctx, data, true)
}

func decode(ctx context.Context, data []byte, origins bool) (doc *openapi3.T, err error) {
	// A spec is untrusted input for `paxkit lint` (and later `paxkit mock --spec`): should the
	// loader panic on some malformed document, the caller gets an error instead of a crash.
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("load: malformed document: %v", r)
		}
	}()
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IsExternalRefsAllowed = false
	loader.IncludeOrigin = origins
	doc, err = loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	doc.SetStringFormatValidators(Formats())
	return doc, nil
}

// ValidationOptions are the document validation settings paxkit applies everywhere: examples
// are validated against their schemas, and formats are checked.
func ValidationOptions() []openapi3.ValidationOption {
	return []openapi3.ValidationOption{
		openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(),
	}
}

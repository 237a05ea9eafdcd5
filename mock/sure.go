package mock

import (
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Which values the generator can vouch for without validating them.
//
// Validating every generated value with kin-openapi cost as much as generating it. Most
// schemas of the five specs are objects of plain strings, uuids, dates, enums, booleans and
// bounded integers, and for those the generator's own construction already guarantees
// validity: a string is fitted to its length limits, an integer drawn inside its bounds, every
// required property is generated, readOnly/writeOnly ones are left out as kin-openapi expects.
// What it cannot guarantee (patterns, emails, multipleOf, uniqueItems, oneOf, anything
// unusual in a foreign contract) is still validated, where it is made (Generator.gen).
//
// The judgement is conservative: a schema is sure only if every keyword it carries is one this
// file reasons about, and a keyword nobody foresaw makes it unsure. It depends on the schema
// alone, never on a value, so it never changes which random numbers are drawn.

// isSure reports, cached per schema, whether every value build makes for s is valid against s,
// given that the values it is made of (properties, items) are: each of those is made by gen,
// which checks it unless it is sure of it in turn.
func (g *Generator) isSure(s *openapi3.Schema) bool {
	if v, ok := g.sure[s]; ok {
		return v
	}
	v := g.judge(s)
	g.sure[s] = v
	return v
}

func (g *Generator) judge(s *openapi3.Schema) bool {
	if !onlyKnownKeywords(s) || s.Not != nil || len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return false
	}
	if len(s.AllOf) > 0 {
		return g.allOfSure(s)
	}
	if len(s.Enum) > 0 {
		// build returns a member of the enum as it is; the contract may list a member that
		// breaks its own other keywords.
		for _, e := range s.Enum {
			if g.check(s, e, Request) != nil || g.check(s, e, Response) != nil {
				return false
			}
		}
		return true
	}
	if s.Type == nil || len(*s.Type) != 1 {
		return false
	}
	switch (*s.Type)[0] {
	case openapi3.TypeBoolean:
		return true
	case openapi3.TypeInteger:
		return integerSure(s)
	case openapi3.TypeString:
		return stringSure(s)
	case openapi3.TypeArray:
		return arraySure(s)
	case openapi3.TypeObject:
		return objectSure(s)
	}
	// number: rounding to cents and exclusive bounds leave doubt, and a number is cheap to check.
	return false
}

// onlyKnownKeywords reports whether s carries no keyword other than those judge reasons about
// and annotations that do not constrain a value.
func onlyKnownKeywords(s *openapi3.Schema) bool {
	c := *s
	c.Extensions, c.Origin, c.Title, c.Description, c.Default, c.Example, c.Examples = nil, nil, "", "", nil, nil, nil
	c.ExternalDocs, c.XML, c.Deprecated, c.AllowEmptyValue, c.Comment, c.Discriminator = nil, nil, false, false, "", nil
	c.OneOf, c.AnyOf, c.AllOf, c.Not, c.Type, c.Format, c.Enum = nil, nil, nil, nil, nil, "", nil
	c.Nullable, c.ReadOnly, c.WriteOnly = false, false, false
	c.Min, c.Max, c.MultipleOf = nil, nil, nil
	if c.ExclusiveMin.Value == nil { // OpenAPI 3.1's numeric exclusive bounds stay unknown
		c.ExclusiveMin.Bool = nil
	}
	if c.ExclusiveMax.Value == nil {
		c.ExclusiveMax.Bool = nil
	}
	c.MinLength, c.MaxLength, c.Pattern = 0, nil, ""
	c.MinItems, c.MaxItems, c.Items, c.UniqueItems = 0, nil, nil, false
	c.Required, c.Properties, c.MinProps, c.MaxProps, c.AdditionalProperties = nil, nil, 0, nil, openapi3.AdditionalProperties{}
	return reflect.ValueOf(c).IsZero()
}

// exactBound is the magnitude under which every integer is a float64 of its own, so that
// kin-openapi's float comparisons agree with the generator's integer ones.
const exactBound = 1 << 53

// integerSure: integer draws a value in [lo, hi] unless that range is empty (see integer).
func integerSure(s *openapi3.Schema) bool {
	if s.MultipleOf != nil || (s.Format != "" && s.Format != "int32" && s.Format != "int64") {
		return false
	}
	for _, b := range []*float64{s.Min, s.Max} {
		if b != nil && (math.IsNaN(*b) || math.Abs(*b) >= exactBound) {
			return false
		}
	}
	lo, hi := integerBounds(s)
	return lo <= hi
}

// sureFormats are the string formats whose generated values (byFormat) always pass paxkit's
// format validators: a fixed layout from a well-formed source.
func sureFormat(format string) bool {
	switch format {
	case "uuid", "date", "date-time", "byte":
		return true
	}
	return false
}

// stringSure: a string without a pattern is either a known format, returned as made, or a
// name-based guess fitted to the length limits (str, fitLength).
func stringSure(s *openapi3.Schema) bool {
	if s.Pattern != "" {
		return false
	}
	if s.Format != "" {
		return sureFormat(s.Format) && s.MinLength == 0 && s.MaxLength == nil
	}
	return s.MinLength <= maxSize && (s.MaxLength == nil || s.MinLength <= *s.MaxLength)
}

// arraySure: array makes between minItems and maxItems items when they allow it; uniqueness
// is not guaranteed. Each item is made by gen, so it is valid: sure or checked.
func arraySure(s *openapi3.Schema) bool {
	if s.UniqueItems || s.MinItems > maxSize || (s.MaxItems != nil && s.MinItems > *s.MaxItems) {
		return false
	}
	return s.Items == nil || s.Items.Value != nil
}

// objectSure: object generates every required property (all declared), leaves out those the
// direction forbids as kin-openapi expects, and adds extra members only where
// additionalProperties gives them a schema; minProperties and maxProperties are not
// guaranteed. Each member is made by gen, so it is valid: sure or checked.
func objectSure(s *openapi3.Schema) bool {
	if s.MinProps != 0 || s.MaxProps != nil {
		return false
	}
	for _, k := range s.Required {
		if ref := s.Properties[k]; ref == nil || ref.Value == nil {
			return false
		}
	}
	if ap := s.AdditionalProperties; ap.Schema != nil {
		if ap.Schema.Value == nil || (ap.Has != nil && !*ap.Has) {
			return false
		}
	}
	return true
}

// allOfSure: an allOf is generated from its branches merged into one schema (mergeAllOf). A
// value valid against the merged schema is valid against the allOf if the merge is exact: the
// merged schema is at least as strict as each branch, and as the schema's own keywords.
func (g *Generator) allOfSure(s *openapi3.Schema) bool {
	m := g.mergeAllOf(s)
	own := *s
	own.AllOf = nil
	if !implies(m, &own) {
		return false
	}
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			return false
		}
		b := ref.Value
		if !onlyKnownKeywords(b) || len(b.AllOf) > 0 || len(b.OneOf) > 0 || len(b.AnyOf) > 0 || b.Not != nil || !implies(m, b) {
			return false
		}
	}
	return g.isSure(m)
}

// implies reports whether every value valid against m (a merged allOf) is valid against b, one
// of the schemas merged into it, for the keywords mergeInto may not carry over exactly.
func implies(m, b *openapi3.Schema) bool {
	switch {
	case b.Type != nil && len(*b.Type) > 0 && (m.Type == nil || !reflect.DeepEqual(*m.Type, *b.Type)),
		b.Format != "" && m.Format != b.Format,
		b.Pattern != "" && m.Pattern != b.Pattern,
		len(b.Enum) > 0 && !reflect.DeepEqual(m.Enum, b.Enum),
		b.Items != nil && m.Items != b.Items,
		b.MultipleOf != nil && (m.MultipleOf == nil || *m.MultipleOf != *b.MultipleOf),
		b.UniqueItems && !m.UniqueItems,
		!atLeast(m.Min, m.ExclusiveMin, b.Min, b.ExclusiveMin, 1),
		!atLeast(m.Max, m.ExclusiveMax, b.Max, b.ExclusiveMax, -1),
		m.MinLength < b.MinLength, m.MinItems < b.MinItems, m.MinProps < b.MinProps,
		!noLonger(m.MaxLength, b.MaxLength), !noLonger(m.MaxItems, b.MaxItems), !noLonger(m.MaxProps, b.MaxProps):
		return false
	}
	for _, r := range b.Required {
		if !slices.Contains(m.Required, r) {
			return false
		}
	}
	for k, p := range b.Properties {
		// A property both declare differently is generated from both (mergeInto); still,
		// kin-openapi's readOnly/writeOnly rules then look at each declaration: leave it to
		// the check.
		if m.Properties[k] != p {
			return false
		}
	}
	if ap := b.AdditionalProperties; ap.Schema != nil || (ap.Has != nil && !*ap.Has) {
		// b restricts the members it does not declare: m must declare no others and add
		// extras only as b allows them.
		for k := range m.Properties {
			if b.Properties[k] == nil {
				return false
			}
		}
		mp := m.AdditionalProperties
		if mp.Schema != ap.Schema || (mp.Has == nil) != (ap.Has == nil) || (mp.Has != nil && *mp.Has != *ap.Has) {
			return false
		}
	}
	return true
}

// atLeast reports whether bound a (with its exclusiveness) is at least as strict as bound b;
// dir is 1 for minimums, -1 for maximums.
func atLeast(a *float64, aex openapi3.ExclusiveBound, b *float64, bex openapi3.ExclusiveBound, dir float64) bool {
	if b == nil {
		return true // an exclusive flag without its bound means nothing in OpenAPI 3.0
	}
	if a == nil {
		return false
	}
	if *a*dir > *b*dir {
		return true
	}
	return *a == *b && (aex.IsTrue() || !bex.IsTrue())
}

func noLonger(a, b *uint64) bool { return b == nil || (a != nil && *a <= *b) }

// isSurePattern reports, cached per schema, whether a string str saw match s's pattern and
// length limits is valid against s: s is a plain string schema whose only other constraint is
// the pattern, and kin-openapi compiles the pattern as str does (it rewrites \u escapes, which
// Go's regexp does not know; such patterns are left to the check).
func (g *Generator) isSurePattern(s *openapi3.Schema) bool {
	if v, ok := g.surePattern[s]; ok {
		return v
	}
	v := onlyKnownKeywords(s) && s.Pattern != "" && !strings.Contains(s.Pattern, `\u`) && s.Format == "" &&
		len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 && s.Not == nil && len(s.Enum) == 0 &&
		s.Type != nil && len(*s.Type) == 1 && (*s.Type)[0] == openapi3.TypeString
	g.surePattern[s] = v
	return v
}

// Package mock answers any OpenAPI 3.0 operation with data that looks like the real API's:
// names that are names, ISO codes, valid emails, UTC timestamps, consistent ids. The
// Generator makes one value valid against one schema; the Responder (responder.go) picks a
// documented example or a generated body for an operation.
package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/internal/jsonvalue"
	"github.com/paxkit/paxkit/openapi"
)

// Direction says which side of the exchange a value is for: Request values never contain
// readOnly properties, Response values never contain writeOnly properties.
type Direction int

const (
	Request Direction = iota
	Response
)

// maxDepth bounds recursion through nested and self-referencing schemas: below it only
// required properties and the minimum number of items are generated.
const maxDepth = 8

// attempts is how often Value regenerates a value that fails validation (a pattern the faker
// could not satisfy with the length limits, a oneOf that matched two branches, ...).
const attempts = 16

// maxSize bounds the strings, lists and objects the generator builds for a schema's minimum:
// a foreign contract asking for minLength 1e9 gets an error (the value fails validation), not
// a mock that runs out of memory.
const maxSize = 1 << 14

// optionalChance is the probability that an optional property is present.
const optionalChance = 0.8

// nullChance is the probability that a nullable value is null.
const nullChance = 0.1

// Generator makes values valid against a schema; deterministic for a seed; NOT safe for
// concurrent use (make one per goroutine / per request).
//
// The caches below hold only what follows from the schemas and names alone, never from the
// random draws, so a Generator's output for a seed does not depend on what it made before.
type Generator struct {
	f        *gofakeit.Faker
	patterns map[string]*pattern
	merged   map[*openapi3.Schema]*openapi3.Schema
	// composed holds the schema a oneOf or anyOf branch is generated from (the branch merged
	// with the schema's own keywords), so that it is built, merged and judged once.
	composed map[branch]*openapi3.Schema
	// sure caches, per schema, whether every value the generator makes for it is valid by
	// construction (see sure.go); values of the other schemas are checked.
	sure map[*openapi3.Schema]bool
	// surePattern caches isSurePattern per schema.
	surePattern map[*openapi3.Schema]bool
	// props caches each object schema's property names, sorted.
	props map[*openapi3.Schema][]string
	// names caches what a property name says about its value (fakers.go).
	names map[string]nameKind
	// reqOpts and respOpts are the validation options check passes to kin-openapi.
	reqOpts, respOpts []openapi3.SchemaValidationOption
	// matched says the string build just made was seen to match its schema's pattern and
	// length limits (str).
	matched bool
	// failed is the first check that failed while generating the current value; nil while
	// every checked part is valid.
	failed error
}

// branch names a oneOf (or anyOf) branch of a schema.
type branch struct {
	of    *openapi3.Schema
	i     int
	anyOf bool
}

// NewGenerator returns a generator whose output depends only on seed and the calls made.
// Unlike gofakeit.New, seed 0 is a seed like any other, not a request for randomness.
func NewGenerator(seed uint64) *Generator {
	formats := openapi3.WithStringFormatValidators(openapi.Formats())
	return &Generator{
		f:           gofakeit.NewFaker(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), false),
		patterns:    map[string]*pattern{},
		merged:      map[*openapi3.Schema]*openapi3.Schema{},
		composed:    map[branch]*openapi3.Schema{},
		sure:        map[*openapi3.Schema]bool{},
		surePattern: map[*openapi3.Schema]bool{},
		props:       map[*openapi3.Schema][]string{},
		names:       map[string]nameKind{},
		reqOpts:     []openapi3.SchemaValidationOption{formats, openapi3.VisitAsRequest()},
		respOpts:    []openapi3.SchemaValidationOption{formats, openapi3.VisitAsResponse()},
	}
}

// Reseed restarts the generator's random sequence as if it had been made by NewGenerator(seed),
// keeping its caches; the mock reuses one generator per request this way.
func (g *Generator) Reseed(seed uint64) {
	g.f = gofakeit.NewFaker(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), false)
}

// Value returns a value valid against s (objects as map[string]any, arrays []any, numbers
// float64/int64, strings, bools, nil) — name is the property or parameter name, used to pick a
// realistic faker (firstName, Email, CountryCode, ...).
func (g *Generator) Value(s *openapi3.SchemaRef, dir Direction, name string) (v any, err error) {
	// A foreign contract (paxkit mock --spec) may hold a schema no one foresaw; it must fail
	// one answer with an error, not take the process down.
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("mock: generate %q: %v", name, p)
		}
	}()
	if s == nil || s.Value == nil {
		return nil, fmt.Errorf("mock: generate %q: no schema", name)
	}
	var last error
	for range attempts {
		g.failed = nil
		v := g.gen(s.Value, dir, name, 0)
		if g.failed == nil {
			// Every part is valid by construction or was checked (gen), so the whole is.
			return v, nil
		}
		// A part failed its check. The whole may still be valid (an anyOf another branch of
		// which the value matches): the last word is the whole value's check.
		if err := g.check(s.Value, v, dir); err != nil {
			last = err
			continue
		}
		return v, nil
	}
	return nil, fmt.Errorf("mock: generate %q: no valid value in %d attempts: %w", name, attempts, last)
}

// check validates v against s the way paxkit's server does: the document's formats, and
// readOnly/writeOnly by direction.
func (g *Generator) check(s *openapi3.Schema, v any, dir Direction) error {
	if dir == Response {
		return s.VisitJSON(v, g.respOpts...)
	}
	return s.VisitJSON(v, g.reqOpts...)
}

func (g *Generator) chance(p float64) bool { return g.f.Float64() < p }

// gen makes a value for s and checks it against s unless the generator is sure of it by
// construction (sure.go). Only the parts it cannot be sure of are validated, and each is
// validated where it is made, so a Customer whose one pattern-bound string needs checking
// costs one string's check, not the whole object's. The first failure is kept in g.failed.
func (g *Generator) gen(s *openapi3.Schema, dir Direction, name string, depth int) any {
	g.matched = false
	v := g.build(s, dir, name, depth)
	// A oneOf checks its candidates against s itself (unless an allOf merged it in); a
	// pattern-bound string str saw match is valid if the pattern is all s asks of it.
	selfChecked := len(s.OneOf) > 0 && len(s.AllOf) == 0 || g.matched && g.isSurePattern(s)
	g.matched = false
	if g.failed == nil && !selfChecked && !g.isSure(s) {
		if err := g.check(s, v, dir); err != nil {
			g.failed = err
		}
	}
	return v
}

func (g *Generator) build(s *openapi3.Schema, dir Direction, name string, depth int) any {
	if len(s.AllOf) > 0 {
		s = g.mergeAllOf(s)
	}
	if s.Nullable && (depth > maxDepth || g.chance(nullChance)) {
		return nil
	}
	if len(s.OneOf) > 0 {
		return g.oneOf(s, dir, name, depth)
	}
	if len(s.AnyOf) > 0 {
		if c := g.compose(s, g.f.IntN(len(s.AnyOf)), true); c != nil {
			return g.gen(c, dir, name, depth)
		}
	}
	if len(s.Enum) > 0 {
		// A copy: the responder writes path values into the objects it answers (adopt), and
		// an enum member that is an object or array belongs to the contract, which every
		// request shares.
		return jsonvalue.Copy(s.Enum[g.f.IntN(len(s.Enum))])
	}
	switch schemaType(s) {
	case openapi3.TypeObject:
		return g.object(s, dir, depth)
	case openapi3.TypeArray:
		return g.array(s, dir, name, depth)
	case openapi3.TypeString:
		v, matched := g.str(s, name)
		g.matched = matched
		return v
	case openapi3.TypeInteger:
		return g.integer(s, name)
	case openapi3.TypeNumber:
		return g.number(s, name)
	case openapi3.TypeBoolean:
		return g.f.Bool()
	case "":
		// An empty schema accepts anything; a word is the least surprising value.
		return strings.ToLower(g.f.Word())
	}
	return nil
}

// schemaType is the schema's type, inferred from its keywords when it declares none.
func schemaType(s *openapi3.Schema) string {
	if s.Type != nil && len(*s.Type) > 0 {
		return (*s.Type)[0]
	}
	switch {
	case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil || s.MinProps > 0:
		return openapi3.TypeObject
	case s.Items != nil:
		return openapi3.TypeArray
	case s.Pattern != "" || s.Format != "" || s.MinLength > 0 || s.MaxLength != nil:
		return openapi3.TypeString
	case s.Min != nil || s.Max != nil || s.MultipleOf != nil:
		return openapi3.TypeNumber
	}
	return ""
}

// oneOf tries the branches in random order until a value matches exactly one of them (what
// oneOf means), setting the discriminator property to the branch's mapping name if there is one.
func (g *Generator) oneOf(s *openapi3.Schema, dir Direction, name string, depth int) any {
	order := make([]int, len(s.OneOf))
	for i := range order {
		order[i] = i
	}
	g.f.ShuffleAnySlice(order)
	// A branch's parts may fail their own checks while the candidate as a whole still
	// matches the oneOf; what counts is the check of the candidate against s.
	prior := g.failed
	var last any
	var failed error
	for _, i := range order {
		c := g.compose(s, i, false)
		if c == nil {
			continue
		}
		g.failed = nil
		v := g.gen(c, dir, name, depth)
		if d := s.Discriminator; d != nil {
			if obj, ok := v.(map[string]any); ok {
				obj[d.PropertyName] = discriminatorValue(d, s.OneOf[i])
			}
		}
		last = v
		err := g.check(s, v, dir)
		if err == nil {
			g.failed = prior
			return v
		}
		failed = err
	}
	if failed == nil {
		failed = fmt.Errorf("mock: no resolved branch among %d of a oneOf", len(s.OneOf))
	}
	if prior != nil {
		failed = prior
	}
	g.failed = failed
	return last
}

// compose is the schema a value of branch i of s's oneOf (or anyOf) is made from: the branch
// and s's own keywords, which the value must satisfy too; nil for an unresolved branch.
func (g *Generator) compose(s *openapi3.Schema, i int, anyOf bool) *openapi3.Schema {
	key := branch{s, i, anyOf}
	if c, ok := g.composed[key]; ok {
		return c
	}
	own := *s
	var b *openapi3.SchemaRef
	if anyOf {
		b, own.AnyOf = s.AnyOf[i], nil
	} else {
		b, own.OneOf = s.OneOf[i], nil
	}
	var c *openapi3.Schema
	if b != nil && b.Value != nil {
		c = &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Value: &own}, b}}
	}
	g.composed[key] = c
	return c
}

// discriminatorValue is the mapping key that names branch, else the last segment of its $ref.
func discriminatorValue(d *openapi3.Discriminator, branch *openapi3.SchemaRef) string {
	keys := make([]string, 0, len(d.Mapping))
	for k := range d.Mapping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d.Mapping[k].Ref == branch.Ref {
			return k
		}
	}
	return branch.Ref[strings.LastIndex(branch.Ref, "/")+1:]
}

// mergeAllOf folds the allOf branches into one schema with the intersection of their
// constraints, which is what a value must satisfy. Results are cached per schema.
func (g *Generator) mergeAllOf(s *openapi3.Schema) *openapi3.Schema {
	if m, ok := g.merged[s]; ok {
		return m
	}
	m := *s
	m.AllOf = nil
	m.Properties = maps.Clone(s.Properties)
	if m.Properties == nil {
		m.Properties = openapi3.Schemas{}
	}
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			continue
		}
		b := ref.Value
		if len(b.AllOf) > 0 {
			b = g.mergeAllOf(b)
		}
		mergeInto(&m, b)
	}
	g.merged[s] = &m
	return &m
}

// mergeInto tightens m by b. Nullability stays m's own: kin-openapi accepts null for an allOf
// only when the outer schema is nullable.
func mergeInto(m, b *openapi3.Schema) {
	if m.Type == nil || len(*m.Type) == 0 {
		m.Type = b.Type
	}
	if m.Format == "" {
		m.Format = b.Format
	}
	if m.Pattern == "" {
		m.Pattern = b.Pattern
	}
	if len(m.Enum) == 0 {
		m.Enum = b.Enum
	}
	if m.Items == nil {
		m.Items = b.Items
	}
	if len(b.OneOf) > 0 && len(m.OneOf) == 0 {
		m.OneOf, m.Discriminator = b.OneOf, b.Discriminator
	}
	if len(b.AnyOf) > 0 && len(m.AnyOf) == 0 {
		m.AnyOf = b.AnyOf
	}
	m.ReadOnly = m.ReadOnly || b.ReadOnly
	m.WriteOnly = m.WriteOnly || b.WriteOnly
	m.UniqueItems = m.UniqueItems || b.UniqueItems
	m.Min, m.ExclusiveMin = tighterMin(m.Min, m.ExclusiveMin, b.Min, b.ExclusiveMin)
	m.Max, m.ExclusiveMax = tighterMax(m.Max, m.ExclusiveMax, b.Max, b.ExclusiveMax)
	if m.MultipleOf == nil {
		m.MultipleOf = b.MultipleOf
	}
	m.MinLength = max(m.MinLength, b.MinLength)
	m.MaxLength = minPtr(m.MaxLength, b.MaxLength)
	m.MinItems = max(m.MinItems, b.MinItems)
	m.MaxItems = minPtr(m.MaxItems, b.MaxItems)
	m.MinProps = max(m.MinProps, b.MinProps)
	m.MaxProps = minPtr(m.MaxProps, b.MaxProps)
	for _, r := range b.Required {
		if !slices.Contains(m.Required, r) {
			m.Required = append(m.Required, r)
		}
	}
	for k, v := range b.Properties {
		if have, ok := m.Properties[k]; ok && have != v {
			m.Properties[k] = &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{have, v}}}
			continue
		}
		m.Properties[k] = v
	}
	if m.AdditionalProperties.Schema == nil && m.AdditionalProperties.Has == nil {
		m.AdditionalProperties = b.AdditionalProperties
	}
}

// tighterMin and tighterMax pick the stricter of two OpenAPI 3.0 bounds (a value and whether it
// is exclusive).
func tighterMin(a *float64, aex openapi3.ExclusiveBound, b *float64, bex openapi3.ExclusiveBound) (*float64, openapi3.ExclusiveBound) {
	switch {
	case b == nil:
		return a, aex
	case a == nil || *b > *a || (*b == *a && bex.IsTrue()):
		return b, bex
	}
	return a, aex
}

func tighterMax(a *float64, aex openapi3.ExclusiveBound, b *float64, bex openapi3.ExclusiveBound) (*float64, openapi3.ExclusiveBound) {
	switch {
	case b == nil:
		return a, aex
	case a == nil || *b < *a || (*b == *a && bex.IsTrue()):
		return b, bex
	}
	return a, aex
}

func minPtr(a, b *uint64) *uint64 {
	if a == nil || (b != nil && *b < *a) {
		return b
	}
	return a
}

func (g *Generator) object(s *openapi3.Schema, dir Direction, depth int) map[string]any {
	names := g.propertyNames(s)
	out := make(map[string]any, len(names))
	var optional []string
	for _, k := range names {
		ref := s.Properties[k]
		if ref == nil || ref.Value == nil {
			continue
		}
		if (dir == Response && ref.Value.WriteOnly) || (dir == Request && ref.Value.ReadOnly) {
			continue
		}
		if !slices.Contains(s.Required, k) {
			if depth >= maxDepth || !g.chance(optionalChance) {
				continue
			}
			optional = append(optional, k)
		}
		out[k] = g.gen(ref.Value, dir, k, depth+1)
	}
	// Extra members only where the schema gives them a shape, or where minProperties needs them.
	extra := 0
	if s.AdditionalProperties.Schema != nil && depth < maxDepth {
		extra = g.f.IntN(3)
	}
	if need := int(min(s.MinProps, maxSize)) - len(out); need > extra {
		extra = need
	}
	for i := 0; extra > 0 && i < extra*4+8; i++ {
		key := strings.ToLower(g.f.Word())
		if _, taken := out[key]; taken || s.Properties[key] != nil {
			continue
		}
		if s.AdditionalProperties.Schema != nil && s.AdditionalProperties.Schema.Value != nil {
			out[key] = g.gen(s.AdditionalProperties.Schema.Value, dir, key, depth+1)
		} else {
			out[key] = g.f.Word()
		}
		extra--
	}
	if s.MaxProps != nil {
		for i := len(optional) - 1; i >= 0 && uint64(len(out)) > *s.MaxProps; i-- {
			delete(out, optional[i])
		}
	}
	return out
}

// propertyNames are s's property names, sorted so that the same seed visits properties, and
// draws random numbers, in one order; cached per schema.
func (g *Generator) propertyNames(s *openapi3.Schema) []string {
	if names, ok := g.props[s]; ok {
		return names
	}
	names := slices.Sorted(maps.Keys(s.Properties))
	g.props[s] = names
	return names
}

func (g *Generator) array(s *openapi3.Schema, dir Direction, name string, depth int) []any {
	lo := int(min(s.MinItems, maxSize))
	hi := lo + 3
	if lo == 0 {
		// Mostly one to three items (an empty list shows little), fewer deep down, where
		// lists of lists would multiply the size of a response.
		lo, hi = 1, 3
		if depth > 2 {
			hi = 2
		}
		if g.chance(0.1) {
			lo = 0
		}
	}
	if s.MaxItems != nil {
		hi = min(hi, int(*s.MaxItems))
		lo = min(lo, hi)
	}
	n := lo
	if depth < maxDepth && hi > lo {
		n = lo + g.f.IntN(hi-lo+1)
	}
	out := make([]any, 0, n)
	if s.Items == nil || s.Items.Value == nil {
		for range n {
			out = append(out, strings.ToLower(g.f.Word()))
		}
		return out
	}
	seen := map[string]bool{}
	item := singular(name)
	for i := 0; len(out) < n && i < n*8+8; i++ {
		v := g.gen(s.Items.Value, dir, item, depth+1)
		if s.UniqueItems {
			key, err := json.Marshal(v)
			if err != nil || seen[string(key)] {
				continue
			}
			seen[string(key)] = true
		}
		out = append(out, v)
	}
	return out
}

// singular turns a list's name into its items' name (Emails -> Email), so that items get the
// faker their name suggests.
func singular(name string) string {
	switch {
	case strings.HasSuffix(name, "ies"):
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(name, "sses"), strings.HasSuffix(name, "xes"):
		return name[:len(name)-2]
	case strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss"):
		return name[:len(name)-1]
	}
	return name
}

// integerBounds is the range of integers s allows, empty (lo > hi) if none.
func integerBounds(s *openapi3.Schema) (lo, hi int64) {
	lo, hi = int64(math.MinInt64), int64(math.MaxInt64)
	if s.Format == "int32" {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	if s.Min != nil {
		m := int64(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() && float64(m) == *s.Min {
			m++
		}
		lo = max(lo, m)
	}
	if s.Max != nil {
		m := int64(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() && float64(m) == *s.Max {
			m--
		}
		hi = min(hi, m)
	}
	return lo, hi
}

func (g *Generator) integer(s *openapi3.Schema, name string) int64 {
	lo, hi := integerBounds(s)
	// A plausible range inside the bounds: small positive counts unless told otherwise.
	plo, phi := int64(1), int64(100)
	if k := g.kind(name); k.hasInts {
		plo, phi = k.ints[0], k.ints[1]
	}
	switch {
	case s.Min != nil && s.Max != nil:
		plo, phi = lo, hi
	case s.Min != nil:
		plo, phi = lo, lo+(phi-plo)
	case s.Max != nil:
		plo, phi = hi-(phi-plo), hi
	}
	plo, phi = max(plo, lo), min(phi, hi)
	if phi < plo {
		return lo
	}
	if m := s.MultipleOf; m != nil && *m >= 1 && *m == math.Trunc(*m) {
		step := int64(*m)
		first := plo / step * step
		if first < plo {
			first += step
		}
		if first > phi {
			return first // no multiple in range: Value retries, then reports it
		}
		// Unsigned, so that a span over the whole int64 range does not overflow.
		n := (uint64(phi) - uint64(first)) / uint64(step)
		if n == math.MaxUint64 {
			return first + step*int64(g.f.Uint64())
		}
		return first + step*int64(g.f.Uint64()%(n+1))
	}
	span := uint64(phi) - uint64(plo)
	if span == math.MaxUint64 {
		return int64(g.f.Uint64())
	}
	return int64(uint64(plo) + g.f.Uint64()%(span+1))
}

func (g *Generator) number(s *openapi3.Schema, name string) float64 {
	k := g.kind(name)
	lo, hi := k.lo, k.hi
	switch {
	case s.Min != nil && s.Max != nil:
		lo, hi = *s.Min, *s.Max
	case s.Min != nil:
		lo, hi = *s.Min, *s.Min+1000
	case s.Max != nil:
		lo, hi = *s.Max-1000, *s.Max
	}
	if m := s.MultipleOf; m != nil && *m > 0 {
		k := math.Ceil(lo / *m)
		n := math.Floor(hi / *m)
		if n < k {
			return k * *m
		}
		return (k + float64(g.f.IntN(int(min(n-k, 1e6))+1))) * *m
	}
	// Two decimals, like money, which most numbers in these APIs are; the bounds are checked
	// again after rounding, and Value retries if an exclusive bound was hit.
	v := math.Round(g.f.Float64Range(lo, hi)*100) / 100
	if v < lo {
		v = math.Ceil(lo*100) / 100
	}
	if v > hi {
		v = math.Floor(hi*100) / 100
	}
	return v
}

// pattern is a schema's pattern, compiled.
type pattern struct {
	re *regexp.Regexp
	// only is the one string the pattern matches, if it matches one alone (^(place)$);
	// single says there is one.
	only   string
	single bool
}

func (g *Generator) regexp(src string) (*pattern, error) {
	if p, ok := g.patterns[src]; ok {
		return p, nil
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("mock: pattern %q: %w", src, err)
	}
	p := &pattern{re: re}
	p.only, p.single = onlyMatch(src)
	g.patterns[src] = p
	return p, nil
}

// onlyMatch is the one string an anchored pattern of literals matches (^(place)$ -> place),
// which str then returns without trying fakers that cannot produce it or asking gofakeit,
// which parses the pattern again on every call, to generate it.
func onlyMatch(src string) (string, bool) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return "", false
	}
	var b strings.Builder
	var literal func(r *syntax.Regexp) bool
	literal = func(r *syntax.Regexp) bool {
		switch r.Op {
		case syntax.OpLiteral:
			if r.Flags&syntax.FoldCase != 0 {
				return false
			}
			b.WriteString(string(r.Rune))
			return true
		case syntax.OpCapture:
			return literal(r.Sub[0])
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				if !literal(sub) {
					return false
				}
			}
			return true
		case syntax.OpEmptyMatch:
			return true
		}
		return false
	}
	for _, sub := range re.Sub[1 : len(re.Sub)-1] {
		if !literal(sub) {
			return "", false
		}
	}
	return b.String(), true
}

// str makes a string for s; matched says it was seen to match s's pattern and length limits.
func (g *Generator) str(s *openapi3.Schema, name string) (v string, matched bool) {
	if s.Pattern == "" {
		v, ok := g.byFormat(s.Format, name)
		if !ok {
			v = g.byName(name)
		}
		if s.Format != "" && ok {
			return v, false
		}
		return g.fitLength(v, s), false
	}
	p, err := g.regexp(s.Pattern)
	if err != nil {
		// Not a Go regexp: the value cannot be validated either; a name-based guess is all.
		return g.fitLength(g.byName(name), s), false
	}
	fits := func(v string) bool {
		n := uint64(utf8.RuneCountInString(v))
		return p.re.MatchString(v) && n >= s.MinLength && (s.MaxLength == nil || n <= *s.MaxLength)
	}
	if p.single {
		return p.only, fits(p.only)
	}
	if v, ok := g.byFormat(s.Format, name); ok && fits(v) {
		return v, true
	}
	if v := g.byName(name); fits(v) {
		return v, true
	}
	for range 10 {
		v = g.f.Regex(s.Pattern)
		if fits(v) {
			return v, true
		}
	}
	return v, false
}

// fitLength pads or cuts v to the schema's length limits (counted in characters, as kin-openapi
// counts them).
func (g *Generator) fitLength(v string, s *openapi3.Schema) string {
	if s.MinLength == 0 && s.MaxLength == nil {
		return v
	}
	r := []rune(v)
	if s.MaxLength != nil && uint64(len(r)) > *s.MaxLength {
		r = []rune(strings.TrimRight(string(r[:*s.MaxLength]), " "))
	}
	for uint64(len(r)) < min(s.MinLength, maxSize) {
		r = append(r, []rune(g.f.Letter())...)
	}
	return string(r)
}

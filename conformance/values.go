package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/paxkit/paxkit/internal/jsonvalue"
)

// normalise turns any Go value into the shapes encoding/json decodes to (float64 numbers,
// map[string]any objects), so examples, generated values and responses compare alike.
func normalise(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode value: %w", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decode value: %w", err)
	}
	return out, nil
}

// escapeToken escapes a JSON pointer token (RFC 6901).
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func pointerString(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteString("/")
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// resolvePointer finds the value at a JSON pointer; ok is false when it is absent.
func resolvePointer(v any, pointer string) (any, bool) {
	if pointer == "" {
		return v, true
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false
	}
	cur := v
	for _, raw := range strings.Split(pointer[1:], "/") {
		tok := unescapeToken(raw)
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// withValue returns a copy of root with the value at tokens replaced (or, when remove is set,
// the member deleted). The parent must exist.
func withValue(root any, tokens []string, value any, remove bool) any {
	out := jsonvalue.Copy(root)
	if len(tokens) == 0 {
		return value
	}
	parent, ok := resolvePointer(out, pointerString(tokens[:len(tokens)-1]))
	if !ok {
		return out
	}
	last := tokens[len(tokens)-1]
	switch p := parent.(type) {
	case map[string]any:
		if remove {
			delete(p, last)
		} else {
			p[last] = value
		}
	case []any:
		if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(p) {
			p[i] = value
		}
	}
	return out
}

// leaves lists every scalar (and empty container) in v with its pointer, sorted by pointer.
func leaves(v any) map[string]any {
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				out[prefix] = x
			}
			for k, e := range x {
				walk(prefix+"/"+escapeToken(k), e)
			}
		case []any:
			if len(x) == 0 {
				out[prefix] = x
			}
			for i, e := range x {
				walk(prefix+"/"+strconv.Itoa(i), e)
			}
		default:
			out[prefix] = x
		}
	}
	walk("", v)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sameJSON compares two decoded JSON values; numbers compare by value.
func sameJSON(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && (fa == fb || math.Abs(fa-fb) < 1e-9*math.Max(math.Abs(fa), 1))
	}
	return reflect.DeepEqual(a, b)
}

// show renders a value for a message, short.
func show(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(data)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// paramString renders a scalar parameter value the way it goes on the wire.
func paramString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = paramString(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	default:
		return fmt.Sprint(x)
	}
}

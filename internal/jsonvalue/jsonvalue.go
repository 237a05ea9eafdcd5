// Package jsonvalue holds what paxkit does with decoded JSON values (the any trees
// encoding/json and kin-openapi produce) in more than one place.
package jsonvalue

// Copy copies a decoded JSON value deeply, so that the copy can change without touching the
// original (a contract's example or enum member, which every request shares); scalars are
// returned as they are.
func Copy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Copy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Copy(e)
		}
		return out
	}
	return v
}

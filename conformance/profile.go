package conformance

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/jsonvalue"
)

// Profile is the credentials a run injects into every request: headers, query values and
// top-level body members (Mews tokens, Erin's `authenticate` object). A value given here
// replaces the one an example or the generator produced.
type Profile struct {
	Headers map[string]string `yaml:"headers" json:"headers,omitempty"`
	Query   map[string]string `yaml:"query" json:"query,omitempty"`
	Body    map[string]any    `yaml:"body" json:"body,omitempty"`
}

// ProfileFromDemo is the profile of a built-in API's demo credentials, which a fresh
// `paxkit serve` accepts.
func ProfileFromDemo(c apidef.DemoCredentials) Profile {
	return Profile{Headers: maps.Clone(c.Headers), Body: jsonvalue.Copy(c.Body).(map[string]any)}
}

// ParseProfile reads a profile from YAML (JSON is YAML too). Unknown top-level keys are refused
// so that a typo such as `header:` does not silently send no credentials.
func ParseProfile(data []byte) (Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return Profile{}, nil
		}
		return Profile{}, fmt.Errorf("profile: %w", err)
	}
	if p.Body != nil {
		body, err := jsonCompatible(p.Body)
		if err != nil {
			return Profile{}, fmt.Errorf("profile: body: %w", err)
		}
		p.Body = body.(map[string]any)
	}
	return p, nil
}

// LoadProfile reads a profile file.
func LoadProfile(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, fmt.Errorf("profile: %w", err)
	}
	p, err := ParseProfile(data)
	if err != nil {
		return Profile{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Merge returns p with o's values added, o winning on conflicts (flags over a file).
func (p Profile) Merge(o Profile) Profile {
	out := Profile{Headers: maps.Clone(p.Headers), Query: maps.Clone(p.Query), Body: maps.Clone(p.Body)}
	put := func(dst *map[string]string, src map[string]string) {
		if len(src) > 0 && *dst == nil {
			*dst = map[string]string{}
		}
		maps.Copy(*dst, src)
	}
	put(&out.Headers, o.Headers)
	put(&out.Query, o.Query)
	if len(o.Body) > 0 && out.Body == nil {
		out.Body = map[string]any{}
	}
	maps.Copy(out.Body, o.Body)
	return out
}

// ParseAssignment splits a `--header`, `--query` or `--body-field` flag value `key=value`.
// A body value that is valid JSON (an object, a number, true) is used as that JSON value,
// anything else as a string, so `--body-field 'authenticate={"email":"a@b.c"}'` works.
func ParseAssignment(s string) (string, string, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return "", "", fmt.Errorf("%q is not key=value", s)
	}
	return strings.TrimSpace(k), v, nil
}

// jsonCompatible turns YAML-decoded values (map[string]interface{} from yaml.v3 is already
// string-keyed; ints stay ints) into the shapes encoding/json produces, so that profile values
// compare and copy like decoded JSON.
func jsonCompatible(v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := jsonCompatible(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = c
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := jsonCompatible(e)
			if err != nil {
				return nil, fmt.Errorf("%d: %w", i, err)
			}
			out[i] = c
		}
		return out, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case float64, string, bool:
		return x, nil
	default:
		return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
	}
}

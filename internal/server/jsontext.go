package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/paxkit/paxkit/internal/apidef"
)

// jsonTextFailure refuses a JSON request body that is not valid UTF-8, that nests deeper
// than maxNesting, or that holds the character U+0000 in a string or a key, naming where.
//
// Why: encoding/json (and so the validation and every handler) silently replaces invalid
// UTF-8 by U+FFFD, so the server would store and echo text the client never sent, and a
// client bug (a Latin-1 or UTF-16 body) would pass unnoticed against paxkit and fail against
// the vendor. RFC 8259 §8.1 requires UTF-8 between systems. U+0000 is refused because the
// vendors' stores cannot keep it (paxkit decision: PostgreSQL refuses it outright, C-string
// based layers truncate at it), so a client sending it has a bug paxkit should show.
// Bodies of other media types are left to the contract's validation.
func jsonTextFailure(r *http.Request, body []byte) *apidef.Failure {
	if len(body) == 0 || !apidef.IsJSON(r.Header.Get("Content-Type")) {
		return nil
	}
	if !utf8.Valid(body) {
		at := invalidUTF8Offset(body)
		return &apidef.Failure{Kind: apidef.Invalid, Message: "the request body is not valid UTF-8",
			Violations: []apidef.Violation{{In: apidef.InBody, Message: fmt.Sprintf("is not valid UTF-8 (byte %d); JSON must be sent as UTF-8", at)}}}
	}
	if depth := nesting(body); depth > maxNesting {
		return &apidef.Failure{Kind: apidef.Invalid, Message: "the request body is nested too deeply",
			Violations: []apidef.Violation{{In: apidef.InBody, Message: fmt.Sprintf("is nested %d levels deep; at most %d are accepted", depth, maxNesting)}}}
	}
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil // not JSON: the validation reports that
	}
	var pointers []string
	findNUL(v, "", &pointers)
	if len(pointers) == 0 {
		return nil
	}
	sort.Strings(pointers)
	f := &apidef.Failure{Kind: apidef.Invalid, Message: "the request body holds the character U+0000"}
	for _, p := range pointers {
		f.Violations = append(f.Violations, apidef.Violation{In: apidef.InBody, Pointer: p, Message: "must not contain the character U+0000"})
	}
	return f
}

// maxNesting is how deeply arrays and objects of a request body may nest (paxkit decision;
// the requests of the five contracts nest a handful of levels). Why a limit at all: kin-openapi
// renders a value that breaks an allOf/oneOf schema as indented JSON inside its error, which
// costs the square of the nesting depth; a 108 KB body of 9000 nested arrays kept a core busy
// for 7 s and allocated hundreds of MB before this check (found by the bad-input corpus).
const maxNesting = 64

// nesting is the deepest nesting of arrays and objects in JSON text, counted without decoding
// it (brackets inside strings do not count). Malformed text is left to the validation.
func nesting(b []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// findNUL appends the JSON pointer of every string, and of every object holding a key, that
// contains U+0000.
func findNUL(v any, at string, out *[]string) {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			*out = append(*out, at)
		}
	case []any:
		for i, item := range x {
			findNUL(item, fmt.Sprintf("%s/%d", at, i), out)
		}
	case map[string]any:
		for k, item := range x {
			token := strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			if strings.ContainsRune(k, 0) {
				*out = append(*out, at)
				continue
			}
			findNUL(item, at+"/"+token, out)
		}
	}
}

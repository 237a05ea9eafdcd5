package robustness

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// rawMarker stands for a field value that json.Marshal cannot write (invalid UTF-8, raw
// NUL bytes, deep nesting): the body is encoded with the marker and the marker, quotes
// included, is then replaced by the raw bytes.
const rawMarker = "@@paxkit-raw@@"

func withRaw(body []byte, raw []byte) []byte {
	return bytes.ReplaceAll(body, []byte(`"`+rawMarker+`"`), raw)
}

// wrongType is a value of another JSON type than v.
func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case float64, int:
		return "not a number"
	case bool:
		return "yes"
	case []any:
		return map[string]any{"not": "a list"}
	case map[string]any:
		return []any{1, 2}
	default: // null
		return []any{true}
	}
}

// mapStrings is v with every string in it, however deep, replaced by f(string).
func mapStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = mapStrings(item, f)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = mapStrings(item, f)
		}
		return out
	}
	return v
}

// firstStringField is the first (sorted) non-credential field of the example holding a
// string, or "".
func firstStringField(o operation) string {
	keys := make([]string, 0, len(o.example))
	for k, v := range o.example {
		if _, cred := o.api.DemoCredentials.Body[k]; cred {
			continue
		}
		if _, ok := v.(string); ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

func onlyField(name string, value any) func(string, any) any {
	return func(k string, v any) any {
		if k == name {
			return value
		}
		return v
	}
}

// bodyCase is one curated bad body: given an operation with a JSON body, the content type
// and bytes to send.
type bodyCase struct {
	name string
	make func(o operation) (contentType string, body []byte)
	// mayPass, when set, says whether a 2xx is a right answer for the operation.
	mayPass func(o operation) bool
}

// unlimitedString reports whether the contract sets no maxLength on the field the 10 MB
// string goes to: the server then has no rule to refuse it by (a search for a 10 MB name
// finds nothing), and a 2xx is right.
func unlimitedString(o operation) bool {
	f := firstStringField(o)
	if f == "" || o.bodySchema == nil {
		return false
	}
	for _, s := range append([]*openapi3.SchemaRef{{Value: o.bodySchema}}, o.bodySchema.AllOf...) {
		if s.Value == nil {
			continue
		}
		if p := s.Value.Properties[f]; p != nil && p.Value != nil {
			return p.Value.MaxLength == nil && p.Value.Format == "" && p.Value.Pattern == "" && len(p.Value.Enum) == 0
		}
	}
	return false
}

func deep(depth int, open, close string) []byte {
	return []byte(strings.Repeat(open, depth) + strings.Repeat(close, depth))
}

// bodyCases is the curated corpus of bad bodies of issue 11. Each one keeps the demo
// credentials where the API reads them from the body (as far as the bytes still parse), so
// that it gets past authentication to the validation and the handlers.
func bodyCases() []bodyCase {
	json := func(b []byte) (string, []byte) { return "application/json", b }
	same := func(o operation, b []byte) (string, []byte) { return o.contentType, b }
	// Built once as JSON string tokens and spliced in: encoding them per operation would
	// cost more than the server's work under the race detector.
	tenMB := []byte(`"` + strings.Repeat("a", 10<<20) + `"`)
	seventeenMB := []byte(`"` + strings.Repeat("a", 17<<20) + `"`)
	return []bodyCase{
		{"malformed JSON: missing colon", func(o operation) (string, []byte) {
			return same(o, bytes.Replace(o.exampleJSON(), []byte(`":`), []byte(`" `), 1))
		}, nil},
		{"malformed JSON: trailing comma", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			return same(o, append(b[:len(b)-1], []byte(",}")...))
		}, nil},
		{"malformed JSON: two documents", func(o operation) (string, []byte) {
			return same(o, append(o.exampleJSON(), o.exampleJSON()...))
		}, nil},
		{"malformed JSON: single quotes", func(o operation) (string, []byte) {
			return same(o, bytes.ReplaceAll(o.exampleJSON(), []byte(`"`), []byte(`'`)))
		}, nil},
		{"truncated JSON: half", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			return same(o, b[:len(b)/2])
		}, nil},
		{"truncated JSON: last byte", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			return same(o, b[:len(b)-1])
		}, nil},
		{"empty body", func(o operation) (string, []byte) { return same(o, []byte{}) }, nil},
		{"whitespace body", func(o operation) (string, []byte) { return same(o, []byte(" \n\t ")) }, nil},
		{"body is null", func(o operation) (string, []byte) { return same(o, []byte(`null`)) }, nil},
		{"body is a string", func(o operation) (string, []byte) { return same(o, []byte(`"customer"`)) }, nil},
		{"body is a number", func(o operation) (string, []byte) { return same(o, []byte(`42`)) }, nil},
		{"body is an array of the example", func(o operation) (string, []byte) {
			return same(o, []byte("["+string(o.exampleJSON())+"]"))
		}, nil},
		{"wrong types: every field", func(o operation) (string, []byte) {
			return same(o, o.body(func(_ string, v any) any { return wrongType(v) }))
		}, nil},
		{"huge numbers: 1e400 in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), []byte(`1e400`)))
		}, nil},
		{"huge numbers: 10^40 integer in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), []byte(`1`+strings.Repeat("0", 40))))
		}, nil},
		{"huge numbers: -10^40 in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), []byte(`-1`+strings.Repeat("0", 40))))
		}, nil},
		// encoding/json (and so kin-openapi and every handler) refuses more than 10000
		// levels; one more is enough to reach that refusal.
		{"deep nesting: 10001 arrays in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), deep(10001, "[", "]")))
		}, nil},
		{"deep nesting: 10001 objects in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), deep(10001, `{"a":`, "}")))
		}, nil},
		{"deep nesting: the whole body", func(o operation) (string, []byte) { return same(o, deep(100000, "[", "]")) }, nil},
		{"deep nesting: 9000 levels (parses, still wrong)", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), deep(9000, "[", "]")))
		}, nil},
		{"10k-item arrays in every field", func(o operation) (string, []byte) {
			return same(o, o.body(func(_ string, v any) any {
				items := make([]any, 10000)
				for i := range items {
					items[i] = v
				}
				return items
			}))
		}, nil},
		{"10k-item array as the body", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			return same(o, []byte("["+strings.Repeat(string(b)+",", 9999)+string(b)+"]"))
		}, nil},
		{"invalid UTF-8 in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), []byte("\"\xff\xfe\xfd\"")))
		}, nil},
		{"invalid UTF-8 appended to every string", func(o operation) (string, []byte) {
			b := o.body(func(_ string, v any) any {
				return mapStrings(v, func(s string) string { return s + rawMarker })
			})
			return same(o, bytes.ReplaceAll(b, []byte(rawMarker), []byte("\xc3\x28")))
		}, nil},
		{"invalid UTF-8 in a key", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			return same(o, append(b[:len(b)-1], []byte(",\"\xff\":1}")...))
		}, nil},
		{"NUL byte raw in every field", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), []byte("\"a\x00b\"")))
		}, nil},
		{"NUL byte escaped in every field", func(o operation) (string, []byte) {
			return same(o, o.body(func(_ string, v any) any { return "\x00" }))
		}, nil},
		{"NUL bytes as the body", func(o operation) (string, []byte) { return same(o, make([]byte, 64)) }, nil},
		{"10 MB string in a field", func(o operation) (string, []byte) {
			f := firstStringField(o)
			if f == "" {
				return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), tenMB))
			}
			return same(o, withRaw(o.body(onlyField(f, rawMarker)), tenMB))
		}, unlimitedString},
		{"17 MB body (over the body limit)", func(o operation) (string, []byte) {
			return same(o, withRaw(o.body(func(string, any) any { return rawMarker }), seventeenMB))
		}, nil},
		{"wrong content type: text/plain", func(o operation) (string, []byte) { return "text/plain", o.exampleJSON() }, nil},
		{"wrong content type: application/xml", func(o operation) (string, []byte) {
			return "application/xml", []byte(`<customer><id>1</id></customer>`)
		}, nil},
		{"wrong content type: form", func(o operation) (string, []byte) {
			return "application/x-www-form-urlencoded", []byte(`id=1&firstName=a`)
		}, nil},
		{"wrong content type: multipart", func(o operation) (string, []byte) {
			return "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n")
		}, nil},
		{"wrong content type: malformed header", func(o operation) (string, []byte) { return "json/;;=", o.exampleJSON() }, nil},
		{"no content type", func(o operation) (string, []byte) { return "", o.exampleJSON() }, nil},
		{"duplicate keys: the last one wrong", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			var dup []string
			for k, v := range o.example {
				if _, cred := o.api.DemoCredentials.Body[k]; cred {
					continue
				}
				w, _ := jsonOf(wrongType(v))
				dup = append(dup, fmt.Sprintf("%q:%s", k, w))
			}
			sort.Strings(dup)
			return same(o, []byte(string(b[:len(b)-1])+","+strings.Join(dup, ",")+"}"))
		}, nil},
		{"JSON in another encoding (UTF-16)", func(o operation) (string, []byte) {
			b := o.exampleJSON()
			out := []byte{0xff, 0xfe}
			for _, c := range b {
				out = append(out, c, 0)
			}
			return json(out)
		}, nil},
	}
}

// paramCases are curated bad values of path and query parameters.
func paramCases() map[string]string {
	return map[string]string{
		"wrong type":       "not-a-number-or-id",
		"huge number":      "1" + strings.Repeat("0", 40),
		"negative number":  "-1" + strings.Repeat("0", 20),
		"float":            "1.5e308",
		"invalid UTF-8":    "\xff\xfe\xfd",
		"NUL byte":         "a\x00b",
		"10k characters":   strings.Repeat("9", 10000),
		"empty":            "",
		"path traversal":   "../../_paxkit/export",
		"JSON":             `{"id":1}`,
		"space and quotes": `" OR 1=1 --`,
	}
}

// headerCases are curated bad values of the credential headers of TOMP and Intrepid.
func headerCases() map[string]string {
	return map[string]string{
		"invalid UTF-8":  "Bearer \xff\xfe",
		"10k characters": "Bearer " + strings.Repeat("x", 10000),
		"only a scheme":  "Bearer",
		"tabs":           "Bearer \tx\t",
		"other scheme":   "Basic dXNlcjpwYXNz",
	}
}

func jsonOf(v any) (string, error) {
	var buf bytes.Buffer
	if err := jsonEncoder(&buf).Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(buf.String()), nil
}

// maxRefusal is the most a refusal may weigh: it says where and what is wrong, it does not
// echo a huge input back (TOMP lists at most 10 errors, the others every violation).
const maxRefusal = 64 << 10

// badInputTally counts what the corpus got back.
type badInputTally struct {
	mu                  sync.Mutex
	tried, refused, bad int
	byStatus            map[int]int
}

func (b *badInputTally) add(status int, problem string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tried++
	if b.byStatus == nil {
		b.byStatus = map[int]int{}
	}
	b.byStatus[status]++
	if status >= 400 && status < 500 && problem == "" {
		b.refused++
	} else {
		b.bad++
	}
}

// TestBadInputsAreRefusedInTheVendorsFormat sends every curated bad input to every operation
// of the five APIs: each must answer a 4xx in the API's own error format that keeps to the
// contract (servertest checks each answer), never a 5xx, never a panic or a dropped
// connection.
func TestBadInputsAreRefusedInTheVendorsFormat(t *testing.T) {
	srv, ops := newServer(t)
	client := &http.Client{}
	tally := &badInputTally{}
	check := func(t *testing.T, o operation, what string, status int, body []byte, err error, mayPass bool) {
		t.Helper()
		if err != nil {
			tally.add(0, err.Error())
			t.Errorf("%s: %s: %v", o, what, err)
			return
		}
		problem := ""
		if mayPass && status >= 200 && status < 300 {
			tally.add(status, "")
			return
		}
		if status < 400 || status >= 500 {
			problem = fmt.Sprintf("answered %d, want a 4xx", status)
		} else if p := vendorFormat(o.api.ID, body); p != "" {
			problem = p
		} else if len(body) > maxRefusal {
			problem = fmt.Sprintf("a refusal of %d bytes echoes the input", len(body))
		}
		tally.add(status, problem)
		if problem != "" {
			t.Errorf("%s: %s: %s: %.300s", o, what, problem, body)
		}
	}
	for _, o := range ops {
		t.Run(o.api.ID+"/"+o.id, func(t *testing.T) {
			if o.contentType != "" {
				for _, c := range bodyCases() {
					ct, body := c.make(o)
					status, answer, err := send(client, srv.URL, o.method, o.validPath(), ct, o.headers(), body)
					check(t, o, c.name, status, answer, err, c.mayPass != nil && c.mayPass(o))
				}
			}
			for i := range o.params {
				for name, v := range paramCases() {
					if !o.params[i].integer && (name == "empty" || name == "JSON" || name == "space and quotes") && o.params[i].in == "query" {
						continue // a free-text query value may hold these
					}
					path := o.path(func(p param) string {
						if p.name == o.params[i].name {
							return v
						}
						return p.value
					})
					var body []byte
					if o.contentType != "" {
						body = o.exampleJSON()
					}
					status, answer, err := send(client, srv.URL, o.method, path, o.contentType, o.headers(), body)
					check(t, o, fmt.Sprintf("%s %s: %s", o.params[i].in, o.params[i].name, name), status, answer, err, false)
				}
			}
			for name, v := range headerCases() {
				h := o.headers()
				if len(h) == 0 {
					break // credentials in the body
				}
				for k := range o.api.DemoCredentials.Headers {
					if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "X-Api-Key") {
						h[k] = v
					}
				}
				var body []byte
				if o.contentType != "" {
					body = o.exampleJSON()
				}
				status, answer, err := send(client, srv.URL, o.method, o.validPath(), o.contentType, h, body)
				check(t, o, "credential header: "+name, status, answer, err, false)
			}
		})
	}
	t.Logf("figures: bad inputs tried %d, refused with a 4xx in the vendor's format %d, other answers %d, by status %v",
		tally.tried, tally.refused, tally.bad, tally.byStatus)
	if tally.tried < len(ops)*10 {
		t.Errorf("only %d bad inputs tried over %d operations", tally.tried, len(ops))
	}
}

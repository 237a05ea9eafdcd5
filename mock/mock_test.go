package mock_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"testing"

	"github.com/paxkit/paxkit/mock"
)

// TestEveryDocumentedResponse asks every operation of the five APIs for every response it
// documents (Prefer: code=N), in both modes, and for every documented example; servertest
// validates each answer against the contract, so a single invalid field fails the test.
func TestEveryDocumentedResponse(t *testing.T) {
	modes := []mock.Mode{mock.Static, mock.Dynamic}
	if raceEnabled {
		// The race detector finds nothing more in a second pass over the same handlers.
		modes = modes[1:]
	}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			srv, apis := startMock(t, mock.Options{Mode: mode, Seed: 7})
			for _, a := range apis {
				for i, o := range operations(a) {
					c := validCall(t, a, o.path, o.method, o.op, o.item, uint64(i))
					var codes []int
					for k := range o.op.Responses.Map() {
						if n, err := strconv.Atoi(k); err == nil {
							codes = append(codes, n)
						}
					}
					sort.Ints(codes)
					if len(codes) == 0 {
						t.Fatalf("%s %s %s documents no status", a.ID, o.method, o.path)
					}
					for _, code := range codes {
						resp := c.do(srv, "Prefer", fmt.Sprintf("code=%d", code))
						if resp.Status != code {
							t.Errorf("%s %s %s Prefer code=%d: got %d: %s", a.ID, o.method, o.path, code, resp.Status, resp.Body)
						}
						r := o.op.Responses.Status(code).Value
						for mt, media := range r.Content {
							for name := range media.Examples {
								resp := c.do(srv, "Prefer", fmt.Sprintf("code=%d, example=%s", code, name), "Accept", mt)
								if resp.Status != code {
									t.Errorf("%s %s example %s: got %d: %s", a.ID, o.op.OperationID, name, resp.Status, resp.Body)
								}
								var got, want any
								_ = json.Unmarshal(resp.Body, &got)
								b, _ := json.Marshal(media.Examples[name].Value.Value)
								_ = json.Unmarshal(b, &want)
								if !equalJSON(got, want) {
									t.Errorf("%s %s example %s: body is not the example:\n%s", a.ID, o.op.OperationID, name, resp.Body)
								}
							}
						}
					}
					// Without a preference: the first documented 2xx.
					resp := c.do(srv)
					if want := firstSuccess(codes); resp.Status != want {
						t.Errorf("%s %s: default status %d, want %d: %s", a.ID, o.op.OperationID, resp.Status, want, resp.Body)
					}
				}
			}
		})
	}
}

func firstSuccess(codes []int) int {
	for _, c := range codes {
		if c >= 200 && c < 300 {
			return c
		}
	}
	return codes[0]
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

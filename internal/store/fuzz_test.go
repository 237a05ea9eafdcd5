package store

import (
	"encoding/json"
	"testing"
)

// FuzzImport feeds arbitrary snapshots to Import. It must never panic; a failed Import must
// leave the store as it was; a successful one must export a snapshot that imports back to the
// same state.
func FuzzImport(f *testing.F) {
	for _, seed := range []string{
		`{}`,
		`{"accounts":{"demo":[{"id":"a","email":"A@b","phones":["1"],"name":"x y","created":"1"}]}}`,
		`{"accounts":{"demo":[{"id":"a"},{"id":"a"}]},"nope":{}}`,
		`{"accounts":{"demo":[{"id":"a","email":"e"},{"id":"b","email":"E"}]}}`,
		`{"notes":{"demo":[null,{"id":"n","text":"t"}]},"bookings":{"":[{"id":"b","account":"a","x":1}]}}`,
		`{"bookings":{"demo":[1,"s",[],{"id":"b"}]},"accounts":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var snap Snapshot
		if json.Unmarshal(data, &snap) != nil {
			return
		}
		fx := newFixture()
		fx.put(t, "demo", ann, bob)
		before := fx.export(t)
		if err := fx.s.Import(snap); err != nil {
			if after := fx.export(t); after != before {
				t.Fatalf("failed Import (%v) changed the store", err)
			}
			return
		}
		fx.verify(t)
		once := fx.export(t)
		var again Snapshot
		if err := json.Unmarshal([]byte(once), &again); err != nil {
			t.Fatal(err)
		}
		if err := fx.s.Import(again); err != nil {
			t.Fatalf("exported snapshot does not import: %v", err)
		}
		if twice := fx.export(t); twice != once {
			t.Fatalf("round trip changed the state:\n%s\n%s", once, twice)
		}
	})
}

package server

import (
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestNewRequestIDIsAUniqueVersion4UUID(t *testing.T) {
	const goroutines, each = 8, 5000
	ids := make(chan string, goroutines*each)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				ids <- newRequestID()
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	// Every bit outside the version and variant must vary across ids, or the generator is
	// not filling the whole UUID.
	var ones, zeros [16]byte
	for i := range zeros {
		zeros[i] = 0xff
	}
	for id := range ids {
		u, err := uuid.Parse(id)
		if err != nil {
			t.Fatalf("%q is not a UUID: %v", id, err)
		}
		if u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("%s: version %d variant %v, want 4 and RFC 4122", id, u.Version(), u.Variant())
		}
		if id != u.String() {
			t.Fatalf("%q is not in canonical form", id)
		}
		if seen[id] {
			t.Fatalf("id %s drawn twice", id)
		}
		seen[id] = true
		for i := range u {
			ones[i] |= u[i]
			zeros[i] &= u[i]
		}
	}
	fixedOnes := [16]byte{6: 0x40, 8: 0x80}
	fixedZeros := [16]byte{6: 0xb0, 8: 0x40}
	for i := range ones {
		if ones[i]|fixedZeros[i] != 0xff || zeros[i]&^fixedOnes[i] != 0 {
			t.Errorf("byte %d never varies fully: seen ones %08b, seen zeros %08b", i, ones[i], ^zeros[i])
		}
	}
}

package server

import (
	"math/rand/v2"

	"github.com/google/uuid"
)

// newRequestID returns a random (version 4) UUID for a request.
//
// Why not uuid.NewString: it reads crypto/rand, a getrandom system call per request (about
// 1.5% of a small request's CPU under load). A request id has to be unique, not secret, so
// it is drawn from math/rand/v2's global generator: the runtime's ChaCha8, seeded by the
// operating system and kept per thread, so concurrent requests neither lock nor repeat.
func newRequestID() string {
	var u uuid.UUID
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range 8 {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

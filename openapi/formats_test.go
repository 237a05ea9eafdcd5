package openapi

import (
	"regexp"
	"testing"
)

// uuidPattern is the definition validateUUID keeps to.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func checkUUID(t *testing.T, s string) {
	t.Helper()
	if got, want := validateUUID(s) == nil, uuidPattern.MatchString(s); got != want {
		t.Fatalf("validateUUID(%q) accepts: %v, the pattern: %v", s, got, want)
	}
}

func TestValidateUUID(t *testing.T) {
	for _, s := range []string{
		"fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "FADD5BB6-B428-45D5-94F8-FD0D89FECE6D", "00000000-0000-0000-0000-000000000000",
		"", "fadd5bb6b42845d594f8fd0d89fece6d", "{fadd5bb6-b428-45d5-94f8-fd0d89fece6d}",
		"urn:uuid:fadd5bb6-b428-45d5-94f8-fd0d89fece6d", "fadd5bb6-b428-45d5-94f8-fd0d89fece6", "fadd5bb6-b428-45d5-94f8-fd0d89fece6d0",
		"gadd5bb6-b428-45d5-94f8-fd0d89fece6d", "fadd5bb6-b428-45d5-94f8-fd0d89fece6g", "fadd5bb6_b428-45d5-94f8-fd0d89fece6d",
		"fadd5bb6-b42-845d5-94f8-fd0d89fece6d", "fadd5bb6-b428-45d5-94f8-fd0d89fece6\n", "fadd5bb6-b428-45d5-94f8-fd0d89fec\u00e96",
	} {
		checkUUID(t, s)
	}
	// Every byte at every position of a valid UUID.
	valid := []byte("fadd5bb6-b428-45d5-94f8-fd0d89fece6d")
	for i := range valid {
		for c := range 256 {
			b := append([]byte(nil), valid...)
			b[i] = byte(c)
			checkUUID(t, string(b))
		}
	}
}

func FuzzValidateUUID(f *testing.F) {
	f.Add("fadd5bb6-b428-45d5-94f8-fd0d89fece6d")
	f.Add("fadd5bb6b42845d594f8fd0d89fece6d")
	f.Fuzz(checkUUID)
}

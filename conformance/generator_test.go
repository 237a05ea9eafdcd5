package conformance_test

import "github.com/paxkit/paxkit/conformance"

// testGenerator is the positive-case generator the tests use (nil until mock's lands).
func testGenerator() func(seed uint64) conformance.ValueGenerator { return nil }

// Package robustness holds paxkit's reliability tests (issue 11): a curated corpus of bad
// inputs sent to every operation of every built-in API, fuzz targets that drive paths, query
// parameters, headers and bodies through the whole middleware, a soak test with concurrent
// clients, and tenancy and authentication probes. The package has no code of its own: it
// tests the server as a client does, over HTTP.
package robustness

package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// Fixtures is the JSON format of `paxkit serve --fixtures FILE`, of POST /_paxkit/import and
// of GET /_paxkit/export, so that an export can be loaded again as it is:
//
//	{
//	  "tenants": {"tomp": [{"id": "demo", "credentials": {"token": "..."}}]},
//	  "state":   {"tomp.accounts": {"demo": [ {...}, ... ]}}
//	}
//
// tenants replaces the accepted tenants of each tenancy named (others keep theirs); state
// replaces the whole content of each table named (others keep theirs).
type Fixtures struct {
	Tenants map[string][]apidef.Tenant `json:"tenants,omitempty"`
	State   store.Snapshot             `json:"state,omitempty"`
}

// FixtureError lists every problem found in fixtures.
type FixtureError struct{ Problems []string }

func (e *FixtureError) Error() string {
	return "fixtures: " + strings.Join(e.Problems, "; ")
}

// DecodeFixtures reads fixtures JSON. Unknown fields are refused, so that a misspelt key
// cannot silently load nothing.
func DecodeFixtures(r io.Reader) (*Fixtures, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f Fixtures
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	if dec.More() {
		return nil, errors.New("fixtures: unexpected data after the JSON object")
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("fixtures: unexpected data after the JSON object")
	}
	return &f, nil
}

// initialState is what a fresh server (and every reset) starts from: each API's demo data,
// then the fixtures file.
type initialState struct {
	tenants map[string][]apidef.Tenant
	demo    store.Snapshot
	extra   store.Snapshot
}

// tenancies maps each tenancy to the identity check of the APIs that use it (APIs sharing a
// tenancy share its credentials, so any of them can check).
func (s *Server) tenancies() map[string]func(apidef.Tenant) (string, error) {
	known := map[string]func(apidef.Tenant) (string, error){}
	for _, m := range s.apis {
		if m.api.TenantIdentity != nil {
			known[m.api.Tenancy] = m.api.TenantIdentity
		}
	}
	return known
}

func (s *Server) buildInitialState() (initialState, error) {
	st := initialState{tenants: map[string][]apidef.Tenant{}, demo: store.Snapshot{}}
	for _, m := range s.apis {
		if len(m.api.DefaultTenants) > 0 {
			if _, dup := st.tenants[m.api.Tenancy]; dup {
				return st, fmt.Errorf("server: tenancy %q has default tenants from two APIs", m.api.Tenancy)
			}
			st.tenants[m.api.Tenancy] = m.api.DefaultTenants
		}
		for table, tenants := range m.api.DemoState {
			if _, dup := st.demo[table]; dup {
				return st, fmt.Errorf("server: table %q has demo data from two APIs", table)
			}
			st.demo[table] = tenants
		}
	}
	if f := s.cfg.Fixtures; f != nil {
		for name, list := range f.Tenants {
			st.tenants[name] = list
		}
		st.extra = f.State
	}
	if err := checkTenants(s.tenancies(), st.tenants); err != nil {
		return st, err
	}
	return st, nil
}

// applyInitialState puts the demo data and fixtures back (or, with empty, no records at all)
// in one store Import that names every table, so a request running during a reset sees the old
// state or the new one, never an empty store in between.
func (s *Server) applyInitialState(empty bool) error {
	snap := store.Snapshot{}
	for _, name := range s.store.TableNames() {
		snap[name] = map[string][]json.RawMessage{}
		if empty {
			continue
		}
		if tenants, ok := s.initial.demo[name]; ok {
			snap[name] = tenants
		}
		// The fixtures replace a table's demo data as a whole, as an import does.
		if tenants, ok := s.initial.extra[name]; ok {
			snap[name] = tenants
		}
	}
	for name := range s.initial.extra {
		if _, ok := snap[name]; !ok {
			snap[name] = s.initial.extra[name] // unknown table: Import names it in its error
		}
	}
	if err := s.store.Import(snap); err != nil {
		return fmt.Errorf("server: demo data and fixtures: %w", err)
	}
	s.tenants.replace(copyTenants(s.initial.tenants))
	return nil
}

// importFixtures applies fixtures to the running server: tenants and state together or
// neither.
func (s *Server) importFixtures(f *Fixtures) error {
	next := copyTenants(s.tenants.all())
	for name, list := range f.Tenants {
		next[name] = list
	}
	if err := checkTenants(s.tenancies(), next); err != nil {
		return err
	}
	if len(f.State) > 0 {
		if err := s.store.Import(f.State); err != nil {
			return err
		}
	}
	s.tenants.replace(next)
	return nil
}

func (s *Server) exportFixtures() (*Fixtures, error) {
	state, err := s.store.Export()
	if err != nil {
		return nil, err
	}
	return &Fixtures{Tenants: copyTenants(s.tenants.all()), State: state}, nil
}

func copyTenants(m map[string][]apidef.Tenant) map[string][]apidef.Tenant {
	out := make(map[string][]apidef.Tenant, len(m))
	for k, v := range m {
		out[k] = append([]apidef.Tenant(nil), v...)
	}
	return out
}

// MarshalFixtures renders fixtures as indented JSON, the format of an export file.
func MarshalFixtures(f *Fixtures) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	return buf.Bytes(), nil
}

// State is the server's whole state (every tenant and record) as a fixtures document, taken
// in one consistent step: `paxkit serve --state` writes it to disk.
func (s *Server) State() ([]byte, error) {
	s.adminMu.Lock()
	f, err := s.exportFixtures()
	s.adminMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("server: export state: %w", err)
	}
	return MarshalFixtures(f)
}

// RestoreState replaces the running state with a document State wrote (or any fixtures):
// all of it or, on any problem, none of it.
func (s *Server) RestoreState(f *Fixtures) error {
	s.adminMu.Lock()
	defer s.adminMu.Unlock()
	return s.importFixtures(f)
}

// Package store is paxkit's in-memory database: every API fake keeps its records in typed
// tables of one Store, partitioned by tenant (the credential a request carries).
//
// # One lock per tenant
//
// A tenant's records in every table sit behind one sync.RWMutex. Tenants never share data, so
// two tenants never need to be consistent with each other and never wait for each other. Inside
// one tenant, a single lock for all tables is what lets an API operation change several tables
// (an account and its bookings, say) as one transaction without a lock-ordering protocol:
// [Store.Update] takes the tenant's write lock, [Store.View] its read lock, and the function they
// run sees and changes that tenant only. Operations on the whole store ([Store.Export],
// [Store.Import], [Store.Reset]) take the locks of all tenants in name order, so they are atomic
// and cannot deadlock with each other or with transactions.
//
// Transactions must not nest. The lock is not reentrant, so Update or View (or Export, Import,
// Reset) called from inside a transaction function deadlocks on the same tenant; on another
// tenant it can deadlock against a goroutine nesting the other way round or against a
// whole-store operation.
//
// # Clones
//
// Values go in and come out as deep copies ([Config.Clone]). A stored value is never visible to
// callers, so it cannot change behind the store's back: its index keys, computed when it was
// put, stay true for as long as it is stored, and a caller holding a value from an earlier
// transaction holds a private snapshot rather than a view that changes under a concurrent
// writer (which would also be a data race).
//
// # Undo log
//
// Writes change the live indexes at once, so reads in the same transaction see them, and each
// write records how to revert itself. When the transaction function returns an error, panics or
// exits the goroutine, the log is replayed in reverse order, restoring records and every index;
// on success it is dropped. This costs memory proportional to the writes of one transaction,
// where copy-on-write of a tenant's tables would cost memory proportional to its size.
//
// # Indexes
//
// Records are found by id through a map and walked in id order through a B-tree
// (github.com/google/btree). Unique secondary keys map to the record holding them; non-unique
// keys map to the set of records holding them (a small sorted slice that becomes a B-tree when
// it grows, so a key shared by many records costs O(log n) per write rather than O(n)). Ordered
// indexes are B-trees of (key, id) pairs, which gives range scans and cursors that stay valid
// while records are added: a cursor is a (key, id) position, not an offset.
package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
)

// Errors returned (or, for programmer errors, panicked with) by the store.
var (
	// ErrReadOnly is returned by Put in a transaction started by View. Delete, which has no error
	// result, panics with it.
	ErrReadOnly = errors.New("store: write in a read-only transaction")
	// ErrUnknownIndex is the panic value (wrapped, with the table and index names) of Lookup and
	// Scan called with an index name the table was not configured with. Index names are
	// constants in the calling code, so a wrong one is a programmer error, not a runtime
	// condition worth an error result on every lookup.
	ErrUnknownIndex = errors.New("store: unknown index")
	// ErrEmptyID is returned by Put for a record whose ID is "": such a record could never be
	// found again.
	ErrEmptyID = errors.New("store: empty id")
)

// maxProblems caps the problems Import lists: input is untrusted and a large broken file would
// otherwise produce an error message larger than the file. The rest are counted.
const maxProblems = 100

// Store holds every table of one running server. One RWMutex per tenant guards that tenant's
// records in all tables, so a transaction can span tables. Use New to create one.
type Store struct {
	mu     sync.Mutex // guards tables and names (registration only)
	tables []table
	names  map[string]int

	// tenants maps a tenant name to its *tenant. A sync.Map rather than a mutex-guarded map so
	// that finding an existing tenant, which every transaction does, takes no lock shared
	// between tenants. Entries are never removed: a transaction may hold one.
	tenants sync.Map
}

// tenant is one tenant's partition of every table.
type tenant struct {
	name string
	mu   sync.RWMutex
	// parts holds one *part[T] per table, indexed by the table's registration number; nil or
	// missing means the tenant has no records there. Created lazily, under mu held for writing.
	parts []any
}

// table is what the store needs from a *Table[T] without knowing T.
type table interface {
	name() string
	index() int
	partLen(p any) int
	export(p any) ([]json.RawMessage, error)
	build(tenant string, raws []json.RawMessage, pr *problems) any
}

// New returns an empty store with no tables.
func New() *Store {
	return &Store{names: map[string]int{}}
}

// Tx is a transaction on one tenant. It is valid only inside the function passed to
// Store.Update or Store.View; using it afterwards panics. Do not call Update, View, Export,
// Import or Reset from inside that function: for the same tenant it deadlocks at once (the lock
// is not reentrant), for another it can deadlock against other goroutines. A read-write Tx must not be used by several goroutines at
// once; a read-only one may be.
type Tx struct {
	s      *Store
	t      *tenant // nil in a View of a tenant that has never been written
	tenant string
	write  bool
	shared bool // reads return stored values without copying them (ViewShared)
	done   bool
	undo   []func()
}

// Tenant returns the tenant the transaction works on.
func (tx *Tx) Tenant() string { return tx.tenant }

// Update runs fn in a read-write transaction on one tenant. If fn returns an error or panics,
// every Put/Delete it made is undone (panic is re-raised after the undo), and the error is
// returned. A runtime.Goexit in fn (t.FailNow in a test) also undoes the writes.
func (s *Store) Update(tenant string, fn func(tx *Tx) error) (err error) {
	tn := s.tenant(tenant, true)
	tn.mu.Lock()
	defer tn.mu.Unlock() // registered first so it runs after the rollback below
	tx := &Tx{s: s, t: tn, tenant: tenant, write: true}
	finished := false
	defer func() {
		tx.done = true
		if finished && err == nil {
			return
		}
		// fn failed, panicked or called runtime.Goexit (then recover returns nil).
		r := recover()
		for i := len(tx.undo) - 1; i >= 0; i-- {
			tx.undo[i]()
		}
		tx.undo = nil
		if r != nil {
			panic(r)
		}
	}()
	err = fn(tx)
	finished = true
	return err
}

// View runs fn in a read-only transaction (Put returns ErrReadOnly, Delete panics with it).
func (s *Store) View(tenant string, fn func(tx *Tx) error) error {
	// A View never creates the tenant: reads with arbitrary credentials must not grow the store.
	tn := s.tenant(tenant, false)
	tx := &Tx{s: s, t: tn, tenant: tenant}
	if tn != nil {
		tn.mu.RLock()
		defer tn.mu.RUnlock()
	}
	defer func() { tx.done = true }()
	return fn(tx)
}

// ViewShared is View for reads that only look at what they read, such as writing it out as
// JSON: Get, Lookup and Scan return stored values themselves instead of deep copies (what
// Config.Clone makes). The store never changes a stored value in place (a write stores a copy
// of what it is given and replaces the record's value whole), so a value read here stays valid
// and unchanged after the view ends, whatever is written meanwhile. The caller must not change
// it or anything it points to: that would change the store without a transaction.
//
// Why: a page of 100 Mews customers was 100 deep copies (dozens of allocations each), most of
// a cursor page's cost and, with a large store, the garbage that made its p99 the collector's.
func (s *Store) ViewShared(tenant string, fn func(tx *Tx) error) error {
	return s.View(tenant, func(tx *Tx) error {
		tx.shared = true
		return fn(tx)
	})
}

// tenant returns the named tenant, creating it when create is set; otherwise it may return nil.
func (s *Store) tenant(name string, create bool) *tenant {
	if v, ok := s.tenants.Load(name); ok {
		return v.(*tenant)
	}
	if !create {
		return nil
	}
	v, _ := s.tenants.LoadOrStore(name, &tenant{name: name})
	return v.(*tenant)
}

// allTenants returns every tenant sorted by name, the order in which whole-store operations
// lock them (a fixed order is what keeps two such operations from deadlocking).
func (s *Store) allTenants() []*tenant {
	var ts []*tenant
	s.tenants.Range(func(_, v any) bool {
		ts = append(ts, v.(*tenant))
		return true
	})
	slices.SortFunc(ts, func(a, b *tenant) int { return cmp.Compare(a.name, b.name) })
	return ts
}

// tableList returns a copy of the registered tables, safe to use without s.mu.
func (s *Store) tableList() []table {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tables)
}

// register adds a table and returns its number; it panics on an empty or duplicate name.
func (s *Store) register(name string, mk func(idx int) table) table {
	if name == "" {
		panic("store: table with an empty name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.names == nil {
		s.names = map[string]int{}
	}
	if _, dup := s.names[name]; dup {
		panic(fmt.Sprintf("store: duplicate table %q", name))
	}
	t := mk(len(s.tables))
	s.names[name] = len(s.tables)
	s.tables = append(s.tables, t)
	return t
}

// TableNames lists the registered tables in registration order. Naming every table in one
// Import replaces the whole state in one atomic step (what a server reset needs).
func (s *Store) TableNames() []string {
	tables := s.tableList()
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name()
	}
	return names
}

// Tenants returns the tenants holding at least one record, sorted.
func (s *Store) Tenants() []string {
	tables := s.tableList()
	var names []string
	for _, tn := range s.allTenants() {
		tn.mu.RLock()
		for _, tb := range tables {
			if tb.index() < len(tn.parts) && tn.parts[tb.index()] != nil && tb.partLen(tn.parts[tb.index()]) > 0 {
				names = append(names, tn.name)
				break
			}
		}
		tn.mu.RUnlock()
	}
	return names
}

// Reset drops every record of every tenant in every table.
func (s *Store) Reset() {
	ts := s.allTenants()
	for _, tn := range ts {
		tn.mu.Lock()
	}
	for _, tn := range ts {
		tn.parts = nil
		tn.mu.Unlock()
	}
}

// Snapshot is the exported content of a store: table name -> tenant -> records (JSON, ordered by
// id).
type Snapshot map[string]map[string][]json.RawMessage

// Export returns the content of every table: table name -> tenant -> records (JSON, ordered by
// id). Tenants with no records in a table are left out; every registered table is present, with
// an empty map when it holds nothing, so that importing the snapshot reproduces the state
// exactly (Import keeps the records of tables a snapshot does not name). The snapshot is
// consistent: no transaction runs while it is taken.
func (s *Store) Export() (Snapshot, error) {
	tables := s.tableList()
	ts := s.allTenants()
	for _, tn := range ts {
		tn.mu.RLock()
	}
	defer func() {
		for _, tn := range ts {
			tn.mu.RUnlock()
		}
	}()
	snap := make(Snapshot, len(tables))
	for _, tb := range tables {
		byTenant := map[string][]json.RawMessage{}
		snap[tb.name()] = byTenant
		for _, tn := range ts {
			if tb.index() >= len(tn.parts) || tn.parts[tb.index()] == nil || tb.partLen(tn.parts[tb.index()]) == 0 {
				continue
			}
			recs, err := tb.export(tn.parts[tb.index()])
			if err != nil {
				return nil, fmt.Errorf("store: export %s/%s: %w", tb.name(), tn.name, err)
			}
			byTenant[tn.name] = recs
		}
	}
	return snap, nil
}

// Import replaces the whole content of the tables named in the snapshot (tables not named keep
// their records). All-or-nothing: every record is decoded (unknown fields are an error), every
// Validate hook run and every uniqueness constraint checked before anything changes; an unknown
// table name, an empty tenant name, a duplicate id, an empty id or a unique-key clash is an error
// naming table, tenant and record index (e.g. `tomp.accounts/demo[3]: duplicate id "x"`). All
// problems found are returned (errors.Join), up to a limit of 100 plus a count of the rest.
//
// The input may be untrusted: a panic in decoding or in a Config hook (an ID function
// dereferencing a null record, say) is reported as a problem of that record.
func (s *Store) Import(snap Snapshot) error {
	s.mu.Lock()
	names := maps.Clone(s.names)
	tables := slices.Clone(s.tables)
	s.mu.Unlock()

	// Build the new partitions without holding any tenant lock: decoding is the slow part, and
	// the live data is not needed to check a snapshot that replaces it.
	var pr problems
	type built struct {
		tb    table
		parts map[string]any
	}
	var work []built
	for _, tname := range sortedKeys(snap) {
		i, ok := names[tname]
		if !ok {
			pr.add(fmt.Errorf("unknown table %q", tname))
			continue
		}
		b := built{tb: tables[i], parts: map[string]any{}}
		for _, tenant := range sortedKeys(snap[tname]) {
			if tenant == "" {
				pr.add(fmt.Errorf("%s: empty tenant name", tname))
				continue
			}
			if recs := snap[tname][tenant]; len(recs) > 0 {
				b.parts[tenant] = b.tb.build(tenant, recs, &pr)
			}
		}
		work = append(work, b)
	}
	if err := pr.err(); err != nil {
		return err
	}

	// Make sure every imported tenant exists, then swap the partitions in with every tenant
	// locked so no transaction or export sees a half-imported store.
	for _, b := range work {
		for tenant := range b.parts {
			s.tenant(tenant, true)
		}
	}
	ts := s.allTenants()
	for _, tn := range ts {
		tn.mu.Lock()
	}
	for _, tn := range ts {
		for _, b := range work {
			p := b.parts[tn.name] // nil when the snapshot has no records for this tenant
			if idx := b.tb.index(); idx < len(tn.parts) {
				tn.parts[idx] = p
			} else if p != nil {
				tn.parts = append(tn.parts, make([]any, idx+1-len(tn.parts))...)
				tn.parts[idx] = p
			}
		}
		tn.mu.Unlock()
	}
	return nil
}

// problems collects Import errors up to maxProblems and counts the rest.
type problems struct {
	errs []error
	more int
}

func (p *problems) add(err error) {
	if len(p.errs) < maxProblems {
		p.errs = append(p.errs, err)
		return
	}
	p.more++
}

func (p *problems) err() error {
	if p.more > 0 {
		return errors.Join(append(p.errs, fmt.Errorf("... and %d more problems", p.more))...)
	}
	return errors.Join(p.errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// decodeStrict decodes one record, refusing unknown fields and anything after the value.
func decodeStrict[T any](raw []byte) (T, error) {
	var v T
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			return v, errors.New("empty record")
		}
		return v, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return v, errors.New("unexpected data after the record")
	}
	return v, nil
}

// safely runs f, turning a panic into an error: Import runs Config hooks and decoders on
// untrusted input and must not bring the server down.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

package store

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/google/btree"
)

// Config describes a table. The ID, Keys and Key functions must be pure functions of the
// record: the store calls them again on a stored value to find the index entries to remove when
// the record is replaced or deleted.
type Config[T any] struct {
	Name     string         // unique per Store, e.g. "tomp.accounts"; used in snapshots
	ID       func(T) string // primary key of a record
	Clone    func(T) T      // deep copy; nil means plain assignment is a full copy
	Validate func(T) error  // optional, run by Import on each record (not by Put)
	Unique   []Index[T]     // unique secondary keys (a record may have 0..n keys; "" is ignored)
	Multi    []Index[T]     // non-unique secondary keys
	Ordered  []Order[T]     // ordered indexes for ranges and cursor paging
}

// Index is a secondary index: Keys returns the keys a record is found under (normalise them,
// e.g. lowercase e-mail addresses, in Keys and when looking up). Duplicates and "" are ignored.
//
// Unordered (non-unique indexes only) gives up Lookup's id order: the records of a key come in
// the order they were indexed. A key's records are then kept in that order, so that indexing a
// new record under a key shared by very many others appends instead of comparing its id with
// theirs at every level of a B-tree (a trigram index of names, where each record has dozens of
// keys and some keys are held by nearly every record, spent most of an insert on those id
// comparisons). For indexes whose callers sort what they look up, or only count it.
type Index[T any] struct {
	Name      string
	Keys      func(T) []string
	Unordered bool
}

// Order is an ordered index: records sort by (Key, ID). Every record is in every ordered index;
// a record whose Key is "" sorts first.
type Order[T any] struct {
	Name string
	Key  func(T) string
}

// ConflictError is returned by Put when a unique key of the record belongs to another record.
type ConflictError struct {
	Table, Index, Key string
	ID                string // the record already holding Key
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("store: %s: key %q of unique index %q already belongs to id %q", e.Table, e.Key, e.Index, e.ID)
}

// Table is a typed table of a Store. Its methods take the transaction they run in; the tenant
// is the transaction's.
type Table[T any] struct {
	s      *Store
	idx    int
	cfg    Config[T]
	unique map[string]int // index name -> position in cfg.Unique
	multi  map[string]int
	order  map[string]int
}

const (
	// degree of every B-tree: nodes of up to 63 items keep the per-item overhead (node headers,
	// child pointers) to a few bytes while an insert moves at most a few hundred bytes.
	degree = 32
	// freeListSize bounds the recycled nodes each tree keeps. Trees are per tenant and per
	// index, so the default (32 nodes, up to 48 KB for an ordered index) would add up.
	freeListSize = 4
	// smallPosting is the size up to which the records sharing a non-unique key are a sorted
	// slice; beyond it they become a B-tree (a seqList in an Unordered index) so that writes
	// stay O(log n) for keys shared by very many records (a common surname, a status).
	smallPosting = 32
)

// NewTable registers a table in s; it panics on a duplicate or empty name or index name, a
// missing ID or key function, or an Unordered unique index (programmer error). Index names
// are unique within a table across Unique, Multi and Ordered; the order name "" is the id
// order.
func NewTable[T any](s *Store, cfg Config[T]) *Table[T] {
	if cfg.ID == nil {
		panic(fmt.Sprintf("store: table %q without an ID function", cfg.Name))
	}
	// Own copies, so that a caller changing its slices later cannot desynchronise the indexes.
	cfg.Unique = slices.Clone(cfg.Unique)
	cfg.Multi = slices.Clone(cfg.Multi)
	cfg.Ordered = slices.Clone(cfg.Ordered)
	t := &Table[T]{s: s, cfg: cfg, unique: map[string]int{}, multi: map[string]int{}, order: map[string]int{}}
	seen := map[string]bool{}
	name := func(n string, missingFn bool) {
		switch {
		case n == "":
			panic(fmt.Sprintf("store: table %q: index with an empty name", cfg.Name))
		case seen[n]:
			panic(fmt.Sprintf("store: table %q: duplicate index %q", cfg.Name, n))
		case missingFn:
			panic(fmt.Sprintf("store: table %q: index %q without a key function", cfg.Name, n))
		}
		seen[n] = true
	}
	for i, ix := range cfg.Unique {
		name(ix.Name, ix.Keys == nil)
		if ix.Unordered {
			// A unique key has one record: there is no order to give up.
			panic(fmt.Sprintf("store: table %q: unique index %q cannot be Unordered", cfg.Name, ix.Name))
		}
		t.unique[ix.Name] = i
	}
	for i, ix := range cfg.Multi {
		name(ix.Name, ix.Keys == nil)
		t.multi[ix.Name] = i
	}
	for i, o := range cfg.Ordered {
		name(o.Name, o.Key == nil)
		t.order[o.Name] = i
	}
	s.register(cfg.Name, func(idx int) table { t.idx = idx; return t })
	return t
}

// Name returns the table's name.
func (t *Table[T]) Name() string { return t.cfg.Name }

// rec is a stored record. Stored values are never mutated in place: callers see clones (or, in
// a ViewShared, the values themselves, which they must not change), and the store replaces v
// whole, so index entries can point at the rec and a shared read stays valid.
type rec[T any] struct {
	id  string
	seq uint64 // when it was inserted in its partition: its place in unordered postings
	v   T
}

// ordItem is an entry of an ordered index.
type ordItem[T any] struct {
	key string
	r   *rec[T]
}

// posting is the set of records sharing a non-unique key, ordered by id (by seq in an unordered
// index): small while it has at most smallPosting records, big (bySeq) after.
type posting[T any] struct {
	small []*rec[T]
	big   *btree.BTreeG[*rec[T]]
	bySeq *seqList[T]
}

// part is one tenant's partition of one table.
type part[T any] struct {
	seq   uint64 // the last sequence number given to a record
	byID  map[string]*rec[T]
	ids   *btree.BTreeG[*rec[T]]
	uniq  []map[string]*rec[T]
	multi []postings[T]
	ord   []*btree.BTreeG[ordItem[T]]
}

// keySet holds a record's index keys, computed once per write, before anything changes, so that
// a panicking key function cannot leave a record half indexed.
type keySet struct {
	uniq  [][]string
	multi [][]string
	ord   []string
}

func recLess[T any](a, b *rec[T]) bool { return a.id < b.id }

func ordLess[T any](a, b ordItem[T]) bool {
	return a.key < b.key || a.key == b.key && a.r.id < b.r.id
}

func newRecTree[T any]() *btree.BTreeG[*rec[T]] {
	return btree.NewWithFreeListG(degree, recLess[T], btree.NewFreeListG[*rec[T]](freeListSize))
}

func (t *Table[T]) newPart() *part[T] {
	p := &part[T]{
		byID:  map[string]*rec[T]{},
		ids:   newRecTree[T](),
		uniq:  make([]map[string]*rec[T], len(t.cfg.Unique)),
		multi: make([]postings[T], len(t.cfg.Multi)),
		ord:   make([]*btree.BTreeG[ordItem[T]], len(t.cfg.Ordered)),
	}
	for i := range p.uniq {
		p.uniq[i] = map[string]*rec[T]{}
	}
	for i, ix := range t.cfg.Multi {
		p.multi[i] = postings[T]{m: map[string]posting[T]{}, unordered: ix.Unordered}
	}
	for i := range p.ord {
		p.ord[i] = btree.NewWithFreeListG(degree, ordLess[T], btree.NewFreeListG[ordItem[T]](freeListSize))
	}
	return p
}

// part returns the transaction's partition of t, creating it if create is set (which requires
// the write lock); otherwise it may return nil. It panics on a transaction that has ended or
// belongs to another store: both are programmer errors that would otherwise read or write
// without the lock.
func (t *Table[T]) part(tx *Tx, create bool) *part[T] {
	switch {
	case tx == nil:
		panic("store: nil transaction")
	case tx.done:
		panic("store: transaction used after it ended")
	case tx.s != t.s:
		panic(fmt.Sprintf("store: table %q used with a transaction of another store", t.cfg.Name))
	}
	if tx.t == nil {
		return nil
	}
	if t.idx < len(tx.t.parts) {
		if p, ok := tx.t.parts[t.idx].(*part[T]); ok {
			return p
		}
	}
	if !create {
		return nil
	}
	if t.idx >= len(tx.t.parts) {
		tx.t.parts = append(tx.t.parts, make([]any, t.idx+1-len(tx.t.parts))...)
	}
	p := t.newPart()
	tx.t.parts[t.idx] = p
	return p
}

// read is how a stored value leaves the store: a copy, or the value itself in a ViewShared.
func (t *Table[T]) read(tx *Tx, v T) T {
	if tx.shared {
		return v
	}
	return t.clone(v)
}

func (t *Table[T]) clone(v T) T {
	if t.cfg.Clone == nil {
		return v
	}
	return t.cfg.Clone(v)
}

// keysOf computes every index key of v.
func (t *Table[T]) keysOf(v T) keySet {
	var k keySet
	if n := len(t.cfg.Unique); n > 0 {
		k.uniq = make([][]string, n)
		for i, ix := range t.cfg.Unique {
			k.uniq[i] = normalize(ix.Keys(v))
		}
	}
	if n := len(t.cfg.Multi); n > 0 {
		k.multi = make([][]string, n)
		for i, ix := range t.cfg.Multi {
			k.multi[i] = normalize(ix.Keys(v))
		}
	}
	if n := len(t.cfg.Ordered); n > 0 {
		k.ord = make([]string, n)
		for i, o := range t.cfg.Ordered {
			k.ord[i] = o.Key(v)
		}
	}
	return k
}

// normalize returns keys sorted, without duplicates and without "". The common cases (no key,
// one key, keys already in order) return keys itself; otherwise it works on a copy, since keys
// may be a slice of the record itself.
func normalize(keys []string) []string {
	ok := true
	for i, k := range keys {
		if k == "" || i > 0 && keys[i-1] >= k {
			ok = false
			break
		}
	}
	if ok {
		return keys
	}
	out := slices.Clone(keys)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}

// conflict returns the first unique key of k held by a record other than id.
func (p *part[T]) conflict(t *Table[T], id string, k keySet) *ConflictError {
	for i, keys := range k.uniq {
		for _, key := range keys {
			if r, ok := p.uniq[i][key]; ok && r.id != id {
				return &ConflictError{Table: t.cfg.Name, Index: t.cfg.Unique[i].Name, Key: key, ID: r.id}
			}
		}
	}
	return nil
}

// insert adds a record that is not in p; the caller has checked uniqueness.
func (p *part[T]) insert(id string, v T, k keySet) {
	p.seq++
	r := &rec[T]{id: id, seq: p.seq, v: v}
	p.byID[id] = r
	p.ids.ReplaceOrInsert(r)
	for i, keys := range k.uniq {
		for _, key := range keys {
			p.uniq[i][key] = r
		}
	}
	for i, keys := range k.multi {
		for _, key := range keys {
			p.multi[i].add(key, r)
		}
	}
	for i, key := range k.ord {
		p.ord[i].ReplaceOrInsert(ordItem[T]{key: key, r: r})
	}
}

// replace gives r the value v, moving only the index entries whose keys changed; old are the
// keys of the current value. The caller has checked uniqueness.
func (p *part[T]) replace(r *rec[T], v T, old, k keySet) {
	for i := range k.uniq {
		for _, key := range old.uniq[i] {
			if !contains(k.uniq[i], key) {
				delete(p.uniq[i], key)
			}
		}
		for _, key := range k.uniq[i] {
			p.uniq[i][key] = r
		}
	}
	for i := range k.multi {
		for _, key := range old.multi[i] {
			if !contains(k.multi[i], key) {
				p.multi[i].removeFrom(key, r)
			}
		}
		for _, key := range k.multi[i] {
			if !contains(old.multi[i], key) {
				p.multi[i].add(key, r)
			}
		}
	}
	for i, key := range k.ord {
		if key != old.ord[i] {
			p.ord[i].Delete(ordItem[T]{key: old.ord[i], r: r})
			p.ord[i].ReplaceOrInsert(ordItem[T]{key: key, r: r})
		}
	}
	r.v = v
}

// remove takes r, whose keys are k, out of p.
func (p *part[T]) remove(r *rec[T], k keySet) {
	delete(p.byID, r.id)
	p.ids.Delete(r)
	for i, keys := range k.uniq {
		for _, key := range keys {
			delete(p.uniq[i], key)
		}
	}
	for i, keys := range k.multi {
		for _, key := range keys {
			p.multi[i].removeFrom(key, r)
		}
	}
	for i, key := range k.ord {
		p.ord[i].Delete(ordItem[T]{key: key, r: r})
	}
}

// contains reports whether the sorted keys hold key (keys per record are few, a linear scan
// beats a binary search).
func contains(keys []string, key string) bool {
	return slices.Contains(keys, key)
}

func cmpRec[T any](r *rec[T], id string) int {
	switch {
	case r.id < id:
		return -1
	case r.id > id:
		return 1
	}
	return 0
}

func cmpSeq[T any](r *rec[T], seq uint64) int {
	switch {
	case r.seq < seq:
		return -1
	case r.seq > seq:
		return 1
	}
	return 0
}

// postings is a non-unique index of one partition: key -> records holding it.
type postings[T any] struct {
	m         map[string]posting[T]
	unordered bool
}

// find is r's place in a small posting, by the index's order.
func (x postings[T]) find(small []*rec[T], r *rec[T]) (int, bool) {
	if x.unordered {
		return slices.BinarySearchFunc(small, r.seq, cmpSeq[T])
	}
	return slices.BinarySearchFunc(small, r.id, cmpRec[T])
}

// add indexes r under key.
func (x postings[T]) add(key string, r *rec[T]) {
	ps := x.m[key]
	switch {
	case ps.big != nil:
		ps.big.ReplaceOrInsert(r)
		return
	case ps.bySeq != nil:
		ps.bySeq.insert(r)
		return
	}
	i, found := x.find(ps.small, r)
	switch {
	case found:
		ps.small[i] = r
	case len(ps.small) < smallPosting:
		ps.small = slices.Insert(ps.small, i, r)
	case x.unordered:
		ps.bySeq = newSeqList(ps.small)
		ps.bySeq.insert(r)
		ps.small = nil
	default:
		ps.big = newRecTree[T]()
		for _, y := range ps.small {
			ps.big.ReplaceOrInsert(y)
		}
		ps.big.ReplaceOrInsert(r)
		ps.small = nil
	}
	x.m[key] = ps
}

// removeFrom removes r from the posting of key, dropping the key when no record is left.
func (x postings[T]) removeFrom(key string, r *rec[T]) {
	ps, ok := x.m[key]
	if !ok {
		return
	}
	switch {
	case ps.big != nil:
		ps.big.Delete(r)
	case ps.bySeq != nil:
		ps.bySeq.delete(r.seq)
	default:
		i, found := x.find(ps.small, r)
		if !found {
			return
		}
		// Delete in place would leave a stale pointer in the spare capacity; slices.Delete
		// clears it.
		ps.small = slices.Delete(ps.small, i, i+1)
		x.m[key] = ps
	}
	if ps.len() == 0 {
		delete(x.m, key)
	}
}

// len is how many records hold the posting's key.
func (ps posting[T]) len() int {
	switch {
	case ps.big != nil:
		return ps.big.Len()
	case ps.bySeq != nil:
		return ps.bySeq.len()
	}
	return len(ps.small)
}

// each calls fn for the records of the posting in its order until fn returns false.
func (ps posting[T]) each(fn func(*rec[T]) bool) {
	switch {
	case ps.big != nil:
		ps.big.Ascend(btree.ItemIteratorG[*rec[T]](fn))
	case ps.bySeq != nil:
		ps.bySeq.each(fn)
	default:
		for _, r := range ps.small {
			if !fn(r) {
				return
			}
		}
	}
}

// Get returns the record with the given id.
func (t *Table[T]) Get(tx *Tx, id string) (T, bool) {
	p := t.part(tx, false)
	if p == nil {
		var zero T
		return zero, false
	}
	r, ok := p.byID[id]
	if !ok {
		var zero T
		return zero, false
	}
	return t.read(tx, r.v), true
}

// Lookup returns the records holding key in a unique or non-unique index, ordered by id (in an
// Unordered index, in the order they were indexed; nil when there are none). The key is compared as is: normalise it as the index's Keys does. It
// panics with an error wrapping ErrUnknownIndex when the table has no such index.
func (t *Table[T]) Lookup(tx *Tx, index, key string) []T {
	ui, isUnique := t.unique[index]
	mi, isMulti := t.multi[index]
	if !isUnique && !isMulti {
		panic(fmt.Errorf("%w %q in table %q", ErrUnknownIndex, index, t.cfg.Name))
	}
	p := t.part(tx, false)
	if p == nil {
		return nil
	}
	if isUnique {
		if r, ok := p.uniq[ui][key]; ok {
			return []T{t.read(tx, r.v)}
		}
		return nil
	}
	ps, ok := p.multi[mi].m[key]
	if !ok {
		return nil
	}
	var out []T
	ps.each(func(r *rec[T]) bool {
		out = append(out, t.read(tx, r.v))
		return true
	})
	return out
}

// Count returns how many records hold key in a unique or non-unique index, without reading
// them: a query with several candidate keys looks up the rarest. It panics like Lookup on an
// unknown index.
func (t *Table[T]) Count(tx *Tx, index, key string) int {
	ui, isUnique := t.unique[index]
	mi, isMulti := t.multi[index]
	if !isUnique && !isMulti {
		panic(fmt.Errorf("%w %q in table %q", ErrUnknownIndex, index, t.cfg.Name))
	}
	p := t.part(tx, false)
	if p == nil {
		return 0
	}
	if isUnique {
		if _, ok := p.uniq[ui][key]; ok {
			return 1
		}
		return 0
	}
	return p.multi[mi].m[key].len()
}

// Put inserts v, or replaces the record with the same ID. It returns a *ConflictError if a
// unique key of v belongs to another record, ErrEmptyID if v has no ID and ErrReadOnly in a
// View; nothing changes on error. Put does not run Validate.
func (t *Table[T]) Put(tx *Tx, v T) error {
	p := t.part(tx, false) // checks tx before anything else
	if !tx.write {
		return ErrReadOnly
	}
	v = t.clone(v)
	id := t.cfg.ID(v)
	if id == "" {
		return fmt.Errorf("%w in table %q", ErrEmptyID, t.cfg.Name)
	}
	k := t.keysOf(v)
	if p == nil {
		p = t.part(tx, true)
	}
	if c := p.conflict(t, id, k); c != nil {
		return c
	}
	r, exists := p.byID[id]
	if !exists {
		p.insert(id, v, k)
		tx.undo = append(tx.undo, func() {
			r := p.byID[id]
			p.remove(r, k)
		})
		return nil
	}
	prev := r.v
	old := t.keysOf(prev)
	p.replace(r, v, old, k)
	tx.undo = append(tx.undo, func() {
		p.replace(p.byID[id], prev, k, old)
	})
	return nil
}

// Delete removes the record with the given id and returns it. In a View it panics with
// ErrReadOnly: it has no error result, and silently doing nothing would hide the bug.
func (t *Table[T]) Delete(tx *Tx, id string) (T, bool) {
	p := t.part(tx, false)
	if !tx.write {
		panic(fmt.Errorf("%w: Delete in table %q", ErrReadOnly, t.cfg.Name))
	}
	var zero T
	if p == nil {
		return zero, false
	}
	r, ok := p.byID[id]
	if !ok {
		return zero, false
	}
	prev := r.v
	k := t.keysOf(prev)
	p.remove(r, k)
	tx.undo = append(tx.undo, func() { p.insert(id, prev, k) })
	// A clone even though the store no longer holds prev: the undo log does, and may put it back.
	return t.clone(prev), true
}

// Len returns the number of records of the transaction's tenant in the table.
func (t *Table[T]) Len(tx *Tx) int {
	p := t.part(tx, false)
	if p == nil {
		return 0
	}
	return len(p.byID)
}

func (t *Table[T]) name() string { return t.cfg.Name }
func (t *Table[T]) index() int   { return t.idx }
func (t *Table[T]) partLen(p any) int {
	return len(p.(*part[T]).byID)
}

// export encodes the records of a partition in id order.
func (t *Table[T]) export(pa any) ([]json.RawMessage, error) {
	p := pa.(*part[T])
	out := make([]json.RawMessage, 0, len(p.byID))
	var err error
	p.ids.Ascend(func(r *rec[T]) bool {
		var b []byte
		b, err = json.Marshal(r.v)
		if err != nil {
			err = fmt.Errorf("id %q: %w", r.id, err)
			return false
		}
		out = append(out, b)
		return true
	})
	return out, err
}

// build decodes and checks the records of one tenant for Import, reporting every problem, and
// returns the partition they make.
func (t *Table[T]) build(tenant string, raws []json.RawMessage, pr *problems) any {
	p := t.newPart()
	at := map[string]int{} // id -> record index, to say which record a clash is with
	for n, raw := range raws {
		fail := func(format string, args ...any) {
			pr.add(fmt.Errorf("%s/%s[%d]: "+format, append([]any{t.cfg.Name, tenant, n}, args...)...))
		}
		var (
			v      T
			id     string
			k      keySet
			badVal error
		)
		err := safely(func() error {
			var err error
			if v, err = decodeStrict[T](raw); err != nil {
				return err
			}
			if t.cfg.Validate != nil {
				badVal = t.cfg.Validate(v)
			}
			id = t.cfg.ID(v)
			k = t.keysOf(v)
			return nil
		})
		if err != nil {
			fail("%w", err)
			continue
		}
		// An invalid record still takes part in the id and key checks below, so that one
		// Import reports its other problems too.
		if badVal != nil {
			fail("%w", badVal)
		}
		if id == "" {
			fail("empty id")
			continue
		}
		if first, dup := at[id]; dup {
			fail("duplicate id %q (also record %d)", id, first)
			continue
		}
		if c := p.conflict(t, id, k); c != nil {
			fail("key %q of unique index %q already belongs to id %q (record %d)", c.Key, c.Index, c.ID, at[c.ID])
			continue
		}
		at[id] = n
		p.insert(id, v, k)
	}
	return p
}

package store

import (
	"fmt"

	"github.com/google/btree"
)

// maxPrealloc bounds the room Scan makes for a page up front, whatever its Limit.
const maxPrealloc = 1024

// Query selects a range of an ordered index for Scan.
type Query struct {
	From, To string    // Key range [From, To); "" = unbounded on that side
	After    *Position // resume strictly after this position (cursor paging); nil = from the start
	Limit    int       // maximum number of items; 0 (or less) = no limit
}

// Position is a place in an ordered index: the (Key, ID) of a record. Positions stay meaningful
// while records are added or removed, which is what makes cursors built on them stable. In the
// id order Key and ID are both the id.
type Position struct{ Key, ID string }

// Page is the result of a Scan.
type Page[T any] struct {
	Items []T
	Next  *Position // position of the last item when more items remain, else nil
}

// Scan walks an ordered index ("" = by ID) in ascending (Key, ID) order and returns the records
// in q's range, after q.After, at most q.Limit of them. It panics with an error wrapping
// ErrUnknownIndex when the table has no such ordered index.
func (t *Table[T]) Scan(tx *Tx, order string, q Query) Page[T] {
	oi, ok := t.order[order]
	if !ok && order != "" {
		panic(fmt.Errorf("%w %q (ordered) in table %q", ErrUnknownIndex, order, t.cfg.Name))
	}
	p := t.part(tx, false)
	if p == nil {
		return Page[T]{}
	}

	// Start at (From, "") inclusive, or strictly after After if that is further on. Seeking to
	// the exact position (not just its key) keeps paging cheap when many records share a key.
	startKey, startID, exclusive := q.From, "", false
	if a := q.After; a != nil && a.Key >= q.From {
		startKey, startID, exclusive = a.Key, a.ID, true
	}
	var page Page[T]
	if q.Limit > 0 {
		// A page is usually filled: growing it from nothing copied every value several times.
		page.Items = make([]T, 0, min(q.Limit, maxPrealloc))
	}
	var last Position
	// visit handles one record at (key, id) and says whether to go on.
	visit := func(key string, r *rec[T]) bool {
		if exclusive && (key < startKey || key == startKey && r.id <= startID) {
			return true
		}
		if q.To != "" && key >= q.To {
			return false
		}
		if q.Limit > 0 && len(page.Items) == q.Limit {
			page.Next = &Position{Key: last.Key, ID: last.ID}
			return false
		}
		page.Items = append(page.Items, t.read(tx, r.v))
		last = Position{Key: key, ID: r.id}
		return true
	}
	if order == "" {
		// In id order the key is the id, so the seek goes by key; visit skips what is not past
		// After.
		p.ids.AscendGreaterOrEqual(&rec[T]{id: startKey}, func(r *rec[T]) bool {
			return visit(r.id, r)
		})
		return page
	}
	p.ord[oi].AscendGreaterOrEqual(ordItem[T]{key: startKey, r: &rec[T]{id: startID}},
		btree.ItemIteratorG[ordItem[T]](func(it ordItem[T]) bool {
			return visit(it.key, it.r)
		}))
	return page
}

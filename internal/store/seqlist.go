package store

import (
	"slices"
	"sort"
)

// seqChunk is the most records a chunk of a seqList holds (1 KiB of pointers).
const seqChunk = 128

// seqList is a big unordered posting: its records in sequence order, in chunks of at most
// seqChunk. Why not a B-tree as for ordered postings: nearly every insert is a new record,
// whose sequence number is the partition's highest, and it lands at the end; a B-tree still
// searched and split its way down to it (a Mews customer's name trigrams made this a seventh
// of an add). Here such an insert appends to the last chunk. An insert elsewhere (a record
// whose keys changed, an undone delete) and a delete search the chunk directory and then one
// chunk, so they stay O(log n) plus a copy of at most a chunk, and of the directory when a
// chunk splits or empties. Chunks filled by appends are full, so an entry costs one pointer.
type seqList[T any] struct {
	chunks [][]*rec[T] // none empty; every record of one chunk before every one of the next
	n      int
}

// newSeqList returns a list of the records rs, which are in sequence order.
func newSeqList[T any](rs []*rec[T]) *seqList[T] {
	l := &seqList[T]{}
	for _, r := range rs {
		l.insert(r)
	}
	return l
}

// chunkOf is the index of the first chunk whose last record's sequence number is seq or
// more, or len(l.chunks) when there is none.
func (l *seqList[T]) chunkOf(seq uint64) int {
	return sort.Search(len(l.chunks), func(i int) bool {
		c := l.chunks[i]
		return c[len(c)-1].seq >= seq
	})
}

// insert adds r, or replaces the record with r's sequence number.
func (l *seqList[T]) insert(r *rec[T]) {
	last := len(l.chunks) - 1
	if last < 0 || l.chunks[last][len(l.chunks[last])-1].seq < r.seq {
		// The newest record: after everything.
		if last >= 0 && len(l.chunks[last]) < seqChunk {
			l.chunks[last] = append(l.chunks[last], r)
		} else {
			c := make([]*rec[T], 1, seqChunk)
			c[0] = r
			l.chunks = append(l.chunks, c)
		}
		l.n++
		return
	}
	ci := l.chunkOf(r.seq) // exists: the last chunk ends at or after r.seq
	c := l.chunks[ci]
	j, found := slices.BinarySearchFunc(c, r.seq, cmpSeq[T])
	if found {
		c[j] = r
		return
	}
	l.n++
	if len(c) < seqChunk {
		l.chunks[ci] = slices.Insert(c, j, r)
		return
	}
	// A full chunk splits in halves, each with room for inserts before it fills again.
	left := make([]*rec[T], seqChunk/2, seqChunk)
	right := make([]*rec[T], seqChunk-seqChunk/2, seqChunk)
	copy(left, c[:seqChunk/2])
	copy(right, c[seqChunk/2:])
	if j <= seqChunk/2 {
		left = slices.Insert(left, j, r)
	} else {
		right = slices.Insert(right, j-seqChunk/2, r)
	}
	l.chunks[ci] = left
	l.chunks = slices.Insert(l.chunks, ci+1, right)
}

// delete removes the record with sequence number seq, if the list holds it.
func (l *seqList[T]) delete(seq uint64) {
	ci := l.chunkOf(seq)
	if ci == len(l.chunks) {
		return
	}
	c := l.chunks[ci]
	j, found := slices.BinarySearchFunc(c, seq, cmpSeq[T])
	if !found {
		return
	}
	l.n--
	if len(c) == 1 {
		// slices.Delete clears the slot left behind, so no stale chunk stays reachable.
		l.chunks = slices.Delete(l.chunks, ci, ci+1)
		return
	}
	l.chunks[ci] = slices.Delete(c, j, j+1)
}

// len is how many records the list holds.
func (l *seqList[T]) len() int { return l.n }

// each calls fn for the records in sequence order until fn returns false.
func (l *seqList[T]) each(fn func(*rec[T]) bool) {
	for _, c := range l.chunks {
		for _, r := range c {
			if !fn(r) {
				return
			}
		}
	}
}

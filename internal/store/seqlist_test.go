package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkSeqList compares l with the sequence numbers it should hold, in order, and checks its
// shape: no empty or overfull chunk, the count kept right.
func checkSeqList(l *seqList[int], want []uint64) error {
	var got []uint64
	for i, c := range l.chunks {
		if len(c) == 0 || len(c) > seqChunk {
			return fmt.Errorf("chunk %d holds %d records", i, len(c))
		}
	}
	l.each(func(r *rec[int]) bool {
		got = append(got, r.seq)
		return true
	})
	if !slices.Equal(got, want) {
		return fmt.Errorf("list holds %v,\nwant %v", got, want)
	}
	if l.len() != len(want) {
		return fmt.Errorf("len() = %d, want %d", l.len(), len(want))
	}
	return nil
}

// TestSeqList runs random inserts (mostly appends, as a store does, and also inserts before
// the end, replacements and deletes of held and absent numbers) against a sorted slice.
func TestSeqList(t *testing.T) {
	tests := []struct {
		name                  string
		ops                   int
		appendShare, delShare float64
	}{
		{"appends", 5 * seqChunk, 1, 0},
		{"appends and deletes", 20 * seqChunk, 0.7, 0.2},
		{"inserts anywhere", 20 * seqChunk, 0.1, 0.1},
		{"mostly deletes", 20 * seqChunk, 0.5, 0.45},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			l := newSeqList[int](nil)
			var model []uint64
			next := uint64(1000)
			for op := range tt.ops {
				x := rng.Float64()
				switch {
				case x < tt.appendShare:
					next += 1 + rng.Uint64N(3)
					l.insert(&rec[int]{seq: next})
					model = append(model, next)
				case x < tt.appendShare+tt.delShare:
					seq := rng.Uint64N(next + 2)
					l.delete(seq)
					if j, ok := slices.BinarySearch(model, seq); ok {
						model = slices.Delete(model, j, j+1)
					}
				default:
					seq := rng.Uint64N(next + 2) // before the end, at a held number, or after
					r := &rec[int]{seq: seq, v: op}
					l.insert(r)
					j, ok := slices.BinarySearch(model, seq)
					if !ok {
						model = slices.Insert(model, j, seq)
					}
					next = max(next, seq)
					// A replacement keeps the new record.
					found := false
					l.each(func(x *rec[int]) bool {
						found = x == r
						return x.seq < seq
					})
					if !found {
						t.Fatalf("op %d: record %d not the one held after its insert", op, seq)
					}
				}
				if err := checkSeqList(l, model); err != nil {
					t.Fatalf("op %d: %v", op, err)
				}
			}
		})
	}
}

// Appends fill chunks completely: an appended record costs one pointer.
func TestSeqListAppendsFillChunks(t *testing.T) {
	var rs []*rec[int]
	for i := range 3*seqChunk + 5 {
		rs = append(rs, &rec[int]{seq: uint64(i + 1)})
	}
	l := newSeqList(rs)
	if got := len(l.chunks); got != 4 {
		t.Fatalf("%d chunks, want 4", got)
	}
	for i, c := range l.chunks[:3] {
		if len(c) != seqChunk {
			t.Fatalf("chunk %d holds %d, want %d", i, len(c), seqChunk)
		}
	}
	// Emptying a chunk removes it.
	for seq := uint64(seqChunk + 1); seq <= 2*seqChunk; seq++ {
		l.delete(seq)
	}
	if got := len(l.chunks); got != 3 {
		t.Fatalf("%d chunks after emptying one, want 3", got)
	}
	l.each(func(r *rec[int]) bool {
		if r.seq > seqChunk && r.seq <= 2*seqChunk {
			t.Fatalf("deleted record %d still listed", r.seq)
		}
		return true
	})
}

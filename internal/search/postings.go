package search

import (
	"slices"
	"strings"
)

// The inverted index keeps memory compact: terms have integer ids; the
// terms of the last full build are one sorted byte string with offsets,
// and their postings one byte string too. A posting is a document ordinal
// (delta-coded) and the document's weighted term frequency, packed in a
// varint; postings of documents added since the build go to small
// per-term tails, which the next full build folds in.

// dictionary maps terms to ids.
type dictionary struct {
	data  []byte   // the build's terms, sorted, concatenated
	off   []uint32 // term i is data[off[i]:off[i+1]]
	extra map[string]uint32
}

func (d *dictionary) baseLen() int { return max(0, len(d.off)-1) }

func (d *dictionary) baseTerm(i int) string {
	return string(d.data[d.off[i]:d.off[i+1]])
}

// lookup returns a term's id.
func (d *dictionary) lookup(t string) (uint32, bool) {
	lo, hi := 0, d.baseLen()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if strings.Compare(string(d.data[d.off[m]:d.off[m+1]]), t) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < d.baseLen() && string(d.data[d.off[lo]:d.off[lo+1]]) == t {
		return uint32(lo), true
	}
	id, ok := d.extra[t]
	return id, ok
}

// withPrefix returns the ids of the terms that start with p.
func (d *dictionary) withPrefix(p string) []uint32 {
	n := d.baseLen()
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if strings.Compare(string(d.data[d.off[m]:d.off[m+1]]), p) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	var out []uint32
	for i := lo; i < n && strings.HasPrefix(d.baseTerm(i), p); i++ {
		out = append(out, uint32(i))
	}
	for t, id := range d.extra {
		if strings.HasPrefix(t, p) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// postingList is a delta-coded list of (ordinal, weight) in ascending
// ordinal order. Each posting is a varint of (gap<<2 | w-1) where gap is
// the ordinal minus the previous one minus one; w-1 = 3 means the weight
// follows as a varint of w-4.
type postingList struct {
	buf  []byte
	last int64 // last ordinal appended; -1 when empty
}

func appendPosting(buf []byte, prev int64, ord uint32, w uint32) []byte {
	gap := uint64(int64(ord) - prev - 1)
	if w >= 1 && w <= 3 {
		return appendUvarint(buf, gap<<2|uint64(w-1))
	}
	buf = appendUvarint(buf, gap<<2|3)
	return appendUvarint(buf, uint64(w-4))
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func (l *postingList) add(ord, w uint32) {
	l.buf = appendPosting(l.buf, l.last, ord, w)
	l.last = int64(ord)
}

// eachPosting calls fn for each posting of buf.
func eachPosting(buf []byte, fn func(ord, w uint32)) {
	prev := int64(-1)
	for i := 0; i < len(buf); {
		v, n := uvarint(buf[i:])
		i += n
		w := uint32(v&3) + 1
		if w == 4 {
			x, n := uvarint(buf[i:])
			i += n
			w = 4 + uint32(x)
		}
		ord := prev + 1 + int64(v>>2)
		prev = ord
		fn(uint32(ord), w)
	}
}

func uvarint(b []byte) (uint64, int) {
	if b[0] < 0x80 {
		return uint64(b[0]), 1
	}
	var v uint64
	var s uint
	for i, c := range b {
		if c < 0x80 {
			return v | uint64(c)<<s, i + 1
		}
		v |= uint64(c&0x7f) << s
		s += 7
	}
	return v, len(b)
}

// postings holds the postings of every term.
type postings struct {
	data      []byte   // the build's postings, term after term
	off       []uint32 // term i's are data[off[i]:off[i+1]]
	df        []uint32 // documents per term, build and tails
	tails     map[uint32]*postingList
	tailBytes int
}

// each calls fn for every posting of a term, in ordinal order.
func (p *postings) each(term uint32, fn func(ord, w uint32)) {
	if int(term)+1 < len(p.off) {
		eachPosting(p.data[p.off[term]:p.off[term+1]], fn)
	}
	if t := p.tails[term]; t != nil {
		eachPosting(t.buf, fn)
	}
}

package search

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// Facets are kept twice: per value, the cases that have it (a roaring
// bitmap, for filters and for counting large result sets by intersection),
// and per case, the ids of its values (a forward index, for counting small
// result sets by walking them: intersecting two sparse bitmaps costs the
// size of both, for every value).

type facetIndex struct {
	bitmaps map[string]map[string]*roaring.Bitmap // facet → value → cases
	ids     map[string]map[string]uint16          // facet → value → id
	names   []facetName                           // id → its facet and value
	off     []uint32                              // case ord's ids are vals[off[ord]:off[ord+1]]
	vals    []uint16
	full    bool // more distinct values than ids: the forward index is off
}

type facetName struct{ facet, value string }

func newFacetIndex() facetIndex {
	return facetIndex{
		bitmaps: make(map[string]map[string]*roaring.Bitmap),
		ids:     make(map[string]map[string]uint16),
		off:     []uint32{0},
	}
}

// add records the facet values ("facet:value …") of a new ordinal, the
// next one.
func (fx *facetIndex) add(ord uint32, encoded string) {
	for _, fv := range strings.Fields(encoded) {
		f, v, ok := strings.Cut(fv, ":")
		if !ok {
			continue
		}
		values := fx.bitmaps[f]
		if values == nil {
			values = make(map[string]*roaring.Bitmap)
			fx.bitmaps[f] = values
			fx.ids[f] = make(map[string]uint16)
		}
		bm := values[v]
		if bm == nil {
			bm = roaring.New()
			values[v] = bm
			if len(fx.names) <= math.MaxUint16 {
				fx.ids[f][v] = uint16(len(fx.names))
				fx.names = append(fx.names, facetName{f, v})
			} else {
				fx.full = true
			}
		}
		bm.Add(ord)
		if id, ok := fx.ids[f][v]; ok && !fx.full {
			fx.vals = append(fx.vals, id)
		}
	}
	fx.off = append(fx.off, uint32(len(fx.vals)))
}

// filterBitmaps returns, per filtered facet, the cases having one of its
// values; nil without filters.
func (st *state) filterBitmaps(ix *Index, filters map[string][]string) map[string]*roaring.Bitmap {
	if len(filters) == 0 {
		return nil
	}
	out := make(map[string]*roaring.Bitmap, len(filters))
	for f, vs := range filters {
		var list []*roaring.Bitmap
		for _, v := range vs {
			if bm := st.valueBitmap(ix, f, v); bm != nil {
				list = append(list, bm)
			}
		}
		switch len(list) {
		case 0:
			out[f] = roaring.New()
		case 1:
			out[f] = list[0]
		default:
			out[f] = roaring.FastOr(list...)
		}
	}
	return out
}

// valueBitmap returns the cases having a facet value (nil if none);
// group_now is computed from the countries and today's group table.
func (st *state) valueBitmap(ix *Index, facet, value string) *roaring.Bitmap {
	if facet != FacetGroupNow {
		return st.fac.bitmaps[facet][value]
	}
	var list []*roaring.Bitmap
	for _, c := range ix.opts.Groups.Members(value, ix.opts.Now()) {
		if bm := st.fac.bitmaps[FacetCountry][c]; bm != nil {
			list = append(list, bm)
		}
	}
	if len(list) == 0 {
		return nil
	}
	return roaring.FastOr(list...)
}

// facetValues lists the values of a facet.
func (st *state) facetValues(facet string) []string {
	if facet == FacetGroupNow {
		return []string{"LDC", "LLDC", "SIDS"}
	}
	out := make([]string, 0, len(st.fac.bitmaps[facet]))
	for v := range st.fac.bitmaps[facet] {
		out = append(out, v)
	}
	return out
}

// defaultWalkLimit is the size up to which a result set is counted by
// walking its cases rather than by intersecting bitmaps (measured on the
// benchmark's mix at 100,000 cases: n/4 and n/32 both cost more).
func defaultWalkLimit(n int) int { return max(4096, n/8) }

// countFacets counts each requested facet's values over the text matches
// filtered by every filter except the facet's own.
func (r *run) countFacets(q Query) map[string][]FacetValue {
	counts := make(map[string]map[string]int, len(q.Facets))
	// Facets without a filter of their own share one base, the results.
	var shared []string
	for _, f := range q.Facets {
		if _, done := counts[f]; done {
			continue
		}
		counts[f] = map[string]int{}
		if _, filtered := r.filters[f]; filtered {
			list := []*roaring.Bitmap{r.text}
			for g, bm := range r.filters {
				if g != f {
					list = append(list, bm)
				}
			}
			base := r.text
			if len(list) > 1 {
				base = roaring.FastAnd(list...)
			}
			r.countOver(base, []string{f}, counts)
		} else {
			shared = append(shared, f)
		}
	}
	if len(shared) > 0 {
		r.countOver(r.all, shared, counts)
	}
	return listFacets(counts, q.Filters)
}

// listFacets lists counted values, most frequent first, with each
// selected value even when none of the counted cases has it.
func listFacets(counts map[string]map[string]int, selectedBy map[string][]string) map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(counts))
	for f, byValue := range counts {
		selected := selectedBy[f]
		values := make([]FacetValue, 0, len(byValue)+len(selected))
		for v, c := range byValue {
			if c > 0 {
				values = append(values, FacetValue{Value: v, Count: c})
			}
		}
		for _, v := range selected {
			if byValue[v] == 0 {
				values = append(values, FacetValue{Value: v})
			}
		}
		slices.SortFunc(values, func(a, b FacetValue) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return naturalCompare(a.Value, b.Value)
		})
		out[f] = values
	}
	return out
}

// countOver adds to counts the values of facets over the cases of base.
func (r *run) countOver(base *roaring.Bitmap, facets []string, counts map[string]map[string]int) {
	fx := &r.st.fac
	var derived, stored []string
	for _, f := range facets {
		if f == FacetGroupNow {
			derived = append(derived, f)
		} else {
			stored = append(stored, f)
		}
	}
	for _, f := range derived {
		for _, v := range r.st.facetValues(f) {
			if bm := r.st.valueBitmap(r.ix, f, v); bm != nil {
				counts[f][v] += int(base.AndCardinality(bm))
			}
		}
	}
	if len(stored) == 0 {
		return
	}
	if fx.full || int(base.GetCardinality()) > r.ix.walkLimit(r.st.n()) {
		for _, f := range stored {
			for v, bm := range fx.bitmaps[f] {
				if c := int(base.AndCardinality(bm)); c > 0 {
					counts[f][v] += c
				}
			}
		}
		return
	}
	// Counting every value is cheaper than testing which are wanted.
	byID := make([]int32, len(fx.names))
	it := base.ManyIterator()
	var buf [256]uint32
	for m := it.NextMany(buf[:]); m > 0; m = it.NextMany(buf[:]) {
		for _, ord := range buf[:m] {
			for _, id := range fx.vals[fx.off[ord]:fx.off[ord+1]] {
				byID[id]++
			}
		}
	}
	for _, f := range stored {
		for v, id := range fx.ids[f] {
			if c := byID[id]; c > 0 {
				counts[f][v] += int(c)
			}
		}
	}
}

// naturalCompare compares strings with runs of digits by their numbers,
// so that SDG 9 comes before SDG 10 and target 8.2 before 8.10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(ra, rb); c != 0 {
			return c
		}
		a, b = a[sa:], b[sb:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingDigits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

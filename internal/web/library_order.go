package web

import (
	"bytes"
	"slices"
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/search"
)

// byLabel are the facets whose values a reader finds by name: the index
// orders values of equal count by code (ISO, M49), which means nothing
// to a reader looking for a country among those with one case.
var byLabel = map[string]bool{
	search.FacetCountry: true, search.FacetRegion: true, search.FacetSubRegion: true,
	search.FacetTechnology: true, search.FacetLanguage: true, search.FacetCall: true,
}

// labelKeys are collation keys of facet labels, per language: labels are
// the vocabularies' and the calls' titles, a few hundred per language,
// so every key is kept once made.
type labelKeys struct {
	keys sync.Map // label → []byte
	mu   sync.Mutex
	col  *collate.Collator // not safe for concurrent use: under mu
	buf  collate.Buffer
}

var labelCollation sync.Map // language → *labelKeys

// key is the collation key of label.
func (lk *labelKeys) key(label string) []byte {
	if k, ok := lk.keys.Load(label); ok {
		return k.([]byte)
	}
	lk.mu.Lock()
	k := slices.Clone(lk.col.KeyFromString(&lk.buf, label))
	lk.buf.Reset()
	lk.mu.Unlock()
	lk.keys.Store(label, k)
	return k
}

// orderByLabel puts the values of a facet that have the same count in
// the order of their labels in lang, the counts still first. Only the
// first shown values need it (all of them for 0): it sorts them, and the
// rest of the run of equal counts they end in, in place.
func orderByLabel(lang, facet string, values []app.LibraryFacet, shown int) {
	n := len(values)
	if shown > 0 && shown < n {
		n = shown
		for n < len(values) && values[n].Count == values[shown-1].Count {
			n++
		}
	}
	if !byLabel[facet] || !hasTies(values[:n]) {
		return
	}
	v, ok := labelCollation.Load(lang)
	if !ok {
		v, _ = labelCollation.LoadOrStore(lang, &labelKeys{col: collate.New(language.Make(lang + "-u-ka-shifted"))})
	}
	lk := v.(*labelKeys)
	s := byCountLabel{values: values[:n], keys: make([][]byte, n)}
	for i, f := range s.values {
		s.keys[i] = lk.key(f.Label)
	}
	sort.Stable(s)
}

// hasTies reports whether two values, sorted by count, share one.
func hasTies(values []app.LibraryFacet) bool {
	for i := 1; i < len(values); i++ {
		if values[i].Count == values[i-1].Count {
			return true
		}
	}
	return false
}

// byCountLabel sorts values by count, then by their labels' keys.
type byCountLabel struct {
	values []app.LibraryFacet
	keys   [][]byte
}

func (s byCountLabel) Len() int { return len(s.values) }

func (s byCountLabel) Less(i, j int) bool {
	if a, b := s.values[i].Count, s.values[j].Count; a != b {
		return a > b
	}
	return bytes.Compare(s.keys[i], s.keys[j]) < 0
}

func (s byCountLabel) Swap(i, j int) {
	s.values[i], s.values[j] = s.values[j], s.values[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
}

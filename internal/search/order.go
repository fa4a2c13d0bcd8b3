package search

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// Sorting by title follows each reader's language: a reader sees titles
// in their language where a translation exists, and they are ordered by
// that language's collation (Unicode CLDR rules: accents after base
// letters in French, pinyin order in Chinese). Each language's order is
// kept as a list of ordinals, built with a full build and maintained as
// documents are added; "newest" is kept the same way.

// sortLangs are the languages with a title order, as domain.UNLanguages.
var sortLangs = [...]string{"ar", "zh", "en", "fr", "ru", "es"}

func init() {
	if !slices.Equal(sortLangs[:], domain.UNLanguages) {
		panic("search: sortLangs differs from domain.UNLanguages")
	}
}

// sortLang returns the index in sortLangs of a reader's language, English
// for any other.
func sortLang(lang string) int {
	b := baseLanguage(lang)
	for i, l := range sortLangs {
		if l == b {
			return i
		}
	}
	return 2
}

// keyPrefix is how much of a collation key the build keeps per document;
// longer keys that tie on it are compared in full.
const keyPrefix = 64

type titleKeys struct {
	data      []byte  // keyPrefix bytes per ordinal
	length    []uint8 // up to keyPrefix
	truncated []bool
}

// newerFirst orders ordinals newest first, then by id.
func (s *state) newerFirst(a, b uint32) int {
	if c := cmp.Compare(s.published[b], s.published[a]); c != 0 {
		return c
	}
	return bytes.Compare(s.ids.at(a), s.ids.at(b))
}

// buildOrders sorts every ordinal by date and, per language, by title.
func (s *state) buildOrders() {
	n := s.n()
	all := make([]uint32, n)
	for i := range all {
		all[i] = uint32(i)
	}
	s.newest = slices.Clone(all)
	slices.SortFunc(s.newest, s.newerFirst)

	jobs := make(chan int, len(sortLangs))
	for li := range sortLangs {
		jobs <- li
	}
	close(jobs)
	var wg sync.WaitGroup
	for range min(workers(), len(sortLangs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for li := range jobs {
				s.byTitle[li] = s.sortByTitle(li, slices.Clone(all))
				s.titleRank[li] = ranks(s.byTitle[li])
			}
		}()
	}
	wg.Wait()
}

func ranks(order []uint32) []uint32 {
	r := make([]uint32, len(order))
	for i, ord := range order {
		r[ord] = uint32(i)
	}
	return r
}

// newCollator collates titles in language li, punctuation ignored (the
// CLDR option "shifted"), so that «Mwali Stay» sorts under M.
func newCollator(li int) *collate.Collator {
	return collate.New(language.MustParse(sortLangs[li] + "-u-ka-shifted"))
}

// sortScripts are the scripts each language's readers expect first, as
// CLDR's collations reorder them (Arabic before Latin for an Arabic
// reader, Han for a Chinese one); x/text's collation does not reorder
// scripts, so sortTitle leads each key with a byte that does.
var sortScripts = [...]*unicode.RangeTable{unicode.Arabic, unicode.Han, unicode.Latin, unicode.Latin, unicode.Cyrillic, unicode.Latin}

// sortTitle is the title of ord for readers of language li, and the byte
// that leads its key: 0 for a title in that language or whose first
// letter is in its script, 1 for others.
func (s *state) sortTitle(li int, ord uint32) ([]byte, byte) {
	title, own := s.title(ord).inOwn(sortLangs[li])
	if own {
		return title, 0
	}
	return title, scriptFirst(li, title)
}

// scriptFirst is 0 for a title whose first letter is in language li's
// script, 1 for others.
func scriptFirst(li int, title []byte) byte {
	for _, r := range string(title) {
		if unicode.IsLetter(r) {
			if unicode.Is(sortScripts[li], r) {
				return 0
			}
			return 1
		}
	}
	return 1
}

// sortByTitle sorts ordinals by their titles in language li. It keeps a
// prefix of each collation key; titles that tie on it are compared by
// their full keys, computed once per title.
func (s *state) sortByTitle(li int, ords []uint32) []uint32 {
	col := newCollator(li)
	var buf collate.Buffer
	k := titleKeys{
		data:      make([]byte, keyPrefix*s.n()),
		length:    make([]uint8, s.n()),
		truncated: make([]bool, s.n()),
	}
	for _, ord := range ords {
		title, first := s.sortTitle(li, ord)
		key := col.Key(&buf, title)
		slot := k.data[int(ord)*keyPrefix : int(ord+1)*keyPrefix]
		slot[0] = first
		n := 1 + copy(slot[1:], key)
		k.length[ord] = uint8(n)
		k.truncated[ord] = len(key) > keyPrefix-1
		buf.Reset()
	}
	full := make(map[uint32][]byte)
	fullKey := func(ord uint32) []byte {
		key, ok := full[ord]
		if !ok {
			title, first := s.sortTitle(li, ord)
			key = append([]byte{first}, col.Key(&buf, title)...)
			buf.Reset()
			full[ord] = key
		}
		return key
	}
	slices.SortFunc(ords, func(a, b uint32) int {
		ka := k.data[int(a)*keyPrefix : int(a)*keyPrefix+int(k.length[a])]
		kb := k.data[int(b)*keyPrefix : int(b)*keyPrefix+int(k.length[b])]
		c := bytes.Compare(ka, kb)
		if c == 0 && (k.truncated[a] || k.truncated[b]) {
			if ta, tb := s.title(a).in(sortLangs[li]), s.title(b).in(sortLangs[li]); !bytes.Equal(ta, tb) {
				c = bytes.Compare(fullKey(a), fullKey(b))
			}
		}
		if c != 0 {
			return c
		}
		return bytes.Compare(s.ids.at(a), s.ids.at(b))
	})
	return ords
}

// compareTitles compares two titles in language li by their full keys.
func (s *state) compareTitles(col *collate.Collator, buf *collate.Buffer, li int, a, b uint32) int {
	ta, fa := s.sortTitle(li, a)
	tb, fb := s.sortTitle(li, b)
	if c := cmp.Compare(fa, fb); c != 0 {
		return c
	}
	ka := col.Key(buf, ta)
	kb := col.Key(buf, tb)
	c := bytes.Compare(ka, kb)
	buf.Reset()
	return c
}

// insertOrders places the ordinals from first on in the sort orders.
func (s *state) insertOrders(first int) {
	added := s.n() - first
	if added > 64 && added > s.n()/8 {
		s.buildOrders()
		return
	}
	for ord := uint32(first); int(ord) < s.n(); ord++ {
		at, _ := slices.BinarySearchFunc(s.newest, ord, s.newerFirst)
		s.newest = slices.Insert(s.newest, at, ord)
	}
	for li := range sortLangs {
		col := newCollator(li)
		var buf collate.Buffer
		for ord := uint32(first); int(ord) < s.n(); ord++ {
			at, _ := slices.BinarySearchFunc(s.byTitle[li], ord, func(x, target uint32) int {
				if c := s.compareTitles(col, &buf, li, x, target); c != 0 {
					return c
				}
				return bytes.Compare(s.ids.at(x), s.ids.at(target))
			})
			s.byTitle[li] = slices.Insert(s.byTitle[li], at, ord)
		}
		s.titleRank[li] = ranks(s.byTitle[li])
	}
}

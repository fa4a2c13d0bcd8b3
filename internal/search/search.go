package search

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
)

// Query is a library search.
//
// Q is free text in any of the six languages. Every word must match (in
// the title, summary or body, in the case's language or a translation);
// if no case matches every word, cases matching some of them are returned,
// best first, and Result.AnyWord says so. A word prefixed with '-'
// excludes the cases that contain it. Quotation marks are ignored: the
// index keeps no word positions, so a quoted phrase matches its words
// anywhere. A run of words that names a concept (see concepts.txt) is
// also satisfied by the cases tagged with that concept, which rank first.
// Not required: a word that is a stop word in one of the Latin-script
// languages ("de", "en", "sur"), since cases in that language do not
// index it, and a Chinese bigram no case holds beside others that exist
// (it straddles a word boundary). Only the first 24 words count.
//
// Filters maps facet names to values: a case must have one of the values
// of every facet given (OR within a facet, AND across facets). Codes are
// matched in their canonical case ("ke" finds KE); a facet or value the
// library does not have matches nothing.
type Query struct {
	Q string
	// Lang is the reader's language: titles are sorted in its collation,
	// and between equally good matches, cases the reader can read in it
	// (written in it or translated into it) come first.
	Lang    string
	Filters map[string][]string
	Sort    string // SortRelevance (default), SortNewest or SortTitle
	Page    int    // from 1
	PerPage int    // 1…MaxPerPage; 0 means DefaultPerPage
	// Facets lists the facets to count. A facet's counts take every
	// filter into account except its own, so that a reader can add a
	// second value of a facet already filtered (multi-select faceting).
	Facets []string
}

// Sort orders.
const (
	SortRelevance = "relevance" // best match first; newest first without a text query
	SortNewest    = "newest"    // latest publication first
	SortTitle     = "title"     // by title in the reader's language and its collation
)

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxResults is how deep paging goes; AllIDs has no such limit.
	MaxResults = 10000
)

// Result is a page of search results.
type Result struct {
	Total   int // cases matching the query and filters
	Page    int
	PerPage int
	Hits    []Hit
	// Facets holds, per requested facet, its values with their counts:
	// most frequent first, then by value. Selected values are listed even
	// when their count is zero.
	Facets map[string][]FacetValue
	// Concepts are the concepts the query names.
	Concepts []Concept
	// AnyWord is true when no case matched every word of the query and
	// the results match some of them.
	AnyWord bool
}

// Hit is one result; Load gives its title and summary.
type Hit struct {
	ID    string
	Score float64 // relevance; 0 when sorting otherwise or without a text query
}

// FacetValue is a facet value and how many results have it.
type FacetValue struct {
	Value string
	Count int
}

// Query limits: words beyond them are ignored.
const (
	maxQueryBytes = 1000
	maxPositions  = 24 // mask bits 0…23
	maxSpans      = 7  // mask bits 24…30
	excludedBit   = 1 << 31
)

// titleFactor is how a concept tag scores a query word: like the word in
// a title of average length.
var titleFactor = float64(fieldWeight[fieldTitle]) * (bm25K1 + 1) / (float64(fieldWeight[fieldTitle]) + bm25K1)

// Search runs a query.
func (ix *Index) Search(q Query) Result {
	q = normalizeQuery(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	key, keep := resultKey(q)
	if keep && len(q.Facets) == 0 {
		if c := st.results.get(key); c != nil {
			return c.page(st, q)
		}
	}
	run := ix.run(q)
	defer ix.release(run.sc)
	var res Result
	if keep {
		c := run.remember(q)
		st.results.put(key, c)
		res = c.page(st, q)
	} else {
		res = run.page(q)
	}
	if len(q.Facets) > 0 {
		res.Facets = run.countFacets(q)
	}
	return res
}

// page is the query's page of results.
func (r *run) page(q Query) Result {
	res := Result{Total: r.total, Page: q.Page, PerPage: q.PerPage, Concepts: r.concepts, AnyWord: r.anyWord}
	k := q.Page * q.PerPage
	if k <= MaxResults {
		ords := r.top(q, k)
		if from := (q.Page - 1) * q.PerPage; from < len(ords) {
			for _, ord := range ords[from:] {
				h := Hit{ID: r.st.id(ord)}
				if r.scored && q.Sort == SortRelevance {
					h.Score = float64(r.relevance(ord))
				}
				res.Hits = append(res.Hits, h)
			}
		}
	}
	return res
}

// AllIDs returns the ids of every case matching the query, in its sort
// order, without paging: for exports of a whole result set.
func (ix *Index) AllIDs(q Query) []string {
	q = normalizeQuery(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	run := ix.run(q)
	defer ix.release(run.sc)
	ords := run.top(q, run.total)
	out := make([]string, len(ords))
	for i, ord := range ords {
		out[i] = ix.st.id(ord)
	}
	return out
}

// Stats counts the cases that filters select by each of the StatsFacets,
// for the statistics page: every chart counts the same cases, its own
// facet's filter included. (A search's facets leave a facet's own filter
// out, to offer its other values.)
func (ix *Index) Stats(filters map[string][]string) map[string][]FacetValue {
	q := normalizeQuery(Query{Filters: filters, Facets: StatsFacets})
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	run := ix.run(q)
	defer ix.release(run.sc)
	counts := make(map[string]map[string]int, len(q.Facets))
	for _, f := range q.Facets {
		counts[f] = map[string]int{}
	}
	run.countOver(run.all, q.Facets, counts)
	return listFacets(counts, nil)
}

func normalizeQuery(q Query) Query {
	if len(q.Q) > maxQueryBytes {
		q.Q = strings.ToValidUTF8(q.Q[:maxQueryBytes], "")
	}
	switch q.Sort {
	case SortNewest, SortTitle:
	default:
		q.Sort = SortRelevance
	}
	q.Page = min(max(1, q.Page), MaxResults+1) // deeper pages are empty anyway
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	filters := make(map[string][]string, len(q.Filters))
	for f, vs := range q.Filters {
		var clean []string
		for _, v := range vs {
			if v = canonicalValue(f, strings.TrimSpace(v)); v != "" && !slices.Contains(clean, v) {
				clean = append(clean, v)
			}
		}
		if len(clean) > 0 {
			filters[f] = clean
		}
	}
	q.Filters = filters
	return q
}

// canonicalValue writes a filter value as the index stores it: codes of
// countries, sectors, action lines and groups in upper case, others in
// lower case.
func canonicalValue(facet, v string) string {
	switch facet {
	case FacetCountry, FacetSector, FacetWSIS, FacetGroup, FacetGroupNow:
		return strings.ToUpper(v)
	case FacetTechnology, FacetSize, FacetTarget, FacetLanguage:
		return strings.ToLower(v)
	}
	return v
}

// parseQuery splits query text into the text to match and the words to
// exclude.
func parseQuery(q string) (positive string, negative []string) {
	q = strings.Map(func(r rune) rune {
		switch r {
		case '"', '«', '»', '“', '”', '„', '「', '」', '『', '』':
			return ' '
		}
		return r
	}, q)
	var pos []string
	for _, w := range strings.FieldsFunc(q, unicode.IsSpace) {
		if rest, ok := strings.CutPrefix(w, "-"); ok && rest != "" {
			negative = append(negative, rest)
			continue
		}
		pos = append(pos, w)
	}
	return strings.Join(pos, " "), negative
}

// run is one query's evaluation: the cases matching the text (before
// filters) and the final results.
type run struct {
	st        *state
	ix        *Index
	sc        *scratch
	text      *roaring.Bitmap // live cases matching the text, before filters
	filters   map[string]*roaring.Bitmap
	all       *roaring.Bitmap // text ∧ every filter
	allBits   []uint64
	total     int
	scored    bool  // there was a text query
	readerBit uint8 // the reader's language among langs
	anyWord   bool
	concepts  []Concept
}

// scratch holds per-query arrays indexed by ordinal; they are pooled.
type scratch struct {
	mask    []uint32  // which query words (and concepts) a case matched
	score   []float32 // its relevance
	stamp   []uint32  // the last word that scored it
	contrib []float32 // what that word added
	touched []uint32  // ordinals with a non-zero mask
	bits    [nDense][]uint64
	clock   uint32
	a       *analyzer
}

func (ix *Index) scratchFor(n int) *scratch {
	sc, _ := ix.scratch.Get().(*scratch)
	if sc == nil {
		sc = &scratch{a: newAnalyzer()}
		sc.a.limit = queryCacheWords
	}
	if len(sc.mask) < n {
		sc.mask = make([]uint32, n+n/8)
		sc.score = make([]float32, len(sc.mask))
		sc.stamp = make([]uint32, len(sc.mask))
		sc.contrib = make([]float32, len(sc.mask))
		sc.clock = 0
	}
	return sc
}

func (ix *Index) release(sc *scratch) {
	if sc == nil {
		return
	}
	for _, ord := range sc.touched {
		sc.mask[ord] = 0
		sc.score[ord] = 0
	}
	sc.touched = sc.touched[:0]
	ix.scratch.Put(sc)
}

// tick starts a new word: stamps from earlier words no longer count.
func (sc *scratch) tick() uint32 {
	sc.clock++
	if sc.clock == 0 {
		clear(sc.stamp)
		sc.clock = 1
	}
	return sc.clock
}

// queryWord is one analysed query word with the ids of its terms.
type queryWord struct {
	terms  []uint32
	maxIDF float64
}

func (ix *Index) run(q Query) *run {
	st := ix.st
	r := &run{st: st, ix: ix, sc: ix.scratchFor(st.n())}
	positive, negative := parseQuery(q.Q)
	a := r.sc.a
	pos := a.queryPositions(positive)
	var spans []span
	if len(pos) > 0 {
		cs := conceptData()
		spans = cs.matcher.match(pos)
		for _, s := range spans {
			for _, c := range s.concepts {
				if k := cs.matcher.concepts[c]; !slices.Contains(r.concepts, k) {
					r.concepts = append(r.concepts, k)
				}
			}
		}
	}
	if len(pos) > maxPositions {
		pos = pos[:maxPositions]
	}
	spans = slices.DeleteFunc(spans, func(s span) bool { return s.end > maxPositions })
	if len(spans) > maxSpans {
		spans = spans[:maxSpans]
	}
	var excluded []position
	for _, w := range negative {
		excluded = append(excluded, a.queryPositions(w)...)
	}
	r.filters = st.filterBitmaps(ix, q.Filters)
	if len(spans) == 0 && !slices.ContainsFunc(pos, func(p position) bool { return !p.soft }) {
		pos = nil // only words that are stop words somewhere: no text query
	}
	if len(pos) == 0 {
		r.text = st.live
		if len(excluded) > 0 {
			r.text = st.live.Clone()
			r.markExcluded(excluded)
			for _, ord := range r.sc.touched {
				r.text.Remove(ord)
			}
		}
		r.finish()
		return r
	}
	r.scored = true
	words := st.words(pos)
	softenMissingBigrams(pos, words)
	r.score(pos, words, spans)
	r.markExcluded(excluded)
	r.readerBit = readerBit(q.Lang)
	r.selectMatches(pos, spans)
	return r
}

// words resolves query positions to term ids.
func (st *state) words(pos []position) []queryWord {
	n := max(1, st.n())
	out := make([]queryWord, len(pos))
	for i := range pos {
		w := &out[i]
		if pos[i].unigram {
			// A lone Han character is indexed inside the bigrams that
			// start with it, or alone.
			w.terms = st.dict.withPrefix(pos[i].terms[cjkGram])
		} else {
			for _, t := range pos[i].variants() {
				if id, ok := st.dict.lookup(t); ok && !slices.Contains(w.terms, id) {
					w.terms = append(w.terms, id)
				}
			}
		}
		w.maxIDF = idf(n, 0)
		if len(w.terms) > 0 {
			w.maxIDF = 0
			for _, id := range w.terms {
				w.maxIDF = max(w.maxIDF, idf(n, int(st.post.df[id])))
			}
		}
	}
	return out
}

// softenMissingBigrams stops requiring a Chinese bigram that no document
// holds when other bigrams of the query exist: without a dictionary, a
// query such as 芒果冷链 (mango, cold chain) makes the bigram 果冷 across
// the word boundary, which the documents need not contain.
func softenMissingBigrams(pos []position, words []queryWord) {
	found := false
	for i := range pos {
		if pos[i].terms[cjkGram] != "" && len(words[i].terms) > 0 {
			found = true
		}
	}
	if !found {
		return
	}
	for i := range pos {
		if pos[i].terms[cjkGram] != "" && len(words[i].terms) == 0 {
			pos[i].soft = true
		}
	}
}

// score accumulates BM25 scores and match masks over the postings of the
// query's words, and the boosts of the concepts it names.
func (r *run) score(pos []position, words []queryWord, spans []span) {
	st, sc := r.st, r.sc
	n := max(1, st.n())
	for p, w := range words {
		bit := uint32(1) << p
		clk := sc.tick()
		for _, id := range w.terms {
			r.scoreTerm(id, float32(idf(n, int(st.post.df[id]))), bit, clk)
		}
	}
	cs := conceptData()
	for j, s := range spans {
		bit := uint32(1) << (maxPositions + j)
		boost := 0.0
		for p := s.start; p < s.end; p++ {
			boost += words[p].maxIDF * titleFactor
		}
		b32 := float32(boost)
		clk := sc.tick()
		for _, c := range s.concepts {
			k := cs.matcher.concepts[c]
			bm := st.fac.bitmaps[k.Vocab][k.Code]
			if bm == nil {
				continue
			}
			it := bm.ManyIterator()
			var buf [256]uint32
			for m := it.NextMany(buf[:]); m > 0; m = it.NextMany(buf[:]) {
				for _, ord := range buf[:m] {
					if sc.stamp[ord] == clk {
						continue
					}
					sc.stamp[ord] = clk
					if sc.mask[ord] == 0 {
						sc.touched = append(sc.touched, ord)
					}
					sc.mask[ord] |= bit
					sc.score[ord] += b32
				}
			}
		}
	}
}

// scoreTerm adds one term's postings to the scores. The decoding of
// eachPosting is inlined here: this is the hot loop of a search.
func (r *run) scoreTerm(id uint32, idfT float32, bit, clk uint32) {
	st, sc := r.st, r.sc
	var lists [2][]byte
	if int(id)+1 < len(st.post.off) {
		lists[0] = st.post.data[st.post.off[id]:st.post.off[id+1]]
	}
	if t := st.post.tails[id]; t != nil {
		lists[1] = t.buf
	}
	const k1p1 = bm25K1 + 1
	norm, stamp, contrib, mask, score := st.norm, sc.stamp, sc.contrib, sc.mask, sc.score
	for _, buf := range lists {
		prev := int64(-1)
		for i := 0; i < len(buf); {
			var v uint64
			if c := buf[i]; c < 0x80 {
				v = uint64(c)
				i++
			} else {
				x, m := uvarint(buf[i:])
				v, i = x, i+m
			}
			w := float32(v&3) + 1
			if v&3 == 3 {
				x, m := uvarint(buf[i:])
				i += m
				w = 4 + float32(x)
			}
			ord := prev + 1 + int64(v>>2)
			prev = ord
			s := idfT * w * k1p1 / (w + norm[ord])
			if stamp[ord] != clk {
				stamp[ord] = clk
				contrib[ord] = s
				if mask[ord] == 0 {
					sc.touched = append(sc.touched, uint32(ord))
				}
				mask[ord] |= bit
				score[ord] += s
			} else if s > contrib[ord] {
				score[ord] += s - contrib[ord]
				contrib[ord] = s
			}
		}
	}
}

// readerBoost multiplies the relevance of a case the reader can read in
// their own language (written in it or translated into it): between
// equally good matches, the one the reader can read comes first.
const readerBoost = 1.15

// readerBit is the langs bit of a reader's language, 0 for a language
// without one.
func readerBit(lang string) uint8 {
	if li := slices.Index(sortLangs[:], baseLanguage(lang)); lang != "" && li >= 0 {
		return 1 << li
	}
	return 0
}

// relevance is a case's score as the reader's language weighs it.
func (r *run) relevance(ord uint32) float32 {
	s := r.sc.score[ord]
	if r.st.langs[ord]&r.readerBit != 0 {
		s *= readerBoost
	}
	return s
}

// markExcluded flags the cases containing an excluded word.
func (r *run) markExcluded(excluded []position) {
	st, sc := r.st, r.sc
	for _, w := range st.words(excluded) {
		for _, id := range w.terms {
			st.post.each(id, func(ord, _ uint32) {
				if sc.mask[ord] == 0 {
					sc.touched = append(sc.touched, ord)
				}
				sc.mask[ord] |= excludedBit
			})
		}
	}
}

// selectMatches decides which scored cases match: every word (a word of
// a concept's span is also satisfied by the concept's tag), or, if that
// leaves no result after the filters, any word.
func (r *run) selectMatches(pos []position, spans []span) {
	// Soft words are never required; a concept's span requires its hard
	// words, or the concept's tag.
	var hard uint32
	for p := range pos {
		if !pos[p].soft {
			hard |= 1 << p
		}
	}
	required := hard
	type spanMask struct{ words, tag uint32 }
	sm := make([]spanMask, len(spans))
	anyBits := hard
	for j, s := range spans {
		for p := s.start; p < s.end; p++ {
			sm[j].words |= 1 << p
		}
		sm[j].words &= hard
		sm[j].tag = 1 << (maxPositions + j)
		required &^= sm[j].words
		anyBits |= sm[j].tag
	}
	every := func(m uint32) bool {
		if m&excludedBit != 0 || m&required != required {
			return false
		}
		for _, s := range sm {
			if m&s.words != s.words && m&s.tag == 0 {
				return false
			}
		}
		return true
	}
	some := func(m uint32) bool { return m&excludedBit == 0 && m&anyBits != 0 }
	live := r.st.liveBits
	words := (r.st.n() + 63) / 64
	var filterBits []uint64
	if r.filters != nil {
		filterBits = r.sc.dense(denseFilters, words, r.filterAll())
	}
	// match sets r.text to the cases that pass test, and reports whether
	// any of them passes the filters too.
	match := func(test func(uint32) bool) (found bool) {
		text := r.sc.dense(denseText, words, nil)
		for _, ord := range r.sc.touched {
			if !test(r.sc.mask[ord]) || live[ord>>6]&(1<<(ord&63)) == 0 {
				continue
			}
			text[ord>>6] |= 1 << (ord & 63)
			if filterBits == nil || filterBits[ord>>6]&(1<<(ord&63)) != 0 {
				found = true
			}
		}
		r.text = roaring.FromDense(text, false)
		return found
	}
	if !match(every) {
		if match(some) {
			r.anyWord = true
		} else {
			// No result either way: the facets count the cases with every
			// word, as they do when there is no fallback.
			match(every)
		}
	}
	r.finish()
}

// Dense bit sets a query uses, kept in its scratch.
const (
	denseText = iota
	denseFilters
	denseResults
	nDense
)

// dense returns the scratch's bit set i with words words, holding bm (or
// empty if bm is nil). A roaring bitmap made from it with FromDense
// without copying must not outlive the query.
func (sc *scratch) dense(i, words int, bm *roaring.Bitmap) []uint64 {
	if cap(sc.bits[i]) < words {
		sc.bits[i] = make([]uint64, words)
	}
	b := sc.bits[i][:words]
	clear(b)
	if bm != nil {
		bm.WriteDenseTo(b)
	}
	return b
}

// filterAll is the intersection of the filters (nil without filters).
func (r *run) filterAll() *roaring.Bitmap {
	if len(r.filters) == 0 {
		return nil
	}
	list := make([]*roaring.Bitmap, 0, len(r.filters))
	for _, bm := range r.filters {
		list = append(list, bm)
	}
	if len(list) == 1 {
		return list[0]
	}
	return roaring.FastAnd(list...)
}

// finish computes the final result set from the text matches and filters.
func (r *run) finish() {
	if f := r.filterAll(); f != nil {
		r.all = roaring.And(r.text, f)
	} else {
		r.all = r.text
	}
	r.total = int(r.all.GetCardinality())
	r.allBits = r.sc.dense(denseResults, (r.st.n()+63)/64, r.all)
}

// top returns the first k results in the query's order.
func (r *run) top(q Query, k int) []uint32 {
	k = min(k, r.total)
	if k <= 0 {
		return nil
	}
	st := r.st
	in := func(ord uint32) bool { return r.allBits[ord>>6]&(1<<(ord&63)) != 0 }
	var (
		order []uint32 // a precomputed order to scan, if any
		less  func(a, b uint32) bool
	)
	switch {
	case q.Sort == SortRelevance && r.scored:
		less = func(a, b uint32) bool {
			if sa, sb := r.relevance(a), r.relevance(b); sa != sb {
				return sa > sb
			}
			return st.newerFirst(a, b) < 0
		}
	case q.Sort == SortTitle:
		li := sortLang(q.Lang)
		order = st.byTitle[li]
		rank := st.titleRank[li]
		less = func(a, b uint32) bool { return rank[a] < rank[b] }
	default:
		order = st.newest
		less = func(a, b uint32) bool { return st.newerFirst(a, b) < 0 }
	}
	// Scanning a precomputed order costs about k·n/total steps; selecting
	// from the results costs about total·log k: scan when results are many.
	if order != nil && r.total*r.total > k*st.n()/4 {
		out := make([]uint32, 0, k)
		for _, ord := range order {
			if in(ord) {
				out = append(out, ord)
				if len(out) == k {
					break
				}
			}
		}
		return out
	}
	return topK(r.members(), r.total, k, less)
}

// members yields the ordinals of the result set.
func (r *run) members() iter.Seq[uint32] {
	return func(yield func(uint32) bool) {
		for w, word := range r.allBits {
			for word != 0 {
				t := bits.TrailingZeros64(word)
				if !yield(uint32(w*64 + t)) {
					return
				}
				word &= word - 1
			}
		}
	}
}

// topK returns the k least of the n elements of xs by less, sorted. It
// keeps the best k seen so far in order, so that most elements cost one
// comparison with the worst of them.
func topK(xs iter.Seq[uint32], n, k int, less func(a, b uint32) bool) []uint32 {
	compare := func(a, b uint32) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	}
	if k >= n/2 {
		all := slices.AppendSeq(make([]uint32, 0, n), xs)
		slices.SortFunc(all, compare)
		return all[:min(k, len(all))]
	}
	best := make([]uint32, 0, k+1)
	for x := range xs {
		if len(best) == k && !less(x, best[k-1]) {
			continue
		}
		at, _ := slices.BinarySearchFunc(best, x, func(e, t uint32) int {
			if less(t, e) {
				return 1
			}
			return -1
		})
		best = slices.Insert(best, at, x)
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}

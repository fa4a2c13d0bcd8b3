package search

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Index is one node's in-memory search index of the library. The
// database stays the only source of truth: the index is built from
// search_docs by the first Sync and kept current by later ones, which read
// only the rows changed since (each change has a sequence number). Every
// node therefore converges on the same documents, and the same documents
// give the same results on SQLite and PostgreSQL, since the terms were
// analysed once, in Go, when they were stored.
//
// Search and Sync are safe for concurrent use.
type Index struct {
	opts     Options
	syncMu   sync.Mutex   // one Sync at a time
	mu       sync.RWMutex // guards st
	st       *state
	lastSync atomic.Int64 // UnixNano of the last successful Sync
	scratch  sync.Pool
	// walkLimit chooses how facets are counted (see countOver); tests
	// replace it to check both ways.
	walkLimit func(n int) int
}

// Options configures an Index.
type Options struct {
	// Groups is the country-group table behind the group_now facet;
	// the zero value means domain.DefaultGroups().
	Groups domain.GroupTable
	// Now is the clock of the group_now facet; nil means time.Now.
	Now func() time.Time
}

// New returns an empty index; Sync fills it.
func New(opts Options) *Index {
	if len(opts.Groups.Memberships()) == 0 {
		opts.Groups = domain.DefaultGroups()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Index{opts: opts, st: newState(), walkLimit: defaultWalkLimit}
}

// BM25F: a term's frequency in a document is the weighted sum of its
// frequencies in the fields, so a word of the title counts as much as four
// of the body.
var fieldWeight = [nFields]uint32{fieldTitle: 4, fieldSummary: 2, fieldBody: 1}

const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// maxWeight caps a weighted term frequency (saturated long before).
	maxWeight = 1 << 12
)

// state is the index's data. Ordinals number the documents in the order
// they were added; an unpublished or replaced document keeps its ordinal
// (dead) until the next full build.
type state struct {
	seq       int64     // last change sequence applied
	ids       strtab    // by ordinal
	byID      idIndex   // ordinal by id, of live documents
	published []int64   // Unix milliseconds
	norm      []float32 // BM25 length factor k1·(1−b+b·len/avg)
	langs     []uint8   // bit i: readable in sortLangs[i] (original or translation)
	live      *roaring.Bitmap
	liveBits  []uint64
	dead      int
	avgLen    float64

	dict   dictionary
	post   postings
	fac    facetIndex
	titles strtab // by ordinal: packTitles

	newest    []uint32                 // ordinals, newest first (ties by id)
	byTitle   [len(sortLangs)][]uint32 // ordinals by title in each language
	titleRank [len(sortLangs)][]uint32 // position of each ordinal in byTitle
	baseBytes int                      // size of the build's postings

	results resultCache // first results of recent queries on this state
}

// docTitle holds a document's titles, for sorting by title, packed in one
// string to keep the index small: "lang\x1etitle" for the original, then
// "\x1flang\x1etitle" per translation. Titles are one line of text and
// never hold these control characters.
type docTitle []byte

func packTitles(lang string, titles map[string]string) string {
	var b strings.Builder
	b.WriteString(lang + "\x1e" + clean(titles[lang]))
	for _, l := range slices.Sorted(maps.Keys(titles)) {
		if l != lang {
			b.WriteString("\x1f" + l + "\x1e" + clean(titles[l]))
		}
	}
	return b.String()
}

// title returns an ordinal's titles.
func (s *state) title(ord uint32) docTitle { return docTitle(s.titles.at(ord)) }

// id returns an ordinal's id.
func (s *state) id(ord uint32) string { return string(s.ids.at(ord)) }

func clean(title string) string {
	return strings.Map(func(r rune) rune {
		if r == 0x1e || r == 0x1f {
			return ' '
		}
		return r
	}, title)
}

// in returns the title a reader of lang sees: the original if it is in
// lang, else a translation into lang (exact, then by base language), else
// the original.
func (t docTitle) in(lang string) []byte {
	title, _ := t.inOwn(lang)
	return title
}

// inOwn is in, and whether the title is in lang.
func (t docTitle) inOwn(lang string) (title []byte, own bool) {
	first, rest, _ := bytes.Cut(t, []byte{0x1f})
	origLang, orig, _ := bytes.Cut(first, []byte{0x1e})
	origOwn := baseLanguage(string(origLang)) == lang
	if string(origLang) == lang || len(rest) == 0 {
		return orig, origOwn
	}
	var base []byte
	for entry := range bytes.SplitSeq(rest, []byte{0x1f}) {
		l, title, _ := bytes.Cut(entry, []byte{0x1e})
		if string(l) == lang {
			return title, true
		}
		if len(base) == 0 && baseLanguage(string(l)) == lang {
			base = title
		}
	}
	if len(base) > 0 {
		return base, true
	}
	return orig, origOwn
}

func newState() *state {
	return &state{
		byID: newIDIndex(),
		live: roaring.New(),
		dict: dictionary{extra: make(map[string]uint32)},
		post: postings{tails: make(map[uint32]*postingList)},
		fac:  newFacetIndex(),
	}
}

// n is the number of ordinals, dead ones included.
func (s *state) n() int { return s.ids.len() }

// Len returns the number of documents in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return int(ix.st.live.GetCardinality())
}

// Seq returns the last change sequence the index has applied.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.seq
}

// syncPage is how many rows Sync reads per query.
const syncPage = 1000

// bigBuild is the size from which a full build returns its temporary
// memory to the operating system.
const bigBuild = 10000

// Sync brings the index up to date with search_docs: the first call
// builds it; later calls apply the rows changed since the last one, which
// is cheap when nothing changed. Call it after publishing or unpublishing
// on this node, so that the change shows at once; Refresh is the variant
// for request paths. When documents removed or added since the last full
// build make up a large part of the index, Sync rebuilds it from the
// database (searches keep using the old data meanwhile).
func (ix *Index) Sync(ctx context.Context, db *store.DB) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	return ix.sync(ctx, db)
}

// Refresh syncs the index if the last sync is older than maxAge and no
// other sync is running; otherwise it returns at once. Call it before
// serving a query, with a maxAge of a second or so, to see the changes
// other nodes made.
func (ix *Index) Refresh(ctx context.Context, db *store.DB, maxAge time.Duration) error {
	if time.Since(time.Unix(0, ix.lastSync.Load())) < maxAge {
		return nil
	}
	if !ix.syncMu.TryLock() {
		return nil
	}
	defer ix.syncMu.Unlock()
	return ix.sync(ctx, db)
}

func (ix *Index) sync(ctx context.Context, db *store.DB) error {
	// Only syncs (serialised by syncMu) change ix.st, so this goroutine
	// may read it without mu; it writes it under mu.
	if ix.st.seq == 0 && ix.st.n() == 0 {
		if err := ix.rebuild(ctx, db); err != nil {
			return err
		}
		ix.lastSync.Store(time.Now().UnixNano())
		return nil
	}
	for {
		rows, err := readChanges(ctx, db, ix.st.seq, syncPage)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		ix.mu.Lock()
		ix.st.applyAll(rows)
		ix.mu.Unlock()
		if len(rows) < syncPage {
			break
		}
	}
	if ix.st.needsRebuild() {
		if err := ix.rebuild(ctx, db); err != nil {
			return err
		}
	}
	ix.lastSync.Store(time.Now().UnixNano())
	return nil
}

// needsRebuild reports whether dead documents or postings added since the
// last full build have grown past a quarter of the index (with a
// megabyte of slack, so that a small library is not rebuilt at every
// publication).
func (s *state) needsRebuild() bool {
	return s.dead > s.n()/4 || s.post.tailBytes > s.baseBytes/4+(1<<20)
}

// rebuild builds a fresh state from the database and swaps it in.
func (ix *Index) rebuild(ctx context.Context, db *store.DB) error {
	st, err := build(ctx, db)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.st = st
	ix.mu.Unlock()
	// A large build's temporary tables are garbage now: hand the memory
	// back, so that a node's footprint is that of its index.
	if st.n() >= bigBuild {
		debug.FreeOSMemory()
	}
	return nil
}

// change is one row of search_docs read by Sync.
type change struct {
	id        string
	seq       int64
	deleted   bool
	language  string
	published time.Time
	titles    map[string]string
	facets    string
	terms     [nFields]string
}

const changeColumns = `id, seq, CASE WHEN deleted THEN 1 ELSE 0 END, language, published_at, titles, facets, title_terms, summary_terms, body_terms`

// readChanges reads up to limit rows changed after seq, in sequence order.
func readChanges(ctx context.Context, db *store.DB, after int64, limit int) ([]change, error) {
	rows, err := db.Query(ctx, `SELECT `+changeColumns+` FROM search_docs WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("search: read changes: %w", err)
	}
	defer rows.Close()
	var out []change
	for rows.Next() {
		var (
			c       change
			deleted int
			titles  string
		)
		if err := rows.Scan(&c.id, &c.seq, &deleted, &c.language, timeCol{&c.published}, &titles, &c.facets,
			&c.terms[fieldTitle], &c.terms[fieldSummary], &c.terms[fieldBody]); err != nil {
			return nil, fmt.Errorf("search: read changes: %w", err)
		}
		c.deleted = deleted != 0
		if !c.deleted {
			if err := json.Unmarshal([]byte(titles), &c.titles); err != nil {
				return nil, fmt.Errorf("search: document %s: titles: %w", c.id, err)
			}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: read changes: %w", err)
	}
	return out, nil
}

// termIter reads an encoded term list ("term term*3 …").
type termIter struct {
	s []byte
}

// next returns the next term and its count; ok is false at the end.
func (it *termIter) next() (term []byte, count uint32, ok bool) {
	for len(it.s) > 0 && it.s[0] == ' ' {
		it.s = it.s[1:]
	}
	if len(it.s) == 0 {
		return nil, 0, false
	}
	end := len(it.s)
	for i, c := range it.s {
		if c == ' ' {
			end = i
			break
		}
	}
	tok := it.s[:end]
	it.s = it.s[end:]
	count = 1
	for i := len(tok) - 1; i > 0; i-- {
		c := tok[i]
		if c == '*' {
			if n, err := strconv.ParseUint(string(tok[i+1:]), 10, 32); err == nil && n > 0 {
				count = uint32(n)
				tok = tok[:i]
			}
			break
		}
		if c < '0' || c > '9' {
			break
		}
	}
	return tok, count, true
}

// mergeTerms merges the sorted term lists of the fields into weighted
// frequencies, calling fn in term order; it returns the weighted length.
func mergeTerms(fields *[nFields][]byte, fn func(term []byte, w uint32)) float64 {
	var (
		its   [nFields]termIter
		heads [nFields][]byte
		cnts  [nFields]uint32
		more  [nFields]bool
	)
	length := 0.0
	for f := range its {
		its[f].s = fields[f]
		heads[f], cnts[f], more[f] = its[f].next()
	}
	for {
		var least []byte
		found := false
		for f := range heads {
			if more[f] && (!found || string(heads[f]) < string(least)) {
				least, found = heads[f], true
			}
		}
		if !found {
			return length
		}
		w := uint32(0)
		for f := range heads {
			if more[f] && string(heads[f]) == string(least) {
				w += fieldWeight[f] * cnts[f]
				heads[f], cnts[f], more[f] = its[f].next()
			}
		}
		length += float64(w)
		fn(least, min(w, maxWeight))
	}
}

// addCommon records a new document's metadata (everything but its
// postings) and returns its ordinal.
func (s *state) addCommon(c *change) uint32 {
	if old, ok := s.byID.get(&s.ids, c.id); ok {
		s.kill(old)
	}
	ord := uint32(s.ids.len())
	s.ids.add(c.id)
	s.byID.put(&s.ids, c.id, ord)
	s.published = append(s.published, c.published.UnixMilli())
	s.norm = append(s.norm, 0)
	s.langs = append(s.langs, langBits(c.titles))
	s.live.Add(ord)
	for int(ord>>6) >= len(s.liveBits) {
		s.liveBits = append(s.liveBits, 0)
	}
	s.liveBits[ord>>6] |= 1 << (ord & 63)
	s.fac.add(ord, c.facets)
	s.titles.add(packTitles(c.language, c.titles))
	return ord
}

// langBits marks the UN languages a document can be read in.
func langBits(titles map[string]string) uint8 {
	var bits uint8
	for l := range titles {
		b := baseLanguage(l)
		for i, sl := range sortLangs {
			if sl == b {
				bits |= 1 << i
			}
		}
	}
	return bits
}

// kill marks an ordinal dead.
func (s *state) kill(ord uint32) {
	if !s.live.Contains(ord) {
		return
	}
	s.live.Remove(ord)
	s.liveBits[ord>>6] &^= 1 << (ord & 63)
	s.byID.del(&s.ids, s.id(ord))
	s.dead++
}

// docLength is a document's length for BM25: its weighted length
// averaged over the languages it is written in.
func docLength(weighted float64, c *change) float64 {
	return weighted / float64(max(1, len(c.titles)))
}

// applyAll applies changes read after the build: deletions, and new or
// replaced documents whose postings go to the tails.
func (s *state) applyAll(changes []change) {
	s.results.clear()
	added := 0
	for i := range changes {
		c := &changes[i]
		s.seq = max(s.seq, c.seq)
		if c.deleted {
			if ord, ok := s.byID.get(&s.ids, c.id); ok {
				s.kill(ord)
			}
			continue
		}
		ord := s.addCommon(c)
		fields := [nFields][]byte{[]byte(c.terms[0]), []byte(c.terms[1]), []byte(c.terms[2])}
		length := mergeTerms(&fields, func(term []byte, w uint32) {
			id, ok := s.dict.lookup(string(term))
			if !ok {
				id = uint32(len(s.post.df))
				s.dict.extra[string(term)] = id
				s.post.df = append(s.post.df, 0)
			}
			t := s.post.tails[id]
			if t == nil {
				t = &postingList{last: -1}
				s.post.tails[id] = t
			}
			before := len(t.buf)
			t.add(ord, w)
			s.post.tailBytes += len(t.buf) - before
			s.post.df[id]++
		})
		if s.avgLen == 0 {
			s.avgLen = max(1, docLength(length, c))
		}
		s.norm[ord] = lengthNorm(docLength(length, c), s.avgLen)
		added++
	}
	if added > 0 {
		s.insertOrders(s.n() - added)
	}
}

func lengthNorm(length, avg float64) float32 {
	return float32(bm25K1 * (1 - bm25B + bm25B*length/avg))
}

// builder accumulates a full build's postings.
type builder struct {
	termIDs map[string]uint32
	terms   []string
	lists   []postingList
	df      []uint32
	lengths []float64
}

// build reads every row of search_docs into a new state.
func build(ctx context.Context, db *store.DB) (*state, error) {
	s := newState()
	b := &builder{termIDs: make(map[string]uint32)}
	var (
		title, summary, body sql.RawBytes
		titles               sql.RawBytes
	)
	for {
		rows, err := db.Query(ctx, `SELECT `+changeColumns+` FROM search_docs WHERE seq > ? ORDER BY seq LIMIT ?`, s.seq, syncPage*5)
		if err != nil {
			return nil, fmt.Errorf("search: build index: %w", err)
		}
		n := 0
		for rows.Next() {
			n++
			var (
				c       change
				deleted int
			)
			if err := rows.Scan(&c.id, &c.seq, &deleted, &c.language, timeCol{&c.published}, &titles, &c.facets,
				&title, &summary, &body); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: build index: %w", err)
			}
			s.seq = c.seq
			if deleted != 0 {
				if ord, ok := s.byID.get(&s.ids, c.id); ok {
					s.kill(ord)
				}
				continue
			}
			if err := json.Unmarshal(titles, &c.titles); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: document %s: titles: %w", c.id, err)
			}
			ord := s.addCommon(&c)
			fields := [nFields][]byte{title, summary, body}
			length := mergeTerms(&fields, func(term []byte, w uint32) {
				id, ok := b.termIDs[string(term)]
				if !ok {
					t := string(term)
					id = uint32(len(b.terms))
					b.termIDs[t] = id
					b.terms = append(b.terms, t)
					b.lists = append(b.lists, postingList{last: -1})
					b.df = append(b.df, 0)
				}
				b.lists[id].add(ord, w)
				b.df[id]++
			})
			b.lengths = append(b.lengths, docLength(length, &c))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("search: build index: %w", err)
		}
		if n < syncPage*5 {
			break
		}
	}
	b.finish(s)
	return s, nil
}

// finish turns the builder's tables into the state's compact form.
func (b *builder) finish(s *state) {
	order := make([]uint32, len(b.terms))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(x, y uint32) int { return strings.Compare(b.terms[x], b.terms[y]) })
	termBytes, postBytes := 0, 0
	for i := range b.terms {
		termBytes += len(b.terms[i])
		postBytes += len(b.lists[i].buf)
	}
	d := dictionary{data: make([]byte, 0, termBytes), off: make([]uint32, 0, len(order)+1), extra: make(map[string]uint32)}
	p := postings{data: make([]byte, 0, postBytes), off: make([]uint32, 0, len(order)+1), df: make([]uint32, len(order)),
		tails: make(map[uint32]*postingList)}
	for i, id := range order {
		d.off = append(d.off, uint32(len(d.data)))
		d.data = append(d.data, b.terms[id]...)
		p.off = append(p.off, uint32(len(p.data)))
		p.data = append(p.data, b.lists[id].buf...)
		p.df[i] = b.df[id]
		b.lists[id].buf = nil // let the collector reclaim it while we go
	}
	d.off = append(d.off, uint32(len(d.data)))
	p.off = append(p.off, uint32(len(p.data)))
	s.dict, s.post = d, p
	sum, live := 0.0, 0
	for ord, l := range b.lengths {
		if s.live.Contains(uint32(ord)) {
			sum += l
			live++
		}
	}
	s.avgLen = 1
	if live > 0 {
		s.avgLen = max(1, sum/float64(live))
	}
	for ord, l := range b.lengths {
		s.norm[ord] = lengthNorm(l, s.avgLen)
	}
	s.baseBytes = len(p.data)
	s.buildOrders()
}

// idf is BM25's inverse document frequency.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// workers is how many goroutines a build uses for sorting.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

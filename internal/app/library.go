package app

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// The public library: the published cases, read by anyone. Searches run
// on this node's in-memory index (App.Library), which is derived from the
// search_docs table: publication writes the case's search document in the
// publication's own transaction (IndexCase, the default OnPublish), and
// every node catches up with Refresh before it answers a query.

// libraryMaxAge is how stale this node's view of the library may be
// before a query refreshes it: the delay with which a node sees what
// another node published. Changes made on this node show at once.
const libraryMaxAge = time.Second

// LibraryFacets are the facets the library filters on and counts, in the
// order the pages show them.
var LibraryFacets = []string{
	search.FacetWSIS, search.FacetSDG, search.FacetTarget, search.FacetRegion, search.FacetSubRegion,
	search.FacetGroup, search.FacetCountry, search.FacetSector, search.FacetTechnology, search.FacetSize,
	search.FacetYear, search.FacetCall,
}

// libraryFilters are the facets a query may filter on: the shown ones,
// today's country groups and the case's language.
var libraryFilters = append(slices.Clone(LibraryFacets), search.FacetGroupNow, search.FacetLanguage)

// LibraryFacet is one value of a facet with its count; Label names it in
// the reader's language.
type LibraryFacet struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// LibraryItem is one published case as a list shows it. Title and Summary
// are in the reader's language when the case has a translation into it,
// else in the case's own; Language says which.
type LibraryItem struct {
	ID           string    `json:"id"`
	Call         string    `json:"call"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Language     string    `json:"language"`
	Countries    []string  `json:"countries"`
	WSIS         []string  `json:"wsis"`
	SDGs         []int     `json:"sdgs"`
	Technologies []string  `json:"technologies"`
	Sector       string    `json:"sector"`
	Year         int       `json:"year"`
	URL          string    `json:"url"` // /{lang}/cases/{id}, in the reader's language
	PublishedAt  time.Time `json:"published_at"`
}

// LibraryPage is one page of library search results.
type LibraryPage struct {
	Total   int                       `json:"total"`
	Page    int                       `json:"page"`
	PerPage int                       `json:"per_page"`
	Items   []LibraryItem             `json:"items"`
	Facets  map[string][]LibraryFacet `json:"facets"`
	// AnyWord is true when no case matched every word of the query and
	// the items match some of them.
	AnyWord bool `json:"-"`
	// Concepts are the vocabulary terms the query names, labelled in the
	// reader's language (Value is "facet:code").
	Concepts []LibraryFacet `json:"-"`
	// Seq is the index sequence the page was computed at: it changes
	// whenever a case is published or unpublished, so caches key on it.
	Seq int64 `json:"-"`
	// IDs are the page's cases, in order; SearchLibraryHits fills them
	// instead of Items.
	IDs []string `json:"-"`
}

// PublicCase is a published case as the public reads it: every field of
// the record, never the submitter's account or contact data.
type PublicCase struct {
	ID          string
	Call        string // slug
	CallTitle   store.LocalText
	PublishedAt time.Time
	Doc         domain.Case
	Attachments []store.Attachment
}

// libraryState is what the library keeps between requests, beyond the
// index: the calls (for labels) and the stored list texts of recently
// shown cases, both dropped when stale.
type libraryState struct {
	mu        sync.Mutex
	callsAt   time.Time
	calls     map[string]store.Call // by slug
	callsHash string
	docs      docCache
	facetSeq  int64
	facets    map[string]countedFacets // by facetKey
	// labels keeps the label of each facet value the index has counted,
	// by language, facet and value (a set bounded by the vocabularies,
	// the countries and the years; calls, which can be renamed, are
	// labelled afresh).
	labelsMu sync.RWMutex
	labels   map[labelKey]map[string]string
}

// labelKey is a language and a facet; the labels of its values are a
// map of their own, so that a page looks up its few hundred values
// without hashing the language and the facet each time.
type labelKey struct{ lang, facet string }

// countedFacets are a query's facet counts and the concepts it names,
// kept because counting is the costly part of a search, and paging,
// sorting or reading the same results in another language does not
// change them. They are shared: readers must not modify them.
type countedFacets struct {
	counts   map[string][]search.FacetValue
	concepts []search.Concept
}

// maxCachedFacets bounds the cache of facet counts (an entry is a few
// kilobytes to a few tens: the values' strings are the index's own).
const maxCachedFacets = 1024

// facetKey identifies what a query's facet counts depend on: the text,
// the filters and the facets counted — not the reader's language, the
// sort order or the page.
func facetKey(q search.Query) string {
	var b strings.Builder
	b.WriteString(q.Q)
	search.WriteFiltersKey(&b, q.Filters)
	b.WriteByte(0)
	b.WriteString(strings.Join(q.Facets, ","))
	return b.String()
}

func (st *libraryState) cachedFacets(seq int64, key string) (countedFacets, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.facetSeq != seq {
		return countedFacets{}, false
	}
	f, ok := st.facets[key]
	return f, ok
}

func (st *libraryState) keepFacets(seq int64, key string, f countedFacets) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.facetSeq != seq || st.facets == nil {
		st.facetSeq, st.facets = seq, make(map[string]countedFacets)
	}
	for k := range st.facets { // when full, an arbitrary entry makes room
		if len(st.facets) < maxCachedFacets {
			break
		}
		delete(st.facets, k)
	}
	st.facets[key] = f
}

// CacheBytes sizes each of the library's caches of results (the list
// texts read here; the web's rendered results and pages): 16 MB, what a
// library of 100,000 cases needs to serve most pages without reading
// texts, or a thirty-second of the process's memory limit (GOMEMLIMIT)
// when that is smaller, so that a small limit does not leave the
// collector running all the time.
func CacheBytes(memoryLimit int64) int {
	return int(min(16<<20, max(2<<20, memoryLimit/32)))
}

// docCache keeps the list texts of cases as search.Load read them, for
// one index sequence (a publication or a withdrawal empties it). A case
// is on many pages, and one read serves its readers in every language.
// It is bounded in bytes; when full, arbitrary entries make room.
type docCache struct {
	seq      int64
	docs     map[string]cachedDoc
	bytes    int
	maxBytes int
}

type cachedDoc struct {
	doc  search.Stored
	size int
}

// docSize estimates what a loaded document holds: its strings (the texts
// and values share the two strings read from the database) and the maps
// and headers around them.
func docSize(d search.Stored) int {
	n := 256 + len(d.ID) + len(d.Call) + len(d.Language)
	for lang, t := range d.Texts {
		n += 64 + len(lang) + len(t.Title) + len(t.Summary)
	}
	for f, vs := range d.Facets {
		n += 64 + len(f)
		for _, v := range vs {
			n += 16 + len(v)
		}
	}
	return n
}

// get returns the cached documents of ids at index sequence seq, and the
// ids it lacks.
func (c *docCache) get(seq int64, ids []string, found map[string]search.Stored) (missing []string) {
	switch {
	case seq > c.seq:
		c.seq, c.docs, c.bytes = seq, nil, 0
	case seq < c.seq:
		return ids // a page that searched before a change: it cannot empty the newer cache
	}
	for _, id := range ids {
		if d, ok := c.docs[id]; ok {
			found[id] = d.doc
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// put keeps d if the cache is still at index sequence seq.
func (c *docCache) put(seq int64, d search.Stored) {
	if c.seq != seq {
		return // a newer sequence was seen meanwhile: d may be stale
	}
	if c.maxBytes == 0 {
		c.maxBytes = CacheBytes(debug.SetMemoryLimit(-1))
	}
	size := docSize(d)
	if c.docs == nil {
		c.docs = make(map[string]cachedDoc)
	}
	for k, old := range c.docs {
		if c.bytes+size <= c.maxBytes {
			break
		}
		delete(c.docs, k)
		c.bytes -= old.size
	}
	if old, ok := c.docs[d.ID]; ok {
		c.bytes -= old.size
	}
	c.docs[d.ID] = cachedDoc{d, size}
	c.bytes += size
}

// LibraryIndex returns this node's search index of the library, refreshed
// first if its last sync is older than a second.
func (a *App) LibraryIndex() *search.Index {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return a.libraryIndex(ctx)
}

func (a *App) libraryIndex(ctx context.Context) *search.Index {
	if err := a.Library.Refresh(ctx, a.DB, libraryMaxAge); err != nil {
		// The index stays as it was: a little stale beats no library.
		a.Log.WarnContext(ctx, "library: refresh the search index", "err", err)
	}
	return a.Library
}

// SyncLibrary brings this node's index up to date at once; publication
// calls it after its transaction commits, so that the change shows on the
// next page this node serves.
func (a *App) SyncLibrary(ctx context.Context) error {
	if err := a.Library.Sync(ctx, a.DB); err != nil {
		return fmt.Errorf("library: sync the search index: %w", err)
	}
	return nil
}

// syncAfterPublication syncs after a committed publication change. The
// change is already safe in the database; a failure only delays it on
// this node until the next refresh, so it is logged, not returned.
func (a *App) syncAfterPublication(ctx context.Context) {
	if err := a.SyncLibrary(ctx); err != nil {
		a.Log.WarnContext(ctx, "library: sync after publication", "err", err)
	}
}

// IndexCase makes the library's search document of a case agree with the
// case, inside tx: a published case is (re)indexed, any other is removed.
// It is App.OnPublish unless the caller replaces it (a replacement should
// call it too), so the index changes in the publication's transaction.
func (a *App) IndexCase(ctx context.Context, tx *store.DB, id string) error {
	c, err := tx.CaseByID(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return search.Delete(ctx, tx, id)
	case err != nil:
		return err
	case c.State != domain.StatePublished || c.PublishedAt == nil:
		return search.Delete(ctx, tx, id)
	}
	call, err := tx.CallByID(ctx, c.CallID)
	if err != nil {
		return err
	}
	d, err := a.searchDoc(c, call.Slug)
	if err != nil {
		return err
	}
	if err := search.Put(ctx, tx, d); err != nil {
		return fmt.Errorf("index case %s: %w", id, err)
	}
	return nil
}

// searchDoc derives the search document of a published case.
func (a *App) searchDoc(c store.Case, callSlug string) (search.Doc, error) {
	var doc domain.Case
	if err := json.Unmarshal(c.Doc, &doc); err != nil {
		return search.Doc{}, fmt.Errorf("case %s: decode: %w", c.ID, err)
	}
	at := a.now()
	if c.PublishedAt != nil {
		at = *c.PublishedAt
	}
	return search.DocFromCase(c.ID, callSlug, &doc, a.Groups, at), nil
}

// indexCases indexes many published cases inside tx (an import).
func (a *App) indexCases(ctx context.Context, tx *store.DB, cases []store.Case, callSlug string) error {
	if len(cases) == 0 {
		return nil
	}
	var derr error
	docs := func(yield func(search.Doc) bool) {
		for _, c := range cases {
			d, err := a.searchDoc(c, callSlug)
			if err != nil {
				derr = err
				return
			}
			if !yield(d) {
				return
			}
		}
	}
	if _, err := search.PutAll(ctx, tx, docs); err != nil {
		return fmt.Errorf("index imported cases: %w", err)
	}
	return derr
}

// PrepareLibrary makes the library's search documents agree with the
// cases — indexing published cases that have none or one written by an
// older text analysis, and removing those of cases no longer published —
// then builds this node's index. Run it at start-up: the documents are
// derived data, and this repairs them whatever happened to them.
func (a *App) PrepareLibrary(ctx context.Context) (reindexed, removed int, err error) {
	missing, err := a.idList(ctx, `SELECT c.id FROM cases c WHERE c.state = ? AND NOT EXISTS
		(SELECT 1 FROM search_docs s WHERE s.id = c.id AND NOT s.deleted) ORDER BY c.id`, domain.StatePublished)
	if err != nil {
		return 0, 0, err
	}
	stale, err := search.StaleIDs(ctx, a.DB)
	if err != nil {
		return 0, 0, err
	}
	gone, err := a.idList(ctx, `SELECT s.id FROM search_docs s WHERE NOT s.deleted AND NOT EXISTS
		(SELECT 1 FROM cases c WHERE c.id = s.id AND c.state = ?) ORDER BY s.id`, domain.StatePublished)
	if err != nil {
		return 0, 0, err
	}
	todo := make(map[string]bool, len(missing)+len(stale))
	for _, id := range append(missing, stale...) {
		todo[id] = true
	}
	if len(todo) > 0 {
		calls, err := a.DB.ListCalls(ctx)
		if err != nil {
			return 0, 0, err
		}
		slugs := make(map[int64]string, len(calls))
		for _, c := range calls {
			slugs[c.ID] = c.Slug
		}
		// One streamed read of the published cases feeds the analysis.
		stop := errors.New("stop")
		var derr error
		docs := func(yield func(search.Doc) bool) {
			err := a.DB.ListCasesWithDocs(ctx, store.CaseFilter{States: []string{domain.StatePublished}}, func(c store.Case) error {
				if !todo[c.ID] {
					return nil
				}
				d, err := a.searchDoc(c, slugs[c.CallID])
				if err != nil {
					return err
				}
				if !yield(d) {
					return stop
				}
				return nil
			})
			if err != nil && !errors.Is(err, stop) {
				derr = err
			}
		}
		if reindexed, err = search.PutAll(ctx, a.DB, docs); err != nil {
			return reindexed, 0, fmt.Errorf("library: index published cases: %w", err)
		}
		if derr != nil {
			return reindexed, 0, fmt.Errorf("library: index published cases: %w", derr)
		}
	}
	for _, id := range gone {
		if err := a.DB.Transact(ctx, func(tx *store.DB) error { return a.IndexCase(ctx, tx, id) }); err != nil {
			return reindexed, removed, err
		}
		removed++
	}
	if err := a.SyncLibrary(ctx); err != nil {
		return reindexed, removed, err
	}
	// A full build leaves behind about as much garbage as the index it
	// built (postings grown by appending); hand it back to the system now
	// rather than serve with the peak as the resident set.
	debug.FreeOSMemory()
	return reindexed, removed, nil
}

// idList runs a query that returns one id per row.
func (a *App) idList(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := a.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("library: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("library: %w", err)
	}
	return out, nil
}

// readerLang is one of the six interface languages, English by default.
func readerLang(lang string) string {
	for _, l := range i18n.Langs {
		if l == lang {
			return l
		}
	}
	return "en"
}

// checkLibraryQuery refuses what a library query cannot mean, naming the
// parameter, so that both skins answer a bad link the same way.
func checkLibraryQuery(q search.Query) error {
	var errs domain.Errors
	switch q.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortTitle:
	default:
		errs = append(errs, field("sort", "err.unknown_code", map[string]any{"Value": q.Sort}))
	}
	if q.Page < 0 {
		errs = append(errs, field("page", "library.err.page", nil))
	}
	if q.PerPage < 0 || q.PerPage > search.MaxPerPage {
		errs = append(errs, field("per_page", "library.err.per_page", map[string]any{"Max": search.MaxPerPage}))
	}
	errs = append(errs, checkFilters(q.Filters)...)
	for _, f := range q.Facets {
		if !slices.Contains(libraryFilters, f) {
			errs = append(errs, field("facets", "err.unknown_code", map[string]any{"Value": f}))
		}
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	return nil
}

// checkFilters refuses unknown filters and values no case can have.
func checkFilters(filters map[string][]string) domain.Errors {
	var errs domain.Errors
	for _, f := range slices.Sorted(maps.Keys(filters)) {
		if !slices.Contains(libraryFilters, f) {
			errs = append(errs, field(f, "err.unknown_code", map[string]any{"Value": f}))
			continue
		}
		for _, v := range filters[f] {
			if _, ok := CanonFilter(f, v); !ok {
				errs = append(errs, field(f, "err.unknown_code", map[string]any{"Value": v}))
			}
		}
	}
	return errs
}

// checkCalls refuses a call filter naming no call.
func (a *App) checkCalls(ctx context.Context, filters map[string][]string) (domain.Errors, error) {
	if len(filters[search.FacetCall]) == 0 {
		return nil, nil
	}
	calls, err := a.libraryCalls(ctx)
	if err != nil {
		return nil, err
	}
	var errs domain.Errors
	for _, v := range filters[search.FacetCall] {
		if c, ok := CanonFilter(search.FacetCall, v); ok && calls[c].Slug == "" {
			errs = append(errs, field(search.FacetCall, "err.unknown_code", map[string]any{"Value": v}))
		}
	}
	return errs, nil
}

// CheckLibraryFilters lists the library filters no case can match:
// unknown filters, unknown or malformed values, calls that do not exist.
// Searches, exports and statistics refuse them; the library's page
// leaves them out and says so.
func (a *App) CheckLibraryFilters(ctx context.Context, filters map[string][]string) (domain.Errors, error) {
	errs := checkFilters(filters)
	calls, err := a.checkCalls(ctx, filters)
	return append(errs, calls...), err
}

// checkCallFilter refuses, as an error, a call filter naming no call.
func (a *App) checkCallFilter(ctx context.Context, filters map[string][]string) error {
	errs, err := a.checkCalls(ctx, filters)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	return nil
}

// filterValues read each library filter's values as the index stores
// them (codes in their usual case, numbers without leading zeros); ok is
// false for a value no case can have.
var filterValues = map[string]func(string) (string, bool){
	search.FacetWSIS: InVocab(domain.ActionLines, true),
	search.FacetSDG: func(v string) (string, bool) {
		n, err := strconv.Atoi(v)
		return strconv.Itoa(n), err == nil && slices.Contains(domain.Goals, n)
	},
	search.FacetTarget: func(v string) (string, bool) {
		v = strings.ToLower(v)
		return v, domain.IsTarget(v)
	},
	search.FacetRegion:    InVocab(domain.Regions, false),
	search.FacetSubRegion: InVocab(domain.SubRegions, false),
	search.FacetGroup:     InVocab(domain.CountryGroups, true),
	search.FacetGroupNow:  InVocab(domain.CountryGroups, true),
	search.FacetCountry: func(v string) (string, bool) {
		c, ok := domain.CountryByCode(strings.ToUpper(v))
		return c.Code, ok
	},
	search.FacetSector:     InVocab(domain.Sectors, true),
	search.FacetTechnology: InVocab(domain.Technologies, false),
	search.FacetSize:       InVocab(domain.SizeClasses, false),
	search.FacetYear: func(v string) (string, bool) {
		n, err := strconv.Atoi(v)
		return strconv.Itoa(n), err == nil && len(v) == 4 && n >= 1900 && n <= 2999
	},
	search.FacetCall: func(v string) (string, bool) {
		v = strings.ToLower(v)
		return v, slugRe.MatchString(v)
	},
	search.FacetLanguage: func(v string) (string, bool) {
		v = strings.ToLower(v)
		return v, langCodeRe.MatchString(v)
	},
}

var (
	slugRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$`)
	langCodeRe = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// InVocab reads a code of a vocabulary's list, in any case if fold: ok
// is false for a code not in it.
func InVocab(list []string, fold bool) func(string) (string, bool) {
	return func(c string) (string, bool) {
		for _, k := range list {
			if k == c || (fold && strings.EqualFold(k, c)) {
				return k, true
			}
		}
		return c, false
	}
}

// MaxQueryChars bounds the words of a library search, in characters.
const MaxQueryChars = 1000

// CanonFilter is a value of a library filter as the index stores it; ok
// is false for an unknown filter or a value no case can have (a call is
// checked by its form: CheckLibraryFilters knows which calls exist).
func CanonFilter(facet, value string) (string, bool) {
	read, ok := filterValues[facet]
	if !ok {
		return value, false
	}
	return read(strings.TrimSpace(value))
}

// SearchLibrary runs a library search for anyone. q.Lang is the reader's
// language: it orders titles, names the facet values and picks the
// translation shown. Without q.Facets, the LibraryFacets are counted; an
// empty non-nil list counts none.
func (a *App) SearchLibrary(ctx context.Context, q search.Query) (LibraryPage, error) {
	page, err := a.SearchLibraryHits(ctx, q)
	if err != nil {
		return LibraryPage{}, err
	}
	page.Items, err = a.libraryItems(ctx, page.Seq, page.IDs, readerLang(q.Lang))
	if err != nil {
		return LibraryPage{}, err
	}
	return page, nil
}

// SearchLibraryHits is SearchLibrary without the items: the page's ids,
// for a caller that keeps its own rendering of them (LibraryItems reads
// those it lacks).
func (a *App) SearchLibraryHits(ctx context.Context, q search.Query) (LibraryPage, error) {
	if err := checkLibraryQuery(q); err != nil {
		return LibraryPage{}, err
	}
	if err := a.checkCallFilter(ctx, q.Filters); err != nil {
		return LibraryPage{}, err
	}
	q.Lang = readerLang(q.Lang)
	if q.Facets == nil {
		q.Facets = LibraryFacets
	}
	ix := a.libraryIndex(ctx)
	seq := ix.Seq()
	key := facetKey(q)
	counted, ok := a.library.cachedFacets(seq, key)
	if ok {
		q.Facets = []string{} // known: only the page of results is needed
	}
	res := ix.Search(q)
	if !ok {
		counted = countedFacets{counts: res.Facets, concepts: res.Concepts}
		a.library.keepFacets(seq, key, counted)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	calls, err := a.libraryCalls(ctx)
	if err != nil {
		return LibraryPage{}, err
	}
	L := a.Cat.Localizer(q.Lang)
	page := LibraryPage{Total: res.Total, Page: res.Page, PerPage: res.PerPage, IDs: ids, AnyWord: res.AnyWord, Seq: seq,
		Facets: a.labelFacets(L, calls, counted.counts)}
	for _, c := range counted.concepts {
		page.Concepts = append(page.Concepts, LibraryFacet{Value: c.String(), Label: facetLabel(L, calls, c.Vocab, c.Code)})
	}
	return page, nil
}

// LibraryIDs returns the ids of every case matching q, in its order,
// without paging (for exports and feeds of a whole result set).
func (a *App) LibraryIDs(ctx context.Context, q search.Query) ([]string, error) {
	if err := checkLibraryQuery(q); err != nil {
		return nil, err
	}
	if err := a.checkCallFilter(ctx, q.Filters); err != nil {
		return nil, err
	}
	q.Lang = readerLang(q.Lang)
	return a.libraryIndex(ctx).AllIDs(q), nil
}

// LibraryItems returns the list form of the cases with these ids, in
// their order, in the reader's language; ids no longer published are left
// out.
func (a *App) LibraryItems(ctx context.Context, ids []string, lang string) ([]LibraryItem, error) {
	seq := a.libraryIndex(ctx).Seq()
	return a.libraryItems(ctx, seq, ids, readerLang(lang))
}

// libraryItems builds list items from the stored list texts of the cases,
// read from the cache when the index has not changed since.
func (a *App) libraryItems(ctx context.Context, seq int64, ids []string, lang string) ([]LibraryItem, error) {
	st := &a.library
	found := make(map[string]search.Stored, len(ids))
	st.mu.Lock()
	missing := st.docs.get(seq, ids, found)
	st.mu.Unlock()
	if len(missing) > 0 {
		loaded, err := search.Load(ctx, a.DB, missing)
		if err != nil {
			return nil, err
		}
		st.mu.Lock()
		for _, d := range loaded {
			st.docs.put(seq, d)
		}
		st.mu.Unlock()
		for id, d := range loaded {
			found[id] = d
		}
	}
	items := make([]LibraryItem, 0, len(ids))
	for _, id := range ids {
		if d, ok := found[id]; ok {
			items = append(items, listItem(d, lang))
		}
	}
	return items, nil
}

// listItem is a stored document as a list shows it to a reader of lang.
func listItem(d search.Stored, lang string) LibraryItem {
	t, tl := d.Localized(lang)
	it := LibraryItem{ID: d.ID, Call: d.Call, Title: t.Title, Summary: t.Summary, Language: tl,
		Countries: nonNil(d.Facets[search.FacetCountry]), WSIS: nonNil(d.Facets[search.FacetWSIS]),
		Technologies: nonNil(d.Facets[search.FacetTechnology]), SDGs: []int{},
		URL: "/" + lang + "/cases/" + d.ID, PublishedAt: d.PublishedAt}
	for _, g := range d.Facets[search.FacetSDG] {
		if n, err := strconv.Atoi(g); err == nil {
			it.SDGs = append(it.SDGs, n)
		}
	}
	if s := d.Facets[search.FacetSector]; len(s) > 0 {
		it.Sector = s[0]
	}
	if y := d.Facets[search.FacetYear]; len(y) > 0 {
		it.Year, _ = strconv.Atoi(y[0])
	}
	return it
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// libraryCalls returns every call by slug (to name the call facet), read
// at most once a second, and a fingerprint of their titles that changes
// when a call is edited.
func (a *App) libraryCalls(ctx context.Context) (map[string]store.Call, error) {
	calls, _, err := a.libraryCallsHash(ctx)
	return calls, err
}

func (a *App) libraryCallsHash(ctx context.Context) (map[string]store.Call, string, error) {
	st := &a.library
	st.mu.Lock()
	calls, hash, at := st.calls, st.callsHash, st.callsAt
	st.mu.Unlock()
	if calls != nil && time.Since(at) < libraryMaxAge {
		return calls, hash, nil
	}
	list, err := a.DB.ListCalls(ctx)
	if err != nil {
		return nil, "", err
	}
	calls = make(map[string]store.Call, len(list))
	h := sha256.New()
	for _, c := range list {
		calls[c.Slug] = c
		h.Write([]byte(c.Slug))
		binary.Write(h, binary.LittleEndian, c.UpdatedAt.UnixMilli())
	}
	hash = hex.EncodeToString(h.Sum(nil)[:8])
	st.mu.Lock()
	st.calls, st.callsHash, st.callsAt = calls, hash, time.Now()
	st.mu.Unlock()
	return calls, hash, nil
}

// LibraryVersion identifies the state of the library as public pages show
// it: it changes whenever a case is published or unpublished and when a
// call is edited. Caches and ETags of public pages key on it.
func (a *App) LibraryVersion(ctx context.Context) (string, error) {
	seq := a.libraryIndex(ctx).Seq()
	_, hash, err := a.libraryCallsHash(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(seq, 10) + "-" + hash, nil
}

// labelFacets names each facet value in the reader's language. A page
// has a few hundred values to name, nearly all named before: they are
// read under one lock, and only the new ones are labelled and kept.
func (a *App) labelFacets(L *i18n.L, calls map[string]store.Call, counts map[string][]search.FacetValue) map[string][]LibraryFacet {
	type unnamed struct {
		facet string
		i     int
	}
	var todo []unnamed
	out := make(map[string][]LibraryFacet, len(counts))
	st := &a.library
	st.labelsMu.RLock()
	for f, vs := range counts {
		list := make([]LibraryFacet, len(vs))
		known := st.labels[labelKey{L.Lang(), f}]
		for i, v := range vs {
			list[i] = LibraryFacet{Value: v.Value, Count: v.Count}
			label, ok := known[v.Value]
			if f == search.FacetCall || !ok { // calls can be renamed: labelled afresh
				todo = append(todo, unnamed{f, i})
			}
			list[i].Label = label
		}
		out[f] = list
	}
	st.labelsMu.RUnlock()
	for _, u := range todo {
		v := &out[u.facet][u.i]
		v.Label = facetLabel(L, calls, u.facet, v.Value)
		if u.facet == search.FacetCall {
			continue
		}
		k := labelKey{L.Lang(), u.facet}
		st.labelsMu.Lock()
		if st.labels[k] == nil {
			if st.labels == nil {
				st.labels = make(map[labelKey]map[string]string)
			}
			st.labels[k] = make(map[string]string)
		}
		st.labels[k][v.Value] = v.Label
		st.labelsMu.Unlock()
	}
	return out
}

// vocabOf is the catalogue vocabulary that labels each facet's codes.
var vocabOf = map[string]string{
	search.FacetWSIS: "wsis", search.FacetSDG: "sdg", search.FacetRegion: "region", search.FacetSubRegion: "subregion",
	search.FacetGroup: "group", search.FacetGroupNow: "group", search.FacetSector: "sector",
	search.FacetTechnology: "technology", search.FacetSize: "size",
}

// facetLabel names a facet value (or a concept: its vocabulary and code)
// in the reader's language. A code the catalogue does not know is shown
// as it is.
func facetLabel(L *i18n.L, calls map[string]store.Call, facet, value string) string {
	if v, ok := vocabOf[facet]; ok {
		if key := "vocab." + v + "." + value; L.Has(key) {
			return L.T(key)
		}
		return value
	}
	switch facet {
	case search.FacetCountry:
		return domain.CountryName(value, L.Lang())
	case search.FacetTarget:
		return L.T("library.target", map[string]any{"Code": value})
	case search.FacetCall:
		if c, ok := calls[value]; ok {
			return cmp.Or(localText(c.Title, L.Lang()), value)
		}
	case search.FacetLanguage:
		return L.LanguageName(value)
	}
	return value
}

// FacetLabel names one facet value in lang, as SearchLibrary does.
func (a *App) FacetLabel(ctx context.Context, lang, facet, value string) string {
	calls, _ := a.libraryCalls(ctx)
	return facetLabel(a.Cat.Localizer(readerLang(lang)), calls, facet, value)
}

// LibraryStats counts the published cases matching filters by each of
// the statistics facets (search.StatsFacets), labelled in lang.
func (a *App) LibraryStats(ctx context.Context, filters map[string][]string, lang string) (map[string][]LibraryFacet, error) {
	if errs := checkFilters(filters); len(errs) > 0 {
		return nil, invalid(errs)
	}
	if err := a.checkCallFilter(ctx, filters); err != nil {
		return nil, err
	}
	calls, err := a.libraryCalls(ctx)
	if err != nil {
		return nil, err
	}
	counts := a.libraryIndex(ctx).Stats(filters)
	return a.labelFacets(a.Cat.Localizer(readerLang(lang)), calls, counts), nil
}

// errGone is the answer for a case the library published once and took
// back: its URL stays known, and says so.
var errGone = fail(KindGone, "library.gone")

// PublicCase returns a published case to anyone. A case that was
// published and then taken out of the library is KindGone (its page
// becomes a tombstone); any other unpublished or unknown id is
// KindNotFound.
func (a *App) PublicCase(ctx context.Context, id string) (PublicCase, error) {
	c, err := a.DB.CaseByID(ctx, id)
	if err != nil {
		return PublicCase{}, notFound(err)
	}
	if c.State != domain.StatePublished || c.PublishedAt == nil {
		if was, err := a.wasPublished(ctx, id); err != nil {
			return PublicCase{}, err
		} else if was {
			return PublicCase{}, errGone
		}
		return PublicCase{}, errNotFound
	}
	call, err := a.DB.CallByID(ctx, c.CallID)
	if err != nil {
		return PublicCase{}, err
	}
	p := PublicCase{ID: c.ID, Call: call.Slug, CallTitle: call.Title, PublishedAt: *c.PublishedAt}
	if err := json.Unmarshal(c.Doc, &p.Doc); err != nil {
		return PublicCase{}, fmt.Errorf("case %s: decode: %w", id, err)
	}
	if p.Attachments, err = a.DB.ListAttachments(ctx, id); err != nil {
		return PublicCase{}, err
	}
	return p, nil
}

// wasPublished reports whether the audit log shows the case published
// once (by the secretariat or by an import).
func (a *App) wasPublished(ctx context.Context, id string) (bool, error) {
	entries, err := a.DB.ListAudit(ctx, "case", id, 0)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(entries, func(e store.AuditEntry) bool { return e.To == domain.StatePublished }), nil
}

// PublicAttachment returns a file of a published case to anyone.
func (a *App) PublicAttachment(ctx context.Context, id, name string) (store.Attachment, []byte, error) {
	c, err := a.DB.CaseByID(ctx, id)
	if err != nil {
		return store.Attachment{}, nil, notFound(err)
	}
	if c.State != domain.StatePublished {
		return store.Attachment{}, nil, errNotFound
	}
	att, err := a.DB.Attachment(ctx, id, name)
	if err != nil {
		return store.Attachment{}, nil, notFound(err)
	}
	data, err := a.DB.AttachmentData(ctx, att.SHA256)
	return att, data, err
}

// CaseURL is the absolute address of a published case's page in lang.
func (a *App) CaseURL(lang, id string) string { return a.link(readerLang(lang), "/cases/"+id) }

// ReaderLang is the interface language to use for lang: one of the six,
// English by default.
func ReaderLang(lang string) string { return readerLang(lang) }

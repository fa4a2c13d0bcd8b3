package search

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// The index keeps the first results of recent queries, as Solr's query
// result cache does: a reader who pages through a result list, or the
// many who run the same popular search, cost a map lookup instead of
// scoring every matching case again. An entry holds the first
// resultWindow results (five pages of the library), their scores, the
// total and what the query named, and is only valid for the state it was
// computed on: applying changes empties the cache, and a rebuilt state
// starts with an empty one.
const (
	resultWindow     = 100
	maxCachedResults = 4096 // entries, about 1 KB each
)

type resultCache struct {
	mu sync.Mutex
	m  map[string]*cachedResult
}

type cachedResult struct {
	total    int
	ords     []uint32
	scores   []float32 // per ord; nil when not sorted by relevance score
	concepts []Concept
	anyWord  bool
}

func (c *resultCache) get(key string) *cachedResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *resultCache) put(key string, r *cachedResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*cachedResult)
	}
	for k := range c.m { // when full, an arbitrary entry makes room
		if len(c.m) < maxCachedResults {
			break
		}
		delete(c.m, k)
	}
	c.m[key] = r
}

func (c *resultCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// resultKey identifies what a normalized query's order depends on: the
// text, the filters, the sort and, when it orders the results, the
// reader's language (for title collation, and for relevance, where it
// breaks ties). ok is false for queries not worth keeping or whose
// results change with the date (today's country groups).
func resultKey(q Query) (key string, ok bool) {
	if q.Page*q.PerPage > resultWindow {
		return "", false
	}
	if _, ok := q.Filters[FacetGroupNow]; ok {
		return "", false
	}
	var b strings.Builder
	b.WriteString(q.Sort)
	b.WriteByte(0)
	if q.Sort == SortTitle || (q.Sort == SortRelevance && strings.TrimSpace(q.Q) != "") {
		b.WriteString(q.Lang)
	}
	b.WriteByte(0)
	b.WriteString(q.Q)
	WriteFiltersKey(&b, q.Filters)
	return b.String(), true
}

// WriteFiltersKey writes a key of a set of filters, the same whatever the
// order of their facets and values, for caches of what they select.
func WriteFiltersKey(b *strings.Builder, filters map[string][]string) {
	for _, f := range slices.Sorted(maps.Keys(filters)) {
		b.WriteByte(0)
		b.WriteString(f)
		for _, v := range slices.Sorted(slices.Values(filters[f])) {
			b.WriteByte(1)
			b.WriteString(v)
		}
	}
}

// remember keeps the first results of a run.
func (r *run) remember(q Query) *cachedResult {
	c := &cachedResult{total: r.total, ords: r.top(q, resultWindow), concepts: slices.Clip(r.concepts), anyWord: r.anyWord}
	if r.scored && q.Sort == SortRelevance {
		c.scores = make([]float32, len(c.ords))
		for i, ord := range c.ords {
			c.scores[i] = r.relevance(ord)
		}
	}
	return c
}

// page is the query's page of a kept result.
func (c *cachedResult) page(st *state, q Query) Result {
	res := Result{Total: c.total, Page: q.Page, PerPage: q.PerPage, Concepts: c.concepts, AnyWord: c.anyWord}
	from := (q.Page - 1) * q.PerPage
	for i := from; i < min(from+q.PerPage, len(c.ords)); i++ {
		h := Hit{ID: st.id(c.ords[i])}
		if c.scores != nil {
			h.Score = float64(c.scores[i])
		}
		res.Hits = append(res.Hits, h)
	}
	return res
}

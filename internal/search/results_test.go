package search

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// uncached runs a query without the result cache.
func uncached(ix *Index, q Query) Result {
	q = normalizeQuery(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r := ix.run(q)
	defer ix.release(r.sc)
	return r.page(q)
}

// putSynth publishes n synthetic cases and returns their documents.
func putSynth(t *testing.T, db *store.DB, n int) []Doc {
	t.Helper()
	var docs []Doc
	for r := range synth.Records(n, 7) {
		c := r.Case
		d := DocFromCase(r.ID, r.Call, &c, domain.DefaultGroups(), r.PublishedAt)
		if err := Put(t.Context(), db, d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

// TestResultCache pages through results twice, the second time from the
// cache where the page lies in the kept window, and compares every page,
// hit and score with the same query run afresh.
func TestResultCache(t *testing.T) {
	db := storetest.OpenSQLite(t)
	putSynth(t, db, 260)
	ix := New(Options{})
	syncIndex(t, ix, db)
	queries := []Query{
		{},
		{Q: "digital"},
		{Q: "mobile payments", Lang: "fr"},
		{Q: "mobile payments", Lang: "zh"},
		{Q: "commerce électronique -tourism", Lang: "fr"},
		{Q: "移动支付", Lang: "zh"},
		{Sort: SortTitle, Lang: "ar"},
		{Sort: SortTitle, Lang: "ru"},
		{Q: "cooperative", Sort: SortNewest},
		{Filters: map[string][]string{FacetSector: {"A", "C"}, FacetWSIS: {"C6"}}},
		{Q: "digital", Filters: map[string][]string{FacetYear: {"2020", "2021", "2022"}}},
		{Q: "xyzzy-no-such-word"},
	}
	for _, base := range queries {
		for _, perPage := range []int{20, 7, 100} {
			for pass := range 2 {
				for page := 1; page <= 8; page++ {
					q := base
					q.Page, q.PerPage = page, perPage
					got, want := ix.Search(q), uncached(ix, q)
					name := fmt.Sprintf("%q %s %s %v, %d per page, page %d, pass %d", q.Q, q.Sort, q.Lang, q.Filters, perPage, page, pass)
					if got.Total != want.Total || got.AnyWord != want.AnyWord || got.Page != want.Page || got.PerPage != want.PerPage {
						t.Fatalf("%s: total %d any %v page %d/%d, want %d %v %d/%d", name,
							got.Total, got.AnyWord, got.Page, got.PerPage, want.Total, want.AnyWord, want.Page, want.PerPage)
					}
					if !slices.Equal(got.Hits, want.Hits) {
						t.Fatalf("%s:\n got  %v\n want %v", name, got.Hits, want.Hits)
					}
					if !slices.Equal(got.Concepts, want.Concepts) {
						t.Fatalf("%s: concepts %v, want %v", name, got.Concepts, want.Concepts)
					}
				}
			}
		}
	}
	if len(ix.st.results.m) == 0 {
		t.Fatal("no result was kept")
	}
	// Today's groups change with the date: never kept.
	ix.Search(Query{Filters: map[string][]string{FacetGroupNow: {"LDC"}}})
	if key, ok := resultKey(normalizeQuery(Query{Filters: map[string][]string{FacetGroupNow: {"LDC"}}})); ok {
		t.Errorf("a group_now query is kept under %q", key)
	}
}

// TestResultCacheSeesChanges checks that a kept result is dropped when a
// case is published or unpublished.
func TestResultCacheSeesChanges(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		docs := putSynth(t, db, 60)
		ix := New(Options{})
		syncIndex(t, ix, db)
		q := Query{Sort: SortNewest, PerPage: 5}
		before := ix.Search(q)
		ix.Search(q) // kept

		d := docs[0]
		d.ID, d.PublishedAt = "DX-2099-0001", time.Now()
		if err := Put(ctx, db, d); err != nil {
			t.Fatal(err)
		}
		syncIndex(t, ix, db)
		after := ix.Search(q)
		if after.Total != before.Total+1 || after.Hits[0].ID != d.ID {
			t.Fatalf("after publishing %s: total %d (was %d), first %s", d.ID, after.Total, before.Total, after.Hits[0].ID)
		}
		if err := Delete(ctx, db, d.ID); err != nil {
			t.Fatal(err)
		}
		syncIndex(t, ix, db)
		if again := ix.Search(q); again.Total != before.Total || !slices.Equal(again.Hits, before.Hits) {
			t.Fatalf("after unpublishing: total %d hits %v, want %d %v", again.Total, again.Hits, before.Total, before.Hits)
		}
	})
}

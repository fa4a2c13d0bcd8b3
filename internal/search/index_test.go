package search

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func syncIndex(t testing.TB, ix *Index, db *store.DB) {
	t.Helper()
	if err := ix.Sync(t.Context(), db); err != nil {
		t.Fatal(err)
	}
}

var sampleQueries = []string{"", "cooperatives", "mobile money", "移动支付", "الدفع عبر الهاتف المحمول", "кооператив", "pagos", "digital -coffee"}

// TestIncrementalSync builds an index from half the corpus and syncs the
// rest: it must answer as an index built from everything at once.
func TestIncrementalSync(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		docs := corpusDocs(t)
		half := len(docs) / 2
		for _, d := range docs[:half] {
			if err := Put(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		inc := New(Options{})
		syncIndex(t, inc, db)
		for _, d := range docs[half:] {
			if err := Put(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		syncIndex(t, inc, db)
		if inc.Len() != len(docs) {
			t.Fatalf("incremental index has %d documents, want %d", inc.Len(), len(docs))
		}
		full := New(Options{})
		syncIndex(t, full, db)
		for _, q := range sampleQueries {
			for _, sort := range []string{SortRelevance, SortNewest, SortTitle} {
				qq := Query{Q: q, Sort: sort, Lang: "fr", Facets: Facets}
				a, b := inc.AllIDs(qq), full.AllIDs(qq)
				if sort == SortRelevance {
					// Scores may differ slightly (average length is fixed
					// at the build), not the matches.
					slices.Sort(a)
					slices.Sort(b)
				}
				if !slices.Equal(a, b) {
					t.Errorf("%q sorted by %s: incremental %v, full %v", q, sort, a, b)
				}
				if fa, fb := inc.Search(qq).Facets, full.Search(qq).Facets; !maps.EqualFunc(fa, fb, slices.Equal) {
					t.Errorf("%q: facets differ:\nincremental %v\nfull        %v", q, fa, fb)
				}
			}
		}
	})
}

func TestUnpublishRemovesAtOnce(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		putCorpusInto(t, db)
		ix := New(Options{})
		syncIndex(t, ix, db)
		const id = "DX-2026-0002" // the Kenyan dairy cooperatives
		q := Query{Q: "mobile money", Facets: []string{FacetCountry}}
		before := ix.Search(q)
		if !slices.Contains(strings.Fields(hitIDs(before)), id) {
			t.Fatalf("%s is not found before unpublishing", id)
		}
		if err := Delete(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		syncIndex(t, ix, db)
		after := ix.Search(q)
		if slices.Contains(strings.Fields(hitIDs(after)), id) {
			t.Errorf("%s is still found after unpublishing", id)
		}
		if after.Total != before.Total-1 {
			t.Errorf("total %d after unpublishing, want %d", after.Total, before.Total-1)
		}
		for _, fv := range after.Facets[FacetCountry] {
			if fv.Value == "KE" {
				t.Errorf("country KE still counted %d after unpublishing", fv.Count)
			}
		}
		if res := ix.Search(Query{Filters: map[string][]string{FacetCountry: {"KE"}}}); res.Total != 0 {
			t.Errorf("filter country=KE finds %d, want 0", res.Total)
		}
		// Publishing it again brings it back.
		for _, d := range corpusDocs(t) {
			if d.ID == id {
				if err := Put(ctx, db, d); err != nil {
					t.Fatal(err)
				}
			}
		}
		syncIndex(t, ix, db)
		if res := ix.Search(q); res.Total != before.Total {
			t.Errorf("total %d after publishing again, want %d", res.Total, before.Total)
		}
	})
}

// TestOtherNode checks that an index sees what another node wrote.
func TestOtherNode(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		docs := corpusDocs(t)
		node1, node2 := New(Options{}), New(Options{})
		syncIndex(t, node1, db)
		syncIndex(t, node2, db)
		for _, d := range docs[:10] {
			if err := Put(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		syncIndex(t, node1, db) // node 1 published
		if node2.Len() != 0 {
			t.Fatal("node 2 changed without syncing")
		}
		syncIndex(t, node2, db)
		if node2.Len() != 10 || node2.Seq() != node1.Seq() {
			t.Errorf("node 2 has %d documents at %d, want 10 at %d", node2.Len(), node2.Seq(), node1.Seq())
		}
		if err := Delete(ctx, db, docs[3].ID); err != nil {
			t.Fatal(err)
		}
		syncIndex(t, node2, db)
		if got := node2.AllIDs(Query{}); slices.Contains(got, docs[3].ID) || len(got) != 9 {
			t.Errorf("node 2 after the deletion: %v", got)
		}
	})
}

func TestRefresh(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := t.Context()
	ix := New(Options{})
	if err := ix.Refresh(ctx, db, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, db, testDoc("A", "A document")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Refresh(ctx, db, time.Hour); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 0 {
		t.Error("Refresh synced although the last sync is recent")
	}
	if err := ix.Refresh(ctx, db, 0); err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 1 {
		t.Errorf("Refresh with max age 0 left %d documents, want 1", ix.Len())
	}
}

// TestRebuildAfterManyDeletes unpublishes most of the corpus, which makes
// Sync rebuild the index; results must stay right.
func TestRebuildAfterManyDeletes(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		putCorpusInto(t, db)
		ix := New(Options{})
		syncIndex(t, ix, db)
		docs := corpusDocs(t)
		var kept []string
		for i, d := range docs {
			if i%3 == 0 {
				kept = append(kept, d.ID)
				continue
			}
			if err := Delete(ctx, db, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		syncIndex(t, ix, db)
		ix.mu.RLock()
		dead, n := ix.st.dead, ix.st.n()
		ix.mu.RUnlock()
		if dead != 0 || n != len(kept) {
			t.Errorf("after the rebuild: %d ordinals, %d dead; want %d and 0", n, dead, len(kept))
		}
		got := ix.AllIDs(Query{})
		slices.Sort(got)
		slices.Sort(kept)
		if !slices.Equal(got, kept) {
			t.Errorf("documents %v, want %v", got, kept)
		}
	})
}

// TestFacetCountsMatchBruteForce compares the index's totals and facet
// counts under random filters with a count over the stored documents:
// each facet is counted over the results filtered by every other facet
// (OR within a facet, AND across facets).
func TestFacetCountsMatchBruteForce(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		putCorpusInto(t, db)
		// Small result sets are counted by walking the cases, large ones
		// by intersecting bitmaps: check both.
		for _, walk := range []bool{true, false} {
			t.Run(fmt.Sprintf("walk=%v", walk), func(t *testing.T) {
				now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
				ix := New(Options{Now: func() time.Time { return now }})
				if !walk {
					ix.walkLimit = func(int) int { return -1 }
				}
				syncIndex(t, ix, db)
				checkFacetCounts(t, db, ix)
			})
		}
	})
}

func checkFacetCounts(t *testing.T, db *store.DB, ix *Index) {
	ctx := t.Context()
	docs := corpusDocs(t)
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	stored, err := Load(ctx, db, ids)
	if err != nil {
		t.Fatal(err)
	}
	// Today's groups, as group_now computes them.
	for id, s := range stored {
		var now []string
		for _, cc := range s.Facets[FacetCountry] {
			for _, g := range domain.DefaultGroups().Groups(cc, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) {
				if !slices.Contains(now, g) {
					now = append(now, g)
				}
			}
		}
		s.Facets[FacetGroupNow] = now
		stored[id] = s
	}
	values := map[string][]string{}
	for _, s := range stored {
		for f, vs := range s.Facets {
			for _, v := range vs {
				if !slices.Contains(values[f], v) {
					values[f] = append(values[f], v)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for round := range 150 {
		filters := map[string][]string{}
		for range 1 + r.IntN(3) {
			f := Facets[r.IntN(len(Facets))]
			for range 1 + r.IntN(3) {
				if len(values[f]) > 0 {
					filters[f] = append(filters[f], values[f][r.IntN(len(values[f]))])
				}
			}
		}
		text := []string{"", "", "mobile money", "cooperatives", "digital"}[r.IntN(5)]
		textIDs := ix.AllIDs(Query{Q: text})
		res := ix.Search(Query{Q: text, Filters: filters, Facets: Facets, PerPage: MaxPerPage})
		if res.AnyWord {
			continue // the fallback depends on the filters; not what this test checks
		}
		checked++
		matches := func(s Stored, except string) bool {
			for f, vs := range filters {
				if f == except {
					continue
				}
				if !slices.ContainsFunc(vs, func(v string) bool { return slices.Contains(s.Facets[f], v) }) {
					return false
				}
			}
			return true
		}
		total := 0
		for _, id := range textIDs {
			if matches(stored[id], "") {
				total++
			}
		}
		if res.Total != total {
			t.Fatalf("round %d, %q %v: total %d, brute force %d", round, text, filters, res.Total, total)
		}
		for _, f := range Facets {
			want := map[string]int{}
			for _, id := range textIDs {
				if s := stored[id]; matches(s, f) {
					for _, v := range s.Facets[f] {
						want[v]++
					}
				}
			}
			got := map[string]int{}
			for _, fv := range res.Facets[f] {
				if fv.Count > 0 {
					got[fv.Value] = fv.Count
				}
			}
			if !maps.Equal(got, want) {
				t.Fatalf("round %d, %q %v: facet %s = %v, brute force %v", round, text, filters, f, got, want)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d of 150 rounds checked", checked)
	}
}

func TestFiltersAndSelectedValues(t *testing.T) {
	db := storetest.OpenSQLite(t)
	putCorpusInto(t, db)
	ix := New(Options{})
	syncIndex(t, ix, db)
	one := ix.Search(Query{Filters: map[string][]string{FacetCountry: {"KG"}}})
	two := ix.Search(Query{Filters: map[string][]string{FacetCountry: {"KG", "CN"}}})
	andSector := ix.Search(Query{Filters: map[string][]string{FacetCountry: {"KG", "CN"}, FacetSector: {"A"}}})
	if !(one.Total < two.Total && andSector.Total < two.Total && andSector.Total > 0) {
		t.Errorf("KG %d, KG or CN %d, (KG or CN) and sector A %d", one.Total, two.Total, andSector.Total)
	}
	// Filter values are matched in their canonical case; an unknown value
	// or facet matches nothing but is still listed as selected.
	if res := ix.Search(Query{Filters: map[string][]string{FacetCountry: {" kg "}}}); res.Total != one.Total {
		t.Errorf("country=' kg ' finds %d, want %d", res.Total, one.Total)
	}
	res := ix.Search(Query{Filters: map[string][]string{FacetCountry: {"XX"}}, Facets: []string{FacetCountry}})
	if res.Total != 0 || !slices.Contains(res.Facets[FacetCountry], FacetValue{Value: "XX", Count: 0}) {
		t.Errorf("country=XX: total %d, facet %v", res.Total, res.Facets[FacetCountry])
	}
	if res := ix.Search(Query{Filters: map[string][]string{"planet": {"mars"}}}); res.Total != 0 {
		t.Errorf("an unknown facet finds %d", res.Total)
	}
	// Facet values come most frequent first, then in natural order.
	sdg := ix.Search(Query{Facets: []string{FacetSDG}}).Facets[FacetSDG]
	if sdg[0].Value != "8" || !slices.IsSortedFunc(sdg, func(a, b FacetValue) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return naturalCompare(a.Value, b.Value)
	}) {
		t.Errorf("sdg facet order: %v", sdg)
	}
}

func TestStats(t *testing.T) {
	db := storetest.OpenSQLite(t)
	putCorpusInto(t, db)
	ix := New(Options{})
	syncIndex(t, ix, db)
	stats := ix.Stats(nil)
	if got := slices.Sorted(maps.Keys(stats)); !slices.Equal(got, slices.Sorted(slices.Values(StatsFacets))) {
		t.Errorf("Stats facets %v, want %v", got, StatsFacets)
	}
	sum := 0
	for _, fv := range stats[FacetCall] {
		sum += fv.Count
	}
	if sum != ix.Len() {
		t.Errorf("calls count %d cases, want %d", sum, ix.Len())
	}
	africa := ix.Stats(map[string][]string{FacetRegion: {"002"}})
	for _, fv := range africa[FacetSector] {
		if fv.Value == "O" && fv.Count != 1 {
			t.Errorf("sector O in Africa: %d, want 1 (Rwanda)", fv.Count)
		}
	}
}

func TestPagingAndAllIDs(t *testing.T) {
	db := storetest.OpenSQLite(t)
	putCorpusInto(t, db)
	ix := New(Options{})
	syncIndex(t, ix, db)
	for _, q := range []Query{{}, {Q: "digital", Sort: SortRelevance}, {Sort: SortTitle, Lang: "ar"}, {Q: "mobile money", Sort: SortNewest}} {
		all := ix.AllIDs(q)
		var paged []string
		for page := 1; ; page++ {
			q.Page, q.PerPage = page, 7
			res := ix.Search(q)
			if len(res.Hits) == 0 {
				break
			}
			if res.Total != len(all) {
				t.Fatalf("%+v: total %d, AllIDs %d", q, res.Total, len(all))
			}
			paged = append(paged, strings.Fields(hitIDs(res))...)
		}
		if !slices.Equal(paged, all) {
			t.Errorf("%q: pages %v\nall %v", q.Q, paged, all)
		}
	}
	if res := ix.Search(Query{PerPage: 1000}); len(res.Hits) != MaxPerPage && len(res.Hits) != res.Total {
		t.Errorf("PerPage 1000 gave %d hits", len(res.Hits))
	}
	if res := ix.Search(Query{Page: 10000}); len(res.Hits) != 0 || res.Total != ix.Len() {
		t.Errorf("a page beyond the results: %d hits of %d", len(res.Hits), res.Total)
	}
}

// TestTitleOrderScripts: a reader sees the titles in their language, or
// in its script, before the others (as CLDR orders scripts for Arabic,
// Chinese and Russian), and quotation marks do not count.
func TestTitleOrderScripts(t *testing.T) {
	db := storetest.OpenSQLite(t)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []Doc{
		{ID: "L1", Language: "en", Title: "Online bakeries"},
		{ID: "L2", Language: "fr", Title: "« Ateliers » numériques"},
		{ID: "A1", Language: "ar", Title: "«Mwali Stay»: سياحة بيئية"}, // Arabic, starting with a Latin name
		{ID: "A2", Language: "ar", Title: "تجارة إلكترونية للحرفيين"},
		{ID: "R1", Language: "ru", Title: "Цифровые кооперативы"},
		{ID: "Z1", Language: "zh", Title: "北京的移动支付"},
		{ID: "T1", Language: "en", Title: "Zebra crossings", Translations: map[string]Text{"ar": {Title: "أرصفة آمنة"}}},
	} {
		d.PublishedAt = at
		if err := Put(t.Context(), db, d); err != nil {
			t.Fatal(err)
		}
	}
	ix := New(Options{})
	syncIndex(t, ix, db)
	for lang, want := range map[string][]string{
		// The Arabic titles first (the one starting with a Latin name
		// first of them), then the others in the root order of scripts:
		// Latin, Cyrillic, Arabic, Han.
		"ar": {"A1", "T1", "A2", "L2", "L1", "R1", "Z1"},
		"en": {"L2", "A1", "L1", "T1", "R1", "A2", "Z1"},
		"ru": {"R1", "L2", "A1", "L1", "T1", "A2", "Z1"},
		"zh": {"Z1", "L2", "A1", "L1", "T1", "R1", "A2"},
	} {
		got := ix.AllIDs(Query{Sort: SortTitle, Lang: lang})
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", lang, got, want)
		}
	}
}

func TestSortOrders(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := t.Context()
	at := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	docs := []Doc{
		{ID: "E1", Language: "fr", Title: "Éleveurs connectés", PublishedAt: at(1)},
		{ID: "E2", Language: "fr", Title: "eau potable et capteurs", PublishedAt: at(2)},
		{ID: "Z1", Language: "fr", Title: "Zones franches numériques", PublishedAt: at(3)},
		{ID: "A1", Language: "fr", Title: "Agriculture de précision", PublishedAt: at(4)},
		{ID: "C1", Language: "zh", Title: "上海的电子发票", PublishedAt: at(5)},
		{ID: "C2", Language: "zh", Title: "北京的移动支付", PublishedAt: at(5)},
		{ID: "C3", Language: "zh", Title: "安徽的茶叶电商", PublishedAt: at(6),
			Translations: map[string]Text{"fr": {Title: "Boutique de thé en ligne de l'Anhui"}}},
	}
	for _, d := range docs {
		if err := Put(ctx, db, d); err != nil {
			t.Fatal(err)
		}
	}
	ix := New(Options{})
	syncIndex(t, ix, db)
	tests := []struct {
		q    Query
		want []string
	}{
		// French collation: accents after base letters, case ignored; C3
		// sorts by its French title for a French reader.
		{Query{Sort: SortTitle, Lang: "fr"}, []string{"A1", "C3", "E2", "E1", "Z1", "C1", "C2"}},
		// Chinese collation orders by pinyin: Anhui, Beijing, Shanghai;
		// a Chinese reader gets the titles in Chinese first.
		{Query{Sort: SortTitle, Lang: "zh"}, []string{"C3", "C2", "C1", "A1", "E2", "E1", "Z1"}},
		// Newest first; same day by id.
		{Query{Sort: SortNewest}, []string{"C3", "C1", "C2", "A1", "Z1", "E2", "E1"}},
		{Query{}, []string{"C3", "C1", "C2", "A1", "Z1", "E2", "E1"}},
	}
	for _, tt := range tests {
		if got := ix.AllIDs(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s %s: %v, want %v", tt.q.Sort, tt.q.Lang, got, tt.want)
		}
	}
	// Documents added after the build take their place in the orders.
	late := Doc{ID: "B1", Language: "fr", Title: "Boulangeries en ligne", PublishedAt: at(7)}
	if err := Put(ctx, db, late); err != nil {
		t.Fatal(err)
	}
	syncIndex(t, ix, db)
	if got := ix.AllIDs(Query{Sort: SortTitle, Lang: "fr"}); !slices.Equal(got, []string{"A1", "B1", "C3", "E2", "E1", "Z1", "C1", "C2"}) {
		t.Errorf("title order after adding B1: %v", got)
	}
	if got := ix.AllIDs(Query{Sort: SortNewest}); got[0] != "B1" {
		t.Errorf("newest after adding B1: %v", got)
	}
}

// TestGroupNow checks that group counts membership on the publication
// date and group_now today's, from the index's group table.
func TestGroupNow(t *testing.T) {
	groups, err := domain.ParseGroups(strings.NewReader("country,group,from,until,source\nNP,LDC,,2026-11-24,test\nNP,LLDC,,,test\n"))
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenSQLite(t)
	c := domain.Case{Language: "en", Title: "Digital sisters", Countries: []string{"NP"}}
	d := DocFromCase("DX-2025-0001", "sme-dx-2025", &c, groups, time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC))
	if !slices.Equal(d.Facets[FacetGroup], []string{"LDC", "LLDC"}) {
		t.Fatalf("groups at publication %v", d.Facets[FacetGroup])
	}
	if err := Put(t.Context(), db, d); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		now  time.Time
		want []FacetValue
	}{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), []FacetValue{{"LDC", 1}, {"LLDC", 1}}},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), []FacetValue{{"LLDC", 1}}},
	} {
		ix := New(Options{Groups: groups, Now: func() time.Time { return tt.now }})
		syncIndex(t, ix, db)
		res := ix.Search(Query{Facets: []string{FacetGroup, FacetGroupNow}})
		if !slices.Equal(res.Facets[FacetGroupNow], tt.want) {
			t.Errorf("on %s: group_now %v, want %v", tt.now.Format(time.DateOnly), res.Facets[FacetGroupNow], tt.want)
		}
		if !slices.Equal(res.Facets[FacetGroup], []FacetValue{{"LDC", 1}, {"LLDC", 1}}) {
			t.Errorf("group %v, want the membership on the publication date", res.Facets[FacetGroup])
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	sorted := []string{"1", "2", "8", "9", "10", "17", "8.2", "8.10", "8.a", "C1", "C2", "C10", "C11"}
	got := slices.Clone(sorted)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	slices.SortFunc(got, naturalCompare)
	want := []string{"1", "2", "8", "8.2", "8.10", "8.a", "9", "10", "17", "C1", "C2", "C10", "C11"}
	if !slices.Equal(got, want) {
		t.Errorf("natural order %v, want %v", got, want)
	}
}

// TestConcurrentSearchAndSync runs searches while documents are added and
// removed; with -race it checks the index's locking.
func TestConcurrentSearchAndSync(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := t.Context()
	docs := corpusDocs(t)
	ix := New(Options{})
	syncIndex(t, ix, db)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := Query{Q: sampleQueries[(i+w)%len(sampleQueries)], Facets: []string{FacetSector, FacetGroupNow}, Sort: []string{SortRelevance, SortTitle, SortNewest}[i%3]}
				res := ix.Search(q)
				if len(res.Hits) > res.Total {
					t.Errorf("%d hits of %d", len(res.Hits), res.Total)
				}
			}
		}()
	}
	for i, d := range docs {
		if err := Put(ctx, db, d); err != nil {
			t.Fatal(err)
		}
		if i%5 == 4 {
			if err := Delete(ctx, db, docs[i-2].ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := ix.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	want := len(docs) - len(docs)/5
	if ix.Len() != want {
		t.Errorf("%d documents, want %d", ix.Len(), want)
	}
}

func TestDocTitle(t *testing.T) {
	dt := packTitles("zh", map[string]string{"zh": "移动支付", "fr-CA": "Paiement mobile", "en": "Mobile\x1fpayments"})
	for lang, want := range map[string]string{"zh": "移动支付", "fr": "Paiement mobile", "en": "Mobile payments", "ar": "移动支付"} {
		if got := string(docTitle(dt).in(lang)); got != want {
			t.Errorf("in(%s) = %q, want %q", lang, got, want)
		}
	}
	// An empty title is no title: the next translation, or the original.
	for _, tt := range []struct {
		titles map[string]string
		want   string
	}{
		{map[string]string{"en": "Mobile payments", "es-419": "", "es-MX": "Pagos móviles"}, "Pagos móviles"},
		{map[string]string{"en": "Mobile payments", "es-419": ""}, "Mobile payments"},
	} {
		if got := string(docTitle(packTitles("en", tt.titles)).in("es")); got != tt.want {
			t.Errorf("%v: in(es) = %q, want %q", tt.titles, got, tt.want)
		}
	}
}

package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// library is a fixture whose library holds the demo's 42 cases, published
// by an import.
type library struct {
	*fixture
	ids    []string
	cases  map[string]domain.Case
	values map[string]map[string][]string // case → facet → values
}

func newLibrary(t *testing.T, db *store.DB) *library {
	t.Helper()
	f := newFixture(t, db)
	cases, err := demo.Cases()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.a.Import(context.Background(), &f.sec, f.call.Slug, bytes.NewReader(bytes.Join(demo.CaseLines(), []byte("\n"))),
		app.ImportOptions{Publish: true, Owner: f.alice.Email})
	if err != nil || len(rep.Rejected) > 0 || len(rep.Imported) != len(cases) {
		t.Fatalf("import: %v %v", err, rep.Rejected)
	}
	l := &library{fixture: f, ids: rep.Imported, cases: map[string]domain.Case{}, values: map[string]map[string][]string{}}
	for i, id := range rep.Imported {
		l.cases[id] = cases[i]
		l.values[id] = search.DocFromCase(id, f.call.Slug, &cases[i], f.a.Groups, f.clk.Now()).Facets
	}
	return l
}

// facets are a case's facet values, derived from its record.
func (l *library) facets(id string) map[string][]string { return l.values[id] }

// bruteCount counts, case by case, the cases that have one of the values
// of every facet in filters except the facet skip.
func (l *library) bruteCount(filters map[string][]string, skip, facet, value string) int {
	n := 0
	for id := range l.cases {
		fs := l.facets(id)
		ok := facet == "" || slices.Contains(fs[facet], value)
		for f, vs := range filters {
			if f != skip && !slices.ContainsFunc(fs[f], func(v string) bool { return slices.Contains(vs, v) }) {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// TestLibrarySearch runs the read-only checks of the library on one
// library per database.
func TestLibrarySearch(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		l := newLibrary(t, db)
		t.Run("facet counts", func(t *testing.T) { testFacetCounts(t, l) })
		t.Run("reader language", func(t *testing.T) { testReaderLanguage(t, l) })
		t.Run("query checks", func(t *testing.T) { testQueryChecks(t, l) })
	})
}

// testFacetCounts checks the library's totals and facet counts against a
// count over the case records: OR within a facet, AND across, and each
// facet counted under every filter but its own; the statistics under
// every filter.
func testFacetCounts(t *testing.T, l *library) {
	ctx := context.Background()
	tests := []map[string][]string{
		nil,
		{"wsis": {"C7"}},
		{"wsis": {"C7", "C4"}},
		{"wsis": {"C7"}, "region": {"002"}},
		{"group": {"LDC", "SIDS"}, "sdg": {"8"}},
		{"technology": {"payments"}, "size": {"programme", "small"}},
		{"country": {"CN"}, "year": {"2021", "2022"}},
		{"subregion": {"202"}, "sector": {"A", "G"}, "call": {"sme-dx"}},
		{"target": {"8.3"}},
		{"wsis": {"C9"}, "region": {"150"}}, // none
	}
	for _, filters := range tests {
		t.Run(fmt.Sprint(filters), func(t *testing.T) {
			for _, lang := range []string{"en", "ar"} {
				p, err := l.a.SearchLibrary(ctx, search.Query{Lang: lang, Filters: filters, PerPage: 100})
				if err != nil {
					t.Fatal(err)
				}
				if want := l.bruteCount(filters, "", "", ""); p.Total != want || len(p.Items) != want {
					t.Errorf("total %d, %d items, want %d", p.Total, len(p.Items), want)
				}
				for _, f := range app.LibraryFacets {
					seen := map[string]bool{}
					for _, v := range p.Facets[f] {
						seen[v.Value] = true
						if want := l.bruteCount(filters, f, f, v.Value); v.Count != want {
							t.Errorf("%s %s=%s: %d, want %d", lang, f, v.Value, v.Count, want)
						}
						if v.Label == "" || strings.HasPrefix(v.Label, "vocab.") || strings.HasPrefix(v.Label, "library.") {
							t.Errorf("%s %s=%s: label %q", lang, f, v.Value, v.Label)
						}
					}
					// Every value with a case is listed, and every selected one.
					for id := range l.cases {
						for _, v := range l.facets(id)[f] {
							if !seen[v] && l.bruteCount(filters, f, f, v) > 0 {
								t.Errorf("%s: value %s missing", f, v)
							}
						}
					}
					for _, v := range filters[f] {
						if !seen[v] {
							t.Errorf("%s: selected value %s not listed", f, v)
						}
					}
				}
			}
			stats, err := l.a.LibraryStats(ctx, filters, "fr")
			if err != nil {
				t.Fatal(err)
			}
			// The statistics count the cases the filters select, every
			// facet's own filter included: a chart of "these results".
			for _, f := range search.StatsFacets {
				seen := map[string]bool{}
				for _, v := range stats[f] {
					seen[v.Value] = true
					if want := l.bruteCount(filters, "", f, v.Value); v.Count != want {
						t.Errorf("stats %s=%s: %d, want %d", f, v.Value, v.Count, want)
					}
				}
				for id := range l.cases {
					for _, v := range l.facets(id)[f] {
						if !seen[v] && l.bruteCount(filters, "", f, v) > 0 {
							t.Errorf("stats %s: value %s missing", f, v)
						}
					}
				}
			}
		})
	}
	// Labels in the reader's language.
	p, err := l.a.SearchLibrary(ctx, search.Query{Lang: "ar", Filters: map[string][]string{"wsis": {"C7"}}})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := i18n.New()
	for _, v := range p.Facets["wsis"] {
		if v.Value == "C7" && v.Label != cat.Localizer("ar").T("vocab.wsis.C7") {
			t.Errorf("C7 in Arabic: %q", v.Label)
		}
	}
	for _, v := range p.Facets["call"] {
		if v.Label != "دعوة عالمية" {
			t.Errorf("call in Arabic: %q", v.Label)
		}
	}
}

func testReaderLanguage(t *testing.T, l *library) {
	ctx := context.Background()
	first := l.cases[l.ids[0]] // Arabic, translated into English by its author
	tests := []struct {
		lang, wantTitle, wantLang string
	}{
		{"en", first.Translations["en"].Title, "en"},
		{"ar", first.Title, "ar"},
		{"fr", first.Title, "ar"}, // no French: the original
	}
	for _, tt := range tests {
		items, err := l.a.LibraryItems(ctx, []string{l.ids[0], "DX-2026-9999"}, tt.lang)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Title != tt.wantTitle || items[0].Language != tt.wantLang ||
			items[0].URL != "/"+tt.lang+"/cases/"+l.ids[0] || items[0].Call != l.call.Slug {
			t.Errorf("%s: %+v", tt.lang, items)
		}
		if it := items[0]; !slices.Equal(it.Countries, first.Countries) || it.WSIS[0] != first.WSIS.Primary ||
			!slices.Equal(it.SDGs, first.SDGs.Goals) || it.Sector != first.Sector || strconv.Itoa(it.Year) != first.Period.Start[:4] {
			t.Errorf("%s: facets of the item %+v", tt.lang, it)
		}
	}
	// Search in Arabic, and by a concept named in Arabic across languages.
	p, err := l.a.SearchLibrary(ctx, search.Query{Q: "البن اليمني", Lang: "ar"})
	if err != nil || p.Total == 0 || p.Items[0].ID != l.ids[0] {
		t.Fatalf("Arabic query: %v %+v", err, p.Items)
	}
	p, err = l.a.SearchLibrary(ctx, search.Query{Q: "الدفع عبر الهاتف المحمول", Lang: "ar", PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]bool{}
	for _, it := range p.Items {
		langs[l.cases[it.ID].Language] = true
	}
	if len(langs) < 4 || len(p.Concepts) == 0 {
		t.Errorf("concept query found cases in %v, concepts %v", langs, p.Concepts)
	}
}

func TestLibraryPublication(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		l := newLibrary(t, db)
		ctx := context.Background()
		a := l.a
		id := l.ids[5]
		in := func(a *app.App) bool {
			ids, err := a.LibraryIDs(ctx, search.Query{})
			if err != nil {
				t.Fatal(err)
			}
			return slices.Contains(ids, id)
		}
		pc, err := a.PublicCase(ctx, id)
		if err != nil || pc.Doc.Title != l.cases[id].Title || pc.Call != l.call.Slug || pc.CallTitle["en"] != "Global call" {
			t.Fatalf("PublicCase: %v %+v", err, pc)
		}
		b, _ := json.Marshal(pc)
		if bytes.Contains(b, []byte(l.alice.Email)) || bytes.Contains(b, []byte(`"OwnerID"`)) {
			t.Errorf("the public case shows its submitter: %s", b)
		}
		if !in(a) {
			t.Fatal("the imported case is not in the library")
		}
		// A second node sharing the database.
		cat, _ := i18n.New()
		other := app.New(db, cat, app.Options{Now: l.clk.Now, BaseURL: "http://dx.test"})
		if err := other.SyncLibrary(ctx); err != nil || !in(other) {
			t.Fatalf("second node: %v", err)
		}

		// Only the secretariat unpublishes; then the case is gone at once.
		if _, err := a.Unpublish(ctx, &l.alice, id, "mine"); kind(err) != app.KindForbidden {
			t.Errorf("applicant unpublished: %v", err)
		}
		if _, err := a.Unpublish(ctx, &l.sec, id, "takedown request"); err != nil {
			t.Fatal(err)
		}
		if in(a) {
			t.Error("unpublished case still in the library")
		}
		if _, err := a.PublicCase(ctx, id); kind(err) != app.KindGone {
			t.Errorf("unpublished case: %v, want gone", err)
		}
		if _, _, err := a.PublicAttachment(ctx, id, "x.pdf"); kind(err) != app.KindNotFound {
			t.Errorf("attachment of an unpublished case: %v", err)
		}
		stats, _ := a.LibraryStats(ctx, nil, "en")
		if n := stats["call"][0].Count; n != len(l.ids)-1 {
			t.Errorf("stats count %d after unpublishing", n)
		}
		if err := other.SyncLibrary(ctx); err != nil || in(other) {
			t.Errorf("second node still has it: %v", err)
		}

		// Publication and the index commit together: a failing hook
		// leaves the case unpublished and out of the library.
		boom := errors.New("index unavailable")
		a.OnPublish = func(ctx context.Context, tx *store.DB, caseID string) error {
			if err := a.IndexCase(ctx, tx, caseID); err != nil {
				return err
			}
			return boom
		}
		if _, err := a.Publish(ctx, &l.sec, id); !errors.Is(err, boom) {
			t.Fatalf("publish with a failing hook: %v", err)
		}
		if c, _ := db.CaseByID(ctx, id); c.State != domain.StateAccepted {
			t.Errorf("state %s after a failed publication", c.State)
		}
		if err := a.SyncLibrary(ctx); err != nil || in(a) {
			t.Errorf("a failed publication reached the library: %v", err)
		}
		a.OnPublish = a.IndexCase
		if _, err := a.Publish(ctx, &l.sec, id); err != nil {
			t.Fatal(err)
		}
		if !in(a) {
			t.Error("republished case not in the library")
		}
		if _, err := a.PublicCase(ctx, id); err != nil {
			t.Errorf("republished case: %v", err)
		}

		// Cases never published are not found, nor are unknown ids.
		draft, err := a.CreateCase(ctx, &l.bob, l.call.Slug, example(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []string{draft.ID, "DX-2026-9999", "nonsense"} {
			if _, err := a.PublicCase(ctx, x); kind(err) != app.KindNotFound {
				t.Errorf("PublicCase(%s): %v", x, err)
			}
		}
	})
}

func testQueryChecks(t *testing.T, l *library) {
	ctx := context.Background()
	tests := []struct {
		name  string
		q     search.Query
		field string
	}{
		{"valid", search.Query{Sort: search.SortTitle, Page: 2, PerPage: 100, Filters: map[string][]string{"group_now": {"LDC"}, "language": {"ar"}}}, ""},
		{"unknown sort", search.Query{Sort: "best"}, "sort"},
		{"page below 1", search.Query{Page: -1}, "page"},
		{"too many per page", search.Query{PerPage: 101}, "per_page"},
		{"unknown filter", search.Query{Filters: map[string][]string{"colour": {"blue"}}}, "colour"},
		{"unknown facet", search.Query{Facets: []string{"mood"}}, "facets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.a.SearchLibrary(ctx, tt.q)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Kind != app.KindInvalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field {
				t.Errorf("error %v, want invalid %s", err, tt.field)
			}
		})
	}
	if _, err := l.a.LibraryStats(ctx, map[string][]string{"colour": {"x"}}, "en"); kind(err) != app.KindInvalid {
		t.Errorf("stats with an unknown filter: %v", err)
	}
}

// TestPrepareLibrary: the search documents are derived data; start-up
// repairs them from the cases.
func TestPrepareLibrary(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		l := newLibrary(t, db)
		ctx := context.Background()
		// Lost documents, and a case unpublished behind the index's back.
		for _, id := range l.ids[:3] {
			if _, err := db.Exec(ctx, `DELETE FROM search_docs WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetCasePublication(ctx, l.ids[10], domain.StatePublished, domain.StateAccepted, nil, l.clk.Now()); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.New()
		fresh := app.New(db, cat, app.Options{Now: l.clk.Now})
		reindexed, removed, err := fresh.PrepareLibrary(ctx)
		if err != nil || reindexed != 3 || removed != 1 {
			t.Fatalf("PrepareLibrary = %d, %d, %v; want 3, 1", reindexed, removed, err)
		}
		ids, _ := fresh.LibraryIDs(ctx, search.Query{})
		if len(ids) != len(l.ids)-1 || slices.Contains(ids, l.ids[10]) || !slices.Contains(ids, l.ids[0]) {
			t.Errorf("library after repair: %d cases", len(ids))
		}
		// Nothing to repair the second time.
		if reindexed, removed, err := fresh.PrepareLibrary(ctx); err != nil || reindexed != 0 || removed != 0 {
			t.Errorf("second PrepareLibrary = %d, %d, %v", reindexed, removed, err)
		}
	})
}

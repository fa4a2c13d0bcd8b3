package search

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func testDoc(id, title string) Doc {
	return Doc{
		ID:          id,
		Call:        "sme-dx-2025",
		Language:    "en",
		Title:       title,
		Summary:     "A summary of " + title,
		Body:        "The body text of " + title,
		Facets:      map[string][]string{FacetSector: {"A"}, FacetTechnology: {"payments", "cloud"}},
		PublishedAt: time.Date(2025, 3, 4, 5, 6, 7, 8_000_000, time.UTC),
		Translations: map[string]Text{
			"fr": {Title: "Titre de " + title, Summary: "Résumé de " + title},
		},
	}
}

// TestLoadLengths loads id lists of every kind of length: the padded
// statement lengths, one more, and more than the longest.
func TestLoadLengths(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		var docs []Doc
		for r := range synth.Records(620, 3) {
			c := r.Case
			docs = append(docs, DocFromCase(r.ID, r.Call, &c, domain.DefaultGroups(), r.PublishedAt))
		}
		if _, err := PutAll(ctx, db, slices.Values(docs)); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 19, 20, 21, 100, 101, 500, 501, 620} {
			ids := []string{"DX-1999-0001"} // none such
			for _, d := range docs[:n] {
				ids = append(ids, d.ID)
			}
			got, err := Load(ctx, db, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Errorf("%d ids: %d documents loaded", n, len(got))
			}
			for _, d := range docs[:n] {
				if got[d.ID].Texts[d.Language].Title != d.Title {
					t.Errorf("%d ids: %s loaded as %+v", n, d.ID, got[d.ID])
					break
				}
			}
		}
	})
}

func TestPutLoadDelete(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a, b := testDoc("DX-2025-0001", "Mobile money for dairy farmers"), testDoc("DX-2025-0002", "Cloud accounting")
		for _, d := range []Doc{a, b} {
			if err := Put(ctx, db, d); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Load(ctx, db, []string{a.ID, b.ID, "DX-2025-9999"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("Load returned %d documents, want 2", len(got))
		}
		s := got[a.ID]
		want := Stored{
			ID: a.ID, Call: a.Call, Language: "en", PublishedAt: a.PublishedAt.Truncate(time.Millisecond),
			Texts: map[string]Text{
				"en": {Title: a.Title, Summary: a.Summary},
				"fr": {Title: "Titre de " + a.Title, Summary: "Résumé de " + a.Title},
			},
			Facets: map[string][]string{FacetSector: {"A"}, FacetTechnology: {"payments", "cloud"}},
		}
		if !s.PublishedAt.Equal(want.PublishedAt) || s.ID != want.ID || s.Call != want.Call || s.Language != want.Language ||
			!maps.Equal(s.Texts, want.Texts) || !maps.EqualFunc(s.Facets, want.Facets, slices.Equal) {
			t.Errorf("Load = %+v, want %+v", s, want)
		}
		if txt, lang := s.Localized("fr-CA"); lang != "fr" || txt.Title != "Titre de "+a.Title {
			t.Errorf("Localized(fr-CA) = %v, %s", txt, lang)
		}
		if txt, lang := s.Localized("zh"); lang != "en" || txt.Title != a.Title {
			t.Errorf("Localized(zh) = %v, %s; want the original", txt, lang)
		}

		if err := Delete(ctx, db, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := Delete(ctx, db, "DX-2025-9999"); err != nil {
			t.Errorf("deleting an unknown document: %v", err)
		}
		got, err = Load(ctx, db, []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got[a.ID]; ok || len(got) != 1 {
			t.Errorf("after Delete, Load = %v", slices.Sorted(maps.Keys(got)))
		}
		// Publishing again revives the document.
		if err := Put(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		if got, _ = Load(ctx, db, []string{a.ID}); len(got) != 1 {
			t.Error("a document put again after Delete does not load")
		}
	})
}

func TestSequenceNumbers(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		seqOf := func(id string) int64 {
			var s int64
			if err := db.QueryRow(ctx, `SELECT seq FROM search_docs WHERE id = ?`, id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if err := Put(ctx, db, testDoc("A", "First document")); err != nil {
			t.Fatal(err)
		}
		if err := Put(ctx, db, testDoc("B", "Second document")); err != nil {
			t.Fatal(err)
		}
		a, b := seqOf("A"), seqOf("B")
		if !(a < b) {
			t.Errorf("sequence of A %d, of B %d: want increasing", a, b)
		}
		if err := Delete(ctx, db, "A"); err != nil {
			t.Fatal(err)
		}
		if got := seqOf("A"); got <= b {
			t.Errorf("Delete left sequence %d, want above %d", got, b)
		}
	})
}

func TestPutInsideTransaction(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		boom := errors.New("publication failed")
		err := db.Transact(ctx, func(tx *store.DB) error {
			if err := Put(ctx, tx, testDoc("DX-2025-0001", "Rolled back with its publication")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Transact = %v", err)
		}
		got, err := Load(ctx, db, []string{"DX-2025-0001"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Error("a document put in a rolled-back transaction was stored")
		}
		ix := New(Options{})
		if err := ix.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		if ix.Len() != 0 {
			t.Errorf("index has %d documents, want 0", ix.Len())
		}
	})
}

func TestPutRejectsBadDocuments(t *testing.T) {
	db := storetest.OpenSQLite(t)
	bad := testDoc("X", "Bad facet value")
	bad.Facets[FacetCall] = []string{"call with spaces"}
	noID := testDoc("", "No id")
	for _, d := range []Doc{bad, noID} {
		if err := Put(t.Context(), db, d); err == nil {
			t.Errorf("Put(%q) accepted it", d.Title)
		}
	}
	if _, err := PutAll(t.Context(), db, slices.Values([]Doc{testDoc("ok", "Fine document"), bad})); err == nil {
		t.Error("PutAll accepted a bad document")
	}
}

func TestPutAll(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		docs := corpusDocs(t)
		// The same id twice: the later version wins, as with Put.
		again := docs[0]
		again.Title = "Replaced title"
		n, err := PutAll(ctx, db, slices.Values(append(slices.Clone(docs), again)))
		if err != nil {
			t.Fatal(err)
		}
		if n != len(docs)+1 {
			t.Errorf("PutAll stored %d, want %d", n, len(docs)+1)
		}
		var rows int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM search_docs`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != len(docs) {
			t.Errorf("%d rows, want %d", rows, len(docs))
		}
		got, err := Load(ctx, db, []string{again.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got[again.ID].Texts[again.Language].Title != "Replaced title" {
			t.Errorf("title %q, want the later version", got[again.ID].Texts[again.Language].Title)
		}
		// Written in one go or one by one, the index is the same.
		bulk := New(Options{})
		if err := bulk.Sync(ctx, db); err != nil {
			t.Fatal(err)
		}
		single := storetest.OpenSQLite(t)
		putCorpusInto(t, single)
		if err := Put(ctx, single, again); err != nil {
			t.Fatal(err)
		}
		one := New(Options{})
		if err := one.Sync(ctx, single); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"cooperatives", "移动支付", "الدفع", "кооператив", ""} {
			a, b := bulk.AllIDs(Query{Q: q}), one.AllIDs(Query{Q: q})
			if !slices.Equal(a, b) {
				t.Errorf("%q: bulk %v, one by one %v", q, a, b)
			}
		}
	})
}

func TestStaleIDs(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for _, id := range []string{"A", "B"} {
			if err := Put(ctx, db, testDoc(id, "Document "+id)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `UPDATE search_docs SET analysis = ? WHERE id = ?`, AnalysisVersion-1, "B"); err != nil {
			t.Fatal(err)
		}
		got, err := StaleIDs(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"B"}) {
			t.Errorf("StaleIDs = %v, want [B]", got)
		}
	})
}

func TestTermEncoding(t *testing.T) {
	counts := map[string]int{"移动": 2, "cooper": 1, "دفع": 3, "bad term": 1, "x*y": 4}
	enc := encodeTerms(counts)
	if want := "cooper دفع*3 移动*2"; enc != want {
		t.Errorf("encodeTerms = %q, want %q", enc, want)
	}
	it := termIter{s: []byte(enc)}
	var got []string
	for {
		term, n, ok := it.next()
		if !ok {
			break
		}
		got = append(got, string(term)+"="+strings.Repeat("|", int(n)))
	}
	if want := []string{"cooper=|", "دفع=|||", "移动=||"}; !slices.Equal(got, want) {
		t.Errorf("decoded %q, want %q", got, want)
	}
}

func TestPostingEncoding(t *testing.T) {
	tests := [][][2]uint32{
		{{0, 1}},
		{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {200, 9}, {70000, 4096}, {70001, 1}},
		{{5, 3}, {1 << 20, 1}, {1<<20 + 1, 17}},
	}
	for _, postings := range tests {
		l := postingList{last: -1}
		for _, p := range postings {
			l.add(p[0], p[1])
		}
		var got [][2]uint32
		eachPosting(l.buf, func(ord, w uint32) { got = append(got, [2]uint32{ord, w}) })
		if !slices.Equal(got, postings) {
			t.Errorf("round trip of %v gave %v", postings, got)
		}
	}
}

func TestDecodeFacets(t *testing.T) {
	got := decodeFacets("sdg:8 sdg:9 wsis:C7 sdg:17 bad")
	want := map[string][]string{"sdg": {"8", "9", "17"}, "wsis": {"C7"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("decodeFacets = %v, want %v", got, want)
	}
	enc, err := encodeFacets(map[string][]string{"wsis": {"C7", "C4"}, "sdg": {"8"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeFacets(enc); !maps.EqualFunc(got, map[string][]string{"wsis": {"C7", "C4"}, "sdg": {"8"}}, slices.Equal) {
		t.Errorf("round trip of %q = %v", enc, got)
	}
}

// searchRows returns every row of search_docs but its sequence number,
// which depends on the order of writing, formatted one string a row.
func searchRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Query(t.Context(), `SELECT id, deleted, analysis, call_slug, language, published_at, titles, texts, facets,
		title_terms, summary_terms, body_terms FROM search_docs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var (
			id, call, lang, titles, texts, facets, tt, st, bt string
			deleted                                           any
			analysis                                          int
			published                                         time.Time
		)
		if err := rows.Scan(&id, &deleted, &analysis, &call, &lang, timeCol{&published}, &titles, &texts, &facets, &tt, &st, &bt); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join([]string{id, fmt.Sprint(deleted), fmt.Sprint(analysis), call, lang, published.String(),
			titles, texts, facets, tt, st, bt}, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPutPrepared: documents prepared on other goroutines, their ids
// set afterwards, are stored exactly as PutAll stores them.
func TestPutPrepared(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		docs := corpusDocs(t)
		rollBack := errors.New("roll back")
		var want, got []string
		err := db.Transact(ctx, func(tx *store.DB) error {
			if _, err := PutAll(ctx, tx, slices.Values(docs)); err != nil {
				return err
			}
			want = searchRows(t, tx)
			return rollBack
		})
		if !errors.Is(err, rollBack) {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			laterID bool // prepared without an id, which is set before writing
		}{
			{"with their ids", false},
			{"ids set after the analysis", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				an := NewAnalyser()
				prepared := make([]Prepared, len(docs))
				for i, d := range docs {
					if tt.laterID {
						d.ID = ""
					}
					p, err := an.Prepare(d)
					if err != nil {
						t.Fatal(err)
					}
					p.ID = docs[i].ID
					prepared[i] = p
				}
				err := db.Transact(ctx, func(tx *store.DB) error {
					n, err := PutPrepared(ctx, tx, prepared)
					if err != nil || n != len(docs) {
						return fmt.Errorf("PutPrepared stored %d of %d: %w", n, len(docs), err)
					}
					got = searchRows(t, tx)
					return rollBack
				})
				if !errors.Is(err, rollBack) {
					t.Fatal(err)
				}
				if len(want) != len(docs) || !slices.Equal(got, want) {
					t.Errorf("PutPrepared wrote %d rows that differ from PutAll's %d", len(got), len(want))
				}
			})
		}
		if _, err := PutPrepared(ctx, db, []Prepared{{}}); err == nil {
			t.Error("PutPrepared stored a document without an id")
		}
	})
}

func TestPackTexts(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]Text
		want map[string]Text // nil: in
	}{
		{"none", map[string]Text{}, nil},
		{"one language", map[string]Text{"ar": {Title: "الدفع عبر الهاتف", Summary: "ملخص\nمن سطرين"}}, nil},
		{"several", map[string]Text{
			"en":      {Title: "Mobile money", Summary: "A summary"},
			"zh":      {Title: "移动支付", Summary: ""},
			"fr":      {Title: "", Summary: "Résumé seul"},
			"pt-BR":   {Title: "Dinheiro móvel", Summary: "Resumo"},
			"sr-Latn": {Title: "x", Summary: "y"},
		}, nil},
		{"separators in the texts become spaces",
			map[string]Text{"en": {Title: "a\x1eb\x1fc", Summary: "\x1f\x1e"}},
			map[string]Text{"en": {Title: "a b c", Summary: "  "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == nil {
				want = tt.in
			}
			if got := unpackTexts(packTexts(tt.in)); !maps.Equal(got, want) {
				t.Errorf("unpackTexts(packTexts(%q)) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

// TestListTextsMigration writes search documents as the release before
// list_texts wrote them, then migrates: Load reads the same texts from
// the packed column, and still reads a row that such a release writes
// after the migration (list_texts left empty) from its JSON.
func TestListTextsMigration(t *testing.T) {
	ctx := t.Context()
	open := map[string]func(t *testing.T) *store.DB{
		store.DialectSQLite: func(t *testing.T) *store.DB {
			db, err := store.Open(ctx, "", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
		store.DialectPostgres: func(t *testing.T) *store.DB {
			db, err := store.Open(ctx, storetest.PostgresURL(t), "")
			if err != nil {
				t.Fatal(err)
			}
			return db
		},
	}
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(dialect, func(t *testing.T) {
			db := open[dialect](t)
			defer db.Close()
			if err := db.MigrateTo(ctx, 6); err != nil {
				t.Fatal(err)
			}
			published := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
			old := func(id, texts string) {
				t.Helper()
				_, err := db.Exec(ctx, `INSERT INTO search_docs (id, seq, deleted, analysis, call_slug, language, published_at, texts, facets)
					VALUES (?, (SELECT coalesce(max(seq), 999) + 1 FROM search_docs), ?, ?, 'sme-dx-2025', 'fr', ?, ?, 'sector:A')`,
					id, boolArg(db, false), AnalysisVersion, timeArg(db, published), texts)
				if err != nil {
					t.Fatal(err)
				}
			}
			old("DX-2025-0001", `{"fr":{"title":"Paiement \u003cmobile\u003e","summary":"Deux\nlignes, \"citées\""},"en":{"title":"Mobile\u001epayment"},"zh":{"summary":"只有摘要"}}`)
			old("DX-2025-0002", `{}`)
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			old("DX-2025-0003", `{"fr":{"title":"Écrit après","summary":"par l'ancienne version"}}`)
			// Such a node republishes a case this release wrote: its
			// upsert sets texts and leaves list_texts as it was.
			doc := testDoc("DX-2025-0004", "Packed")
			if err := Put(ctx, db, doc); err != nil {
				t.Fatal(err)
			}
			_, err := db.Exec(ctx, `INSERT INTO search_docs (id, seq, analysis, texts) VALUES ('DX-2025-0004', 2000, ?, ?)
				ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, texts = excluded.texts`,
				AnalysisVersion, `{"en":{"title":"Edited","summary":"by the release before"}}`)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]Text{
				"DX-2025-0001": {
					"fr": {Title: "Paiement <mobile>", Summary: "Deux\nlignes, \"citées\""},
					"en": {Title: "Mobile payment"},
					"zh": {Summary: "只有摘要"},
				},
				"DX-2025-0002": {},
				"DX-2025-0003": {"fr": {Title: "Écrit après", Summary: "par l'ancienne version"}},
				"DX-2025-0004": {"en": {Title: "Edited", Summary: "by the release before"}},
			}
			got, err := Load(ctx, db, slices.Collect(maps.Keys(want)))
			if err != nil {
				t.Fatal(err)
			}
			for id, texts := range want {
				if !maps.Equal(got[id].Texts, texts) {
					t.Errorf("%s: texts %q, want %q", id, got[id].Texts, texts)
				}
			}
			var packed string
			if err := db.QueryRow(ctx, `SELECT list_texts FROM search_docs WHERE id = 'DX-2025-0001'`).Scan(&packed); err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(unpackTexts(packed), want["DX-2025-0001"]) {
				t.Errorf("list_texts = %q after the migration", packed)
			}
		})
	}
}

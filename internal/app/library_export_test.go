package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// publishAll imports cases as published (the migration path) and returns
// their ids in order.
func (f *fixture) publishAll(t *testing.T, cases []domain.Case) []string {
	t.Helper()
	var in bytes.Buffer
	for i := range cases {
		b, err := json.Marshal(&cases[i])
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(b, '\n'))
	}
	rep, err := f.a.Import(context.Background(), &f.sec, f.call.Slug, &in, app.ImportOptions{Publish: true})
	if err != nil || len(rep.Rejected) > 0 || len(rep.Imported) != len(cases) {
		t.Fatalf("import: %+v %v", rep.Rejected, err)
	}
	return rep.Imported
}

// exportLines runs a JSON Lines export and decodes its records.
func exportLines(t *testing.T, a *app.App, q search.Query) []app.LibraryRecord {
	t.Helper()
	var buf bytes.Buffer
	if err := a.ExportLibrary(context.Background(), q, "jsonl", &buf); err != nil {
		t.Fatal(err)
	}
	var out []app.LibraryRecord
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r app.LibraryRecord
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("record %s: %v", sc.Bytes(), err)
		}
		out = append(out, r)
	}
	return out
}

func recordIDs(rs []app.LibraryRecord) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func TestExportLibrary(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mk := func(country, wsis, title string, edit func(*domain.Case)) domain.Case {
			c := example(t)
			c.Countries, c.WSIS.Primary, c.WSIS.Secondary, c.Title = []string{country}, wsis, nil, title
			if edit != nil {
				edit(&c)
			}
			return c
		}
		docs := []domain.Case{
			mk("KE", "C7", "Tailoring workshops go digital in Kisumu", nil),
			mk("FJ", "C2", "تعاونية صيد الأسماك في فيجي تعتمد الدفع عبر الهاتف", func(c *domain.Case) {
				c.Language = "ar"
				c.Translations = map[string]domain.Translation{"fr": {Title: "Une coopérative de pêche à Fidji adopte le paiement mobile", Source: "secretariat"}}
			}),
			mk("NP", "C7", "=HYPERLINK(\"http://evil.example\") trekking guides online", nil),
		}
		ids := f.publishAll(t, docs)
		// A submitted case is not in the library.
		draft, err := f.a.CreateCase(ctx, &f.alice, f.call.Slug, mk("KE", "C7", "Submitted, not published yet", nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Submit(ctx, &f.alice, draft.ID); err != nil {
			t.Fatal(err)
		}

		t.Run("jsonl", func(t *testing.T) {
			recs := exportLines(t, f.a, search.Query{Sort: search.SortTitle, Lang: "fr"})
			want, err := f.a.LibraryIDs(ctx, search.Query{Sort: search.SortTitle, Lang: "fr"})
			if err != nil {
				t.Fatal(err)
			}
			if got := recordIDs(recs); !slices.Equal(got, want) || len(got) != 3 {
				t.Fatalf("ids %v, want %v (the library's order)", got, want)
			}
			for _, r := range recs {
				i := slices.Index(ids, r.ID)
				orig := docs[i]
				domain.Normalize(&orig)
				if !reflect.DeepEqual(r.Case, orig) {
					t.Errorf("%s: record differs from the published case:\n%+v\n%+v", r.ID, r.Case, orig)
				}
				if r.Call != f.call.Slug || r.PublishedAt.IsZero() || r.URL != "http://dx.test/fr/cases/"+r.ID {
					t.Errorf("%s: call %q published %v url %q", r.ID, r.Call, r.PublishedAt, r.URL)
				}
			}
			fiji := recs[slices.IndexFunc(recs, func(r app.LibraryRecord) bool { return r.ID == ids[1] })]
			if !slices.Equal(fiji.Regions, []string{"009"}) || !slices.Equal(fiji.SubRegions, []string{"054"}) || !slices.Equal(fiji.Groups, []string{"SIDS"}) {
				t.Errorf("Fiji: regions %v subregions %v groups %v", fiji.Regions, fiji.SubRegions, fiji.Groups)
			}
		})

		t.Run("filters and text", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				q    search.Query
				want []string
			}{
				{"country", search.Query{Filters: map[string][]string{"country": {"FJ"}}}, []string{ids[1]}},
				{"OR within a facet", search.Query{Filters: map[string][]string{"country": {"FJ", "NP"}}}, []string{ids[1], ids[2]}},
				{"AND across facets", search.Query{Filters: map[string][]string{"wsis": {"C7"}, "country": {"FJ", "NP"}}}, []string{ids[2]}},
				{"text", search.Query{Q: "trekking"}, []string{ids[2]}},
				{"nothing", search.Query{Filters: map[string][]string{"country": {"FR"}}}, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got := recordIDs(exportLines(t, f.a, tc.q))
					if slices.Sort(got); !slices.Equal(got, tc.want) {
						t.Errorf("got %v, want %v", got, tc.want)
					}
				})
			}
		})

		t.Run("csv", func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.a.ExportLibrary(ctx, search.Query{Sort: search.SortNewest}, "csv", &buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
				t.Error("CSV lacks a UTF-8 BOM")
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 || !slices.Equal(rows[0], app.LibraryExportColumns) {
				t.Fatalf("%d rows, header %v", len(rows), rows[0])
			}
			col := func(name string) int { return slices.Index(app.LibraryExportColumns, name) }
			byID := map[string][]string{}
			for _, r := range rows[1:] {
				byID[r[col("id")]] = r
			}
			for _, tc := range []struct{ id, column, want string }{
				{ids[2], "title", `'=HYPERLINK("http://evil.example") trekking guides online`},
				{ids[1], "groups", "SIDS"},
				{ids[1], "language", "ar"},
				{ids[0], "countries", "KE"},
				{ids[0], "sdgs.goals", "8;9"},
				{ids[0], "call", f.call.Slug},
			} {
				if got := byID[tc.id][col(tc.column)]; got != tc.want {
					t.Errorf("%s %s = %q, want %q", tc.id, tc.column, got, tc.want)
				}
			}
			if got := byID[ids[1]][col("title")]; !strings.Contains(got, "فيجي") {
				t.Errorf("Arabic title = %q", got)
			}
			if byID[draft.ID] != nil {
				t.Error("an unpublished case was exported")
			}
		})

		t.Run("xlsx", func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.a.ExportLibrary(ctx, search.Query{Sort: search.SortNewest}, "xlsx", &buf); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("Cases")
			if err != nil || len(rows) != 4 || !slices.Equal(rows[0], app.LibraryExportColumns) {
				t.Fatalf("xlsx: %d rows %v", len(rows), err)
			}
			// Text stays text: no formula is written, so none is defused.
			title := slices.Index(app.LibraryExportColumns, "title")
			for _, r := range rows[1:] {
				if r[0] == ids[2] && !strings.HasPrefix(r[title], "=HYPERLINK") {
					t.Errorf("title cell = %q", r[title])
				}
			}
		})

		t.Run("refused", func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.a.ExportLibrary(ctx, search.Query{}, "pdf", &buf); kind(err) != app.KindInvalid || buf.Len() > 0 {
				t.Errorf("unknown format: %v, %d bytes", err, buf.Len())
			}
			if err := f.a.ExportLibrary(ctx, search.Query{Filters: map[string][]string{"colour": {"red"}}}, "csv", &buf); kind(err) != app.KindInvalid || buf.Len() > 0 {
				t.Errorf("unknown filter: %v, %d bytes", err, buf.Len())
			}
		})

		t.Run("a failing writer stops the export", func(t *testing.T) {
			w := &failAfter{n: 100}
			err := f.a.ExportLibrary(ctx, search.Query{}, "jsonl", w)
			if !errors.Is(err, errWriteFailed) {
				t.Errorf("err = %v", err)
			}
		})

		t.Run("unpublished at once", func(t *testing.T) {
			if _, err := f.a.Unpublish(ctx, &f.sec, ids[0], "takedown request"); err != nil {
				t.Fatal(err)
			}
			if got := recordIDs(exportLines(t, f.a, search.Query{Sort: search.SortNewest})); slices.Contains(got, ids[0]) || len(got) != 2 {
				t.Errorf("after unpublishing %s: %v", ids[0], got)
			}
		})
	})
}

// TestExportLibraryChunks exports more cases than one read holds, in a
// sort order other than the stored one.
func TestExportLibraryChunks(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		docs := make([]domain.Case, 260)
		for i := range docs {
			docs[i] = example(t)
			docs[i].Title = fmt.Sprintf("Case number %03d of a long export", (i*7919)%len(docs))
		}
		f.publishAll(t, docs)
		q := search.Query{Sort: search.SortTitle, Lang: "en"}
		want, err := f.a.LibraryIDs(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		recs := exportLines(t, f.a, q)
		if got := recordIDs(recs); len(got) != len(docs) || !slices.Equal(got, want) {
			t.Fatalf("%d records, want %d in the library's order", len(got), len(want))
		}
		if !slices.IsSortedFunc(recs, func(a, b app.LibraryRecord) int { return strings.Compare(a.Title, b.Title) }) {
			t.Error("records are not in title order")
		}

		// The workbook reaches the writer in pieces as it is compressed,
		// not built whole in memory first, and opens with every row.
		var w piecesWriter
		if err := f.a.ExportLibrary(context.Background(), q, "xlsx", &w); err != nil {
			t.Fatal(err)
		}
		if w.writes < 10 || w.largest > w.buf.Len()/2 {
			t.Errorf("%d bytes in %d writes, the largest %d bytes", w.buf.Len(), w.writes, w.largest)
		}
		x, err := excelize.OpenReader(&w.buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("Cases")
		if err != nil || len(rows) != len(docs)+1 || rows[1][0] != want[0] || rows[len(docs)][0] != want[len(want)-1] {
			t.Fatalf("xlsx: %d rows, %v", len(rows), err)
		}
	})
}

var errWriteFailed = errors.New("disk full")

// failAfter accepts n bytes, then fails every write.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errWriteFailed
	}
	w.n -= len(p)
	return len(p), nil
}

// piecesWriter keeps what it is given and how it came.
type piecesWriter struct {
	buf             bytes.Buffer
	writes, largest int
}

func (w *piecesWriter) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.buf.Write(p)
}

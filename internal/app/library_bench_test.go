package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// The library's benchmarks at the operation level, on SQLite and
// PostgreSQL, over DXATLAS_BENCH_CASES synthetic cases (2,000 by
// default, to stay quick; the figures at 100,000 cases come from
// `dxatlas bench library` and scripts/bench-library, see
// docs/library-benchmarks.md).

// benchLibraryApp imports n synthetic cases as published into a fresh
// database and returns the app with its library ready.
func benchLibraryApp(b *testing.B, db *store.DB) *app.App {
	b.Helper()
	n := 2000
	if s := os.Getenv("DXATLAS_BENCH_CASES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	cat, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	a := app.New(db, cat, app.Options{BaseURL: "http://dx.test"})
	sec, err := a.AddUser(ctx, nil, "sec@bench.example", "Sec", store.RoleSecretariat, "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	slug := "library"
	opens, closes := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	if _, err := a.CreateCall(ctx, &sec, app.CallInput{Slug: &slug, Title: store.LocalText{"en": "Library"},
		OpensAt: &opens, ClosesAt: &closes, Timezone: ptr("UTC"), ReviewersPerCase: ptr(3)}); err != nil {
		b.Fatal(err)
	}
	var in bytes.Buffer
	for r := range synth.Records(n, 1) {
		line, err := json.Marshal(&r.Case)
		if err != nil {
			b.Fatal(err)
		}
		in.Write(append(line, '\n'))
	}
	rep, err := a.Import(ctx, &sec, slug, &in, app.ImportOptions{Publish: true, Batch: 1000})
	if err != nil || len(rep.Imported) != n {
		b.Fatalf("import: %d of %d, %v", len(rep.Imported), n, err)
	}
	if _, _, err := a.PrepareLibrary(ctx); err != nil {
		b.Fatal(err)
	}
	return a
}

func eachBenchDB(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Run(store.DialectSQLite, func(b *testing.B) { fn(b, storetest.OpenSQLite(b)) })
	b.Run(store.DialectPostgres, func(b *testing.B) { fn(b, storetest.OpenPostgres(b)) })
}

// BenchmarkLibrarySearch runs library searches as the search page asks
// for them: a page of 20 in the reader's language with five facet
// counts. It reports the 99th percentile besides the mean.
func BenchmarkLibrarySearch(b *testing.B) {
	facets := []string{search.FacetWSIS, search.FacetSDG, search.FacetRegion, search.FacetSector, search.FacetTechnology}
	queries := map[string][]search.Query{
		"browse":      {{Lang: "en"}, {Lang: "fr", Sort: search.SortNewest}, {Lang: "zh", Sort: search.SortTitle}},
		"filters":     {{Lang: "es", Filters: map[string][]string{"wsis": {"C7"}, "region": {"002"}}}, {Lang: "ar", Filters: map[string][]string{"group": {"LDC"}, "sdg": {"8", "9"}}}},
		"text":        {{Lang: "en", Q: "mobile payments"}, {Lang: "fr", Q: "commerce électronique"}, {Lang: "ru", Q: "электронная коммерция"}, {Lang: "zh", Q: "移动支付"}},
		"text+filter": {{Lang: "ar", Q: "التجارة الإلكترونية", Filters: map[string][]string{"sector": {"A"}}}, {Lang: "es", Q: "cooperativa", Filters: map[string][]string{"technology": {"cloud"}}}},
	}
	eachBenchDB(b, func(b *testing.B, db *store.DB) {
		a := benchLibraryApp(b, db)
		ctx := context.Background()
		for _, name := range []string{"browse", "filters", "text", "text+filter"} {
			b.Run(name, func(b *testing.B) {
				qs := queries[name]
				for _, q := range qs { // warm up: analysers, concept tables, caches
					if _, err := a.SearchLibrary(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				lat := make([]time.Duration, 0, b.N)
				i := 0
				for b.Loop() {
					q := qs[i%len(qs)]
					q.Facets = facets
					i++
					t := time.Now()
					if _, err := a.SearchLibrary(ctx, q); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t))
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
			})
		}
	})
}

// BenchmarkLibraryExport streams the whole library in each format.
func BenchmarkLibraryExport(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, db *store.DB) {
		a := benchLibraryApp(b, db)
		ctx := context.Background()
		for _, format := range app.ExportFormats {
			b.Run(format, func(b *testing.B) {
				var w countingWriter
				for b.Loop() {
					if err := a.ExportLibrary(ctx, search.Query{Sort: search.SortNewest}, format, &w); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(a.Library.Len())*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
				b.SetBytes(w.n / int64(b.N))
			})
		}
	})
}

// countingWriter discards what it is given and counts it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

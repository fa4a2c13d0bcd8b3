package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/cputime"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// BenchmarkLibrarySearchPage serves the library's search page as wrk does
// in scripts/bench-library, every request a different query so that no
// page comes from the page cache: the search with its facet counts, the
// page's data, the template and gzip, in process (no network).
//
// It runs on DXATLAS_BENCH_DATA, a SQLite data directory filled by
// `dxatlas demo generate` (the figures at 100,000 cases), or else on
// DXATLAS_BENCH_CASES synthetic cases (2,000 by default) imported into a
// fresh SQLite database.
func BenchmarkLibrarySearchPage(b *testing.B) {
	h := benchLibraryHandler(b)
	urls := benchSearchURLs(4096)
	// Warm up the index and the caches as a running server has.
	for _, u := range urls[:256] {
		benchGet(b, h, u)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var bytesOut int64
	i := 0
	cpu0 := cputime.Process()
	for b.Loop() {
		bytesOut += int64(benchGet(b, h, urls[i%len(urls)]+"&n="+strconv.Itoa(i)))
		i++
	}
	// CPU time per page, the collector included: unlike ns/op, it does
	// not depend on what else the machine runs.
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(i), "cpu-ms/op")
	}
	b.ReportMetric(float64(bytesOut)/float64(i), "gz-bytes/op")
}

// benchGet serves one anonymous GET that accepts gzip and returns the
// size of the body. A page past the last of its results answers 404,
// with the page's facets and a link to its last page.
func benchGet(b *testing.B, h http.Handler, target string) int {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
		b.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
	}
	return rec.Body.Len()
}

// benchSearchURLs draws n search pages: a word in one of the six
// languages or none, an optional sector, action line or year, a page from
// 1 to 5, a reader's language — the mix of scripts/bench-library.
func benchSearchURLs(n int) []string {
	words := []string{"mobile payments", "e-commerce", "cooperative", "agriculture", "digital skills", "tourism", "cloud",
		"paiement mobile", "commerce électronique", "coopérative", "pagos móviles", "turismo", "nube",
		"туризм", "移动支付", "电子商务", "تعاونية", ""}
	langs := []string{"ar", "zh", "en", "fr", "ru", "es"}
	sectors := []string{"A", "C", "G", "I", "H", "K", "P", "Q", "J", "M"}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		q := url.Values{"q": {words[rng.IntN(len(words))]}}
		switch rng.IntN(4) {
		case 0:
			q.Set("sector", sectors[rng.IntN(len(sectors))])
		case 1:
			q.Set("wsis", "C"+strconv.Itoa(1+rng.IntN(11)))
		case 2:
			q.Set("year", strconv.Itoa(2013+rng.IntN(14)))
		}
		q.Set("page", strconv.Itoa(1+rng.IntN(5)))
		out[i] = "/" + langs[rng.IntN(len(langs))] + "/cases?" + q.Encode()
	}
	return out
}

// benchLibraryHandler opens the benchmark's library and returns the site.
func benchLibraryHandler(b *testing.B) http.Handler {
	b.Helper()
	ctx := context.Background()
	cat, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	var db *store.DB
	if dir := os.Getenv("DXATLAS_BENCH_DATA"); dir != "" {
		if db, err = store.Open(ctx, "", dir); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
	} else {
		db = storetest.OpenSQLite(b)
	}
	a := app.New(db, cat, app.Options{BaseURL: "http://dx.test"})
	if os.Getenv("DXATLAS_BENCH_DATA") == "" {
		benchImport(b, a, 2000)
	}
	if _, _, err := a.PrepareLibrary(ctx); err != nil {
		b.Fatal(err)
	}
	h, err := New(a, Options{})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// benchImport publishes DXATLAS_BENCH_CASES (or n) synthetic cases.
func benchImport(b *testing.B, a *app.App, n int) {
	if s := os.Getenv("DXATLAS_BENCH_CASES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
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
		b.Fatal(fmt.Errorf("import: %d of %d, %v", len(rep.Imported), n, err))
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/dxatlas/dxatlas/internal/cputime"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
)

// benchFacets are the five facets a benchmark query counts, as the
// library page's first facets.
var benchFacets = []string{search.FacetWSIS, search.FacetSDG, search.FacetRegion, search.FacetSector, search.FacetTechnology}

// benchWords are what readers type into the library's search box, in the
// six languages: topics, technologies and vocabulary terms.
var benchWords = []string{
	"mobile payments", "cloud accounting", "e-commerce", "women entrepreneurs", "agriculture", "digital skills",
	"supply chain", "tourism", "cooperative", "artificial intelligence", "cybersecurity", "online marketplace",
	"paiement mobile", "commerce électronique", "formation numérique", "agriculteurs", "coopérative", "comptabilité",
	"tourisme", "intelligence artificielle",
	"pagos móviles", "comercio electrónico", "capacitación digital", "agricultores", "cooperativa", "turismo", "nube",
	"мобильные платежи", "электронная коммерция", "цифровые навыки", "фермеры", "кооператив", "облачные сервисы", "туризм",
	"移动支付", "电子商务", "数字技能", "农民", "合作社", "云服务", "旅游",
	"الدفع عبر الهاتف المحمول", "التجارة الإلكترونية", "المهارات الرقمية", "المزارعين", "تعاونية", "السياحة", "الحوسبة السحابية",
}

// benchQueries draws n library queries: three in ten browse with
// filters only, the others search text, some with a filter too; most ask
// for the first page by relevance, as readers do.
func benchQueries(seed int64, n int) []search.Query {
	r := rand.New(rand.NewPCG(uint64(seed), 0x11b))
	filter := func(q *search.Query) {
		var facet, value string
		switch r.IntN(7) {
		case 0:
			facet, value = search.FacetWSIS, domain.ActionLines[r.IntN(len(domain.ActionLines))]
		case 1:
			facet, value = search.FacetSDG, strconv.Itoa(1+r.IntN(17))
		case 2:
			facet, value = search.FacetRegion, domain.Regions[r.IntN(len(domain.Regions))]
		case 3:
			facet, value = search.FacetSector, domain.Sectors[r.IntN(len(domain.Sectors))]
		case 4:
			facet, value = search.FacetTechnology, domain.Technologies[r.IntN(len(domain.Technologies))]
		case 5:
			facet, value = search.FacetGroup, domain.CountryGroups[r.IntN(len(domain.CountryGroups))]
		default:
			facet, value = search.FacetYear, strconv.Itoa(2012+r.IntN(14))
		}
		q.Filters[facet] = append(q.Filters[facet], value)
	}
	out := make([]search.Query, n)
	for i := range out {
		q := search.Query{Lang: domain.UNLanguages[r.IntN(len(domain.UNLanguages))], Filters: map[string][]string{},
			Facets: benchFacets, Page: 1, PerPage: search.DefaultPerPage}
		if r.IntN(10) < 3 {
			for range 1 + r.IntN(2) {
				filter(&q)
			}
		} else {
			q.Q = benchWords[r.IntN(len(benchWords))]
			if r.IntN(4) == 0 {
				filter(&q)
			}
		}
		switch k := r.IntN(20); {
		case k == 0:
			q.Sort = search.SortTitle
		case k < 3:
			q.Sort = search.SortNewest
		}
		if r.IntN(5) == 0 {
			q.Page = 2 + r.IntN(4)
		}
		out[i] = q
	}
	return out
}

// benchLibrary measures library searches as a page asks for them (a page
// of results in the reader's language with five facet counts) on one
// database, and the index alone, without the database.
func benchLibrary(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench library", stderr)
	var d dbFlags
	d.register(fs)
	n := fs.Int("queries", 3000, "measured queries")
	warmup := fs.Int("warmup", 300, "queries run first and not measured")
	clients := fs.Int("clients", 1, "queries at once")
	seed := fs.Int64("seed", 1, "seed of the query mix")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, closeDB, err := d.open(ctx, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer closeDB()
	start := time.Now()
	if _, _, err := a.PrepareLibrary(ctx); err != nil {
		return err
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "library on %s: %d cases indexed in %s; Go heap in use %d MB\n",
		a.DB.Dialect(), a.Library.Len(), time.Since(start).Round(time.Millisecond), ms.HeapInuse>>20)

	qs := benchQueries(*seed, *warmup+*n)
	for _, q := range qs[:*warmup] {
		if _, err := a.SearchLibrary(ctx, q); err != nil {
			return err
		}
	}
	measure := func(what string, one func(search.Query) error) error {
		lat := make([]time.Duration, *n)
		// The CPU time of each query on its own thread: the latency it
		// would have on an idle core (the database's own work aside).
		cpus := make([]time.Duration, *n)
		var next sync.Mutex
		k := 0
		var firstErr error
		var wg sync.WaitGroup
		t0, cpu0 := time.Now(), cputime.Process()
		for range max(1, *clients) {
			wg.Go(func() {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				for {
					next.Lock()
					i := k
					k++
					next.Unlock()
					if i >= *n {
						return
					}
					t, c := time.Now(), cputime.Thread()
					if err := one(qs[*warmup+i]); err != nil {
						next.Lock()
						firstErr = err
						next.Unlock()
						return
					}
					lat[i], cpus[i] = time.Since(t), cputime.Thread()-c
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(t0)
		cpu := cputime.Process() - cpu0
		if firstErr != nil {
			return firstErr
		}
		slices.Sort(lat)
		slices.Sort(cpus)
		pct := func(d []time.Duration, p float64) time.Duration {
			return d[min(len(d)-1, int(float64(len(d))*p))].Round(time.Microsecond)
		}
		// CPU times do not depend on what else the machine runs, unlike
		// the latencies.
		fmt.Fprintf(stdout, "%s: %d queries, %d at once: latency p50 %s p90 %s p99 %s max %s, %.0f queries/s; "+
			"CPU per query p50 %s p99 %s max %s, mean %s with the process's other work\n",
			what, *n, max(1, *clients), pct(lat, .50), pct(lat, .90), pct(lat, .99), pct(lat, 1), float64(*n)/elapsed.Seconds(),
			pct(cpus, .50), pct(cpus, .99), pct(cpus, 1), (cpu / time.Duration(*n)).Round(time.Microsecond))
		return nil
	}
	err = measure("search with 5 facet counts, page of 20 (index and database)", func(q search.Query) error {
		_, err := a.SearchLibrary(ctx, q)
		return err
	})
	if err != nil {
		return err
	}
	ix := a.LibraryIndex()
	return measure("the same on the index alone", func(q search.Query) error {
		ix.Search(q)
		return nil
	})
}

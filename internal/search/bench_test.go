package search

import (
	"bufio"
	"context"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/cputime"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// Benchmarks at library scale: synthetic cases (100,000 unless
// DXATLAS_SEARCH_BENCH_DOCS says otherwise) written to a fresh database
// of each dialect. They take minutes; see BENCHMARKS.md for how to run
// them and the figures measured.

const benchSeed = 2025

func benchDocs(b *testing.B) int {
	if s := os.Getenv("DXATLAS_SEARCH_BENCH_DOCS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("DXATLAS_SEARCH_BENCH_DOCS=%q: want a positive number", s)
		}
		return n
	}
	return 100_000
}

// syntheticDocs yields the search documents of n synthetic cases.
func syntheticDocs(n int) iter.Seq[Doc] {
	groups := domain.DefaultGroups()
	return func(yield func(Doc) bool) {
		for r := range synth.Records(n, benchSeed) {
			c := r.Case
			if !yield(DocFromCase(r.ID, r.Call, &c, groups, r.PublishedAt)) {
				return
			}
		}
	}
}

func openBenchDB(b *testing.B, dialect string) *store.DB {
	if dialect == store.DialectSQLite {
		return storetest.OpenSQLite(b)
	}
	return storetest.OpenPostgres(b)
}

// BenchmarkAnalyze measures the analysis of one synthetic case (its
// texts in every language it has) into the row that stores it.
func BenchmarkAnalyze(b *testing.B) {
	docs := slices.Collect(syntheticDocs(500))
	a := newAnalyzer()
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.encode(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport measures writing n synthetic cases to search_docs with
// PutAll: generation, analysis and inserts.
func BenchmarkImport(b *testing.B) {
	n := benchDocs(b)
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dialect, func(b *testing.B) {
			var total, cpu time.Duration
			for range b.N {
				b.StopTimer()
				db := openBenchDB(b, dialect)
				b.StartTimer()
				t0, cpu0 := time.Now(), cputime.Process()
				if _, err := PutAll(context.Background(), db, syntheticDocs(n)); err != nil {
					b.Fatal(err)
				}
				total += time.Since(t0)
				cpu += cputime.Process() - cpu0
			}
			b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "docs/s")
			b.ReportMetric(total.Seconds()/float64(b.N), "s/import")
			reportCPU(b, cpu, "cpu-s", time.Second)
		})
	}
}

// BenchmarkSearch measures, on an index of n synthetic cases: building
// it from the database (time, heap and resident memory), a mix of
// library searches with five facet counts (latency percentiles), the same
// mix from every CPU (throughput), and a library page: a search plus
// loading its 20 hits from the database.
func BenchmarkSearch(b *testing.B) {
	n := benchDocs(b)
	for _, dialect := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dialect, func(b *testing.B) {
			db := openBenchDB(b, dialect)
			if _, err := PutAll(context.Background(), db, syntheticDocs(n)); err != nil {
				b.Fatal(err)
			}
			var ix *Index
			b.Run("build", func(b *testing.B) {
				ix = nil
				runtime.GC()
				before := heapInuse()
				cpu0 := cputime.Process()
				for range b.N {
					ix = New(Options{})
					if err := ix.Sync(context.Background(), db); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				reportCPU(b, cputime.Process()-cpu0, "cpu-s", time.Second)
				runtime.GC()
				debug.FreeOSMemory()
				b.ReportMetric(float64(heapInuse()-before)/(1<<20), "heap-MB")
				if rss := residentMB(); rss > 0 {
					b.ReportMetric(rss, "rss-MB")
				}
			})
			if ix == nil {
				b.Fatal("no index was built")
			}
			queries := benchQueries(2000)
			b.Run("query", func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				cpu0 := cputime.Process()
				for i := range b.N {
					t0 := time.Now()
					ix.Search(queries[i%len(queries)])
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				reportCPU(b, cputime.Process()-cpu0, "cpu-ms/op", time.Millisecond)
				reportPercentiles(b, lat)
			})
			b.Run("parallel", func(b *testing.B) {
				var next atomic.Int64
				t0, cpu0 := time.Now(), cputime.Process()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						ix.Search(queries[int(next.Add(1))%len(queries)])
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "searches/s")
				reportCPU(b, cputime.Process()-cpu0, "cpu-ms/op", time.Millisecond)
			})
			b.Run("page", func(b *testing.B) {
				// A server serves many pages at once: while some wait for
				// the database, others use the CPUs.
				b.SetParallelism(4)
				var next atomic.Int64
				var lat []time.Duration
				var mu sync.Mutex
				t0, cpu0 := time.Now(), cputime.Process()
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						q := queries[int(next.Add(1))%len(queries)]
						start := time.Now()
						res := ix.Search(q)
						ids := make([]string, len(res.Hits))
						for i, h := range res.Hits {
							ids[i] = h.ID
						}
						if _, err := Load(context.Background(), db, ids); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(start))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
				b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "pages/s")
				reportCPU(b, cputime.Process()-cpu0, "cpu-ms/op", time.Millisecond)
				reportPercentiles(b, lat)
				runtime.GC()
				if rss := residentMB(); rss > 0 {
					b.ReportMetric(rss, "rss-MB")
				}
			})
		})
	}
}

// reportCPU reports the CPU time used per operation in unit, if known.
func reportCPU(b *testing.B, cpu time.Duration, name string, unit time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(unit)/float64(b.N), name)
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

func heapInuse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// residentMB is the process's resident set size (Linux), 0 if unknown.
func residentMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return 0
}

// benchText are library searches in the six languages: words, phrases,
// concepts, inflected forms.
var benchText = []string{
	"mobile money", "digital payments for farmers", "cooperatives", "cloud accounting", "women entrepreneurs",
	"e-commerce", "traceability coffee", "artificial intelligence", "cybersecurity", "online training",
	"paiement mobile", "coopératives agricoles", "commerce électronique", "formation en ligne", "traçabilité du cacao",
	"pagos móviles", "comercio electrónico", "cooperativas", "capacitación en línea", "trazabilidad",
	"мобильные платежи", "электронная коммерция", "кооперативов", "облачные сервисы", "обучение цифровым навыкам",
	"الدفع عبر الهاتف المحمول", "التجارة الإلكترونية", "التعاونيات", "الخدمات السحابية", "المهارات الرقمية",
	"移动支付", "电子商务", "合作社", "云服务", "数字技能培训", "农户", "物联网",
	"dashboards", "sensors", "supply chain", "smartphones",
}

// benchQueries draws a reproducible mix of library searches, each with
// five facet counts: text with and without filters, filters alone, the
// front page, and title order.
func benchQueries(n int) []Query {
	r := rand.New(rand.NewPCG(benchSeed, 1))
	facets := []string{FacetWSIS, FacetSDG, FacetRegion, FacetTechnology, FacetSector}
	filterValues := map[string][]string{
		FacetSector:     {"A", "C", "G", "I", "K", "P"},
		FacetRegion:     {"002", "019", "142", "150", "009"},
		FacetTechnology: {"payments", "ecommerce", "cloud", "iot", "ai", "skills"},
		FacetSDG:        {"1", "5", "8", "9", "17"},
		FacetYear:       {"2019", "2021", "2023", "2024"},
		FacetGroup:      {"LDC", "SIDS"},
	}
	keys := []string{FacetSector, FacetRegion, FacetTechnology, FacetSDG, FacetYear, FacetGroup}
	langs := domain.UNLanguages
	filters := func(k int) map[string][]string {
		f := map[string][]string{}
		for range k {
			key := keys[r.IntN(len(keys))]
			f[key] = append(f[key], filterValues[key][r.IntN(len(filterValues[key]))])
		}
		return f
	}
	out := make([]Query, n)
	for i := range out {
		q := Query{Facets: facets, Lang: langs[r.IntN(len(langs))]}
		switch p := r.IntN(100); {
		case p < 45:
			q.Q = benchText[r.IntN(len(benchText))]
			if r.IntN(3) == 0 {
				q.Filters = filters(1)
			}
		case p < 80:
			q.Filters = filters(1 + r.IntN(2))
			if r.IntN(2) == 0 {
				q.Sort = SortNewest
			}
		case p < 90:
			q.Sort = SortTitle
			q.Filters = filters(r.IntN(2))
		default:
			q.Page = 1 + r.IntN(3)
		}
		out[i] = q
	}
	return out
}

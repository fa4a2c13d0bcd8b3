//go:build debugsearch

package search

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestDebugMem(t *testing.T) {
	ctx := context.Background()
	n, _ := strconv.Atoi(os.Getenv("N"))
	dir := fmt.Sprintf("/tmp/dbg/synth%d", n)
	_, statErr := os.Stat(dir + "/dxatlas.db")
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if statErr != nil {
		if _, err := PutAll(ctx, db, syntheticDocs(n)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	before := heapInuse()
	ix := New(Options{})
	if err := ix.Sync(ctx, db); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	st := ix.st
	fmt.Printf("heap %.1f MB rss %.1f MB\n", float64(heapInuse()-before)/1e6, residentMB())
	postings := len(st.post.data)
	fmt.Printf("docs %d terms %d dictBytes %.1fMB postBytes %.1fMB postOff %.1fMB df %.1fMB\n", st.n(), st.dict.baseLen(), float64(len(st.dict.data))/1e6, float64(postings)/1e6, float64(4*len(st.post.off))/1e6, float64(4*len(st.post.df))/1e6)
	tb := 0
	for _, x := range st.titles {
		tb += len(x) + 16
	}
	ib := 0
	for _, id := range st.ids {
		ib += len(id) + 16
	}
	fmt.Printf("titles %.1fMB ids %.1fMB orders %.1fMB\n", float64(tb)/1e6, float64(ib)/1e6, float64(4*len(st.newest)*13)/1e6)
	fb := uint64(0)
	nb := 0
	for _, vs := range st.fac.bitmaps {
		for _, bm := range vs {
			fb += bm.GetSizeInBytes()
			nb++
		}
	}
	fmt.Printf("facets %d bitmaps %.1fMB\n", nb, float64(fb)/1e6)
}

func BenchmarkDebugMix(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "", "/tmp/dbg/synth100000")
	if err != nil {
		b.Fatal(err)
	}
	ix := New(Options{})
	if err := ix.Sync(ctx, db); err != nil {
		b.Fatal(err)
	}
	qs := benchQueries(2000)
	b.ResetTimer()
	for i := range b.N {
		ix.Search(qs[i%len(qs)])
	}
}

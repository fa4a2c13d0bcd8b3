//go:build debugsearch

package search

import (
	"context"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
)

func BenchmarkDebugLoad(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "", "/tmp/dbg/synth100000")
	if err != nil {
		b.Fatal(err)
	}
	ix := New(Options{})
	if err := ix.Sync(ctx, db); err != nil {
		b.Fatal(err)
	}
	res := ix.Search(Query{Q: "mobile money"})
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Load(ctx, db, ids); err != nil {
			b.Fatal(err)
		}
	}
}

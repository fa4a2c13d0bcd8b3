package search

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
)

func zzIDs(b *testing.B, db *store.DB) []string {
	rows, err := db.Query(context.Background(), `SELECT id FROM search_docs WHERE NOT deleted`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		ids = append(ids, s)
	}
	rows.Close()
	return ids
}

func BenchmarkZZLoad(b *testing.B) {
	dir := os.Getenv("ZZDIR")
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ids := zzIDs(b, db)
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() []string {
		out := make([]string, 20)
		for i := range out {
			out[i] = ids[r.IntN(len(ids))]
		}
		return out
	}
	for _, table := range []string{"search_docs", "search_items"} {
		b.Run(table+"/full", func(b *testing.B) {
			for b.Loop() {
				p := pick()
				args := make([]any, 20)
				for i := range p {
					args[i] = p[i]
				}
				rows, err := db.QueryPrepared(context.Background(), `SELECT id, call_slug, language, published_at, texts, facets FROM `+table+` WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", 20), ", ")+`)`, args...)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for rows.Next() {
					var id, call, lang, texts, facets string
					var pub any
					rows.Scan(&id, &call, &lang, &pub, &texts, &facets)
					n++
				}
				rows.Close()
				if n == 0 {
					b.Fatal("none")
				}
			}
		})
	}
	var sample []string
	rows, _ := db.Query(context.Background(), `SELECT texts FROM search_docs LIMIT 200`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		sample = append(sample, s)
	}
	rows.Close()
	b.Run("json20", func(b *testing.B) {
		for b.Loop() {
			for i := 0; i < 20; i++ {
				var m map[string]Text
				json.Unmarshal([]byte(sample[r.IntN(len(sample))]), &m)
			}
		}
	})
}

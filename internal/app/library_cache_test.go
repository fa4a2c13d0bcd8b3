package app

import (
	"fmt"
	"math"
	"testing"

	"github.com/dxatlas/dxatlas/internal/search"
)

func TestCacheBytes(t *testing.T) {
	for _, tt := range []struct {
		limit int64
		want  int
	}{
		{math.MaxInt64, 16 << 20}, // no limit
		{1 << 30, 16 << 20},
		{200 << 20, 200 << 20 / 32},
		{16 << 20, 2 << 20},
	} {
		if got := CacheBytes(tt.limit); got != tt.want {
			t.Errorf("CacheBytes(%d) = %d, want %d", tt.limit, got, tt.want)
		}
	}
}

// TestDocCache: documents are kept for one index sequence, within the
// cache's bytes, and a page that searched before a change neither reads
// the newer cache nor empties it.
func TestDocCache(t *testing.T) {
	doc := func(id string) search.Stored {
		return search.Stored{ID: id, Language: "en", Texts: map[string]search.Text{"en": {Title: "Title " + id, Summary: "Summary"}},
			Facets: map[string][]string{search.FacetCountry: {"SN", "BD"}}}
	}
	size := docSize(doc("DX-2026-0001"))
	c := docCache{maxBytes: 5 * size}
	get := func(seq int64, ids ...string) (found map[string]search.Stored, missing []string) {
		found = map[string]search.Stored{}
		return found, c.get(seq, ids, found)
	}
	if _, missing := get(1, "DX-2026-0001"); len(missing) != 1 {
		t.Fatalf("empty cache: missing %v", missing)
	}
	for i := range 8 {
		c.put(1, doc(fmt.Sprintf("DX-2026-%04d", i)))
	}
	if len(c.docs) != 5 || c.bytes != 5*size {
		t.Errorf("%d documents, %d bytes; want 5 and %d", len(c.docs), c.bytes, 5*size)
	}
	c.put(1, doc("DX-2026-0007")) // again: counted once
	if c.bytes > c.maxBytes {
		t.Errorf("%d bytes over %d", c.bytes, c.maxBytes)
	}
	found, missing := get(1, "DX-2026-0007", "DX-2026-9999")
	if found["DX-2026-0007"].Texts["en"].Title != "Title DX-2026-0007" || len(missing) != 1 || missing[0] != "DX-2026-9999" {
		t.Errorf("found %v, missing %v", found, missing)
	}
	// A change: the next sequence starts empty.
	if _, missing := get(2, "DX-2026-0007"); len(missing) != 1 {
		t.Errorf("after a change, served %v from before it", c.docs)
	}
	c.put(2, doc("DX-2026-0100"))
	c.put(1, doc("DX-2026-0101")) // read before the change: not kept
	if found, missing := get(1, "DX-2026-0100"); len(found) != 0 || len(missing) != 1 {
		t.Errorf("a page of sequence 1 got %v from sequence 2", found)
	}
	if _, ok := c.docs["DX-2026-0101"]; ok || c.docs["DX-2026-0100"].doc.ID == "" {
		t.Errorf("sequence 2 holds %v", c.docs)
	}
}

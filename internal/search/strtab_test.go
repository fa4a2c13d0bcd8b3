package search

import (
	"hash/maphash"
	"strconv"
	"strings"
	"testing"
)

func TestStrtab(t *testing.T) {
	var tab strtab
	want := []string{"DX-2026-0001", "", "移动支付", "a\x1fb", strings.Repeat("x", 300)}
	for _, s := range want {
		tab.add(s)
	}
	if tab.len() != len(want) {
		t.Fatalf("len = %d, want %d", tab.len(), len(want))
	}
	for i, s := range want {
		if got := string(tab.at(uint32(i))); got != s {
			t.Errorf("at(%d) = %q, want %q", i, got, s)
		}
	}
	// Appending to a string returned by at must not change the next one.
	_ = append(tab.at(0), 'z')
	if got := string(tab.at(1)); got != "" {
		t.Errorf("at(1) = %q after appending to at(0)", got)
	}
}

// TestIDIndex adds, replaces and removes ids the way the index does, with
// a hash that collides all the time and with the real one, and checks
// every lookup against a plain map.
func TestIDIndex(t *testing.T) {
	hashes := map[string]func(maphash.Seed, string) uint64{
		"maphash": maphash.String,
		"colliding": func(_ maphash.Seed, id string) uint64 {
			return uint64(len(id) % 3) // three buckets
		},
	}
	for name, hash := range hashes {
		t.Run(name, func(t *testing.T) {
			x := newIDIndex()
			x.hash = hash
			var ids strtab
			want := map[string]uint32{}
			add := func(id string) {
				if old, ok := x.get(&ids, id); ok {
					if old != want[id] {
						t.Fatalf("get(%s) = %d, want %d", id, old, want[id])
					}
					x.del(&ids, id)
				}
				ord := uint32(ids.len())
				ids.add(id)
				x.put(&ids, id, ord)
				want[id] = ord
			}
			del := func(id string) {
				if _, ok := want[id]; ok {
					x.del(&ids, id)
					delete(want, id)
				}
			}
			for round := range 3 {
				for i := range 200 {
					add("DX-2026-" + strconv.Itoa(i*7%150)) // replaces some
					if i%5 == round {
						del("DX-2026-" + strconv.Itoa(i%40))
					}
				}
			}
			for i := range 200 {
				id := "DX-2026-" + strconv.Itoa(i)
				got, ok := x.get(&ids, id)
				w, wok := want[id]
				if ok != wok || got != w {
					t.Errorf("get(%s) = %d, %v; want %d, %v", id, got, ok, w, wok)
				}
			}
			if len(x.byHash)+len(x.clash) != len(want) {
				t.Errorf("%d + %d entries, want %d", len(x.byHash), len(x.clash), len(want))
			}
		})
	}
}

package search

import (
	"fmt"
	"hash/maphash"
	"math"
)

// The index keeps a string or two per document: its id and its titles.
// As Go strings, a library of 100,000 cases holds 300,000 of them (with
// the map from id to ordinal), and the collector traces every one on
// every cycle, a third of its work on a serving node. Here they are two
// byte slices and a map without pointers, which it skips.

// strtab is a list of strings kept in one byte slice. Strings are only
// appended, so the bytes of one never change.
type strtab struct {
	data []byte
	end  []uint32 // string i is data[end[i-1]:end[i]] (from 0 for i = 0)
}

func (t *strtab) len() int { return len(t.end) }

func (t *strtab) add(s string) {
	if uint64(len(t.data))+uint64(len(s)) > math.MaxUint32 {
		panic(fmt.Sprintf("search: more than 4 GiB of strings in a table of %d", len(t.end)))
	}
	t.data = append(t.data, s...)
	t.end = append(t.end, uint32(len(t.data)))
}

// at returns string i's bytes, which the caller must not change.
func (t *strtab) at(i uint32) []byte {
	start := uint32(0)
	if i > 0 {
		start = t.end[i-1]
	}
	return t.data[start:t.end[i]:t.end[i]]
}

// idIndex finds a document's ordinal by its id. It maps a hash of the id
// to the ordinal, and keeps apart, by id, the rare id whose hash another
// id already has.
type idIndex struct {
	seed   maphash.Seed
	byHash map[uint64]uint32
	clash  map[string]uint32
	// hash is the hash function; tests make it collide.
	hash func(seed maphash.Seed, id string) uint64
}

func newIDIndex() idIndex {
	return idIndex{seed: maphash.MakeSeed(), byHash: make(map[uint64]uint32), clash: make(map[string]uint32), hash: maphash.String}
}

// get returns id's ordinal; ids holds the ids of the ordinals.
func (x *idIndex) get(ids *strtab, id string) (uint32, bool) {
	if ord, ok := x.byHash[x.hash(x.seed, id)]; ok && string(ids.at(ord)) == id {
		return ord, true
	}
	ord, ok := x.clash[id]
	return ord, ok
}

// put records that id, now in ids, has ordinal ord; id must not be in
// the index.
func (x *idIndex) put(ids *strtab, id string, ord uint32) {
	h := x.hash(x.seed, id)
	if other, ok := x.byHash[h]; ok && string(ids.at(other)) != id {
		x.clash[id] = ord
		return
	}
	x.byHash[h] = ord
}

// del forgets id.
func (x *idIndex) del(ids *strtab, id string) {
	h := x.hash(x.seed, id)
	if ord, ok := x.byHash[h]; ok && string(ids.at(ord)) == id {
		delete(x.byHash, h)
		return
	}
	delete(x.clash, id)
}

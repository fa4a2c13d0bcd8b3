package assign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
)

// This file holds an exact min-cost flow solver: successive shortest paths
// with Johnson potentials (Dijkstra on reduced costs), each search started
// at one node with supply left and stopped at the first demand it settles.
// The assignment network is bipartite and sparse (only admissible
// case–reviewer arcs exist); a search from one case settles a few hundred
// nodes, where a search from a super source would relax every arc of every
// unfilled case.
//
// Invariant: every arc with residual capacity has a non-negative reduced
// cost cost(a) + pi(tail) − pi(head). It holds at the start because costs
// are non-negative and pi is zero, and it survives each search because
// potentials move by shortest distances. A flow that keeps it is optimal
// among the flows that move the same supplies, so once every supply has
// been routed the flow is a min-cost flow.
//
// Potentials only decrease, and −pi(v) is a lower bound on the distance
// from v to a demand: a search from s settles just the nodes v with
// dist(s, v) − pi(v) < dist(s, demand), an A* search whose heuristic the
// potentials provide. Two devices keep that heuristic and the scans cheap:
// refreshPotentials makes it exact now and then, and nodes whose arcs are
// mostly usable scan them in order of cost, deferring the expensive ones
// until the search could need them.

var (
	errInfeasible   = errors.New("no feasible flow: a supply cannot reach any demand")
	errNegativeCost = errors.New("negative arc cost")
	errCostRange    = errors.New("costs too large for exact 64-bit arithmetic")
)

// costLimit bounds arc costs, potentials and settled distances, checked as
// they arise: a relaxation adds four such terms and a heap key doubles the
// result, which stays below the int64 range. Exceeding it is an error, not
// an overflow.
const costLimit = math.MaxInt64 / 16

// flowGraph is a network with node supplies (positive) and demands
// (negative). Arc 2i is the i-th added arc and 2i+1 its reverse, so the
// flow on arc a is the residual capacity of a^1.
type flowGraph struct {
	n int

	arcs   []arc // as added, until build moves them into the slots
	excess []int64

	// Adjacency in slots: node u owns slots start[u] … start[u+1]−1; a slot
	// holds the arc's head and cost, so that a scan reads memory in order,
	// and pos maps an arc id back to its slot. A node's slots follow one of
	// two policies, fixed when the graph is built:
	//   - sorted (most of its arcs usable, as for a case): the slots stay in
	//     order of cost and a scan skips the saturated ones;
	//   - packed (most of its arcs saturated, as the reverse arcs of a
	//     reviewer): the first nact[u] slots are exactly the arcs with
	//     residual capacity, kept so by swapping as arcs fill and empty.
	start     []int32
	nact      []int32 // packed nodes only
	sorted    []bool
	slotHead  []int32
	slotCost  []int64
	slotArc   []int32
	slotResid []int32
	slotCap   []int32 // capacity of the arc and its reverse together
	pos       []int32

	// Per-node search state, packed so that a relaxation touches one line.
	node    []nodeState
	stamp   uint32
	heap    distHeap
	settled []int32
	work    int64 // arcs scanned since the potentials were last made exact
}

type arc struct {
	u, v     int32
	capacity int32
	cost     int64
}

type nodeState struct {
	pi     int64 // potential
	dist   int64
	seen   uint32 // stamp of the search that set dist
	closed uint32 // stamp of the search that settled the node
	parent int32  // arc into the node on the shortest path
}

func newFlowGraph(n int) *flowGraph {
	return &flowGraph{n: n, excess: make([]int64, n)}
}

// grow reserves room for m more arcs.
func (g *flowGraph) grow(m int) {
	g.arcs = slices.Grow(g.arcs, m)
}

// addArc adds an arc u→v and returns its id, for flow(id) after solve.
func (g *flowGraph) addArc(u, v int, capacity int32, cost int64) int {
	g.arcs = append(g.arcs, arc{int32(u), int32(v), capacity, cost})
	return 2 * (len(g.arcs) - 1)
}

// addSupply adds b units of supply at v (a demand when b < 0).
func (g *flowGraph) addSupply(v int, b int64) { g.excess[v] += b }

// flow is the flow on arc id after solve.
func (g *flowGraph) flow(id int) int32 { return g.resid(int32(id ^ 1)) }

// flows yields the head and flow of every arc added out of u that carries
// flow after solve.
func (g *flowGraph) flows(u int32) iter.Seq2[int32, int32] {
	return func(yield func(int32, int32) bool) {
		for p := g.start[u]; p < g.start[u+1]; p++ {
			if f := g.slotCap[p] - g.slotResid[p]; g.slotArc[p]&1 == 0 && f > 0 {
				if !yield(g.slotHead[p], f) {
					return
				}
			}
		}
	}
}

// resid is the residual capacity of arc a.
func (g *flowGraph) resid(a int32) int32 { return g.slotResid[g.pos[a]] }

// build lays out the slots: sorted nodes by cost, packed nodes usable arcs
// first; ties keep the order in which arcs were added, so that equal
// problems are solved the same way.
func (g *flowGraph) build() {
	n, m := g.n, 2*len(g.arcs)
	// Arc 2i is g.arcs[i], arc 2i+1 its reverse.
	tail := func(a int) int32 {
		if a&1 == 0 {
			return g.arcs[a>>1].u
		}
		return g.arcs[a>>1].v
	}
	capa := func(a int) int32 {
		if a&1 == 0 {
			return g.arcs[a>>1].capacity
		}
		return 0
	}
	cost := func(a int32) int64 {
		if a&1 == 0 {
			return g.arcs[a>>1].cost
		}
		return -g.arcs[a>>1].cost
	}
	g.start = make([]int32, n+1)
	g.nact = make([]int32, n)
	g.sorted = make([]bool, n)
	for a := range m {
		u := tail(a)
		g.start[u+1]++
		if capa(a) > 0 {
			g.nact[u]++
		}
	}
	for u := 0; u < n; u++ {
		deg := g.start[u+1]
		g.sorted[u] = 2*g.nact[u] >= deg
		g.start[u+1] += g.start[u]
	}
	active := make([]int32, n)
	rest := make([]int32, n)
	for u := 0; u < n; u++ {
		active[u] = g.start[u]
		rest[u] = g.start[u] + g.nact[u]
	}
	g.slotArc = make([]int32, m)
	for a := range m {
		u := tail(a)
		var p int32
		if capa(a) > 0 || g.sorted[u] {
			p = active[u]
			active[u]++
		} else {
			p = rest[u]
			rest[u]++
		}
		g.slotArc[p] = int32(a)
	}
	type keyed struct {
		cost int64
		arc  int32
	}
	var buf []keyed
	for u := 0; u < n; u++ {
		if !g.sorted[u] {
			continue
		}
		slots := g.slotArc[g.start[u]:g.start[u+1]]
		buf = buf[:0]
		for _, a := range slots {
			buf = append(buf, keyed{cost(a), a})
		}
		slices.SortFunc(buf, func(x, y keyed) int {
			return cmp.Or(cmp.Compare(x.cost, y.cost), cmp.Compare(x.arc, y.arc))
		})
		for i := range slots {
			slots[i] = buf[i].arc
		}
	}
	g.slotHead = make([]int32, m)
	g.slotCost = make([]int64, m)
	g.slotResid = make([]int32, m)
	g.slotCap = make([]int32, m)
	g.pos = make([]int32, m)
	for p, a := range g.slotArc {
		g.slotHead[p] = tail(int(a ^ 1))
		g.slotCost[p] = cost(a)
		g.slotResid[p] = capa(int(a))
		g.slotCap[p] = g.arcs[a>>1].capacity
		g.pos[a] = int32(p)
	}
	g.arcs = nil
	g.node = make([]nodeState, n)
}

func (g *flowGraph) tail(a int32) int32 { return g.slotHead[g.pos[a^1]] }

func (g *flowGraph) swap(p, q int32) {
	a, b := g.slotArc[p], g.slotArc[q]
	g.slotArc[p], g.slotArc[q] = b, a
	g.slotHead[p], g.slotHead[q] = g.slotHead[q], g.slotHead[p]
	g.slotCost[p], g.slotCost[q] = g.slotCost[q], g.slotCost[p]
	g.slotResid[p], g.slotResid[q] = g.slotResid[q], g.slotResid[p]
	g.slotCap[p], g.slotCap[q] = g.slotCap[q], g.slotCap[p]
	g.pos[a], g.pos[b] = q, p
}

// push moves delta units along arc a, keeping packed lists exact.
func (g *flowGraph) push(a int32, delta int32) {
	p := g.pos[a]
	g.slotResid[p] -= delta
	if u := g.tail(a); g.slotResid[p] == 0 && !g.sorted[u] {
		g.nact[u]--
		g.swap(p, g.start[u]+g.nact[u])
	}
	r := a ^ 1
	p = g.pos[r]
	if u := g.tail(r); g.slotResid[p] == 0 && !g.sorted[u] {
		g.swap(p, g.start[u]+g.nact[u])
		g.nact[u]++
		p = g.pos[r]
	}
	g.slotResid[p] += delta
}

// solve routes every supply to a demand at minimum total cost and returns
// that cost. Costs must be non-negative, supplies must sum to zero, and
// every node should be able to reach a demand through residual arcs, which
// keeps the potentials above minus the longest such path.
func (g *flowGraph) solve(ctx context.Context) (int64, error) {
	var total int64
	for v := 0; v < g.n; v++ {
		total += g.excess[v]
	}
	if total != 0 {
		return 0, fmt.Errorf("supplies sum to %d, not zero", total)
	}
	var maxCost int64
	for i, a := range g.arcs {
		if a.cost < 0 {
			return 0, fmt.Errorf("arc %d: %w", i, errNegativeCost)
		}
		maxCost = max(maxCost, a.cost)
	}
	if maxCost > costLimit {
		return 0, errCostRange
	}
	g.build()
	searches := 0
	for s := 0; s < g.n; s++ {
		for g.excess[s] > 0 {
			if searches&255 == 0 {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
			}
			searches++
			// Refreshing costs about one pass over the arcs; doing it
			// whenever the searches have scanned twice that many keeps its
			// share of the work small (measured in BENCHMARKS.md).
			if g.work >= int64(len(g.slotArc)) {
				if err := g.refreshPotentials(); err != nil {
					return 0, err
				}
				g.work = 0
			}
			t, err := g.shortestPath(int32(s))
			if err != nil {
				return 0, err
			}
			g.augment(int32(s), t)
		}
	}
	var cost int64
	for p, a := range g.slotArc {
		if a&1 == 0 {
			cost += g.slotCost[p] * int64(g.slotCap[p]-g.slotResid[p])
		}
	}
	return cost, nil
}

func (g *flowGraph) nextStamp() uint32 {
	g.stamp++
	if g.stamp == 0 { // wrapped: old stamps could look current
		for v := range g.node {
			g.node[v].seen, g.node[v].closed = 0, 0
		}
		g.stamp = 1
	}
	return g.stamp
}

// shortestPath runs Dijkstra on reduced costs from s until it settles a
// node with a demand, which it returns. It then lowers the potential of
// every settled node v by D − dist(v), D the distance of that demand:
// reduced costs stay non-negative and the arcs of the shortest path get a
// reduced cost of zero.
//
// Heap keys are 2·distance + 1, or 2·distance for a demand, so that among
// equals a demand comes first and the search ends as soon as it can. A
// sorted node scans its arcs in order of cost and stops at the first whose
// reduced cost could not beat the heap's minimum (it is at least
// cost + pi(u), as pi(v) ≤ 0): the rest wait in the heap under that bound,
// as a negative entry naming the slot, and are scanned only if the search
// gets that far.
func (g *flowGraph) shortestPath(s int32) (int32, error) {
	st := g.nextStamp()
	g.heap.reset()
	g.settled = g.settled[:0]
	ns := &g.node[s]
	ns.dist, ns.seen, ns.parent = 0, st, -1
	g.heap.push(g.key(0, s), s)
	target := int32(-1)
	var reach int64
	for g.heap.len() > 0 {
		k, u := g.heap.pop()
		if u < 0 { // deferred arcs of a sorted node
			g.scanSorted(g.tail(g.slotArc[-u-1]), -u-1, st)
			continue
		}
		nu := &g.node[u]
		if nu.closed == st {
			continue
		}
		nu.closed = st
		g.settled = append(g.settled, u)
		if nu.dist > costLimit {
			return -1, errCostRange
		}
		if g.excess[u] < 0 {
			target, reach = u, k>>1
			break
		}
		if g.sorted[u] {
			g.scanSorted(u, g.start[u], st)
			continue
		}
		d, pu := nu.dist, nu.pi
		g.work += int64(g.nact[u])
		for i, end := g.start[u], g.start[u]+g.nact[u]; i < end; i++ {
			g.relax(d+g.slotCost[i]+pu, i, st)
		}
	}
	if target < 0 {
		return -1, errInfeasible
	}
	for _, v := range g.settled {
		nv := &g.node[v]
		nv.pi += nv.dist - reach
		if nv.pi < -costLimit {
			return -1, errCostRange
		}
	}
	return target, nil
}

// relax offers slot i's head the distance base − pi(head).
func (g *flowGraph) relax(base int64, i int32, st uint32) {
	v := g.slotHead[i]
	nv := &g.node[v]
	if nv.closed == st {
		return
	}
	nd := base - nv.pi
	if nv.seen != st || nd < nv.dist {
		nv.seen, nv.dist, nv.parent = st, nd, g.slotArc[i]
		g.heap.push(g.key(nd, v), v)
	}
}

// scanSorted relaxes the usable arcs of sorted node u from slot i on, until
// one's lower bound exceeds the heap's minimum; that one and those after
// it go back to the heap.
func (g *flowGraph) scanSorted(u, i int32, st uint32) {
	nu := &g.node[u]
	d, pu := nu.dist, nu.pi
	for end := g.start[u+1]; i < end; i++ {
		if g.slotResid[i] == 0 {
			continue
		}
		g.work++
		base := d + g.slotCost[i] + pu
		if g.heap.len() > 0 && base<<1 > g.heap.minKey() {
			g.heap.push(base<<1|1, -i-1)
			return
		}
		g.relax(base, i, st)
	}
}

// key orders the heap by distance, demands first among equals.
func (g *flowGraph) key(d int64, v int32) int64 {
	if g.excess[v] < 0 {
		return d << 1
	}
	return d<<1 | 1
}

// refreshPotentials makes every potential exact: minus the distance from
// the node to the nearest demand, found by a Dijkstra backwards from the
// demands on reduced costs. With d that reduced distance and M the largest
// finite one, pi −= min(d, M) keeps every reduced cost non-negative, since
// min(d, M) obeys the same triangle inequality as d.
func (g *flowGraph) refreshPotentials() error {
	st := g.nextStamp()
	g.heap.reset()
	for v := range g.node {
		if g.excess[v] < 0 {
			g.node[v].dist, g.node[v].seen = 0, st
			g.heap.push(0, int32(v))
		}
	}
	var far int64
	for g.heap.len() > 0 {
		d, v := g.heap.pop()
		nv := &g.node[v]
		if nv.closed == st {
			continue
		}
		nv.closed = st
		if d > costLimit {
			return errCostRange
		}
		far = d
		// The arcs into v with residual capacity are the reverses of v's
		// slots whose reverse has capacity left.
		for i := g.start[v]; i < g.start[v+1]; i++ {
			if g.slotCap[i] == g.slotResid[i] { // the reverse is saturated
				continue
			}
			u := g.slotHead[i]
			nu := &g.node[u]
			if nu.closed == st {
				continue
			}
			if nd := d - g.slotCost[i] + nu.pi - nv.pi; nu.seen != st || nd < nu.dist {
				nu.seen, nu.dist = st, nd
				g.heap.push(nd, u)
			}
		}
	}
	for v := range g.node {
		nv := &g.node[v]
		if nv.closed == st {
			nv.pi -= nv.dist
		} else {
			nv.pi -= far
		}
		if nv.pi < -costLimit {
			return errCostRange
		}
	}
	return nil
}

// augment pushes as much as the path to t allows, within the supply at s
// and the demand at t.
func (g *flowGraph) augment(s, t int32) {
	delta := min(g.excess[s], -g.excess[t])
	for v := t; v != s; {
		a := g.node[v].parent
		delta = min(delta, int64(g.resid(a)))
		v = g.tail(a)
	}
	for v := t; v != s; {
		a := g.node[v].parent
		v = g.tail(a)
		g.push(a, int32(delta))
	}
	g.excess[s] -= delta
	g.excess[t] += delta
}

// distHeap is a binary min-heap of (key, entry) with lazy deletion: a node
// is pushed again when its distance improves and stale entries are skipped
// when popped.
type distHeap struct {
	keys  []int64
	nodes []int32
}

func (h *distHeap) reset() { h.keys, h.nodes = h.keys[:0], h.nodes[:0] }

func (h *distHeap) len() int { return len(h.keys) }

func (h *distHeap) minKey() int64 { return h.keys[0] }

func (h *distHeap) push(k int64, v int32) {
	h.keys = append(h.keys, k)
	h.nodes = append(h.nodes, v)
	i := len(h.keys) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.keys[p] <= k {
			break
		}
		h.keys[i], h.nodes[i] = h.keys[p], h.nodes[p]
		i = p
	}
	h.keys[i], h.nodes[i] = k, v
}

func (h *distHeap) pop() (int64, int32) {
	k0, v0 := h.keys[0], h.nodes[0]
	last := len(h.keys) - 1
	k, v := h.keys[last], h.nodes[last]
	h.keys, h.nodes = h.keys[:last], h.nodes[:last]
	if last > 0 {
		i := 0
		for {
			c := 2*i + 1
			if c >= last {
				break
			}
			if c+1 < last && h.keys[c+1] < h.keys[c] {
				c++
			}
			if h.keys[c] >= k {
				break
			}
			h.keys[i], h.nodes[i] = h.keys[c], h.nodes[c]
			i = c
		}
		h.keys[i], h.nodes[i] = k, v
	}
	return k0, v0
}

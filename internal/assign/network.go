package assign

import (
	"context"
	"math"
	"math/bits"
	"slices"
)

// Tiers of the objective, lowest first; see the package documentation.
const (
	tierChurn = iota
	tierDiversity
	tierLoad
	tierAffinity
	tierCount
	numTiers
)

// weights turn a tier vector into one integer cost.
type weights [numTiers]int64

func (w weights) cost(v [numTiers]int64) int64 {
	var c int64
	for t := range v {
		c += w[t] * v[t]
	}
	return c
}

// cycleBounds bounds, per tier, the absolute tier cost of a simple cycle
// of the residual network: arcs per cycle × largest per-arc tier cost.
type cycleBounds [numTiers]int64

// network is the flow model of an instance.
type network struct {
	g      *flowGraph
	caseOf []int32 // per node: the case of a case or case-region node, else −1
	revOf  []int32 // per node: the reviewer of a reviewer node, else −1
	w      weights
	b      cycleBounds
	amax   int32 // affinity cost of a pair is amax − its affinity
}

// candidate is an admissible pair that is not fixed.
type candidate struct {
	r        int32
	aff      int32
	existing bool // an unlocked existing pair
}

// build lays out the network:
//
//	case c                   supplies K − its fixed pairs
//	c → (c, region)          one unit arc per possible reviewer of that region: diversity f, f+1 … (f fixed ones)
//	(c, region) → reviewer   unit arc: affinity (amax − affinity) and churn (1 unless the pair exists)
//	c → reviewer             the same, for a region's lone candidate (diversity f) or a reviewer without region
//	reviewer → sink          unit arcs: load L, L+1 … (L fixed load), one per unit of capacity left
//	c → sink                 slack, count 1 per unit: a slot left empty
//
// Only admissible pairs get arcs, so the graph is as sparse as the
// constraints make it.
func (in *instance) build() (*network, error) {
	nc, nr := len(in.cases), len(in.revs)
	remCap := make([]int, nr)
	for r := range in.revs {
		remCap[r] = max(0, in.revs[r].maxLoad-in.fixedLoad[r])
	}
	declaredBy := make([][]int32, nc)
	for pr := range in.declared {
		declaredBy[pr.c] = append(declaredBy[pr.c], pr.r)
	}
	forbiddenBy := make([][]int32, nc)
	for pr := range in.forbidden {
		forbiddenBy[pr.c] = append(forbiddenBy[pr.c], pr.r)
	}
	fixedBy := make([][]int32, nc)
	for pr := range in.fixed {
		fixedBy[pr.c] = append(fixedBy[pr.c], pr.r)
	}
	existingBy := make([][]int32, nc)
	for pr := range in.existing {
		existingBy[pr.c] = append(existingBy[pr.c], pr.r)
	}

	// Pass 1: candidates, and what sizes the network and its weights.
	var perArc [numTiers]int64
	cands := make([][]candidate, nc)
	degree := make([]int, nr)
	// Per-case marks on reviewers, so that no pair costs a map lookup.
	const isDeclared, isForbidden, isFixed, isExisting = 1, 2, 4, 8
	mark := make([]uint8, nr)
	amax, amin := int32(0), int32(math.MaxInt32)
	total, existingCands := 0, 0
	for c := range in.cases {
		if in.fixedCount[c] >= in.k {
			continue
		}
		marks := [...]struct {
			bit uint8
			rs  []int32
		}{{isDeclared, declaredBy[c]}, {isForbidden, forbiddenBy[c]}, {isFixed, fixedBy[c]}, {isExisting, existingBy[c]}}
		for _, mk := range marks {
			for _, r := range mk.rs {
				mark[r] |= mk.bit
			}
		}
		for r := range in.revs {
			m := mark[r]
			if remCap[r] == 0 || m&isFixed != 0 || in.excludes(int32(c), int32(r), m&isDeclared != 0, m&isForbidden != 0) != "" {
				continue
			}
			a := int32(in.affinity(int32(c), int32(r)))
			cands[c] = append(cands[c], candidate{int32(r), a, m&isExisting != 0})
			degree[r]++
			amax, amin = max(amax, a), min(amin, a)
			if m&isExisting != 0 {
				existingCands++
			}
		}
		for _, mk := range marks {
			for _, r := range mk.rs {
				mark[r] = 0
			}
		}
		total += len(cands[c])
	}
	if total == 0 {
		amin = amax
	}
	perArc[tierAffinity] = int64(amax - amin)
	// Without an unlocked existing pair among the candidates every flow
	// has the same churn: the tier is dropped rather than given weight.
	if existingCands > 0 {
		perArc[tierChurn] = 1
	}
	perArc[tierCount] = 1

	// Nodes: cases, reviewers, sink, then case-region nodes. Cases come
	// first so that the solver serves them in ID order.
	caseNode := make([]int32, nc)
	nodes := int32(0)
	for c := range in.cases {
		caseNode[c] = -1
		if in.fixedCount[c] < in.k {
			caseNode[c] = nodes
			nodes++
		}
	}
	revNode := make([]int32, nr)
	reviewers := int64(0)
	sinkArcs := 0
	for r := range in.revs {
		revNode[r] = -1
		if degree[r] > 0 {
			revNode[r] = nodes
			nodes++
			reviewers++
			units := min(remCap[r], degree[r])
			sinkArcs += units
			perArc[tierLoad] = max(perArc[tierLoad], int64(in.fixedLoad[r]+units-1))
		}
	}
	sink := nodes
	nodes++
	regionCount := make([]int32, in.regions)
	crNodes := 0
	for c := range in.cases {
		for _, cd := range cands[c] {
			if g := in.revs[cd.r].region; g >= 0 {
				if regionCount[g]++; regionCount[g] == 2 {
					crNodes++
				}
			}
		}
		for _, cd := range cands[c] {
			if g := in.revs[cd.r].region; g >= 0 {
				regionCount[g] = 0
			}
		}
	}
	// A diversity cost f + j counts the case's reviewers already from that
	// region, so it stays below K.
	if crNodes > 0 || len(in.fixedRegion) > 0 {
		perArc[tierDiversity] = int64(in.k - 1)
	}

	var perCycle [numTiers]int64
	perCycle[tierChurn] = 2 * reviewers
	perCycle[tierAffinity] = 2 * reviewers
	perCycle[tierDiversity] = 2 * reviewers
	perCycle[tierLoad] = 2
	perCycle[tierCount] = 2
	var b cycleBounds
	for t := range b {
		var ok bool
		if b[t], ok = mulAdd(perCycle[t], perArc[t], 0); !ok {
			return nil, errCostRange
		}
	}
	w, err := tierWeights(perArc, b)
	if err != nil {
		return nil, err
	}

	// Pass 2: the arcs, with their costs.
	nw := &network{g: newFlowGraph(int(nodes) + crNodes), w: w, b: b, amax: amax}
	g := nw.g
	g.grow(total + crNodes*in.k + sinkArcs + nc)
	nw.caseOf = make([]int32, g.n)
	nw.revOf = make([]int32, g.n)
	for v := range g.n {
		nw.caseOf[v], nw.revOf[v] = -1, -1
	}
	for c, u := range caseNode {
		if u >= 0 {
			nw.caseOf[u] = int32(c)
		}
	}
	for r, u := range revNode {
		if u >= 0 {
			nw.revOf[u] = int32(r)
		}
	}
	churn := func(cd candidate) int32 {
		if perArc[tierChurn] > 0 && !cd.existing {
			return 1
		}
		return 0
	}
	addMiddle := func(u int32, cd candidate, extra int64) {
		var t [numTiers]int64
		t[tierAffinity] = int64(amax - cd.aff)
		t[tierChurn] = int64(churn(cd))
		g.addArc(int(u), int(revNode[cd.r]), 1, w.cost(t)+extra)
	}
	next := int(sink) + 1
	var byCost, grouped []candidate
	var count []int32
	for c := range in.cases {
		u := caseNode[c]
		if u < 0 {
			continue
		}
		demand := in.k - in.fixedCount[c]
		g.addSupply(int(u), int64(demand))
		// Order the candidates by cost, then group them by region (stable
		// counting sorts), so that each node's arcs come in order of cost
		// and the solver's sort of them finds its work done.
		byCost = countingSort(byCost, cands[c], int(2*(amax-amin)+2), func(cd candidate) int {
			return int(2*(amax-cd.aff) + churn(cd))
		}, &count)
		grouped = countingSort(grouped, byCost, in.regions+1, func(cd candidate) int {
			return int(in.revs[cd.r].region + 1) // 0: no region
		}, &count)
		for i := 0; i < len(grouped); {
			gr := in.revs[grouped[i].r].region
			j := i + 1
			for j < len(grouped) && in.revs[grouped[j].r].region == gr {
				j++
			}
			members := grouped[i:j]
			i = j
			if gr < 0 { // no region: never a diversity cost
				for _, cd := range members {
					addMiddle(u, cd, 0)
				}
				continue
			}
			fixed := int64(in.fixedRegion[[2]int32{int32(c), gr}])
			if len(members) == 1 {
				addMiddle(u, members[0], w[tierDiversity]*fixed)
				continue
			}
			cr := next
			next++
			nw.caseOf[cr] = int32(c)
			for j := range min(demand, len(members)) {
				g.addArc(int(u), cr, 1, w[tierDiversity]*(fixed+int64(j)))
			}
			for _, cd := range members {
				addMiddle(int32(cr), cd, 0)
			}
		}
		g.addArc(int(u), int(sink), int32(demand), w[tierCount])
	}
	var supply int64
	for c := range in.cases {
		if caseNode[c] >= 0 {
			supply += int64(in.k - in.fixedCount[c])
		}
	}
	g.addSupply(int(sink), -supply)
	for r := range in.revs {
		if revNode[r] < 0 {
			continue
		}
		for j := range min(remCap[r], degree[r]) {
			g.addArc(int(revNode[r]), int(sink), 1, w[tierLoad]*int64(in.fixedLoad[r]+j))
		}
	}
	return nw, nil
}

// countingSort stably orders src by key, which must lie in [0, keys), into
// dst's storage, and returns it; count is scratch space.
func countingSort(dst, src []candidate, keys int, key func(candidate) int, count *[]int32) []candidate {
	*count = slices.Grow((*count)[:0], keys+1)[:keys+1]
	clear(*count)
	cnt := *count
	for _, x := range src {
		cnt[key(x)+1]++
	}
	for k := 1; k <= keys; k++ {
		cnt[k] += cnt[k-1]
	}
	dst = slices.Grow(dst[:0], len(src))[:len(src)]
	for _, x := range src {
		k := key(x)
		dst[cnt[k]] = x
		cnt[k]++
	}
	return dst
}

// tierWeights gives each tier that has costs a weight one more than the
// most its lower tiers can add up to on a simple cycle.
func tierWeights(perArc [numTiers]int64, b cycleBounds) (weights, error) {
	var w weights
	var below int64 // Σ over lower tiers of weight × cycle bound
	for t := range w {
		if perArc[t] == 0 {
			continue
		}
		w[t] = below + 1
		var ok bool
		if below, ok = mulAdd(w[t], b[t], below); !ok {
			return w, errCostRange
		}
	}
	return w, nil
}

// mulAdd returns a×b + c for non-negative operands, and false when the
// result would not fit in costLimit.
func mulAdd(a, b, c int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > uint64(costLimit) {
		return 0, false
	}
	s := int64(lo) + c
	return s, s <= costLimit
}

// optimise solves the network and returns the new pairs it chose.
func (in *instance) optimise(ctx context.Context) ([]pairIdx, error) {
	nw, err := in.build()
	if err != nil {
		return nil, err
	}
	if _, err := nw.g.solve(ctx); err != nil {
		return nil, err
	}
	var chosen []pairIdx
	for u, c := range nw.caseOf {
		if c < 0 {
			continue
		}
		for v := range nw.g.flows(int32(u)) {
			if r := nw.revOf[v]; r >= 0 {
				chosen = append(chosen, pairIdx{c, r})
			}
		}
	}
	return chosen, nil
}

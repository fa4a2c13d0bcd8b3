package assign

import (
	"context"
	"math/rand/v2"
	"testing"
)

// TestTierWeightsDominate checks the inequality the encoding rests on:
// each tier's weight exceeds the most all lower tiers can add up to on a
// simple cycle of the residual network.
func TestTierWeightsDominate(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	var problems []Problem
	for range 300 {
		problems = append(problems, smallProblem(r, 8, 6, 3))
	}
	for seed := range uint64(3) {
		problems = append(problems, realisticProblem(seed, 1000))
	}
	for i, p := range problems {
		in, err := prepare(p)
		if err != nil {
			t.Fatal(err)
		}
		nw, err := in.build()
		if err != nil {
			t.Fatal(err)
		}
		var below int64
		for tier := range numTiers {
			if nw.w[tier] > 0 && nw.w[tier] <= below {
				t.Fatalf("problem %d: tier %d weight %d does not exceed %d, what the tiers below can reach", i, tier, nw.w[tier], below)
			}
			below += nw.w[tier] * nw.b[tier]
		}
		if nw.w[tierCount] == 0 {
			t.Fatalf("problem %d: the count tier has no weight", i)
		}
	}
}

// scalarCost is the cost of the flow that realises an assignment, as the
// network prices it: every tier of every new pair, weighted.
func scalarCost(o *oracle, w weights, amax int32, pairs []Pair) int64 {
	var cost int64
	count, fixedCount := map[string]int{}, map[string]int{}
	load, fixedLoad := map[string]int{}, map[string]int{}
	region, fixedRegion := map[[2]string]int{}, map[[2]string]int{}
	for _, pr := range pairs {
		g := o.revs[pr.Reviewer].Region
		if o.fixed(pr) {
			fixedCount[pr.Case]++
			fixedLoad[pr.Reviewer]++
			if g != "" {
				fixedRegion[[2]string{pr.Case, g}]++
			}
		}
	}
	for _, pr := range pairs {
		if o.fixed(pr) {
			continue
		}
		var v [numTiers]int64
		v[tierAffinity] = int64(amax) - int64(o.affinity(pr))
		if !o.existing[pr] {
			v[tierChurn] = 1
		}
		v[tierLoad] = int64(fixedLoad[pr.Reviewer] + load[pr.Reviewer])
		load[pr.Reviewer]++
		if g := o.revs[pr.Reviewer].Region; g != "" {
			k := [2]string{pr.Case, g}
			v[tierDiversity] = int64(fixedRegion[k] + region[k])
			region[k]++
		}
		count[pr.Case]++
		cost += w.cost(v)
	}
	for id := range o.cases {
		if slack := o.k - fixedCount[id] - count[id]; slack > 0 {
			cost += w[tierCount] * int64(slack)
		}
	}
	return cost
}

// TestScalarOptimumIsLexicographic enumerates every feasible assignment of
// small problems and checks that those of least scalar cost, under the
// network's weights, are exactly as good as the lexicographic optimum, and
// that the solver reaches that least cost. A naive weighting (every tier
// weighs 1) must fail the same check on some problem, or the check would
// prove nothing.
func TestScalarOptimumIsLexicographic(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	naiveFailed := 0
	for i := range 600 {
		p := smallProblem(r, 4, 4, 2)
		o := newOracle(p)
		in, err := prepare(p)
		if err != nil {
			t.Fatal(err)
		}
		nw, err := in.build()
		if err != nil {
			t.Fatal(err)
		}
		naive := weights{1, 1, 1, 1, nw.w[tierCount]}
		best := o.best()
		minCost, minNaive := int64(-1), int64(-1)
		var atMin, atNaive []Objective
		o.enumerate(func(pairs []Pair) {
			v := o.objective(pairs)
			switch c := scalarCost(o, nw.w, nw.amax, pairs); {
			case minCost < 0 || c < minCost:
				minCost, atMin = c, []Objective{v}
			case c == minCost:
				atMin = append(atMin, v)
			}
			switch c := scalarCost(o, naive, nw.amax, pairs); {
			case minNaive < 0 || c < minNaive:
				minNaive, atNaive = c, []Objective{v}
			case c == minNaive:
				atNaive = append(atNaive, v)
			}
		})
		for _, v := range atMin {
			if v != best {
				t.Fatalf("problem %d: scalar optimum %+v, lexicographic optimum %+v", i, v, best)
			}
		}
		for _, v := range atNaive {
			if v != best {
				naiveFailed++
				break
			}
		}
		got, err := nw.g.solve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != minCost {
			t.Fatalf("problem %d: solver cost %d, least scalar cost %d", i, got, minCost)
		}
	}
	if naiveFailed == 0 {
		t.Fatal("naive weights never failed: the problems are too easy to test the encoding")
	}
}

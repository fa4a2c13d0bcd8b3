package assign

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
)

type testArc struct {
	u, v int
	cap  int32
	cost int64
}

type flowInstance struct {
	n      int
	arcs   []testArc
	supply []int64
}

// randomFlowInstance draws a tiny network. Half the time the supplies are
// the net outflow of a random flow, so the instance is feasible; otherwise
// they are arbitrary and often infeasible.
func randomFlowInstance(r *rand.Rand) flowInstance {
	n := 2 + r.IntN(4)
	m := 1 + r.IntN(6)
	in := flowInstance{n: n, supply: make([]int64, n)}
	for range m {
		u := r.IntN(n)
		v := r.IntN(n - 1)
		if v >= u {
			v++
		}
		in.arcs = append(in.arcs, testArc{u, v, int32(r.IntN(3)), int64(r.IntN(10))})
	}
	if r.IntN(2) == 0 {
		for _, a := range in.arcs {
			x := int64(r.IntN(int(a.cap) + 1))
			in.supply[a.u] += x
			in.supply[a.v] -= x
		}
	} else {
		var sum int64
		for v := 0; v < n-1; v++ {
			in.supply[v] = int64(r.IntN(5) - 2)
			sum += in.supply[v]
		}
		in.supply[n-1] = -sum
	}
	return in
}

// bruteMinCost enumerates every integer flow within the capacities and
// returns the least cost of those that meet the supplies.
func bruteMinCost(in flowInstance) (int64, bool) {
	x := make([]int32, len(in.arcs))
	best, found := int64(0), false
	for {
		bal := make([]int64, in.n)
		var cost int64
		for i, a := range in.arcs {
			bal[a.u] += int64(x[i])
			bal[a.v] -= int64(x[i])
			cost += int64(x[i]) * a.cost
		}
		ok := true
		for v := range bal {
			if bal[v] != in.supply[v] {
				ok = false
				break
			}
		}
		if ok && (!found || cost < best) {
			best, found = cost, true
		}
		i := 0
		for i < len(x) && x[i] == in.arcs[i].cap {
			x[i] = 0
			i++
		}
		if i == len(x) {
			return best, found
		}
		x[i]++
	}
}

func solveInstance(t *testing.T, in flowInstance) (*flowGraph, []int, int64, error) {
	t.Helper()
	g := newFlowGraph(in.n)
	ids := make([]int, len(in.arcs))
	for i, a := range in.arcs {
		ids[i] = g.addArc(a.u, a.v, a.cap, a.cost)
	}
	for v, b := range in.supply {
		g.addSupply(v, b)
	}
	cost, err := g.solve(context.Background())
	return g, ids, cost, err
}

func TestMinCostFlowMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	feasible := 0
	for i := range 20000 {
		in := randomFlowInstance(r)
		want, ok := bruteMinCost(in)
		g, ids, got, err := solveInstance(t, in)
		if !ok {
			if !errors.Is(err, errInfeasible) {
				t.Fatalf("instance %d %+v: want infeasible, got cost %d err %v", i, in, got, err)
			}
			continue
		}
		feasible++
		if err != nil {
			t.Fatalf("instance %d %+v: want cost %d, got error %v", i, in, want, err)
		}
		if got != want {
			t.Fatalf("instance %d %+v: cost %d, brute force %d", i, in, got, want)
		}
		// The flow itself must be feasible and cost what solve says.
		bal := make([]int64, in.n)
		var cost int64
		for j, a := range in.arcs {
			f := g.flow(ids[j])
			if f < 0 || f > a.cap {
				t.Fatalf("instance %d: arc %d carries %d of %d", i, j, f, a.cap)
			}
			bal[a.u] += int64(f)
			bal[a.v] -= int64(f)
			cost += int64(f) * a.cost
		}
		for v := range bal {
			if bal[v] != in.supply[v] {
				t.Fatalf("instance %d: node %d balance %d, supply %d", i, v, bal[v], in.supply[v])
			}
		}
		if cost != got {
			t.Fatalf("instance %d: flow costs %d, solve reported %d", i, cost, got)
		}
	}
	if feasible < 5000 {
		t.Fatalf("only %d feasible instances: the generator no longer exercises the solver", feasible)
	}
}

// On larger random transportation networks brute force is out of reach;
// the potentials the solver ends with are an optimality certificate
// instead: no residual arc may have a negative reduced cost.
func TestMinCostFlowReducedCostCertificate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 50 {
		nl, nr := 20+r.IntN(30), 5+r.IntN(10)
		n := nl + nr + 1
		sink := n - 1
		g := newFlowGraph(n)
		var demand int64
		for u := range nl {
			s := int64(1 + r.IntN(3))
			g.addSupply(u, s)
			demand += s
			g.addArc(u, sink, int32(s), 1000) // slack keeps it feasible
			for v := range nr {
				if r.IntN(3) == 0 {
					g.addArc(u, nl+v, 1, int64(r.IntN(100)))
				}
			}
		}
		for v := range nr {
			for j := range 1 + r.IntN(6) {
				g.addArc(nl+v, sink, 1, int64(j*j))
			}
		}
		g.addSupply(sink, -demand)
		if _, err := g.solve(context.Background()); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		for u := range g.n {
			for p := g.start[u]; p < g.start[u+1]; p++ {
				a := g.slotArc[p]
				if active := p < g.start[u]+g.nact[u]; !g.sorted[u] && active != (g.slotResid[p] > 0) {
					t.Fatalf("instance %d: arc %d active %v with residual %d", i, a, active, g.slotResid[p])
				}
				if g.slotResid[p] == 0 {
					continue
				}
				v := g.slotHead[p]
				if rc := g.slotCost[p] + g.node[u].pi - g.node[v].pi; rc < 0 {
					t.Fatalf("instance %d: residual arc %d→%d has reduced cost %d", i, u, v, rc)
				}
			}
		}
		for u := range nl {
			if g.excess[u] != 0 {
				t.Fatalf("instance %d: node %d keeps excess %d", i, u, g.excess[u])
			}
		}
	}
}

func TestMinCostFlowRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   flowInstance
		want error
	}{
		{"negative cost", flowInstance{n: 2, arcs: []testArc{{0, 1, 1, -1}}, supply: []int64{1, -1}}, errNegativeCost},
		{"no path", flowInstance{n: 3, arcs: []testArc{{0, 1, 1, 1}}, supply: []int64{1, 0, -1}}, errInfeasible},
		{"cost too large", flowInstance{n: 2, arcs: []testArc{{0, 1, 1, costLimit + 1}}, supply: []int64{1, -1}}, errCostRange},
		{"path too long", flowInstance{n: 4, arcs: []testArc{{0, 1, 1, costLimit}, {1, 2, 1, costLimit}, {2, 3, 1, costLimit}}, supply: []int64{1, 0, 0, -1}}, errCostRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, _, err := solveInstance(t, tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("unbalanced", func(t *testing.T) {
		in := flowInstance{n: 2, arcs: []testArc{{0, 1, 1, 1}}, supply: []int64{1, 0}}
		if _, _, _, err := solveInstance(t, in); err == nil {
			t.Fatal("supplies that do not sum to zero were accepted")
		}
	})
}

func TestMinCostFlowStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := newFlowGraph(2)
	g.addArc(0, 1, 1000, 1)
	for range 1000 {
		g.addArc(0, 1, 1, 0)
	}
	g.addSupply(0, 1000)
	g.addSupply(1, -1000)
	if _, err := g.solve(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

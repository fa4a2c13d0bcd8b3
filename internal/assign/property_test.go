package assign

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// checkResult verifies, against the oracle, everything a Result promises
// whatever the objective: hard constraints, fixed pairs, explanations.
func checkResult(t *testing.T, o *oracle, res Result) {
	t.Helper()
	seen := map[Pair]bool{}
	load, count := map[string]int{}, map[string]int{}
	lockedLoad, lockedCount := map[string]int{}, map[string]int{}
	for pr := range o.locked {
		lockedLoad[pr.Reviewer]++
		lockedCount[pr.Case]++
	}
	var pairs []Pair
	for _, a := range res.Assignments {
		pr := Pair{a.Case, a.Reviewer}
		if seen[pr] {
			t.Fatalf("%v assigned twice", pr)
		}
		seen[pr] = true
		pairs = append(pairs, pr)
		load[a.Reviewer]++
		count[a.Case]++
		if why := o.blocker(pr); why != "" && !o.locked[pr] {
			t.Fatalf("%v assigned despite %s", pr, why)
		}
		if want := o.affinity(pr); a.Affinity != want {
			t.Fatalf("%v: affinity %d, want %d", pr, a.Affinity, want)
		}
		sum := 0
		for _, r := range a.Reasons {
			sum += r.Points
		}
		if sum != a.Affinity {
			t.Fatalf("%v: reasons add up to %d, affinity is %d", pr, sum, a.Affinity)
		}
	}
	for pr := range o.locked {
		if !seen[pr] {
			t.Fatalf("locked pair %v dropped", pr)
		}
	}
	for pr := range o.pinned {
		if !seen[pr] {
			t.Fatalf("pinned pair %v dropped", pr)
		}
	}
	for pr := range o.forbidden {
		if seen[pr] && !o.locked[pr] {
			t.Fatalf("forbidden pair %v assigned", pr)
		}
	}
	for id, rv := range o.revs {
		if load[id] > max(rv.MaxLoad, lockedLoad[id]) {
			t.Fatalf("reviewer %s: load %d > max %d", id, load[id], rv.MaxLoad)
		}
	}
	short := map[string]Shortfall{}
	for _, s := range res.Short {
		short[s.Case] = s
	}
	for id := range o.cases {
		if count[id] > max(o.k, lockedCount[id]) {
			t.Fatalf("case %s: %d reviewers > k = %d", id, count[id], o.k)
		}
		s, isShort := short[id]
		if isShort != (count[id] < o.k) {
			t.Fatalf("case %s has %d of %d reviewers, listed short: %v", id, count[id], o.k, isShort)
		}
		if !isShort {
			continue
		}
		if s.Missing != o.k-count[id] {
			t.Fatalf("case %s: missing %d, want %d", id, s.Missing, o.k-count[id])
		}
		// Every reviewer not on the case is charged to its first blocker,
		// or to load when nothing else excludes it and it is full.
		want := map[string]int{}
		for rid, rv := range o.revs {
			pr := Pair{id, rid}
			if seen[pr] {
				continue
			}
			why := o.blocker(pr)
			if why == "" {
				if load[rid] < rv.MaxLoad {
					t.Fatalf("case %s is short but %s is eligible with load %d < %d", id, rid, load[rid], rv.MaxLoad)
				}
				why = LoadFull
			}
			want[why]++
		}
		if !reflect.DeepEqual(s.Blocked, want) {
			t.Fatalf("case %s: blocked %v, want %v", id, s.Blocked, want)
		}
		if len(s.Reasons) < len(want) {
			t.Fatalf("case %s: %d reasons for %d blocking constraints: %q", id, len(s.Reasons), len(want), s.Reasons)
		}
	}
	if got := o.objective(pairs); got != res.Objective {
		t.Fatalf("objective reported %+v, recomputed %+v", res.Objective, got)
	}
}

func solveOK(t *testing.T, p Problem) Result {
	t.Helper()
	res, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatalf("Solve: %v", err)
	}
	return res
}

// TestSolveMatchesBruteForce compares Solve with the best of every
// feasible assignment, tier by tier, on small random problems.
func TestSolveMatchesBruteForce(t *testing.T) {
	tests := []struct {
		name                   string
		cases, reviewers, k, n int
	}{
		{"5 cases 4 reviewers k≤2", 5, 4, 2, 1500},
		{"3 cases 5 reviewers k≤3", 3, 5, 3, 300},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(11+i)))
			n := tt.n
			if testing.Short() {
				n /= 10
			}
			var short, withExisting int
			for j := range n {
				p := smallProblem(r, tt.cases, tt.reviewers, tt.k)
				o := newOracle(p)
				res := solveOK(t, p)
				checkResult(t, o, res)
				if want := o.best(); res.Objective != want {
					t.Fatalf("instance %d: objective %+v, brute force %+v\n%+v", j, res.Objective, want, p)
				}
				if len(res.Short) > 0 {
					short++
				}
				if len(o.existing) > 0 {
					withExisting++
				}
			}
			// The generator must keep producing the situations worth testing.
			if short < n/10 || withExisting < n/10 {
				t.Fatalf("only %d instances with a short case and %d with existing pairs", short, withExisting)
			}
		})
	}
}

// TestSolveInvariants runs larger random problems, beyond brute force, and
// checks the constraints, the explanations and determinism: the same
// problem, in any order, gives the same result.
func TestSolveInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 17))
	instances := 300
	if testing.Short() {
		instances = 50
	}
	for i := range instances {
		p := smallProblem(r, 14, 6, 3)
		o := newOracle(p)
		res := solveOK(t, p)
		checkResult(t, o, res)
		if again := solveOK(t, p); !reflect.DeepEqual(res, again) {
			t.Fatalf("instance %d: two runs differ", i)
		}
		q := p
		q.Cases = shuffled(r, p.Cases)
		q.Reviewers = shuffled(r, p.Reviewers)
		q.Existing = shuffled(r, p.Existing)
		q.Pinned = shuffled(r, p.Pinned)
		if other := solveOK(t, q); !reflect.DeepEqual(res, other) {
			t.Fatalf("instance %d: the order of the input changed the result", i)
		}
	}
}

func shuffled[T any](r *rand.Rand, s []T) []T {
	out := append([]T(nil), s...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// TestRerunKeepsLockedAndPinned re-runs realistic calls with part of the
// first result locked, pinned or forbidden, as the secretariat does.
func TestRerunKeepsLockedAndPinned(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			p := realisticProblem(seed, 120)
			first := solveOK(t, p)
			r := rand.New(rand.NewPCG(seed, 99))
			q := p
			for _, a := range first.Assignments {
				pr := Pair{a.Case, a.Reviewer}
				switch r.IntN(6) {
				case 0:
					q.Existing = append(q.Existing, Existing{Pair: pr, Locked: true})
				case 1:
					q.Forbidden = append(q.Forbidden, pr)
				default:
					q.Existing = append(q.Existing, Existing{Pair: pr})
				}
			}
			// Reviewers also change their minds: loads go down, which
			// must not dislodge locked work.
			q.Reviewers = append([]Reviewer(nil), p.Reviewers...)
			for i := range q.Reviewers {
				if r.IntN(4) == 0 {
					q.Reviewers[i].MaxLoad /= 2
				}
			}
			second := solveOK(t, q)
			checkResult(t, newOracle(q), second)
			// With nothing changed, a re-run keeps every assignment.
			var same Problem = p
			for _, a := range first.Assignments {
				same.Existing = append(same.Existing, Existing{Pair: Pair{a.Case, a.Reviewer}})
			}
			third := solveOK(t, same)
			if len(third.Removed) != 0 {
				t.Fatalf("an unchanged re-run dropped %d assignments", len(third.Removed))
			}
		})
	}
}

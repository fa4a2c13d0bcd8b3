package assign

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func pairsOf(res Result) []Pair {
	var out []Pair
	for _, a := range res.Assignments {
		out = append(out, Pair{a.Case, a.Reviewer})
	}
	return out
}

func TestAffinityReasons(t *testing.T) {
	c := Case{ID: "c1", Language: "en", WSISPrimary: "C4", WSISSecondary: []string{"c2", "C4", "C11"},
		Technologies: []string{"cloud", "ai", "cloud"}, Sector: "c", Regions: []string{"002", "142"}}
	rv := Reviewer{ID: "r1", Languages: []string{"en"}, MaxLoad: 1, Expertise: Expertise{
		WSIS: []string{"C2", "c4"}, Technologies: []string{"AI", "cloud"}, Sectors: []string{"C"}, Regions: []string{"142"},
	}}
	res := solveOK(t, Problem{K: 1, Cases: []Case{c}, Reviewers: []Reviewer{rv}, Pinned: []Pair{{"c1", "r1"}}})
	want := []Reason{
		{ReasonWSIS, "C4", 6}, {ReasonWSIS, "c2", 3},
		{ReasonTechnology, "cloud", 2}, {ReasonTechnology, "ai", 2},
		{ReasonSector, "c", 2}, {ReasonRegion, "142", 1},
		{ReasonPinned, "", 0},
	}
	if len(res.Assignments) != 1 || res.Assignments[0].Affinity != 16 || !reflect.DeepEqual(res.Assignments[0].Reasons, want) {
		t.Fatalf("got %+v, want affinity 16 with %+v", res.Assignments, want)
	}
}

// TestAffinityDecides: with room for all, each case gets its best match.
func TestAffinityDecides(t *testing.T) {
	p := Problem{K: 1}
	for i, line := range []string{"C1", "C2", "C3"} {
		p.Cases = append(p.Cases, Case{ID: fmt.Sprint("c", i), Language: "en", WSISPrimary: line})
		p.Reviewers = append(p.Reviewers, Reviewer{ID: fmt.Sprint("r", 2-i), Languages: []string{"en"}, MaxLoad: 3,
			Expertise: Expertise{WSIS: []string{line}}})
	}
	res := solveOK(t, p)
	if want := []Pair{{"c0", "r2"}, {"c1", "r1"}, {"c2", "r0"}}; !reflect.DeepEqual(pairsOf(res), want) {
		t.Fatalf("got %v, want %v", pairsOf(res), want)
	}
}

// TestLoadIsBalanced: equal affinity everywhere, so the work spreads.
func TestLoadIsBalanced(t *testing.T) {
	p := Problem{K: 2}
	for i := range 6 {
		p.Cases = append(p.Cases, Case{ID: fmt.Sprint("c", i), Language: "fr"})
	}
	for i := range 4 {
		p.Reviewers = append(p.Reviewers, Reviewer{ID: fmt.Sprint("r", i), Languages: []string{"fr"}, MaxLoad: 12})
	}
	res := solveOK(t, p)
	load := map[string]int{}
	for _, a := range res.Assignments {
		load[a.Reviewer]++
	}
	if want := map[string]int{"r0": 3, "r1": 3, "r2": 3, "r3": 3}; !reflect.DeepEqual(load, want) {
		t.Fatalf("loads %v, want %v", load, want)
	}
}

// TestRegionsAreMixed: two reviewers per case from four equal candidates,
// two per region: every case gets one of each region.
func TestRegionsAreMixed(t *testing.T) {
	p := Problem{K: 2}
	for i := range 4 {
		p.Cases = append(p.Cases, Case{ID: fmt.Sprint("c", i), Language: "en"})
	}
	for i, g := range []string{"002", "002", "150", "150"} {
		p.Reviewers = append(p.Reviewers, Reviewer{ID: fmt.Sprint("r", i), Languages: []string{"en"}, MaxLoad: 2, Region: g})
	}
	res := solveOK(t, p)
	if res.Objective.Diversity != 0 || res.Objective.Assignments != 8 {
		t.Fatalf("objective %+v, want 8 assignments with no same-region pair", res.Objective)
	}
}

func TestFixedPairs(t *testing.T) {
	p := Problem{K: 2}
	for i := range 3 {
		p.Cases = append(p.Cases, Case{ID: fmt.Sprint("c", i), Language: "en", WSISPrimary: "C1"})
	}
	for i := range 3 {
		p.Reviewers = append(p.Reviewers, Reviewer{ID: fmt.Sprint("r", i), Languages: []string{"en"}, MaxLoad: 2})
	}
	p.Reviewers[0].Expertise.WSIS = []string{"C1"}
	// The locked pair breaks today's language rule and the pin takes the
	// best reviewer's last unit: both stay, and count toward K and load.
	p.Cases[2].Language = "ar"
	p.Existing = []Existing{{Pair: Pair{"c2", "r0"}, Locked: true}, {Pair: Pair{"c1", "r2"}}}
	p.Pinned = []Pair{{"c0", "r1"}}
	p.Forbidden = []Pair{{"c1", "r1"}}
	res := solveOK(t, p)
	checkResult(t, newOracle(p), res)
	got := map[Pair][]Reason{}
	for _, a := range res.Assignments {
		got[Pair{a.Case, a.Reviewer}] = a.Reasons
	}
	if r := got[Pair{"c2", "r0"}]; !slices.Contains(r, Reason{Kind: ReasonKept, Value: "locked"}) {
		t.Errorf("locked pair missing or unmarked: %v", r)
	}
	if r := got[Pair{"c0", "r1"}]; !slices.Contains(r, Reason{Kind: ReasonPinned}) {
		t.Errorf("pinned pair missing or unmarked: %v", r)
	}
	if r := got[Pair{"c1", "r2"}]; !slices.Contains(r, Reason{Kind: ReasonKept, Value: "existing"}) {
		t.Errorf("existing pair dropped though nothing better exists: %v", r)
	}
	if _, ok := got[Pair{"c1", "r1"}]; ok {
		t.Error("forbidden pair assigned")
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "c2–r0 breaks language") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestExistingGivesWayToBetter: an unlocked existing pair is only a tie
// breaker; a better match replaces it and is reported as removed.
func TestExistingGivesWayToBetter(t *testing.T) {
	p := Problem{K: 1,
		Cases: []Case{{ID: "c1", Language: "en", Sector: "A"}},
		Reviewers: []Reviewer{
			{ID: "r1", Languages: []string{"en"}, MaxLoad: 1},
			{ID: "r2", Languages: []string{"en"}, MaxLoad: 1, Expertise: Expertise{Sectors: []string{"A"}}},
		},
		Existing: []Existing{{Pair: Pair{"c1", "r1"}}},
	}
	res := solveOK(t, p)
	if want := []Pair{{"c1", "r2"}}; !reflect.DeepEqual(pairsOf(res), want) || !reflect.DeepEqual(res.Removed, []Pair{{"c1", "r1"}}) {
		t.Fatalf("assigned %v removed %v", pairsOf(res), res.Removed)
	}
	p.Existing[0].Locked = true
	res = solveOK(t, p)
	if want := []Pair{{"c1", "r1"}}; !reflect.DeepEqual(pairsOf(res), want) || len(res.Removed) != 0 {
		t.Fatalf("locked: assigned %v removed %v", pairsOf(res), res.Removed)
	}
}

func TestDefaultK(t *testing.T) {
	p := Problem{Cases: []Case{{ID: "c", Language: "en"}}}
	for i := range 5 {
		p.Reviewers = append(p.Reviewers, Reviewer{ID: fmt.Sprint("r", i), Languages: []string{"en"}, MaxLoad: 1})
	}
	if res := solveOK(t, p); len(res.Assignments) != DefaultK {
		t.Fatalf("%d assignments, want %d", len(res.Assignments), DefaultK)
	}
}

func TestInvalidProblems(t *testing.T) {
	base := func() Problem {
		return Problem{K: 1,
			Cases:     []Case{{ID: "c1", Language: "en", Org: "Acme"}, {ID: "c2", Language: "en"}},
			Reviewers: []Reviewer{{ID: "r1", Languages: []string{"en"}, MaxLoad: 1}, {ID: "r2", Languages: []string{"en"}, MaxLoad: 1, Org: "Acme"}},
		}
	}
	tests := []struct {
		name   string
		change func(p *Problem)
		want   string
	}{
		{"negative k", func(p *Problem) { p.K = -1 }, "k = -1"},
		{"duplicate case", func(p *Problem) { p.Cases[1].ID = "c1" }, `case "c1" appears twice`},
		{"duplicate reviewer", func(p *Problem) { p.Reviewers[1].ID = "r1" }, `reviewer "r1" appears twice`},
		{"case without ID", func(p *Problem) { p.Cases[1].ID = "" }, "no ID"},
		{"negative load", func(p *Problem) { p.Reviewers[0].MaxLoad = -2 }, "maximum load -2"},
		{"unknown pinned case", func(p *Problem) { p.Pinned = []Pair{{"c9", "r1"}} }, `unknown case "c9"`},
		{"unknown forbidden reviewer", func(p *Problem) { p.Forbidden = []Pair{{"c1", "r9"}} }, `unknown reviewer "r9"`},
		{"unknown existing", func(p *Problem) { p.Existing = []Existing{{Pair: Pair{"c9", "r1"}}} }, `unknown case "c9"`},
		{"pinned conflict", func(p *Problem) { p.Pinned = []Pair{{"c1", "r2"}} }, "breaks conflict_org"},
		{"pinned and forbidden", func(p *Problem) { p.Pinned = []Pair{{"c1", "r1"}}; p.Forbidden = []Pair{{"c1", "r1"}} }, "breaks forbidden"},
		{"pins over k", func(p *Problem) {
			p.Reviewers[1].Org = ""
			p.Pinned = []Pair{{"c1", "r1"}, {"c1", "r2"}}
		}, "more than k = 1"},
		{"pins over load", func(p *Problem) { p.Pinned = []Pair{{"c1", "r1"}, {"c2", "r1"}} }, "exceed the maximum load 1"},
		{"pin over locked load", func(p *Problem) {
			p.Existing = []Existing{{Pair: Pair{"c2", "r1"}, Locked: true}}
			p.Pinned = []Pair{{"c1", "r1"}}
		}, "exceed the maximum load 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.change(&p)
			_, err := Solve(context.Background(), p)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
}

func TestSolveStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, realisticProblem(1, 1000)); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestRealisticCall checks a full-size call end to end with the oracle.
func TestRealisticCall(t *testing.T) {
	p := realisticProblem(42, 1000)
	res := solveOK(t, p)
	checkResult(t, newOracle(p), res)
	if res.Objective.Assignments < 2900 {
		t.Fatalf("only %d of 3000 slots filled", res.Objective.Assignments)
	}
}

package assign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// DefaultK is the number of reviewers per case when Problem.K is zero.
const DefaultK = 3

// Hard constraints, as keys of Shortfall.Blocked, in the order they are
// tested: a reviewer excluded from a case is counted under the first one
// that excludes it.
const (
	ConflictDeclared = "conflict_declared" // the reviewer named the case, its organisation or a partner
	ConflictOrg      = "conflict_org"      // same organisation as the applicant
	ConflictDomain   = "conflict_domain"   // same e-mail domain as the applicant team
	ConflictPartner  = "conflict_partner"  // the reviewer, or their organisation, is a partner
	Forbidden        = "forbidden"         // the secretariat forbade the pair
	Language         = "language"          // reads neither the case's language nor a trusted translation
	LoadFull         = "load_full"         // eligible, but at maximum load
)

// Kinds of Reason: affinity terms, and why a fixed pair is there.
const (
	ReasonWSIS       = "wsis"
	ReasonTechnology = "technology"
	ReasonSector     = "sector"
	ReasonRegion     = "region"
	ReasonPinned     = "pinned"
	ReasonKept       = "kept"
)

// Affinity points per matching term.
const (
	PointsWSISPrimary   = 6
	PointsWSISSecondary = 3
	PointsTechnology    = 2
	PointsSector        = 2
	PointsRegion        = 1
)

// ErrInvalid marks a Problem that cannot be solved as given: duplicate or
// unknown IDs, or pins that break a hard constraint.
var ErrInvalid = errors.New("invalid assignment problem")

// Case is an eligible case as the assignment sees it.
type Case struct {
	ID       string
	Language string
	// TranslationLangs are the languages of the case's translations marked
	// author or secretariat; machine translations do not count.
	TranslationLangs []string
	WSISPrimary      string
	WSISSecondary    []string
	Technologies     []string
	Sector           string   // ISIC section
	Regions          []string // M49 regions of the case's countries
	Org              string   // applicant organisation
	Domains          []string // e-mail domains (or addresses) of the submitter and team
	Partners         []string // partner organisation or person names
}

// Expertise is what a reviewer declares they know.
type Expertise struct {
	WSIS         []string
	Technologies []string
	Sectors      []string
	Regions      []string
}

// Reviewer is a reviewer invited to the call.
type Reviewer struct {
	ID            string
	Name          string // matched against the case's partners
	Languages     []string
	Expertise     Expertise
	MaxLoad       int    // assignments in all, locked and pinned included; 0 takes no new one
	Region        string // M49 region the reviewer comes from, for diversity
	Org           string
	EmailDomain   string
	ConflictOrgs  []string // organisations the reviewer works for or with
	ConflictCases []string // case IDs the reviewer must not review
}

// Pair names a case and a reviewer.
type Pair struct {
	Case, Reviewer string
}

// Existing is an assignment made before this run. A locked one (a review
// was started) is always kept; the others may be replaced, though among
// equally good assignments the run keeps them.
type Existing struct {
	Pair
	Locked bool
}

// Problem is one run of the automatic assignment.
type Problem struct {
	Cases     []Case
	Reviewers []Reviewer
	K         int    // reviewers per case; 0 means DefaultK
	Pinned    []Pair // always assigned; they count toward K and loads
	Forbidden []Pair // never assigned
	Existing  []Existing
}

// Reason is one term of why a pair was assigned.
type Reason struct {
	Kind   string // ReasonWSIS, ReasonTechnology, ReasonSector, ReasonRegion, ReasonPinned, ReasonKept
	Value  string // the matching code; for ReasonKept "locked" or "existing"
	Points int    // affinity points; 0 for pinned and kept
}

// Assignment is a reviewer assigned to a case.
type Assignment struct {
	Case, Reviewer string
	Affinity       int
	Reasons        []Reason
}

// Shortfall explains a case left with fewer than K reviewers.
type Shortfall struct {
	Case    string
	Missing int
	// Blocked counts, for each hard constraint, the reviewers not assigned
	// to the case that it excluded first (see the constraint constants).
	Blocked map[string]int
	// Reasons are English sentences for the secretariat, most excluding
	// constraint first; a localised interface builds its own from Blocked.
	Reasons []string
}

// Objective is the value of an assignment, tier by tier, in the order
// Solve optimises them (see the package documentation).
type Objective struct {
	Assignments int // maximised first
	Affinity    int // then maximised
	Load        int // Σ over reviewers of L(L−1)/2, L the total load: then minimised
	Diversity   int // pairs of one case's reviewers from one region: then minimised
	Churn       int // unlocked existing assignments dropped: minimised last
}

// Result is the outcome of Solve. All slices are sorted by case, then
// reviewer.
type Result struct {
	Assignments []Assignment
	Short       []Shortfall
	Removed     []Pair   // unlocked existing assignments this run dropped
	Warnings    []string // locked assignments that break a constraint today
	Objective   Objective
}

// Solve computes an optimal assignment for p: no hard constraint broken
// (beyond locked assignments, which are kept whatever they break and
// reported in Warnings), and the Objective optimal in lexicographic order.
// Ties are broken by ID order, so equal problems give equal results
// whatever the order of their slices.
func Solve(ctx context.Context, p Problem) (Result, error) {
	in, err := prepare(p)
	if err != nil {
		return Result{}, fmt.Errorf("assign: %w", err)
	}
	chosen, err := in.optimise(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("assign: %w", err)
	}
	return in.result(chosen)
}

// result turns the chosen new pairs, with the fixed ones, into a Result.
func (in *instance) result(chosen []pairIdx) (Result, error) {
	var res Result
	assigned := make(map[pairIdx]bool, len(in.fixed)+len(chosen))
	all := make([]pairIdx, 0, len(in.fixed)+len(chosen))
	for pr := range in.fixed {
		all = append(all, pr)
	}
	all = append(all, chosen...)
	slices.SortFunc(all, comparePairIdx)
	load := make([]int, len(in.revs))
	count := make([]int, len(in.cases))
	for _, pr := range all {
		assigned[pr] = true
		load[pr.r]++
		count[pr.c]++
		a := Assignment{Case: in.cases[pr.c].id, Reviewer: in.revs[pr.r].id}
		a.Affinity, a.Reasons = in.explainAffinity(pr.c, pr.r)
		if f, ok := in.fixed[pr]; ok {
			if f.locked {
				a.Reasons = append(a.Reasons, Reason{Kind: ReasonKept, Value: "locked"})
			}
			if f.pinned {
				a.Reasons = append(a.Reasons, Reason{Kind: ReasonPinned})
			}
		} else if in.existing[pr] {
			a.Reasons = append(a.Reasons, Reason{Kind: ReasonKept, Value: "existing"})
		}
		res.Assignments = append(res.Assignments, a)
		res.Objective.Affinity += a.Affinity
	}
	res.Objective.Assignments = len(all)
	for _, l := range load {
		res.Objective.Load += l * (l - 1) / 2
	}
	perRegion := make(map[[2]int32]int)
	for _, pr := range all {
		if g := in.revs[pr.r].region; g >= 0 {
			k := [2]int32{pr.c, g}
			res.Objective.Diversity += perRegion[k]
			perRegion[k]++
		}
	}
	for pr := range in.existing {
		if !assigned[pr] {
			res.Removed = append(res.Removed, Pair{in.cases[pr.c].id, in.revs[pr.r].id})
		}
	}
	slices.SortFunc(res.Removed, comparePairs)
	res.Objective.Churn = len(res.Removed)
	res.Warnings = in.warnings
	for c := range in.cases {
		if count[c] >= in.k {
			continue
		}
		s, err := in.explainShortfall(int32(c), count[c], assigned, load)
		if err != nil {
			return Result{}, fmt.Errorf("assign: %w", err)
		}
		res.Short = append(res.Short, s)
	}
	return res, nil
}

func comparePairs(a, b Pair) int {
	return cmp.Or(cmp.Compare(a.Case, b.Case), cmp.Compare(a.Reviewer, b.Reviewer))
}

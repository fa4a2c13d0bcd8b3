package assign

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// The oracle re-states the rules of the package as plainly as possible,
// on problems whose strings are already canonical (no spelling variants),
// so that tests judge Solve by an independent reading of the rules.

type oracle struct {
	p     Problem
	k     int
	cases map[string]*Case
	revs  map[string]*Reviewer
	// fixed pairs with whether they are locked
	locked, pinned, existing, forbidden map[Pair]bool
}

func newOracle(p Problem) *oracle {
	o := &oracle{p: p, k: p.K, cases: map[string]*Case{}, revs: map[string]*Reviewer{},
		locked: map[Pair]bool{}, pinned: map[Pair]bool{}, existing: map[Pair]bool{}, forbidden: map[Pair]bool{}}
	if o.k == 0 {
		o.k = DefaultK
	}
	for i := range p.Cases {
		o.cases[p.Cases[i].ID] = &p.Cases[i]
	}
	for i := range p.Reviewers {
		o.revs[p.Reviewers[i].ID] = &p.Reviewers[i]
	}
	for _, e := range p.Existing {
		if e.Locked {
			o.locked[e.Pair] = true
		}
	}
	for _, pr := range p.Pinned {
		o.pinned[pr] = true
	}
	for _, e := range p.Existing {
		if !o.locked[e.Pair] && !o.pinned[e.Pair] {
			o.existing[e.Pair] = true
		}
	}
	for _, pr := range p.Forbidden {
		o.forbidden[pr] = true
	}
	return o
}

func (o *oracle) fixed(pr Pair) bool { return o.locked[pr] || o.pinned[pr] }

// blocker is the first constraint excluding the pair, "" if none.
func (o *oracle) blocker(pr Pair) string {
	c, r := o.cases[pr.Case], o.revs[pr.Reviewer]
	if slices.Contains(r.ConflictCases, c.ID) {
		return ConflictDeclared
	}
	for _, x := range r.ConflictOrgs {
		if x == c.Org || slices.Contains(c.Partners, x) {
			return ConflictDeclared
		}
	}
	if r.Org != "" && r.Org == c.Org {
		return ConflictOrg
	}
	for _, d := range c.Domains {
		if d == r.EmailDomain && d != "gmail.com" && d != "qq.com" {
			return ConflictDomain
		}
	}
	if (r.Org != "" && slices.Contains(c.Partners, r.Org)) || (r.Name != "" && slices.Contains(c.Partners, r.Name)) {
		return ConflictPartner
	}
	if o.forbidden[pr] {
		return Forbidden
	}
	langs := append([]string{c.Language}, c.TranslationLangs...)
	for _, l := range r.Languages {
		if slices.Contains(langs, l) {
			return ""
		}
	}
	return Language
}

func (o *oracle) affinity(pr Pair) int {
	c, r := o.cases[pr.Case], o.revs[pr.Reviewer]
	a := 0
	if slices.Contains(r.Expertise.WSIS, c.WSISPrimary) {
		a += 6
	}
	for _, w := range c.WSISSecondary {
		if slices.Contains(r.Expertise.WSIS, w) {
			a += 3
		}
	}
	for _, t := range c.Technologies {
		if slices.Contains(r.Expertise.Technologies, t) {
			a += 2
		}
	}
	if slices.Contains(r.Expertise.Sectors, c.Sector) {
		a += 2
	}
	for _, g := range c.Regions {
		if slices.Contains(r.Expertise.Regions, g) {
			a++
		}
	}
	return a
}

// objective evaluates a complete set of pairs (fixed ones included).
func (o *oracle) objective(pairs []Pair) Objective {
	var v Objective
	load := map[string]int{}
	perRegion := map[[2]string]int{}
	in := map[Pair]bool{}
	for _, pr := range pairs {
		in[pr] = true
		v.Assignments++
		v.Affinity += o.affinity(pr)
		load[pr.Reviewer]++
		if g := o.revs[pr.Reviewer].Region; g != "" {
			k := [2]string{pr.Case, g}
			v.Diversity += perRegion[k]
			perRegion[k]++
		}
	}
	for _, l := range load {
		v.Load += l * (l - 1) / 2
	}
	for pr := range o.existing {
		if !in[pr] {
			v.Churn++
		}
	}
	return v
}

// better reports whether a is lexicographically better than b.
func better(a, b Objective) bool {
	switch {
	case a.Assignments != b.Assignments:
		return a.Assignments > b.Assignments
	case a.Affinity != b.Affinity:
		return a.Affinity > b.Affinity
	case a.Load != b.Load:
		return a.Load < b.Load
	case a.Diversity != b.Diversity:
		return a.Diversity < b.Diversity
	}
	return a.Churn < b.Churn
}

// enumerate calls visit with every feasible assignment: the fixed pairs
// plus, per case, any set of admissible reviewers within K and the loads.
func (o *oracle) enumerate(visit func(pairs []Pair)) {
	var fixed []Pair
	load := map[string]int{}
	count := map[string]int{}
	for _, c := range o.p.Cases {
		for _, r := range o.p.Reviewers {
			if pr := (Pair{c.ID, r.ID}); o.fixed(pr) {
				fixed = append(fixed, pr)
				load[r.ID]++
				count[c.ID]++
			}
		}
	}
	cands := make([][]Pair, len(o.p.Cases))
	for i, c := range o.p.Cases {
		for _, r := range o.p.Reviewers {
			if pr := (Pair{c.ID, r.ID}); !o.fixed(pr) && o.blocker(pr) == "" {
				cands[i] = append(cands[i], pr)
			}
		}
	}
	chosen := slices.Clone(fixed)
	var rec func(ci int)
	rec = func(ci int) {
		if ci == len(o.p.Cases) {
			visit(chosen)
			return
		}
		room := o.k - count[o.p.Cases[ci].ID]
		var sub func(j, left int)
		sub = func(j, left int) {
			if j == len(cands[ci]) || left <= 0 {
				rec(ci + 1)
				return
			}
			sub(j+1, left)
			pr := cands[ci][j]
			if load[pr.Reviewer] < o.revs[pr.Reviewer].MaxLoad {
				load[pr.Reviewer]++
				chosen = append(chosen, pr)
				sub(j+1, left-1)
				chosen = chosen[:len(chosen)-1]
				load[pr.Reviewer]--
			}
		}
		sub(0, room)
	}
	rec(0)
}

// best is the lexicographic optimum over every feasible assignment.
func (o *oracle) best() Objective {
	var best Objective
	found := false
	o.enumerate(func(pairs []Pair) {
		if v := o.objective(pairs); !found || better(v, best) {
			best, found = v, true
		}
	})
	return best
}

// smallProblem draws a problem small enough to enumerate, with every kind
// of constraint in play: languages, declared and inferred conflicts,
// webmail, forbidden and pinned pairs, locked and unlocked existing pairs.
func smallProblem(r *rand.Rand, maxCases, maxRevs, maxK int) Problem {
	langs := []string{"en", "fr", "sw"}
	orgs := []string{"Acme", "Beta", "Gamma", ""}
	names := []string{"Ann", "Bob", "Cem", "Dia", "Eve", "Fay"}
	domains := []string{"acme.org", "beta.org", "gmail.com", "gamma.org"}
	some := func(from []string, p float64) []string {
		var out []string
		for _, x := range from {
			if r.Float64() < p {
				out = append(out, x)
			}
		}
		return out
	}
	p := Problem{K: 1 + r.IntN(maxK)}
	nc, nr := maxCases, maxRevs // full size half the time, any size otherwise
	if r.IntN(2) == 0 {
		nc, nr = 1+r.IntN(maxCases), 1+r.IntN(maxRevs)
	}
	for i := range nc {
		c := Case{ID: fmt.Sprintf("c%d", i), Language: langs[weighted(r, []float64{0.6, 0.25, 0.15})]}
		if r.IntN(4) == 0 {
			c.TranslationLangs = []string{langs[r.IntN(len(langs))]}
		}
		ws := pick(r, genWSIS[:5], 1+r.IntN(3), 0)
		c.WSISPrimary, c.WSISSecondary = ws[0], ws[1:]
		c.Technologies = pick(r, genTech[:5], 1+r.IntN(3), 0)
		c.Sector = genSectors[r.IntN(4)]
		c.Regions = pick(r, genRegions[:3], 1+r.IntN(2), 0)
		if r.IntN(3) == 0 {
			c.Org = orgs[r.IntN(len(orgs))]
		}
		if r.IntN(3) == 0 {
			c.Domains = []string{domains[r.IntN(len(domains))]}
		}
		if r.IntN(4) == 0 {
			c.Partners = some(append(slices.Clone(orgs[:3]), names[:nr]...), 0.15)
		}
		p.Cases = append(p.Cases, c)
	}
	for i := range nr {
		rv := Reviewer{ID: fmt.Sprintf("r%d", i), Name: names[i], MaxLoad: 1 + r.IntN(3)}
		if r.IntN(10) == 0 {
			rv.MaxLoad = 0
		}
		for j, p := range []float64{0.8, 0.5, 0.2} {
			if r.Float64() < p {
				rv.Languages = append(rv.Languages, langs[j])
			}
		}
		rv.Expertise = Expertise{
			WSIS:         some(genWSIS[:5], 0.4),
			Technologies: some(genTech[:5], 0.4),
			Sectors:      some(genSectors[:4], 0.4),
			Regions:      some(genRegions[:3], 0.4),
		}
		if r.IntN(4) > 0 {
			rv.Region = genRegions[r.IntN(3)]
		}
		if r.IntN(3) == 0 {
			rv.Org = orgs[r.IntN(len(orgs))]
		}
		if r.IntN(3) == 0 {
			rv.EmailDomain = domains[r.IntN(len(domains))]
		}
		if r.IntN(6) == 0 {
			rv.ConflictOrgs = []string{orgs[r.IntN(3)]}
		}
		if r.IntN(6) == 0 {
			rv.ConflictCases = []string{p.Cases[r.IntN(nc)].ID}
		}
		p.Reviewers = append(p.Reviewers, rv)
	}
	randomPair := func() Pair { return Pair{p.Cases[r.IntN(nc)].ID, p.Reviewers[r.IntN(nr)].ID} }
	for range r.IntN(3) {
		p.Forbidden = append(p.Forbidden, randomPair())
	}
	for range r.IntN(4) {
		p.Existing = append(p.Existing, Existing{Pair: randomPair(), Locked: r.IntN(3) == 0})
	}
	// Pins: only pairs that can be kept without breaking a constraint.
	o := newOracle(p)
	load, count := map[string]int{}, map[string]int{}
	for pr := range o.locked {
		load[pr.Reviewer]++
		count[pr.Case]++
	}
	for range r.IntN(3) {
		pr := randomPair()
		if o.fixed(pr) || o.blocker(pr) != "" || count[pr.Case] >= o.k || load[pr.Reviewer] >= o.revs[pr.Reviewer].MaxLoad {
			continue
		}
		p.Pinned = append(p.Pinned, pr)
		o.pinned[pr] = true
		load[pr.Reviewer]++
		count[pr.Case]++
	}
	return p
}

package assign

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// instance is a Problem checked, sorted by ID and reduced to small
// integers, so that the million pair checks of a large call compare
// integers and bit sets rather than strings.
type instance struct {
	k     int
	cases []caseInfo
	revs  []revInfo

	fixed     map[pairIdx]fixedPair // pinned or locked: always assigned
	existing  map[pairIdx]bool      // unlocked existing pairs
	forbidden map[pairIdx]bool
	declared  map[pairIdx]bool // from Reviewer.ConflictCases
	warnings  []string

	fixedLoad  []int // per reviewer
	fixedCount []int // per case
	// fixedRegion counts a case's fixed reviewers per region.
	fixedRegion map[[2]int32]int

	regions int // distinct reviewer regions; ids run from 0
}

type pairIdx struct{ c, r int32 }

type fixedPair struct{ pinned, locked bool }

type caseInfo struct {
	id       string
	src      *Case
	langs    bitset
	primary  int32 // −1 when none
	wsis     bitset
	tech     bitset
	sector   int32
	regions  bitset
	org      int32   // 0 when none
	partners []int32 // normalised partner names
	domains  []string
}

type revInfo struct {
	id        string
	src       *Reviewer
	langs     bitset
	wsis      bitset
	tech      bitset
	sectors   bitset
	regions   bitset
	region    int32 // −1 when none
	org       int32
	name      int32
	domain    string
	conflicts []int32 // declared conflict organisations
	maxLoad   int
}

// interner numbers strings in order of first sight; 0 is kept for "none".
type interner map[string]int32

func (m interner) id(s string) int32 {
	if s == "" {
		return 0
	}
	if v, ok := m[s]; ok {
		return v
	}
	v := int32(len(m) + 1)
	m[s] = v
	return v
}

// bitset is a set of small integers (interned ids).
type bitset []uint64

func (b *bitset) add(i int32) {
	if i <= 0 {
		return
	}
	w := int(i) / 64
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (uint(i) % 64)
}

func (b bitset) has(i int32) bool {
	w := int(i) / 64
	return i > 0 && w < len(b) && b[w]&(1<<(uint(i)%64)) != 0
}

func (b bitset) intersects(o bitset) bool {
	for i := range min(len(b), len(o)) {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

func (b bitset) common(o bitset) int {
	n := 0
	for i := range min(len(b), len(o)) {
		n += bits.OnesCount64(b[i] & o[i])
	}
	return n
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// prepare validates p and builds the instance.
func prepare(p Problem) (*instance, error) {
	in := &instance{k: p.K}
	if in.k == 0 {
		in.k = DefaultK
	}
	if in.k < 0 {
		return nil, invalid("k = %d", p.K)
	}
	cases := make([]*Case, len(p.Cases))
	for i := range p.Cases {
		cases[i] = &p.Cases[i]
	}
	slices.SortFunc(cases, func(a, b *Case) int { return cmp.Compare(a.ID, b.ID) })
	revs := make([]*Reviewer, len(p.Reviewers))
	for i := range p.Reviewers {
		revs[i] = &p.Reviewers[i]
	}
	slices.SortFunc(revs, func(a, b *Reviewer) int { return cmp.Compare(a.ID, b.ID) })

	caseIdx := make(map[string]int32, len(cases))
	for i, c := range cases {
		if c.ID == "" {
			return nil, invalid("a case has no ID")
		}
		if _, dup := caseIdx[c.ID]; dup {
			return nil, invalid("case %q appears twice", c.ID)
		}
		caseIdx[c.ID] = int32(i)
	}
	revIdx := make(map[string]int32, len(revs))
	for i, r := range revs {
		if r.ID == "" {
			return nil, invalid("a reviewer has no ID")
		}
		if _, dup := revIdx[r.ID]; dup {
			return nil, invalid("reviewer %q appears twice", r.ID)
		}
		if r.MaxLoad < 0 {
			return nil, invalid("reviewer %q: maximum load %d", r.ID, r.MaxLoad)
		}
		revIdx[r.ID] = int32(i)
	}
	lookup := func(what string, pr Pair) (pairIdx, error) {
		c, ok := caseIdx[pr.Case]
		if !ok {
			return pairIdx{}, invalid("%s pair: unknown case %q", what, pr.Case)
		}
		r, ok := revIdx[pr.Reviewer]
		if !ok {
			return pairIdx{}, invalid("%s pair: unknown reviewer %q", what, pr.Reviewer)
		}
		return pairIdx{c, r}, nil
	}

	v := newVocab()
	in.cases = make([]caseInfo, len(cases))
	for i, c := range cases {
		in.cases[i] = v.caseInfo(c)
	}
	in.revs = make([]revInfo, len(revs))
	for i, r := range revs {
		in.revs[i] = v.revInfo(r)
	}
	in.regions = len(v.regions)

	in.declared = map[pairIdx]bool{}
	for i, r := range revs {
		for _, id := range r.ConflictCases {
			// A conflict with a case outside this run constrains nothing here.
			if c, ok := caseIdx[id]; ok {
				in.declared[pairIdx{c, int32(i)}] = true
			}
		}
	}
	in.forbidden = map[pairIdx]bool{}
	for _, f := range p.Forbidden {
		pr, err := lookup("forbidden", f)
		if err != nil {
			return nil, err
		}
		in.forbidden[pr] = true
	}
	if err := in.fix(p, lookup); err != nil {
		return nil, err
	}
	return in, nil
}

// fix records the existing, locked and pinned pairs: what they take of
// cases, loads and regions, and what the locked ones break.
func (in *instance) fix(p Problem, lookup func(string, Pair) (pairIdx, error)) error {
	in.fixed = map[pairIdx]fixedPair{}
	in.existing = map[pairIdx]bool{}
	for _, e := range p.Existing {
		pr, err := lookup("existing", e.Pair)
		if err != nil {
			return err
		}
		if e.Locked {
			in.fixed[pr] = fixedPair{locked: true}
		}
	}
	for _, e := range p.Existing {
		pr, _ := lookup("existing", e.Pair)
		if _, ok := in.fixed[pr]; !ok {
			in.existing[pr] = true
		}
	}
	in.fixedLoad = make([]int, len(in.revs))
	in.fixedCount = make([]int, len(in.cases))
	locked := make([]pairIdx, 0, len(in.fixed))
	for pr := range in.fixed {
		in.fixedLoad[pr.r]++
		in.fixedCount[pr.c]++
		locked = append(locked, pr)
	}
	// Locked pairs are facts: report what they break, never drop them.
	slices.SortFunc(locked, comparePairIdx)
	for _, pr := range locked {
		if why := in.exclusion(pr.c, pr.r); why != "" {
			in.warnings = append(in.warnings, fmt.Sprintf("locked assignment %s–%s breaks %s", in.cases[pr.c].id, in.revs[pr.r].id, why))
		}
	}
	for c, n := range in.fixedCount {
		if n > in.k {
			in.warnings = append(in.warnings, fmt.Sprintf("case %s has %d locked assignments, more than k = %d", in.cases[c].id, n, in.k))
		}
	}
	for r, n := range in.fixedLoad {
		if n > in.revs[r].maxLoad {
			in.warnings = append(in.warnings, fmt.Sprintf("reviewer %s has %d locked assignments, more than the maximum load %d", in.revs[r].id, n, in.revs[r].maxLoad))
		}
	}

	// Pins must respect every hard constraint: a pin that cannot be kept
	// without breaking one is a contradiction the secretariat must resolve.
	for _, pn := range p.Pinned {
		pr, err := lookup("pinned", pn)
		if err != nil {
			return err
		}
		f := in.fixed[pr]
		if f.pinned {
			continue
		}
		if !f.locked {
			if why := in.exclusion(pr.c, pr.r); why != "" {
				return invalid("pinned pair %s–%s breaks %s", pn.Case, pn.Reviewer, why)
			}
			in.fixedLoad[pr.r]++
			in.fixedCount[pr.c]++
			if in.fixedCount[pr.c] > in.k {
				return invalid("pinned pair %s–%s: case %s would have more than k = %d reviewers", pn.Case, pn.Reviewer, pn.Case, in.k)
			}
			if in.fixedLoad[pr.r] > in.revs[pr.r].maxLoad {
				return invalid("pinned pair %s–%s: reviewer %s would exceed the maximum load %d", pn.Case, pn.Reviewer, pn.Reviewer, in.revs[pr.r].maxLoad)
			}
			delete(in.existing, pr)
		}
		f.pinned = true
		in.fixed[pr] = f
	}
	in.fixedRegion = map[[2]int32]int{}
	for pr := range in.fixed {
		if g := in.revs[pr.r].region; g >= 0 {
			in.fixedRegion[[2]int32{pr.c, g}]++
		}
	}
	return nil
}

// vocab numbers the strings of a problem. Vocabulary codes share one
// interner, each with its own prefix, so a sector "C" is not the action
// line "c1" and the ids of all of them stay small.
type vocab struct {
	langs, codes, orgs interner
	regions            map[string]int32 // reviewers' own regions, from 0
}

func newVocab() *vocab {
	return &vocab{langs: interner{}, codes: interner{}, orgs: interner{}, regions: map[string]int32{}}
}

func (v *vocab) code(prefix, s string) int32 {
	if s = normCode(s); s == "" {
		return 0
	}
	return v.codes.id(prefix + ":" + s)
}

func (v *vocab) codeSet(b *bitset, prefix string, vals []string) {
	for _, s := range vals {
		b.add(v.code(prefix, s))
	}
}

func (v *vocab) langSet(b *bitset, vals []string) {
	for _, s := range vals {
		b.add(v.langs.id(normLang(s)))
	}
}

func (v *vocab) caseInfo(c *Case) caseInfo {
	ci := caseInfo{id: c.ID, src: c, primary: -1}
	v.langSet(&ci.langs, append([]string{c.Language}, c.TranslationLangs...))
	if w := v.code("w", c.WSISPrimary); w > 0 {
		ci.primary = w
	}
	for _, s := range c.WSISSecondary {
		if w := v.code("w", s); w != ci.primary {
			ci.wsis.add(w)
		}
	}
	v.codeSet(&ci.tech, "t", c.Technologies)
	ci.sector = v.code("s", c.Sector)
	v.codeSet(&ci.regions, "r", c.Regions)
	ci.org = v.orgs.id(normOrg(c.Org))
	for _, pt := range c.Partners {
		if id := v.orgs.id(normOrg(pt)); id > 0 && !slices.Contains(ci.partners, id) {
			ci.partners = append(ci.partners, id)
		}
	}
	for _, d := range c.Domains {
		if d = normDomain(d); d != "" && !isWebmail(d) && !slices.Contains(ci.domains, d) {
			ci.domains = append(ci.domains, d)
		}
	}
	return ci
}

func (v *vocab) revInfo(r *Reviewer) revInfo {
	ri := revInfo{id: r.ID, src: r, maxLoad: r.MaxLoad, region: -1}
	v.langSet(&ri.langs, r.Languages)
	v.codeSet(&ri.wsis, "w", r.Expertise.WSIS)
	v.codeSet(&ri.tech, "t", r.Expertise.Technologies)
	v.codeSet(&ri.sectors, "s", r.Expertise.Sectors)
	v.codeSet(&ri.regions, "r", r.Expertise.Regions)
	if g := normCode(r.Region); g != "" {
		id, ok := v.regions[g]
		if !ok {
			id = int32(len(v.regions))
			v.regions[g] = id
		}
		ri.region = id
	}
	ri.org = v.orgs.id(normOrg(r.Org))
	ri.name = v.orgs.id(normOrg(r.Name))
	if d := normDomain(r.EmailDomain); !isWebmail(d) {
		ri.domain = d
	}
	for _, o := range r.ConflictOrgs {
		if id := v.orgs.id(normOrg(o)); id > 0 {
			ri.conflicts = append(ri.conflicts, id)
		}
	}
	return ri
}

func comparePairIdx(a, b pairIdx) int {
	return cmp.Or(cmp.Compare(a.c, b.c), cmp.Compare(a.r, b.r))
}

// exclusion returns the first hard constraint (other than load) that keeps
// reviewer r off case c, or "" when the pair is admissible.
func (in *instance) exclusion(c, r int32) string {
	pr := pairIdx{c, r}
	return in.excludes(c, r, in.declared[pr], in.forbidden[pr])
}

// excludes is exclusion with the pair's declared conflict and prohibition
// looked up by the caller, which can do it faster for a whole case.
func (in *instance) excludes(c, r int32, declared, forbidden bool) string {
	ci, ri := &in.cases[c], &in.revs[r]
	if declared {
		return ConflictDeclared
	}
	for _, o := range ri.conflicts {
		if o == ci.org || slices.Contains(ci.partners, o) {
			return ConflictDeclared
		}
	}
	if ri.org != 0 && ri.org == ci.org {
		return ConflictOrg
	}
	for _, d := range ci.domains { // both without webmail since prepare
		if related(d, ri.domain) {
			return ConflictDomain
		}
	}
	for _, pt := range ci.partners {
		if pt == ri.org || pt == ri.name {
			return ConflictPartner
		}
	}
	if forbidden {
		return Forbidden
	}
	if !ri.langs.intersects(ci.langs) {
		return Language
	}
	return ""
}

// affinity is the integer expertise score of reviewer r for case c.
func (in *instance) affinity(c, r int32) int {
	ci, ri := &in.cases[c], &in.revs[r]
	a := PointsWSISSecondary*ci.wsis.common(ri.wsis) +
		PointsTechnology*ci.tech.common(ri.tech) +
		PointsRegion*ci.regions.common(ri.regions)
	if ri.wsis.has(ci.primary) {
		a += PointsWSISPrimary
	}
	if ri.sectors.has(ci.sector) {
		a += PointsSector
	}
	return a
}

// explainAffinity lists the terms of affinity(c, r), with the case's own
// spelling of each code.
func (in *instance) explainAffinity(c, r int32) (int, []Reason) {
	cs, rs := in.cases[c].src, in.revs[r].src
	var reasons []Reason
	total := 0
	seen := map[string]bool{}
	add := func(kind, value string, points int, expertise []string) {
		key := kind + ":" + normCode(value)
		if normCode(value) == "" || seen[key] {
			return
		}
		seen[key] = true
		for _, e := range expertise {
			if normCode(e) == normCode(value) {
				reasons = append(reasons, Reason{Kind: kind, Value: strings.TrimSpace(value), Points: points})
				total += points
				return
			}
		}
	}
	add(ReasonWSIS, cs.WSISPrimary, PointsWSISPrimary, rs.Expertise.WSIS)
	for _, w := range cs.WSISSecondary {
		add(ReasonWSIS, w, PointsWSISSecondary, rs.Expertise.WSIS)
	}
	for _, t := range cs.Technologies {
		add(ReasonTechnology, t, PointsTechnology, rs.Expertise.Technologies)
	}
	add(ReasonSector, cs.Sector, PointsSector, rs.Expertise.Sectors)
	for _, g := range cs.Regions {
		add(ReasonRegion, g, PointsRegion, rs.Expertise.Regions)
	}
	return total, reasons
}

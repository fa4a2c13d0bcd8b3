package assign

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// explainShortfall says why case c has only count of its k reviewers:
// every reviewer not assigned to it is charged to the first constraint
// that excludes it. A reviewer that nothing excludes must be at its
// maximum load, because the flow would otherwise have used it (a cheaper
// path than the empty slot); finding one is a bug, not an explanation.
func (in *instance) explainShortfall(c int32, count int, assigned map[pairIdx]bool, load []int) (Shortfall, error) {
	s := Shortfall{Case: in.cases[c].id, Missing: in.k - count, Blocked: map[string]int{}}
	others := 0
	for r := range in.revs {
		if assigned[pairIdx{c, int32(r)}] {
			continue
		}
		others++
		why := in.exclusion(c, int32(r))
		if why == "" {
			if load[r] < in.revs[r].maxLoad {
				return Shortfall{}, fmt.Errorf("case %s is short but reviewer %s is eligible and has capacity left", s.Case, in.revs[r].id)
			}
			why = LoadFull
		}
		s.Blocked[why]++
	}
	var keys []string
	for _, k := range []string{ConflictDeclared, ConflictOrg, ConflictDomain, ConflictPartner, Forbidden, Language, LoadFull} {
		if s.Blocked[k] > 0 {
			keys = append(keys, k)
		}
	}
	// Most excluding first; ties in the order of the checks.
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(s.Blocked[b], s.Blocked[a]) })
	for _, k := range keys {
		s.Reasons = append(s.Reasons, in.reasonText(c, k, s.Blocked[k], others, count))
	}
	if len(in.revs) < in.k {
		s.Reasons = append(s.Reasons, fmt.Sprintf("pool: the call has %s, fewer than k = %d", reviewers(len(in.revs)), in.k))
	}
	return s, nil
}

func reviewers(n int) string {
	if n == 1 {
		return "1 reviewer"
	}
	return fmt.Sprintf("%d reviewers", n)
}

func (in *instance) reasonText(c int32, key string, n, others, assigned int) string {
	cs := in.cases[c].src
	switch key {
	case ConflictDeclared:
		return fmt.Sprintf("%s: %s declared a conflict with this case, its organisation or a partner", key, reviewers(n))
	case ConflictOrg:
		return fmt.Sprintf("%s: %s from the applicant organisation (%s)", key, reviewers(n), cs.Org)
	case ConflictDomain:
		return fmt.Sprintf("%s: %s sharing an e-mail domain with the applicant team (%s)", key, reviewers(n), strings.Join(in.cases[c].domains, ", "))
	case ConflictPartner:
		return fmt.Sprintf("%s: %s listed among the partners, or working for one", key, reviewers(n))
	case Forbidden:
		return fmt.Sprintf("%s: %s forbidden by the secretariat", key, reviewers(n))
	case Language:
		langs := []string{normLang(cs.Language)}
		for _, l := range cs.TranslationLangs {
			if l = normLang(l); l != "" && !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
		list := strings.Join(langs, " or ")
		switch {
		case n == others && assigned == 0:
			return fmt.Sprintf("%s: no reviewer reads %s", key, list)
		case n == others:
			return fmt.Sprintf("%s: no other reviewer reads %s", key, list)
		}
		return fmt.Sprintf("%s: %s not reading %s", key, reviewers(n), list)
	default: // LoadFull
		return fmt.Sprintf("%s: %s eligible but at maximum load", key, reviewers(n))
	}
}

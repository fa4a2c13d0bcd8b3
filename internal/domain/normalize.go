package domain

import (
	"slices"
	"strings"
)

// Normalize tidies what a person typed without changing its meaning:
// it trims surrounding whitespace, turns CRLF and CR line ends into LF,
// writes codes in their canonical case (country codes, sector and action
// lines upper case, target letters lower case, other codes as listed),
// writes the language tags in canonical BCP 47 form, lower-cased so that
// they compare as plain strings, and drops the blank rows and entries that
// a web form's empty repeatable inputs leave behind. It leaves invalid
// values as they are for Validate to report.
func Normalize(c *Case) {
	if c == nil {
		return
	}
	c.Language = normLanguage(c.Language)
	c.Title = normText(c.Title)
	c.Summary = normText(c.Summary)

	o := &c.Organisation
	o.Name = normText(o.Name)
	o.Type = orgTypeSet.canonical(normText(o.Type))
	o.Country = normCountry(o.Country)
	o.Website = normText(o.Website)

	c.Countries = normList(c.Countries, normCountry)
	c.Scope = scopeSet.canonical(normText(c.Scope))
	c.Status = statusSet.canonical(normText(c.Status))
	c.Period.Start = normText(c.Period.Start)
	c.Period.End = normText(c.Period.End)
	c.SME.SizeClass = sizeClassSet.canonical(normText(c.SME.SizeClass))
	c.SME.Count = Decimal(normText(string(c.SME.Count)))
	c.Sector = strings.ToUpper(normText(c.Sector))
	c.Problem = normText(c.Problem)
	c.Solution = normText(c.Solution)
	c.Technologies = normList(c.Technologies, technologySet.canonicalText)
	c.WSIS.Primary = actionLineSet.canonical(normText(c.WSIS.Primary))
	c.WSIS.Secondary = normList(c.WSIS.Secondary, actionLineSet.canonicalText)
	c.SDGs.Goals = slices.DeleteFunc(c.SDGs.Goals, func(g int) bool { return g == 0 })
	if len(c.SDGs.Goals) == 0 {
		c.SDGs.Goals = nil
	}
	c.SDGs.Targets = normList(c.SDGs.Targets, func(s string) string { return strings.ToLower(normText(s)) })
	c.SDGLinkage = normText(c.SDGLinkage)

	c.KPIs = normRows(c.KPIs, func(k KPI) (KPI, bool) {
		k = KPI{
			Name:     normText(k.Name),
			Baseline: Decimal(normText(string(k.Baseline))),
			Value:    Decimal(normText(string(k.Value))),
			Unit:     normText(k.Unit),
			Date:     normText(k.Date),
		}
		return k, k != KPI{}
	})
	c.Impact = normText(c.Impact)
	c.Partners = normRows(c.Partners, func(p Partner) (Partner, bool) {
		p = Partner{
			Name:    normText(p.Name),
			Type:    orgTypeSet.canonical(normText(p.Type)),
			Country: normCountry(p.Country),
		}
		return p, p != Partner{}
	})
	c.EnablersConstraints = normText(c.EnablersConstraints)
	c.SustainabilityReplicability = normText(c.SustainabilityReplicability)
	c.Lessons = normText(c.Lessons)
	c.CostRange = costRangeSet.canonical(normText(c.CostRange))
	c.Funding = normList(c.Funding, fundingSet.canonicalText)
	c.Links = normList(c.Links, normText)
	c.Licence = licenceSet.canonical(normText(c.Licence))
	c.Translations = normTranslations(c.Translations)
}

// normText trims surrounding whitespace and unifies line ends.
func normText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

func normCountry(s string) string { return strings.ToUpper(normText(s)) }

func (s codeSet) canonicalText(v string) string { return s.canonical(normText(v)) }

// normLanguage writes a valid tag in canonical form, lower-cased ("EN_gb"
// becomes "en-gb"); anything else is only trimmed.
func normLanguage(s string) string {
	s = normText(s)
	if tag, ok := parseLanguage(s); ok {
		return strings.ToLower(tag.String())
	}
	return s
}

// normList normalises each entry and drops the blank ones.
func normList(list []string, norm func(string) string) []string {
	var out []string
	for _, s := range list {
		if s = norm(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// normRows normalises each row and drops the empty ones.
func normRows[T any](rows []T, norm func(T) (T, bool)) []T {
	var out []T
	for _, r := range rows {
		if r, keep := norm(r); keep {
			out = append(out, r)
		}
	}
	return out
}

// normTranslations normalises each translation and its language key, and
// drops the translations with no text. When two keys name the same
// language, the one already in normal form keeps it and the other keeps
// its key as typed, so that nothing is lost and Validate reports the
// repeat.
func normTranslations(ts map[string]Translation) map[string]Translation {
	keys := make([]string, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		an, bn := normLanguage(a) == a, normLanguage(b) == b
		switch {
		case an && !bn:
			return -1
		case bn && !an:
			return 1
		}
		return strings.Compare(a, b)
	})
	var out map[string]Translation
	for _, k := range keys {
		t := ts[k]
		t = Translation{
			Title:    normText(t.Title),
			Summary:  normText(t.Summary),
			Problem:  normText(t.Problem),
			Solution: normText(t.Solution),
			Impact:   normText(t.Impact),
			Lessons:  normText(t.Lessons),
			Source:   translationSet.canonical(normText(t.Source)),
		}
		if t.Title == "" && t.Summary == "" && t.Problem == "" && t.Solution == "" && t.Impact == "" && t.Lessons == "" {
			continue
		}
		if out == nil {
			out = make(map[string]Translation, len(ts))
		}
		nk := normLanguage(k)
		if _, taken := out[nk]; taken {
			nk = k
		}
		out[nk] = t
	}
	return out
}

// Missing lists the required sections of a draft that are still empty or
// incomplete, by JSON name in form order, for a checklist beside the form.
func Missing(c *Case) []string {
	o := c.Organisation
	kpiGiven := slices.ContainsFunc(c.KPIs, func(k KPI) bool { return !blank(k.Name) && !k.Value.IsZero() })
	checks := []struct {
		field   string
		missing bool
	}{
		{"language", blank(c.Language)},
		{"title", blank(c.Title)},
		{"summary", blank(c.Summary)},
		{"organisation", blank(o.Name) || blank(o.Type) || blank(o.Country)},
		{"countries", !slices.ContainsFunc(c.Countries, notBlank)},
		{"scope", blank(c.Scope)},
		{"status", blank(c.Status)},
		{"period", blank(c.Period.Start)},
		{"sme", blank(c.SME.SizeClass) || (c.SME.SizeClass == SizeClassProgramme && c.SME.Count.IsZero())},
		{"sector", blank(c.Sector)},
		{"problem", blank(c.Problem)},
		{"solution", blank(c.Solution)},
		{"technologies", !slices.ContainsFunc(c.Technologies, notBlank)},
		{"wsis", blank(c.WSIS.Primary)},
		{"sdgs", !slices.ContainsFunc(c.SDGs.Goals, func(g int) bool { return g != 0 })},
		{"sdg_linkage", blank(c.SDGLinkage)},
		{"kpis", !kpiGiven},
		{"impact", blank(c.Impact)},
		{"enablers_constraints", blank(c.EnablersConstraints)},
		{"sustainability_replicability", blank(c.SustainabilityReplicability)},
		{"licence", blank(c.Licence)},
		{"consent_publish", !c.ConsentPublish},
	}
	var out []string
	for _, ch := range checks {
		if ch.missing {
			out = append(out, ch.field)
		}
	}
	return out
}

func notBlank(s string) bool { return !blank(s) }

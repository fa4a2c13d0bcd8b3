package web

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// The case form's field names are the case record's JSON paths, with list
// items numbered: title, organisation.name, countries (repeated),
// kpis.0.value, partners.1.country, sdgs.goals (repeated), and
// translations.0.language with translations.0.title… for translations.
// Targets are one text input of comma-separated codes and links a textarea
// of one address per line, so that any value, valid or not, is kept.

// caseToForm writes a case as form values; formToCase reads them back.
// formToCase(caseToForm(c)) equals c for every case whose list rows are
// not entirely blank, whatever its values.
func caseToForm(c domain.Case) url.Values {
	v := url.Values{}
	set := func(name, s string) {
		if s != "" {
			v.Set(name, s)
		}
	}
	set("language", c.Language)
	set("title", c.Title)
	set("summary", c.Summary)
	set("organisation.name", c.Organisation.Name)
	set("organisation.type", c.Organisation.Type)
	set("organisation.country", c.Organisation.Country)
	set("organisation.website", c.Organisation.Website)
	v["countries"] = c.Countries
	set("scope", c.Scope)
	set("status", c.Status)
	set("period.start", c.Period.Start)
	set("period.end", c.Period.End)
	set("sme.size_class", c.SME.SizeClass)
	set("sme.count", string(c.SME.Count))
	set("sector", c.Sector)
	set("problem", c.Problem)
	set("solution", c.Solution)
	v["technologies"] = c.Technologies
	set("wsis.primary", c.WSIS.Primary)
	v["wsis.secondary"] = c.WSIS.Secondary
	for _, g := range c.SDGs.Goals {
		v.Add("sdgs.goals", strconv.Itoa(g))
	}
	set("sdgs.targets", strings.Join(c.SDGs.Targets, ", "))
	set("sdg_linkage", c.SDGLinkage)
	for i, k := range c.KPIs {
		p := "kpis." + strconv.Itoa(i) + "."
		set(p+"name", k.Name)
		set(p+"baseline", string(k.Baseline))
		set(p+"value", string(k.Value))
		set(p+"unit", k.Unit)
		set(p+"date", k.Date)
	}
	set("impact", c.Impact)
	for i, p := range c.Partners {
		n := "partners." + strconv.Itoa(i) + "."
		set(n+"name", p.Name)
		set(n+"type", p.Type)
		set(n+"country", p.Country)
	}
	set("enablers_constraints", c.EnablersConstraints)
	set("sustainability_replicability", c.SustainabilityReplicability)
	set("lessons", c.Lessons)
	set("cost_range", c.CostRange)
	v["funding"] = c.Funding
	set("links", strings.Join(c.Links, "\n"))
	set("licence", c.Licence)
	if c.ConsentPublish {
		v.Set("consent_publish", "true")
	}
	for i, lang := range sortedKeys(c.Translations) {
		t := c.Translations[lang]
		n := "translations." + strconv.Itoa(i) + "."
		v.Set(n+"language", lang)
		set(n+"source", t.Source)
		set(n+"title", t.Title)
		set(n+"summary", t.Summary)
		set(n+"problem", t.Problem)
		set(n+"solution", t.Solution)
		set(n+"impact", t.Impact)
		set(n+"lessons", t.Lessons)
	}
	for k, list := range v {
		if len(list) == 0 {
			delete(v, k)
		}
	}
	return v
}

// formToCase reads the case form. It never drops a value silently: what
// the case record cannot hold (a goal that is not a whole number, two
// translations into one language) is reported in problems, whose paths
// are form names.
func formToCase(v url.Values) (c domain.Case, problems domain.Errors) {
	get := func(name string) string { return v.Get(name) }
	c.Language = get("language")
	c.Title = get("title")
	c.Summary = get("summary")
	c.Organisation = domain.Organisation{Name: get("organisation.name"), Type: get("organisation.type"),
		Country: get("organisation.country"), Website: get("organisation.website")}
	c.Countries = list(v["countries"])
	c.Scope = get("scope")
	c.Status = get("status")
	c.Period = domain.Period{Start: get("period.start"), End: get("period.end")}
	c.SME = domain.SME{SizeClass: get("sme.size_class"), Count: domain.Decimal(get("sme.count"))}
	c.Sector = get("sector")
	c.Problem = get("problem")
	c.Solution = get("solution")
	c.Technologies = list(v["technologies"])
	c.WSIS = domain.WSIS{Primary: get("wsis.primary"), Secondary: list(v["wsis.secondary"])}
	for _, s := range v["sdgs.goals"] {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		g, err := strconv.Atoi(s)
		if err != nil || g == 0 {
			// The record holds goals as numbers; this one cannot be kept.
			problems = append(problems, domain.FieldError{Field: "sdgs.goals", Key: "err.goal_number", Args: map[string]any{"Value": s}})
			continue
		}
		c.SDGs.Goals = append(c.SDGs.Goals, g)
	}
	for _, s := range v["sdgs.targets"] {
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				c.SDGs.Targets = append(c.SDGs.Targets, t)
			}
		}
	}
	c.SDGLinkage = get("sdg_linkage")
	for _, i := range rowIndexes(v, "kpis") {
		p := "kpis." + i + "."
		k := domain.KPI{Name: get(p + "name"), Baseline: domain.Decimal(get(p + "baseline")), Value: domain.Decimal(get(p + "value")),
			Unit: get(p + "unit"), Date: get(p + "date")}
		if k != (domain.KPI{}) {
			c.KPIs = append(c.KPIs, k)
		}
	}
	c.Impact = get("impact")
	for _, i := range rowIndexes(v, "partners") {
		p := "partners." + i + "."
		pt := domain.Partner{Name: get(p + "name"), Type: get(p + "type"), Country: get(p + "country")}
		if pt != (domain.Partner{}) {
			c.Partners = append(c.Partners, pt)
		}
	}
	c.EnablersConstraints = get("enablers_constraints")
	c.SustainabilityReplicability = get("sustainability_replicability")
	c.Lessons = get("lessons")
	c.CostRange = get("cost_range")
	c.Funding = list(v["funding"])
	for _, s := range v["links"] {
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				c.Links = append(c.Links, l)
			}
		}
	}
	c.Licence = get("licence")
	switch get("consent_publish") {
	case "true", "on", "1", "yes":
		c.ConsentPublish = true
	}
	for _, i := range rowIndexes(v, "translations") {
		p := "translations." + i + "."
		lang := strings.TrimSpace(get(p + "language"))
		t := domain.Translation{Source: get(p + "source"), Title: get(p + "title"), Summary: get(p + "summary"),
			Problem: get(p + "problem"), Solution: get(p + "solution"), Impact: get(p + "impact"), Lessons: get(p + "lessons")}
		if t == (domain.Translation{}) && lang == "" {
			continue
		}
		if lang == "" {
			problems = append(problems, domain.FieldError{Field: p + "language", Key: "err.translation_language"})
			continue
		}
		if _, dup := c.Translations[lang]; dup {
			problems = append(problems, domain.FieldError{Field: p + "language", Key: "err.duplicate", Args: map[string]any{"Value": lang}})
			continue
		}
		if c.Translations == nil {
			c.Translations = map[string]domain.Translation{}
		}
		c.Translations[lang] = t
	}
	return c, problems
}

// list keeps the non-empty values of a repeated field, or nil.
func list(vals []string) []string {
	var out []string
	for _, s := range vals {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// rowIndexes returns the row numbers used by fields named prefix.N.…, in
// numeric order.
func rowIndexes(v url.Values, prefix string) []string {
	seen := map[int]bool{}
	for k := range v {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		n, _, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 1000 {
			seen[i] = true
		}
	}
	idx := make([]int, 0, len(seen))
	for i := range seen {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]string, len(idx))
	for i, n := range idx {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// rowsShown is how many rows of a group a posted form showed: the count it
// carried (kpi_rows…), or the rows it posted. "Add a row" asks for one
// more than that; rowCount would add its blank row a second time.
func rowsShown(v url.Values, prefix string, carried int) int {
	return max(carried, len(rowIndexes(v, prefix)))
}

// rowCount is how many rows of a repeatable group the form shows: every
// filled row plus one blank, at least minRows, at least as many as asked
// for (an "add a row" press asks for one more), and at most limit, unless
// more are filled, since no typed row may disappear.
func rowCount(v url.Values, prefix string, asked, limit int) int {
	filled := 0
	for _, i := range rowIndexes(v, prefix) {
		if j, _ := strconv.Atoi(i); j+1 > filled {
			filled = j + 1
		}
	}
	least := 2
	if prefix == "translations" {
		least = 1 // each translation row is long, and most cases have none
	}
	n := max(filled+1, asked, least)
	if limit > 0 && n > limit {
		n = max(limit, filled)
	}
	return n
}

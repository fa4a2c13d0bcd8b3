package app

import (
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
)

// Fields lays a case out as label/value pairs in lang, for the receipt
// e-mail (a copy of what was submitted) and plain-text views.
func (a *App) Fields(lang string, c *domain.Case) []mail.Field {
	L := a.Cat.Localizer(lang)
	label := func(path string) string { return L.T("case.field." + path + ".label") }
	// Codes that readers cite (C7, SDG 8, ISIC C) stay beside their titles;
	// other codes are only machine names, so only the label is shown.
	cited := map[string]bool{"wsis": true, "sdg": true, "sector": true}
	vocab := func(v string) func(string) string {
		return func(code string) string {
			if cited[v] {
				return code + " " + L.T("vocab."+v+"."+code)
			}
			return L.T("vocab." + v + "." + code)
		}
	}
	country := func(code string) string { return domain.CountryName(code, lang) }
	var f []mail.Field
	add := func(path, value string) {
		if strings.TrimSpace(value) != "" {
			f = append(f, mail.Field{Label: label(path), Value: value})
		}
	}
	one := func(v, code string) string {
		if code == "" {
			return ""
		}
		return vocab(v)(code)
	}
	// Periods and KPI dates are months (YYYY-MM), written as the reader
	// writes them; a day (YYYY-MM-DD) is written as a date, and anything
	// else as it was typed.
	month := func(s string) string {
		if t, err := time.Parse("2006-01", s); err == nil {
			return L.FormatMonth(t.Year(), t.Month())
		}
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return L.FormatDate(t, nil)
		}
		return s
	}
	sep := L.ListSemicolon()
	add("language", L.LanguageName(c.Language))
	add("title", c.Title)
	add("summary", c.Summary)
	add("organisation.name", c.Organisation.Name)
	add("organisation.type", one("orgtype", c.Organisation.Type))
	if c.Organisation.Country != "" {
		add("organisation.country", country(c.Organisation.Country))
	}
	add("organisation.website", c.Organisation.Website)
	add("countries", joinCodes(c.Countries, country, sep))
	add("scope", one("scope", c.Scope))
	add("status", one("status", c.Status))
	add("period.start", month(c.Period.Start))
	add("period.end", month(c.Period.End))
	add("sme.size_class", one("size", c.SME.SizeClass))
	add("sme.count", string(c.SME.Count))
	add("sector", one("sector", c.Sector))
	add("problem", c.Problem)
	add("solution", c.Solution)
	add("technologies", joinCodes(c.Technologies, vocab("technology"), sep))
	add("wsis.primary", one("wsis", c.WSIS.Primary))
	add("wsis.secondary", joinCodes(c.WSIS.Secondary, vocab("wsis"), sep))
	goals := make([]string, 0, len(c.SDGs.Goals))
	for _, g := range c.SDGs.Goals {
		goals = append(goals, strconv.Itoa(g))
	}
	add("sdgs.goals", joinCodes(goals, vocab("sdg"), sep))
	add("sdgs.targets", strings.Join(c.SDGs.Targets, L.ListSep()))
	add("sdg_linkage", c.SDGLinkage)
	for i, k := range c.KPIs {
		v := L.Labelled(k.Name) + string(k.Baseline) + " → " + string(k.Value) + " " + k.Unit
		if k.Date != "" {
			v = L.Aside(v, month(k.Date))
		}
		f = append(f, mail.Field{Label: label("kpis") + " " + strconv.Itoa(i+1), Value: v})
	}
	add("impact", c.Impact)
	for i, p := range c.Partners {
		v := p.Name
		if p.Type != "" {
			v += " — " + L.T("vocab.orgtype."+p.Type)
		}
		if p.Country != "" {
			v += " — " + country(p.Country)
		}
		f = append(f, mail.Field{Label: label("partners") + " " + strconv.Itoa(i+1), Value: v})
	}
	add("enablers_constraints", c.EnablersConstraints)
	add("sustainability_replicability", c.SustainabilityReplicability)
	add("lessons", c.Lessons)
	add("cost_range", one("cost", c.CostRange))
	add("funding", joinCodes(c.Funding, vocab("funding"), sep))
	add("links", strings.Join(c.Links, "\n"))
	add("licence", c.Licence)
	if c.ConsentPublish {
		add("consent_publish", L.T("case.yes"))
	}
	return f
}

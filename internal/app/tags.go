package app

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// tags derives the facet values of a case document, for filters and
// statistics. Region, sub-region and country groups are derived from the
// countries, never typed in.
func (a *App) tags(c *domain.Case) []store.Tag {
	var out []store.Tag
	add := func(facet, v string) {
		if v == "" {
			return
		}
		t := store.Tag{Facet: facet, Value: v}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	now := a.now()
	for _, cc := range c.Countries {
		add("country", cc)
		if k, ok := domain.CountryByCode(cc); ok {
			add("region", k.Region)
			add("subregion", k.SubRegion)
		}
		for _, g := range a.Groups.Groups(cc, now) {
			add("group", g)
		}
	}
	add("wsis", c.WSIS.Primary)
	for _, w := range c.WSIS.Secondary {
		add("wsis", w)
	}
	for _, t := range c.Technologies {
		add("technology", t)
	}
	add("sector", c.Sector)
	for _, g := range c.SDGs.Goals {
		add("sdg", strconv.Itoa(g))
	}
	for _, t := range c.SDGs.Targets {
		add("target", t)
	}
	add("size", c.SME.SizeClass)
	add("language", c.Language)
	if len(c.Period.Start) >= 4 {
		add("year", c.Period.Start[:4])
	}
	return out
}

// Tags is the facet derivation for programs that write cases in bulk
// (the synthetic-data generator), so they tag exactly as a save does.
func (a *App) Tags(c *domain.Case) []store.Tag { return a.tags(c) }

// localText picks the text in lang, else English, else any.
func localText(t store.LocalText, lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}

// LocalText is localText for the skins.
func LocalText(t store.LocalText, lang string) string { return localText(t, lang) }

// joinCodes labels each code and joins the labels with sep, the reader's
// semicolon (i18n's ListSemicolon): labels such as an SDG's title hold
// commas of their own.
func joinCodes(codes []string, label func(string) string, sep string) string {
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, label(c))
	}
	return strings.Join(parts, sep)
}

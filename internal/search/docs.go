package search

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// Doc is what the library searches in one published case: its texts in
// its own language and in its translations, its facet values and its
// publication date. DocFromCase derives it from a case record.
type Doc struct {
	ID       string
	Call     string
	Language string // BCP 47 code of Title, Summary and Body
	Title    string
	Summary  string
	// Body is the rest of the searchable text: problem, solution, impact,
	// lessons, SDG linkage, enablers and constraints, sustainability,
	// organisation and partner names, KPI names.
	Body         string
	Translations map[string]Text // language → texts in that language
	// Facets maps a facet (see Facet names) to the document's values.
	// Values must not contain white space.
	Facets      map[string][]string
	PublishedAt time.Time
}

// Text is a document's text in one language.
type Text struct {
	Title   string `json:"title,omitempty"`
	Summary string `json:"summary,omitempty"`
	Body    string `json:"-"`
}

// Facet names. Each is a filter of the library (repeat a value to OR
// within the facet) and can be counted.
const (
	FacetWSIS       = "wsis"       // WSIS action lines, primary and secondary: C1…C11
	FacetSDG        = "sdg"        // SDG goals: 1…17
	FacetTarget     = "target"     // SDG targets: 8.3, 9.c
	FacetRegion     = "region"     // M49 regions of the countries: 002, 019, 142, 150, 009
	FacetSubRegion  = "subregion"  // M49 sub-regions of the countries
	FacetGroup      = "group"      // LDC, LLDC, SIDS: membership of the countries on the publication date
	FacetGroupNow   = "group_now"  // LDC, LLDC, SIDS: membership of the countries today (computed, not stored)
	FacetCountry    = "country"    // ISO 3166-1 alpha-2 codes of the countries
	FacetSector     = "sector"     // ISIC Rev.4 section A…U
	FacetTechnology = "technology" // technology codes
	FacetSize       = "size"       // SME size class
	FacetYear       = "year"       // year the work started (period.start)
	FacetCall       = "call"       // call slug
	FacetLanguage   = "language"   // primary language subtag of the case's language
)

// Facets lists every facet, in the order the library shows them.
var Facets = []string{
	FacetWSIS, FacetSDG, FacetTarget, FacetRegion, FacetSubRegion, FacetGroup, FacetGroupNow,
	FacetCountry, FacetSector, FacetTechnology, FacetSize, FacetYear, FacetCall, FacetLanguage,
}

// StatsFacets are the facets the statistics page counts.
var StatsFacets = []string{
	FacetWSIS, FacetSDG, FacetRegion, FacetGroup, FacetSector, FacetTechnology, FacetYear, FacetCall, FacetCountry,
}

// DocFromCase derives the search document of a published case. Region,
// sub-region and country groups come from the countries; group
// membership is taken on the publication date, in groups (the "group_now"
// facet gives today's). The year facet is the year the work started.
func DocFromCase(id, call string, c *domain.Case, groups domain.GroupTable, publishedAt time.Time) Doc {
	d := Doc{
		ID:          id,
		Call:        call,
		Language:    c.Language,
		Title:       c.Title,
		Summary:     c.Summary,
		Body:        caseBody(c),
		PublishedAt: publishedAt,
		Facets:      make(map[string][]string),
	}
	if len(c.Translations) > 0 {
		d.Translations = make(map[string]Text, len(c.Translations))
		for lang, t := range c.Translations {
			d.Translations[lang] = Text{
				Title:   t.Title,
				Summary: t.Summary,
				Body:    joinTexts(t.Problem, t.Solution, t.Impact, t.Lessons),
			}
		}
	}
	add := func(facet, v string) {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(d.Facets[facet], v) {
			d.Facets[facet] = append(d.Facets[facet], v)
		}
	}
	for _, cc := range c.Countries {
		add(FacetCountry, cc)
		if k, ok := domain.CountryByCode(cc); ok {
			add(FacetRegion, k.Region)
			add(FacetSubRegion, k.SubRegion)
		}
		for _, g := range groups.Groups(cc, publishedAt) {
			add(FacetGroup, g)
		}
	}
	add(FacetWSIS, c.WSIS.Primary)
	for _, w := range c.WSIS.Secondary {
		add(FacetWSIS, w)
	}
	for _, g := range c.SDGs.Goals {
		add(FacetSDG, strconv.Itoa(g))
	}
	for _, t := range c.SDGs.Targets {
		add(FacetTarget, t)
	}
	add(FacetSector, c.Sector)
	for _, t := range c.Technologies {
		add(FacetTechnology, t)
	}
	add(FacetSize, c.SME.SizeClass)
	if len(c.Period.Start) >= 4 {
		add(FacetYear, c.Period.Start[:4])
	}
	add(FacetCall, call)
	add(FacetLanguage, baseLanguage(c.Language))
	return d
}

// caseBody joins the case's searchable texts other than title and summary.
func caseBody(c *domain.Case) string {
	parts := []string{c.Problem, c.Solution, c.Impact, c.Lessons, c.SDGLinkage,
		c.EnablersConstraints, c.SustainabilityReplicability, c.Organisation.Name}
	for _, p := range c.Partners {
		parts = append(parts, p.Name)
	}
	for _, k := range c.KPIs {
		parts = append(parts, k.Name)
	}
	return joinTexts(parts...)
}

// joinTexts joins non-empty texts with blank lines, which no word spans.
func joinTexts(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Stored is a document as the library lists it, read back from the
// database by Load: enough to show a result without reading the case.
type Stored struct {
	ID          string
	Call        string
	Language    string
	PublishedAt time.Time
	Texts       map[string]Text // language → title and summary; the case's own language included
	Facets      map[string][]string
}

// Localized returns the title and summary in the reader's language lang
// when the case has them, else in the case's own language, and the
// language it returns.
func (s Stored) Localized(lang string) (Text, string) {
	if t, ok := s.Texts[lang]; ok && t.Title != "" {
		return t, lang
	}
	b := baseLanguage(lang)
	for _, l := range slices.Sorted(maps.Keys(s.Texts)) {
		if t := s.Texts[l]; baseLanguage(l) == b && t.Title != "" {
			return t, l
		}
	}
	return s.Texts[s.Language], s.Language
}

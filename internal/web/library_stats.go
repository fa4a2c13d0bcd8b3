package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/charts"
	"github.com/dxatlas/dxatlas/internal/search"
)

// libraryStatsPage is the library in figures: a bar chart per facet and a
// world map, each with the table of its data for screen readers and for
// copying.
type libraryStatsPage struct {
	basePage
	TotalText string
	Active    []chip
	Clear     string
	Library   string // the library with the same filters
	Charts    []statsChart
	Map       statsMap
}

// statsChart is one chart and its data.
type statsChart struct {
	ID, Heading string
	SVG         template.HTML
	Rows        []statsRow
	Column      string // heading of the label column
}

type statsRow struct {
	Label, Count, Href string
}

// statsMap is the world map: an image, loaded on its own so that the page
// stays light, with the table of countries.
type statsMap struct {
	Src, Alt string
	Rows     []statsRow
}

// statsCharts are the facets charted, in page order.
var statsCharts = []string{
	search.FacetWSIS, search.FacetSDG, search.FacetRegion, search.FacetGroup, search.FacetSector,
	search.FacetTechnology, search.FacetYear, search.FacetCall,
}

func (h *Handler) libraryStats(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.servePublic(w, r, rq.personal(), func() (publicPage, error) {
		p, err := h.libraryStatsData(r, rq)
		if err != nil {
			return publicPage{}, err
		}
		return h.renderPage(rq, http.StatusOK, "library_stats", p)
	})
}

// statsOrder sorts a facet's values for a chart: action lines, goals and
// years in their own order, the others by count, then by name in lang.
func statsOrder(lang, facet string, vs []app.LibraryFacet) []app.LibraryFacet {
	out := slices.Clone(vs)
	orderByLabel(lang, facet, out, 0)
	num := func(s string) int {
		n, _ := strconv.Atoi(s)
		return n
	}
	switch facet {
	case search.FacetWSIS:
		slices.SortFunc(out, func(a, b app.LibraryFacet) int { return cmp.Compare(num(a.Value[1:]), num(b.Value[1:])) })
	case search.FacetSDG, search.FacetYear:
		slices.SortFunc(out, func(a, b app.LibraryFacet) int { return cmp.Compare(num(a.Value), num(b.Value)) })
	}
	return out
}

func (h *Handler) libraryStatsData(r *http.Request, rq *request) (*libraryStatsPage, error) {
	filters := libraryFilters(r.URL.Query())
	stats, err := h.app.LibraryStats(r.Context(), filters, rq.lang)
	if err != nil {
		return nil, err
	}
	res, err := h.app.SearchLibrary(r.Context(), search.Query{Lang: rq.lang, Filters: filters, PerPage: 1, Facets: []string{}})
	if err != nil {
		return nil, err
	}
	total := res.Total
	p := &libraryStatsPage{basePage: h.base(r, rq, rq.T("library.stats.title")),
		TotalText: rq.L.Tn("library.total", total, map[string]any{"Count": rq.L.FormatInt(int64(total))}),
		Clear:     h.path(rq, "/stats"), Library: hrefWith(h.path(rq, "/cases"), filterQuery(filters))}
	for _, f := range libraryParams {
		for _, v := range filters[f] {
			rest := filterQuery(filters)
			rest[f] = slices.DeleteFunc(slices.Clone(rest[f]), func(x string) bool { return x == v })
			p.Active = append(p.Active, h.chip(r.Context(), rq, f, v, hrefWith(p.Clear, rest)))
		}
	}
	// A bar counts the page's cases that have its value, so its row in
	// the table links to exactly those: the page's filters, its facet's
	// narrowed to that value. A value outside its facet's filter (C7 on
	// a page of C2 cases, for cases with both) gets no link, since the
	// library joins the values of one facet with "or".
	link := func(facet, value string) string {
		if sel := filters[facet]; len(sel) > 0 && !slices.ContainsFunc(sel, func(v string) bool { return strings.EqualFold(v, value) }) {
			return ""
		}
		q := filterQuery(filters)
		q.Set(facet, value)
		return hrefWith(h.path(rq, "/cases"), q)
	}
	for _, f := range statsCharts {
		heading := rq.T("library.stats.by." + f)
		c := statsChart{ID: "chart-" + f, Heading: heading, Column: rq.T(facetKeys[f])}
		bc := charts.BarChart{ID: "bars-" + f, Title: heading, Dir: rq.L.Dir(), Lang: rq.lang,
			Desc: rq.T("library.stats.chart_desc", map[string]any{"Chart": heading})}
		for _, v := range statsOrder(rq.lang, f, stats[f]) {
			label := facetOptionLabel(f, v)
			count := rq.L.FormatInt(int64(v.Count))
			bc.Bars = append(bc.Bars, charts.Bar{Label: label, Value: count, N: float64(v.Count)})
			c.Rows = append(c.Rows, statsRow{Label: label, Count: count, Href: link(f, v.Value)})
		}
		if len(bc.Bars) > 0 {
			c.SVG = charts.Bars(bc)
		}
		p.Charts = append(p.Charts, c)
	}
	p.Map = statsMap{Src: hrefWith(h.path(rq, "/stats/map.svg"), filterQuery(filters)), Alt: rq.T("library.stats.map_alt")}
	countries := slices.Clone(stats[search.FacetCountry])
	orderByLabel(rq.lang, search.FacetCountry, countries, 0)
	for _, v := range countries {
		p.Map.Rows = append(p.Map.Rows, statsRow{Label: v.Label, Count: rq.L.FormatInt(int64(v.Count)), Href: link(search.FacetCountry, v.Value)})
	}
	return p, nil
}

// libraryMap serves the world map of cases by country as an SVG image.
func (h *Handler) libraryMap(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.servePublic(w, r, false, func() (publicPage, error) {
		filters := libraryFilters(r.URL.Query())
		stats, err := h.app.LibraryStats(r.Context(), filters, rq.lang)
		if err != nil {
			return publicPage{}, err
		}
		values := map[string]float64{}
		for _, v := range stats[search.FacetCountry] {
			values[v.Value] = float64(v.Count)
		}
		svg := charts.WorldMap(charts.Map{ID: "map", Title: rq.T("library.stats.map_title"), Desc: rq.T("library.stats.map_alt"),
			Values: values, Dir: rq.L.Dir(), Lang: rq.lang, Legend: rq.T("library.stats.map_legend"),
			Image: true, Format: func(v float64) string { return rq.L.FormatInt(int64(v)) }})
		body := append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), []byte(svg)...)
		return publicPage{status: http.StatusOK, contentType: "image/svg+xml; charset=utf-8", lang: rq.lang, body: body}, nil
	})
}

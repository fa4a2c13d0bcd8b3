package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
)

// librarySearchPage is the library: one search box, the facets with their
// counts, and a page of results.
type librarySearchPage struct {
	basePage
	// FacetsHTML and ItemsHTML are the filter form's facets and the
	// results, written by renderFacets and renderItem.
	FacetsHTML template.HTML
	ItemsHTML  template.HTML
	Action     string // the form's target: this page
	Q          string
	Sorts      []option
	// SortOptions, PagerHTML and ExportLinks are Sorts, Pager and
	// Exports written by renderSortOptions, renderPager and
	// renderExportLinks.
	SortOptions template.HTML
	PagerHTML   template.HTML
	ExportLinks template.HTML
	All         string // the facet shown in full, if any
	Total       int
	TotalText   string
	AnyWord     bool
	Concepts    []string
	Facets      []facetGroup
	Active      []chip // the filters in force, each linking to the page without it
	// Summary names what of the URL could not be searched for: values no
	// case can have (left out of the search), words beyond the length a
	// query may have (cut), a page past the last.
	Summary  []summaryItem
	PastLast bool
	Clear    string // the page without filters
	Pager    pager
	Feed     string // the Atom feed of these results
	Stats    string // the statistics of these results
	Exports  []navLink
	// Hidden carries what the page is filtered by but has no box for
	// (today's country groups, the case's language, a value no facet
	// lists) and the page size, so that applying the form keeps them.
	Hidden []hiddenField
}

// libraryItemView is one result.
type libraryItemView struct {
	ID, Href        string
	Title, Summary  string
	Lang            string // language of title and summary
	OtherLang       string // its name, when it is not the reader's language
	Countries, Year string
	WSIS            string
}

// facetGroup is one facet of the filter form.
type facetGroup struct {
	Name, Legend string
	Options      []facetOption
	More         string // link showing every value, when some are hidden
	MoreText     string
}

// facetOption is one value of a facet.
type facetOption struct {
	ID, Value, Label, Count string
	Checked                 bool
}

// pager links the pages of a result list.
type pager struct {
	Prev, Next string
	Pages      []pageLink
	Text       string // "page 2 of 14"
}

type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool // an ellipsis before this link
}

// shownFacetValues is how many values of a facet show before "show all".
const shownFacetValues = 8

// libraryPerPage is how many results a page of the library shows.
const libraryPerPage = 20

// facetKeys name each facet of the filter form.
var facetKeys = map[string]string{
	search.FacetWSIS: "library.facet.wsis", search.FacetSDG: "library.facet.sdg", search.FacetTarget: "library.facet.target",
	search.FacetRegion: "library.facet.region", search.FacetSubRegion: "library.facet.subregion",
	search.FacetGroup: "library.facet.group", search.FacetGroupNow: "library.facet.group_now",
	search.FacetCountry: "library.facet.country", search.FacetSector: "library.facet.sector",
	search.FacetTechnology: "library.facet.technology", search.FacetSize: "library.facet.size",
	search.FacetYear: "library.facet.year", search.FacetCall: "library.facet.call", search.FacetLanguage: "library.facet.language",
}

// libraryQuery reads the search of a library URL; perPage applies unless
// the URL asks for another page size the library serves. A page number
// or size that cannot be read is left at its default, as links that
// carry them are only ever made by the site.
func libraryQuery(rq *request, q url.Values, perPage int) search.Query {
	page, _ := strconv.Atoi(q.Get("page"))
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n >= 1 && n <= search.MaxPerPage {
		perPage = n
	}
	return search.Query{Q: strings.TrimSpace(q.Get("q")), Lang: rq.lang, Filters: libraryFilters(q), Sort: q.Get("sort"),
		Page: max(page, 1), PerPage: perPage}
}

func (h *Handler) librarySearch(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.servePublic(w, r, rq.personal(), func() (publicPage, error) {
		select {
		case h.searches <- struct{}{}:
			defer func() { <-h.searches }()
		case <-r.Context().Done():
			return publicPage{}, r.Context().Err()
		}
		p, err := h.librarySearchData(r, rq)
		if err != nil {
			return publicPage{}, err
		}
		status := http.StatusOK
		switch {
		case p.PastLast:
			status = http.StatusNotFound
		case len(p.Summary) > 0:
			status = http.StatusUnprocessableEntity
		}
		return h.renderPage(rq, status, "library_search", p)
	})
}

func (h *Handler) librarySearchData(r *http.Request, rq *request) (*librarySearchPage, error) {
	uq := r.URL.Query()
	sq := libraryQuery(rq, uq, libraryPerPage)
	typed := sq.Q
	summary, err := h.checkLibraryQuery(r.Context(), rq, &sq)
	if err != nil {
		return nil, err
	}
	res, err := h.app.SearchLibraryHits(r.Context(), sq)
	if err != nil {
		return nil, err
	}
	self := h.path(rq, "/cases")
	// The page's own query, without paging: the base of every link.
	base := filterQuery(sq.Filters)
	if sq.Q != "" {
		base.Set("q", sq.Q)
	}
	if sq.Sort != "" && sq.Sort != search.SortRelevance {
		base.Set("sort", sq.Sort)
	}
	if sq.PerPage != libraryPerPage {
		base.Set("per_page", strconv.Itoa(sq.PerPage))
	}
	all := uq.Get("all")
	title := rq.T("library.title")
	if sq.Q != "" {
		title = rq.T("library.title_query", map[string]any{"Query": sq.Q})
	}
	p := &librarySearchPage{basePage: h.base(r, rq, title), Action: self, Q: typed, All: all, Total: res.Total, Summary: summary,
		TotalText: rq.L.Tn("library.total", res.Total, map[string]any{"Count": rq.L.FormatInt(int64(res.Total))}),
		AnyWord:   res.AnyWord, Clear: hrefWith(self, withoutFilters(base)),
		Feed:  hrefWith(h.path(rq, "/cases/feed.atom"), withParam(base, "sort", "")),
		Stats: hrefWith(h.path(rq, "/stats"), filterQuery(sq.Filters))}
	for _, c := range res.Concepts {
		p.Concepts = append(p.Concepts, c.Label)
	}
	for _, s := range []string{search.SortRelevance, search.SortNewest, search.SortTitle} {
		p.Sorts = append(p.Sorts, option{Value: s, Label: rq.T("library.sort." + s), Selected: s == sq.Sort || (sq.Sort == "" && s == search.SortRelevance)})
	}
	// The downloads hold the whole result set, in the page's order.
	exportQ := filterQuery(sq.Filters)
	if sq.Q != "" {
		exportQ.Set("q", sq.Q)
	}
	if base.Has("sort") {
		exportQ.Set("sort", sq.Sort)
	}
	exportQ.Set("lang", rq.lang)
	for _, f := range []struct{ ext, label string }{{"csv", "CSV"}, {"xlsx", "XLSX"}, {"jsonl", "JSON Lines"}} {
		p.Exports = append(p.Exports, navLink{Href: hrefWith("/api/v1/library/cases."+f.ext, exportQ), Text: f.label})
	}
	for _, f := range app.LibraryFacets {
		p.Facets = append(p.Facets, h.facetGroup(rq, f, res.Facets[f], sq.Filters[f], all == f, hrefWith(self, withParam(base, "all", f))+"#facet-"+f))
	}
	for _, f := range libraryParams {
		for _, v := range sq.Filters[f] {
			if !hasBox(p.Facets, f, v) {
				p.Hidden = append(p.Hidden, hiddenField{Name: f, Value: v})
			}
			rest := withoutFilters(base)
			for g, xs := range filterQuery(sq.Filters) {
				for _, x := range xs {
					if g != f || x != v {
						rest.Add(g, x)
					}
				}
			}
			p.Active = append(p.Active, h.chip(r.Context(), rq, f, v, hrefWith(self, rest)))
		}
	}
	if pp := base.Get("per_page"); pp != "" {
		p.Hidden = append(p.Hidden, hiddenField{Name: "per_page", Value: pp})
	}
	p.Pager = h.pager(rq, self, base, res.Page, res.PerPage, res.Total)
	if last := lastPage(res.PerPage, res.Total); res.Page > last && res.Total > 0 {
		// A link to a page the results no longer reach (cases were taken
		// out since): say where they end.
		p.PastLast = true
		p.Summary = append(p.Summary, summaryItem{Href: hrefWith(self, withParam(base, "page", strconv.Itoa(last))),
			Text: rq.T("library.err.past_last", map[string]any{"Page": rq.L.FormatInt(int64(res.Page)), "Last": rq.L.FormatInt(int64(last))})})
	}
	if p.ItemsHTML, err = h.libraryItemsHTML(r, rq, res); err != nil {
		return nil, err
	}
	p.FacetsHTML = renderFacets(rq, p.Facets)
	p.SortOptions = renderSortOptions(p.Sorts)
	p.PagerHTML = renderPager(rq, p.Pager)
	p.ExportLinks = renderExportLinks(p.Exports)
	return p, nil
}

// libraryItemsHTML renders a page's results, reusing those rendered
// before for this reader's language and reading the texts of the others.
func (h *Handler) libraryItemsHTML(r *http.Request, rq *request, res app.LibraryPage) (template.HTML, error) {
	html := h.lib.items.get(res.Seq, rq.lang, res.IDs)
	var missing []string
	for i, id := range res.IDs {
		if html[i] == "" {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		items, err := h.app.LibraryItems(r.Context(), missing, rq.lang)
		if err != nil {
			return "", err
		}
		byID := make(map[string]string, len(items))
		for _, it := range items {
			byID[it.ID] = renderItem(h.itemView(rq, it))
			h.lib.items.put(res.Seq, rq.lang, it.ID, byID[it.ID])
		}
		for i, id := range res.IDs {
			if html[i] == "" {
				html[i] = byID[id] // "" if withdrawn meanwhile
			}
		}
	}
	return template.HTML(strings.Join(html, "")), nil // each item escaped by renderItem
}

// itemView lays out one result for the reader.
func (h *Handler) itemView(rq *request, it app.LibraryItem) libraryItemView {
	v := libraryItemView{ID: it.ID, Href: h.path(rq, "/cases/"+it.ID), Title: it.Title, Summary: shorten(it.Summary, listSummary), Lang: it.Language,
		WSIS: strings.Join(it.WSIS, listSep(rq.lang))}
	if primaryLang(it.Language) != rq.lang {
		v.OtherLang = rq.L.LanguageName(it.Language)
	}
	names := make([]string, 0, len(it.Countries))
	for _, c := range it.Countries {
		names = append(names, domain.CountryName(c, rq.lang))
	}
	v.Countries = strings.Join(names, " · ")
	if it.Year > 0 {
		v.Year = strconv.Itoa(it.Year)
	}
	return v
}

// facetGroup builds one facet of the filter form: the values with cases,
// most frequent first, the first few unless all is set, and every
// selected value.
func (h *Handler) facetGroup(rq *request, facet string, values []app.LibraryFacet, selected []string, all bool, moreHref string) facetGroup {
	g := facetGroup{Name: facet, Legend: rq.T(facetKeys[facet])}
	if all {
		orderByLabel(rq.lang, facet, values, 0)
	} else {
		orderByLabel(rq.lang, facet, values, shownFacetValues)
	}
	shown := 0
	for _, v := range values {
		checked := slices.Contains(selected, v.Value)
		if !all && shown >= shownFacetValues && !checked {
			continue
		}
		shown++
		g.Options = append(g.Options, facetOption{ID: facetID(facet, v.Value), Value: v.Value,
			Label: facetOptionLabel(facet, v), Count: rq.L.FormatInt(int64(v.Count)), Checked: checked})
	}
	if hidden := len(values) - shown; hidden > 0 {
		g.More = moreHref
		g.MoreText = rq.L.Tn("library.facet.more", len(values), map[string]any{"Count": rq.L.FormatInt(int64(len(values))), "Facet": g.Legend})
	}
	return g
}

// facetID is the id of a value's checkbox. It names the value rather
// than its place in the list, which changes with the counts: after the
// filters apply in place, the focus and the labels find the same value.
// Letters, digits and hyphens stay; any other byte, "_" included, becomes
// "_" and two hex digits, so that every value has its own id, valid in
// HTML and in a CSS selector. Facet names are lower-case words without a
// hyphen, so the first hyphen after "f-" ends the facet.
func facetID(facet, value string) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, len("f-")+len(facet)+1+len(value)*3)
	b = append(b, "f-"...)
	b = append(b, facet...)
	b = append(b, '-')
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			b = append(b, c)
		default:
			b = append(b, '_', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}

// hasBox reports whether the form has a checkbox for a facet's value.
func hasBox(groups []facetGroup, facet, value string) bool {
	for _, g := range groups {
		if g.Name == facet {
			return slices.ContainsFunc(g.Options, func(o facetOption) bool { return o.Value == value })
		}
	}
	return false
}

// chip is a filter in force, linking to the page without it.
type chip struct {
	Href, Text string
	Full       string // the whole text, when Text shows only its start
}

// chipValue is how many characters of its value a chip shows, so that a
// chip takes at most two lines of a phone: a vocabulary's title can be
// long (action line C7 ran to seven lines in Russian), and chips stand
// between the search box and the results. Chinese characters are twice
// as wide, so a Chinese chip shows half as many.
const chipValue = 40

// chip names a filter in force as the facets list it, with its code:
// "Action line: C7 · ICT applications (…". A long value is shortened;
// Full keeps the whole for screen readers and a tooltip.
func (h *Handler) chip(ctx context.Context, rq *request, facet, value, href string) chip {
	name := labelled(rq.lang, rq.T(facetKeys[facet]))
	full := facetOptionLabel(facet, app.LibraryFacet{Value: value, Label: h.app.FacetLabel(ctx, rq.lang, facet, value)})
	n := chipValue
	if rq.lang == "zh" {
		n /= 2
	}
	if short := shorten(full, n); short != full {
		return chip{Href: href, Text: name + short, Full: name + full}
	}
	return chip{Href: href, Text: name + full}
}

// facetOptionLabel shows the codes readers cite (C7, SDG 8, ISIC C)
// beside their titles.
func facetOptionLabel(facet string, v app.LibraryFacet) string {
	switch facet {
	case search.FacetWSIS, search.FacetSector:
		if v.Label != v.Value {
			return v.Value + " · " + v.Label
		}
	case search.FacetSDG:
		if v.Label != v.Value {
			return v.Value + ". " + v.Label
		}
	}
	return v.Label
}

// checkLibraryQuery leaves out of q what the library cannot search for,
// and says so: filter values no case can have, an unknown sort, words
// beyond the length of a query. Each item of the summary names the part
// of the form it is about.
func (h *Handler) checkLibraryQuery(ctx context.Context, rq *request, q *search.Query) ([]summaryItem, error) {
	bad, err := h.app.CheckLibraryFilters(ctx, q.Filters)
	if err != nil {
		return nil, err
	}
	var out []summaryItem
	say := func(href, label, key string, args map[string]any) {
		out = append(out, summaryItem{Href: href, Text: labelled(rq.lang, label) + rq.T(key, args)})
	}
	for _, fe := range bad {
		v, _ := fe.Args["Value"].(string)
		q.Filters[fe.Field] = slices.DeleteFunc(q.Filters[fe.Field], func(x string) bool { return x == v })
		if len(q.Filters[fe.Field]) == 0 {
			delete(q.Filters, fe.Field)
		}
		say("#facet-"+fe.Field, rq.T(facetKeys[fe.Field]), fe.Key, map[string]any{"Value": shorten(v, 40)})
	}
	switch q.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortTitle:
	default:
		say("#sort", rq.T("library.sort.label"), domain.ErrUnknownCode, map[string]any{"Value": shorten(q.Sort, 40)})
		q.Sort = ""
	}
	if n := utf8.RuneCountInString(q.Q); n > app.MaxQueryChars {
		say("#q", rq.T("library.search.label"), domain.ErrTooLongChars, map[string]any{"Max": rq.L.FormatInt(app.MaxQueryChars), "Count": rq.L.FormatInt(int64(n))})
		q.Q = string([]rune(q.Q)[:app.MaxQueryChars])
	}
	return out, nil
}

// withoutFilters is a page's query without its filters: its words, sort
// and page size, which removing every filter keeps, as removing one does.
func withoutFilters(base url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"q", "sort", "per_page"} {
		if v := base.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// lastPage is the last page of results the library shows.
func lastPage(perPage, total int) int {
	return max(1, min((total+perPage-1)/perPage, search.MaxResults/perPage))
}

// pager links the pages around the current one, the first and the last.
func (h *Handler) pager(rq *request, path string, base url.Values, page, perPage, total int) pager {
	pages := lastPage(perPage, total)
	if pages <= 1 {
		return pager{}
	}
	href := func(n int) string {
		if n == 1 {
			return hrefWith(path, base)
		}
		return hrefWith(path, withParam(base, "page", strconv.Itoa(n)))
	}
	p := pager{Text: rq.T("library.page_of", map[string]any{"Page": rq.L.FormatInt(int64(page)), "Pages": rq.L.FormatInt(int64(pages))})}
	if page > 1 {
		p.Prev = href(min(page-1, pages))
	}
	if page < pages {
		p.Next = href(page + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n != 1 && n != pages && (n < page-2 || n > page+2) {
			continue
		}
		p.Pages = append(p.Pages, pageLink{N: n, Href: href(n), Current: n == page, Gap: last != 0 && n != last+1})
		last = n
	}
	return p
}

// listSummary is how much of a summary a result shows: enough to judge
// it, little enough that a page of results stays light.
const listSummary = 280

// shorten cuts a text to at most n characters, at a space if there is one
// near the end, with an ellipsis; runs of white space become one space.
// It reads only as much of s as it keeps: summaries can be long.
func shorten(s string, n int) string {
	var arr [1024]byte // the result is copied out: a summary costs one allocation
	out := arr[:0]
	runes := 0       // in out
	cutAt := -1      // where the rune n starts in out
	spaceAt := -1    // where the last space of the runes n*3/4+1 … n starts
	pending := false // white space to write as one space before the next rune
	for _, c := range s {
		if unicode.IsSpace(c) {
			pending = runes > 0
			continue
		}
		if pending {
			if runes == n {
				cutAt = len(out)
			}
			if runes > n*3/4 && runes <= n {
				spaceAt = len(out)
			}
			out = append(out, ' ')
			runes++
			pending = false
		}
		if runes > n {
			break
		}
		if runes == n {
			cutAt = len(out)
		}
		out = utf8.AppendRune(out, c)
		runes++
	}
	if runes <= n {
		return string(out)
	}
	cut := cutAt
	if spaceAt >= 0 {
		cut = spaceAt
	}
	return string(append(bytes.TrimRight(out[:cut], " ,.;:،、，"), "…"...))
}

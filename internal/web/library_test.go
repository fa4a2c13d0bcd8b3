package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"html/template"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// librarySamples are filled values of the library's page types, with
// hostile text, for TestTemplatesRender.
func librarySamples(b basePage) map[string]any {
	evil := `<script>alert("x")</script> & "quotes"`
	return map[string]any{
		"library_search": &librarySearchPage{basePage: b, Action: "/en/cases", Q: evil, Sorts: []option{{Value: "relevance", Label: "R", Selected: true}},
			All: "country", Total: 2, TotalText: "2 cases", AnyWord: true, Concepts: []string{"Mobile money"},
			ItemsHTML: template.HTML(renderItem(libraryItemView{ID: "DX-2026-0001", Href: "/en/cases/DX-2026-0001", Title: evil, Summary: evil, Lang: "ar", OtherLang: "Arabic", Countries: "Kenya", Year: "2024", WSIS: "C7"})),
			Facets:    []facetGroup{{Name: "wsis", Legend: "Action line", Options: []facetOption{{ID: facetID("wsis", "C7"), Value: "C7", Label: evil, Count: "3", Checked: true}}, More: "/en/cases?all=wsis", MoreText: "all"}},
			Hidden:    []hiddenField{{Name: "language", Value: evil}},
			Active:    []chip{{Href: "/en/cases", Text: evil}, {Href: "/en/cases?wsis=C7", Text: evil, Full: evil + evil}}, Clear: "/en/cases",
			Pager: pager{Prev: "/p", Next: "/n", Text: "page 2 of 3", Pages: []pageLink{{N: 1, Href: "/1"}, {N: 2, Href: "/2", Current: true}, {N: 9, Href: "/9", Gap: true}}},
			Feed:  "/en/cases/feed.atom", Stats: "/en/stats", Exports: []navLink{{Href: "/x.csv", Text: "CSV"}}},
		"library_case": &libraryCasePage{basePage: b, ID: "DX-2026-0001", TitleLang: "fr", OrigLang: "ar", Source: "Machine translation",
			Head: pageHead{Canonical: "http://x/en/cases/DX-2026-0001", Alternates: []langLink{{Code: "ar", Href: "http://x/ar/cases/DX-2026-0001"}},
				Description: evil, OGType: "article", OGLocale: "en_US", OGTitle: evil, JSONLD: map[string]any{"name": evil}},
			Versions: []versionLink{{Href: "?tr=orig", Text: "Original", Lang: "ar"}, {Href: "?tr=fr", Text: "French", Lang: "fr", Current: true}},
			Summary:  []string{evil}, Sections: []textSection{{ID: "impact", Heading: "Impact", Lang: "fr", Paragraphs: []string{evil}, KPIs: true}},
			Facts: []fact{{Label: "Sector", Items: []factItem{{Text: evil, Href: "/en/cases?sector=C", Dir: "auto", Lang: "ar"}}}},
			Countries: []countryRow{{Name: "Kenya", Href: "/k", Region: "Africa", RegionHref: "/r", Sub: "Eastern Africa", SubHref: "/s",
				Groups: []navLink{{Href: "/g", Text: "LDC"}}, Code: "KE"}},
			WSIS: []codeLink{{Code: "C7", Title: "ICT applications", Href: "/w", Primary: true}}, SDGs: []codeLink{{Code: "8", Title: "Work", Href: "/s"}},
			Targets: []codeLink{{Code: "8.3", Title: "Target 8.3", Href: "/t"}}, KPIs: []kpiRow{{Name: evil, Baseline: "1", Value: "2", Unit: "%", Date: "2024-01"}},
			Partners: []partnerRow{{Name: evil, Type: "SME", Country: "Kenya"}}, Links: []string{"https://example.org"},
			Licence:     navLink{Href: "https://creativecommons.org/licenses/by/4.0/", Text: "CC BY 4.0"},
			Attachments: []attachmentRow{{Name: "a.pdf", Href: "/a", Type: "application/pdf", Size: "1 kB"}}, Cite: template.HTML(template.HTMLEscapeString(evil)), Library: "/en/cases"},
		"library_gone": &libraryGonePage{basePage: b, ID: "DX-2026-0001", Library: "/en/cases"},
		"library_stats": &libraryStatsPage{basePage: b, TotalText: "2 cases", Active: []chip{{Href: "/x", Text: evil, Full: evil}}, Clear: "/en/stats", Library: "/en/cases",
			Charts: []statsChart{{ID: "chart-wsis", Heading: "By action line", SVG: template.HTML("<svg></svg>"), Column: "Action line", Rows: []statsRow{{Label: evil, Count: "2", Href: "/c"}}},
				{ID: "chart-call", Heading: "By call"}},
			Map: statsMap{Src: "/en/stats/map.svg", Alt: "map", Rows: []statsRow{{Label: "Kenya", Count: "2", Href: "/k"}}}},
	}
}

// libEnv is a site whose library holds the demo's 42 cases and one case
// written to break pages: markup in its texts, an Arabic translation by
// the secretariat, and an attached file.
type libEnv struct {
	*env
	ids    []string // the demo cases, in file order
	evil   string   // the hostile case
	cases  map[string]domain.Case
	evilTx string
}

const evilTitle = `Tailors <script>alert("x")</script> & "friends" online`

func newLibEnv(t *testing.T, db *store.DB) *libEnv {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t, db)
	// The sample cases are valid at the end of November 2026.
	e.clk.Set(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	le := &libEnv{env: e, cases: map[string]domain.Case{}}
	cases, err := demo.Cases()
	if err != nil {
		t.Fatal(err)
	}
	evil := exampleCase(t)
	evil.Title = evilTitle
	evil.Organisation.Name = `<b>Kisumu</b> Tailors`
	evil.Summary = strings.Replace(evil.Summary, "A cooperative", `A </p><img src=x onerror=alert(1)> cooperative`, 1)
	evil.Translations = map[string]domain.Translation{"ar": {Title: "خياطو كيسومو <script>alert(1)</script> على الإنترنت",
		Summary: "تعاونية تضم اثنتين وأربعين ورشة خياطة صغيرة في كيسومو استبدلت الدفاتر الورقية بخدمة محاسبة سحابية ومدفوعات عبر الهاتف المحمول.", Source: "secretariat"}}
	le.evilTx = evil.Translations["ar"].Title
	var in bytes.Buffer
	for _, line := range demo.CaseLines() {
		in.Write(line)
		in.WriteByte('\n')
	}
	b, _ := json.Marshal(evil)
	in.Write(b)
	rep, err := e.app.Import(ctx, &e.sec, e.call.Slug, &in, app.ImportOptions{Publish: true})
	if err != nil || len(rep.Rejected) > 0 || len(rep.Imported) != len(cases)+1 {
		t.Fatalf("import: %v, rejected %v", err, rep.Rejected)
	}
	le.ids, le.evil = rep.Imported[:len(cases)], rep.Imported[len(cases)]
	for i, id := range le.ids {
		le.cases[id] = cases[i]
	}
	le.cases[le.evil] = evil
	att := store.Attachment{CaseID: le.evil, Name: "evidence <1>.pdf", ContentType: "application/pdf"}
	if err := db.AddAttachment(ctx, &att, pdfBytes); err != nil {
		t.Fatal(err)
	}
	return le
}

// countCases counts the library's cases that have one of the values of
// every facet in filters, from the case records themselves.
func (le *libEnv) countCases(filters map[string][]string) int {
	n := 0
	for id, c := range le.cases {
		d := search.DocFromCase(id, le.call.Slug, &c, le.app.Groups, le.clk.Now())
		ok := true
		for f, vs := range filters {
			if !slices.ContainsFunc(d.Facets[f], func(v string) bool { return slices.Contains(vs, v) }) {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

var (
	jsonLDRE  = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	resultRE  = regexp.MustCompile(`<h3><a href="/[a-z]{2}/cases/(DX-\d{4}-\d{4})"`)
	hreflangR = regexp.MustCompile(`<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">`)
)

// results lists the case ids a library page shows.
func results(p *page) []string {
	var ids []string
	for _, m := range resultRE.FindAllStringSubmatch(p.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestLibrary runs the library's checks on one library per database:
// the read-only ones first, then those that unpublish.
func TestLibrary(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		le := newLibEnv(t, db)
		t.Run("search", func(t *testing.T) { testLibrarySearch(t, le) })
		t.Run("filters kept", func(t *testing.T) { testLibraryKeepsFilters(t, le) })
		t.Run("chips", func(t *testing.T) { testLibraryChips(t, le) })
		t.Run("bad addresses", func(t *testing.T) { testLibraryBadURLs(t, le) })
		t.Run("case", func(t *testing.T) { testLibraryCase(t, le) })
		t.Run("feed, sitemap, statistics", func(t *testing.T) { testLibraryFeedSitemapStats(t, le) })
		t.Run("weight", func(t *testing.T) { testLibraryWeight(t, le) })
		t.Run("caching and unpublishing", func(t *testing.T) { testLibraryCachingAndUnpublish(t, le) })
	})
}

// testLibraryBadURLs: what of an address the library cannot search for
// is named at the top of the page, in the reader's language, and the rest
// is searched: a value no case can have is left out (and so are its
// chip and its downloads), words beyond the length of a query are cut
// (and kept in the box), a page past the last points to the last.
// Statistics and feeds refuse such values.
func testLibraryBadURLs(t *testing.T, le *libEnv) {
	c := le.client(t)
	summary := func(p *page, want ...string) {
		t.Helper()
		p.contains(t, `class="error-summary"`)
		for _, w := range want {
			p.contains(t, w)
		}
	}
	unknown := func(lang, label, value string) string {
		return esc(labelled(lang, le.tr(lang, label)) + le.tr(lang, "err.unknown_code", map[string]any{"Value": value}))
	}
	// An unknown action line and sort beside good ones: the page searches
	// with the good ones, as their own address does.
	p := c.get("/fr/cases?wsis=C99&wsis=C7&sort=bogus").expect(t, http.StatusUnprocessableEntity)
	summary(p, `href="#facet-wsis"`, unknown("fr", "library.facet.wsis", "C99"), `href="#sort"`, unknown("fr", "library.sort.label", "bogus"))
	good := c.get("/fr/cases?wsis=C7").expect(t, http.StatusOK)
	if got, want := results(p), results(good); !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("with a bad value left out: %v, want %v", got, want)
	}
	p.lacks(t, "wsis=C99", "sort=bogus")
	// Codes in any case are read as the vocabulary writes them: the box
	// is ticked and the chip named.
	c.get("/en/cases?wsis=c7&wsis=C7").expect(t, http.StatusOK).
		contains(t, `name="wsis" value="C7" checked`, esc(labelled("en", le.tr("en", "library.facet.wsis"))+"C7 · ")).lacks(t, "wsis=c7")
	c.get("/en/stats?wsis=c7").expect(t, http.StatusOK).
		contains(t, esc(labelled("en", le.tr("en", "library.facet.wsis"))+"C7 · ")).lacks(t, "wsis=c7")
	c.get("/en/cases?call=no-such-call").expect(t, http.StatusUnprocessableEntity).
		contains(t, `href="#facet-call"`, unknown("en", "library.facet.call", "no-such-call"))
	// Words beyond a query's length: cut for the search and the
	// downloads, kept whole in the box.
	long := "Kisumu " + strings.Repeat("x", 1400)
	p = c.get("/en/cases?q="+url.QueryEscape(long)).expect(t, http.StatusUnprocessableEntity)
	summary(p, `href="#q"`, `value="`+long+`"`)
	if ids := results(p); len(ids) == 0 {
		t.Errorf("the cut query found nothing")
	}
	if m := regexp.MustCompile(`cases\.csv\?([^"]*)"`).FindStringSubmatch(p.body); m == nil {
		t.Errorf("no CSV link")
	} else if q := mustQuery(t, htmlUnescape(m[1])).Get("q"); q != long[:1000] {
		t.Errorf("the CSV link carries a query of %d characters, want the first 1000", len(q))
	}
	// Past the last page (42 cases make 3): a 404 that links to the last.
	p = c.get("/zh/cases?page=5").expect(t, http.StatusNotFound)
	summary(p, `href="/zh/cases?page=3"`, esc(le.tr("zh", "library.err.past_last", map[string]any{"Page": "5", "Last": "3"})))
	p.lacks(t, esc(le.tr("zh", "library.empty")))
	// A page number or size that cannot be read is left at its default.
	if ids := results(c.get("/en/cases?page=abc&per_page=0").expect(t, http.StatusOK)); len(ids) != libraryPerPage {
		t.Errorf("default page: %d results", len(ids))
	}
	for _, path := range []string{"/en/stats?wsis=C99", "/en/cases/feed.atom?wsis=C99", "/en/stats?call=no-such-call"} {
		c.get(path).expect(t, http.StatusUnprocessableEntity).contains(t, "“")
	}
}

// fullChipRE reads a chip: its link, its tooltip, what screen readers
// read, and what is shown (in its own span when it is shortened).
var fullChipRE = regexp.MustCompile(`<li><a href="([^"]*)"(?: title="([^"]*)")?><span class="visually-hidden">([^<]*)</span>(?:<span aria-hidden="true">([^<]*)</span>|([^<]*)) <span aria-hidden="true">×</span></a></li>`)

// testLibraryChips: a chosen filter's chip names it as the facets do,
// code first; a long one shows the start of its title, and gives the
// whole to screen readers and as a tooltip, on the search page and the
// statistics alike.
func testLibraryChips(t *testing.T, le *libEnv) {
	for _, lang := range []string{"en", "fr", "es", "ru", "zh", "ar"} {
		for _, path := range []string{"/cases", "/stats"} {
			t.Run(lang+path, func(t *testing.T) {
				remove := esc(le.tr(lang, "library.remove_filter")) + " "
				wsis := labelled(lang, le.tr(lang, "library.facet.wsis"))
				full := wsis + "C7 · " + le.tr(lang, "vocab.wsis.C7")
				year := labelled(lang, le.tr(lang, "library.facet.year")) + "2024"
				p := le.client(t).get("/"+lang+path+"?wsis=C7&year=2024").expect(t, http.StatusOK)
				chips := fullChipRE.FindAllStringSubmatch(p.body, -1)
				if len(chips) != 2 {
					t.Fatalf("%s: %d chips, want 2", p.url, len(chips))
				}
				long, short := chips[0], chips[1]
				shown := htmlUnescape(long[4])
				if htmlUnescape(long[2]) != full || htmlUnescape(long[3]) != htmlUnescape(remove)+full {
					t.Errorf("the action line's chip says %q to screen readers and %q as a tooltip, want the whole %q", long[3], long[2], full)
				}
				if !strings.HasSuffix(shown, "…") || !strings.HasPrefix(full, strings.TrimSuffix(shown, "…")) ||
					utf8.RuneCountInString(strings.TrimPrefix(shown, wsis)) > chipValue+1 ||
					lang == "zh" && utf8.RuneCountInString(strings.TrimPrefix(shown, wsis)) > chipValue/2+1 {
					t.Errorf("the action line's chip shows %q, want the start of %q, at most %d characters after its name", shown, full, chipValue)
				}
				if short[2] != "" || short[4] != "" || htmlUnescape(short[5]) != year || short[3] != remove {
					t.Errorf("the year's chip = %q, want %q shown whole", short[0], year)
				}
			})
		}
	}
}

func testLibrarySearch(t *testing.T, le *libEnv) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			L := "/" + lang
			dir := map[string]string{"en": "ltr", "ar": "rtl"}[lang]
			c := le.client(t)

			// The library: every case, counted, faceted, paged.
			p := c.get(L+"/cases").expect(t, http.StatusOK)
			total := len(le.cases)
			p.contains(t, `<html lang="`+lang+`" dir="`+dir+`">`, esc(le.tr(lang, "library.title")),
				esc(le.tr(lang, "library.facet.wsis")), esc(le.tr(lang, "library.facet.country")),
				`name="wsis" value="C7"`, `rel="next"`, `role="search"`)
			if want := le.app.Cat.Localizer(lang).Tn("library.total", total, map[string]any{"Count": le.app.Cat.Localizer(lang).FormatInt(int64(total))}); !strings.Contains(p.body, esc(want)) {
				t.Errorf("library total: want %q", want)
			}
			if n := len(results(p)); n != libraryPerPage {
				t.Errorf("first page shows %d cases, want %d", n, libraryPerPage)
			}
			checkNoRawKeys(t, L+"/cases", p.body)
			second := c.get(L+"/cases?page=3").expect(t, http.StatusOK)
			if n := len(results(second)); n != total-2*libraryPerPage {
				t.Errorf("last page shows %d cases, want %d", n, total-2*libraryPerPage)
			}

			// Filters: OR within a facet, AND across facets, as the
			// records say.
			for _, q := range []string{"wsis=C7", "wsis=C7&wsis=C4", "wsis=C7&region=002", "group=LDC", "sdg=8&technology=payments&technology=ai",
				"country=CN", "year=2022&size=programme", "call=sme-dx&sector=C"} {
				v, _ := url.ParseQuery(q)
				want := le.countCases(libraryFilters(v))
				got := c.get(L+"/cases?per_page=100&"+q).expect(t, http.StatusOK)
				if n := le.app.Cat.Localizer(lang).Tn("library.total", want, map[string]any{"Count": le.app.Cat.Localizer(lang).FormatInt(int64(want))}); !strings.Contains(got.body, esc(n)) {
					t.Errorf("%s: page does not say %q", q, n)
				}
				if want <= libraryPerPage && len(results(got)) != want {
					t.Errorf("%s: %d results, want %d", q, len(results(got)), want)
				}
				// Each filter in force can be removed.
				for k := range v {
					got.contains(t, esc(le.tr(lang, facetKeys[k]))+": ")
				}
			}

			// Titles and summaries in the reader's language when the
			// case has them; else in the case's own, marked.
			list := c.get(L+"/cases?q="+url.QueryEscape("Kisumu")).expect(t, http.StatusOK)
			if lang == "ar" {
				list.contains(t, esc(le.evilTx), `lang="ar"`)
			} else {
				list.contains(t, esc(evilTitle))
			}
			list.lacks(t, `<script>alert`, `<img src=x`)

			// Search in Arabic finds the Arabic cases; a concept named in
			// Chinese finds the cases tagged with it in every language.
			arabic := c.get(L+"/cases?q="+url.QueryEscape("البن اليمني")).expect(t, http.StatusOK)
			if ids := results(arabic); len(ids) == 0 || ids[0] != le.ids[0] {
				t.Errorf("Arabic query: %v, want %s first", ids, le.ids[0])
			}
			mobile := c.get(L+"/cases?per_page=100&q="+url.QueryEscape("移动支付")).expect(t, http.StatusOK)
			langs := map[string]bool{}
			for _, id := range results(mobile) {
				langs[le.cases[id].Language] = true
			}
			if len(langs) < 3 {
				t.Errorf("concept search in Chinese found cases in %v only", langs)
			}

			// A call's page links to the cases it selected.
			n := le.countCases(map[string][]string{"call": {"sme-dx"}})
			c.get(L+"/calls/sme-dx").expect(t, http.StatusOK).
				contains(t, `<a href="`+L+`/cases?call=sme-dx">`+esc(le.app.Cat.Localizer(lang).Tn("call.published_cases", n, map[string]any{"Count": n}))+`</a>`)

			// The downloads keep the page's filters, words and order;
			// removing every filter keeps the words and the order.
			c.get(L+"/cases?wsis=C7&q=coffee&sort=title").expect(t, http.StatusOK).
				contains(t, esc("/api/v1/library/cases.csv?lang="+lang+"&q=coffee&sort=title&wsis=C7"),
					`<li><a href="`+esc(L+"/cases?q=coffee&sort=title")+`">`+esc(le.tr(lang, "library.clear"))+`</a></li>`)

			// A bad sort is refused in the reader's language.
			c.get(L+"/cases?sort=best").expect(t, http.StatusUnprocessableEntity).contains(t, `lang="`+lang+`"`)
		})
	}
}

var (
	libraryFormRE = regexp.MustCompile(`(?s)<form class="library"[^>]*>(.*?)</form>`)
	formFieldRE   = regexp.MustCompile(`<input type="(hidden|checkbox)"(?: id="[^"]*")? name="([^"]*)" value="([^"]*)"( checked)?>`)
	chipRE        = regexp.MustCompile(`<li><a href="([^"]*)"(?: title="[^"]*")?><span class="visually-hidden">`)
)

// formFilters is what the library's filter form sends as it stands, as a
// browser submits it and as app.js reads it: its hidden fields and its
// ticked boxes (its words and order aside).
func formFilters(t *testing.T, p *page) url.Values {
	t.Helper()
	m := libraryFormRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("%s: no filter form", p.url)
	}
	q := url.Values{}
	for _, f := range formFieldRE.FindAllStringSubmatch(m[1], -1) {
		if f[1] == "hidden" || f[4] != "" {
			q.Add(htmlUnescape(f[2]), htmlUnescape(f[3]))
		}
	}
	return q
}

// testLibraryKeepsFilters: the filters the form has no box for (today's
// country groups, the case's language) and the page size are in the
// form, where live filtering replaces it, so that ticking a box and
// applying the filters keeps them; each still has its chip, which
// removes it alone.
func testLibraryKeepsFilters(t *testing.T, le *libEnv) {
	c := le.client(t)
	start := url.Values{"language": {"fr"}, "group_now": {"LDC"}, "per_page": {"50"}}
	p := c.get("/en/cases?"+start.Encode()).expect(t, http.StatusOK)
	if got := formFilters(t, p); !maps.EqualFunc(got, start, slices.Equal) {
		t.Errorf("the form sends %v, want %v", got, start)
	}
	part, hidden := strings.Index(p.body, "data-live-part"), strings.Index(p.body, `<input type="hidden" name="language" value="fr">`)
	if part < 0 || hidden < part {
		t.Errorf("the language filter is not in the form's live part")
	}
	// A box ticked and the filters applied: the new page keeps them all.
	box := checkboxRE.FindStringSubmatch(p.body)
	if box == nil {
		t.Fatalf("%s: no box to tick", p.url)
	}
	applied := formFilters(t, p)
	applied.Add(htmlUnescape(box[2]), htmlUnescape(box[3]))
	next := c.get("/en/cases?"+applied.Encode()).expect(t, http.StatusOK)
	if got := formFilters(t, next); !maps.EqualFunc(got, applied, slices.Equal) {
		t.Errorf("after ticking %s=%s, the form sends %v, want %v", box[2], box[3], got, applied)
	}
	if len(results(next)) == 0 {
		t.Errorf("%s: no results", next.url)
	}
	// Each chip leads to the page without its filter, whose form sends
	// every other.
	chips := chipRE.FindAllStringSubmatch(next.body, -1)
	if len(chips) != 3 {
		t.Fatalf("%s: %d chips, want 3", next.url, len(chips))
	}
	for _, m := range chips {
		href := htmlUnescape(m[1])
		u, err := url.Parse(href)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		removed := 0
		for k, vs := range applied {
			removed += len(vs) - len(q[k])
		}
		if removed != 1 || q.Get("per_page") != "50" {
			t.Errorf("the chip %s does not remove one filter alone from %v", href, applied)
		}
		if got := formFilters(t, c.get(href).expect(t, http.StatusOK)); !maps.EqualFunc(got, q, slices.Equal) {
			t.Errorf("%s: the form sends %v, want %v", href, got, q)
		}
	}
}

func testLibraryCase(t *testing.T, le *libEnv) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			L := "/" + lang
			c := le.client(t)
			kenya, _ := domain.CountryByCode("KE")
			p := c.get(L+"/cases/"+le.evil).expect(t, http.StatusOK)
			dir := map[string]string{"en": "ltr", "ar": "rtl"}[lang]
			p.contains(t, `<html lang="`+lang+`" dir="`+dir+`">`,
				// Every public field, escaped; none raw.
				esc(`<b>Kisumu</b> Tailors`), esc(le.tr(lang, "vocab.sector.C")), esc(le.tr(lang, "vocab.wsis.C7")),
				esc(le.tr(lang, "vocab.sdg.8")), esc(le.tr(lang, "vocab.region.002")), esc(le.tr(lang, "vocab.subregion."+kenya.SubRegion)),
				esc(le.tr(lang, "library.case.kpis")), "<caption>", "https://creativecommons.org/licenses/by/4.0/", `rel="license"`,
				esc(le.tr(lang, "library.cite.title")), "http://dx.test/"+lang+"/cases/"+le.evil,
				// The attachment, downloadable by anyone.
				L+"/cases/"+le.evil+"/attachments/"+url.PathEscape("evidence <1>.pdf"),
				// The translation switch, with the translation's source.
				esc(le.tr(lang, "library.case.original", map[string]any{"Language": le.app.Cat.Localizer(lang).LanguageName("en")})),
				esc(le.tr(lang, "vocab.source.secretariat")),
				// Link previews and search engines.
				`<link rel="canonical" href="http://dx.test/`+lang+`/cases/`+le.evil+`">`, `<meta property="og:type" content="article">`,
				`<meta property="og:site_name" content="dxatlas">`)
			p.lacks(t, "<script>alert", "<img src=x", "<b>Kisumu", le.bob.Email, le.sec.Email, "imports@dxatlas.invalid")
			checkNoRawKeys(t, "case page", p.body)
			if lang == "ar" {
				// An Arabic reader gets the secretariat's Arabic texts.
				p.contains(t, `<h1 lang="ar" dir="rtl">`+esc(le.evilTx)+`</h1>`)
				// The case's title in the citation is marked English.
				p.contains(t, `<bdi lang="en">`+esc(evilTitle)+`</bdi>`)
			} else {
				p.contains(t, `<h1 lang="en" dir="ltr">`+esc(evilTitle)+`</h1>`, "Kisumu, Kenya")
			}
			// hreflang alternates for the six languages and a default.
			var alts []string
			for _, m := range hreflangR.FindAllStringSubmatch(p.body, -1) {
				alts = append(alts, m[1])
			}
			if !slices.Equal(alts, []string{"en", "fr", "es", "ru", "zh", "ar", "x-default"}) {
				t.Errorf("hreflang alternates %v", alts)
			}
			// schema.org JSON-LD that parses, with markup escaped.
			m := jsonLDRE.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatal("no JSON-LD")
			}
			if strings.Contains(m[1], "<") {
				t.Errorf("JSON-LD holds a raw <: %s", m[1])
			}
			var ld map[string]any
			if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
				t.Fatalf("JSON-LD: %v\n%s", err, m[1])
			}
			if ld["@type"] != "Article" || ld["identifier"] != le.evil || ld["license"] != "https://creativecommons.org/licenses/by/4.0/" ||
				ld["url"] != "http://dx.test/"+lang+"/cases/"+le.evil {
				t.Errorf("JSON-LD %v", ld)
			}
			if author, _ := ld["author"].(map[string]any); author["name"] != `<b>Kisumu</b> Tailors` {
				t.Errorf("JSON-LD author %v", ld["author"])
			}
			// The original, asked for, whatever the reader's language.
			c.get(L+"/cases/"+le.evil+"?tr=orig").expect(t, http.StatusOK).contains(t, `<h1 lang="en" dir="ltr">`+esc(evilTitle))

			// Countries with their region and UN groups: Yemen is an LDC.
			c.get(L+"/cases/"+le.ids[0]).expect(t, http.StatusOK).
				contains(t, esc(domain.CountryName("YE", lang)), esc(le.tr(lang, "vocab.region.142")), esc(le.tr(lang, "vocab.group.LDC")),
					L+"/cases?group=LDC")

			dl := c.get(L+"/cases/"+le.evil+"/attachments/"+url.PathEscape("evidence <1>.pdf")).expect(t, http.StatusOK)
			if dl.body != string(pdfBytes) || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") ||
				dl.header.Get("Content-Security-Policy") != "sandbox; default-src 'none'" {
				t.Errorf("attachment download: %v", dl.header)
			}
			c.get(L+"/cases/"+le.evil+"/attachments/none.pdf").expect(t, http.StatusNotFound)
			c.get(L+"/cases/DX-2026-9999").expect(t, http.StatusNotFound).contains(t, `lang="`+lang+`"`)
		})
	}
}

// etagOf fetches a page and returns its ETag.
func etagOf(t *testing.T, c *client, path string) string {
	t.Helper()
	p := c.get(path).expect(t, http.StatusOK)
	tag := p.header.Get("ETag")
	if tag == "" || p.header.Get("Cache-Control") != "no-cache" || p.header.Get("Set-Cookie") != "" {
		t.Fatalf("%s: not cacheable: %v", path, p.header)
	}
	return tag
}

func testLibraryCachingAndUnpublish(t *testing.T, le *libEnv) {
	ctx := context.Background()
	c := le.client(t).noFollow()
	id := le.ids[14] // English, Uganda, action line C7
	pages := []string{"/en/cases", "/ar/cases?wsis=C7", "/en/cases/" + id, "/en/stats", "/en/stats/map.svg", "/en/cases/feed.atom", "/sitemap.xml"}
	tags := map[string]string{}
	for _, p := range pages {
		tags[p] = etagOf(t, c, p)
		// The reader who has the page gets 304, without a body.
		c.hdr.Set("If-None-Match", tags[p])
		if r := c.get(p); r.status != http.StatusNotModified || r.body != "" {
			t.Errorf("%s revalidated: %d, %d bytes", p, r.status, len(r.body))
		}
		c.hdr.Del("If-None-Match")
		// Served again from memory, the same.
		if again := etagOf(t, c, p); again != tags[p] {
			t.Errorf("%s: ETag changed without a change: %s, %s", p, tags[p], again)
		}
	}
	// ETags differ by language and query.
	if etagOf(t, c, "/ar/cases") == tags["/en/cases"] || etagOf(t, c, "/en/cases?wsis=C7") == tags["/en/cases"] {
		t.Error("the same ETag for different pages")
	}
	// Compressed for those who accept it.
	req, _ := http.NewRequest("GET", le.srv.URL+"/en/cases", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	zbody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	zr, err := gzip.NewReader(bytes.NewReader(zbody))
	if err != nil || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v %v", err, res.Header)
	}
	zplain, _ := io.ReadAll(zr)
	if !bytes.Contains(zplain, []byte("<html")) {
		t.Error("gzip body is not the page")
	}
	// The cache keeps pages compressed; a reader who does not accept
	// gzip gets the same page, plain.
	req.Header.Set("Accept-Encoding", "identity")
	if res, err = http.DefaultTransport.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "" || res.Header.Get("Content-Length") != strconv.Itoa(len(plain)) || !bytes.Equal(plain, zplain) {
		t.Errorf("plain page from the cache: %v, %d bytes, same as gzip's: %v", res.Header, len(plain), bytes.Equal(plain, zplain))
	}

	// A signed-in reader's pages are theirs alone.
	s := le.client(t)
	s.signIn("en", le.alice.Email)
	if p := s.get("/en/cases"); p.header.Get("ETag") != "" || p.header.Get("Cache-Control") != "no-store" || !strings.Contains(p.body, "alice") {
		t.Errorf("signed-in library page: %v", p.header)
	}

	// Unpublishing takes the case out of everything at once.
	if _, err := le.app.Unpublish(ctx, &le.sec, id, "takedown request"); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if r := c.get(p); r.header.Get("ETag") == tags[p] {
			t.Errorf("%s: same ETag after unpublishing", p)
		}
	}
	c.get("/en/cases/"+id).expect(t, http.StatusGone).contains(t, esc(le.tr("en", "library.gone.title")), id).
		lacks(t, esc(le.cases[id].Title))
	c.get("/ar/cases/"+id).expect(t, http.StatusGone).contains(t, `dir="rtl"`)
	for _, p := range []string{"/en/cases?per_page=100&page=1", "/en/cases?page=2", "/en/cases?page=3", "/en/cases/feed.atom", "/sitemap.xml"} {
		c.get(p).lacks(t, id)
	}
	if p := c.get("/en/cases?wsis=C7"); !strings.Contains(p.body, esc(le.app.Cat.Localizer("en").Tn("library.total", le.countCases(map[string][]string{"wsis": {"C7"}})-1,
		map[string]any{"Count": strconv.Itoa(le.countCases(map[string][]string{"wsis": {"C7"}}) - 1)}))) {
		t.Error("the C7 count did not drop")
	}
}

func testLibraryFeedSitemapStats(t *testing.T, le *libEnv) {
	c := le.client(t)
	// Atom: the newest cases, with the library's filters.
	var feed struct {
		Lang    string `xml:"lang,attr"`
		Title   string `xml:"title"`
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
			Link  struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	p := c.get("/ar/cases/feed.atom?wsis=C7").expect(t, http.StatusOK)
	if ct := p.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("feed type %q", ct)
	}
	if err := xml.Unmarshal([]byte(p.body), &feed); err != nil {
		t.Fatal(err)
	}
	if want := le.countCases(map[string][]string{"wsis": {"C7"}}); len(feed.Entries) != want || feed.Lang != "ar" ||
		feed.Title != le.tr("ar", "library.feed.title") {
		t.Errorf("feed: %d entries (want %d), lang %q, title %q", len(feed.Entries), want, feed.Lang, feed.Title)
	}
	for _, e := range feed.Entries {
		if !strings.HasPrefix(e.Link.Href, "http://dx.test/ar/cases/DX-") || e.Title == "" {
			t.Errorf("feed entry %+v", e)
		}
	}
	if strings.Contains(p.body, "<script>") {
		t.Error("feed holds unescaped markup")
	}

	// Sitemap: every public page in six languages, with alternates.
	var set struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				Hreflang string `xml:"hreflang,attr"`
			} `xml:"link"`
		} `xml:"url"`
	}
	p = c.get("/sitemap.xml").expect(t, http.StatusOK)
	if err := xml.Unmarshal([]byte(p.body), &set); err != nil {
		t.Fatal(err)
	}
	if want := (len(le.cases) + 3) * 6; len(set.URLs) != want {
		t.Errorf("sitemap has %d URLs, want %d", len(set.URLs), want)
	}
	for _, u := range set.URLs {
		if len(u.Links) != 7 {
			t.Errorf("%s has %d alternates", u.Loc, len(u.Links))
		}
	}
	p.contains(t, "http://dx.test/zh/cases/"+le.evil, `hreflang="x-default"`)
	c.get("/sitemap.xml?part=2").expect(t, http.StatusNotFound)
	c.get("/robots.txt").expect(t, http.StatusOK).contains(t, "Sitemap: http://dx.test/sitemap.xml")

	// Statistics: a chart and a table per facet, the map as an image.
	for _, lang := range []string{"en", "ar"} {
		p := c.get("/"+lang+"/stats").expect(t, http.StatusOK)
		p.contains(t, `<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, "<table>", `src="/`+lang+`/stats/map.svg"`,
			esc(le.tr(lang, "library.stats.by.wsis")), esc(le.tr(lang, "library.stats.by.year")), esc(le.tr(lang, "vocab.region.002")))
		checkNoRawKeys(t, "stats", p.body)
		if n := strings.Count(p.body, "<details>"); n != len(statsCharts)+1 {
			t.Errorf("%s stats: %d data tables, want %d", lang, n, len(statsCharts)+1)
		}
		m := c.get("/"+lang+"/stats/map.svg?region=002").expect(t, http.StatusOK)
		if !strings.HasPrefix(m.header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(m.body, "<svg") {
			t.Errorf("map: %v", m.header)
		}
	}
	// Filtered: every chart counts the page's cases, and a row links to
	// exactly the cases it counts; a value outside its facet's filter
	// (a case in two regions) has no link, the library joining the values
	// of one facet with "or".
	total := func(filters map[string][]string) string {
		n := le.countCases(filters)
		return esc(le.app.Cat.Localizer("en").Tn("library.total", n, map[string]any{"Count": strconv.Itoa(n)}))
	}
	c.get("/en/stats?region=142&call=sme-dx").expect(t, http.StatusOK).
		contains(t, total(map[string][]string{"region": {"142"}}), esc("/en/cases?call=sme-dx&region=142")).
		lacks(t, esc("region=142&region=002"), esc("/en/cases?call=sme-dx&region=002"))
	c.get("/en/stats?call=sme-dx").expect(t, http.StatusOK).contains(t, total(nil))
	for _, q := range []string{"wsis=C2", "group=LDC", "wsis=C7&wsis=C4&region=002", "sdg=8&technology=payments", "year=2022"} {
		filters := libraryFilters(mustQuery(t, q))
		p := c.get("/en/stats?"+q).expect(t, http.StatusOK)
		in := le.countCases(filters)
		rows := statsRowRE.FindAllStringSubmatch(p.body, -1)
		if len(rows) == 0 {
			t.Fatalf("stats?%s: no rows", q)
		}
		for _, m := range rows {
			n, err := strconv.Atoi(m[3])
			if err != nil || n > in {
				t.Errorf("stats?%s: %s counts %s of %d cases", q, m[2], m[3], in)
			}
			if m[1] == "" {
				continue
			}
			u, err := url.Parse(htmlUnescape(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if want := le.countCases(libraryFilters(u.Query())); n != want {
				t.Errorf("stats?%s: %s counts %d, but its link %s leads to %d cases", q, m[2], n, u, want)
			}
		}
	}
}

// statsRowRE reads a row of a statistics table: its link, if any, its
// label and its count.
var statsRowRE = regexp.MustCompile(`<tr><th scope="row">(?:<a href="([^"]*)">)?([^<]*)(?:</a>)?</th><td>([0-9,]+)</td></tr>`)

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testLibraryWeight keeps the library's pages light on a slow connection:
// each page with its stylesheet and script stays under 30 KB compressed.
func testLibraryWeight(t *testing.T, le *libEnv) {
	assets := len(le.h.assets.byName["app.css"].gz) + len(le.h.assets.byName["app.js"].gz)
	for _, lang := range []string{"en", "ar", "zh", "ru"} {
		for _, path := range []string{"/cases", "/cases?all=country", "/cases/" + le.ids[41], "/cases/" + le.evil, "/stats"} {
			p := le.client(t).get("/"+lang+path).expect(t, http.StatusOK)
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
			zw.Write([]byte(p.body))
			zw.Close()
			total := buf.Len() + assets
			if total > 30*1024 {
				t.Errorf("%s%s: %d bytes compressed with its CSS and JS, want at most 30 KB", lang, path, total)
			}
			t.Logf("%s%s: %d bytes compressed with assets", lang, path, total)
		}
	}
}

// TestMovedCasePages: the applicant's pages live under /me; old links to
// the form still work.
func TestMovedCasePages(t *testing.T) {
	e := newEnvSQLite(t)
	id := e.newDraft(t, e.alice, domain.Case{Title: "Alice's case"})
	c := e.client(t).noFollow()
	p := c.get("/fr/cases/" + id + "/edit?kpi_rows=3")
	if p.status != http.StatusMovedPermanently || p.header.Get("Location") != "/fr/me/cases/"+id+"/edit?kpi_rows=3" {
		t.Errorf("old edit link: %d to %q", p.status, p.header.Get("Location"))
	}
	a := e.client(t)
	a.signIn("en", e.alice.Email)
	a.get("/en/cases/"+id+"/edit").expect(t, http.StatusOK).contains(t, `action="/en/me/cases/`+id+`/edit"`)
	// The owner following a link to the public address of a draft lands
	// on their own page.
	if p := a.get("/en/cases/" + id); !strings.HasSuffix(p.url, "/en/me/cases/"+id) {
		t.Errorf("owner at the public address ended at %s", p.url)
	}
}

// TestLibraryReaderGone: a search whose reader has gone by the time its
// results are read (the request's context is cancelled) answers nothing
// and logs no server failure; it used to log an error and count a 500.
// The library is fresh, so that no cache spares the page a read.
func TestLibraryReaderGone(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		le := newLibEnv(t, db)
		var logs bytes.Buffer
		le.h.log = slog.New(slog.NewTextHandler(&logs, nil))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, target := range []string{"/ru/cases?q=mobile", "/fr/cases?q=paiement&page=1"} {
			req := httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx)
			rec := httptest.NewRecorder()
			le.h.ServeHTTP(rec, req)
			if rec.Code >= 500 || rec.Body.Len() > 0 {
				t.Errorf("%s, reader gone: %d, %d bytes of body; want nothing written", target, rec.Code, rec.Body.Len())
			}
		}
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("a reader who left was logged as a failure:\n%s", logs.String())
		}
	})
}

package web

import (
	"cmp"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
)

// libraryCasePage is a published case laid out for reading and printing.
type libraryCasePage struct {
	basePage
	Head pageHead
	ID   string
	// TitleLang is the language of the title shown (the original or the
	// chosen translation), SummaryLang that of the summary, OrigLang that
	// of the fields never translated. (The page's own language is
	// basePage.Lang, which the layout writes into <html lang>.)
	TitleLang, SummaryLang, OrigLang string
	Source                           string // who translated what is shown; "" for the original
	Versions                         []versionLink
	Summary                          []string
	Sections                         []textSection
	Facts                            []fact
	Countries                        []countryRow
	WSIS                             []codeLink
	SDGs                             []codeLink
	Targets                          []codeLink
	KPIs                             []kpiRow
	Partners                         []partnerRow
	Links                            []string
	Licence                          navLink
	Attachments                      []attachmentRow
	Cite                             template.HTML // every value in it escaped
	Library                          string
}

// pageHead is what a page adds to its <head>: its canonical address, its
// versions in the other languages, and its description for link previews
// and search engines.
type pageHead struct {
	Canonical   string
	Alternates  []langLink // Code "x-default" for the default version
	Description string
	OGType      string
	OGLocale    string
	OGTitle     string
	JSONLD      any // marshalled as JSON inside <script type="application/ld+json">
}

// versionLink is one version of the case's texts: the original or a
// translation.
type versionLink struct {
	Href, Text, Lang string
	Current          bool
}

// textSection is one long text of the case, in paragraphs.
type textSection struct {
	ID, Heading string
	Lang        string
	Paragraphs  []string
	KPIs        bool // the KPI table follows this section
}

// fact is one line of the case's record.
type fact struct {
	Label string
	Items []factItem
}

type factItem struct {
	Text, Href, Lang string
	Dir              string // "auto" for user text
}

// countryRow is a country with its region and UN groups.
type countryRow struct {
	Name, Href         string
	Region, RegionHref string
	Sub, SubHref       string
	Groups             []navLink
	Code               string
}

// codeLink is a vocabulary code with its title and a link to the library
// filtered on it.
type codeLink struct {
	Code, Title, Href string
	Primary           bool
}

type kpiRow struct {
	Name, Baseline, Value, Unit, Date string
	DateLang                          string // the case's language when the date is shown as typed
}

type partnerRow struct {
	Name, Type, Country string
}

// licenceURLs are the deeds of the licences a case may carry.
var licenceURLs = map[string]string{
	"CC-BY-4.0":    "https://creativecommons.org/licenses/by/4.0/",
	"CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
	"CC0-1.0":      "https://creativecommons.org/publicdomain/zero/1.0/",
}

// libraryGonePage is the tombstone of a case taken out of the library.
type libraryGonePage struct {
	basePage
	ID      string
	Library string
}

func (h *Handler) libraryCase(w http.ResponseWriter, r *http.Request, rq *request) error {
	id := r.PathValue("id")
	if rq.user != nil {
		// An applicant or the secretariat following a link to a case not
		// (or no longer) public goes to their own view of it.
		if _, err := h.app.PublicCase(r.Context(), id); app.IsKind(err, app.KindNotFound) || app.IsKind(err, app.KindGone) {
			if _, err := h.app.Case(r.Context(), rq.user, id); err == nil {
				redirect(w, r, h.path(rq, "/me/cases/"+url.PathEscape(id)))
				return nil
			}
		}
	}
	return h.servePublic(w, r, rq.personal(), func() (publicPage, error) {
		pc, err := h.app.PublicCase(r.Context(), id)
		if app.IsKind(err, app.KindGone) {
			p := &libraryGonePage{basePage: h.base(r, rq, rq.T("library.gone.title")), ID: id, Library: h.path(rq, "/cases")}
			return h.renderPage(rq, http.StatusGone, "library_gone", p)
		}
		if err != nil {
			return publicPage{}, err
		}
		return h.renderPage(rq, http.StatusOK, "library_case", h.libraryCaseData(r, rq, pc))
	})
}

// textLines splits a case's text at its line breaks: applicants type one
// paragraph per line.
func textLines(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// chooseVersion picks the texts to show: the translation asked for with
// ?tr=, else the reader's language when the case has it, else the
// original ("" means the original).
func chooseVersion(doc *domain.Case, asked, reader string) string {
	if asked == "orig" {
		return ""
	}
	if _, ok := doc.Translations[asked]; ok && asked != doc.Language {
		return asked
	}
	if primaryLang(doc.Language) == reader {
		return ""
	}
	for _, l := range slices.Sorted(maps.Keys(doc.Translations)) {
		if primaryLang(l) == reader && doc.Translations[l].Title != "" {
			return l
		}
	}
	return ""
}

func (h *Handler) libraryCaseData(r *http.Request, rq *request, pc app.PublicCase) *libraryCasePage {
	doc := &pc.Doc
	L := rq.L
	tr := chooseVersion(doc, r.URL.Query().Get("tr"), rq.lang)
	text := domain.Translation{Title: doc.Title, Summary: doc.Summary, Problem: doc.Problem, Solution: doc.Solution,
		Impact: doc.Impact, Lessons: doc.Lessons}
	lang := doc.Language
	// langOf is the language a shown text is in: a translation may cover
	// some texts only, and the others stay in the original.
	langOf := func(translated string) string { return doc.Language }
	if tr != "" {
		t := doc.Translations[tr]
		text = domain.Translation{Title: cmp.Or(t.Title, doc.Title), Summary: cmp.Or(t.Summary, doc.Summary),
			Problem: cmp.Or(t.Problem, doc.Problem), Solution: cmp.Or(t.Solution, doc.Solution),
			Impact: cmp.Or(t.Impact, doc.Impact), Lessons: cmp.Or(t.Lessons, doc.Lessons), Source: t.Source}
		lang = tr
		langOf = func(translated string) string {
			if strings.TrimSpace(translated) == "" {
				return doc.Language
			}
			return tr
		}
	}
	tx := doc.Translations[tr]
	self := h.path(rq, "/cases/"+url.PathEscape(pc.ID))
	p := &libraryCasePage{basePage: h.base(r, rq, text.Title), ID: pc.ID, TitleLang: langOf(tx.Title), SummaryLang: langOf(tx.Summary),
		OrigLang: doc.Language, Summary: textLines(text.Summary), Library: h.path(rq, "/cases")}
	if tr != "" {
		if text.Source != "" {
			p.Source = L.T("vocab.source." + text.Source)
		}
	}
	// The switch between the original and the translations.
	if len(doc.Translations) > 0 {
		p.Versions = append(p.Versions, versionLink{Href: self + "?tr=orig", Lang: doc.Language, Current: tr == "",
			Text: L.T("library.case.original", map[string]any{"Language": L.LanguageName(doc.Language)})})
		for _, l := range slices.Sorted(maps.Keys(doc.Translations)) {
			t := doc.Translations[l]
			if l == doc.Language {
				continue
			}
			label := L.LanguageName(l)
			if t.Source != "" {
				label = L.T("library.case.translation", map[string]any{"Language": label, "Source": L.T("vocab.source." + t.Source)})
			}
			p.Versions = append(p.Versions, versionLink{Href: self + "?tr=" + url.QueryEscape(l), Lang: l, Current: tr == l, Text: label})
		}
	}
	orig := doc.Language
	add := func(id, key, body, lang string, kpis bool) {
		if ps := textLines(body); len(ps) > 0 || kpis {
			p.Sections = append(p.Sections, textSection{ID: id, Heading: L.T(key), Lang: lang, Paragraphs: ps, KPIs: kpis})
		}
	}
	add("problem", "case.field.problem.label", text.Problem, langOf(tx.Problem), false)
	add("solution", "case.field.solution.label", text.Solution, langOf(tx.Solution), false)
	add("impact", "case.field.impact.label", text.Impact, langOf(tx.Impact), len(doc.KPIs) > 0)
	add("sdg-linkage", "case.field.sdg_linkage.label", doc.SDGLinkage, orig, false)
	add("enablers", "case.field.enablers_constraints.label", doc.EnablersConstraints, orig, false)
	add("sustainability", "case.field.sustainability_replicability.label", doc.SustainabilityReplicability, orig, false)
	add("lessons", "case.field.lessons.label", text.Lessons, langOf(tx.Lessons), false)
	for _, k := range doc.KPIs {
		row := kpiRow{Name: k.Name, Baseline: string(k.Baseline), Value: string(k.Value), Unit: k.Unit}
		var ok bool
		if row.Date, ok = caseDate(L, k.Date); !ok && k.Date != "" {
			row.DateLang = orig
		}
		p.KPIs = append(p.KPIs, row)
	}
	for _, pt := range doc.Partners {
		row := partnerRow{Name: pt.Name}
		if pt.Type != "" {
			row.Type = L.T("vocab.orgtype." + pt.Type)
		}
		if pt.Country != "" {
			row.Country = domain.CountryName(pt.Country, rq.lang)
		}
		p.Partners = append(p.Partners, row)
	}
	p.Links = doc.Links
	lic := cmp.Or(doc.Licence, "CC-BY-4.0")
	p.Licence = navLink{Href: licenceURLs[lic], Text: L.T("vocab.licence." + lic)}
	for _, a := range pc.Attachments {
		p.Attachments = append(p.Attachments, attachmentRow{Name: a.Name, Type: fileKind(a.ContentType), Size: fileSize(rq, a.Size),
			Href: self + "/attachments/" + url.PathEscape(a.Name)})
	}
	for _, cc := range doc.Countries {
		row := countryRow{Code: cc, Name: domain.CountryName(cc, rq.lang), Href: h.libraryHref(rq, search.FacetCountry, cc)}
		if k, ok := domain.CountryByCode(cc); ok {
			row.Region, row.RegionHref = L.T("vocab.region."+k.Region), h.libraryHref(rq, search.FacetRegion, k.Region)
			if k.SubRegion != "" {
				row.Sub, row.SubHref = L.T("vocab.subregion."+k.SubRegion), h.libraryHref(rq, search.FacetSubRegion, k.SubRegion)
			}
		}
		for _, g := range h.app.Groups.Groups(cc, pc.PublishedAt) {
			row.Groups = append(row.Groups, navLink{Href: h.libraryHref(rq, search.FacetGroup, g), Text: L.T("vocab.group." + g)})
		}
		p.Countries = append(p.Countries, row)
	}
	if doc.WSIS.Primary != "" {
		p.WSIS = append(p.WSIS, codeLink{Code: doc.WSIS.Primary, Title: L.T("vocab.wsis." + doc.WSIS.Primary), Primary: true,
			Href: h.libraryHref(rq, search.FacetWSIS, doc.WSIS.Primary)})
	}
	for _, c := range doc.WSIS.Secondary {
		p.WSIS = append(p.WSIS, codeLink{Code: c, Title: L.T("vocab.wsis." + c), Href: h.libraryHref(rq, search.FacetWSIS, c)})
	}
	for _, g := range doc.SDGs.Goals {
		c := strconv.Itoa(g)
		p.SDGs = append(p.SDGs, codeLink{Code: c, Title: L.T("vocab.sdg." + c), Href: h.libraryHref(rq, search.FacetSDG, c)})
	}
	for _, t := range doc.SDGs.Targets {
		p.Targets = append(p.Targets, codeLink{Code: t, Title: L.T("library.target", map[string]any{"Code": t}), Href: h.libraryHref(rq, search.FacetTarget, t)})
	}
	p.Facts = h.caseFacts(rq, pc)
	callTitle := app.LocalText(pc.CallTitle, rq.lang)
	org := cmp.Or(doc.Organisation.Name, L.T("site.name"))
	url := h.app.CaseURL(rq.lang, pc.ID)
	// Each part of the citation is isolated, so that a title in one
	// script keeps its order inside a sentence in another; the title is
	// marked with the case's language, for screen readers (names are
	// names, in whatever language).
	bdi := func(s string) string { return "<bdi>" + template.HTMLEscapeString(s) + "</bdi>" }
	title := bdi(doc.Title)
	if doc.Language != "" && doc.Language != rq.lang {
		title = `<bdi lang="` + template.HTMLEscapeString(doc.Language) + `">` + template.HTMLEscapeString(doc.Title) + "</bdi>"
	}
	p.Cite = template.HTML(L.T("library.cite.text", map[string]any{"Org": bdi(org), "Year": pc.PublishedAt.Year(),
		"Title": title, "Site": bdi(L.T("site.name")), "ID": bdi(pc.ID), "Call": bdi(callTitle), "URL": bdi(url),
		"Date": template.HTMLEscapeString(L.FormatDate(pc.PublishedAt, time.UTC)), "Licence": bdi(lic)}))
	p.Head = h.caseHead(rq, pc, text, lang, callTitle, url)
	return p
}

// caseFacts lists the case's record beside its texts.
func (h *Handler) caseFacts(rq *request, pc app.PublicCase) []fact {
	doc := &pc.Doc
	L := rq.L
	var out []fact
	add := func(key string, items ...factItem) {
		var keep []factItem
		for _, it := range items {
			if strings.TrimSpace(it.Text) != "" {
				keep = append(keep, it)
			}
		}
		if len(keep) > 0 {
			out = append(out, fact{Label: L.T(key), Items: keep})
		}
	}
	vocab := func(v, code string) factItem {
		if code == "" {
			return factItem{}
		}
		return factItem{Text: L.T("vocab." + v + "." + code)}
	}
	add("library.case.id", factItem{Text: pc.ID})
	callTitle, callLang := localized(pc.CallTitle, rq.lang)
	add("case.meta.call", factItem{Text: callTitle, Lang: callLang, Dir: "auto", Href: h.path(rq, "/calls/"+url.PathEscape(pc.Call))})
	add("library.case.published", factItem{Text: L.FormatDate(pc.PublishedAt, time.UTC)})
	add("case.field.language.label", factItem{Text: L.LanguageName(doc.Language)})
	o := doc.Organisation
	add("case.field.organisation.name.label", factItem{Text: o.Name, Dir: "auto", Lang: doc.Language})
	add("case.field.organisation.type.label", vocab("orgtype", o.Type))
	if o.Country != "" {
		add("case.field.organisation.country.label", factItem{Text: domain.CountryName(o.Country, rq.lang)})
	}
	if strings.HasPrefix(o.Website, "https://") {
		add("case.field.organisation.website.label", factItem{Text: o.Website, Href: o.Website, Dir: "ltr"})
	}
	add("case.field.scope.label", vocab("scope", doc.Scope))
	add("case.field.status.label", vocab("status", doc.Status))
	if period := h.periodText(rq, doc.Period); period != "" {
		add("library.case.period", factItem{Text: period})
	}
	size := vocab("size", doc.SME.SizeClass)
	if size.Text != "" {
		size.Href = h.libraryHref(rq, search.FacetSize, doc.SME.SizeClass)
	}
	add("case.field.sme.size_class.label", size)
	if !doc.SME.Count.IsZero() {
		add("case.field.sme.count.label", factItem{Text: string(doc.SME.Count)})
	}
	if doc.Sector != "" {
		add("case.field.sector.label", factItem{Text: "ISIC " + doc.Sector + " · " + L.T("vocab.sector."+doc.Sector),
			Href: h.libraryHref(rq, search.FacetSector, doc.Sector)})
	}
	var techs []factItem
	for _, t := range doc.Technologies {
		techs = append(techs, factItem{Text: L.T("vocab.technology." + t), Href: h.libraryHref(rq, search.FacetTechnology, t)})
	}
	add("case.field.technologies.label", techs...)
	add("case.field.cost_range.label", vocab("cost", doc.CostRange))
	var funding []factItem
	for _, f := range doc.Funding {
		funding = append(funding, vocab("funding", f))
	}
	add("case.field.funding.label", funding...)
	return out
}

// periodText writes the case's period: "March 2022 – June 2024", or from
// its start when it has no end.
func (h *Handler) periodText(rq *request, p domain.Period) string {
	month := func(s string) string {
		text, _ := caseDate(rq.L, s)
		return text
	}
	switch {
	case p.Start == "":
		return ""
	case p.End == "":
		return rq.T("library.case.since", map[string]any{"Start": month(p.Start)})
	}
	return rq.T("library.case.period_range", map[string]any{"Start": month(p.Start), "End": month(p.End)})
}

// caseDate writes a date of a case (a period's bounds, a KPI's date) as the
// reader's language does: a month (YYYY-MM) as "June 2024", a day
// (YYYY-MM-DD) as "30 June 2024". Anything else is returned as typed, with
// ok false: it is in the case's language, not the reader's.
func caseDate(L *i18n.L, s string) (text string, ok bool) {
	v := strings.TrimSpace(s)
	if t, err := time.Parse("2006-01", v); err == nil {
		return L.FormatMonth(t.Year(), t.Month()), true
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return L.FormatDate(t, nil), true
	}
	return s, false
}

// caseHead describes the case for search engines and link previews:
// schema.org JSON-LD, Open Graph, and the page in the six languages.
func (h *Handler) caseHead(rq *request, pc app.PublicCase, text domain.Translation, lang, callTitle, pageURL string) pageHead {
	doc := &pc.Doc
	desc := strings.Join(strings.Fields(text.Summary), " ")
	if r := []rune(desc); len(r) > 300 {
		desc = string(r[:297]) + "…"
	}
	hd := pageHead{Canonical: pageURL, Description: desc, OGType: "article", OGTitle: text.Title,
		OGLocale: ogLocale(rq.lang)}
	for _, l := range i18n.Langs {
		hd.Alternates = append(hd.Alternates, langLink{Code: l, Href: h.app.CaseURL(l, pc.ID)})
	}
	hd.Alternates = append(hd.Alternates, langLink{Code: "x-default", Href: h.app.CaseURL("en", pc.ID)})
	type thing = map[string]any
	var about []thing
	for _, c := range append([]string{doc.WSIS.Primary}, doc.WSIS.Secondary...) {
		if c != "" {
			about = append(about, thing{"@type": "DefinedTerm", "termCode": c, "name": rq.T("vocab.wsis." + c),
				"inDefinedTermSet": rq.T("library.facet.wsis")})
		}
	}
	for _, g := range doc.SDGs.Goals {
		c := strconv.Itoa(g)
		about = append(about, thing{"@type": "DefinedTerm", "termCode": "SDG " + c, "name": rq.T("vocab.sdg." + c),
			"inDefinedTermSet": rq.T("library.facet.sdg")})
	}
	var places []thing
	for _, cc := range doc.Countries {
		places = append(places, thing{"@type": "Country", "name": domain.CountryName(cc, rq.lang), "identifier": cc})
	}
	var keywords []string
	for _, t := range doc.Technologies {
		keywords = append(keywords, rq.T("vocab.technology."+t))
	}
	ld := thing{
		"@context":            "https://schema.org",
		"@type":               "Article",
		"@id":                 pageURL,
		"url":                 pageURL,
		"identifier":          pc.ID,
		"headline":            text.Title,
		"name":                text.Title,
		"description":         desc,
		"inLanguage":          lang,
		"datePublished":       pc.PublishedAt.UTC().Format(time.RFC3339),
		"license":             licenceURLs[cmp.Or(doc.Licence, "CC-BY-4.0")],
		"isPartOf":            thing{"@type": "Collection", "name": callTitle},
		"publisher":           thing{"@type": "Organization", "name": rq.T("site.name")},
		"about":               about,
		"spatialCoverage":     places,
		"keywords":            strings.Join(keywords, ", "),
		"isAccessibleForFree": true,
	}
	if doc.Organisation.Name != "" {
		author := thing{"@type": "Organization", "name": doc.Organisation.Name}
		if strings.HasPrefix(doc.Organisation.Website, "https://") {
			author["url"] = doc.Organisation.Website
		}
		ld["author"] = author
	}
	if lang != doc.Language {
		ld["translationOfWork"] = thing{"@type": "Article", "inLanguage": doc.Language, "name": doc.Title}
	}
	hd.JSONLD = ld
	return hd
}

// ogLocale is the Open Graph locale of an interface language.
func ogLocale(lang string) string {
	return map[string]string{"ar": "ar_AR", "zh": "zh_CN", "en": "en_US", "fr": "fr_FR", "ru": "ru_RU", "es": "es_ES"}[lang]
}

// libraryAttachment sends a file of a published case, as a download.
func (h *Handler) libraryAttachment(w http.ResponseWriter, r *http.Request, rq *request) error {
	att, data, err := h.app.PublicAttachment(r.Context(), r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		return err
	}
	hd := w.Header()
	etag := `"` + att.SHA256 + `"`
	hd.Set("ETag", etag)
	// Revalidated each time, so that a file taken down is gone at once.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	if strings.Contains(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	sendDownload(w, r, att.Name, att.ContentType, data)
	return nil
}

// movedToMe keeps old links to the case form working: the applicant's
// pages moved under /me when /{lang}/cases/{id} became the public page.
func (h *Handler) movedToMe(w http.ResponseWriter, r *http.Request, rq *request) error {
	to := h.path(rq, "/me/cases/"+url.PathEscape(r.PathValue("id"))+"/edit")
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return nil
}

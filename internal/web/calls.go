package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// callView is a call as pages show it, in the reader's language.
type callView struct {
	Slug      string
	Title     string
	TitleLang string // the language the title is actually in
	Desc      []string
	DescLang  string
	Phase     string
	Open      bool
	Zone      string // e.g. "Zurich"
	ZoneID    string // e.g. "Europe/Zurich"
	Opens     string // in the call's zone
	Closes    string
	ClosesUTC string
	ClosesISO string
	DaysLeft  int
	Elig      []eligView
	Blind     bool
}

// eligView is one item of an eligibility checklist.
type eligView struct{ Code, Text, Lang string }

// localized picks the text in the reader's language, else English, and
// says which language it is in, for the lang attribute.
func localized(t store.LocalText, lang string) (text, in string) {
	if s := t[lang]; s != "" {
		return s, lang
	}
	if s := t["en"]; s != "" {
		return s, "en"
	}
	for _, l := range sortedKeys(t) {
		if t[l] != "" {
			return t[l], l
		}
	}
	return "", ""
}

// paragraphs splits a text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) callView(rq *request, c store.Call) callView {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		loc = time.UTC
	}
	v := callView{Slug: c.Slug, Phase: h.app.Phase(c), ZoneID: loc.String(), Zone: rq.L.ZoneName(loc), Blind: c.Blind}
	v.Title, v.TitleLang = localized(c.Title, rq.lang)
	desc, dl := localized(c.Description, rq.lang)
	v.Desc, v.DescLang = paragraphs(desc), dl
	v.Open = v.Phase == domain.PhaseOpen
	v.Opens = rq.L.FormatDateTime(c.OpensAt, loc)
	v.Closes = rq.L.FormatDateTime(c.ClosesAt, loc)
	v.ClosesUTC = rq.L.FormatDateTime(c.ClosesAt, time.UTC)
	v.ClosesISO = c.ClosesAt.UTC().Format(time.RFC3339)
	if v.Open {
		v.DaysLeft = int(c.ClosesAt.Sub(h.app.Now()).Hours() / 24)
	}
	for _, e := range c.Eligibility {
		text, in := localized(e.Text, rq.lang)
		v.Elig = append(v.Elig, eligView{Code: e.Code, Text: text, Lang: in})
	}
	return v
}

// homePage lists the calls.
type homePage struct {
	basePage
	Open  []callView
	Other []callView
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	calls, err := h.app.Calls(r.Context(), rq.user)
	if err != nil {
		return err
	}
	p := homePage{basePage: h.base(r, rq, rq.T("call.list.title"))}
	for _, c := range calls {
		v := h.callView(rq, c)
		if v.Open {
			p.Open = append(p.Open, v)
		} else {
			p.Other = append(p.Other, v)
		}
	}
	h.render(w, r, rq, http.StatusOK, "home", &p)
	return nil
}

// callPage shows one call.
type callPage struct {
	basePage
	Call     callView
	CanStart bool // a signed-in applicant, while the call is open
	SignIn   string
	// Published counts the cases of the call in the library, which
	// Library lists.
	Published int
	Library   string
}

func (h *Handler) callShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	c, err := h.app.Call(r.Context(), rq.user, r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := h.callView(rq, c)
	p := callPage{basePage: h.base(r, rq, v.Title), Call: v,
		SignIn: h.path(rq, "/account/signin") + "?next=" + url.QueryEscape(r.URL.Path)}
	if u := rq.user; u != nil && v.Open {
		p.CanStart = u.Role == store.RoleApplicant || u.Role == store.RoleAdmin
	}
	filters := map[string][]string{search.FacetCall: {c.Slug}}
	res, err := h.app.SearchLibraryHits(r.Context(), search.Query{Lang: rq.lang, Filters: filters, PerPage: 1, Facets: []string{}})
	if err != nil {
		return err
	}
	p.Published, p.Library = res.Total, h.libraryHref(rq, search.FacetCall, c.Slug)
	h.render(w, r, rq, http.StatusOK, "call", &p)
	return nil
}

// caseStart starts a draft in a call and opens its form.
func (h *Handler) caseStart(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	form, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, form) {
		return errCSRF
	}
	v, err := h.app.CreateCase(r.Context(), rq.user, r.PathValue("slug"), domain.Case{})
	if err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/me/cases/"+v.ID+"/edit"))
	return nil
}

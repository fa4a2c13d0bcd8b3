package web

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// pageTypes names every page template and the data type it renders. A
// template without an entry, or an entry without a template, stops New;
// a page rendered with another type is an error; and a test renders each
// template with its type, so a misspelt field fails a test, not a page.
var pageTypes = map[string]any{
	"error":           (*errorPageData)(nil),
	"home":            (*homePage)(nil),
	"call":            (*callPage)(nil),
	"register":        (*registerPage)(nil),
	"message":         (*messagePage)(nil),
	"email_form":      (*emailFormPage)(nil),
	"signin":          (*signInPage)(nil),
	"reset":           (*resetPage)(nil),
	"profile":         (*profilePage)(nil),
	"resubmit":        (*resubmitPage)(nil),
	"my_cases":        (*myCasesPage)(nil),
	"case_edit":       (*caseEditPage)(nil),
	"case_show":       (*caseShowPage)(nil),
	"case_withdraw":   (*withdrawPage)(nil),
	"sec_calls":       (*secCallsPage)(nil),
	"sec_call_form":   (*callFormPage)(nil),
	"sec_cases":       (*secCasesPage)(nil),
	"admin_mail":      (*adminMailPage)(nil),
	"admin_mail_show": (*adminMailShowPage)(nil),
	"admin_users":     (*adminUsersPage)(nil),
	// The library (library_*.go)
	"library_search": (*librarySearchPage)(nil),
	"library_case":   (*libraryCasePage)(nil),
	"library_gone":   (*libraryGonePage)(nil),
	"library_stats":  (*libraryStatsPage)(nil),
	// Review workflow (review_*.go)
	"review_mine":         (*reviewMinePage)(nil),
	"review_assignment":   (*reviewPage)(nil),
	"review_invitation":   (*invitationPage)(nil),
	"review_profile":      (*reviewProfilePage)(nil),
	"review_sec_hub":      (*secReviewHubPage)(nil),
	"review_screening":    (*screeningPage)(nil),
	"review_panel":        (*panelPage)(nil),
	"review_assignments":  (*assignPage)(nil),
	"review_ranking":      (*rankingPage)(nil),
	"review_case_reviews": (*caseReviewsPage)(nil),
	"review_decisions":    (*decisionsPage)(nil),
	"review_publication":  (*publicationPage)(nil),
	"review_audit":        (*auditPage)(nil),
	"review_settings":     (*reviewSettingsPage)(nil),
}

// basePage is what the layout needs; every page embeds it.
type basePage struct {
	Lang, Dir string
	Title     string // the page's h1 and <title>
	User      *store.User
	Staff     bool // secretariat or admin
	Admin     bool
	Reviewer  bool // has review work: the menu links to it
	CSRF      string
	// LangSwitch is the language switcher's items, written by
	// renderLangSwitch: every page has it, and as template actions its
	// thirty values were a sixth of a search page's rendering.
	LangSwitch template.HTML
	CSS, JS    string
	Flash      string // a confirmation shown once, after a redirect
	Notice     string // a warning shown above the content
}

// langLink is one entry of the language switcher.
type langLink struct {
	Code, Name, Href string
	Current          bool
}

// base fills the layout's data for rq.
func (h *Handler) base(r *http.Request, rq *request, title string) basePage {
	b := basePage{Lang: rq.lang, Dir: rq.L.Dir(), Title: title, User: rq.user, CSRF: rq.csrf,
		CSS: h.assets.url("app.css"), JS: h.assets.url("app.js")}
	if u := rq.user; u != nil {
		b.Staff = u.Role == store.RoleSecretariat || u.Role == store.RoleAdmin
		b.Admin = u.Role == store.RoleAdmin
		b.Reviewer = h.isReviewer(r, u)
	}
	// The switcher keeps the reader on the same page: the same path with
	// another prefix (and, for a GET, the same query).
	rest := strings.TrimPrefix(r.URL.Path, "/"+rq.lang)
	if rest == "" {
		rest = "/"
	}
	if r.Method == http.MethodGet && r.URL.RawQuery != "" {
		rest += "?" + r.URL.RawQuery
	}
	links := make([]langLink, 0, len(i18n.Langs))
	for _, code := range i18n.Langs {
		links = append(links, langLink{Code: code, Name: i18n.LangName(code), Current: code == rq.lang,
			Href: "/lang/" + code + "?next=" + url.QueryEscape(rest)})
	}
	b.LangSwitch = renderLangSwitch(links)
	if f := r.URL.Query().Get("done"); f != "" && r.Method == http.MethodGet {
		b.Flash = h.flash(rq, f, r.URL.Query())
	}
	return b
}

// flash turns a ?done= code, set by a redirect after a successful post,
// into its message. Only known codes show anything, so a crafted link
// cannot put words on the page.
func (h *Handler) flash(rq *request, code string, q url.Values) string {
	switch code {
	case "saved":
		return rq.T("case.draft_saved")
	case "submitted":
		return rq.T("case.submitted")
	case "withdrawn":
		return rq.T("case.withdrawn")
	case "uploaded":
		return rq.T("case.attachments.uploaded", map[string]any{"Name": q.Get("name")})
	case "removed":
		return rq.T("case.attachments.removed", map[string]any{"Name": q.Get("name")})
	case "draft_loaded":
		return rq.T("case.offline.loaded")
	case "profile":
		return rq.T("account.profile.saved")
	case "call":
		return rq.T("sec.call.saved")
	case "signedout":
		return rq.T("account.signout.done")
	case "verified":
		return rq.T("account.verify.done")
	case "reset":
		return rq.T("account.reset.done")
	case "signedin":
		return rq.T("account.signin.done")
	}
	return h.reviewFlash(rq, code, q)
}

// errorPageData is a status page.
type errorPageData struct {
	basePage
	Status  int
	Message string
}

// messagePage is a page with a heading and a few paragraphs, such as
// "check your mail".
type messagePage struct {
	basePage
	Paragraphs []string
	Links      []navLink
}

// navLink is a link with its text.
type navLink struct{ Href, Text string }

// root sends / to the reader's language.
func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/"+h.matchLang(r)+"/", http.StatusSeeOther)
}

// matchLang is the language for a request without a prefix: the cookie,
// then Accept-Language.
func (h *Handler) matchLang(r *http.Request) string {
	cookie := ""
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	return i18n.Match("", cookie, r.Header.Get("Accept-Language"))
}

// redirectToLang handles a path without a language prefix: a GET is sent
// to the same path in the reader's language; anything else is not found.
func (h *Handler) redirectToLang(w http.ResponseWriter, r *http.Request) {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if isLang(first) {
		if r.URL.Path == "/"+first {
			http.Redirect(w, r, "/"+first+"/", http.StatusMovedPermanently)
			return
		}
		// A language prefix with a path no route knows.
		rq := &request{lang: first, L: h.app.Cat.Localizer(first)}
		h.resolveSession(w, r, rq)
		h.fail(w, r, rq, errPageNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.NotFound(w, r)
		return
	}
	to := "/" + h.matchLang(r) + r.URL.Path
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// switchLang remembers the reader's language choice in a cookie and shows
// the same page in that language.
func (h *Handler) switchLang(w http.ResponseWriter, r *http.Request) {
	to := r.PathValue("to")
	if !isLang(to) {
		http.NotFound(w, r)
		return
	}
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = "/"
	}
	h.setCookie(w, r, langCookie, to, 365*24*time.Hour)
	http.Redirect(w, r, "/"+to+next, http.StatusSeeOther)
}

// renderLangSwitch writes the language switcher's items.
func renderLangSwitch(links []langLink) template.HTML {
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	for _, l := range links {
		b.WriteString("\n<li><a href=\"")
		writeEsc(b, l.Href)
		b.WriteString("\" lang=\"")
		writeEsc(b, l.Code)
		b.WriteString("\" hreflang=\"")
		writeEsc(b, l.Code)
		b.WriteString("\"")
		if l.Current {
			b.WriteString(" aria-current=\"true\"")
		}
		b.WriteString(">")
		writeEsc(b, l.Name)
		b.WriteString("</a></li>")
	}
	return template.HTML(b.String()) // every value escaped above
}

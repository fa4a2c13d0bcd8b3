package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// The review workflow's pages share what is in this file: the
// secretariat's tabs, the rubric in the reader's language, the texts of
// assignment reasons, and the confirmations shown after a redirect.

// tabLink is one tab of a page's sub-navigation.
type tabLink struct {
	Href, Text string
	Current    bool
}

// secReviewTabs are the secretariat's review tools of a call, in the
// order of the workflow: the path under /sec/calls/{slug}/ and the text.
var secReviewTabs = []struct{ path, key string }{
	{"review", "review.sec.nav.overview"},
	{"screening", "review.sec.nav.screening"},
	{"panel", "review.sec.nav.panel"},
	{"assignments", "review.sec.nav.assignments"},
	{"ranking", "review.sec.nav.ranking"},
	{"decisions", "review.sec.nav.decisions"},
	{"publication", "review.sec.nav.publication"},
	{"audit", "review.sec.nav.audit"},
	{"review-settings", "review.sec.nav.settings"},
}

// secReviewBase is what every secretariat review page shows above its
// content: the call and the tabs of the review tools.
type secReviewBase struct {
	basePage
	Call callView
	Tabs []tabLink
}

// secReviewPage checks that the reader is staff, loads the call of the
// request's {slug} and builds the page's top: title from titleKey (with
// the call's title as {{.Call}}) and the tabs, tab being the current one.
func (h *Handler) secReviewPage(r *http.Request, rq *request, tab, titleKey string) (secReviewBase, store.Call, error) {
	if err := requireStaff(rq); err != nil {
		return secReviewBase{}, store.Call{}, err
	}
	call, err := h.app.Call(r.Context(), rq.user, r.PathValue("slug"))
	if err != nil {
		return secReviewBase{}, store.Call{}, err
	}
	cv := h.callView(rq, call)
	b := secReviewBase{basePage: h.base(r, rq, rq.T(titleKey, map[string]any{"Call": isolate(cv.Title)})), Call: cv}
	for _, t := range secReviewTabs {
		b.Tabs = append(b.Tabs, tabLink{Href: h.secReviewPath(rq, call.Slug, t.path), Text: rq.T(t.key), Current: t.path == tab})
	}
	return b, call, nil
}

// secReviewPath is the path of a review tool of a call, in the reader's
// language.
func (h *Handler) secReviewPath(rq *request, slug, tool string) string {
	return h.path(rq, "/sec/calls/"+url.PathEscape(slug)+"/"+tool)
}

// callZone is the time zone a call's dates are shown and typed in.
func callZone(c store.Call) *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// criterionView is one criterion of a rubric in the reader's language.
type criterionView struct {
	Code    string
	Label   string
	Lang    string // language of Label when it is a call's own text
	Weight  string // share of the total, e.g. "25 %"
	Anchors []string
}

// rubricView lays a rubric out in the reader's language: a call's own
// texts in the reader's language (else English, else any), the default
// rubric's texts from the catalogue.
func rubricView(rq *request, rb domain.Rubric) []criterionView {
	var sum float64
	for _, c := range rb.Criteria {
		sum += c.Weight
	}
	out := make([]criterionView, 0, len(rb.Criteria))
	for _, c := range rb.Criteria {
		v := criterionView{Code: c.Code}
		if len(c.Label) > 0 {
			v.Label, v.Lang = localized(store.LocalText(c.Label), rq.lang)
		}
		if v.Label == "" {
			v.Label, v.Lang = criterionText(rq, c.LabelKey(), c.Code), ""
		}
		if sum > 0 {
			v.Weight = rq.T("review.form.weight", map[string]any{"Percent": rq.L.FormatNumber(100*c.Weight/sum, 0)})
		}
		for n := domain.MinScore; n <= domain.MaxScore; n++ {
			text := ""
			if i := n - domain.MinScore; i < len(c.Anchors) {
				text, _ = localized(store.LocalText(c.Anchors[i]), rq.lang)
			}
			if text == "" && rq.L.Has(c.AnchorKey(n)) {
				text = rq.T(c.AnchorKey(n))
			}
			v.Anchors = append(v.Anchors, text)
		}
		out = append(out, v)
	}
	return out
}

// criterionText is a catalogue text, or fallback when the catalogue has
// none (a call's own criterion without a label).
func criterionText(rq *request, key, fallback string) string {
	if rq.L.Has(key) {
		return rq.T(key)
	}
	return fallback
}

// scoreLabel is the text of score n of a criterion: "4 – Several KPIs…".
func scoreLabel(c criterionView, n int) string {
	s := strconv.Itoa(n)
	if i := n - domain.MinScore; i >= 0 && i < len(c.Anchors) && c.Anchors[i] != "" {
		s += " – " + c.Anchors[i]
	}
	return s
}

// reasonText says why an assignment was made, in the reader's language:
// the affinity term with its vocabulary label and its points.
func reasonText(rq *request, r store.AssignmentReason) string {
	value := r.Value
	switch r.Kind {
	case "technology":
		value = rq.T(domain.VocabKey(domain.VocabTechnology, r.Value))
	case "sector":
		value = r.Value + " – " + rq.T(domain.VocabKey(domain.VocabSector, r.Value))
	case "region":
		value = rq.T(domain.VocabKey(domain.VocabRegion, r.Value))
	case "wsis":
		value = r.Value + " – " + rq.T(domain.VocabKey(domain.VocabWSIS, r.Value))
	}
	key := "review.reason." + r.Kind
	if !rq.L.Has(key) {
		return r.Kind + " " + r.Value
	}
	s := rq.T(key, map[string]any{"Value": value})
	if r.Points > 0 {
		s += " " + rq.T("review.reason.points", map[string]any{"Points": r.Points})
	}
	return s
}

// blockedView is one hard constraint that kept reviewers off a case.
type blockedView struct {
	Text  string
	Count int
}

// blockedText lists a shortfall's blocking constraints, most excluding
// first, in the reader's language.
func blockedText(rq *request, blocked map[string]int) []blockedView {
	var out []blockedView
	for _, k := range sortedKeys(blocked) {
		key := "review.blocked." + k
		text := k
		if rq.L.Has(key) {
			text = rq.T(key)
		}
		out = append(out, blockedView{Text: text, Count: blocked[k]})
	}
	slices.SortStableFunc(out, func(a, b blockedView) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// auditLabel is the text of an audit log's entity or action code, or the
// code itself when the catalogue has no text for it.
func auditLabel(rq *request, kind, code string) string {
	key := "review.audit." + kind + "." + code
	if rq.L.Has(key) {
		return rq.T(key)
	}
	return code
}

// caseIDShape is the form of a public case id, the only thing a flash
// message takes from the query string.
var caseIDShape = regexp.MustCompile(`^DX-[0-9]{4}-[0-9]{4,}$`)

// reviewFlash turns the ?done= codes of the review pages into their
// confirmation; unknown codes show nothing.
func (h *Handler) reviewFlash(rq *request, code string, q url.Values) string {
	caseID := q.Get("case")
	if !caseIDShape.MatchString(caseID) {
		caseID = ""
	}
	caseID = isolate(caseID) // a Latin id inside an Arabic sentence
	count := func(name string) int {
		n, err := strconv.Atoi(q.Get(name))
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	switch code {
	case "review_saved":
		return rq.T("review.flash.saved")
	case "review_submitted":
		return rq.T("review.flash.submitted")
	case "review_profile":
		return rq.T("review.flash.profile")
	case "invitation_accepted":
		return rq.T("review.flash.invitation_accepted")
	case "screened":
		return rq.T("review.flash.screened", map[string]any{"Case": caseID})
	case "invited":
		return rq.T("review.flash.invited")
	case "max_load":
		return rq.T("review.flash.max_load")
	case "rule":
		return rq.T("review.flash.rule")
	case "unassigned":
		return rq.T("review.flash.unassigned")
	case "decided":
		return rq.T("review.flash.decided", map[string]any{"Case": caseID})
	case "reviewer_added":
		return rq.T("review.flash.reviewer_added", map[string]any{"Case": caseID})
	case "reopened":
		return rq.T("review.flash.reopened")
	case "released":
		return rq.T("review.flash.released", map[string]any{"Accepted": count("accepted"), "Rejected": count("rejected")})
	case "published":
		return rq.T("review.flash.published", map[string]any{"Case": caseID})
	case "unpublished":
		return rq.T("review.flash.unpublished", map[string]any{"Case": caseID})
	case "settings":
		return rq.T("review.flash.settings")
	}
	return ""
}

// parseLocalTime reads a datetime-local value in loc; empty is nil.
func parseLocalTime(s string, loc *time.Location) (*time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	for _, layout := range []string{localLayout, localLayout + ":05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return &t, true
		}
	}
	return nil, false
}

// allCases lists every case of a call in the given states (staff), page
// by page.
func (h *Handler) allCases(ctx context.Context, actor *store.User, slug string, states ...string) ([]store.Case, error) {
	const per = 500
	var out []store.Case
	for page := 1; ; page++ {
		cs, total, err := h.app.Cases(ctx, actor, slug, app.ListFilter{States: states, Page: page, PerPage: per})
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		if len(cs) < per || len(out) >= total {
			return out, nil
		}
	}
}

// langOptions are the six interface languages, each named in itself.
func langOptions() []option {
	out := make([]option, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		out = append(out, option{Value: l, Label: i18n.LangName(l), Lang: l})
	}
	return out
}

// number writes a score for reading, with one decimal; nil is empty.
func number(rq *request, f *float64) string {
	if f == nil {
		return ""
	}
	return rq.L.FormatNumber(*f, 1)
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// screeningPage is the queue of submitted cases, each with the form that
// screens it against the call's eligibility checklist.
type screeningPage struct {
	secReviewBase
	Cards      []screenCard
	Summary    []summaryItem
	Total      int
	Page       int
	Pages      int
	Prev, Next string
	Screened   []stateCount
	Zone       string
}

// screenCard is one submitted case and its screening form.
type screenCard struct {
	ID, Title, Org, Language, Submitted, Href, Action string
	Version                                           int
	Checklist                                         []*formField
	Outcome, Note, ReturnBy                           *formField
}

const screeningPerPage = 20

func (h *Handler) screeningShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderScreening(w, r, rq, http.StatusOK, "", nil, nil, "")
}

// renderScreening shows the queue; the form of case failed shows the
// values v and the errors errs, headed by msg.
func (h *Handler) renderScreening(w http.ResponseWriter, r *http.Request, rq *request, status int, failed string,
	v url.Values, errs domain.Errors, msg string) error {
	b, call, err := h.secReviewPage(r, rq, "screening", "review.screening.title")
	if err != nil {
		return err
	}
	page := max(atoi(r.URL.Query().Get("page")), 1)
	cases, total, err := h.app.Cases(r.Context(), rq.user, call.Slug,
		app.ListFilter{States: []string{domain.StateSubmitted}, Page: page, PerPage: screeningPerPage})
	if err != nil {
		return err
	}
	counts, err := h.app.CaseCounts(r.Context(), rq.user, call.Slug)
	if err != nil {
		return err
	}
	loc := callZone(call)
	p := screeningPage{secReviewBase: b, Total: total, Page: page, Pages: max((total+screeningPerPage-1)/screeningPerPage, 1),
		Zone: rq.L.ZoneName(loc)}
	for _, s := range []string{domain.StateEligible, domain.StateIneligible, domain.StateReturned} {
		p.Screened = append(p.Screened, stateCount{State: s, N: counts[s]})
	}
	base := h.secReviewPath(rq, call.Slug, "screening")
	if page > 1 {
		p.Prev = base + "?page=" + strconv.Itoa(page-1)
	}
	if page < p.Pages {
		p.Next = base + "?page=" + strconv.Itoa(page+1)
	}
	for _, c := range cases {
		values := url.Values{}
		if c.ID == failed {
			values = v
		}
		fe := newFormErrors(rq, "screen-"+c.ID)
		card := h.screenCard(rq, call, c, values, fe, base, page)
		if c.ID == failed {
			if msg != "" {
				fe.message(msg)
			}
			fe.place(errs)
			p.Summary = fe.Summary
		}
		p.Cards = append(p.Cards, card)
	}
	if failed != "" && p.Summary == nil && msg != "" {
		// The case left the queue meanwhile (screened by someone else).
		p.Summary = []summaryItem{{Href: "#main", Text: msg}}
	}
	h.render(w, r, rq, status, "review_screening", &p)
	return nil
}

// screenCard builds the screening form of case c with values v.
func (h *Handler) screenCard(rq *request, call store.Call, c store.Case, v url.Values, fe *formErrors, base string, page int) screenCard {
	id := func(name string) string { return "f-" + c.ID + "-" + strings.TrimPrefix(fieldID(name), "f-") }
	card := screenCard{ID: c.ID, Title: c.Title, Org: c.OrgName, Language: c.Language, Version: c.Version,
		Href: h.path(rq, "/me/cases/"+c.ID), Action: base + "/" + url.PathEscape(c.ID) + "?page=" + strconv.Itoa(page)}
	if card.Title == "" {
		card.Title = c.ID
	}
	if c.SubmittedAt != nil {
		card.Submitted = rq.L.FormatDateTime(*c.SubmittedAt, time.UTC)
	}
	yesNoOpts := []option{{Value: "true", Label: rq.T("review.screening.met")}, {Value: "false", Label: rq.T("review.screening.unmet")}}
	for _, it := range call.Eligibility {
		name := "checklist." + it.Code
		text, lang := localized(it.Text, rq.lang)
		if text == "" {
			text = it.Code
		}
		f := &formField{ID: id(name), Name: name, Kind: kindRadios, Label: text, Lang: lang, Required: true,
			Options: withIDs(id(name), choose(yesNoOpts, v.Get(name)))}
		fe.add(f)
		card.Checklist = append(card.Checklist, f)
	}
	var outcomes []option
	for _, o := range domain.ScreeningOutcomes {
		outcomes = append(outcomes, option{Value: o, Label: rq.T("review.screening." + o)})
	}
	card.Outcome = &formField{ID: id("outcome"), Name: "outcome", Kind: kindRadios, Required: true,
		Label: rq.T("review.screening.outcome"), Options: withIDs(id("outcome"), choose(outcomes, v.Get("outcome")))}
	card.Note = &formField{ID: id("note"), Name: "note", Kind: kindTextarea, Rows: 4, UserText: true,
		Label: rq.T("review.screening.note"), Help: rq.T("review.screening.note_help"), Value: v.Get("note")}
	card.ReturnBy = &formField{ID: id("return_by"), Name: "return_by", Kind: kindDateTime,
		Label: rq.T("review.screening.return_by"), Help: rq.T("review.screening.return_by_help", map[string]any{"Zone": rq.L.ZoneName(callZone(call))}),
		Value: v.Get("return_by")}
	fe.add(card.Outcome, card.Note, card.ReturnBy)
	return card
}

// screeningSave screens one case.
func (h *Handler) screeningSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	slug, id := r.PathValue("slug"), r.PathValue("id")
	if !h.csrfOK(r, rq, v) {
		return h.renderScreening(w, r, rq, http.StatusForbidden, id, v, nil, rq.T("error.csrf"))
	}
	call, err := h.app.Call(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	in := app.ScreeningInput{Outcome: v.Get("outcome"), Note: v.Get("note"), Checklist: map[string]bool{}}
	for _, it := range call.Eligibility {
		switch v.Get("checklist." + it.Code) {
		case "true":
			in.Checklist[it.Code] = true
		case "false":
			in.Checklist[it.Code] = false
		}
	}
	t, ok := parseLocalTime(v.Get("return_by"), callZone(call))
	if !ok {
		return h.renderScreening(w, r, rq, http.StatusUnprocessableEntity, id, v, domain.Errors{{Field: "return_by", Key: "err.datetime"}}, "")
	}
	in.ReturnBy = t
	if _, err := h.app.Screen(r.Context(), rq.user, id, in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderScreening(w, r, rq, http.StatusUnprocessableEntity, id, v, errs, "")
		}
		return err
	}
	redirect(w, r, h.secReviewPath(rq, slug, "screening")+"?done=screened&case="+url.QueryEscape(id))
	return nil
}

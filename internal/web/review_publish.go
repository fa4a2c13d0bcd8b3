package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// decisionsPage asks the secretariat to confirm the release of a call's
// pending decisions, listing them and the cases still without one.
type decisionsPage struct {
	secReviewBase
	Pending   []rankRow
	Undecided []rankRow
	Released  []rankRow
	Accepted  int
	Rejected  int
	Action    string
}

func (h *Handler) decisionsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, call, err := h.secReviewPage(r, rq, "decisions", "review.decisions.title")
	if err != nil {
		return err
	}
	rows, err := h.app.Ranking(r.Context(), rq.user, call.Slug)
	if err != nil {
		return err
	}
	p := decisionsPage{secReviewBase: b, Action: h.secReviewPath(rq, call.Slug, "decisions")}
	for i, row := range rows {
		rr := h.rankRow(rq, call.Slug, i+1, row)
		switch {
		case row.Decision != "" && row.Released:
			p.Released = append(p.Released, rr)
		case row.Decision != "":
			p.Pending = append(p.Pending, rr)
			if row.Decision == domain.DecisionAccepted {
				p.Accepted++
			} else {
				p.Rejected++
			}
		case row.State == domain.StateUnderReview:
			p.Undecided = append(p.Undecided, rr)
		}
	}
	h.render(w, r, rq, http.StatusOK, "review_decisions", &p)
	return nil
}

// decisionsRelease releases the pending decisions and mails the applicants.
func (h *Handler) decisionsRelease(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return errCSRF
	}
	slug := r.PathValue("slug")
	res, err := h.app.ReleaseDecisions(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	q := url.Values{"done": {"released"}, "accepted": {strconv.Itoa(len(res.Accepted))}, "rejected": {strconv.Itoa(len(res.Rejected))}}
	redirect(w, r, h.secReviewPath(rq, slug, "decisions")+"?"+q.Encode())
	return nil
}

// publicationPage lists a call's accepted cases, to publish one by one or
// all at once, its published ones, to unpublish with a reason, and those
// taken out of the library, which only a deliberate, one-by-one
// publication brings back.
type publicationPage struct {
	secReviewBase
	Accepted  []pubRow
	Withdrawn []pubRow
	Published []pubRow
	AllAction string
	Result    *app.PublishResult
	Summary   []summaryItem
}

// pubRow is one accepted, withdrawn or published case.
type pubRow struct {
	ID, Title, Href, Action, Published string
	Reason                             *formField // to unpublish it
	Withdrawn, Why                     string     // when and why it was taken out
}

func (h *Handler) publicationShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderPublication(w, r, rq, http.StatusOK, nil, "", "", "")
}

// renderPublication shows the page, with the outcome of publishing the
// whole call if res is set, or a refusal msg about case failed.
func (h *Handler) renderPublication(w http.ResponseWriter, r *http.Request, rq *request, status int, res *app.PublishResult,
	failed, reason, msg string) error {
	b, call, err := h.secReviewPage(r, rq, "publication", "review.publication.title")
	if err != nil {
		return err
	}
	cases, err := h.allCases(r.Context(), rq.user, call.Slug, domain.StateAccepted, domain.StatePublished)
	if err != nil {
		return err
	}
	withdrawn, err := h.app.Withdrawals(r.Context(), rq.user, call.Slug)
	if err != nil {
		return err
	}
	base := h.secReviewPath(rq, call.Slug, "publication")
	p := publicationPage{secReviewBase: b, AllAction: base, Result: res}
	for _, c := range cases {
		row := pubRow{ID: c.ID, Title: c.Title, Href: h.path(rq, "/me/cases/"+c.ID), Action: base + "/" + url.PathEscape(c.ID)}
		if row.Title == "" {
			row.Title = c.ID
		}
		if c.State == domain.StatePublished {
			row.Action += "/unpublish"
			if c.PublishedAt != nil {
				row.Published = rq.L.FormatDate(*c.PublishedAt, time.UTC)
			}
			row.Reason = &formField{ID: "f-reason-" + c.ID, Name: "reason", Kind: kindText, UserText: true,
				Label: rq.T("review.publication.reason", map[string]any{"Case": isolate(c.ID)})}
			if c.ID == failed {
				row.Reason.Value = reason
			}
			p.Published = append(p.Published, row)
		} else if wd, ok := withdrawn[c.ID]; ok {
			row.Action += "/publish"
			row.Withdrawn, row.Why = rq.L.FormatDate(wd.At, time.UTC), wd.Reason
			p.Withdrawn = append(p.Withdrawn, row)
		} else {
			row.Action += "/publish"
			p.Accepted = append(p.Accepted, row)
		}
	}
	if msg != "" {
		href := "#main"
		if failed != "" {
			href = "#case-" + failed
		}
		p.Summary = []summaryItem{{Href: href, Text: msg}}
	}
	h.render(w, r, rq, status, "review_publication", &p)
	return nil
}

// publicationAll publishes every accepted case with consent.
func (h *Handler) publicationAll(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderPublication(w, r, rq, http.StatusForbidden, nil, "", "", rq.T("error.csrf"))
	}
	res, err := h.app.PublishCall(r.Context(), rq.user, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.renderPublication(w, r, rq, http.StatusOK, &res, "", "", "")
}

// publicationOne publishes or unpublishes one case.
func (h *Handler) publicationOne(publish bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := requireStaff(rq); err != nil {
			return err
		}
		v, err := readForm(r)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		if !h.csrfOK(r, rq, v) {
			return h.renderPublication(w, r, rq, http.StatusForbidden, nil, id, v.Get("reason"), rq.T("error.csrf"))
		}
		done := "published"
		if publish {
			_, err = h.app.Publish(r.Context(), rq.user, id)
		} else {
			done = "unpublished"
			_, err = h.app.Unpublish(r.Context(), rq.user, id, v.Get("reason"))
		}
		if ae := app.AsError(err); ae != nil && ae.Kind == app.KindConflict {
			return h.renderPublication(w, r, rq, http.StatusConflict, nil, id, v.Get("reason"), rq.T(ae.Key, ae.Args))
		}
		if err != nil {
			return err
		}
		redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "publication")+"?done="+done+"&case="+url.QueryEscape(id))
		return nil
	}
}

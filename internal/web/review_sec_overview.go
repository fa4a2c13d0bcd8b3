package web

import (
	"net/http"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// secReviewHubPage is the overview of a call's review: where each step
// stands, with the way to the tool of each.
type secReviewHubPage struct {
	secReviewBase
	Counts []stateCount
	All    int
	Steps  []hubStep
}

// hubStep is one step of the review and its state in words.
type hubStep struct {
	Href, Title, Status string
}

func (h *Handler) secReviewHub(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, call, err := h.secReviewPage(r, rq, "review", "review.sec.hub.title")
	if err != nil {
		return err
	}
	ctx := r.Context()
	counts, err := h.app.CaseCounts(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	panel, err := h.app.Reviewers(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	as, err := h.app.Assignments(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	rows, err := h.app.Ranking(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	p := secReviewHubPage{secReviewBase: b}
	p.Counts, p.All = countsOf(counts)
	byState := map[string]int{}
	for _, m := range panel {
		byState[m.State]++
	}
	submitted := 0
	for _, x := range as {
		if x.State == domain.ReviewSubmitted {
			submitted++
		}
	}
	pending, released := 0, 0
	for _, row := range rows {
		switch {
		case row.Decision != "" && row.Released:
			released++
		case row.Decision != "":
			pending++
		}
	}
	step := func(tool, key string, args map[string]any) {
		p.Steps = append(p.Steps, hubStep{Href: h.secReviewPath(rq, call.Slug, tool), Title: rq.T("review.sec.nav." + tool),
			Status: rq.T(key, args)})
	}
	step("screening", "review.sec.hub.screening", map[string]any{"Submitted": counts[domain.StateSubmitted],
		"Eligible": counts[domain.StateEligible], "Ineligible": counts[domain.StateIneligible], "Returned": counts[domain.StateReturned]})
	step("panel", "review.sec.hub.panel", map[string]any{"Accepted": byState[domain.InvitationAccepted],
		"Invited": byState[domain.InvitationInvited], "Declined": byState[domain.InvitationDeclined]})
	step("assignments", "review.sec.hub.assignments", map[string]any{"Assignments": len(as), "Submitted": submitted,
		"UnderReview": counts[domain.StateUnderReview]})
	step("ranking", "review.sec.hub.ranking", map[string]any{"Cases": len(rows), "Pending": pending})
	step("decisions", "review.sec.hub.decisions", map[string]any{"Pending": pending, "Released": released})
	step("publication", "review.sec.hub.publication", map[string]any{"Accepted": counts[domain.StateAccepted],
		"Published": counts[domain.StatePublished]})
	h.render(w, r, rq, http.StatusOK, "review_sec_hub", &p)
	return nil
}

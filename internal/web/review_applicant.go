package web

import (
	"net/http"
	"strconv"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// caseReviewStatus is what a case's page says about its review: the
// screening outcome of the version on record, and, once released, the
// decision with the reviewers' comments to the applicant. It never holds
// a reviewer's name or a confidential comment: app.Feedback gives neither.
type caseReviewStatus struct {
	Outcome, OutcomeCode string
	NoteLabel, Note      string
	ReturnBy             string
	ScreenedAt           string
	Decision             string
	DecisionCode         string
	Comments             []commentView
}

// commentView is one reviewer's comment to the applicant, unnamed.
type commentView struct {
	Label, Text string
}

// Shown reports whether there is anything to say yet.
func (s caseReviewStatus) Shown() bool { return s.OutcomeCode != "" || s.DecisionCode != "" }

// caseReviewStatus reads the review status of a case for its page.
func (h *Handler) caseReviewStatus(r *http.Request, rq *request, cv app.CaseView) (caseReviewStatus, error) {
	var st caseReviewStatus
	ss, err := h.app.Screenings(r.Context(), rq.user, cv.ID)
	if err != nil {
		return st, err
	}
	fb, err := h.app.Feedback(r.Context(), rq.user, cv.ID)
	if err != nil {
		return st, err
	}
	// A screening speaks of the version it screened: once the case is
	// submitted again, the outcome no longer applies.
	if n := len(ss); n > 0 && ss[n-1].Version == cv.Version {
		s := ss[n-1]
		st.OutcomeCode = s.Outcome
		st.Outcome = rq.T("review.screening." + s.Outcome)
		st.ScreenedAt = rq.L.FormatDate(s.ScreenedAt, callZone(cv.Call))
		if s.Note != "" {
			st.NoteLabel, st.Note = rq.T("mail.screening.note_label."+s.Outcome), s.Note
		}
		if s.ReturnBy != nil && s.Outcome == domain.ScreenReturned {
			loc := callZone(cv.Call)
			st.ReturnBy = rq.T("review.status.return_by", map[string]any{"Date": rq.L.FormatDateTime(*s.ReturnBy, loc), "Zone": rq.L.ZoneName(loc)})
		}
	}
	if fb.Decision != "" {
		st.DecisionCode, st.Decision = fb.Decision, rq.T("review.decision."+fb.Decision)
		for i, c := range fb.Comments {
			st.Comments = append(st.Comments, commentView{Label: rq.T("review.reviewer_label", map[string]any{"N": strconv.Itoa(i + 1)}), Text: c})
		}
	}
	return st, nil
}

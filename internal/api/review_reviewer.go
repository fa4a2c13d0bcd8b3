package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// The reviewer's endpoints: their assignments, the (redacted) case of
// each, their review, and the other reviews as the call allows.

// myAssignments lists the caller's assignments in every call.
func (s *server) myAssignments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.app.MyAssignments(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items(as))
}

// criterionJSON is a rubric's criterion with its texts in the reader's
// language: the call's own, else the catalogue's.
type criterionJSON struct {
	Code    string   `json:"code"`
	Weight  float64  `json:"weight"`
	Label   string   `json:"label"`
	Anchors []string `json:"anchors"`
}

type rubricJSON struct {
	Criteria []criterionJSON `json:"criteria"`
}

// localRubric gives each criterion its label and the description of each
// score in the reader's language.
func localRubric(rc *reqCtx, rb domain.Rubric) rubricJSON {
	pick := func(texts map[string]string) string {
		for _, l := range []string{rc.lang, "en"} {
			if t := texts[l]; t != "" {
				return t
			}
		}
		for _, k := range slices.Sorted(maps.Keys(texts)) {
			if texts[k] != "" {
				return texts[k]
			}
		}
		return ""
	}
	out := rubricJSON{Criteria: make([]criterionJSON, 0, len(rb.Criteria))}
	for _, c := range rb.Criteria {
		cj := criterionJSON{Code: c.Code, Weight: c.Weight, Label: pick(c.Label), Anchors: []string{}}
		if cj.Label == "" && rc.L.Has(c.LabelKey()) {
			cj.Label = rc.L.T(c.LabelKey())
		}
		if cj.Label == "" {
			cj.Label = c.Code
		}
		for n := domain.MinScore; n <= domain.MaxScore; n++ {
			text := ""
			if i := n - domain.MinScore; i < len(c.Anchors) {
				text = pick(c.Anchors[i])
			}
			if text == "" && rc.L.Has(c.AnchorKey(n)) {
				text = rc.L.T(c.AnchorKey(n))
			}
			cj.Anchors = append(cj.Anchors, text)
		}
		out.Criteria = append(out.Criteria, cj)
	}
	return out
}

// reviewerCaseJSON is the case of an assignment as its reviewer may see
// it, with the rubric in the reader's language.
type reviewerCaseJSON struct {
	app.ReviewerCase
	Rubric rubricJSON `json:"rubric"`
}

// assignmentCase returns the case of one of the caller's assignments; in
// a blind call the app has already removed what identifies the applicant.
func (s *server) assignmentCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	c, err := s.app.ReviewCase(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	c.SubmittedAt = c.SubmittedAt.UTC()
	if c.Review != nil {
		rv := reviewJSON(*c.Review)
		c.Review = &rv
	}
	return writeJSON(w, http.StatusOK, reviewerCaseJSON{ReviewerCase: c, Rubric: localRubric(rc, c.Rubric)})
}

// assignmentAttachment downloads an attachment of an assigned case (open
// review only).
func (s *server) assignmentAttachment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	att, data, err := s.app.ReviewAttachmentFile(r.Context(), rc.actor, id, r.PathValue("name"))
	if err != nil {
		return err
	}
	return sendFile(w, r, att, data)
}

// sendFile answers with an attachment as a download.
func sendFile(w http.ResponseWriter, r *http.Request, att store.Attachment, data []byte) error {
	if int64(len(data)) != att.Size {
		return fmt.Errorf("attachment %s/%s: stored %d bytes, recorded %d", att.CaseID, att.Name, len(data), att.Size)
	}
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", attachmentDisposition(att.Name))
	h.Set("Content-Length", fmt.Sprint(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

// reviewJSON writes a review's times in UTC.
func reviewJSON(rv app.Review) app.Review {
	rv.UpdatedAt = rv.UpdatedAt.UTC()
	rv.SubmittedAt = utcPtr(rv.SubmittedAt)
	return rv
}

// putReview saves the caller's review as a draft.
func (s *server) putReview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	var in app.ReviewInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := s.app.SaveReview(r.Context(), rc.actor, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reviewJSON(rv))
}

// submitReview submits the caller's saved review.
func (s *server) submitReview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	var in struct{}
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	rv, err := s.app.SubmitReview(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, reviewJSON(rv))
}

type reopenBody struct {
	Reason string `json:"reason"`
}

// reopenReview returns a submitted review to its reviewer (secretariat).
func (s *server) reopenReview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	var in reopenBody
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.app.ReopenReview(r.Context(), rc.actor, id, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// otherReviews lists the other submitted reviews of an assigned case, as
// the call's visibility allows: never the confidential comments, and the
// reviewers' names only when the call reveals them.
func (s *server) otherReviews(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	ps, err := s.app.OtherReviews(r.Context(), rc.actor, id)
	if err != nil {
		return err
	}
	for i := range ps {
		ps[i].SubmittedAt = utcPtr(ps[i].SubmittedAt)
	}
	return writeJSON(w, http.StatusOK, items(ps))
}

// caseReviews lists every review of a case with its reviewer and the
// confidential comment (secretariat).
func (s *server) caseReviews(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rs, err := s.app.CaseReviews(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	for i := range rs {
		rs[i].Review = reviewJSON(rs[i].Review)
	}
	return writeJSON(w, http.StatusOK, items(rs))
}

package api

import (
	"net/http"
	"strconv"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// The review workflow's endpoints for the secretariat: screening, the
// panel of reviewers, the assignment and its rules. Every check is the
// app's; these handlers only read requests and write answers.

// itemsOf is a list answer: {"items": [...]}, never null.
type itemsOf[T any] struct {
	Items []T `json:"items"`
}

func items[T any](xs []T) itemsOf[T] {
	if xs == nil {
		xs = []T{}
	}
	return itemsOf[T]{Items: xs}
}

// idParam reads a numeric id from the path; anything else names nothing.
func idParam(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, &app.Error{Kind: app.KindNotFound, Key: "error.not_found"}
	}
	return n, nil
}

// invalidField is a 422 about one field of the body.
func invalidField(field, key string, args map[string]any) error {
	return &app.Error{Kind: app.KindInvalid, Key: "error.invalid", Args: map[string]any{"Count": 1},
		Fields: domain.Errors{{Field: field, Key: key, Args: args}}}
}

// screenCase records the screening of a submitted case.
func (s *server) screenCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.ScreeningInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Screen(r.Context(), rc.actor, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

// listScreenings lists a case's screenings: all of them for staff, the
// outcome, note and date for the owner.
func (s *server) listScreenings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ss, err := s.app.Screenings(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	for i := range ss {
		ss[i].ScreenedAt = ss[i].ScreenedAt.UTC()
		ss[i].ReturnBy = utcPtr(ss[i].ReturnBy)
	}
	return writeJSON(w, http.StatusOK, items(ss))
}

// inviteReviewer invites someone to a call's panel, or invites again.
func (s *server) inviteReviewer(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.Invitation
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.app.InviteReviewer(r.Context(), rc.actor, r.PathValue("slug"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, panelJSON(m))
}

// panelJSON writes a panel member's times in UTC.
func panelJSON(m app.PanelMember) app.PanelMember {
	m.InvitedAt = m.InvitedAt.UTC()
	m.RespondedAt = utcPtr(m.RespondedAt)
	return m
}

func (s *server) listReviewers(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.app.Reviewers(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i] = panelJSON(ms[i])
	}
	return writeJSON(w, http.StatusOK, items(ms))
}

// putReviewerProfile replaces a reviewer's declarations for a call: the
// reviewer's own, or any reviewer's for the secretariat.
func (s *server) putReviewerProfile(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rid, err := idParam(r, "reviewer")
	if err != nil {
		return err
	}
	var in app.ReviewerProfile
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.app.UpdateReviewerProfile(r.Context(), rc.actor, r.PathValue("slug"), rid, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, panelJSON(m))
}

type maxLoadBody struct {
	MaxLoad *int `json:"max_load"`
}

// patchReviewer changes a reviewer's maximum load (secretariat).
func (s *server) patchReviewer(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rid, err := idParam(r, "reviewer")
	if err != nil {
		return err
	}
	var in maxLoadBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.MaxLoad == nil {
		return invalidField("max_load", domain.ErrRequired, nil)
	}
	m, err := s.app.SetMaxLoad(r.Context(), rc.actor, r.PathValue("slug"), rid, *in.MaxLoad)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, panelJSON(m))
}

// myPanels lists the calls whose panel the caller joined.
func (s *server) myPanels(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.app.MyPanels(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	for i := range ms {
		ms[i] = panelJSON(ms[i])
	}
	return writeJSON(w, http.StatusOK, items(ms))
}

type autoAssignBody struct {
	ReviewersPerCase int `json:"reviewers_per_case"`
}

// autoAssign runs the automatic assignment; an empty body uses the call's
// reviewers per case.
func (s *server) autoAssign(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in autoAssignBody
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.app.AutoAssign(r.Context(), rc.actor, r.PathValue("slug"), in.ReviewersPerCase)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *server) listAssignments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.app.Assignments(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items(as))
}

// deleteAssignment removes an assignment whose review was not started.
func (s *server) deleteAssignment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.Unassign(r.Context(), rc.actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type addReviewerBody struct {
	Reviewer int64 `json:"reviewer"`
}

// addReviewer assigns one more reviewer to a case by hand.
func (s *server) addReviewer(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in addReviewerBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	x, err := s.app.AddReviewer(r.Context(), rc.actor, r.PathValue("id"), in.Reviewer)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, x)
}

func (s *server) listRules(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rs, err := s.app.Rules(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	for i := range rs {
		rs[i].CreatedAt = rs[i].CreatedAt.UTC()
	}
	return writeJSON(w, http.StatusOK, items(rs))
}

type ruleBody struct {
	Kind string `json:"kind"`
}

// putRule pins or forbids the pair of a case and a reviewer.
func (s *server) putRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rid, err := idParam(r, "reviewer")
	if err != nil {
		return err
	}
	var in ruleBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	switch in.Kind {
	case "pin":
		err = s.app.Pin(r.Context(), rc.actor, id, rid)
	case "forbid":
		err = s.app.Forbid(r.Context(), rc.actor, id, rid)
	default:
		return invalidField("kind", domain.ErrUnknownCode, map[string]any{"Value": in.Kind})
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteRule removes the pin or prohibition of a pair.
func (s *server) deleteRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	rid, err := idParam(r, "reviewer")
	if err != nil {
		return err
	}
	if err := s.app.ClearRule(r.Context(), rc.actor, r.PathValue("id"), rid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

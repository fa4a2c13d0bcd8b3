package web

import (
	"net/http"
	"net/url"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// reviewSettingsPage sets what reviewers of a call see of each other.
type reviewSettingsPage struct {
	secReviewBase
	Action  string
	Fields  []*formField
	Summary []summaryItem
}

func (h *Handler) reviewSettingsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	s, err := h.app.ReviewSettings(r.Context(), rq.user, r.PathValue("slug"))
	if err != nil {
		return err
	}
	v := url.Values{"review_visibility": {s.Visibility}}
	if s.RevealReviewers {
		v.Set("reveal_reviewers", "true")
	}
	if s.Deadline != nil {
		call, err := h.app.Call(r.Context(), rq.user, r.PathValue("slug"))
		if err != nil {
			return err
		}
		v.Set("review_deadline", s.Deadline.In(callZone(call)).Format(localLayout))
	}
	return h.renderReviewSettings(w, r, rq, http.StatusOK, v, nil, "")
}

func (h *Handler) renderReviewSettings(w http.ResponseWriter, r *http.Request, rq *request, status int, v url.Values,
	errs domain.Errors, msg string) error {
	b, call, err := h.secReviewPage(r, rq, "review-settings", "review.settings.title")
	if err != nil {
		return err
	}
	p := reviewSettingsPage{secReviewBase: b, Action: h.secReviewPath(rq, call.Slug, "review-settings")}
	fe := newFormErrors(rq, "settings-form")
	var opts []option
	for _, vis := range domain.Visibilities {
		opts = append(opts, option{Value: vis, Label: rq.T("review.visibility." + vis)})
	}
	vis := &formField{ID: fieldID("review_visibility"), Name: "review_visibility", Kind: kindRadios, Required: true,
		Label: rq.T("review.settings.visibility"), Options: withIDs(fieldID("review_visibility"), choose(opts, v.Get("review_visibility")))}
	reveal := &formField{ID: fieldID("reveal_reviewers"), Name: "reveal_reviewers", Kind: kindCheckbox,
		Label: rq.T("review.settings.reveal"), Help: rq.T("review.settings.reveal_help"), Checked: v.Get("reveal_reviewers") == "true"}
	deadline := &formField{ID: fieldID("review_deadline"), Name: "review_deadline", Kind: kindDateTime, Value: v.Get("review_deadline"),
		Label: rq.T("review.settings.deadline"), Help: rq.T("review.settings.deadline_help", map[string]any{"Zone": rq.L.ZoneName(callZone(call))})}
	fe.add(vis, reveal, deadline)
	p.Fields = []*formField{vis, reveal, deadline}
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_settings", &p)
	return nil
}

func (h *Handler) reviewSettingsSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderReviewSettings(w, r, rq, http.StatusForbidden, v, nil, rq.T("error.csrf"))
	}
	slug := r.PathValue("slug")
	call, err := h.app.Call(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	// The deadline is typed in the call's time zone; what cannot be read
	// is sent back with the rest of the form as typed.
	deadline, ok := parseLocalTime(v.Get("review_deadline"), callZone(call))
	if !ok {
		return h.renderReviewSettings(w, r, rq, http.StatusUnprocessableEntity, v,
			domain.Errors{{Field: "review_deadline", Key: "err.datetime"}}, "")
	}
	_, err = h.app.SetReviewSettings(r.Context(), rq.user, slug, app.ReviewSettings{Visibility: v.Get("review_visibility"),
		RevealReviewers: v.Get("reveal_reviewers") == "true", Deadline: deadline})
	if errs := fieldErrors(err); errs != nil {
		return h.renderReviewSettings(w, r, rq, http.StatusUnprocessableEntity, v, errs, "")
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.secReviewPath(rq, slug, "review-settings")+"?done=settings")
	return nil
}

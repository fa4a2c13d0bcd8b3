package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// invitationPage is the page behind the link of an invitation to review:
// accept it (with a new account, or the signed-in one) or decline it.
type invitationPage struct {
	basePage
	Token     string
	Action    string
	CallTitle string
	CallLang  string
	Name      string
	Email     string
	Expires   string
	// Mode says how accepting works: "create" an account with a password,
	// "link" the signed-in account, "signin" first (the address has an
	// account), or "other" (signed in with another address).
	Mode       string
	SignIn     string
	Password   *formField
	Suggestion *formField
	Summary    []summaryItem
}

// Ways of accepting an invitation.
const (
	inviteCreate = "create"
	inviteLink   = "link"
	inviteSignIn = "signin"
	inviteOther  = "other"
)

func (h *Handler) invitationShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderInvitation(w, r, rq, http.StatusOK, r.URL.Query().Get("token"), url.Values{}, nil, "")
}

// renderInvitation shows the invitation of token, or, when the link is no
// longer valid, says so and what to do.
func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, rq *request, status int, token string,
	v url.Values, errs domain.Errors, msg string) error {
	view, err := h.app.Invitation(r.Context(), token)
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindBadRequest {
		p := messagePage{basePage: h.base(r, rq, rq.T("review.invite.title")), Paragraphs: []string{rq.T(ae.Key)}}
		h.render(w, r, rq, http.StatusBadRequest, "message", &p)
		return nil
	}
	if err != nil {
		return err
	}
	h.anonForms(w, r, rq)
	p := invitationPage{basePage: h.base(r, rq, rq.T("review.invite.title")), Token: token, Action: h.path(rq, "/review/invitation"),
		Name: view.Name, Email: view.Email, Expires: rq.L.FormatDate(view.ExpiresAt, nil)}
	p.CallTitle, p.CallLang = localized(view.CallTitle, rq.lang)
	switch {
	case rq.user != nil && strings.EqualFold(rq.user.Email, view.Email):
		p.Mode = inviteLink
	case rq.user != nil:
		p.Mode = inviteOther
	case view.HasAccount:
		p.Mode = inviteSignIn
		p.SignIn = h.path(rq, "/account/signin") + "?next=" + url.QueryEscape(h.path(rq, "/review/invitation")+"?token="+url.QueryEscape(token))
	default:
		p.Mode = inviteCreate
	}
	fe := newFormErrors(rq, "invitation")
	p.Password = &formField{ID: fieldID("password"), Name: "password", Kind: kindPassword, Required: true, Autocomplete: "new-password",
		Label: rq.T("review.invite.password"), Help: rq.T("review.invite.password_help", map[string]any{"Min": app.MinPasswordLen})}
	p.Suggestion = &formField{ID: fieldID("suggestion"), Name: "suggestion", Kind: kindTextarea, Rows: 3, UserText: true,
		Label: rq.T("review.invite.suggestion"), Help: rq.T("review.invite.suggestion_help"), Value: v.Get("suggestion")}
	fe.add(p.Password, p.Suggestion)
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_invitation", &p)
	return nil
}

// invitationAnswer accepts or declines an invitation. A new account is
// signed in at once, since the link proved its address; an existing
// account must be signed in to be linked.
func (h *Handler) invitationAnswer(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := readForm(r)
	if err != nil {
		return err
	}
	token := v.Get("token")
	if !h.csrfOK(r, rq, v) {
		if _, err := h.app.Invitation(r.Context(), token); err != nil {
			return errCSRF
		}
		return h.renderInvitation(w, r, rq, http.StatusForbidden, token, v, nil, rq.T("error.csrf"))
	}
	if v.Get("action") == "decline" {
		err := h.app.DeclineInvitation(r.Context(), token, v.Get("suggestion"))
		if errs := fieldErrors(err); errs != nil {
			return h.renderInvitation(w, r, rq, http.StatusUnprocessableEntity, token, v, errs, "")
		}
		if ae := app.AsError(err); ae != nil && ae.Kind == app.KindBadRequest {
			return h.renderInvitation(w, r, rq, http.StatusBadRequest, token, v, nil, "")
		}
		if err != nil {
			return err
		}
		p := messagePage{basePage: h.base(r, rq, rq.T("review.invite.title")), Paragraphs: []string{rq.T("review.invite.declined")}}
		h.render(w, r, rq, http.StatusOK, "message", &p)
		return nil
	}
	view, err := h.app.Invitation(r.Context(), token)
	if err != nil {
		return h.renderInvitation(w, r, rq, http.StatusBadRequest, token, v, nil, "")
	}
	password := v.Get("password")
	switch {
	case rq.user != nil && !strings.EqualFold(rq.user.Email, view.Email):
		return h.renderInvitation(w, r, rq, http.StatusForbidden, token, v, nil, rq.T("review.invite.other_account", map[string]any{"Email": view.Email}))
	case rq.user != nil:
		password = "" // the signed-in account is linked
	case view.HasAccount:
		return h.renderInvitation(w, r, rq, http.StatusUnauthorized, token, v, nil, rq.T("review.invite.sign_in_first"))
	}
	u, m, err := h.app.AcceptInvitation(r.Context(), token, password)
	if errs := fieldErrors(err); errs != nil {
		return h.renderInvitation(w, r, rq, http.StatusUnprocessableEntity, token, v, errs, "")
	}
	if err != nil {
		return err
	}
	if rq.user == nil {
		if _, err := h.startSession(w, r, u); err != nil {
			return err
		}
	}
	// First stop: the reviewer's declarations for the call.
	redirect(w, r, h.path(rq, "/review/calls/"+url.PathEscape(m.Call)+"/profile")+"?done=invitation_accepted")
	return nil
}

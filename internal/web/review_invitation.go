package web

import (
	"net/http"
	"net/url"

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
	// Mode says how accepting works (app.InvitationView.Accept): "create"
	// an account with a password, "link" the signed-in account, "signin"
	// first (the address has an account), or "other" (signed in with
	// another address).
	Mode     string
	SignIn   string
	Password *formField
	// Decline holds the reason and the suggested replacement's name and
	// address.
	Decline []*formField
	Summary []summaryItem
}

func (h *Handler) invitationShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderInvitation(w, r, rq, http.StatusOK, r.URL.Query().Get("token"), url.Values{}, nil, "")
}

// renderInvitation shows the invitation of token, or, when the link is no
// longer valid, says so and what to do.
func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, rq *request, status int, token string,
	v url.Values, errs domain.Errors, msg string) error {
	view, err := h.app.Invitation(r.Context(), rq.user, token)
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
	p.Mode = view.Accept
	if p.Mode == app.AcceptSignIn {
		p.SignIn = h.path(rq, "/account/signin") + "?next=" + url.QueryEscape(h.path(rq, "/review/invitation")+"?token="+url.QueryEscape(token))
	}
	fe := newFormErrors(rq, "invitation")
	p.Password = &formField{ID: fieldID("password"), Name: "password", Kind: kindPassword, Required: true, Autocomplete: "new-password",
		Label: rq.T("review.invite.password"), Help: rq.T("review.invite.password_help", map[string]any{"Min": app.MinPasswordLen})}
	reason := &formField{ID: fieldID("reason"), Name: "reason", Kind: kindTextarea, Rows: 3, UserText: true,
		Label: rq.T("review.invite.reason"), Help: rq.T("review.invite.reason_help"), Value: v.Get("reason")}
	sname := &formField{ID: fieldID(suggestedName), Name: suggestedName, Kind: kindText, UserText: true, Autocomplete: "off",
		Label: rq.T("review.invite.suggested_name"), Value: v.Get(suggestedName)}
	semail := &formField{ID: fieldID(suggestedEmail), Name: suggestedEmail, Kind: kindEmail, Autocomplete: "off",
		Label: rq.T("review.invite.suggested_email"), Help: rq.T("review.invite.suggestion_help"), Value: v.Get(suggestedEmail)}
	p.Decline = []*formField{reason, sname, semail}
	fe.add(p.Password, reason, sname, semail)
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_invitation", &p)
	return nil
}

// Names of the decline form's fields for the suggested replacement, as
// the app names their errors.
const (
	suggestedName  = "suggested_replacement.name"
	suggestedEmail = "suggested_replacement.email"
)

// declineOf reads the decline form.
func declineOf(v url.Values) app.Decline {
	d := app.Decline{Reason: v.Get("reason")}
	if v.Get(suggestedName) != "" || v.Get(suggestedEmail) != "" {
		d.Replacement = &app.Replacement{Name: v.Get(suggestedName), Email: v.Get(suggestedEmail)}
	}
	return d
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
		if _, err := h.app.Invitation(r.Context(), rq.user, token); err != nil {
			return errCSRF
		}
		return h.renderInvitation(w, r, rq, http.StatusForbidden, token, v, nil, rq.T("error.csrf"))
	}
	if v.Get("action") == "decline" {
		err := h.app.DeclineInvitation(r.Context(), token, declineOf(v))
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
	// The app decides who may accept; the page says what to do instead.
	u, m, err := h.app.AcceptInvitationAs(r.Context(), rq.user, token, v.Get("password"))
	if errs := fieldErrors(err); errs != nil {
		return h.renderInvitation(w, r, rq, http.StatusUnprocessableEntity, token, v, errs, "")
	}
	if ae := app.AsError(err); ae != nil {
		switch ae.Kind {
		case app.KindBadRequest:
			return h.renderInvitation(w, r, rq, http.StatusBadRequest, token, v, nil, "")
		case app.KindForbidden:
			return h.renderInvitation(w, r, rq, http.StatusForbidden, token, v, nil, rq.T("review.invite.other_account", ae.Args))
		case app.KindUnauthenticated:
			return h.renderInvitation(w, r, rq, http.StatusUnauthorized, token, v, nil, rq.T("review.invite.sign_in_first"))
		}
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

package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// accountForm builds the fields of the account pages, labelled from
// account.field.<name>.
type accountForm struct {
	rq     *request
	v      url.Values
	errs   *formErrors
	Fields []*formField
}

func newAccountForm(rq *request, v url.Values) *accountForm {
	return &accountForm{rq: rq, v: v, errs: newFormErrors(rq, "main")}
}

func (a *accountForm) add(name, kind string, required bool, autocomplete string) *formField {
	args := map[string]any{"Min": app.MinPasswordLen}
	f := &formField{ID: fieldID(name), Name: name, Kind: kind, Required: required, Autocomplete: autocomplete,
		Label: a.rq.T("account.field."+name+".label", args), Help: a.rq.T("account.field."+name+".help", args)}
	if kind != kindPassword {
		f.Value = a.v.Get(name)
	}
	if kind == kindText {
		f.UserText = true
	}
	a.errs.add(f)
	a.Fields = append(a.Fields, f)
	return f
}

// profileFields adds the fields a person states about themselves.
func (a *accountForm) profileFields() {
	rq := a.rq
	a.add("name", kindText, true, "name")
	var langs []option
	for _, l := range i18n.Langs {
		langs = append(langs, option{Value: l, Label: i18n.LangName(l), Lang: l})
	}
	lf := a.add("language", kindSelect, true, "")
	lf.Options = choose(langs, a.v.Get("language"))
	a.add("org_name", kindText, false, "organization")
	tf := a.add("org_type", kindSelect, false, "")
	tf.Options = choose(blankOption(rq, vocabOptions(rq, domain.VocabOrgType, domain.OrgTypes, false)), a.v.Get("org_type"))
	cf := a.add("org_country", kindSelect, false, "")
	cf.Options = choose(blankOption(rq, countryOptions(rq.lang)), a.v.Get("org_country"))
}

// registerPage is the registration form.
type registerPage struct {
	basePage
	Fields  []*formField
	Summary []summaryItem
}

func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	h.renderRegister(w, r, rq, http.StatusOK, url.Values{"language": {rq.lang}}, nil, "")
	return nil
}

func (h *Handler) renderRegister(w http.ResponseWriter, r *http.Request, rq *request, status int, v url.Values, errs domain.Errors, msg string) {
	h.anonForms(w, r, rq)
	f := newAccountForm(rq, v)
	f.add("email", kindEmail, true, "email")
	f.add("password", kindPassword, true, "new-password")
	f.add("password2", kindPassword, true, "new-password")
	f.profileFields()
	if msg != "" {
		f.errs.message(msg)
	}
	f.errs.place(errs)
	p := registerPage{basePage: h.base(r, rq, rq.T("account.register.title")), Fields: f.Fields, Summary: f.errs.Summary}
	h.render(w, r, rq, status, "register", &p)
}

func (h *Handler) registerSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		h.renderRegister(w, r, rq, http.StatusForbidden, v, nil, rq.T("error.csrf"))
		return nil
	}
	lang := v.Get("language")
	if !isLang(lang) {
		lang = rq.lang
	}
	u, err := h.app.Register(r.Context(), app.Registration{Email: v.Get("email"), Name: v.Get("name"),
		Password: v.Get("password"), Password2: v.Get("password2"), Lang: lang,
		OrgName: v.Get("org_name"), OrgType: v.Get("org_type"), OrgCountry: v.Get("org_country")})
	if errs := fieldErrors(err); errs != nil {
		h.renderRegister(w, r, rq, http.StatusUnprocessableEntity, v, errs, "")
		return nil
	}
	if err != nil {
		return err
	}
	p := messagePage{basePage: h.base(r, rq, rq.T("account.verify.title")),
		Paragraphs: []string{rq.T("account.register.done", map[string]any{"Email": u.Email}), rq.T("account.verify.not_received")},
		Links:      []navLink{{Href: h.path(rq, "/account/resend"), Text: rq.T("account.verify.resend")}}}
	h.render(w, r, rq, http.StatusOK, "message", &p)
	return nil
}

// verify opens the link of a verification mail.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, rq *request) error {
	_, err := h.app.VerifyEmail(r.Context(), r.URL.Query().Get("token"))
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindBadRequest {
		p := messagePage{basePage: h.base(r, rq, rq.T("account.verify.title")), Paragraphs: []string{rq.T(ae.Key)},
			Links: []navLink{{Href: h.path(rq, "/account/resend"), Text: rq.T("account.verify.resend")}}}
		h.render(w, r, rq, http.StatusBadRequest, "message", &p)
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/account/signin")+"?done=verified")
	return nil
}

// emailFormPage asks for an e-mail address (resend a link, forgot password).
type emailFormPage struct {
	basePage
	Intro   string
	Action  string
	Submit  string
	Field   *formField
	Summary []summaryItem
}

func (h *Handler) renderEmailForm(w http.ResponseWriter, r *http.Request, rq *request, status int, kind, email, msg string) {
	h.anonForms(w, r, rq)
	p := emailFormPage{Action: h.path(rq, "/account/"+kind)}
	switch kind {
	case "resend":
		p.basePage = h.base(r, rq, rq.T("account.verify.resend"))
		p.Intro, p.Submit = rq.T("account.verify.not_received"), rq.T("account.verify.resend")
	default:
		p.basePage = h.base(r, rq, rq.T("account.forgot.title"))
		p.Intro, p.Submit = rq.T("account.forgot.intro"), rq.T("account.forgot.submit")
	}
	f := newAccountForm(rq, url.Values{"email": {email}})
	p.Field = f.add("email", kindEmail, true, "email")
	if msg != "" {
		p.Field.Errors = []string{msg}
		p.Summary = []summaryItem{{Href: "#" + p.Field.ID, Text: msg}}
	}
	h.render(w, r, rq, status, "email_form", &p)
}

func (h *Handler) resendForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	h.renderEmailForm(w, r, rq, http.StatusOK, "resend", r.URL.Query().Get("email"), "")
	return nil
}

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	h.renderEmailForm(w, r, rq, http.StatusOK, "forgot", "", "")
	return nil
}

// emailSave handles the resend and forgot forms, which answer the same
// whether or not an account exists.
func (h *Handler) emailSave(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		v, err := readForm(r)
		if err != nil {
			return err
		}
		email := strings.TrimSpace(v.Get("email"))
		if !h.csrfOK(r, rq, v) {
			h.renderEmailForm(w, r, rq, http.StatusForbidden, kind, email, rq.T("error.csrf"))
			return nil
		}
		if email == "" {
			h.renderEmailForm(w, r, rq, http.StatusUnprocessableEntity, kind, email, rq.T("account.err.email_invalid"))
			return nil
		}
		var p messagePage
		if kind == "resend" {
			err = h.app.ResendVerification(r.Context(), email)
			p = messagePage{basePage: h.base(r, rq, rq.T("account.verify.title")),
				Paragraphs: []string{rq.T("account.verify.resent", map[string]any{"Email": email})}}
		} else {
			err = h.app.RequestPasswordReset(r.Context(), email)
			p = messagePage{basePage: h.base(r, rq, rq.T("account.forgot.title")),
				Paragraphs: []string{rq.T("account.forgot.sent", map[string]any{"Email": email})}}
		}
		if err != nil {
			return err
		}
		h.render(w, r, rq, http.StatusOK, "message", &p)
		return nil
	}
}

func (h *Handler) resendSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.emailSave("resend")(w, r, rq)
}

func (h *Handler) forgotSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.emailSave("forgot")(w, r, rq)
}

// signInPage is the sign-in form. Pending carries a form whose session
// expired, to be sent again once signed in.
type signInPage struct {
	basePage
	Email    *formField
	Password *formField
	Next     string
	Pending  []hiddenField
	Summary  []summaryItem
}

func (h *Handler) renderSignIn(w http.ResponseWriter, r *http.Request, rq *request, status int, email, next string, pending []hiddenField, msg, notice string) {
	h.anonForms(w, r, rq)
	f := newAccountForm(rq, url.Values{"email": {email}})
	p := signInPage{basePage: h.base(r, rq, rq.T("account.signin.title")), Next: next, Pending: pending,
		Email: f.add("email", kindEmail, true, "email"), Password: f.add("password", kindPassword, true, "current-password")}
	p.Password.Help = ""
	p.Notice = notice
	if msg != "" {
		p.Summary = []summaryItem{{Href: "#" + p.Email.ID, Text: msg}}
		p.Email.Errors = []string{msg}
	}
	h.render(w, r, rq, status, "signin", &p)
}

func (h *Handler) signInForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = ""
	}
	h.renderSignIn(w, r, rq, http.StatusOK, "", next, nil, "", "")
	return nil
}

// pendingPrefix marks the fields of a form carried through sign-in.
const pendingPrefix = "pending:"

func (h *Handler) signInSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := readForm(r)
	if err != nil {
		return err
	}
	email, next := strings.TrimSpace(v.Get("email")), v.Get("next")
	if !localPath(next) {
		next = ""
	}
	var pending []hiddenField
	for _, k := range sortedKeys(v) {
		if name, ok := strings.CutPrefix(k, pendingPrefix); ok {
			for _, s := range v[k] {
				pending = append(pending, hiddenField{Name: name, Value: s})
			}
		}
	}
	if !h.csrfOK(r, rq, v) {
		h.renderSignIn(w, r, rq, http.StatusForbidden, email, next, pending, rq.T("error.csrf"), "")
		return nil
	}
	u, err := h.app.Authenticate(r.Context(), email, v.Get("password"), h.clientAddr(r))
	if ae := app.AsError(err); ae != nil {
		status := kindStatus[ae.Kind]
		if status == 0 {
			status = http.StatusBadRequest
		}
		p := ae.Key
		if p == "error.not_verified" {
			p = "account.err.not_verified"
		}
		h.renderSignIn(w, r, rq, status, email, next, pending, rq.T(p, ae.Args), "")
		return nil
	}
	if err != nil {
		return err
	}
	sess, err := h.startSession(w, r, u)
	if err != nil {
		return err
	}
	if len(pending) > 0 && next != "" {
		// The form that expired, ready to be sent again with the new
		// session's token: one click, and nothing typed is lost.
		p := resubmitPage{basePage: h.base(r, rq, rq.T("form.resubmit.title")), Action: next, Fields: pending}
		p.CSRF, p.User = sess.CSRF, &u
		h.render(w, r, rq, http.StatusOK, "resubmit", &p)
		return nil
	}
	if next == "" || next == h.path(rq, "/account/signin") {
		next = h.path(rq, "/me/cases")
		switch u.Role {
		case store.RoleSecretariat, store.RoleAdmin:
			next = h.path(rq, "/sec/calls")
		case store.RoleReviewer:
			next = h.path(rq, "/review")
		}
	}
	redirect(w, r, next)
	return nil
}

// resubmitPage offers to send again a form whose session had expired.
type resubmitPage struct {
	basePage
	Action string
	Fields []hiddenField
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if rq.user != nil && !h.csrfOK(r, rq, v) {
		return errCSRF
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := h.app.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	redirect(w, r, h.path(rq, "/")+"?done=signedout")
	return nil
}

// resetPage chooses a new password from a reset link.
type resetPage struct {
	basePage
	Token   string
	Fields  []*formField
	Summary []summaryItem
}

func (h *Handler) renderReset(w http.ResponseWriter, r *http.Request, rq *request, status int, token string, errs domain.Errors, msg string) {
	h.anonForms(w, r, rq)
	f := newAccountForm(rq, nil)
	pw := f.add("password", kindPassword, true, "new-password")
	pw.Label, pw.Help = rq.T("account.field.new_password.label"), rq.T("account.field.new_password.help", map[string]any{"Min": app.MinPasswordLen})
	f.add("password2", kindPassword, true, "new-password")
	if msg != "" {
		f.errs.message(msg)
	}
	f.errs.place(errs)
	p := resetPage{basePage: h.base(r, rq, rq.T("account.reset.title")), Token: token, Fields: f.Fields, Summary: f.errs.Summary}
	h.render(w, r, rq, status, "reset", &p)
}

func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	h.renderReset(w, r, rq, http.StatusOK, r.URL.Query().Get("token"), nil, "")
	return nil
}

func (h *Handler) resetSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	v, err := readForm(r)
	if err != nil {
		return err
	}
	token := v.Get("token")
	if !h.csrfOK(r, rq, v) {
		h.renderReset(w, r, rq, http.StatusForbidden, token, nil, rq.T("error.csrf"))
		return nil
	}
	_, err = h.app.ResetPassword(r.Context(), token, v.Get("password"), v.Get("password2"))
	if errs := fieldErrors(err); errs != nil {
		h.renderReset(w, r, rq, http.StatusUnprocessableEntity, token, errs, "")
		return nil
	}
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindBadRequest {
		p := messagePage{basePage: h.base(r, rq, rq.T("account.reset.title")), Paragraphs: []string{rq.T(ae.Key)},
			Links: []navLink{{Href: h.path(rq, "/account/forgot"), Text: rq.T("account.forgot.title")}}}
		h.render(w, r, rq, http.StatusBadRequest, "message", &p)
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/account/signin")+"?done=reset")
	return nil
}

// profilePage edits the signed-in person's details.
type profilePage struct {
	basePage
	Email   string
	Role    string
	Fields  []*formField
	Summary []summaryItem
}

func (h *Handler) renderProfile(w http.ResponseWriter, r *http.Request, rq *request, status int, v url.Values, errs domain.Errors, msg string) {
	f := newAccountForm(rq, v)
	f.profileFields()
	if msg != "" {
		f.errs.message(msg)
	}
	f.errs.place(errs)
	p := profilePage{basePage: h.base(r, rq, rq.T("account.profile.title")), Email: rq.user.Email,
		Role: rq.T("role." + rq.user.Role), Fields: f.Fields, Summary: f.errs.Summary}
	h.render(w, r, rq, status, "profile", &p)
}

func (h *Handler) profileForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	u := rq.user
	if u == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	lang := u.Language
	if lang == "" {
		lang = rq.lang
	}
	h.renderProfile(w, r, rq, http.StatusOK, url.Values{"name": {u.Name}, "language": {lang}, "org_name": {u.OrgName},
		"org_type": {u.OrgType}, "org_country": {u.OrgCountry}}, nil, "")
	return nil
}

func (h *Handler) profileSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		h.renderProfile(w, r, rq, http.StatusForbidden, v, nil, rq.T("error.csrf"))
		return nil
	}
	lang := v.Get("language")
	if !isLang(lang) {
		lang = rq.user.Language
	}
	_, err = h.app.UpdateProfile(r.Context(), rq.user, app.Profile{Name: v.Get("name"), Lang: lang,
		OrgName: v.Get("org_name"), OrgType: v.Get("org_type"), OrgCountry: v.Get("org_country")})
	if errs := fieldErrors(err); errs != nil {
		h.renderProfile(w, r, rq, http.StatusUnprocessableEntity, v, errs, "")
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/account/profile")+"?done=profile")
	return nil
}

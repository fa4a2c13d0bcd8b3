package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// panelPage is a call's panel of reviewers: the invitation form and every
// member with their invitation's state and load.
type panelPage struct {
	secReviewBase
	Action  string
	Invite  []*formField // e-mail, name, language of the mail
	Profile *profileFields
	Summary []summaryItem
	Members []panelRow
}

// panelRow is one member of the panel.
type panelRow struct {
	ID                            int64
	Name, Email, State, Languages string
	Expertise, Load, Answer       string
	Submitted                     int
	Reason, Suggestion            string     // given on declining
	MaxLoad                       *formField // accepted members
	MaxLoadAction, AgainAction    string
	Again                         []hiddenField // invited or declined: the invitation, to send again
	Conflicts                     string
}

func (h *Handler) panelShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderPanel(w, r, rq, http.StatusOK, url.Values{"max_load": {"10"}}, nil, "", 0, "", nil)
}

// renderPanel shows the panel with the invitation form's values v and
// errors errs; rowErr is the member whose maximum load failed, with the
// value typed and its errors.
func (h *Handler) renderPanel(w http.ResponseWriter, r *http.Request, rq *request, status int, v url.Values, errs domain.Errors,
	msg string, rowErr int64, rowValue string, rowErrs domain.Errors) error {
	b, call, err := h.secReviewPage(r, rq, "panel", "review.panel.title")
	if err != nil {
		return err
	}
	members, err := h.app.Reviewers(r.Context(), rq.user, call.Slug)
	if err != nil {
		return err
	}
	base := h.secReviewPath(rq, call.Slug, "panel")
	p := panelPage{secReviewBase: b, Action: base}
	fe := newFormErrors(rq, "invite-form")
	mk := func(name, kind string, required bool) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kind, Required: required, Value: v.Get(name),
			Label: rq.T("review.panel.field." + name), Help: rq.T("review.panel.field." + name + "_help")}
		fe.add(f)
		return f
	}
	email, name, lang := mk("email", kindEmail, true), mk("name", kindText, true), mk("language", kindSelect, false)
	email.Autocomplete, name.UserText = "off", true
	lang.Options = uiLanguages(rq, v.Get("language"))
	p.Invite = []*formField{email, name, lang}
	p.Profile = newProfileFields(rq, v, fe)
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	for _, m := range members {
		row := panelRow{ID: m.ID, Name: m.Name, Email: m.Email, State: rq.T("review.panel." + m.State), Reason: m.DeclineReason,
			Suggestion: m.Suggestion, Load: rq.T("review.panel.load_of", map[string]any{"Load": m.Load, "Max": m.MaxLoad}), Submitted: m.Submitted}
		var langs []string
		for _, l := range m.Languages {
			langs = append(langs, rq.L.LanguageName(l))
		}
		if r := m.Replacement; r != nil {
			row.Suggestion = strings.TrimSpace(r.Name + " <" + r.Email + ">")
		}
		row.Languages = strings.Join(langs, rq.L.ListSep())
		var exp []string
		exp = append(exp, m.Expertise.WSIS...)
		for _, t := range m.Expertise.Technologies {
			exp = append(exp, rq.T(domain.VocabKey(domain.VocabTechnology, t)))
		}
		for _, s := range m.Expertise.Sectors {
			exp = append(exp, rq.T("review.panel.sector", map[string]any{"Code": s}))
		}
		for _, g := range m.Expertise.Regions {
			exp = append(exp, rq.T(domain.VocabKey(domain.VocabRegion, g)))
		}
		row.Expertise = strings.Join(exp, rq.L.ListSep())
		row.Conflicts = strings.Join(append(append([]string{}, m.Conflicts.Organisations...), m.Conflicts.Cases...), rq.L.ListSep())
		if m.RespondedAt != nil {
			row.Answer = rq.L.FormatDate(*m.RespondedAt, time.UTC)
		}
		if m.State == domain.InvitationAccepted && m.Reviewer != nil {
			rid := strconv.FormatInt(*m.Reviewer, 10)
			row.MaxLoadAction = base + "/" + rid + "/max-load"
			f := &formField{ID: "f-max_load-" + rid, Name: "max_load", Kind: kindNumber, Value: strconv.Itoa(m.MaxLoad), Required: true,
				Label: rq.T("review.panel.max_load_of", map[string]any{"Name": m.Name})}
			if *m.Reviewer == rowErr {
				f.Value = rowValue
				for _, e := range rowErrs {
					text := rq.T(e.Key, e.Args)
					f.Errors = append(f.Errors, text)
					fe.Summary = append(fe.Summary, summaryItem{Href: "#" + f.ID, Text: labelled(rq.lang, f.Label) + text})
				}
			}
			row.MaxLoad = f
		} else {
			row.AgainAction = base
			row.Again = invitationAgain(m)
		}
		p.Members = append(p.Members, row)
	}
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_panel", &p)
	return nil
}

// invitationAgain is the invitation form of a member, as hidden fields:
// sending it again mails a new link with the same declarations.
func invitationAgain(m app.PanelMember) []hiddenField {
	out := []hiddenField{{"email", m.Email}, {"name", m.Name}, {"language", m.Language}, {"max_load", strconv.Itoa(m.MaxLoad)}}
	add := func(name string, vals []string) {
		for _, s := range vals {
			out = append(out, hiddenField{name, s})
		}
	}
	add("expertise.wsis", m.Expertise.WSIS)
	add("expertise.technologies", m.Expertise.Technologies)
	add("expertise.sectors", m.Expertise.Sectors)
	add("expertise.regions", m.Expertise.Regions)
	add("languages", m.Languages)
	out = append(out, hiddenField{"conflicts.organisations", strings.Join(m.Conflicts.Organisations, "\n")},
		hiddenField{"conflicts.cases", strings.Join(m.Conflicts.Cases, "\n")})
	return out
}

// panelInvite invites a reviewer, or sends an invitation again.
func (h *Handler) panelInvite(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderPanel(w, r, rq, http.StatusForbidden, v, nil, rq.T("error.csrf"), 0, "", nil)
	}
	prof, problems := formToProfile(v)
	if len(problems) > 0 {
		return h.renderPanel(w, r, rq, http.StatusUnprocessableEntity, v, problems, "", 0, "", nil)
	}
	in := app.Invitation{Email: v.Get("email"), Name: v.Get("name"), Language: v.Get("language"), Expertise: prof.Expertise,
		Languages: prof.Languages, Conflicts: prof.Conflicts}
	if prof.MaxLoad != nil {
		in.MaxLoad = *prof.MaxLoad
	}
	if _, err := h.app.InviteReviewer(r.Context(), rq.user, r.PathValue("slug"), in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderPanel(w, r, rq, http.StatusUnprocessableEntity, v, errs, "", 0, "", nil)
		}
		if ae := app.AsError(err); ae != nil && ae.Kind == app.KindConflict {
			return h.renderPanel(w, r, rq, http.StatusConflict, v, nil, rq.T(ae.Key, ae.Args), 0, "", nil)
		}
		return err
	}
	redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "panel")+"?done=invited")
	return nil
}

// panelMaxLoad changes one reviewer's maximum load.
func (h *Handler) panelMaxLoad(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	rid, err := strconv.ParseInt(r.PathValue("reviewer"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	fresh := url.Values{"max_load": {"10"}}
	typed := v.Get("max_load")
	if !h.csrfOK(r, rq, v) {
		return h.renderPanel(w, r, rq, http.StatusForbidden, fresh, nil, rq.T("error.csrf"), rid, typed, nil)
	}
	n, err := strconv.Atoi(strings.TrimSpace(typed))
	if err != nil {
		return h.renderPanel(w, r, rq, http.StatusUnprocessableEntity, fresh, nil, "", rid, typed,
			domain.Errors{{Field: "max_load", Key: domain.ErrNotInteger}})
	}
	if _, err := h.app.SetMaxLoad(r.Context(), rq.user, r.PathValue("slug"), rid, n); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderPanel(w, r, rq, http.StatusUnprocessableEntity, fresh, nil, "", rid, typed, errs)
		}
		return err
	}
	redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "panel")+"?done=max_load#f-max_load-"+strconv.FormatInt(rid, 10))
	return nil
}

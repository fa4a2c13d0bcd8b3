package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// profileFields are a reviewer's declarations for a call as form fields:
// expertise, languages, maximum load and conflicts of interest. The
// secretariat's invitation form and the reviewer's own page share them.
type profileFields struct {
	Expertise []*formField
	Languages *formField
	Other     *formField // languages other than the six, as codes
	MaxLoad   *formField
	Orgs      *formField
	Cases     *formField
}

// All lists the fields in form order.
func (p *profileFields) All() []*formField {
	return append(slices.Clone(p.Expertise), p.Languages, p.Other, p.MaxLoad, p.Orgs, p.Cases)
}

func newProfileFields(rq *request, v url.Values, fe *formErrors) *profileFields {
	checks := func(name, key string, opts []option) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kindChecks, Label: rq.T("review.profile." + key),
			Options: withIDs(fieldID(name), choose(opts, v[name]...))}
		fe.add(f)
		return f
	}
	p := &profileFields{Expertise: []*formField{
		checks("expertise.wsis", "wsis", vocabOptions(rq, domain.VocabWSIS, domain.ActionLines, true)),
		checks("expertise.technologies", "technologies", vocabOptions(rq, domain.VocabTechnology, domain.Technologies, false)),
		checks("expertise.sectors", "sectors", vocabOptions(rq, domain.VocabSector, domain.Sectors, true)),
		checks("expertise.regions", "regions", vocabOptions(rq, domain.VocabRegion, domain.Regions, false)),
	}}
	// The six languages as boxes, any other language as typed codes.
	var six, other []string
	for _, l := range v["languages"] {
		if isLang(l) {
			six = append(six, l)
		} else if l = strings.TrimSpace(l); l != "" {
			other = append(other, l)
		}
	}
	p.Languages = checks("languages", "languages", langOptions())
	p.Languages.Options = withIDs(p.Languages.ID, choose(langOptions(), six...))
	p.Languages.Help = rq.T("review.profile.languages_help")
	otherValue := v.Get("languages_other")
	if otherValue == "" {
		otherValue = strings.Join(other, rq.L.ListSep())
	}
	p.Other = &formField{ID: fieldID("languages_other"), Name: "languages_other", Kind: kindText, Short: true,
		Label: rq.T("review.profile.languages_other"), Help: rq.T("review.profile.languages_other_help"), Value: otherValue}
	p.MaxLoad = &formField{ID: fieldID("max_load"), Name: "max_load", Kind: kindNumber, Required: true,
		Label: rq.T("review.profile.max_load"), Help: rq.T("review.profile.max_load_help"), Value: v.Get("max_load")}
	p.Orgs = &formField{ID: fieldID("conflicts.organisations"), Name: "conflicts.organisations", Kind: kindTextLines, Rows: 4,
		UserText: true, Label: rq.T("review.profile.conflict_orgs"), Help: rq.T("review.profile.conflict_orgs_help"),
		Value: strings.Join(v["conflicts.organisations"], "\n")}
	p.Cases = &formField{ID: fieldID("conflicts.cases"), Name: "conflicts.cases", Kind: kindTextLines, Rows: 3,
		Label: rq.T("review.profile.conflict_cases"), Help: rq.T("review.profile.conflict_cases_help"),
		Value: strings.Join(v["conflicts.cases"], "\n")}
	fe.add(p.Other, p.MaxLoad, p.Orgs, p.Cases)
	return p
}

// profileToForm writes a panel member's declarations as form values.
func profileToForm(m app.PanelMember) url.Values {
	v := url.Values{
		"expertise.wsis":          m.Expertise.WSIS,
		"expertise.technologies":  m.Expertise.Technologies,
		"expertise.sectors":       m.Expertise.Sectors,
		"expertise.regions":       m.Expertise.Regions,
		"languages":               m.Languages,
		"conflicts.organisations": m.Conflicts.Organisations,
		"conflicts.cases":         m.Conflicts.Cases,
	}
	v.Set("max_load", strconv.Itoa(m.MaxLoad))
	return v
}

// formToProfile reads the declarations; a maximum load that is not a
// whole number is a problem, an empty one keeps the current value.
func formToProfile(v url.Values) (app.ReviewerProfile, domain.Errors) {
	var p app.ReviewerProfile
	var problems domain.Errors
	p.Expertise = app.Expertise{WSIS: v["expertise.wsis"], Technologies: v["expertise.technologies"],
		Sectors: v["expertise.sectors"], Regions: v["expertise.regions"]}
	p.Languages = append(p.Languages, v["languages"]...)
	p.Languages = append(p.Languages, splitCodes(v.Get("languages_other"))...)
	if s := strings.TrimSpace(v.Get("max_load")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			problems = append(problems, domain.FieldError{Field: "max_load", Key: domain.ErrNotInteger})
		} else {
			p.MaxLoad = &n
		}
	}
	p.Conflicts.Organisations = lines(v.Get("conflicts.organisations"))
	p.Conflicts.Cases = lines(v.Get("conflicts.cases"))
	return p, problems
}

// splitCodes splits typed codes ("sw, pt hi") at spaces, commas and
// semicolons, in their Latin, Arabic and Chinese forms: the page writes
// the codes back with the reader's list separator ("sw، pt" in Arabic,
// "sw、pt" in Chinese), and people type whichever their keyboard gives.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;،؛、，；", r)
	})
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// reviewProfilePage is a reviewer's declarations for one call.
type reviewProfilePage struct {
	basePage
	CallTitle, CallLang string
	Action              string
	Fields              *profileFields
	Summary             []summaryItem
}

// myPanel returns the actor's accepted membership of the call slug, or
// not found.
func (h *Handler) myPanel(r *http.Request, rq *request, slug string) (app.PanelMember, error) {
	panels, err := h.app.MyPanels(r.Context(), rq.user)
	if err != nil {
		return app.PanelMember{}, err
	}
	for _, m := range panels {
		if m.Call == slug && m.State == domain.InvitationAccepted {
			return m, nil
		}
	}
	return app.PanelMember{}, errPageNotFound
}

func (h *Handler) reviewProfileShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	m, err := h.myPanel(r, rq, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.renderReviewProfile(w, r, rq, http.StatusOK, m.Call, profileToForm(m), nil, "")
}

func (h *Handler) renderReviewProfile(w http.ResponseWriter, r *http.Request, rq *request, status int, slug string,
	v url.Values, errs domain.Errors, msg string) error {
	call, err := h.app.Call(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	p := reviewProfilePage{Action: h.path(rq, "/review/calls/"+url.PathEscape(slug)+"/profile")}
	p.CallTitle, p.CallLang = localized(call.Title, rq.lang)
	p.basePage = h.base(r, rq, rq.T("review.profile.title", map[string]any{"Call": isolate(p.CallTitle)}))
	fe := newFormErrors(rq, "profile-form")
	p.Fields = newProfileFields(rq, v, fe)
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_profile", &p)
	return nil
}

func (h *Handler) reviewProfileSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if _, err := h.myPanel(r, rq, slug); err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderReviewProfile(w, r, rq, http.StatusForbidden, slug, v, nil, rq.T("error.csrf"))
	}
	in, problems := formToProfile(v)
	if len(problems) > 0 {
		return h.renderReviewProfile(w, r, rq, http.StatusUnprocessableEntity, slug, v, problems, "")
	}
	if _, err := h.app.UpdateReviewerProfile(r.Context(), rq.user, slug, rq.user.ID, in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderReviewProfile(w, r, rq, http.StatusUnprocessableEntity, slug, v, errs, "")
		}
		return err
	}
	redirect(w, r, h.path(rq, "/review/calls/"+url.PathEscape(slug)+"/profile")+"?done=review_profile")
	return nil
}

// uiLanguages are the six interface languages, for the invitation's
// language.
func uiLanguages(rq *request, selected string) []option {
	opts := []option{{Value: "", Label: rq.T("review.panel.language_default")}}
	for _, l := range i18n.Langs {
		opts = append(opts, option{Value: l, Label: i18n.LangName(l), Lang: l})
	}
	return choose(opts, selected)
}

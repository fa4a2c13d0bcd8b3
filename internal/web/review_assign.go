package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// assignPage is a call's assignment of reviewers: the automatic run, every
// assignment with why it was made, the pinned and forbidden pairs.
type assignPage struct {
	secReviewBase
	RunAction  string
	K          *formField
	Result     *assignResult
	Cases      []assignCaseRow
	Count      int
	Rules      []ruleRow
	RuleAction string
	RuleFields []*formField
	Summary    []summaryItem
}

// assignCaseRow is one case and its reviewers.
type assignCaseRow struct {
	ID, Title, Href string
	Reviewers       []assignRow
}

// assignRow is one assignment.
type assignRow struct {
	Reviewer, Affinity, Source, State string
	Reasons                           []string
	New                               bool
	Unassign                          string // the action removing it, while its review is not started
}

// assignResult is what an assignment run did.
type assignResult struct {
	New, Kept int
	Removed   []string
	Short     []shortRow
	Warnings  []string
}

// shortRow is a case left with fewer reviewers than asked, and why.
type shortRow struct {
	Case, Title string
	Missing     int
	Blocked     []blockedView
}

// ruleRow is a pinned or forbidden pair.
type ruleRow struct {
	Case, Title, Reviewer, Kind string
	Clear                       []hiddenField
}

func (h *Handler) assignShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderAssign(w, r, rq, http.StatusOK, nil, url.Values{}, nil, "")
}

// renderAssign shows the assignments, with the outcome of a run if res is
// set, and the rule form's values v and errors.
func (h *Handler) renderAssign(w http.ResponseWriter, r *http.Request, rq *request, status int, res *app.AutoAssignResult,
	v url.Values, errs domain.Errors, msg string) error {
	b, call, err := h.secReviewPage(r, rq, "assignments", "review.assign.title")
	if err != nil {
		return err
	}
	ctx := r.Context()
	as, err := h.app.Assignments(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	rules, err := h.app.Rules(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	panel, err := h.app.Reviewers(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	cases, err := h.allCases(ctx, rq.user, call.Slug, domain.StateEligible, domain.StateUnderReview, domain.StateAccepted,
		domain.StateRejected, domain.StatePublished)
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, c := range cases {
		titles[c.ID] = c.Title
	}
	names := map[int64]string{}
	for _, m := range panel {
		if m.Reviewer != nil {
			names[*m.Reviewer] = m.Name
		}
	}
	base := h.secReviewPath(rq, call.Slug, "assignments")
	p := assignPage{secReviewBase: b, RunAction: base + "/auto", RuleAction: base + "/rules", Count: len(as)}
	k := v.Get("reviewers_per_case")
	if k == "" {
		k = strconv.Itoa(call.ReviewersPerCase)
	}
	fe := newFormErrors(rq, "rule-form")
	p.K = &formField{ID: fieldID("reviewers_per_case"), Name: "reviewers_per_case", Kind: kindNumber, Required: true, Value: k,
		Label: rq.T("review.assign.k"), Help: rq.T("review.assign.k_help")}
	fe.add(p.K)

	if res != nil {
		p.Result = &assignResult{Warnings: res.Warnings}
		for _, x := range res.Assignments {
			if x.New {
				p.Result.New++
			} else {
				p.Result.Kept++
			}
		}
		for _, x := range res.Removed {
			p.Result.Removed = append(p.Result.Removed, x.Case+" – "+x.ReviewerName)
		}
		for _, s := range res.Short {
			p.Result.Short = append(p.Result.Short, shortRow{Case: s.Case, Title: titles[s.Case], Missing: s.Missing,
				Blocked: blockedText(rq, s.Blocked)})
		}
	}
	isNew := map[int64]bool{}
	if res != nil {
		for _, x := range res.Assignments {
			isNew[x.ID] = x.New
		}
	}
	byCase := map[string]int{}
	for _, x := range as {
		i, ok := byCase[x.Case]
		if !ok {
			i = len(p.Cases)
			byCase[x.Case] = i
			p.Cases = append(p.Cases, assignCaseRow{ID: x.Case, Title: titles[x.Case],
				Href: h.secReviewPath(rq, call.Slug, "cases/"+url.PathEscape(x.Case))})
		}
		row := assignRow{Reviewer: x.ReviewerName, Affinity: strconv.Itoa(x.Affinity), Source: rq.T("review.source." + x.Source),
			State: rq.T("review.state." + x.State), New: isNew[x.ID]}
		for _, reason := range x.Reasons {
			row.Reasons = append(row.Reasons, reasonText(rq, reason))
		}
		if x.State == app.AssignmentOpen {
			row.Unassign = base + "/" + strconv.FormatInt(x.ID, 10) + "/unassign"
		}
		p.Cases[i].Reviewers = append(p.Cases[i].Reviewers, row)
	}
	for _, rl := range rules {
		p.Rules = append(p.Rules, ruleRow{Case: rl.Case, Title: titles[rl.Case], Reviewer: names[rl.Reviewer],
			Kind: rq.T("review.rule." + rl.Kind), Clear: []hiddenField{{"case", rl.Case},
				{"reviewer", strconv.FormatInt(rl.Reviewer, 10)}, {"kind", "clear"}}})
	}

	// The rule form: a case open to assignment, a reviewer, pin or forbid.
	var caseOpts, revOpts []option
	for _, c := range cases {
		if c.State == domain.StateEligible || c.State == domain.StateUnderReview {
			caseOpts = append(caseOpts, option{Value: c.ID, Label: c.ID + " – " + c.Title, Lang: c.Language})
		}
	}
	for _, m := range panel {
		if m.State == domain.InvitationAccepted && m.Reviewer != nil {
			revOpts = append(revOpts, option{Value: strconv.FormatInt(*m.Reviewer, 10), Label: m.Name})
		}
	}
	caseF := &formField{ID: fieldID("case"), Name: "case", Kind: kindSelect, Required: true, Label: rq.T("review.assign.case"),
		Options: choose(blankOption(rq, caseOpts), v.Get("case"))}
	revF := &formField{ID: fieldID("reviewer"), Name: "reviewer", Kind: kindSelect, Required: true, Label: rq.T("review.assign.reviewer"),
		Options: choose(blankOption(rq, revOpts), v.Get("reviewer"))}
	kindF := &formField{ID: fieldID("kind"), Name: "kind", Kind: kindRadios, Required: true, Label: rq.T("review.assign.rule"),
		Options: withIDs(fieldID("kind"), choose([]option{{Value: store.RulePin, Label: rq.T("review.rule.pin_help")},
			{Value: store.RuleForbid, Label: rq.T("review.rule.forbid_help")}}, v.Get("kind")))}
	fe.add(caseF, revF, kindF)
	p.RuleFields = []*formField{caseF, revF, kindF}
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_assignments", &p)
	return nil
}

// assignRun runs the automatic assignment and shows what it did.
func (h *Handler) assignRun(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderAssign(w, r, rq, http.StatusForbidden, nil, v, nil, rq.T("error.csrf"))
	}
	k, err := strconv.Atoi(strings.TrimSpace(v.Get("reviewers_per_case")))
	if err != nil {
		return h.renderAssign(w, r, rq, http.StatusUnprocessableEntity, nil, v,
			domain.Errors{{Field: "reviewers_per_case", Key: domain.ErrNotInteger}}, "")
	}
	res, err := h.app.AutoAssign(r.Context(), rq.user, r.PathValue("slug"), k)
	if err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderAssign(w, r, rq, http.StatusUnprocessableEntity, nil, v, errs, "")
		}
		return err
	}
	return h.renderAssign(w, r, rq, http.StatusOK, &res, v, nil, "")
}

// assignRule pins, forbids or clears a pair.
func (h *Handler) assignRule(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderAssign(w, r, rq, http.StatusForbidden, nil, v, nil, rq.T("error.csrf"))
	}
	var problems domain.Errors
	caseID := strings.TrimSpace(v.Get("case"))
	if caseID == "" {
		problems = append(problems, domain.FieldError{Field: "case", Key: domain.ErrRequired})
	}
	rid, err := strconv.ParseInt(v.Get("reviewer"), 10, 64)
	if err != nil {
		problems = append(problems, domain.FieldError{Field: "reviewer", Key: domain.ErrRequired})
	}
	kind := v.Get("kind")
	if kind != store.RulePin && kind != store.RuleForbid && kind != "clear" {
		problems = append(problems, domain.FieldError{Field: "kind", Key: domain.ErrRequired})
	}
	if len(problems) > 0 {
		return h.renderAssign(w, r, rq, http.StatusUnprocessableEntity, nil, v, problems, "")
	}
	switch kind {
	case store.RulePin:
		err = h.app.Pin(r.Context(), rq.user, caseID, rid)
	case store.RuleForbid:
		err = h.app.Forbid(r.Context(), rq.user, caseID, rid)
	default:
		err = h.app.ClearRule(r.Context(), rq.user, caseID, rid)
	}
	if errs := fieldErrors(err); errs != nil {
		return h.renderAssign(w, r, rq, http.StatusUnprocessableEntity, nil, v, errs, "")
	}
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindConflict {
		return h.renderAssign(w, r, rq, http.StatusConflict, nil, v, nil, rq.T(ae.Key, ae.Args))
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "assignments")+"?done=rule#rules")
	return nil
}

// assignRemove removes one assignment whose review was not started.
func (h *Handler) assignRemove(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return errCSRF
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	if err := h.app.Unassign(r.Context(), rq.user, id); err != nil {
		return err
	}
	redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "assignments")+"?done=unassigned")
	return nil
}

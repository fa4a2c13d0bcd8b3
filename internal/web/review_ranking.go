package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// rankingPage ranks a call's reviewed cases, raw and calibrated scores
// side by side, sortable by any column.
type rankingPage struct {
	secReviewBase
	Columns []rankCol
	Rows    []rankRow
	Exports []navLink
}

// rankCol is a sortable column heading.
type rankCol struct {
	Text, Href, AriaSort string
}

// rankRow is one case of the ranking.
type rankRow struct {
	Rank                              int
	Case, Href, Title, State, Reviews string
	Mean, Median, Spread, Calibrated  string
	Disagreement                      bool
	Decision                          string
}

// rankColumns are the ranking's columns in order: the sort key (empty for
// the rank) and the text.
var rankColumns = []struct{ key, text string }{
	{"", "review.ranking.col.rank"},
	{"case", "review.ranking.col.case"},
	{"title", "review.ranking.col.title"},
	{"state", "review.ranking.col.state"},
	{"reviews", "review.ranking.col.reviews"},
	{"mean", "review.ranking.col.mean"},
	{"median", "review.ranking.col.median"},
	{"spread", "review.ranking.col.spread"},
	{"calibrated", "review.ranking.col.calibrated"},
	{"disagreement", "review.ranking.col.disagreement"},
	{"decision", "review.ranking.col.decision"},
}

// textColumns sort ascending first; the others, scores and counts, best
// first.
var textColumns = []string{"case", "title", "state", "decision"}

func (h *Handler) rankingShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, call, err := h.secReviewPage(r, rq, "ranking", "review.ranking.title")
	if err != nil {
		return err
	}
	rows, err := h.app.Ranking(r.Context(), rq.user, call.Slug)
	if err != nil {
		return err
	}
	// The rank is the place by calibrated score, whatever the sort.
	rank := map[string]int{}
	for i, row := range rows {
		rank[row.Case] = i + 1
	}
	q := r.URL.Query()
	key := q.Get("sort")
	if !slices.Contains(app.RankingKeys, key) {
		key = "calibrated"
	}
	desc := q.Get("dir") != "asc"
	if q.Get("dir") == "" && slices.Contains(textColumns, key) {
		desc = false
	}
	if err := app.SortRanking(rows, key, desc); err != nil {
		return err
	}
	base := h.secReviewPath(rq, call.Slug, "ranking")
	p := rankingPage{secReviewBase: b}
	for _, c := range rankColumns {
		col := rankCol{Text: rq.T(c.text)}
		if c.key != "" {
			dir := "desc"
			if slices.Contains(textColumns, c.key) {
				dir = "asc"
			}
			if c.key == key {
				col.AriaSort = "ascending"
				if desc {
					col.AriaSort = "descending"
				}
				dir = map[bool]string{true: "asc", false: "desc"}[desc]
			}
			col.Href = base + "?" + url.Values{"sort": {c.key}, "dir": {dir}}.Encode()
		}
		p.Columns = append(p.Columns, col)
	}
	for _, row := range rows {
		p.Rows = append(p.Rows, h.rankRow(rq, call.Slug, rank[row.Case], row))
	}
	for _, f := range []string{"csv", "xlsx"} {
		p.Exports = append(p.Exports, navLink{Href: base + "." + f, Text: rq.T("sec.export." + f)})
	}
	h.render(w, r, rq, http.StatusOK, "review_ranking", &p)
	return nil
}

func (h *Handler) rankRow(rq *request, slug string, rank int, row app.RankingRow) rankRow {
	out := rankRow{Rank: rank, Case: row.Case, Title: row.Title, State: rq.T("state." + row.State),
		Href:    h.secReviewPath(rq, slug, "cases/"+url.PathEscape(row.Case)),
		Reviews: rq.T("review.ranking.reviews_of", map[string]any{"Reviews": row.Reviews, "Assigned": row.Assigned}),
		Mean:    number(rq, row.Mean), Median: number(rq, row.Median), Spread: number(rq, row.Spread),
		Calibrated: number(rq, row.Calibrated), Disagreement: row.Disagreement}
	if out.Title == "" {
		out.Title = row.Case
	}
	out.Decision = decisionText(rq, row.Decision, row.Released)
	return out
}

// decisionText says where a case's decision stands.
func decisionText(rq *request, decision string, released bool) string {
	switch {
	case decision == "":
		return ""
	case released:
		return rq.T("review.decision." + decision)
	}
	return rq.T("review.decision.pending_of", map[string]any{"Decision": rq.T("review.decision." + decision)})
}

// rankingExport downloads the ranking as CSV or XLSX.
func (h *Handler) rankingExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := requireStaff(rq); err != nil {
			return err
		}
		slug := r.PathValue("slug")
		lw := &lazyHeader{w: w, set: func(hd http.Header) {
			hd.Set("Content-Type", exportTypes[format])
			hd.Set("Content-Disposition", `attachment; filename="`+slug+`-ranking.`+format+`"`)
			hd.Set("Cache-Control", "private, no-store")
		}}
		err := h.app.ExportRanking(r.Context(), rq.user, slug, format, lw)
		if err != nil && lw.written {
			h.log.ErrorContext(r.Context(), "web: ranking export", "call", slug, "format", format, "err", err)
			return nil
		}
		if err == nil && !lw.written {
			lw.Write(nil)
		}
		return err
	}
}

// caseReviewsPage shows the committee every review of one case, with the
// reviewers' names and confidential comments, and the forms to decide, to
// add a reviewer and to reopen a review.
type caseReviewsPage struct {
	secReviewBase
	CaseID, CaseTitle, CaseHref, State string
	Row                                *rankRow
	Reviews                            []staffReviewView
	Decision                           string
	Released                           bool
	DecisionAction                     string
	DecisionFields                     []*formField
	AddAction                          string
	AddField                           *formField
	ReopenAction                       string
	Summary                            []summaryItem
}

// staffReviewView is one review as the committee reads it.
type staffReviewView struct {
	Shown      reviewShown
	State      string
	Assignment int64
	Reopen     *formField // submitted reviews: the reason to return it
}

// Forms of the case reviews page, so that errors find their form.
const (
	formDecide = "decide"
	formAdd    = "add"
	formReopen = "reopen"
)

func (h *Handler) caseReviewsShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.renderCaseReviews(w, r, rq, http.StatusOK, "", url.Values{}, nil, "")
}

// renderCaseReviews shows a case's reviews; form names the form whose
// values v and errors errs are shown.
func (h *Handler) renderCaseReviews(w http.ResponseWriter, r *http.Request, rq *request, status int, form string,
	v url.Values, errs domain.Errors, msg string) error {
	b, call, err := h.secReviewPage(r, rq, "ranking", "review.case.title")
	if err != nil {
		return err
	}
	ctx := r.Context()
	id := r.PathValue("id")
	cv, err := h.app.Case(ctx, rq.user, id)
	if err != nil {
		return err
	}
	if cv.Call.ID != call.ID {
		return errPageNotFound
	}
	reviews, err := h.app.CaseReviews(ctx, rq.user, id)
	if err != nil {
		return err
	}
	rb, err := h.app.Rubric(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	rows, err := h.app.Ranking(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	panel, err := h.app.Reviewers(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	base := h.secReviewPath(rq, call.Slug, "cases/"+url.PathEscape(id))
	p := caseReviewsPage{secReviewBase: b, CaseID: id, CaseTitle: cv.Doc.Title, CaseHref: h.path(rq, "/me/cases/"+id),
		State: rq.T("state." + cv.State), DecisionAction: base + "/decision", AddAction: base + "/reviewers", ReopenAction: base + "/reopen"}
	if p.CaseTitle == "" {
		p.CaseTitle = id
	}
	p.Title = rq.T("review.case.title", map[string]any{"Case": isolate(id)})
	for i, row := range rows {
		if row.Case == id {
			rr := h.rankRow(rq, call.Slug, i+1, row)
			p.Row = &rr
			p.Decision, p.Released = row.Decision, row.Released
		}
	}
	criteria := rubricView(rq, rb)
	fe := newFormErrors(rq, "case-reviews")
	assigned := map[int64]bool{}
	for _, sr := range reviews {
		assigned[sr.Reviewer] = true
		who := rq.T("review.reviewer_label", map[string]any{"N": sr.Number}) + " – " + sr.ReviewerName
		view := staffReviewView{Shown: *shownReview(rq, criteria, who, sr.Scores, sr.Total, sr.Recommendation, sr.Confidence,
			sr.CommentToApplicant, sr.SubmittedAt), State: rq.T("review.state." + sr.State), Assignment: sr.Assignment}
		view.Shown.ToCommittee = sr.CommentToCommittee
		if sr.State == domain.ReviewSubmitted {
			aid := strconv.FormatInt(sr.Assignment, 10)
			view.Reopen = &formField{ID: "f-reason-" + aid, Name: "reason", Kind: kindText, UserText: true,
				Label: rq.T("review.case.reopen_reason", map[string]any{"N": sr.Number})}
			if form == formReopen && v.Get("assignment") == aid {
				view.Reopen.Value = v.Get("reason")
				fe.add(view.Reopen)
			}
		}
		p.Reviews = append(p.Reviews, view)
	}
	// Reviewers already on the case, from the assignments (reviews not
	// started have no review yet).
	as, err := h.app.Assignments(ctx, rq.user, call.Slug)
	if err != nil {
		return err
	}
	for _, x := range as {
		if x.Case == id {
			assigned[x.Reviewer] = true
		}
	}
	var decisions []option
	for _, d := range []string{domain.DecisionAccepted, domain.DecisionRejected} {
		decisions = append(decisions, option{Value: d, Label: rq.T("review.decision." + d)})
	}
	dv := v
	if form != formDecide {
		dv = url.Values{"decision": {p.Decision}}
	}
	decF := &formField{ID: fieldID("decision"), Name: "decision", Kind: kindRadios, Required: true, Label: rq.T("review.case.decision"),
		Options: withIDs(fieldID("decision"), choose(decisions, dv.Get("decision")))}
	noteF := &formField{ID: fieldID("note"), Name: "note", Kind: kindTextarea, Rows: 4, UserText: true, Value: dv.Get("note"),
		Label: rq.T("review.case.note"), Help: rq.T("review.case.note_help")}
	p.DecisionFields = []*formField{decF, noteF}
	var revOpts []option
	for _, m := range panel {
		if m.State == domain.InvitationAccepted && m.Reviewer != nil && !assigned[*m.Reviewer] {
			revOpts = append(revOpts, option{Value: strconv.FormatInt(*m.Reviewer, 10),
				Label: rq.T("review.case.reviewer_option", map[string]any{"Name": m.Name, "Load": m.Load, "Max": m.MaxLoad})})
		}
	}
	av := ""
	if form == formAdd {
		av = v.Get("reviewer")
	}
	p.AddField = &formField{ID: fieldID("reviewer"), Name: "reviewer", Kind: kindSelect, Required: true,
		Label: rq.T("review.case.add_reviewer"), Help: rq.T("review.case.add_reviewer_help"), Options: choose(blankOption(rq, revOpts), av)}
	switch form {
	case formDecide:
		fe.add(decF, noteF)
	case formAdd:
		fe.add(p.AddField)
	}
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "review_case_reviews", &p)
	return nil
}

// caseDecide records the committee's decision on a case.
func (h *Handler) caseDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.caseReviewsPost(w, r, rq, formDecide, func(v url.Values) (string, error) {
		_, err := h.app.Decide(r.Context(), rq.user, r.PathValue("id"), v.Get("decision"), v.Get("note"))
		return "decided", err
	})
}

// caseAddReviewer adds one more reviewer to a case.
func (h *Handler) caseAddReviewer(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.caseReviewsPost(w, r, rq, formAdd, func(v url.Values) (string, error) {
		rid, err := strconv.ParseInt(v.Get("reviewer"), 10, 64)
		if err != nil {
			return "", &app.Error{Kind: app.KindInvalid, Key: "error.invalid",
				Fields: domain.Errors{{Field: "reviewer", Key: domain.ErrRequired}}}
		}
		_, err = h.app.AddReviewer(r.Context(), rq.user, r.PathValue("id"), rid)
		return "reviewer_added", err
	})
}

// caseReopen returns a submitted review to its reviewer.
func (h *Handler) caseReopen(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.caseReviewsPost(w, r, rq, formReopen, func(v url.Values) (string, error) {
		aid, err := strconv.ParseInt(v.Get("assignment"), 10, 64)
		if err != nil {
			return "", errPageNotFound
		}
		return "reopened", h.app.ReopenReview(r.Context(), rq.user, aid, v.Get("reason"))
	})
}

// caseReviewsPost runs one form of the case reviews page: invalid input
// and refusals in the wrong state come back on the page, with what was
// typed.
func (h *Handler) caseReviewsPost(w http.ResponseWriter, r *http.Request, rq *request, form string,
	do func(url.Values) (string, error)) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderCaseReviews(w, r, rq, http.StatusForbidden, form, v, nil, rq.T("error.csrf"))
	}
	done, err := do(v)
	if errs := fieldErrors(err); errs != nil {
		return h.renderCaseReviews(w, r, rq, http.StatusUnprocessableEntity, form, v, errs, "")
	}
	if ae := app.AsError(err); ae != nil && (ae.Kind == app.KindConflict || ae.Kind == app.KindInvalid) {
		return h.renderCaseReviews(w, r, rq, kindStatus[ae.Kind], form, v, nil, rq.T(ae.Key, ae.Args))
	}
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	redirect(w, r, h.secReviewPath(rq, r.PathValue("slug"), "cases/"+url.PathEscape(id))+"?done="+done+"&case="+url.QueryEscape(id))
	return nil
}

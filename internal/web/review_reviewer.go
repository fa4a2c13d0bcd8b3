package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// reviewMinePage lists a reviewer's assignments, call by call, and the
// panels they sit on.
type reviewMinePage struct {
	basePage
	Calls []reviewCallGroup
}

// reviewCallGroup is one call of a reviewer: its assignments and the way
// to their declarations for it.
type reviewCallGroup struct {
	Slug, Title, TitleLang string
	Phase                  string
	Profile                string // the reviewer's declarations for the call
	Items                  []reviewItem
	Done                   int // reviews submitted
	// Deadline is when the call's reviews are due, in the call's time
	// zone (Zone) and in UTC; empty while the call has none.
	Deadline, DeadlineUTC, Zone string
	loc                         *time.Location
}

// reviewItem is one assignment in the list.
type reviewItem struct {
	Href, Case, Title, State string
	Action                   string // what the link does: write, continue, read
}

func (h *Handler) reviewMine(w http.ResponseWriter, r *http.Request, rq *request) error {
	mine, err := h.app.MyAssignments(r.Context(), rq.user)
	if err != nil {
		return err
	}
	panels, err := h.app.MyPanels(r.Context(), rq.user)
	if err != nil {
		return err
	}
	p := reviewMinePage{basePage: h.base(r, rq, rq.T("review.mine.title"))}
	group := map[string]int{}
	add := func(slug string) *reviewCallGroup {
		if i, ok := group[slug]; ok {
			return &p.Calls[i]
		}
		g := reviewCallGroup{Slug: slug, Title: slug,
			Profile: h.path(rq, "/review/calls/"+url.PathEscape(slug)+"/profile")}
		g.loc = time.UTC
		if c, err := h.app.Call(r.Context(), rq.user, slug); err == nil {
			g.Title, g.TitleLang = localized(c.Title, rq.lang)
			g.Phase = h.app.Phase(c)
			if loc, err := time.LoadLocation(c.Timezone); err == nil {
				g.loc = loc
			}
		}
		group[slug] = len(p.Calls)
		p.Calls = append(p.Calls, g)
		return &p.Calls[len(p.Calls)-1]
	}
	for _, m := range panels {
		if m.State == domain.InvitationAccepted {
			add(m.Call)
		}
	}
	for _, x := range mine {
		g := add(x.Call)
		if d := x.ReviewDeadline; d != nil && g.Deadline == "" {
			g.Deadline, g.DeadlineUTC, g.Zone = rq.L.FormatDateTime(*d, g.loc), rq.L.FormatDateTime(*d, time.UTC), rq.L.ZoneName(g.loc)
		}
		it := reviewItem{Href: h.path(rq, "/review/assignments/"+strconv.FormatInt(x.ID, 10)), Case: x.Case, Title: x.Title,
			State: rq.T("review.state." + x.State)}
		switch {
		case x.State == domain.ReviewSubmitted || x.Phase != domain.PhaseReviewing:
			it.Action = rq.T("review.mine.read")
		case x.State == domain.ReviewDraft:
			it.Action = rq.T("review.mine.continue")
		default:
			it.Action = rq.T("review.mine.write")
		}
		if x.State == domain.ReviewSubmitted {
			g.Done++
		}
		g.Items = append(g.Items, it)
	}
	h.render(w, r, rq, http.StatusOK, "review_mine", &p)
	return nil
}

// reviewPage shows one assigned case beside the reviewer's review: the
// form while it can be written, the submitted review after, and the other
// reviews when the call lets reviewers read them.
type reviewPage struct {
	basePage
	Case         reviewCaseInfo
	Fields       []fieldView
	Translations []translationView
	Attachments  []attachmentRow
	Criteria     []criterionView
	Writable     bool
	Action       string
	Form         *reviewForm
	Summary      []summaryItem
	Own          *reviewShown
	Others       []reviewShown
	OthersNote   string
	Closed       string // why the review can no longer be written
}

// fieldView is one field of a case: its label in the reader's language,
// its value, and the language of the value when the applicant wrote it.
type fieldView struct {
	Label, Value, Lang string
}

// authorFields are the fields an applicant writes in the case's language
// (the others are codes shown in the reader's language).
var authorFields = []string{"title", "summary", "organisation.name", "problem", "solution", "sdg_linkage", "impact",
	"enablers_constraints", "sustainability_replicability", "lessons"}

// caseFields marks the applicant's own text with the case's language, so
// that screen readers read it in that language, and names the language.
func caseFields(fs []mail.Field, rq *request, lang string) []fieldView {
	written := map[string]bool{}
	for _, f := range authorFields {
		written[rq.T("case.field."+f+".label")] = true
	}
	tag := ""
	if lang != "" && rq.L.LanguageName(lang) != lang {
		tag = lang // a valid language code
	}
	out := make([]fieldView, 0, len(fs))
	for _, f := range fs {
		v := fieldView{Label: f.Label, Value: f.Value}
		switch {
		case f.Label == rq.T("case.field.language.label"):
			v.Value = rq.L.LanguageName(f.Value)
		case written[f.Label] || strings.HasPrefix(f.Label, rq.T("case.field.kpis.label")+" "):
			v.Lang = tag
		}
		out = append(out, v)
	}
	return out
}

// reviewCaseInfo is what the page says about the case besides its content.
type reviewCaseInfo struct {
	ID, Call, CallTitle, CallLang string
	Language                      string
	Version                       int
	Submitted                     string
	Blind                         bool
}

// translationView is one translation of the case's texts.
type translationView struct {
	Lang, Name, Source string
	Fields             []mail.Field
}

// reviewForm is the review's fields: one radio group per criterion, the
// recommendation, the confidence and the two comments.
type reviewForm struct {
	Scores         []*formField
	Recommendation *formField
	Confidence     *formField
	ToApplicant    *formField
	ToCommittee    *formField
}

// reviewShown is a review read back: the reviewer's own once submitted,
// or another reviewer's.
type reviewShown struct {
	Who            string
	Total          string
	Recommendation string
	Confidence     string
	Scores         []scoreShown
	ToApplicant    string
	ToCommittee    string // the reader's own review only
	Submitted      string
}

// scoreShown is one criterion's score with the anchor it stands for.
type scoreShown struct {
	Label, Lang, Score string
}

func assignmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errPageNotFound
	}
	return id, nil
}

func (h *Handler) reviewShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := assignmentID(r)
	if err != nil {
		return err
	}
	rc, err := h.app.ReviewCase(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	var v url.Values
	if rc.Review != nil {
		v = reviewToForm(rc.Review)
	}
	return h.renderReview(w, r, rq, http.StatusOK, rc, v, nil, "")
}

// reviewToForm writes a saved review as the form's values.
func reviewToForm(rv *app.Review) url.Values {
	v := url.Values{}
	for code, n := range rv.Scores {
		v.Set("scores."+code, strconv.Itoa(n))
	}
	v.Set("recommendation", rv.Recommendation)
	if rv.Confidence > 0 {
		v.Set("confidence", strconv.Itoa(rv.Confidence))
	}
	v.Set("comment_to_applicant", rv.CommentToApplicant)
	v.Set("comment_to_committee", rv.CommentToCommittee)
	return v
}

// formToReview reads the review form; values that are not whole numbers
// are reported as problems rather than dropped.
func formToReview(v url.Values, rb domain.Rubric) (app.ReviewInput, domain.Errors) {
	in := app.ReviewInput{Scores: map[string]int{}, Recommendation: strings.TrimSpace(v.Get("recommendation")),
		CommentToApplicant: v.Get("comment_to_applicant"), CommentToCommittee: v.Get("comment_to_committee")}
	var problems domain.Errors
	num := func(name string) (int, bool) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			problems = append(problems, domain.FieldError{Field: name, Key: domain.ErrNotInteger})
			return 0, false
		}
		return n, true
	}
	for _, code := range rb.Codes() {
		if n, ok := num("scores." + code); ok {
			in.Scores[code] = n
		}
	}
	in.Confidence, _ = num("confidence")
	return in, problems
}

func (h *Handler) renderReview(w http.ResponseWriter, r *http.Request, rq *request, status int, rc app.ReviewerCase,
	v url.Values, errs domain.Errors, msg string) error {
	title := rc.Case.Title
	if strings.TrimSpace(title) == "" {
		title = rc.ID
	}
	p := reviewPage{basePage: h.base(r, rq, title), Fields: caseFields(h.app.Fields(rq.lang, &rc.Case), rq, rc.Case.Language),
		Criteria: rubricView(rq, rc.Rubric), Action: h.path(rq, "/review/assignments/"+strconv.FormatInt(rc.Assignment, 10))}
	p.Case = reviewCaseInfo{ID: rc.ID, Call: rc.Call, Language: rc.Case.Language, Version: rc.Version, Blind: rc.Blind}
	p.Case.CallTitle, p.Case.CallLang = localized(rc.CallTitle, rq.lang)
	if !rc.SubmittedAt.IsZero() {
		p.Case.Submitted = rq.L.FormatDateTime(rc.SubmittedAt, time.UTC)
	}
	for _, lang := range sortedKeys(rc.Case.Translations) {
		tr := rc.Case.Translations[lang]
		tv := translationView{Lang: lang, Name: rq.L.LanguageName(lang), Source: rq.T(domain.VocabKey(domain.VocabTranslationSource, tr.Source))}
		for _, f := range []struct{ name, text string }{{"title", tr.Title}, {"summary", tr.Summary}, {"problem", tr.Problem},
			{"solution", tr.Solution}, {"impact", tr.Impact}, {"lessons", tr.Lessons}} {
			if strings.TrimSpace(f.text) != "" {
				tv.Fields = append(tv.Fields, mail.Field{Label: rq.T("case.field." + f.name + ".label"), Value: f.text})
			}
		}
		if len(tv.Fields) > 0 {
			p.Translations = append(p.Translations, tv)
		}
	}
	for _, a := range rc.Attachments {
		p.Attachments = append(p.Attachments, attachmentRow{Name: a.Name, Type: fileKind(a.ContentType), Size: fileSize(rq, a.Size),
			Href: p.Action + "/attachments/" + url.PathEscape(a.Name)})
	}
	submitted := rc.Review != nil && rc.Review.State == domain.ReviewSubmitted
	p.Writable = rc.Phase == domain.PhaseReviewing && !submitted
	if !p.Writable && !submitted {
		p.Closed = rq.T("review.err.phase")
	}
	if p.Writable {
		fe := newFormErrors(rq, "review-form")
		p.Form = buildReviewForm(rq, p.Criteria, v, fe)
		if msg != "" {
			fe.message(msg)
		}
		fe.place(errs)
		p.Summary = fe.Summary
	} else if rc.Review != nil {
		p.Own = shownReview(rq, p.Criteria, rq.T("review.show.own"), rc.Review.Scores, rc.Review.Total, rc.Review.Recommendation,
			rc.Review.Confidence, rc.Review.CommentToApplicant, rc.Review.SubmittedAt)
		p.Own.ToCommittee = rc.Review.CommentToCommittee
	}
	others, err := h.app.OtherReviews(r.Context(), rq.user, rc.Assignment)
	switch ae := app.AsError(err); {
	case err == nil:
		for _, o := range others {
			who := rq.T("review.reviewer_label", map[string]any{"N": o.Number})
			if o.ReviewerName != "" {
				who += " – " + o.ReviewerName
			}
			p.Others = append(p.Others, *shownReview(rq, p.Criteria, who, o.Scores, o.Total, o.Recommendation, o.Confidence,
				o.CommentToApplicant, o.SubmittedAt))
		}
		if len(p.Others) == 0 {
			p.OthersNote = rq.T("review.show.no_others")
		}
	case ae != nil && (ae.Kind == app.KindConflict || ae.Kind == app.KindForbidden):
		p.OthersNote = rq.T(ae.Key, ae.Args)
	default:
		return err
	}
	h.render(w, r, rq, status, "review_assignment", &p)
	return nil
}

// buildReviewForm makes the review's fields with the values v.
func buildReviewForm(rq *request, criteria []criterionView, v url.Values, fe *formErrors) *reviewForm {
	f := &reviewForm{}
	for _, c := range criteria {
		name := "scores." + c.Code
		var opts []option
		for n := domain.MinScore; n <= domain.MaxScore; n++ {
			opts = append(opts, option{Value: strconv.Itoa(n), Label: scoreLabel(c, n), Lang: c.Lang})
		}
		ff := &formField{ID: fieldID(name), Name: name, Kind: kindRadios, Label: c.Label, Help: c.Weight, Required: true,
			Options: withIDs(fieldID(name), choose(opts, v.Get(name)))}
		fe.add(ff)
		f.Scores = append(f.Scores, ff)
	}
	var recs []option
	for _, rec := range domain.Recommendations {
		recs = append(recs, option{Value: rec, Label: rq.T("review.recommendation." + rec)})
	}
	f.Recommendation = &formField{ID: fieldID("recommendation"), Name: "recommendation", Kind: kindRadios, Required: true,
		Label: rq.T("review.form.recommendation"), Options: withIDs(fieldID("recommendation"), choose(recs, v.Get("recommendation")))}
	var confs []option
	for n := domain.MinConfidence; n <= domain.MaxConfidence; n++ {
		confs = append(confs, option{Value: strconv.Itoa(n), Label: rq.T("review.confidence." + strconv.Itoa(n))})
	}
	f.Confidence = &formField{ID: fieldID("confidence"), Name: "confidence", Kind: kindRadios, Required: true,
		Label: rq.T("review.form.confidence"), Options: withIDs(fieldID("confidence"), choose(confs, v.Get("confidence")))}
	f.ToApplicant = &formField{ID: fieldID("comment_to_applicant"), Name: "comment_to_applicant", Kind: kindTextarea,
		Label: rq.T("review.form.to_applicant"), Help: rq.T("review.form.to_applicant_help"), Value: v.Get("comment_to_applicant"),
		UserText: true, Rows: 8}
	f.ToCommittee = &formField{ID: fieldID("comment_to_committee"), Name: "comment_to_committee", Kind: kindTextarea,
		Label: rq.T("review.form.to_committee"), Help: rq.T("review.form.to_committee_help"), Value: v.Get("comment_to_committee"),
		UserText: true, Rows: 5}
	fe.add(f.Recommendation, f.Confidence, f.ToApplicant, f.ToCommittee)
	return f
}

// shownReview lays out a review for reading.
func shownReview(rq *request, criteria []criterionView, who string, scores map[string]int, total *float64, rec string,
	conf int, toApplicant string, at *time.Time) *reviewShown {
	s := &reviewShown{Who: who, Total: number(rq, total), ToApplicant: toApplicant}
	if rec != "" {
		s.Recommendation = rq.T("review.recommendation." + rec)
	}
	if conf > 0 {
		s.Confidence = rq.T("review.confidence." + strconv.Itoa(conf))
	}
	for _, c := range criteria {
		sc := scoreShown{Label: c.Label, Lang: c.Lang}
		if n, ok := scores[c.Code]; ok {
			sc.Score = scoreLabel(c, n)
		}
		s.Scores = append(s.Scores, sc)
	}
	if at != nil {
		s.Submitted = rq.L.FormatDateTime(*at, time.UTC)
	}
	return s
}

// reviewSave handles the review form's two buttons: save the draft, or
// save and submit it.
func (h *Handler) reviewSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	id, err := assignmentID(r)
	if err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	rc, err := h.app.ReviewCase(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return h.renderReview(w, r, rq, http.StatusForbidden, rc, v, nil, rq.T("error.csrf"))
	}
	in, problems := formToReview(v, rc.Rubric)
	if len(problems) > 0 {
		return h.renderReview(w, r, rq, http.StatusUnprocessableEntity, rc, v, problems, "")
	}
	if _, err := h.app.SaveReview(r.Context(), rq.user, id, in); err != nil {
		if errs := fieldErrors(err); errs != nil {
			return h.renderReview(w, r, rq, http.StatusUnprocessableEntity, rc, v, errs, "")
		}
		return err
	}
	done := "review_saved"
	if v.Get("action") == "submit" {
		if _, err := h.app.SubmitReview(r.Context(), rq.user, id); err != nil {
			if errs := fieldErrors(err); errs != nil {
				// The draft is saved; what keeps it from being submitted is
				// shown beside each field, with what was typed.
				return h.renderReview(w, r, rq, http.StatusUnprocessableEntity, rc, v, errs, rq.T("review.form.saved_not_submitted"))
			}
			return err
		}
		done = "review_submitted"
	}
	redirect(w, r, h.path(rq, "/review/assignments/"+strconv.FormatInt(id, 10))+"?done="+done)
	return nil
}

// reviewAttachment sends an attachment of an assigned case in an open
// call, as a download.
func (h *Handler) reviewAttachment(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := assignmentID(r)
	if err != nil {
		return err
	}
	att, data, err := h.app.ReviewAttachmentFile(r.Context(), rq.user, id, r.PathValue("name"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	sendDownload(w, r, att.Name, att.ContentType, data)
	return nil
}

// isReviewer reports whether u has review work to find in the menu: a
// reviewer account, or any account on a call's panel.
func (h *Handler) isReviewer(r *http.Request, u *store.User) bool {
	if u == nil {
		return false
	}
	if u.Role == store.RoleReviewer {
		return true
	}
	panels, err := h.app.MyPanels(r.Context(), u)
	if err != nil {
		h.log.ErrorContext(r.Context(), "web: panels of the signed-in account", "err", err)
		return false
	}
	return slices.ContainsFunc(panels, func(m app.PanelMember) bool { return m.State == domain.InvitationAccepted })
}

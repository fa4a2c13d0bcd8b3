package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// caseMeta is what pages say about a case besides its content.
type caseMeta struct {
	ID, State, Title string
	CallSlug         string
	CallTitle        string
	CallLang         string
	Deadline         string
	Version          int
	Submitted        string
	Updated          string
	Locked           string // why the owner can no longer edit, in words
	Owner            bool
}

func (h *Handler) caseMeta(rq *request, cv app.CaseView) caseMeta {
	loc, err := time.LoadLocation(cv.Call.Timezone)
	if err != nil {
		loc = time.UTC
	}
	m := caseMeta{ID: cv.ID, State: cv.State, Title: cv.Doc.Title, CallSlug: cv.Call.Slug, Version: cv.Version,
		Deadline: rq.T("call.closes", map[string]any{"Date": rq.L.FormatDateTime(cv.Deadline, loc), "Zone": rq.L.ZoneName(loc)}),
		Updated:  rq.L.FormatDateTime(cv.UpdatedAt, time.UTC),
		Owner:    rq.user != nil && cv.OwnerID == rq.user.ID}
	m.CallTitle, m.CallLang = localized(cv.Call.Title, rq.lang)
	if cv.SubmittedAt != nil {
		m.Submitted = rq.L.FormatDateTime(*cv.SubmittedAt, time.UTC)
	}
	if cv.Locked != "" && m.Owner {
		m.Locked = rq.T(cv.Locked)
	}
	return m
}

// myCasesPage lists the applicant's cases.
type myCasesPage struct {
	basePage
	Cases []caseRow
}

// caseRow is one case in a list.
type caseRow struct {
	ID, Title, State, CallTitle, CallLang, Updated, Submitted string
	Editable                                                  bool
	Countries                                                 string
	OrgName                                                   string
	Language                                                  string
}

func (h *Handler) myCases(w http.ResponseWriter, r *http.Request, rq *request) error {
	cases, err := h.app.MyCases(r.Context(), rq.user)
	if err != nil {
		return err
	}
	calls, err := h.app.Calls(r.Context(), rq.user)
	if err != nil {
		return err
	}
	byID := map[int64]store.Call{}
	for _, c := range calls {
		byID[c.ID] = c
	}
	p := myCasesPage{basePage: h.base(r, rq, rq.T("case.list.title"))}
	for _, c := range cases {
		row := caseRow{ID: c.ID, Title: c.Title, State: c.State, Updated: rq.L.FormatDateTime(c.UpdatedAt, time.UTC)}
		if call, ok := byID[c.CallID]; ok {
			row.CallTitle, row.CallLang = localized(call.Title, rq.lang)
			row.Editable = domain.Editable(c.State) && h.app.Now().Before(call.ClosesAt)
		}
		p.Cases = append(p.Cases, row)
	}
	h.render(w, r, rq, http.StatusOK, "my_cases", &p)
	return nil
}

// caseShowPage is the read-only view of a case.
type caseShowPage struct {
	basePage
	Case        caseMeta
	Fields      []mail.Field
	Versions    []versionRow
	Attachments []attachmentRow
	CanEdit     bool
	CanWithdraw bool
	Review      caseReviewStatus // screening outcome and released decision
}

type versionRow struct {
	Version int
	At      string
}

// attachmentRow is one attached file.
type attachmentRow struct {
	Name, Href, Delete, Type, Size string
}

func (h *Handler) attachmentRows(r *http.Request, rq *request, id string) ([]attachmentRow, error) {
	atts, err := h.app.Attachments(r.Context(), rq.user, id)
	if err != nil {
		return nil, err
	}
	var out []attachmentRow
	for _, a := range atts {
		base := h.path(rq, "/me/cases/"+id+"/attachments/"+url.PathEscape(a.Name))
		out = append(out, attachmentRow{Name: a.Name, Href: base, Delete: base + "/delete", Type: fileKind(a.ContentType),
			Size: fileSize(rq, a.Size)})
	}
	return out, nil
}

// fileSize writes a file size in the reader's language: kilobytes up to a
// megabyte, then megabytes with one decimal ("1,5 Mo" in French).
func fileSize(rq *request, n int64) string {
	if n >= 1<<20 {
		return rq.T("case.attachments.size_mb", map[string]any{"Size": rq.L.FormatNumber(float64(n)/(1<<20), 1)})
	}
	return rq.T("case.attachments.size_kb", map[string]any{"Size": rq.L.FormatInt((n + 1023) / 1024)})
}

// fileKind names a file's format as readers know it ("PDF"), or gives
// its media type.
func fileKind(contentType string) string {
	switch contentType {
	case "application/pdf":
		return "PDF"
	case "image/png":
		return "PNG"
	case "image/jpeg":
		return "JPEG"
	case "image/webp":
		return "WebP"
	}
	return contentType
}

func (h *Handler) caseShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	cv, err := h.app.Case(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderCaseShow(w, r, rq, http.StatusOK, cv)
}

func (h *Handler) renderCaseShow(w http.ResponseWriter, r *http.Request, rq *request, status int, cv app.CaseView) error {
	meta := h.caseMeta(rq, cv)
	title := meta.Title
	if title == "" {
		title = cv.ID
	}
	p := caseShowPage{basePage: h.base(r, rq, title), Case: meta, Fields: h.app.Fields(rq.lang, &cv.Doc)}
	// The record gives the case's language as its code; the page names it
	// in the reader's language.
	for i, f := range p.Fields {
		if f.Value == cv.Doc.Language && f.Label == rq.T("case.field.language.label") {
			p.Fields[i].Value = languageName(rq.L, f.Value)
		}
	}
	p.CanEdit = meta.Owner && cv.Locked == ""
	p.CanWithdraw = meta.Owner && domain.CanTransition(cv.State, domain.StateWithdrawn, store.RoleApplicant)
	versions, err := h.app.Versions(r.Context(), rq.user, cv.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		p.Versions = append(p.Versions, versionRow{Version: v.Version, At: rq.L.FormatDateTime(v.SubmittedAt, time.UTC)})
	}
	if p.Attachments, err = h.attachmentRows(r, rq, cv.ID); err != nil {
		return err
	}
	if p.Review, err = h.caseReviewStatus(r, rq, cv); err != nil {
		return err
	}
	h.render(w, r, rq, status, "case_show", &p)
	return nil
}

// caseEditPage is the case form.
type caseEditPage struct {
	basePage
	Case         caseMeta
	Action       string
	Form         *caseFormView
	Summary      []summaryItem
	SummaryIntro string
	Missing      []navLink
	Attachments  []attachmentRow
	Upload       *formField
	DraftFile    *formField // the draft file to upload (draftfile.go)
	Rows         rowsAsked
	MaxFiles     int
	MaxMB        int
	Submitted    bool // has been submitted before: the button says "submit the updated case"
}

func (h *Handler) caseEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	cv, err := h.app.Case(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	if cv.Locked != "" || cv.OwnerID != rq.user.ID {
		// Past the deadline, in a later state, or someone else's: the case
		// stays readable, with the reason it cannot be edited.
		return h.renderCaseShow(w, r, rq, http.StatusOK, cv)
	}
	return h.renderCaseEdit(w, r, rq, http.StatusOK, cv, caseToForm(cv.Doc), askedRows(r.URL.Query()), nil, nil, "")
}

// renderCaseEdit shows the case form with values v; errs are placed beside
// their fields, uploadErrs beside the upload field, and msg heads the
// error summary.
func (h *Handler) renderCaseEdit(w http.ResponseWriter, r *http.Request, rq *request, status int, cv app.CaseView,
	v url.Values, asked rowsAsked, errs domain.Errors, uploadErrs []string, msg string) error {
	p, err := h.caseEditPage(r, rq, status, cv, v, asked, errs, uploadErrs, msg)
	if err != nil {
		return err
	}
	h.render(w, r, rq, status, "case_edit", p)
	return nil
}

// caseEditPage builds the case form's page for renderCaseEdit.
func (h *Handler) caseEditPage(r *http.Request, rq *request, status int, cv app.CaseView,
	v url.Values, asked rowsAsked, errs domain.Errors, uploadErrs []string, msg string) (*caseEditPage, error) {
	meta := h.caseMeta(rq, cv)
	form, fe := buildCaseForm(rq, v, asked, errs, false)
	p := caseEditPage{basePage: h.base(r, rq, rq.T("case.edit.title", map[string]any{"CaseID": isolate(cv.ID)})), Case: meta,
		Action: h.path(rq, "/me/cases/"+cv.ID+"/edit"), Form: form, MaxFiles: app.MaxAttachments, MaxMB: app.MaxAttachmentSize >> 20,
		Submitted: cv.Version > 0}
	// The row counts shown, so that "add a row" can ask for one more.
	p.Rows = rowsAsked{
		KPIs:         rowCount(v, "kpis", asked.KPIs, domain.MaxKPIs),
		Partners:     rowCount(v, "partners", asked.Partners, domain.MaxPartners),
		Translations: rowCount(v, "translations", asked.Translations, maxTranslations),
	}
	if msg != "" {
		fe.Summary = append([]summaryItem{{Href: "#case-form", Text: msg}}, fe.Summary...)
	}
	p.Upload = &formField{ID: "f-file", Name: "file", Kind: "file", Label: rq.T("case.attachments.file.label"),
		Help: rq.T("case.attachments.help", map[string]any{"Max": app.MaxAttachments, "MaxMB": app.MaxAttachmentSize >> 20}), Errors: uploadErrs}
	for _, e := range uploadErrs {
		fe.Summary = append(fe.Summary, summaryItem{Href: "#f-file", Text: labelled(rq.lang, p.Upload.Label) + e})
	}
	p.DraftFile = draftFileField(rq)
	p.Summary = fe.Summary
	if len(errs) > 0 && status == http.StatusUnprocessableEntity {
		p.SummaryIntro = rq.T("case.errors.intro")
	}
	doc, _ := formToCase(v)
	domain.Normalize(&doc)
	for _, name := range domain.Missing(&doc) {
		href := "#case-form"
		if f := fe.find(name); f != nil {
			href = "#" + f.ID
		} else if name == "wsis" || name == "sdgs" {
			href = "#" + fieldID(map[string]string{"wsis": "wsis.primary", "sdgs": "sdgs.goals"}[name])
		}
		p.Missing = append(p.Missing, navLink{Href: href, Text: rq.T("case.field." + name + ".label")})
	}
	var err error
	if p.Attachments, err = h.attachmentRows(r, rq, cv.ID); err != nil {
		return nil, err
	}
	return &p, nil
}

// saveReply is the answer to an autosave.
type saveReply struct {
	Message string `json:"message"`
	SavedAt string `json:"saved_at,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// caseSave handles every button of the case form: save draft (which
// never validates), submit, add a row, and the script's autosave.
func (h *Handler) caseSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	id := r.PathValue("id")
	v, ferr := readForm(r)
	autosave := v.Get("action") == "autosave"
	if ferr != nil && !errors.Is(ferr, errBadEncoding) {
		return ferr
	}
	cv, err := h.app.Case(r.Context(), rq.user, id)
	if err != nil {
		if autosave {
			return h.autosaveFailed(w, rq, err)
		}
		return err
	}
	asked := rowsAsked{KPIs: atoi(v.Get("kpi_rows")), Partners: atoi(v.Get("partner_rows")), Translations: atoi(v.Get("translation_rows"))}
	if errors.Is(ferr, errBadEncoding) {
		// Show back what can be shown, and say which fields to paste again.
		if autosave {
			writeJSON(w, http.StatusBadRequest, saveReply{Message: rq.T(domain.ErrInvalidUTF8)})
			return nil
		}
		clean, errs := showableForm(v)
		return h.renderCaseEdit(w, r, rq, http.StatusBadRequest, cv, clean, asked, errs, nil, "")
	}
	if !h.csrfOK(r, rq, v) {
		if autosave {
			writeJSON(w, http.StatusForbidden, saveReply{Message: rq.T("error.csrf")})
			return nil
		}
		// Nothing is saved, but everything typed is shown again, so one
		// more click saves it.
		return h.renderCaseEdit(w, r, rq, http.StatusForbidden, cv, v, asked, nil, nil, rq.T("error.csrf"))
	}
	doc, problems := formToCase(v)
	saved, err := h.app.SaveDraft(r.Context(), rq.user, id, doc)
	if err != nil {
		if autosave {
			return h.autosaveFailed(w, rq, err)
		}
		return err
	}
	action := v.Get("action")
	switch {
	case autosave:
		at := h.app.Now().UTC()
		writeJSON(w, http.StatusOK, saveReply{SavedAt: at.Format(time.RFC3339),
			Message: rq.T("case.form.autosaved", map[string]any{"Time": at.Format("15:04") + " UTC"})})
		return nil
	case len(problems) > 0:
		// Saved, except what the record cannot hold: show the form as typed,
		// with what must change.
		return h.renderCaseEdit(w, r, rq, http.StatusUnprocessableEntity, saved, v, asked, problems, nil, "")
	case action == "submit":
		sub, err := h.app.Submit(r.Context(), rq.user, id)
		if errs := fieldErrors(err); errs != nil {
			return h.renderCaseEdit(w, r, rq, http.StatusUnprocessableEntity, saved, caseToForm(saved.Doc), asked, errs, nil, "")
		}
		if err != nil {
			return err
		}
		redirect(w, r, h.path(rq, "/me/cases/"+sub.ID)+"?done=submitted")
		return nil
	}
	q := url.Values{"done": {"saved"}}
	anchor := ""
	switch action {
	case "add_kpi":
		q.Set("kpi_rows", strconv.Itoa(rowsShown(v, "kpis", asked.KPIs)+1))
		anchor = "#f-kpis"
	case "add_partner":
		q.Set("partner_rows", strconv.Itoa(rowsShown(v, "partners", asked.Partners)+1))
		anchor = "#f-partners"
	case "add_translation":
		q.Set("translation_rows", strconv.Itoa(rowsShown(v, "translations", asked.Translations)+1))
		anchor = "#f-translations"
	}
	redirect(w, r, h.path(rq, "/me/cases/"+id+"/edit")+"?"+q.Encode()+anchor)
	return nil
}

// uploadedDraft is the case form as it came with a file: the upload
// button belongs to the form, so that a reader without JavaScript loses
// nothing typed since the last save.
type uploadedDraft struct {
	Values   url.Values    // the form's fields, to show again
	Asked    rowsAsked     // the rows the form showed
	Problems domain.Errors // what the record cannot hold, or bytes that are not text
}

// saveUploadedDraft saves the case form's fields that came with an
// upload (v holds them when it has the form's own kpi_rows field; a
// program that posts only the file saves nothing). It returns the case as
// saved, and the form with its problems; invalid text saves nothing.
func (h *Handler) saveUploadedDraft(r *http.Request, rq *request, cv app.CaseView, v url.Values) (app.CaseView, *uploadedDraft, error) {
	if !v.Has("kpi_rows") {
		return cv, nil, nil
	}
	d := &uploadedDraft{Values: v, Asked: rowsAsked{KPIs: atoi(v.Get("kpi_rows")), Partners: atoi(v.Get("partner_rows")), Translations: atoi(v.Get("translation_rows"))}}
	if len(invalidUTF8(v)) > 0 {
		d.Values, d.Problems = showableForm(v)
		return cv, d, nil
	}
	doc, problems := formToCase(v)
	saved, err := h.app.SaveDraft(r.Context(), rq.user, cv.ID, doc)
	if err != nil {
		return cv, nil, err
	}
	d.Problems = problems
	return saved, d, nil
}

// showableForm is a posted form with bytes that are not text: its values
// with those bytes replaced, to show again, and an error for each field
// to paste again.
func showableForm(v url.Values) (url.Values, domain.Errors) {
	clean := url.Values{}
	for k, vs := range v {
		ck := strings.ToValidUTF8(k, "\uFFFD")
		for _, s := range vs {
			clean.Add(ck, strings.ToValidUTF8(s, "\uFFFD"))
		}
	}
	var errs domain.Errors
	for _, name := range invalidUTF8(v) {
		errs = append(errs, domain.FieldError{Field: name, Key: domain.ErrInvalidUTF8})
	}
	return clean, errs
}

func (h *Handler) autosaveFailed(w http.ResponseWriter, rq *request, err error) error {
	ae := app.AsError(err)
	if ae == nil {
		return err
	}
	status := kindStatus[ae.Kind]
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, saveReply{Message: rq.T(ae.Key, ae.Args)})
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return min(max(n, 0), 100)
}

// withdrawPage confirms a withdrawal.
type withdrawPage struct {
	basePage
	Case   caseMeta
	Reason *formField
}

func (h *Handler) renderWithdraw(w http.ResponseWriter, r *http.Request, rq *request, status int, cv app.CaseView, reason, msg string) {
	p := withdrawPage{basePage: h.base(r, rq, rq.T("case.action.withdraw")), Case: h.caseMeta(rq, cv),
		Reason: &formField{ID: "f-reason", Name: "reason", Kind: kindTextarea, Label: rq.T("case.withdraw.reason"), Value: reason, UserText: true, Rows: 3}}
	p.Notice = msg
	h.render(w, r, rq, status, "case_withdraw", &p)
}

func (h *Handler) caseWithdrawConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	cv, err := h.app.Case(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.renderWithdraw(w, r, rq, http.StatusOK, cv, "", "")
	return nil
}

func (h *Handler) caseWithdraw(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !h.csrfOK(r, rq, v) {
		cv, err := h.app.Case(r.Context(), rq.user, id)
		if err != nil {
			return err
		}
		h.renderWithdraw(w, r, rq, http.StatusForbidden, cv, v.Get("reason"), rq.T("error.csrf"))
		return nil
	}
	if _, err := h.app.Withdraw(r.Context(), rq.user, id, v.Get("reason")); err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/me/cases/"+id)+"?done=withdrawn")
	return nil
}

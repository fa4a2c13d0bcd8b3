package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// A draft case can be taken offline: the applicant downloads the working
// copy as a file and uploads it again later, for connections that drop.
// The file is the API's case record (GET /api/v1/cases/{id}), so that a
// file from either can be uploaded to the other (PUT /api/v1/cases/{id}).
// Attachments are not part of it.

// maxDraftFile bounds an uploaded draft file: a complete case with every
// translation is a few hundred kilobytes.
const maxDraftFile = 2 << 20

// draftFileField is the file input of the "work offline" section.
func draftFileField(rq *request) *formField {
	return &formField{ID: "f-draft", Name: "draft", Kind: "file", Label: rq.T("case.offline.file.label"),
		Help: rq.T("case.offline.file.help", map[string]any{"MaxMB": maxDraftFile >> 20})}
}

// draftDownload sends the owner's working copy as a file. Whoever may not
// edit the case gets what the form's page gives them.
func (h *Handler) draftDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	cv, err := h.app.Case(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	if cv.Locked != "" || cv.OwnerID != rq.user.ID {
		return h.renderCaseShow(w, r, rq, http.StatusOK, cv)
	}
	rec := app.Record(cv)
	// Indented, so that the file can be read and corrected in a text editor.
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	w.Header().Set("Cache-Control", "no-store")
	sendDownload(w, r, cv.ID+"-draft.json", "application/json; charset=utf-8", b)
	return nil
}

// draftUpload replaces the working copy with an uploaded draft
// file. A file that is not this case's draft changes nothing: the form
// comes back as stored, with what is wrong with the file.
func (h *Handler) draftUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return errBadForm
	}
	defer r.MultipartForm.RemoveAll()
	if !h.csrfOK(r, rq, r.MultipartForm.Value) {
		return errCSRF
	}
	cv, err := h.app.Case(r.Context(), rq.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := editRefusal(rq, cv); err != nil {
		return err
	}
	doc, msg, err := readDraftFile(rq, cv.ID, r.MultipartForm.File["draft"])
	if err != nil {
		return err
	}
	if msg != "" {
		p, err := h.caseEditPage(r, rq, http.StatusUnprocessableEntity, cv, caseToForm(cv.Doc), rowsAsked{}, nil, nil, "")
		if err != nil {
			return err
		}
		p.DraftFile.Errors = []string{msg}
		p.Summary = append(p.Summary, summaryItem{Href: "#" + p.DraftFile.ID, Text: labelled(rq.lang, p.DraftFile.Label) + msg})
		h.render(w, r, rq, http.StatusUnprocessableEntity, "case_edit", p)
		return nil
	}
	if _, err := h.app.SaveDraft(r.Context(), rq.user, cv.ID, doc); err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/me/cases/"+cv.ID+"/edit")+"?done=draft_loaded")
	return nil
}

// editRefusal is the error saving the form gives a reader who may not
// edit the case (App.SaveDraft's checks), found before a file is read so
// that a locked case never shows its form.
func editRefusal(rq *request, cv app.CaseView) error {
	switch {
	case cv.OwnerID != rq.user.ID:
		return &app.Error{Kind: app.KindForbidden, Key: "error.forbidden"}
	case cv.Locked == "case.locked.deadline":
		return &app.Error{Kind: app.KindConflict, Key: "error.deadline_passed"}
	case cv.Locked != "":
		return &app.Error{Kind: app.KindConflict, Key: "error.wrong_state"}
	}
	return nil
}

// readDraftFile reads the uploaded draft of case id. What is wrong with
// the file comes back as msg, in the reader's language; err is a failure
// to read it at all.
func readDraftFile(rq *request, id string, files []*multipart.FileHeader) (doc domain.Case, msg string, err error) {
	if len(files) != 1 {
		return doc, rq.T("case.err.file_empty"), nil
	}
	f, err := files[0].Open()
	if err != nil {
		return doc, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxDraftFile+1))
	if err != nil {
		return doc, "", err
	}
	if len(data) > maxDraftFile {
		return doc, rq.T("case.offline.err.too_large", map[string]any{"MaxMB": maxDraftFile >> 20}), nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, rq.T("case.err.file_empty"), nil
	}
	doc, key, args := decodeDraft(data, id)
	if key != "" {
		return doc, rq.T(key, args), nil
	}
	return doc, "", nil
}

// decodeDraft decodes a draft file of case id. It returns the message key
// (and its arguments) of what is wrong, or "".
func decodeDraft(data []byte, id string) (domain.Case, string, map[string]any) {
	// Editors on some systems start a UTF-8 file with a byte order mark.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) || !json.Valid(data) {
		return domain.Case{}, "case.offline.err.not_json", nil
	}
	// A case is an object with at least one field: anything else (a list,
	// a number, {}) is some other file, and would empty the draft.
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || len(fields) == 0 {
		return domain.Case{}, "case.offline.err.not_case", nil
	}
	var in app.CaseBody
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			// The path starts with the embedded struct's name, which the
			// file does not have.
			field := strings.TrimPrefix(typ.Field, "Case.")
			return domain.Case{}, "case.offline.err.wrong_type", map[string]any{"Field": isolate(field)}
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return domain.Case{}, "case.offline.err.unknown_field", map[string]any{"Field": isolate(strings.Trim(name, `"`))}
		}
		return domain.Case{}, "case.offline.err.not_case", nil
	}
	if len(in.ID) > 0 && string(in.ID) != "null" {
		var fileID string
		if json.Unmarshal(in.ID, &fileID) != nil {
			return domain.Case{}, "case.offline.err.wrong_type", map[string]any{"Field": "id"}
		}
		if fileID != "" && fileID != id {
			return domain.Case{}, "case.offline.err.other_case", map[string]any{"File": isolate(fileID), "CaseID": isolate(id)}
		}
	}
	return in.Case, "", nil
}

package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// attachmentUpload attaches one file (multipart field "file") to a case.
// From the case form, the form's fields come along and are saved first.
func (h *Handler) attachmentUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	id := r.PathValue("id")
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return errBadForm
	}
	defer r.MultipartForm.RemoveAll()
	if !h.csrfOK(r, rq, r.MultipartForm.Value) {
		return errCSRF
	}
	cv, err := h.app.Case(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	// The case form's fields come with the file: they are saved first.
	cv, draft, err := h.saveUploadedDraft(r, rq, cv, r.MultipartForm.Value)
	if err != nil {
		return err
	}
	form, asked, problems := caseToForm(cv.Doc), rowsAsked{}, domain.Errors(nil)
	if draft != nil {
		form, asked, problems = draft.Values, draft.Asked, draft.Problems
	}
	fail := func(msg string) error {
		return h.renderCaseEdit(w, r, rq, http.StatusUnprocessableEntity, cv, form, asked, problems, []string{msg}, "")
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		return fail(rq.T("case.err.file_empty"))
	}
	fh := files[0]
	// The name as the browser sent it: FileHeader.Filename has already
	// been cut to its last path element, which would hide a name the
	// application must refuse.
	name := fh.Filename
	if _, params, err := mime.ParseMediaType(fh.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, app.MaxAttachmentSize+1))
	if err != nil {
		return err
	}
	att, err := h.app.AddAttachment(r.Context(), rq.user, id, name, data)
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindInvalid {
		msg := rq.T(ae.Key, ae.Args)
		if len(ae.Fields) > 0 {
			msg = rq.T(ae.Fields[0].Key, ae.Fields[0].Args)
		}
		return fail(msg)
	}
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		// Saved, except what the record cannot hold: the form as typed,
		// with what must change, and the file listed.
		return h.renderCaseEdit(w, r, rq, http.StatusUnprocessableEntity, cv, form, asked, problems, nil, "")
	}
	redirect(w, r, h.path(rq, "/me/cases/"+id+"/edit")+"?done=uploaded&name="+url.QueryEscape(att.Name)+"#attachments")
	return nil
}

// attachmentDownload sends a file as a download, never shown inline, so
// that a file cannot run as a page of this site.
func (h *Handler) attachmentDownload(w http.ResponseWriter, r *http.Request, rq *request) error {
	att, data, err := h.app.AttachmentFile(r.Context(), rq.user, r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	sendDownload(w, r, att.Name, att.ContentType, data)
	return nil
}

// sendDownload sends data as a file to save, never as a page: under a
// sandbox policy, a file cannot run as a page of this site. The caller
// sets its caching.
func sendDownload(w http.ResponseWriter, r *http.Request, name, mediaType string, data []byte) {
	hd := w.Header()
	hd.Set("Content-Type", mediaType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// attachmentDelete removes a file while the case is editable.
func (h *Handler) attachmentDelete(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.user == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	if !h.csrfOK(r, rq, v) {
		return errCSRF
	}
	id, name := r.PathValue("id"), r.PathValue("name")
	if err := h.app.DeleteAttachment(r.Context(), rq.user, id, name); err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/me/cases/"+id+"/edit")+"?done=removed&name="+url.QueryEscape(strings.ToValidUTF8(name, ""))+"#attachments")
	return nil
}

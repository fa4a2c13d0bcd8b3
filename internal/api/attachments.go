package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
)

type attachmentJSON struct {
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

func attachment(a store.Attachment) attachmentJSON {
	return attachmentJSON{Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedAt: a.CreatedAt.UTC()}
}

type attachmentList struct {
	Items []attachmentJSON `json:"items"`
}

// attachmentDisposition is a Content-Disposition that makes browsers save
// the file rather than show it, with the name encoded per RFC 6266.
func attachmentDisposition(name string) string {
	if d := mime.FormatMediaType("attachment", map[string]string{"filename": name}); d != "" {
		return d
	}
	return "attachment"
}

func tooLarge() error {
	return &app.Error{Kind: app.KindTooLarge, Key: "case.err.file_too_large", Args: map[string]any{"Max": app.MaxAttachmentSize >> 20}}
}

// uploadAttachment attaches the multipart field "file" to a case. The
// part is read as it arrives, never spooled to disk, and at most one byte
// more than the largest allowed file is kept in memory.
func (s *server) uploadAttachment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return &requestError{status: http.StatusUnsupportedMediaType, key: "api.err.content_type_multipart",
			args: map[string]any{"Type": r.Header.Get("Content-Type")}}
	}
	r.Body = http.MaxBytesReader(w, r.Body, app.MaxAttachmentSize+multipartOverhead)
	mr, err := r.MultipartReader()
	if err != nil {
		return badRequest("api.err.multipart", nil)
	}
	var (
		name  string
		data  []byte
		found bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return uploadReadError(err)
		}
		if part.FormName() != "file" {
			// Other fields carry nothing the operation uses.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return uploadReadError(err)
			}
			continue
		}
		if found {
			return badRequest("api.err.one_file", nil)
		}
		found = true
		name = rawFileName(part)
		data, err = io.ReadAll(io.LimitReader(part, app.MaxAttachmentSize+1))
		if err != nil {
			return uploadReadError(err)
		}
		if len(data) > app.MaxAttachmentSize {
			return tooLarge()
		}
	}
	if !found {
		return badRequest("api.err.no_file", nil, fieldProblem{field: "file", key: "api.err.no_file"})
	}
	att, err := s.app.AddAttachment(r.Context(), rc.actor, r.PathValue("id"), name, data)
	if err != nil {
		return err
	}
	w.Header().Set("Location", caseLocation(r.PathValue("id"))+"/attachments/"+url.PathEscape(att.Name))
	return writeJSON(w, http.StatusCreated, attachment(att))
}

// rawFileName is the file name exactly as the client sent it.
// multipart.Part.FileName would strip any directories, hiding a name such
// as "../../x.pdf" that the app must see to refuse.
func rawFileName(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return ""
	}
	return params["filename"]
}

func uploadReadError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return tooLarge()
	}
	return badRequest("api.err.multipart", nil)
}

func (s *server) listAttachments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	atts, err := s.app.Attachments(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := attachmentList{Items: make([]attachmentJSON, 0, len(atts))}
	for _, a := range atts {
		out.Items = append(out.Items, attachment(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

// downloadAttachment sends a file with the type sniffed when it was
// uploaded, as a download, never to be rendered in the API's origin.
func (s *server) downloadAttachment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	att, data, err := s.app.AttachmentFile(r.Context(), rc.actor, r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		return err
	}
	if int64(len(data)) != att.Size {
		return fmt.Errorf("attachment %s/%s: stored %d bytes, recorded %d", att.CaseID, att.Name, len(data), att.Size)
	}
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", attachmentDisposition(att.Name))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+att.SHA256+`"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
	return nil
}

func (s *server) deleteAttachment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := s.app.DeleteAttachment(r.Context(), rc.actor, r.PathValue("id"), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

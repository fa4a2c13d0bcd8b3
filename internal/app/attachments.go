package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Attachment limits.
const (
	MaxAttachments    = 5
	MaxAttachmentSize = 10 << 20
	maxFileNameLen    = 120
)

// allowedTypes maps a sniffed content type to the file extensions that may
// carry it: a file whose content is not what its name says is refused.
var allowedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/webp":      {".webp"},
}

// CleanFileName checks a client-supplied file name. Names with path
// separators or control characters are refused rather than rewritten, so
// what is stored is what the applicant sees.
func CleanFileName(name string) (string, error) {
	name = strings.TrimSpace(name)
	bad := func() error { return invalid(domain.Errors{field("file", "case.err.file_name", nil)}) }
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxFileNameLen {
		return "", bad()
	}
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return "", bad()
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == ':' || r == '"' || r == '<' || r == '>' || r == '|' || r == '*' || r == '?' {
			return "", bad()
		}
	}
	return name, nil
}

// sniff returns the content type of data if it is an accepted kind whose
// extension matches name.
func sniff(name string, data []byte) (string, bool) {
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	exts, ok := allowedTypes[ct]
	if !ok {
		return ct, false
	}
	ext := strings.ToLower(path.Ext(name))
	for _, e := range exts {
		if e == ext {
			return ct, true
		}
	}
	return ct, false
}

// AddAttachment attaches a file to a draft or submitted case before the
// deadline.
func (a *App) AddAttachment(ctx context.Context, actor Actor, id, name string, data []byte) (store.Attachment, error) {
	name, err := CleanFileName(name)
	if err != nil {
		return store.Attachment{}, err
	}
	if len(data) > MaxAttachmentSize {
		return store.Attachment{}, &Error{Kind: KindTooLarge, Key: "case.err.file_too_large", Args: map[string]any{"Max": MaxAttachmentSize >> 20}}
	}
	if len(data) == 0 {
		return store.Attachment{}, invalid(domain.Errors{field("file", "case.err.file_empty", nil)})
	}
	ct, ok := sniff(name, data)
	if !ok {
		return store.Attachment{}, invalid(domain.Errors{field("file", "case.err.file_type", nil)})
	}
	sum := sha256.Sum256(data)
	att := store.Attachment{CaseID: id, Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: a.now()}
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		v, err := a.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := a.checkEditable(actor, v); err != nil {
			return err
		}
		n, err := tx.CountAttachments(ctx, id)
		if err != nil {
			return err
		}
		if n >= MaxAttachments {
			return &Error{Kind: KindConflict, Key: "case.err.too_many_files", Args: map[string]any{"Max": MaxAttachments}}
		}
		if err := tx.AddAttachment(ctx, &att, data); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid(domain.Errors{field("file", "case.err.file_exists", nil)})
			}
			return err
		}
		return a.audit(ctx, tx, actor, "case", id, "attach", "", "", name)
	})
	return att, err
}

// Attachments lists a case's files for its owner or staff.
func (a *App) Attachments(ctx context.Context, actor Actor, id string) ([]store.Attachment, error) {
	if _, err := a.load(ctx, a.DB, actor, id); err != nil {
		return nil, err
	}
	return a.DB.ListAttachments(ctx, id)
}

// AttachmentFile returns one file and its bytes for its owner or staff.
func (a *App) AttachmentFile(ctx context.Context, actor Actor, id, name string) (store.Attachment, []byte, error) {
	if _, err := a.load(ctx, a.DB, actor, id); err != nil {
		return store.Attachment{}, nil, err
	}
	att, err := a.DB.Attachment(ctx, id, name)
	if err != nil {
		return store.Attachment{}, nil, notFound(err)
	}
	data, err := a.DB.AttachmentData(ctx, att.SHA256)
	return att, data, err
}

// DeleteAttachment removes a file while the case is editable.
func (a *App) DeleteAttachment(ctx context.Context, actor Actor, id, name string) error {
	return a.DB.Transact(ctx, func(tx *store.DB) error {
		v, err := a.load(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := a.checkEditable(actor, v); err != nil {
			return err
		}
		if err := tx.DeleteAttachment(ctx, id, name); err != nil {
			return notFound(err)
		}
		return a.audit(ctx, tx, actor, "case", id, "detach", "", "", name)
	})
}

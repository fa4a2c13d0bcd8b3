package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// ImportOwner owns imported cases unless the operator names an account.
// It has no password, so nobody can sign in as it.
const ImportOwner = "imports@dxatlas.invalid"

// ImportOptions configures Import.
type ImportOptions struct {
	Owner    string // e-mail of the owning account; "" = ImportOwner
	Publish  bool   // publish directly (migrating an existing collection)
	Lang     string // language of the rejection reasons
	Progress func(lines int, bytes int64)
	Batch    int // lines per transaction; 0 = 500
}

// LineError is one rejected line and why.
type LineError struct {
	Line    int
	Reasons []string
}

// ImportReport says what Import did.
type ImportReport struct {
	Lines    int
	Imported []string // new case ids
	Rejected []LineError
}

// countingReader counts bytes read, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Import loads cases from JSON Lines into a call, validating every line
// exactly as a submission. Rejected lines are reported with their number
// and reasons; the rest are imported, in batches that each commit whole.
func (a *App) Import(ctx context.Context, actor Actor, slug string, r io.Reader, o ImportOptions) (ImportReport, error) {
	var rep ImportReport
	if actor != nil && !isStaff(actor) {
		return rep, errForbidden
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Lang == "" {
		o.Lang = "en"
	}
	L := a.Cat.Localizer(o.Lang)
	call, err := a.DB.CallBySlug(ctx, slug)
	if err != nil {
		return rep, fmt.Errorf("call %q: %w", slug, err)
	}
	owner, err := a.importOwner(ctx, o.Owner)
	if err != nil {
		return rep, err
	}
	type item struct {
		line int
		doc  domain.Case
		raw  []byte
	}
	var batch []item
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var ids []string
		err := a.DB.Transact(ctx, func(tx *store.DB) error {
			ids = ids[:0]
			var published []store.Case
			now := a.now()
			for _, it := range batch {
				seq, err := tx.NextCaseSeq(ctx, now.Year())
				if err != nil {
					return err
				}
				c := store.Case{ID: domain.FormatCaseID(now.Year(), seq), CallID: call.ID, OwnerID: owner.ID,
					State: domain.StateSubmitted, Doc: it.raw, Version: 1, SubmittedAt: &now, CreatedAt: now, UpdatedAt: now,
					Title: it.doc.Title, Language: it.doc.Language, OrgName: it.doc.Organisation.Name}
				if o.Publish {
					c.State, c.PublishedAt = domain.StatePublished, &now
				}
				if err := tx.CreateCase(ctx, &c, a.tags(&it.doc)); err != nil {
					return err
				}
				if err := tx.AddCaseVersion(ctx, store.CaseVersion{CaseID: c.ID, Version: 1, Doc: it.raw, SubmittedAt: now, SubmittedBy: owner.ID}); err != nil {
					return err
				}
				if err := a.audit(ctx, tx, actor, "case", c.ID, "import", "", c.State, fmt.Sprintf("line %d", it.line)); err != nil {
					return err
				}
				ids = append(ids, c.ID)
				if o.Publish {
					published = append(published, c)
				}
			}
			// Published cases enter the library with their batch.
			return a.indexCases(ctx, tx, published, call.Slug)
		})
		if err != nil {
			return err
		}
		rep.Imported = append(rep.Imported, ids...)
		batch = batch[:0]
		return nil
	}
	cr := &countingReader{r: r}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	for sc.Scan() {
		rep.Lines++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		doc, reasons := a.parseLine(line, L)
		if len(reasons) > 0 {
			rep.Rejected = append(rep.Rejected, LineError{Line: rep.Lines, Reasons: reasons})
		} else {
			raw, err := encodeDoc(&doc)
			if err != nil {
				return rep, err
			}
			batch = append(batch, item{line: rep.Lines, doc: doc, raw: raw})
			if len(batch) >= o.Batch {
				if err := flush(); err != nil {
					return rep, err
				}
			}
		}
		if o.Progress != nil && rep.Lines%100 == 0 {
			o.Progress(rep.Lines, cr.n)
		}
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("line %d: %w", rep.Lines+1, err)
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if o.Progress != nil {
		o.Progress(rep.Lines, cr.n)
	}
	if o.Publish && len(rep.Imported) > 0 {
		a.syncAfterPublication(ctx)
	}
	return rep, nil
}

// parseLine decodes and validates one line as a submission would.
func (a *App) parseLine(line []byte, L interface {
	T(string, ...any) string
}) (domain.Case, []string) {
	var doc domain.Case
	if !utf8.Valid(line) {
		return doc, []string{L.T("error.invalid_utf8")}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return doc, []string{DescribeJSONError(L, err)}
	}
	if dec.More() {
		return doc, []string{L.T("error.malformed_json")}
	}
	domain.Normalize(&doc)
	errs := domain.Validate(&doc, a.now())
	reasons := make([]string, 0, len(errs))
	for _, e := range errs {
		reasons = append(reasons, e.Field+": "+L.T(e.Key, e.Args))
	}
	return doc, reasons
}

// DescribeJSONError turns a decoding error into a message a person can act on.
func DescribeJSONError(L interface {
	T(string, ...any) string
}, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return L.T("error.malformed_json_at", map[string]any{"Offset": syn.Offset})
	case errors.As(err, &typ):
		return typ.Field + ": " + L.T("error.wrong_type", map[string]any{"Field": typ.Field, "Expected": typ.Type.String()})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return name + ": " + L.T("error.unknown_field", map[string]any{"Field": name})
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return L.T("error.malformed_json")
	}
	return L.T("error.malformed_json")
}

func (a *App) importOwner(ctx context.Context, email string) (store.User, error) {
	if email != "" {
		u, err := a.DB.UserByEmail(ctx, email)
		if err != nil {
			return u, fmt.Errorf("owner %q: %w", email, err)
		}
		return u, nil
	}
	u, err := a.DB.UserByEmail(ctx, ImportOwner)
	if errors.Is(err, store.ErrNotFound) {
		u = store.User{Email: ImportOwner, Name: "Imports", Role: store.RoleApplicant, CreatedAt: a.now()}
		if err := a.DB.CreateUser(ctx, &u); err != nil && !errors.Is(err, store.ErrConflict) {
			return u, err
		}
		return a.DB.UserByEmail(ctx, ImportOwner)
	}
	return u, err
}

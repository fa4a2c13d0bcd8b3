package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
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
	// NoLibrarySync leaves this process's library index as it is after a
	// publishing import, for a one-shot command that has no index to keep
	// current (a server's index sees the cases at its next refresh).
	NoLibrarySync bool
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

// Import loads cases from JSON Lines into a call, validating every line
// exactly as a submission. Rejected lines are reported with their number
// and reasons; the rest are imported, in batches that each commit whole.
//
// The work is a pipeline: one goroutine reads the lines into batches,
// GOMAXPROCS workers decode, validate and tag them and analyse their
// search documents, and the calling goroutine writes the batches, in the
// order of the file, each in one transaction with a few statements.
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
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	workers := max(1, runtime.GOMAXPROCS(0))
	todo := make(chan *importBatch, workers)    // to the workers
	order := make(chan *importBatch, 2*workers) // to the writer, in order; bounds the batches in flight
	var readErr error
	wg.Go(func() {
		defer close(order)
		defer close(todo)
		readErr = readImportBatches(ctx, r, o.Batch, todo, order)
	})
	for range workers {
		wg.Go(func() {
			an := search.NewAnalyser()
			for b := range todo {
				a.prepareImport(b, L, call.Slug, o.Publish, an)
				close(b.done)
			}
		})
	}
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return rep, ctx.Err()
		}
		rep.Lines = b.last
		rep.Rejected = append(rep.Rejected, b.rejected...)
		if b.err != nil {
			return rep, b.err
		}
		if !b.discard {
			ids, err := a.writeImport(ctx, actor, call.ID, owner.ID, o.Publish, b)
			if err != nil {
				return rep, err
			}
			rep.Imported = append(rep.Imported, ids...)
		}
		if o.Progress != nil {
			o.Progress(rep.Lines, b.read)
		}
	}
	if readErr != nil {
		return rep, readErr
	}
	if o.Publish && len(rep.Imported) > 0 && !o.NoLibrarySync {
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

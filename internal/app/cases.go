package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// CaseView is a stored case with its decoded document and call.
type CaseView struct {
	store.Case
	Doc      domain.Case
	Call     store.Call
	Deadline time.Time // the call's closing time or the case's extension
	// Locked says why the owner can no longer edit ("" = editable).
	Locked string
}

// deadline is when a case stops taking edits: the call's closing time, or
// its individual extension if later.
func deadline(c store.Call, cs store.Case) time.Time {
	d := c.ClosesAt
	if cs.ExtendedUntil != nil && cs.ExtendedUntil.After(d) {
		d = *cs.ExtendedUntil
	}
	return d
}

func (a *App) view(c store.Case, call store.Call) (CaseView, error) {
	v := CaseView{Case: c, Call: call, Deadline: deadline(call, c)}
	if len(c.Doc) > 0 {
		if err := json.Unmarshal(c.Doc, &v.Doc); err != nil {
			return v, err
		}
	}
	switch {
	case !domain.Editable(c.State):
		v.Locked = "case.locked.state"
	case !a.now().Before(v.Deadline):
		v.Locked = "case.locked.deadline"
	}
	return v, nil
}

// load fetches a case the actor may see: its owner, or staff. Everyone
// else gets NotFound, so the existence of other people's cases never leaks.
func (a *App) load(ctx context.Context, tx *store.DB, actor Actor, id string) (CaseView, error) {
	if actor == nil {
		return CaseView{}, errUnauth
	}
	c, err := tx.CaseByID(ctx, id)
	if err != nil {
		return CaseView{}, notFound(err)
	}
	if c.OwnerID != actor.ID && !isStaff(actor) {
		return CaseView{}, errNotFound
	}
	call, err := tx.CallByID(ctx, c.CallID)
	if err != nil {
		return CaseView{}, err
	}
	return a.view(c, call)
}

// Case returns a case for its owner or the secretariat.
func (a *App) Case(ctx context.Context, actor Actor, id string) (CaseView, error) {
	return a.load(ctx, a.DB, actor, id)
}

// sanitizeDraft makes any typed text storable: a draft keeps whatever was
// typed, but no database stores invalid UTF-8 or NUL, and an unreadable
// byte sequence carries no meaning to keep.
func sanitizeDraft(doc []byte) []byte {
	if !utf8.Valid(doc) {
		doc = bytes.ToValidUTF8(doc, []byte("\uFFFD"))
	}
	return bytes.ReplaceAll(doc, []byte(`\u0000`), []byte(`\ufffd`))
}

func encodeDoc(c *domain.Case) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return sanitizeDraft(b), nil
}

// requireApplicant checks that actor may create and own cases.
func requireApplicant(actor Actor) error {
	if actor == nil {
		return errUnauth
	}
	if actor.VerifiedAt == nil {
		return errNotVerified
	}
	if actor.Role != store.RoleApplicant && actor.Role != store.RoleAdmin {
		return errForbidden
	}
	return nil
}

// CreateCase starts a draft in an open call. doc may be empty or invalid.
func (a *App) CreateCase(ctx context.Context, actor Actor, slug string, doc domain.Case) (CaseView, error) {
	if err := requireApplicant(actor); err != nil {
		return CaseView{}, err
	}
	domain.Normalize(&doc)
	if doc.Organisation.Name == "" && doc.Organisation.Type == "" && doc.Organisation.Country == "" {
		// Start from what the applicant said of their organisation.
		doc.Organisation.Name, doc.Organisation.Type, doc.Organisation.Country = actor.OrgName, actor.OrgType, actor.OrgCountry
	}
	if doc.Licence == "" {
		doc.Licence = "CC-BY-4.0"
	}
	raw, err := encodeDoc(&doc)
	if err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		switch a.Phase(call) {
		case domain.PhaseOpen:
		case domain.PhaseDraft:
			return errNotFound
		default:
			return errDeadline
		}
		now := a.now()
		seq, err := tx.NextCaseSeq(ctx, now.Year())
		if err != nil {
			return err
		}
		c := store.Case{ID: domain.FormatCaseID(now.Year(), seq), CallID: call.ID, OwnerID: actor.ID, State: domain.StateDraft,
			Doc: raw, CreatedAt: now, UpdatedAt: now, Title: doc.Title, Language: doc.Language, OrgName: doc.Organisation.Name}
		if err := tx.CreateCase(ctx, &c, a.tags(&doc)); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "case", c.ID, "create", "", c.State, ""); err != nil {
			return err
		}
		v, err = a.view(c, call)
		return err
	})
	return v, err
}

// checkEditable says whether the owner may change the case now.
func (a *App) checkEditable(actor Actor, v CaseView) error {
	if v.OwnerID != actor.ID {
		// Staff can read every case but never edit an applicant's text.
		return errForbidden
	}
	switch v.Locked {
	case "":
		return nil
	case "case.locked.deadline":
		return errDeadline
	default:
		return errWrongState
	}
}

// SaveDraft replaces the working copy of a case with doc, valid or not.
// A submitted case stays submitted: its submitted versions do not change
// until the applicant submits again.
func (a *App) SaveDraft(ctx context.Context, actor Actor, id string, doc domain.Case) (CaseView, error) {
	domain.Normalize(&doc)
	raw, err := encodeDoc(&doc)
	if err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := a.checkEditable(actor, v); err != nil {
			return err
		}
		v.Case.Doc, v.Doc = raw, doc
		v.UpdatedAt = a.now()
		v.Title, v.Language, v.OrgName = doc.Title, doc.Language, doc.Organisation.Name
		// Most saves during typing leave the facet values as they were:
		// compare with the stored ones and rewrite them only on a change.
		stored, err := tx.CaseTags(ctx, v.ID)
		if err != nil {
			return err
		}
		if after := a.tags(&doc); !sameTags(stored, after) {
			return tx.SaveCase(ctx, v.Case, after)
		}
		return tx.UpdateCase(ctx, v.Case)
	})
	return v, err
}

// Submit validates the working copy and, if it is valid, stores it as a new
// immutable version and mails a receipt. Submitting an unchanged case
// again is a no-op, so a double click or a retried request is harmless.
func (a *App) Submit(ctx context.Context, actor Actor, id string) (CaseView, error) {
	var v CaseView
	sent := false
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := a.checkEditable(actor, v); err != nil {
			return err
		}
		if errs := domain.Validate(&v.Doc, a.now()); len(errs) > 0 {
			return invalid(errs)
		}
		if v.State == domain.StateSubmitted && v.Version > 0 {
			last, err := tx.CaseVersion(ctx, v.ID, v.Version)
			if err != nil {
				return err
			}
			if sameJSON(last.Doc, v.Case.Doc) {
				return nil
			}
		}
		if !domain.CanTransition(v.State, domain.StateSubmitted, store.RoleApplicant) {
			return errWrongState
		}
		from, now := v.State, a.now()
		v.Version++
		v.State = domain.StateSubmitted
		v.SubmittedAt = &now
		v.UpdatedAt = now
		if err := tx.AddCaseVersion(ctx, store.CaseVersion{CaseID: v.ID, Version: v.Version, Doc: v.Case.Doc, SubmittedAt: now, SubmittedBy: actor.ID}); err != nil {
			return err
		}
		if err := tx.SaveCase(ctx, v.Case, a.tags(&v.Doc)); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "case", v.ID, "submit", from, v.State, "version "+itoa(int64(v.Version))); err != nil {
			return err
		}
		sent = true
		return a.enqueue(ctx, tx, a.receipt(*actor, v))
	})
	if sent {
		a.Notify()
	}
	return v, err
}

func sameTags(a, b []store.Tag) bool {
	if len(a) != len(b) {
		return false
	}
	cmp := func(x, y store.Tag) int { return strings.Compare(x.Facet+"\x00"+x.Value, y.Facet+"\x00"+y.Value) }
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// Withdraw takes a case out of the call at its owner's request.
func (a *App) Withdraw(ctx context.Context, actor Actor, id, reason string) (CaseView, error) {
	var v CaseView
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, id); err != nil {
			return err
		}
		if v.OwnerID != actor.ID {
			return errForbidden
		}
		if v.State == domain.StateWithdrawn {
			return nil // already done: idempotent
		}
		if !domain.CanTransition(v.State, domain.StateWithdrawn, store.RoleApplicant) {
			return errWrongState
		}
		from := v.State
		v.State, v.UpdatedAt = domain.StateWithdrawn, a.now()
		v.Locked = "case.locked.state"
		if err := tx.SaveCase(ctx, v.Case, a.tags(&v.Doc)); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "case", v.ID, "withdraw", from, v.State, strings.TrimSpace(reason)); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, a.Mail.Withdrawn(actor.Language, actor.Email, actor.Name, v.ID, titleOr(v), localText(v.Call.Title, actor.Language)))
	})
	a.Notify()
	return v, err
}

func titleOr(v CaseView) string {
	if v.Doc.Title != "" {
		return v.Doc.Title
	}
	return v.ID
}

// Versions lists a case's submitted versions.
func (a *App) Versions(ctx context.Context, actor Actor, id string) ([]store.CaseVersion, error) {
	if _, err := a.load(ctx, a.DB, actor, id); err != nil {
		return nil, err
	}
	return a.DB.CaseVersions(ctx, id)
}

// ListFilter selects cases of a call.
type ListFilter struct {
	States       []string
	Countries    []string
	Regions      []string
	WSIS         []string
	Technologies []string
	Page         int
	PerPage      int
}

func (f ListFilter) store(callID, owner int64) store.CaseFilter {
	sf := store.CaseFilter{CallID: callID, OwnerID: owner, States: f.States, Page: f.Page, PerPage: f.PerPage, Tags: map[string][]string{}}
	for facet, vals := range map[string][]string{"country": f.Countries, "region": f.Regions, "wsis": f.WSIS, "technology": f.Technologies} {
		if len(vals) > 0 {
			sf.Tags[facet] = vals
		}
	}
	return sf
}

// Cases lists a call's cases: staff see all, others their own.
func (a *App) Cases(ctx context.Context, actor Actor, slug string, f ListFilter) ([]store.Case, int, error) {
	if actor == nil {
		return nil, 0, errUnauth
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, 0, err
	}
	owner := actor.ID
	if isStaff(actor) {
		owner = 0
	}
	return a.DB.ListCases(ctx, f.store(call.ID, owner))
}

// MyCases lists the actor's own cases in every call.
func (a *App) MyCases(ctx context.Context, actor Actor) ([]store.Case, error) {
	if actor == nil {
		return nil, errUnauth
	}
	cs, _, err := a.DB.ListCases(ctx, store.CaseFilter{OwnerID: actor.ID})
	return cs, err
}

// receipt renders the submission receipt with a copy of what was submitted.
func (a *App) receipt(u store.User, v CaseView) mail.Message {
	lang := u.Language
	if lang == "" {
		lang = "en"
	}
	return a.Mail.Receipt(lang, u.Email, u.Name, mail.ReceiptData{
		CaseID: v.ID, Title: v.Doc.Title, Call: localText(v.Call.Title, lang), Version: v.Version,
		Link:   a.link(lang, "/me/cases/"+v.ID+"/edit"),
		Fields: a.Fields(lang, &v.Doc),
	})
}

// ErrNotFound reports whether err means "not found" for the caller.
func ErrNotFound(err error) bool {
	return IsKind(err, KindNotFound) || errors.Is(err, store.ErrNotFound)
}

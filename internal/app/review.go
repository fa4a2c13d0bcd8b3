package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Errors of the review workflow.
var (
	errPhase         = fail(KindConflict, "review.err.phase")
	errSubmitted     = fail(KindConflict, "review.err.submitted")
	errReviewStarted = fail(KindConflict, "review.err.review_started")
	errOthersHidden  = fail(KindForbidden, "review.err.others_hidden")
	errSubmitFirst   = fail(KindConflict, "review.err.submit_first")
	errInvitation    = fail(KindBadRequest, "review.err.invitation_invalid")
	errAlreadyMember = fail(KindConflict, "review.err.already_member")
	errNotMember     = fail(KindInvalid, "review.err.not_member")
	errAssigned      = fail(KindConflict, "review.err.already_assigned")
	errNoConsent     = fail(KindConflict, "review.err.no_consent")
)

// Limits of what people type in the review workflow.
const (
	maxNoteChars    = 5000  // screening notes, decision notes
	maxCommentChars = 10000 // each comment of a review
	maxLoadLimit    = 500   // a reviewer's maximum load
	defaultMaxLoad  = 10
)

func requireStaff(actor Actor) error {
	if !isStaff(actor) {
		return forbidOrUnauth(actor)
	}
	return nil
}

// cleanText makes typed text storable (valid UTF-8, no NUL) and trims it.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
}

// checkLen adds an error if s is longer than max characters.
func checkLen(errs *domain.Errors, path, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		*errs = append(*errs, field(path, "err.too_long_chars", map[string]any{"Max": max, "Count": n}))
	}
}

// ReviewSettings are a call's review rules besides those of CallInput.
type ReviewSettings struct {
	// Visibility: "never", "after_own" or "always" (domain.Visibilities).
	Visibility string `json:"review_visibility"`
	// RevealReviewers lets reviewers see each other's names.
	RevealReviewers bool `json:"reveal_reviewers"`
}

// ReviewSettings returns a call's review settings (staff).
func (a *App) ReviewSettings(ctx context.Context, actor Actor, slug string) (ReviewSettings, error) {
	if err := requireStaff(actor); err != nil {
		return ReviewSettings{}, err
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return ReviewSettings{}, err
	}
	s, err := a.DB.CallReviewSettings(ctx, call.ID)
	return ReviewSettings(s), err
}

// SetReviewSettings changes a call's review settings (staff).
func (a *App) SetReviewSettings(ctx context.Context, actor Actor, slug string, s ReviewSettings) (ReviewSettings, error) {
	if err := requireStaff(actor); err != nil {
		return ReviewSettings{}, err
	}
	if !slices.Contains(domain.Visibilities, s.Visibility) {
		return ReviewSettings{}, invalid(domain.Errors{field("review_visibility", "err.unknown_code", map[string]any{"Value": s.Visibility})})
	}
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		before, err := tx.CallReviewSettings(ctx, call.ID)
		if err != nil {
			return err
		}
		if err := tx.SetCallReviewSettings(ctx, call.ID, store.ReviewSettings(s), a.now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "call", call.Slug, "review_settings", before.Visibility, s.Visibility,
			"reveal_reviewers "+strconv.FormatBool(s.RevealReviewers))
	})
	return s, err
}

// rubricOf returns a call's rubric: its own, or the default.
func rubricOf(call store.Call) (domain.Rubric, error) {
	return domain.ParseRubric(call.Rubric)
}

// Rubric returns the rubric of a call the actor may see.
func (a *App) Rubric(ctx context.Context, actor Actor, slug string) (domain.Rubric, error) {
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return domain.Rubric{}, err
	}
	return rubricOf(call)
}

// setPhase moves a call to a later phase set by the secretariat and audits
// the change; it does nothing if the call is already there.
func (a *App) setPhase(ctx context.Context, tx *store.DB, actor Actor, call *store.Call, phase, reason string) error {
	from := a.Phase(*call)
	if from == phase {
		return nil
	}
	if err := tx.SetCallPhase(ctx, call.ID, phase, a.now()); err != nil {
		return err
	}
	call.Phase = phase
	return a.audit(ctx, tx, actor, "call", call.Slug, "phase", from, phase, reason)
}

// StartReview moves a closed call to its review phase. Starting the
// automatic assignment does it too.
func (a *App) StartReview(ctx context.Context, actor Actor, slug string) (store.Call, error) {
	if err := requireStaff(actor); err != nil {
		return store.Call{}, err
	}
	var call store.Call
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if call, err = tx.CallBySlug(ctx, slug); err != nil {
			return notFound(err)
		}
		switch a.Phase(call) {
		case domain.PhaseClosed:
			return a.setPhase(ctx, tx, actor, &call, domain.PhaseReviewing, "")
		case domain.PhaseReviewing:
			return nil
		}
		return errPhase
	})
	return call, err
}

// AuditFilter selects audit entries: entity kind and id, action, actor and
// a time window (From ≤ at < To); zero fields do not filter. Limit ≤ 0
// returns every entry.
type AuditFilter = store.AuditFilter

// Audit returns the audit log's entries matching f, newest first
// (secretariat and admin).
func (a *App) Audit(ctx context.Context, actor Actor, f AuditFilter) ([]store.AuditEntry, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, invalid(domain.Errors{field("to", "err.too_small", map[string]any{"Min": f.From.Format(time.RFC3339)})})
	}
	return a.DB.SearchAudit(ctx, f)
}

// auditEntry builds an audit entry for AddAudits.
func (a *App) auditEntry(actor Actor, entity, id, action, from, to, reason string) store.AuditEntry {
	e := store.AuditEntry{At: a.now(), Entity: entity, EntityID: id, Action: action, From: from, To: to, Reason: reason}
	if actor != nil {
		uid := actor.ID
		e.ActorID = &uid
	}
	return e
}

// isStoreConflict reports a unique-constraint violation from the store.
func isStoreConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

// langOf is the language to write to a user in.
func langOf(u store.User) string {
	if u.Language == "" {
		return "en"
	}
	return u.Language
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

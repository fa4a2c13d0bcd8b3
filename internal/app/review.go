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
	errSignInFirst   = fail(KindUnauthenticated, "review.err.invitation_sign_in")
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
	// Deadline is when reviews are due: reviewers with reviews still to
	// submit are reminded before it. Nil while none is set.
	Deadline *time.Time `json:"review_deadline,omitempty"`
}

// ReviewSettingsChange changes some of a call's review settings: nil
// fields stay as they are, and the deadline changes only if SetDeadline
// is true (to Deadline; nil removes it).
type ReviewSettingsChange struct {
	Visibility      *string
	RevealReviewers *bool
	SetDeadline     bool
	Deadline        *time.Time
}

func settingsOf(s store.ReviewSettings) ReviewSettings {
	return ReviewSettings{Visibility: s.Visibility, RevealReviewers: s.RevealReviewers, Deadline: s.Deadline}
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
	return settingsOf(s), err
}

// SetReviewSettings replaces a call's review settings (staff); no
// deadline removes the deadline.
func (a *App) SetReviewSettings(ctx context.Context, actor Actor, slug string, s ReviewSettings) (ReviewSettings, error) {
	return a.ChangeReviewSettings(ctx, actor, slug, ReviewSettingsChange{Visibility: &s.Visibility,
		RevealReviewers: &s.RevealReviewers, SetDeadline: true, Deadline: s.Deadline})
}

// ChangeReviewSettings changes some of a call's review settings (staff)
// and returns them all. The review deadline must come after the call
// closes.
func (a *App) ChangeReviewSettings(ctx context.Context, actor Actor, slug string, ch ReviewSettingsChange) (ReviewSettings, error) {
	if err := requireStaff(actor); err != nil {
		return ReviewSettings{}, err
	}
	var out ReviewSettings
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		before, err := tx.CallReviewSettings(ctx, call.ID)
		if err != nil {
			return err
		}
		s := settingsOf(before)
		if ch.Visibility != nil {
			s.Visibility = *ch.Visibility
		}
		if ch.RevealReviewers != nil {
			s.RevealReviewers = *ch.RevealReviewers
		}
		if ch.SetDeadline {
			s.Deadline = nil
			if ch.Deadline != nil {
				d := ch.Deadline.UTC().Truncate(time.Second)
				s.Deadline = &d
			}
		}
		var errs domain.Errors
		if !slices.Contains(domain.Visibilities, s.Visibility) {
			errs = append(errs, field("review_visibility", "err.unknown_code", map[string]any{"Value": s.Visibility}))
		}
		if s.Deadline != nil && !s.Deadline.After(call.ClosesAt) {
			errs = append(errs, field("review_deadline", "review.err.deadline_before_close", nil))
		}
		if len(errs) > 0 {
			return invalid(errs)
		}
		err = tx.SetCallReviewSettings(ctx, call.ID, store.ReviewSettings{Visibility: s.Visibility,
			RevealReviewers: s.RevealReviewers, Deadline: s.Deadline}, a.now())
		if err != nil {
			return err
		}
		reason := "reveal_reviewers " + strconv.FormatBool(s.RevealReviewers) + "; review_deadline "
		if s.Deadline != nil {
			reason += s.Deadline.Format(time.RFC3339)
		} else {
			reason += "none"
		}
		out = s
		return a.audit(ctx, tx, actor, "call", call.Slug, "review_settings", before.Visibility, s.Visibility, reason)
	})
	return out, err
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

// AuditFilter selects audit entries: what belongs to one call (by slug),
// entity kind and id, action, actor and a time window (From ≤ at < To);
// zero fields do not filter. Limit ≤ 0 returns every entry.
type AuditFilter struct {
	// Call keeps the entries about a call: the call itself, its cases
	// with their decisions and pinned or forbidden pairs, its panel, its
	// assignments and reviews.
	Call     string
	Entity   string
	EntityID string
	Action   string
	ActorID  int64
	From, To time.Time
	Limit    int
}

// storeFilter checks f and turns it into the store's filter.
func (a *App) storeFilter(ctx context.Context, actor Actor, f AuditFilter) (store.AuditFilter, error) {
	if err := requireStaff(actor); err != nil {
		return store.AuditFilter{}, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return store.AuditFilter{}, invalid(domain.Errors{field("to", "err.too_small", map[string]any{"Min": f.From.Format(time.RFC3339)})})
	}
	sf := store.AuditFilter{Entity: f.Entity, EntityID: f.EntityID, Action: f.Action, ActorID: f.ActorID,
		From: f.From, To: f.To, Limit: f.Limit}
	if f.Call != "" {
		call, err := a.Call(ctx, actor, f.Call)
		if err != nil {
			return store.AuditFilter{}, err
		}
		sf.CallID = call.ID
	}
	return sf, nil
}

// Audit returns the audit log's entries matching f, newest first
// (secretariat and admin).
func (a *App) Audit(ctx context.Context, actor Actor, f AuditFilter) ([]store.AuditEntry, error) {
	sf, err := a.storeFilter(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return a.DB.SearchAudit(ctx, sf)
}

// AuditCount returns how many entries of the audit log match f, whatever
// its Limit, and the accounts that made them, sorted (secretariat and
// admin).
func (a *App) AuditCount(ctx context.Context, actor Actor, f AuditFilter) (total int, actors []int64, err error) {
	sf, err := a.storeFilter(ctx, actor, f)
	if err != nil {
		return 0, nil, err
	}
	return a.DB.CountAudit(ctx, sf)
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

package app

import (
	"context"
	"slices"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// ScreeningInput is the secretariat's screening of a submitted case.
type ScreeningInput struct {
	// Outcome is eligible, ineligible or returned.
	Outcome string `json:"outcome"`
	// Checklist answers every item of the call's eligibility checklist by
	// its code; an eligible case meets them all.
	Checklist map[string]bool `json:"checklist"`
	// Note is the reason (ineligible) or what to fix (returned), which the
	// applicant reads; optional for an eligible case.
	Note string `json:"note"`
	// ReturnBy is the date by which a returned case must be submitted
	// again; it becomes the case's individual deadline.
	ReturnBy *time.Time `json:"return_by,omitempty"`
}

// Screening is one screening of a case. The applicant sees the outcome,
// note and date; the checklist answers and the screener are for staff.
type Screening struct {
	ID         int64           `json:"id"`
	Case       string          `json:"case"`
	Version    int             `json:"version"`
	Outcome    string          `json:"outcome"`
	Checklist  map[string]bool `json:"checklist,omitempty"`
	Note       string          `json:"note,omitempty"`
	ReturnBy   *time.Time      `json:"return_by,omitempty"`
	ScreenedBy *int64          `json:"screened_by,omitempty"`
	ScreenedAt time.Time       `json:"screened_at"`
}

func screeningOf(s store.Screening) Screening {
	return Screening{ID: s.ID, Case: s.CaseID, Version: s.Version, Outcome: s.Outcome, Checklist: s.Checklist,
		Note: s.Note, ReturnBy: s.ReturnBy, ScreenedBy: s.ScreenedBy, ScreenedAt: s.ScreenedAt}
}

// check validates the input against the call's checklist at now.
func (in *ScreeningInput) check(call store.Call, now time.Time) domain.Errors {
	var errs domain.Errors
	in.Note = cleanText(in.Note)
	if _, ok := domain.ScreeningState(in.Outcome); !ok {
		errs = append(errs, field("outcome", "err.unknown_code", map[string]any{"Value": in.Outcome}))
	}
	codes := make([]string, 0, len(call.Eligibility))
	for _, it := range call.Eligibility {
		codes = append(codes, it.Code)
		met, answered := in.Checklist[it.Code]
		switch {
		case !answered:
			errs = append(errs, field("checklist."+it.Code, "review.err.checklist_missing", nil))
		case !met && in.Outcome == domain.ScreenEligible:
			errs = append(errs, field("checklist."+it.Code, "review.err.checklist_unmet", nil))
		}
	}
	for _, code := range sortedKeys(in.Checklist) {
		if !slices.Contains(codes, code) {
			errs = append(errs, field("checklist."+code, "review.err.checklist_unknown", nil))
		}
	}
	if in.Outcome != domain.ScreenEligible && in.Note == "" {
		errs = append(errs, field("note", "review.err.note_required", nil))
	}
	checkLen(&errs, "note", in.Note, maxNoteChars)
	if in.Outcome == domain.ScreenReturned {
		if in.ReturnBy == nil || !in.ReturnBy.After(now) {
			errs = append(errs, field("return_by", "review.err.return_by", nil))
		}
	} else {
		in.ReturnBy = nil
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Screen records the secretariat's screening of a submitted case, before
// or after the deadline: the case becomes eligible, ineligible, or
// returned to its applicant, who may then edit and resubmit it until
// ReturnBy (its individual deadline), after which it comes back to
// screening as a submitted case. The applicant is told by mail, in their
// language.
func (a *App) Screen(ctx context.Context, actor Actor, caseID string, in ScreeningInput) (CaseView, error) {
	if err := requireStaff(actor); err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, caseID); err != nil {
			return err
		}
		switch a.Phase(v.Call) {
		case domain.PhaseOpen, domain.PhaseClosed, domain.PhaseReviewing:
		default:
			return errPhase
		}
		if v.State != domain.StateSubmitted {
			return errWrongState
		}
		now := a.now()
		if errs := in.check(v.Call, now); len(errs) > 0 {
			return invalid(errs)
		}
		to, _ := domain.ScreeningState(in.Outcome)
		if !domain.CanTransition(v.State, to, actor.Role) {
			return errWrongState
		}
		if err := tx.MoveCase(ctx, v.ID, v.State, to, now); err != nil {
			return err
		}
		from := v.State
		v.State, v.UpdatedAt = to, now
		if in.ReturnBy != nil {
			rb := in.ReturnBy.UTC()
			if err := tx.SetCaseExtension(ctx, v.ID, &rb, now); err != nil {
				return err
			}
			v.ExtendedUntil = &rb
		}
		if v, err = a.view(v.Case, v.Call); err != nil {
			return err
		}
		by := actor.ID
		s := store.Screening{CaseID: v.ID, Version: v.Version, Outcome: in.Outcome, Checklist: in.Checklist,
			Note: in.Note, ReturnBy: in.ReturnBy, ScreenedBy: &by, ScreenedAt: now}
		if err := tx.AddScreening(ctx, &s); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, actor, "case", v.ID, "screen", from, to, in.Note); err != nil {
			return err
		}
		owner, err := tx.UserByID(ctx, v.OwnerID)
		if err != nil {
			return err
		}
		lang := langOf(owner)
		d := mail.ScreeningData{ScreeningID: s.ID, CaseID: v.ID, Title: titleOr(v), Call: localText(v.Call.Title, lang),
			Outcome: in.Outcome, Note: in.Note, Link: a.link(lang, "/me/cases/"+v.ID)}
		if in.Outcome == domain.ScreenReturned {
			d.Link = a.link(lang, "/me/cases/"+v.ID+"/edit")
			loc, _ := time.LoadLocation(v.Call.Timezone)
			L := a.Cat.Localizer(lang)
			d.ReturnBy = L.Aside(L.FormatDateTime(*in.ReturnBy, loc), L.ZoneName(loc))
		}
		return a.enqueue(ctx, tx, a.Mail.Screening(lang, owner.Email, owner.Name, d))
	})
	if err != nil {
		return CaseView{}, err
	}
	a.Notify()
	return v, nil
}

// Screenings lists a case's screenings, oldest first: staff see all of
// each, the case's owner the outcome, note and date only.
func (a *App) Screenings(ctx context.Context, actor Actor, caseID string) ([]Screening, error) {
	v, err := a.load(ctx, a.DB, actor, caseID)
	if err != nil {
		return nil, err
	}
	ss, err := a.DB.Screenings(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Screening, len(ss))
	for i, s := range ss {
		out[i] = screeningOf(s)
		if !isStaff(actor) {
			out[i].Checklist, out[i].ScreenedBy = nil, nil
		}
	}
	return out, nil
}

package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call phases.
const (
	PhaseDraft     = "draft"
	PhaseOpen      = "open"
	PhaseClosed    = "closed"
	PhaseReviewing = "reviewing"
	PhaseDecided   = "decided"
	PhasePublished = "published"
)

// CallPhases lists the phases of a call in order. Read-only.
var CallPhases = []string{PhaseDraft, PhaseOpen, PhaseClosed, PhaseReviewing, PhaseDecided, PhasePublished}

// CallPhase returns a call's phase at now. Time drives the first three:
// before opensAt (or with no opening time set) a call is a draft, from
// opensAt it is open, from closesAt it is closed (a zero closesAt never
// closes it). The later phases are set by the secretariat: a stored phase
// of reviewing, decided or published overrides the clock, while a stored
// draft, open or closed does not, so no one has to press a button when a
// deadline passes.
func CallPhase(opensAt, closesAt time.Time, stored string, now time.Time) string {
	switch stored {
	case PhaseReviewing, PhaseDecided, PhasePublished:
		return stored
	}
	switch {
	case opensAt.IsZero() || now.Before(opensAt):
		return PhaseDraft
	case closesAt.IsZero() || now.Before(closesAt):
		return PhaseOpen
	default:
		return PhaseClosed
	}
}

// Case states.
const (
	StateDraft       = "draft"
	StateSubmitted   = "submitted"
	StateEligible    = "eligible"
	StateIneligible  = "ineligible"
	StateReturned    = "returned"
	StateUnderReview = "under_review"
	StateAccepted    = "accepted"
	StateRejected    = "rejected"
	StatePublished   = "published"
	StateWithdrawn   = "withdrawn"
)

// CaseStates lists the states of a case in workflow order. Read-only.
var CaseStates = []string{
	StateDraft, StateSubmitted, StateEligible, StateIneligible, StateReturned,
	StateUnderReview, StateAccepted, StateRejected, StatePublished, StateWithdrawn,
}

// Roles of accounts.
const (
	RoleAdmin       = "admin"
	RoleSecretariat = "secretariat"
	RoleReviewer    = "reviewer"
	RoleApplicant   = "applicant"
)

// Roles lists the account roles. Read-only.
var Roles = []string{RoleAdmin, RoleSecretariat, RoleReviewer, RoleApplicant}

// Transition is a change of a case's state.
type Transition struct{ From, To string }

// applicantMoves are the changes an applicant makes to their own case.
// submitted → submitted is a resubmission before the deadline.
var applicantMoves = []Transition{
	{StateDraft, StateSubmitted},
	{StateSubmitted, StateSubmitted},
	{StateReturned, StateSubmitted},
	{StateDraft, StateWithdrawn},
	{StateSubmitted, StateWithdrawn},
	{StateReturned, StateWithdrawn},
	{StateEligible, StateWithdrawn},
}

// secretariatMoves are screening, review, decision and publication;
// published → accepted unpublishes a case.
var secretariatMoves = []Transition{
	{StateSubmitted, StateEligible},
	{StateSubmitted, StateIneligible},
	{StateSubmitted, StateReturned},
	{StateEligible, StateUnderReview},
	{StateUnderReview, StateAccepted},
	{StateUnderReview, StateRejected},
	{StateAccepted, StatePublished},
	{StatePublished, StateAccepted},
}

// Transitions returns the state changes a role may make (none for a
// reviewer, whose work is reviews, not case states).
func Transitions(role string) []Transition { return slices.Clone(movesOf(role)) }

func movesOf(role string) []Transition {
	switch role {
	case RoleApplicant:
		return applicantMoves
	case RoleSecretariat, RoleAdmin:
		return secretariatMoves
	}
	return nil
}

// CanTransition reports whether role may move a case from one state to
// another. Ownership, deadlines and extensions are the caller's checks.
func CanTransition(from, to, role string) bool {
	return slices.Contains(movesOf(role), Transition{from, to})
}

// Editable reports whether a case in this state may be edited by its
// owner (before the deadline, which the caller checks).
func Editable(state string) bool {
	switch state {
	case StateDraft, StateSubmitted, StateReturned:
		return true
	}
	return false
}

// caseIDPrefix starts every public case id.
const caseIDPrefix = "DX-"

// FormatCaseID returns the public id of a case: the year and a sequence
// number of at least four digits, e.g. FormatCaseID(2026, 42) is
// "DX-2026-0042". seq starts at 1.
func FormatCaseID(year, seq int) string {
	return fmt.Sprintf("%s%04d-%04d", caseIDPrefix, year, seq)
}

// ParseCaseID reads an id written by FormatCaseID. It accepts only the
// canonical form, so that each case has exactly one id.
func ParseCaseID(id string) (year, seq int, err error) {
	rest, ok := strings.CutPrefix(id, caseIDPrefix)
	y, s, ok2 := strings.Cut(rest, "-")
	if !ok || !ok2 || len(y) != 4 || !digits(y) || len(s) < 4 || !digits(s) || (len(s) > 4 && s[0] == '0') {
		return 0, 0, fmt.Errorf("case id %q: want DX-YYYY-NNNN", id)
	}
	year, _ = strconv.Atoi(y)
	seq, err = strconv.Atoi(s)
	if err != nil || seq < 1 {
		return 0, 0, fmt.Errorf("case id %q: bad sequence number", id)
	}
	return year, seq, nil
}

package domain

import (
	"slices"
	"testing"
	"time"
)

func TestCallPhase(t *testing.T) {
	opens := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	closes := time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)
	var zero time.Time
	tests := []struct {
		name          string
		opens, closes time.Time
		stored        string
		now           time.Time
		want          string
	}{
		{"before opening", opens, closes, "", opens.Add(-time.Second), PhaseDraft},
		{"at opening", opens, closes, "", opens, PhaseOpen},
		{"while open", opens, closes, "", opens.AddDate(0, 1, 0), PhaseOpen},
		{"just before closing", opens, closes, "", closes.Add(-time.Nanosecond), PhaseOpen},
		{"at closing", opens, closes, "", closes, PhaseClosed},
		{"after closing", opens, closes, "", closes.AddDate(1, 0, 0), PhaseClosed},
		{"closing in another zone", opens, closes, "", closes.In(time.FixedZone("Geneva", 2*3600)), PhaseClosed},
		{"no opening time", zero, closes, "", opens, PhaseDraft},
		{"no closing time", opens, zero, "", opens.AddDate(5, 0, 0), PhaseOpen},
		{"stored draft does not hold the clock", opens, closes, PhaseDraft, opens.AddDate(0, 1, 0), PhaseOpen},
		{"stored open does not outlive the deadline", opens, closes, PhaseOpen, closes.Add(time.Hour), PhaseClosed},
		{"stored closed does not close early", opens, closes, PhaseClosed, opens.AddDate(0, 1, 0), PhaseOpen},
		{"reviewing", opens, closes, PhaseReviewing, closes.Add(time.Hour), PhaseReviewing},
		{"decided", opens, closes, PhaseDecided, closes.Add(time.Hour), PhaseDecided},
		{"published", opens, closes, PhasePublished, closes.AddDate(1, 0, 0), PhasePublished},
		{"later phase overrides even an open window", opens, closes, PhaseReviewing, opens.AddDate(0, 1, 0), PhaseReviewing},
		{"unknown stored phase ignored", opens, closes, "archived", closes.Add(time.Hour), PhaseClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CallPhase(tc.opens, tc.closes, tc.stored, tc.now); got != tc.want {
				t.Errorf("CallPhase = %s, want %s", got, tc.want)
			}
		})
	}
}

// allowed is the whole transition table: every (from, to, role) triple
// not listed here must be refused.
var allowed = map[string][]Transition{
	RoleApplicant: {
		{"draft", "submitted"}, {"submitted", "submitted"}, {"returned", "submitted"},
		{"draft", "withdrawn"}, {"submitted", "withdrawn"}, {"returned", "withdrawn"}, {"eligible", "withdrawn"},
	},
	RoleSecretariat: {
		{"submitted", "eligible"}, {"submitted", "ineligible"}, {"submitted", "returned"},
		{"eligible", "under_review"}, {"under_review", "accepted"}, {"under_review", "rejected"},
		{"accepted", "published"}, {"published", "accepted"},
	},
	RoleAdmin: {
		{"submitted", "eligible"}, {"submitted", "ineligible"}, {"submitted", "returned"},
		{"eligible", "under_review"}, {"under_review", "accepted"}, {"under_review", "rejected"},
		{"accepted", "published"}, {"published", "accepted"},
	},
	RoleReviewer: nil,
}

func TestCanTransition(t *testing.T) {
	states := append(slices.Clone(CaseStates), "", "archived")
	roles := append(slices.Clone(Roles), "", "guest")
	for _, role := range roles {
		for _, from := range states {
			for _, to := range states {
				want := slices.Contains(allowed[role], Transition{from, to})
				if got := CanTransition(from, to, role); got != want {
					t.Errorf("CanTransition(%q, %q, %q) = %v, want %v", from, to, role, got, want)
				}
			}
		}
		if got := Transitions(role); !slices.Equal(got, allowed[role]) {
			t.Errorf("Transitions(%q) = %v, want %v", role, got, allowed[role])
		}
	}
	if len(CaseStates) != 10 {
		t.Errorf("%d case states, want 10", len(CaseStates))
	}
}

func TestTransitionsIsACopy(t *testing.T) {
	ts := Transitions(RoleApplicant)
	ts[0] = Transition{StatePublished, StateDraft}
	if CanTransition(StatePublished, StateDraft, RoleApplicant) {
		t.Error("changing the returned slice changed the rules")
	}
}

func TestEditable(t *testing.T) {
	want := map[string]bool{StateDraft: true, StateSubmitted: true, StateReturned: true}
	for _, s := range append(slices.Clone(CaseStates), "") {
		if got := Editable(s); got != want[s] {
			t.Errorf("Editable(%q) = %v, want %v", s, got, want[s])
		}
	}
}

func TestCaseID(t *testing.T) {
	formats := []struct {
		year, seq int
		want      string
	}{
		{2026, 42, "DX-2026-0042"},
		{2026, 1, "DX-2026-0001"},
		{2026, 9999, "DX-2026-9999"},
		{2027, 12345, "DX-2027-12345"},
	}
	for _, tc := range formats {
		t.Run(tc.want, func(t *testing.T) {
			if got := FormatCaseID(tc.year, tc.seq); got != tc.want {
				t.Fatalf("FormatCaseID = %s", got)
			}
			y, s, err := ParseCaseID(tc.want)
			if err != nil || y != tc.year || s != tc.seq {
				t.Errorf("ParseCaseID = %d, %d, %v", y, s, err)
			}
		})
	}
	bad := []string{
		"", "DX-2026", "DX-2026-", "DX-2026-042", "DX-2026-00042", "dx-2026-0042", "DX-26-0042",
		"DX-2026-0000", "DX-2026-00a2", "XD-2026-0042", "DX-2026-0042 ", "DX-2026--042", "DX-+026-0042",
		"DX-2026-99999999999999999999",
	}
	for _, id := range bad {
		t.Run("bad "+id, func(t *testing.T) {
			if y, s, err := ParseCaseID(id); err == nil {
				t.Errorf("ParseCaseID(%q) = %d, %d, nil", id, y, s)
			}
		})
	}
}

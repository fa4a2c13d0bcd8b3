package domain

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func all(n int) map[string]int {
	m := map[string]int{}
	for _, c := range DefaultRubric().Codes() {
		m[c] = n
	}
	return m
}

func with(base map[string]int, code string, v int) map[string]int {
	m := map[string]int{}
	for k, x := range base {
		m[k] = x
	}
	m[code] = v
	return m
}

func TestDefaultRubric(t *testing.T) {
	r := DefaultRubric()
	want := []string{"impact", "relevance", "solution", "replicability", "sustainability", "inclusion", "partnership"}
	if !slices.Equal(r.Codes(), want) {
		t.Fatalf("codes = %v", r.Codes())
	}
	var sum float64
	for _, c := range r.Criteria {
		sum += c.Weight
	}
	if sum != 100 {
		t.Errorf("weights sum to %v, want 100", sum)
	}
	if err := r.Validate(); err != nil {
		t.Error(err)
	}
	c := r.Criteria[0]
	if c.LabelKey() != "review.rubric.impact.label" || c.AnchorKey(3) != "review.rubric.impact.3" {
		t.Errorf("keys = %s %s", c.LabelKey(), c.AnchorKey(3))
	}
}

func TestTotal(t *testing.T) {
	r := DefaultRubric()
	tests := []struct {
		name   string
		scores map[string]int
		want   float64
	}{
		{"all fives", all(5), 100},
		{"all ones", all(1), 20},
		{"all threes", all(3), 60},
		// 20 × (25×5 + 75×1) / 100
		{"impact only high", with(all(1), "impact", 5), 40},
		// 20 × (10×5 + 90×1) / 100
		{"partnership only high", with(all(1), "partnership", 5), 28},
		// impact missing: 20 × 75×4 / 75
		{"missing criterion renormalised", func() map[string]int { m := all(4); delete(m, "impact"); return m }(), 80},
		{"out of range ignored", with(all(2), "impact", 9), 40},
		{"unknown criterion ignored", with(all(5), "colour", 1), 100},
		{"nothing scored", map[string]int{}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Total(tc.scores)
			if math.IsNaN(tc.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tc.want) > 1e-9) {
				t.Errorf("Total = %v, want %v", got, tc.want)
			}
		})
	}
	// Weights are relative: fractions give the same totals as percentages.
	frac := DefaultRubric()
	for i := range frac.Criteria {
		frac.Criteria[i].Weight /= 100
	}
	s := with(with(all(2), "impact", 5), "inclusion", 4)
	if a, b := r.Total(s), frac.Total(s); math.Abs(a-b) > 1e-9 {
		t.Errorf("percent %v, fractions %v", a, b)
	}
}

func TestParseRubric(t *testing.T) {
	for _, raw := range []string{"", "null"} {
		r, err := ParseRubric([]byte(raw))
		if err != nil || !slices.Equal(r.Codes(), DefaultRubric().Codes()) {
			t.Errorf("ParseRubric(%q) = %v, %v", raw, r.Codes(), err)
		}
	}
	good := `{"criteria":[{"code":"impact","weight":60},{"code":"gender_lens","weight":40,"label":{"en":"Gender lens"},
		"anchors":[{"en":"a"},{"en":"b"},{"en":"c"},{"en":"d"},{"en":"e"}]}]}`
	r, err := ParseRubric([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Total(map[string]int{"impact": 5, "gender_lens": 0}); got != 100 {
		t.Errorf("custom total = %v", got)
	}
	if got := r.Total(map[string]int{"impact": 1, "gender_lens": 5}); math.Abs(got-20*(60+200)/100.0) > 1e-9 {
		t.Errorf("custom total = %v", got)
	}
	bad := map[string]string{
		"not JSON":       `{"criteria":`,
		"no criteria":    `{"criteria":[]}`,
		"bad code":       `{"criteria":[{"code":"Impact","weight":1}]}`,
		"duplicate":      `{"criteria":[{"code":"a","weight":1},{"code":"a","weight":1}]}`,
		"zero weight":    `{"criteria":[{"code":"a","weight":0}]}`,
		"negative":       `{"criteria":[{"code":"a","weight":-1}]}`,
		"three anchors":  `{"criteria":[{"code":"a","weight":1,"anchors":[{},{},{}]}]}`,
		"too many":       `{"criteria":[` + strings.TrimSuffix(strings.Repeat(`{"code":"x","weight":1},`, 21), ",") + `]}`,
		"wrong type":     `{"criteria":[{"code":"a","weight":"heavy"}]}`,
		"empty code":     `{"criteria":[{"code":"","weight":1}]}`,
		"code with dash": `{"criteria":[{"code":"a-b","weight":1}]}`,
	}
	for name, raw := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRubric([]byte(raw)); err == nil {
				t.Errorf("ParseRubric(%s) accepted", raw)
			}
		})
	}
}

func TestCheckComplete(t *testing.T) {
	r := DefaultRubric()
	ok := ReviewScores{Scores: all(3), Recommendation: RecWeakAccept, Confidence: 2}
	tests := []struct {
		name string
		in   ReviewScores
		want []string // field:key
	}{
		{"complete", ok, nil},
		{"nothing", ReviewScores{}, []string{
			"scores.impact:err.required", "scores.relevance:err.required", "scores.solution:err.required",
			"scores.replicability:err.required", "scores.sustainability:err.required", "scores.inclusion:err.required",
			"scores.partnership:err.required", "recommendation:err.required", "confidence:err.required"}},
		{"score too high", ReviewScores{Scores: with(all(3), "impact", 6), Recommendation: RecAccept, Confidence: 1},
			[]string{"scores.impact:" + ErrScoreRange}},
		{"score zero", ReviewScores{Scores: with(all(3), "solution", 0), Recommendation: RecAccept, Confidence: 1},
			[]string{"scores.solution:" + ErrScoreRange}},
		{"unknown criterion", ReviewScores{Scores: with(all(3), "beauty", 3), Recommendation: RecReject, Confidence: 3},
			[]string{"scores.beauty:" + ErrUnknownCrit}},
		{"bad recommendation", ReviewScores{Scores: all(3), Recommendation: "maybe", Confidence: 2},
			[]string{"recommendation:" + ErrRecommendation}},
		{"confidence 4", ReviewScores{Scores: all(3), Recommendation: RecReject, Confidence: 4},
			[]string{"confidence:" + ErrConfidence}},
		{"confidence negative", ReviewScores{Scores: all(3), Recommendation: RecReject, Confidence: -1},
			[]string{"confidence:" + ErrConfidence}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range r.CheckComplete(tc.in) {
				got = append(got, e.Field+":"+e.Key)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors = %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	r := DefaultRubric()
	tests := []struct {
		name               string
		reviews            []map[string]int
		mean, median, sprd float64
		disagree           bool
	}{
		{"none", nil, math.NaN(), math.NaN(), 0, false},
		{"one", []map[string]int{all(4)}, 80, 80, 0, false},
		{"agreeing", []map[string]int{all(4), all(4), with(all(4), "impact", 3)}, (80 + 80 + 75) / 3.0, 80, 5, false},
		// one criterion two apart, totals only 8 apart
		{"criterion apart", []map[string]int{all(3), with(all(3), "inclusion", 5)}, 62, 62, 4, true},
		{"criterion one apart", []map[string]int{all(3), with(all(3), "inclusion", 4)}, 61, 61, 2, false},
		// totals 40 and 60 and 80: spread 40
		{"spread and criteria", []map[string]int{all(2), all(3), all(4)}, 60, 60, 40, true},
		{"even count median", []map[string]int{all(2), all(3), all(3), all(4)}, 60, 60, 40, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ag := r.Aggregate(tc.reviews)
			eq := func(a, b float64) bool { return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-9 }
			if ag.Reviews != len(tc.reviews) || !eq(ag.Mean, tc.mean) || !eq(ag.Median, tc.median) || !eq(ag.Spread, tc.sprd) || ag.Disagreement != tc.disagree {
				t.Errorf("Aggregate = %+v, want mean %v median %v spread %v disagreement %v", ag, tc.mean, tc.median, tc.sprd, tc.disagree)
			}
		})
	}
}

// TestSpreadThreshold checks the spread rule on its own. With complete
// scores two totals more than 20 apart always differ by two on some
// criterion, so the rule matters for reviews scored on different criteria
// (a call that changed its rubric): their totals are renormalised.
func TestSpreadThreshold(t *testing.T) {
	r := DefaultRubric()
	a := all(3)                    // 60
	c := all(4)                    // 80: 20 apart, every criterion one apart
	d := with(all(4), "impact", 5) // 85: 25 apart
	if ag := r.Aggregate([]map[string]int{a, c}); ag.Spread != 20 || ag.Disagreement {
		t.Errorf("20 apart: %+v", ag)
	}
	if ag := r.Aggregate([]map[string]int{a, d}); ag.Spread != 25 || !ag.Disagreement {
		t.Errorf("25 apart: %+v", ag)
	}
	onlyImpact := map[string]int{"impact": 1} // 20
	rest := with(all(5), "impact", 2)         // 20 × (50 + 375) / 100 = 85
	if ag := r.Aggregate([]map[string]int{onlyImpact, rest}); ag.Spread != 65 || !ag.Disagreement {
		t.Errorf("spread alone: %+v", ag)
	}
	if r.criterionDisagreement([]map[string]int{onlyImpact, rest}) {
		t.Error("criteria one apart counted as disagreement")
	}
}

func TestReviewStateMachine(t *testing.T) {
	states := []string{"", ReviewDraft, ReviewSubmitted, "withdrawn"}
	allowed := map[string][]Transition{
		RoleReviewer:    {{"", "draft"}, {"", "submitted"}, {"draft", "draft"}, {"draft", "submitted"}},
		RoleSecretariat: {{"submitted", "draft"}},
		RoleAdmin:       {{"submitted", "draft"}},
		RoleApplicant:   nil,
		"":              nil,
	}
	for role, moves := range allowed {
		for _, from := range states {
			for _, to := range states {
				want := slices.Contains(moves, Transition{from, to})
				if got := CanMoveReview(from, to, role); got != want {
					t.Errorf("CanMoveReview(%q, %q, %q) = %v, want %v", from, to, role, got, want)
				}
			}
		}
	}
}

func TestInvitationStateMachine(t *testing.T) {
	states := []string{"", InvitationInvited, InvitationAccepted, InvitationDeclined}
	allowed := []Transition{{"", "invited"}, {"invited", "invited"}, {"invited", "accepted"}, {"invited", "declined"}, {"declined", "invited"}}
	for _, from := range states {
		for _, to := range states {
			want := slices.Contains(allowed, Transition{from, to})
			if got := CanMoveInvitation(from, to); got != want {
				t.Errorf("CanMoveInvitation(%q, %q) = %v, want %v", from, to, got, want)
			}
		}
	}
}

// TestReviewWorkflowTransitions walks the case states the review workflow
// produces and checks each step against the case state machine: every
// screening outcome and decision leads somewhere the secretariat may move
// a case, and nothing in review is open to reviewers or applicants.
func TestReviewWorkflowTransitions(t *testing.T) {
	steps := []struct {
		name, from, to, role string
		want                 bool
	}{
		{"returned for revision", StateSubmitted, StateReturned, RoleSecretariat, true},
		{"resubmitted", StateReturned, StateSubmitted, RoleApplicant, true},
		{"rescreened eligible", StateSubmitted, StateEligible, RoleSecretariat, true},
		{"screened ineligible", StateSubmitted, StateIneligible, RoleSecretariat, true},
		{"ineligible is final", StateIneligible, StateEligible, RoleSecretariat, false},
		{"eligible cannot be returned", StateEligible, StateReturned, RoleSecretariat, false},
		{"assigned", StateEligible, StateUnderReview, RoleSecretariat, true},
		{"no withdrawal under review", StateUnderReview, StateWithdrawn, RoleApplicant, false},
		{"accepted on release", StateUnderReview, StateAccepted, RoleSecretariat, true},
		{"rejected on release", StateUnderReview, StateRejected, RoleSecretariat, true},
		{"published", StateAccepted, StatePublished, RoleSecretariat, true},
		{"rejected never published", StateRejected, StatePublished, RoleSecretariat, false},
		{"unpublished", StatePublished, StateAccepted, RoleSecretariat, true},
		{"reviewer cannot decide", StateUnderReview, StateAccepted, RoleReviewer, false},
		{"applicant cannot screen", StateSubmitted, StateEligible, RoleApplicant, false},
		{"decision not reversible", StateAccepted, StateRejected, RoleSecretariat, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if got := CanTransition(s.from, s.to, s.role); got != s.want {
				t.Errorf("CanTransition(%s, %s, %s) = %v, want %v", s.from, s.to, s.role, got, s.want)
			}
		})
	}
	for _, o := range append(slices.Clone(ScreeningOutcomes), "pending", "") {
		t.Run("screening "+o, func(t *testing.T) {
			state, ok := ScreeningState(o)
			if ok != slices.Contains(ScreeningOutcomes, o) {
				t.Fatalf("ScreeningState(%q) ok = %v", o, ok)
			}
			if ok && (state != o || !CanTransition(StateSubmitted, state, RoleSecretariat)) {
				t.Errorf("ScreeningState(%q) = %q", o, state)
			}
		})
	}
	for _, d := range []string{DecisionAccepted, DecisionRejected, "maybe", ""} {
		t.Run("decision "+d, func(t *testing.T) {
			state, ok := DecisionState(d)
			if ok != (d == DecisionAccepted || d == DecisionRejected) {
				t.Fatalf("DecisionState(%q) ok = %v", d, ok)
			}
			if ok && !CanTransition(StateUnderReview, state, RoleSecretariat) {
				t.Errorf("DecisionState(%q) = %q, not reachable from under_review", d, state)
			}
		})
	}
}

func TestCanSeeOtherReviews(t *testing.T) {
	tests := []struct {
		visibility, own string
		want            bool
	}{
		{VisibilityNever, "", false},
		{VisibilityNever, ReviewDraft, false},
		{VisibilityNever, ReviewSubmitted, false},
		{VisibilityAfterOwn, "", false},
		{VisibilityAfterOwn, ReviewDraft, false},
		{VisibilityAfterOwn, ReviewSubmitted, true},
		{VisibilityAlways, "", true},
		{VisibilityAlways, ReviewDraft, true},
		{VisibilityAlways, ReviewSubmitted, true},
		{"", ReviewSubmitted, false},
		{"sometimes", ReviewSubmitted, false},
	}
	for _, tc := range tests {
		if got := CanSeeOtherReviews(tc.visibility, tc.own); got != tc.want {
			t.Errorf("CanSeeOtherReviews(%q, %q) = %v, want %v", tc.visibility, tc.own, got, tc.want)
		}
	}
}

package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// Review recommendations.
const (
	RecAccept     = "accept"
	RecWeakAccept = "weak_accept"
	RecWeakReject = "weak_reject"
	RecReject     = "reject"
)

// Recommendations lists the recommendations a review may hold, from the
// most to the least favourable. Read-only.
var Recommendations = []string{RecAccept, RecWeakAccept, RecWeakReject, RecReject}

// A review's declared confidence runs from MinConfidence to MaxConfidence.
const (
	MinConfidence = 1
	MaxConfidence = 3
)

// Every criterion is scored from MinScore to MaxScore.
const (
	MinScore = 1
	MaxScore = 5
)

// Review states. A review that does not exist yet has the state "".
const (
	ReviewDraft     = "draft"
	ReviewSubmitted = "submitted"
)

// reviewMoves are the changes of a review's state, by role: a reviewer
// saves and submits their own review; the secretariat may reopen a
// submitted review so that its reviewer can correct it.
var reviewMoves = map[string][]Transition{
	RoleReviewer: {
		{"", ReviewDraft}, {"", ReviewSubmitted},
		{ReviewDraft, ReviewDraft}, {ReviewDraft, ReviewSubmitted},
	},
	RoleSecretariat: {{ReviewSubmitted, ReviewDraft}},
	RoleAdmin:       {{ReviewSubmitted, ReviewDraft}},
}

// CanMoveReview reports whether role may move a review from one state to
// another. A submitted review is final for its reviewer.
func CanMoveReview(from, to, role string) bool {
	return slices.Contains(reviewMoves[role], Transition{from, to})
}

// Invitation states of a reviewer invited to a call's panel.
const (
	InvitationInvited  = "invited"
	InvitationAccepted = "accepted"
	InvitationDeclined = "declined"
)

// invitationMoves: an open invitation is accepted or declined once; the
// secretariat may send a declined or unanswered invitation again.
var invitationMoves = []Transition{
	{"", InvitationInvited},
	{InvitationInvited, InvitationInvited},
	{InvitationInvited, InvitationAccepted},
	{InvitationInvited, InvitationDeclined},
	{InvitationDeclined, InvitationInvited},
}

// CanMoveInvitation reports whether an invitation may change state.
func CanMoveInvitation(from, to string) bool {
	return slices.Contains(invitationMoves, Transition{from, to})
}

// Screening outcomes.
const (
	ScreenEligible   = "eligible"
	ScreenIneligible = "ineligible"
	ScreenReturned   = "returned"
)

// ScreeningOutcomes lists the outcomes of screening. Read-only.
var ScreeningOutcomes = []string{ScreenEligible, ScreenIneligible, ScreenReturned}

// ScreeningState is the state a submitted case moves to for a screening
// outcome; ok is false for an unknown outcome.
func ScreeningState(outcome string) (state string, ok bool) {
	switch outcome {
	case ScreenEligible:
		return StateEligible, true
	case ScreenIneligible:
		return StateIneligible, true
	case ScreenReturned:
		return StateReturned, true
	}
	return "", false
}

// Committee decisions.
const (
	DecisionAccepted = "accepted"
	DecisionRejected = "rejected"
)

// DecisionState is the state a case under review moves to when a decision
// is released; ok is false for an unknown decision.
func DecisionState(decision string) (state string, ok bool) {
	switch decision {
	case DecisionAccepted:
		return StateAccepted, true
	case DecisionRejected:
		return StateRejected, true
	}
	return "", false
}

// Who sees the other reviews of a case.
const (
	VisibilityNever    = "never"     // a reviewer sees only their own review
	VisibilityAfterOwn = "after_own" // the others' submitted reviews, once their own is submitted
	VisibilityAlways   = "always"    // the others' submitted reviews at any time
)

// Visibilities lists the visibility settings of a call. Read-only.
var Visibilities = []string{VisibilityNever, VisibilityAfterOwn, VisibilityAlways}

// CanSeeOtherReviews reports whether a reviewer may read the other
// reviews of a case under a call's visibility setting.
func CanSeeOtherReviews(visibility, ownState string) bool {
	switch visibility {
	case VisibilityAlways:
		return true
	case VisibilityAfterOwn:
		return ownState == ReviewSubmitted
	}
	return false
}

// Criterion is one scored aspect of a case. Labels and anchors of the
// default rubric are message-catalogue keys (LabelKey, AnchorKey); a call
// that defines its own criteria may give their texts per language.
type Criterion struct {
	Code string `json:"code"`
	// Weight is relative: a review's total divides by the sum of the
	// weights, so percentages (25, 15, …) and fractions both work.
	Weight float64 `json:"weight"`
	// Label is the criterion's name by language; empty = LabelKey.
	Label map[string]string `json:"label,omitempty"`
	// Anchors describe scores 1 to 5 (Anchors[0] is score 1), by
	// language; empty = AnchorKey.
	Anchors []map[string]string `json:"anchors,omitempty"`
}

// LabelKey is the catalogue key of the criterion's name.
func (c Criterion) LabelKey() string { return "review.rubric." + c.Code + ".label" }

// AnchorKey is the catalogue key of the description of score n.
func (c Criterion) AnchorKey(n int) string {
	return "review.rubric." + c.Code + "." + strconv.Itoa(n)
}

// Rubric is the set of criteria a review scores.
type Rubric struct {
	Criteria []Criterion `json:"criteria"`
}

// Default criteria codes.
const (
	CritImpact         = "impact"
	CritRelevance      = "relevance"
	CritSolution       = "solution"
	CritReplicability  = "replicability"
	CritSustainability = "sustainability"
	CritInclusion      = "inclusion"
	CritPartnership    = "partnership"
)

// DefaultRubric returns the rubric a call uses unless it defines its own:
// seven criteria with weights in percent.
func DefaultRubric() Rubric {
	return Rubric{Criteria: []Criterion{
		{Code: CritImpact, Weight: 25},
		{Code: CritRelevance, Weight: 15},
		{Code: CritSolution, Weight: 15},
		{Code: CritReplicability, Weight: 15},
		{Code: CritSustainability, Weight: 10},
		{Code: CritInclusion, Weight: 10},
		{Code: CritPartnership, Weight: 10},
	}}
}

// MaxCriteria bounds a rubric's length.
const MaxCriteria = 20

var criterionCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ParseRubric reads a call's rubric JSON; empty or null means the default
// rubric. The result is valid (see Validate).
func ParseRubric(raw []byte) (Rubric, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return DefaultRubric(), nil
	}
	var r Rubric
	if err := json.Unmarshal(raw, &r); err != nil {
		return Rubric{}, fmt.Errorf("rubric: %w", err)
	}
	if err := r.Validate(); err != nil {
		return Rubric{}, err
	}
	return r, nil
}

// Validate checks that the rubric has 1 to MaxCriteria criteria with
// distinct codes of lower-case letters, digits and underscores, positive
// finite weights, and either no anchors or one per score.
func (r Rubric) Validate() error {
	if len(r.Criteria) == 0 {
		return errors.New("rubric: no criteria")
	}
	if len(r.Criteria) > MaxCriteria {
		return fmt.Errorf("rubric: %d criteria, at most %d", len(r.Criteria), MaxCriteria)
	}
	seen := map[string]bool{}
	for i, c := range r.Criteria {
		if !criterionCodeRE.MatchString(c.Code) {
			return fmt.Errorf("rubric: criterion %d: code %q: use lower-case letters, digits and _", i+1, c.Code)
		}
		if seen[c.Code] {
			return fmt.Errorf("rubric: criterion %q appears twice", c.Code)
		}
		seen[c.Code] = true
		if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
			return fmt.Errorf("rubric: criterion %q: weight must be a positive number", c.Code)
		}
		if n := len(c.Anchors); n != 0 && n != MaxScore-MinScore+1 {
			return fmt.Errorf("rubric: criterion %q: %d anchors, want %d", c.Code, n, MaxScore-MinScore+1)
		}
	}
	return nil
}

// Codes lists the criteria codes in order.
func (r Rubric) Codes() []string {
	out := make([]string, len(r.Criteria))
	for i, c := range r.Criteria {
		out[i] = c.Code
	}
	return out
}

// Total is a review's score on the 20–100 scale: 20 × Σ wᵢsᵢ / Σ wᵢ over
// the criteria scored with a valid score (1–5). Criteria without a valid
// score are left out and the weights of the others renormalised, so that
// reviews submitted before a call added a criterion still count; a
// submitted review always scores every criterion. With no valid score at
// all, Total is NaN.
func (r Rubric) Total(scores map[string]int) float64 {
	var sum, weights float64
	for _, c := range r.Criteria {
		s, ok := scores[c.Code]
		if !ok || s < MinScore || s > MaxScore {
			continue
		}
		sum += c.Weight * float64(s)
		weights += c.Weight
	}
	if weights == 0 {
		return math.NaN()
	}
	return 20 * sum / weights
}

// Review field errors (message-catalogue keys).
const (
	ErrScoreRange     = "review.err.score_range"       // Min, Max
	ErrUnknownCrit    = "review.err.unknown_criterion" // Value
	ErrConfidence     = "review.err.confidence"        // Min, Max
	ErrRecommendation = "review.err.recommendation"
)

// ReviewScores is what a review scores: the criteria, a recommendation
// and a confidence.
type ReviewScores struct {
	Scores         map[string]int
	Recommendation string
	Confidence     int
}

// CheckComplete returns what keeps a review from being submitted: every
// criterion of the rubric scored 1–5 and no other, a recommendation of
// Recommendations, a confidence of 1–3. Errors name the JSON fields
// (scores.impact, recommendation, confidence).
func (r Rubric) CheckComplete(s ReviewScores) Errors {
	var errs Errors
	rng := map[string]any{"Min": MinScore, "Max": MaxScore}
	for _, c := range r.Criteria {
		v, ok := s.Scores[c.Code]
		switch {
		case !ok:
			errs = append(errs, FieldError{Field: "scores." + c.Code, Key: ErrRequired})
		case v < MinScore || v > MaxScore:
			errs = append(errs, FieldError{Field: "scores." + c.Code, Key: ErrScoreRange, Args: rng})
		}
	}
	codes := r.Codes()
	var unknown []string
	for code := range s.Scores {
		if !slices.Contains(codes, code) {
			unknown = append(unknown, code)
		}
	}
	slices.Sort(unknown)
	for _, code := range unknown {
		errs = append(errs, FieldError{Field: "scores." + code, Key: ErrUnknownCrit, Args: map[string]any{"Value": code}})
	}
	switch {
	case s.Recommendation == "":
		errs = append(errs, FieldError{Field: "recommendation", Key: ErrRequired})
	case !slices.Contains(Recommendations, s.Recommendation):
		errs = append(errs, FieldError{Field: "recommendation", Key: ErrRecommendation})
	}
	switch {
	case s.Confidence == 0:
		errs = append(errs, FieldError{Field: "confidence", Key: ErrRequired})
	case s.Confidence < MinConfidence || s.Confidence > MaxConfidence:
		errs = append(errs, FieldError{Field: "confidence", Key: ErrConfidence, Args: map[string]any{"Min": MinConfidence, "Max": MaxConfidence}})
	}
	return errs
}

// Disagreement thresholds: two reviewers of a case disagree when they
// score one criterion DisagreeScore or more apart, or when the case's
// totals spread over DisagreeSpread points or more.
const (
	DisagreeScore  = 2
	DisagreeSpread = 25.0
)

// Aggregate summarises the submitted reviews of one case.
type Aggregate struct {
	Reviews      int
	Mean         float64 // NaN with no reviews
	Median       float64 // NaN with no reviews
	Spread       float64 // max − min of the totals; 0 with fewer than two
	Disagreement bool
}

// Aggregate computes a case's mean, median and spread of totals and its
// disagreement flag from its reviews' scores.
func (r Rubric) Aggregate(reviews []map[string]int) Aggregate {
	ag := Aggregate{Reviews: len(reviews), Mean: math.NaN(), Median: math.NaN()}
	totals := make([]float64, 0, len(reviews))
	for _, s := range reviews {
		if t := r.Total(s); !math.IsNaN(t) {
			totals = append(totals, t)
		}
	}
	if len(totals) == 0 {
		return ag
	}
	slices.Sort(totals)
	var sum float64
	for _, t := range totals {
		sum += t
	}
	ag.Mean = sum / float64(len(totals))
	if n := len(totals); n%2 == 1 {
		ag.Median = totals[n/2]
	} else {
		ag.Median = (totals[n/2-1] + totals[n/2]) / 2
	}
	ag.Spread = totals[len(totals)-1] - totals[0]
	ag.Disagreement = ag.Spread >= DisagreeSpread || r.criterionDisagreement(reviews)
	return ag
}

// criterionDisagreement reports whether two reviews score one criterion
// DisagreeScore or more apart.
func (r Rubric) criterionDisagreement(reviews []map[string]int) bool {
	for _, c := range r.Criteria {
		lo, hi, n := MaxScore+1, MinScore-1, 0
		for _, s := range reviews {
			v, ok := s[c.Code]
			if !ok || v < MinScore || v > MaxScore {
				continue
			}
			lo, hi, n = min(lo, v), max(hi, v), n+1
		}
		if n >= 2 && hi-lo >= DisagreeScore {
			return true
		}
	}
	return false
}

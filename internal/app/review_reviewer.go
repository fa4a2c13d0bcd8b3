package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// MyAssignment is one of a reviewer's assignments.
type MyAssignment struct {
	ID   int64  `json:"id"`
	Case string `json:"case"`
	Call string `json:"call"`
	// State is the review's: assigned (not started), draft or submitted.
	State string `json:"state"`
	// Title is the case's title as the reviewer may see it.
	Title string `json:"title"`
	// Phase is the call's: reviews can be written while it is reviewing.
	Phase string `json:"phase"`
	// ReviewDeadline is when the call's reviews are due, if it has one.
	ReviewDeadline *time.Time `json:"review_deadline,omitempty"`
}

// MyAssignments lists the actor's assignments in every call, by case.
func (a *App) MyAssignments(ctx context.Context, actor Actor) ([]MyAssignment, error) {
	if actor == nil {
		return nil, errUnauth
	}
	as, err := a.DB.ListAssignments(ctx, store.AssignmentFilter{ReviewerID: actor.ID})
	if err != nil {
		return nil, err
	}
	out := make([]MyAssignment, 0, len(as))
	calls := map[int64]store.Call{}
	deadlines := map[int64]*time.Time{}
	for _, x := range as {
		call, ok := calls[x.CallID]
		if !ok {
			if call, err = a.DB.CallByID(ctx, x.CallID); err != nil {
				return nil, err
			}
			calls[x.CallID] = call
			rs, err := a.DB.CallReviewSettings(ctx, call.ID)
			if err != nil {
				return nil, err
			}
			deadlines[x.CallID] = settingsOf(rs).Deadline
		}
		rc, err := a.reviewerCase(ctx, a.DB, call, x.CaseID)
		if err != nil {
			return nil, err
		}
		out = append(out, MyAssignment{ID: x.ID, Case: x.CaseID, Call: call.Slug, State: reviewStateOf(x.ReviewState),
			Title: reviewerTitle(call, x.CaseID, rc.doc, rc.owner), Phase: a.Phase(call), ReviewDeadline: deadlines[x.CallID]})
	}
	return out, nil
}

// reviewed is a case's reviewed version with its owner.
type reviewed struct {
	c       store.Case
	version store.CaseVersion
	doc     domain.Case // not redacted
	owner   store.User
}

func (a *App) reviewerCase(ctx context.Context, tx *store.DB, call store.Call, caseID string) (reviewed, error) {
	var r reviewed
	var err error
	if r.c, err = tx.CaseByID(ctx, caseID); err != nil {
		return r, err
	}
	vs, err := tx.CaseVersions(ctx, caseID)
	if err != nil {
		return r, err
	}
	if v, ok := reviewedVersion(call, r.c, vs); ok {
		r.version = v
		if r.doc, err = decodeDoc(v.Doc); err != nil {
			return r, err
		}
	}
	r.owner, err = tx.UserByID(ctx, r.c.OwnerID)
	return r, err
}

// myAssignment loads an assignment of the actor's; anyone else's is
// NotFound, so that assignments do not reveal who reviews what.
func (a *App) myAssignment(ctx context.Context, tx *store.DB, actor Actor, id int64) (store.Assignment, store.Call, error) {
	if actor == nil {
		return store.Assignment{}, store.Call{}, errUnauth
	}
	x, err := tx.AssignmentByID(ctx, id)
	if err != nil {
		return store.Assignment{}, store.Call{}, notFound(err)
	}
	if x.ReviewerID != actor.ID {
		return store.Assignment{}, store.Call{}, errNotFound
	}
	call, err := tx.CallByID(ctx, x.CallID)
	return x, call, err
}

// ReviewAttachment is an attachment as a reviewer sees it (open review
// only).
type ReviewAttachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// ReviewerCase is a case as its reviewer sees it: the last version
// submitted before the deadline. In a blind call it is redacted here, on
// the server: no organisation, partners, links, attachments or
// submitter, and their names removed from the texts.
type ReviewerCase struct {
	Assignment  int64              `json:"assignment"`
	ID          string             `json:"id"`
	Call        string             `json:"call"`
	CallTitle   store.LocalText    `json:"call_title"`
	Blind       bool               `json:"blind"`
	Version     int                `json:"version"`
	SubmittedAt time.Time          `json:"submitted_at"`
	Case        domain.Case        `json:"case"`
	Attachments []ReviewAttachment `json:"attachments"`
	Rubric      domain.Rubric      `json:"rubric"`
	// Review is the reviewer's own review, if started.
	Review *Review `json:"review,omitempty"`
	Phase  string  `json:"phase"`
}

// ReviewCase returns the case of one of the actor's assignments.
func (a *App) ReviewCase(ctx context.Context, actor Actor, assignmentID int64) (ReviewerCase, error) {
	x, call, err := a.myAssignment(ctx, a.DB, actor, assignmentID)
	if err != nil {
		return ReviewerCase{}, err
	}
	rc, err := a.reviewerCase(ctx, a.DB, call, x.CaseID)
	if err != nil {
		return ReviewerCase{}, err
	}
	rubric, err := rubricOf(call)
	if err != nil {
		return ReviewerCase{}, err
	}
	out := ReviewerCase{Assignment: x.ID, ID: x.CaseID, Call: call.Slug, CallTitle: call.Title, Blind: call.Blind,
		Version: rc.version.Version, SubmittedAt: rc.version.SubmittedAt, Case: rc.doc, Attachments: []ReviewAttachment{},
		Rubric: rubric, Phase: a.Phase(call)}
	if call.Blind {
		out.Case = blindCase(rc.doc, rc.owner)
	} else {
		atts, err := a.DB.ListAttachments(ctx, x.CaseID)
		if err != nil {
			return ReviewerCase{}, err
		}
		for _, at := range atts {
			out.Attachments = append(out.Attachments, ReviewAttachment{Name: at.Name, ContentType: at.ContentType, Size: at.Size})
		}
	}
	if x.ReviewState != "" {
		r, err := a.DB.ReviewByAssignment(ctx, x.ID)
		if err != nil {
			return ReviewerCase{}, err
		}
		rv := reviewOf(r, rubric)
		out.Review = &rv
	}
	return out, nil
}

// ReviewAttachmentFile returns an attachment of an assigned case in an
// open call; in a blind call attachments are NotFound, since their names
// and metadata may identify the applicant.
func (a *App) ReviewAttachmentFile(ctx context.Context, actor Actor, assignmentID int64, name string) (store.Attachment, []byte, error) {
	x, call, err := a.myAssignment(ctx, a.DB, actor, assignmentID)
	if err != nil {
		return store.Attachment{}, nil, err
	}
	if call.Blind {
		return store.Attachment{}, nil, errNotFound
	}
	at, err := a.DB.Attachment(ctx, x.CaseID, name)
	if err != nil {
		return store.Attachment{}, nil, notFound(err)
	}
	data, err := a.DB.AttachmentData(ctx, at.SHA256)
	return at, data, err
}

// ReviewInput is what a reviewer writes. A draft may hold any subset;
// submitting needs every criterion scored 1–5, a recommendation and a
// confidence of 1–3.
type ReviewInput struct {
	Scores             map[string]int `json:"scores"`
	Recommendation     string         `json:"recommendation"`
	Confidence         int            `json:"confidence"`
	CommentToApplicant string         `json:"comment_to_applicant"`
	// CommentToCommittee is confidential: only the secretariat and the
	// committee read it.
	CommentToCommittee string `json:"comment_to_committee"`
}

// Review is a review as its reviewer and the secretariat see it.
type Review struct {
	Assignment         int64          `json:"assignment"`
	Case               string         `json:"case"`
	State              string         `json:"state"` // draft or submitted
	Scores             map[string]int `json:"scores"`
	Total              *float64       `json:"total,omitempty"` // 20–100, when scored
	Recommendation     string         `json:"recommendation,omitempty"`
	Confidence         int            `json:"confidence,omitempty"`
	CommentToApplicant string         `json:"comment_to_applicant"`
	CommentToCommittee string         `json:"comment_to_committee"`
	UpdatedAt          time.Time      `json:"updated_at"`
	SubmittedAt        *time.Time     `json:"submitted_at,omitempty"`
}

func floatPtr(f float64) *float64 {
	if math.IsNaN(f) {
		return nil
	}
	return &f
}

func reviewOf(r store.Review, rubric domain.Rubric) Review {
	scores := r.Scores
	if scores == nil {
		scores = map[string]int{}
	}
	return Review{Assignment: r.AssignmentID, Case: r.CaseID, State: r.State, Scores: scores,
		Total: floatPtr(rubric.Total(scores)), Recommendation: r.Recommendation, Confidence: r.Confidence,
		CommentToApplicant: r.CommentToApplicant, CommentToCommittee: r.CommentToCommittee,
		UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt}
}

// checkDraft reports values a review can never hold: unknown criteria,
// scores out of range, an unknown recommendation or confidence, comments
// too long. Missing values are fine in a draft.
func (in *ReviewInput) checkDraft(rubric domain.Rubric) domain.Errors {
	in.CommentToApplicant, in.CommentToCommittee = cleanText(in.CommentToApplicant), cleanText(in.CommentToCommittee)
	var errs domain.Errors
	for _, e := range rubric.CheckComplete(domain.ReviewScores{Scores: in.Scores, Recommendation: in.Recommendation, Confidence: in.Confidence}) {
		if e.Key != "err.required" {
			errs = append(errs, e)
		}
	}
	checkLen(&errs, "comment_to_applicant", in.CommentToApplicant, maxCommentChars)
	checkLen(&errs, "comment_to_committee", in.CommentToCommittee, maxCommentChars)
	return errs
}

// SaveReview saves the actor's review of an assignment as a draft while
// the call is in review. A submitted review cannot change.
func (a *App) SaveReview(ctx context.Context, actor Actor, assignmentID int64, in ReviewInput) (Review, error) {
	var out Review
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		x, call, err := a.myAssignment(ctx, tx, actor, assignmentID)
		if err != nil {
			return err
		}
		if a.Phase(call) != domain.PhaseReviewing {
			return errPhase
		}
		if x.ReviewState == domain.ReviewSubmitted {
			return errSubmitted
		}
		rubric, err := rubricOf(call)
		if err != nil {
			return err
		}
		if errs := in.checkDraft(rubric); len(errs) > 0 {
			return invalid(errs)
		}
		if !domain.CanMoveReview(x.ReviewState, domain.ReviewDraft, store.RoleReviewer) {
			return errWrongState
		}
		now := a.now()
		r := store.Review{AssignmentID: x.ID, State: domain.ReviewDraft, Scores: in.Scores, Recommendation: in.Recommendation,
			Confidence: in.Confidence, CommentToApplicant: in.CommentToApplicant, CommentToCommittee: in.CommentToCommittee,
			UpdatedAt: now, CallID: x.CallID, CaseID: x.CaseID, ReviewerID: x.ReviewerID}
		// The store keeps the first save's creation time.
		if err := tx.SaveReview(ctx, r); err != nil {
			return err
		}
		out = reviewOf(r, rubric)
		if x.ReviewState == "" {
			return a.audit(ctx, tx, actor, "review", idString(x.ID), "start", "", domain.ReviewDraft, "case "+x.CaseID)
		}
		return nil
	})
	return out, err
}

// SubmitReview submits the actor's saved review once it is complete.
// Submitting a submitted review again changes nothing.
func (a *App) SubmitReview(ctx context.Context, actor Actor, assignmentID int64) (Review, error) {
	var out Review
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		x, call, err := a.myAssignment(ctx, tx, actor, assignmentID)
		if err != nil {
			return err
		}
		rubric, err := rubricOf(call)
		if err != nil {
			return err
		}
		var r store.Review
		if x.ReviewState != "" {
			if r, err = tx.ReviewByAssignment(ctx, x.ID); err != nil {
				return err
			}
		}
		if r.State == domain.ReviewSubmitted {
			out = reviewOf(r, rubric)
			return nil
		}
		if a.Phase(call) != domain.PhaseReviewing {
			return errPhase
		}
		if errs := rubric.CheckComplete(domain.ReviewScores{Scores: r.Scores, Recommendation: r.Recommendation, Confidence: r.Confidence}); len(errs) > 0 {
			return invalid(errs)
		}
		if !domain.CanMoveReview(r.State, domain.ReviewSubmitted, store.RoleReviewer) {
			return errWrongState
		}
		now := a.now()
		from := r.State
		r.State, r.UpdatedAt, r.SubmittedAt = domain.ReviewSubmitted, now, &now
		if err := tx.SaveReview(ctx, r); err != nil {
			return err
		}
		out = reviewOf(r, rubric)
		return a.audit(ctx, tx, actor, "review", idString(x.ID), "submit", from, r.State, "case "+x.CaseID)
	})
	return out, err
}

// ReopenReview returns a submitted review to its reviewer as a draft
// (secretariat), while the call is in review.
func (a *App) ReopenReview(ctx context.Context, actor Actor, assignmentID int64, reason string) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(tx *store.DB) error {
		x, err := tx.AssignmentByID(ctx, assignmentID)
		if err != nil {
			return notFound(err)
		}
		call, err := tx.CallByID(ctx, x.CallID)
		if err != nil {
			return err
		}
		if a.Phase(call) != domain.PhaseReviewing {
			return errPhase
		}
		if !domain.CanMoveReview(x.ReviewState, domain.ReviewDraft, actor.Role) {
			return errWrongState
		}
		r, err := tx.ReviewByAssignment(ctx, x.ID)
		if err != nil {
			return err
		}
		r.State, r.SubmittedAt, r.UpdatedAt = domain.ReviewDraft, nil, a.now()
		if err := tx.SaveReview(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "review", idString(x.ID), "reopen", domain.ReviewSubmitted, domain.ReviewDraft, cleanText(reason))
	})
}

// PeerReview is another reviewer's submitted review of the same case, as
// a reviewer sees it: never the confidential comment, and the reviewer's
// identity only when the call reveals reviewers.
type PeerReview struct {
	// Number is the reviewer's place on the case (1, 2, 3 …), stable
	// across calls of OtherReviews; label it "review.reviewer_label".
	Number             int            `json:"number"`
	Reviewer           *int64         `json:"reviewer,omitempty"`
	ReviewerName       string         `json:"reviewer_name,omitempty"`
	Scores             map[string]int `json:"scores"`
	Total              *float64       `json:"total,omitempty"`
	Recommendation     string         `json:"recommendation"`
	Confidence         int            `json:"confidence"`
	CommentToApplicant string         `json:"comment_to_applicant"`
	SubmittedAt        *time.Time     `json:"submitted_at,omitempty"`
}

// OtherReviews returns the other submitted reviews of the case of one of
// the actor's assignments, as the call's visibility allows: never, once
// the actor's own review is submitted, or always.
func (a *App) OtherReviews(ctx context.Context, actor Actor, assignmentID int64) ([]PeerReview, error) {
	x, call, err := a.myAssignment(ctx, a.DB, actor, assignmentID)
	if err != nil {
		return nil, err
	}
	set, err := a.DB.CallReviewSettings(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	if !domain.CanSeeOtherReviews(set.Visibility, x.ReviewState) {
		if set.Visibility == domain.VisibilityAfterOwn {
			return nil, errSubmitFirst
		}
		return nil, errOthersHidden
	}
	rubric, err := rubricOf(call)
	if err != nil {
		return nil, err
	}
	numbers, err := a.reviewerNumbers(ctx, x.CaseID)
	if err != nil {
		return nil, err
	}
	rs, err := a.DB.ListReviews(ctx, store.ReviewFilter{CaseID: x.CaseID, SubmittedOnly: true})
	if err != nil {
		return nil, err
	}
	var names map[int64]store.User
	if set.RevealReviewers {
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.ReviewerID
		}
		if names, err = a.DB.UsersByIDs(ctx, ids); err != nil {
			return nil, err
		}
	}
	out := []PeerReview{}
	for _, r := range rs {
		if r.AssignmentID == x.ID {
			continue
		}
		p := PeerReview{Number: numbers[r.AssignmentID], Scores: r.Scores, Total: floatPtr(rubric.Total(r.Scores)),
			Recommendation: r.Recommendation, Confidence: r.Confidence, CommentToApplicant: r.CommentToApplicant,
			SubmittedAt: r.SubmittedAt}
		if set.RevealReviewers {
			id := r.ReviewerID
			p.Reviewer, p.ReviewerName = &id, names[id].Name
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b PeerReview) int { return cmp.Compare(a.Number, b.Number) })
	return out, nil
}

// reviewerNumbers numbers a case's assignments 1, 2, 3 … in the order
// they were made.
func (a *App) reviewerNumbers(ctx context.Context, caseID string) (map[int64]int, error) {
	as, err := a.DB.ListAssignments(ctx, store.AssignmentFilter{CaseID: caseID})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(as))
	for i, x := range as {
		ids[i] = x.ID
	}
	slices.Sort(ids)
	out := make(map[int64]int, len(ids))
	for i, id := range ids {
		out[id] = i + 1
	}
	return out, nil
}

// StaffReview is a review as the secretariat and committee see it: with
// its reviewer and the confidential comment.
type StaffReview struct {
	Review
	Reviewer     int64  `json:"reviewer"`
	ReviewerName string `json:"reviewer_name"`
	Number       int    `json:"number"`
}

// CaseReviews lists every review of a case, drafts included
// (secretariat).
func (a *App) CaseReviews(ctx context.Context, actor Actor, caseID string) ([]StaffReview, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	v, err := a.load(ctx, a.DB, actor, caseID)
	if err != nil {
		return nil, err
	}
	rubric, err := rubricOf(v.Call)
	if err != nil {
		return nil, err
	}
	rs, err := a.DB.ListReviews(ctx, store.ReviewFilter{CaseID: caseID})
	if err != nil {
		return nil, err
	}
	numbers, err := a.reviewerNumbers(ctx, caseID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ReviewerID
	}
	users, err := a.DB.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]StaffReview, len(rs))
	for i, r := range rs {
		out[i] = StaffReview{Review: reviewOf(r, rubric), Reviewer: r.ReviewerID, ReviewerName: users[r.ReviewerID].Name,
			Number: numbers[r.AssignmentID]}
	}
	return out, nil
}

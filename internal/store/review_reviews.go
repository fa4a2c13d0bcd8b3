package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Review is a reviewer's assessment of the case of one assignment.
type Review struct {
	AssignmentID       int64
	State              string // draft or submitted
	Scores             map[string]int
	Recommendation     string
	Confidence         int
	CommentToApplicant string
	CommentToCommittee string // confidential: the committee and secretariat only
	CreatedAt          time.Time
	UpdatedAt          time.Time
	SubmittedAt        *time.Time
	// From the assignment, read with the review.
	CallID     int64
	CaseID     string
	ReviewerID int64
}

// SaveReview inserts or replaces the review of r.AssignmentID. CreatedAt
// is kept from the first save; a zero UpdatedAt is now.
func (db *DB) SaveReview(ctx context.Context, r Review) error {
	what := fmt.Sprintf("save review of assignment %d", r.AssignmentID)
	scores := r.Scores
	if scores == nil {
		scores = map[string]int{}
	}
	sa, err := marshalArg(scores)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	up := orNow(r.UpdatedAt)
	created := up
	if !r.CreatedAt.IsZero() {
		created = norm(r.CreatedAt)
	}
	_, err = db.exec(ctx, `
		INSERT INTO reviews (assignment_id, state, scores, recommendation, confidence, comment_to_applicant,
			comment_to_committee, created_at, updated_at, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assignment_id) DO UPDATE SET state = excluded.state, scores = excluded.scores,
			recommendation = excluded.recommendation, confidence = excluded.confidence,
			comment_to_applicant = excluded.comment_to_applicant, comment_to_committee = excluded.comment_to_committee,
			updated_at = excluded.updated_at, submitted_at = excluded.submitted_at`,
		r.AssignmentID, r.State, sa, r.Recommendation, r.Confidence, r.CommentToApplicant, r.CommentToCommittee,
		db.ts(created), db.ts(up), db.tsPtr(r.SubmittedAt))
	if err != nil {
		return wrapErr(err, what)
	}
	return nil
}

const reviewCols = `r.assignment_id, r.state, r.scores, r.recommendation, r.confidence, r.comment_to_applicant,
	r.comment_to_committee, r.created_at, r.updated_at, r.submitted_at, a.call_id, a.case_id, a.reviewer_id`

func scanReview(s rowScanner) (Review, error) {
	var r Review
	err := s.Scan(&r.AssignmentID, &r.State, unmarshalCol{&r.Scores}, &r.Recommendation, &r.Confidence,
		&r.CommentToApplicant, &r.CommentToCommittee, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt},
		nullTimeCol{&r.SubmittedAt}, &r.CallID, &r.CaseID, &r.ReviewerID)
	return r, err
}

// ReviewByAssignment returns the review of an assignment; none is
// ErrNotFound.
func (db *DB) ReviewByAssignment(ctx context.Context, assignmentID int64) (Review, error) {
	r, err := scanReview(db.queryRow(ctx, `SELECT `+reviewCols+` FROM reviews r JOIN assignments a ON a.id = r.assignment_id
		WHERE r.assignment_id = ?`, assignmentID))
	if err != nil {
		return Review{}, wrapErr(err, fmt.Sprintf("review of assignment %d", assignmentID))
	}
	return r, nil
}

// ReviewFilter selects reviews; zero fields do not filter.
type ReviewFilter struct {
	CallID        int64
	CaseID        string
	ReviewerID    int64
	SubmittedOnly bool
}

// ListReviews returns the reviews matching f, by case and assignment.
func (db *DB) ListReviews(ctx context.Context, f ReviewFilter) ([]Review, error) {
	q := `SELECT ` + reviewCols + ` FROM reviews r JOIN assignments a ON a.id = r.assignment_id WHERE 1 = 1`
	var args []any
	if f.CallID != 0 {
		q += ` AND a.call_id = ?`
		args = append(args, f.CallID)
	}
	if f.CaseID != "" {
		q += ` AND a.case_id = ?`
		args = append(args, f.CaseID)
	}
	if f.ReviewerID != 0 {
		q += ` AND a.reviewer_id = ?`
		args = append(args, f.ReviewerID)
	}
	if f.SubmittedOnly {
		q += ` AND r.state = 'submitted'`
	}
	rows, err := db.query(ctx, q+` ORDER BY `+byCaseID("a.case_id")+`, r.assignment_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return collect(rows, scanReview, "list reviews")
}

// ReviewScore is the scored part of a submitted review, for rankings.
type ReviewScore struct {
	AssignmentID int64
	CaseID       string
	ReviewerID   int64
	Scores       map[string]int
}

// SubmittedScores returns the scores of every submitted review of a call
// in one query, by case and assignment.
func (db *DB) SubmittedScores(ctx context.Context, callID int64) ([]ReviewScore, error) {
	rows, err := db.query(ctx, `SELECT r.assignment_id, a.case_id, a.reviewer_id, r.scores
		FROM reviews r JOIN assignments a ON a.id = r.assignment_id
		WHERE a.call_id = ? AND r.state = 'submitted' ORDER BY `+byCaseID("a.case_id")+`, r.assignment_id`, callID)
	if err != nil {
		return nil, fmt.Errorf("scores of call %d: %w", callID, err)
	}
	defer rows.Close()
	var out []ReviewScore
	var raw sql.RawBytes
	for rows.Next() {
		var s ReviewScore
		// Decoding the driver's own bytes avoids a copy per row.
		if err := rows.Scan(&s.AssignmentID, &s.CaseID, &s.ReviewerID, &raw); err != nil {
			return nil, fmt.Errorf("scores of call %d: %w", callID, err)
		}
		if s.Scores, err = decodeScores(raw); err != nil {
			return nil, fmt.Errorf("scores of call %d, assignment %d: %w", callID, s.AssignmentID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("scores of call %d: %w", callID, err)
	}
	return out, nil
}

// decodeScores reads a scores object such as {"impact": 4, "inclusion": 2}.
// It parses the plain form the store writes directly, several times faster
// than encoding/json, which a ranking of thousands of reviews notices, and
// hands anything else (escapes, other numbers) to encoding/json.
func decodeScores(b []byte) (map[string]int, error) {
	m := make(map[string]int, 8)
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	slow := func() (map[string]int, error) {
		var out map[string]int
		err := json.Unmarshal(b, &out)
		return out, err
	}
	ws()
	if i == len(b) || b[i] != '{' {
		return slow()
	}
	i++
	ws()
	if i < len(b) && b[i] == '}' {
		i++
		ws()
		if i != len(b) {
			return slow()
		}
		return m, nil
	}
	for {
		ws()
		if i == len(b) || b[i] != '"' {
			return slow()
		}
		i++
		start := i
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		if i == len(b) || b[i] != '"' {
			return slow()
		}
		key := string(b[start:i])
		i++
		ws()
		if i == len(b) || b[i] != ':' {
			return slow()
		}
		i++
		ws()
		neg := i < len(b) && b[i] == '-'
		if neg {
			i++
		}
		start = i
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 9 {
			n = n*10 + int(b[i]-'0')
			i++
		}
		if i == start || (i < len(b) && b[i] >= '0' && b[i] <= '9') {
			return slow()
		}
		if neg {
			n = -n
		}
		m[key] = n
		ws()
		if i == len(b) {
			return slow()
		}
		switch b[i] {
		case ',':
			i++
		case '}':
			i++
			ws()
			if i != len(b) {
				return slow()
			}
			return m, nil
		default:
			return slow()
		}
	}
}

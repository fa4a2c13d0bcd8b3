package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kinds of AssignmentRule.
const (
	RulePin    = "pin"
	RuleForbid = "forbid"
)

// AssignmentRule is a pair the secretariat pinned (always assigned) or
// forbade (never assigned); every assignment run applies it.
type AssignmentRule struct {
	CallID     int64
	CaseID     string
	ReviewerID int64
	Kind       string // RulePin or RuleForbid
	CreatedBy  *int64
	CreatedAt  time.Time
}

// Sources of an assignment.
const (
	SourceAuto   = "auto"   // chosen by an assignment run
	SourcePinned = "pinned" // pinned by the secretariat, placed by a run
	SourceManual = "manual" // added by hand to a case under review
)

// AssignmentReason is one term of why a reviewer was assigned.
type AssignmentReason struct {
	Kind   string `json:"kind"`
	Value  string `json:"value,omitempty"`
	Points int    `json:"points,omitempty"`
}

// Assignment is a reviewer assigned to a case.
type Assignment struct {
	ID         int64
	CallID     int64
	CaseID     string
	ReviewerID int64
	Source     string
	Affinity   int
	Reasons    []AssignmentReason
	CreatedBy  *int64
	CreatedAt  time.Time
	// ReviewState is the state of the assignment's review, read with it:
	// "" when no review was started.
	ReviewState string
}

const assignmentCols = `a.id, a.call_id, a.case_id, a.reviewer_id, a.source, a.affinity, a.reasons, a.created_by, a.created_at,
	COALESCE(r.state, '')`

const assignmentFrom = ` FROM assignments a LEFT JOIN reviews r ON r.assignment_id = a.id`

func scanAssignment(s rowScanner) (Assignment, error) {
	var a Assignment
	err := s.Scan(&a.ID, &a.CallID, &a.CaseID, &a.ReviewerID, &a.Source, &a.Affinity, unmarshalCol{&a.Reasons},
		&a.CreatedBy, timeCol{&a.CreatedAt}, &a.ReviewState)
	return a, err
}

// AddAssignments inserts as, setting each one's ID, and CreatedAt if it is
// zero. A reviewer already on the case is ErrConflict.
func (db *DB) AddAssignments(ctx context.Context, as []Assignment) error {
	for start := 0; start < len(as); start += 100 {
		chunk := as[start:min(start+100, len(as))]
		var b strings.Builder
		b.WriteString(`INSERT INTO assignments (call_id, case_id, reviewer_id, source, affinity, reasons, created_by, created_at) VALUES `)
		args := make([]any, 0, 8*len(chunk))
		for i := range chunk {
			a := &chunk[i]
			a.CreatedAt = orNow(a.CreatedAt)
			reasons := a.Reasons
			if reasons == nil {
				reasons = []AssignmentReason{}
			}
			ra, err := marshalArg(reasons)
			if err != nil {
				return fmt.Errorf("add assignments: %w", err)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, a.CallID, a.CaseID, a.ReviewerID, a.Source, a.Affinity, ra, a.CreatedBy, db.ts(a.CreatedAt))
		}
		b.WriteString(` RETURNING id, case_id, reviewer_id`)
		rows, err := db.writeRows(ctx, b.String(), args...)
		if err != nil {
			return wrapErr(err, "add assignments")
		}
		type key struct {
			c string
			r int64
		}
		ids := map[key]int64{}
		_, err = collect(rows, func(s rowScanner) (struct{}, error) {
			var id, r int64
			var c string
			err := s.Scan(&id, &c, &r)
			ids[key{c, r}] = id
			return struct{}{}, err
		}, "returned ids")
		if err != nil {
			return wrapErr(err, "add assignments")
		}
		// RETURNING has no guaranteed order: match rows by their pair.
		for i := range chunk {
			chunk[i].ID = ids[key{chunk[i].CaseID, chunk[i].ReviewerID}]
		}
	}
	return nil
}

// AssignmentByID returns an assignment with the state of its review.
// Inside a transaction on PostgreSQL the assignment's row stays locked
// until the end, so that removing it and starting its review cannot race.
func (db *DB) AssignmentByID(ctx context.Context, id int64) (Assignment, error) {
	q := `SELECT ` + assignmentCols + assignmentFrom + ` WHERE a.id = ?`
	if db.tx != nil && db.dialect == DialectPostgres {
		q += ` FOR UPDATE OF a`
	}
	a, err := scanAssignment(db.queryRow(ctx, q, id))
	if err != nil {
		return Assignment{}, wrapErr(err, fmt.Sprintf("assignment %d", id))
	}
	return a, nil
}

// AssignmentFilter selects assignments; zero fields do not filter.
type AssignmentFilter struct {
	CallID     int64
	CaseID     string
	ReviewerID int64
}

// ListAssignments returns the assignments matching f with their review
// states, by case and id.
func (db *DB) ListAssignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error) {
	q := `SELECT ` + assignmentCols + assignmentFrom + ` WHERE 1 = 1`
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
	rows, err := db.query(ctx, q+` ORDER BY `+byCaseID("a.case_id")+`, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list assignments: %w", err)
	}
	return collect(rows, scanAssignment, "list assignments")
}

// DeleteAssignments deletes the assignments with those ids whose review
// was never started, and returns the ids it deleted, sorted. An assignment
// with a review is never deleted.
func (db *DB) DeleteAssignments(ctx context.Context, ids []int64) ([]int64, error) {
	var deleted []int64
	for chunk := range slices.Chunk(ids, idsPerStatement) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.writeRows(ctx, `DELETE FROM assignments WHERE id IN (`+placeholders(len(chunk))+`)
			AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.assignment_id = assignments.id) RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("delete assignments: %w", err)
		}
		got, err := collect(rows, func(s rowScanner) (int64, error) {
			var id int64
			err := s.Scan(&id)
			return id, err
		}, "delete assignments")
		if err != nil {
			return nil, err
		}
		deleted = append(deleted, got...)
	}
	slices.Sort(deleted)
	return deleted, nil
}

// SetAssignmentRule pins or forbids a pair, replacing any rule it had.
func (db *DB) SetAssignmentRule(ctx context.Context, r AssignmentRule) error {
	_, err := db.exec(ctx, `
		INSERT INTO assignment_rules (case_id, reviewer_id, call_id, kind, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id, reviewer_id) DO UPDATE SET kind = excluded.kind, created_by = excluded.created_by,
			created_at = excluded.created_at`,
		r.CaseID, r.ReviewerID, r.CallID, r.Kind, r.CreatedBy, db.ts(orNow(r.CreatedAt)))
	if err != nil {
		return wrapErr(err, fmt.Sprintf("%s case %q reviewer %d", r.Kind, r.CaseID, r.ReviewerID))
	}
	return nil
}

// DeleteAssignmentRule removes the rule of a pair; none is ErrNotFound.
func (db *DB) DeleteAssignmentRule(ctx context.Context, caseID string, reviewerID int64) error {
	res, err := db.exec(ctx, `DELETE FROM assignment_rules WHERE case_id = ? AND reviewer_id = ?`, caseID, reviewerID)
	return checkOne(res, err, fmt.Sprintf("rule for case %q reviewer %d", caseID, reviewerID))
}

// ListAssignmentRules returns a call's pinned and forbidden pairs, by case
// and reviewer.
func (db *DB) ListAssignmentRules(ctx context.Context, callID int64) ([]AssignmentRule, error) {
	rows, err := db.query(ctx, `SELECT call_id, case_id, reviewer_id, kind, created_by, created_at
		FROM assignment_rules WHERE call_id = ? ORDER BY `+byCaseID("case_id")+`, reviewer_id`, callID)
	if err != nil {
		return nil, fmt.Errorf("assignment rules of call %d: %w", callID, err)
	}
	return collect(rows, func(s rowScanner) (AssignmentRule, error) {
		var r AssignmentRule
		err := s.Scan(&r.CallID, &r.CaseID, &r.ReviewerID, &r.Kind, &r.CreatedBy, timeCol{&r.CreatedAt})
		return r, err
	}, fmt.Sprintf("assignment rules of call %d", callID))
}

// AssignmentCounts counts a call's assignments per case, in one query.
func (db *DB) AssignmentCounts(ctx context.Context, callID int64) (map[string]int, error) {
	rows, err := db.query(ctx, `SELECT case_id, count(*) FROM assignments WHERE call_id = ? GROUP BY case_id`, callID)
	if err != nil {
		return nil, fmt.Errorf("assignment counts of call %d: %w", callID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("assignment counts of call %d: %w", callID, err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("assignment counts of call %d: %w", callID, err)
	}
	return out, nil
}

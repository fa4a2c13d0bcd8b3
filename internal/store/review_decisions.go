package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Decision is the committee's decision on a case, pending until released.
type Decision struct {
	CaseID     string
	CallID     int64
	Decision   string // accepted or rejected
	Note       string // the committee's record; not sent to the applicant
	DecidedBy  *int64
	DecidedAt  time.Time
	ReleasedAt *time.Time
}

// SaveDecision records or replaces a pending decision. A released decision
// never changes: replacing one is ErrConflict.
func (db *DB) SaveDecision(ctx context.Context, d Decision) error {
	what := fmt.Sprintf("decision on case %q", d.CaseID)
	res, err := db.exec(ctx, `
		INSERT INTO decisions (case_id, call_id, decision, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET decision = excluded.decision, note = excluded.note,
			decided_by = excluded.decided_by, decided_at = excluded.decided_at
		WHERE decisions.released_at IS NULL`,
		d.CaseID, d.CallID, d.Decision, d.Note, d.DecidedBy, db.ts(orNow(d.DecidedAt)))
	if err != nil {
		return wrapErr(err, what)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: already released: %w", what, ErrConflict)
	}
	return nil
}

const decisionCols = `case_id, call_id, decision, note, decided_by, decided_at, released_at`

func scanDecision(s rowScanner) (Decision, error) {
	var d Decision
	err := s.Scan(&d.CaseID, &d.CallID, &d.Decision, &d.Note, &d.DecidedBy, timeCol{&d.DecidedAt}, nullTimeCol{&d.ReleasedAt})
	return d, err
}

// DecisionByCase returns the decision on a case; none is ErrNotFound.
func (db *DB) DecisionByCase(ctx context.Context, caseID string) (Decision, error) {
	d, err := scanDecision(db.queryRow(ctx, `SELECT `+decisionCols+` FROM decisions WHERE case_id = ?`, caseID))
	if err != nil {
		return Decision{}, wrapErr(err, fmt.Sprintf("decision on case %q", caseID))
	}
	return d, nil
}

// ListDecisions returns a call's decisions, by case.
func (db *DB) ListDecisions(ctx context.Context, callID int64) ([]Decision, error) {
	rows, err := db.query(ctx, `SELECT `+decisionCols+` FROM decisions WHERE call_id = ? ORDER BY `+byCaseID("case_id"), callID)
	if err != nil {
		return nil, fmt.Errorf("decisions of call %d: %w", callID, err)
	}
	return collect(rows, scanDecision, fmt.Sprintf("decisions of call %d", callID))
}

// ReleaseDecisions marks every pending decision of a call released at at,
// in one statement, and returns the decisions it released, by case. A
// decision being changed at the same moment is released as changed, or
// not at all (its change then fails with ErrConflict).
func (db *DB) ReleaseDecisions(ctx context.Context, callID int64, at time.Time) ([]Decision, error) {
	rows, err := db.writeRows(ctx, `UPDATE decisions SET released_at = ? WHERE call_id = ? AND released_at IS NULL
		RETURNING `+decisionCols, db.ts(orNow(at)), callID)
	if err != nil {
		return nil, fmt.Errorf("release decisions of call %d: %w", callID, err)
	}
	ds, err := collect(rows, scanDecision, fmt.Sprintf("release decisions of call %d", callID))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ds, func(a, b Decision) int { return strings.Compare(a.CaseID, b.CaseID) })
	return ds, nil
}

// CaseVersionsOfCall returns, in one query, every submitted version of the
// call's cases that are in one of states (all states if none), grouped by
// case, oldest first.
func (db *DB) CaseVersionsOfCall(ctx context.Context, callID int64, states []string) (map[string][]CaseVersion, error) {
	q := `SELECT v.case_id, v.version, v.doc, v.submitted_at, v.submitted_by
		FROM case_versions v JOIN cases c ON c.id = v.case_id WHERE c.call_id = ?`
	args := []any{callID}
	if len(states) > 0 {
		q += ` AND c.state IN (` + placeholders(len(states)) + `)`
		for _, s := range states {
			args = append(args, s)
		}
	}
	rows, err := db.query(ctx, q+` ORDER BY `+byCaseID("v.case_id")+`, v.version`, args...)
	if err != nil {
		return nil, fmt.Errorf("versions of call %d: %w", callID, err)
	}
	vs, err := collect(rows, scanCaseVersion, fmt.Sprintf("versions of call %d", callID))
	if err != nil {
		return nil, err
	}
	out := map[string][]CaseVersion{}
	for _, v := range vs {
		out[v.CaseID] = append(out[v.CaseID], v)
	}
	return out, nil
}

package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// QueryCounter counts the SQL statements run with a context, so that a
// test can check that an operation issues a fixed number of queries
// whatever the size of the data (no query per row).
type QueryCounter struct{ n atomic.Int64 }

type queryCounterKey struct{}

// WithQueryCounter returns a context that counts every statement the store
// runs with it (or with a context derived from it).
func WithQueryCounter(ctx context.Context) (context.Context, *QueryCounter) {
	c := &QueryCounter{}
	return context.WithValue(ctx, queryCounterKey{}, c), c
}

// Count returns the number of statements counted so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// countQuery counts one statement if ctx carries a counter.
func countQuery(ctx context.Context) {
	if c, ok := ctx.Value(queryCounterKey{}).(*QueryCounter); ok {
		c.n.Add(1)
	}
}

// ReviewSettings are a call's review rules that the Call record does not
// hold.
type ReviewSettings struct {
	// Visibility is who sees the other reviews of a case: "never",
	// "after_own" (the default) or "always".
	Visibility string
	// RevealReviewers lets reviewers see each other's names.
	RevealReviewers bool
	// Deadline is when reviews are due (UTC); nil while none is set.
	Deadline *time.Time
}

// CallReviewSettings returns a call's review settings.
func (db *DB) CallReviewSettings(ctx context.Context, callID int64) (ReviewSettings, error) {
	var s ReviewSettings
	err := db.queryRow(ctx, `SELECT review_visibility, reveal_reviewers, review_deadline FROM calls WHERE id = ?`, callID).
		Scan(&s.Visibility, &s.RevealReviewers, nullTimeCol{&s.Deadline})
	if err != nil {
		return ReviewSettings{}, wrapErr(err, fmt.Sprintf("review settings of call %d", callID))
	}
	return s, nil
}

// SetCallReviewSettings writes a call's review settings.
func (db *DB) SetCallReviewSettings(ctx context.Context, callID int64, s ReviewSettings, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE calls SET review_visibility = ?, reveal_reviewers = ?, review_deadline = ?, updated_at = ?
		WHERE id = ?`,
		s.Visibility, s.RevealReviewers, db.tsPtr(normPtr(s.Deadline)), db.ts(orNow(at)), callID)
	return checkOne(res, err, fmt.Sprintf("set review settings of call %d", callID))
}

// SetCallPhase writes a call's stored phase only.
func (db *DB) SetCallPhase(ctx context.Context, callID int64, phase string, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE calls SET phase = ?, updated_at = ? WHERE id = ?`, phase, db.ts(orNow(at)), callID)
	return checkOne(res, err, fmt.Sprintf("set phase of call %d", callID))
}

// MoveCase changes a case's state from one state to another, and nothing
// else. A case not in state from is ErrNotFound, so two racing moves
// cannot both succeed.
func (db *DB) MoveCase(ctx context.Context, id, from, to string, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE cases SET state = ?, updated_at = ? WHERE id = ? AND state = ?`,
		to, db.ts(orNow(at)), id, from)
	return checkOne(res, err, fmt.Sprintf("move case %q from %s to %s", id, from, to))
}

// idsPerStatement bounds the placeholders of one IN list.
const idsPerStatement = 500

// MoveCases moves every case of ids that is in state from to state to, and
// returns the ids it moved, sorted.
func (db *DB) MoveCases(ctx context.Context, ids []string, from, to string, at time.Time) ([]string, error) {
	var moved []string
	for chunk := range slices.Chunk(ids, idsPerStatement) {
		args := []any{to, db.ts(orNow(at)), from}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.writeRows(ctx, `UPDATE cases SET state = ?, updated_at = ? WHERE state = ? AND id IN (`+
			placeholders(len(chunk))+`) RETURNING id`, args...)
		if err != nil {
			return nil, fmt.Errorf("move cases from %s to %s: %w", from, to, err)
		}
		got, err := collect(rows, func(s rowScanner) (string, error) {
			var id string
			err := s.Scan(&id)
			return id, err
		}, "move cases")
		if err != nil {
			return nil, err
		}
		moved = append(moved, got...)
	}
	slices.Sort(moved)
	return moved, nil
}

// SetCasePublication moves a case between accepted and published: it sets
// the state and published_at (nil when unpublishing). A case not in state
// from is ErrNotFound.
func (db *DB) SetCasePublication(ctx context.Context, id, from, to string, publishedAt *time.Time, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE cases SET state = ?, published_at = ?, updated_at = ? WHERE id = ? AND state = ?`,
		to, db.tsPtr(publishedAt), db.ts(orNow(at)), id, from)
	return checkOne(res, err, fmt.Sprintf("move case %q from %s to %s", id, from, to))
}

// SetCaseExtension sets or clears a case's individual deadline.
func (db *DB) SetCaseExtension(ctx context.Context, id string, until *time.Time, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE cases SET extended_until = ?, updated_at = ? WHERE id = ?`,
		db.tsPtr(until), db.ts(orNow(at)), id)
	return checkOne(res, err, fmt.Sprintf("extend case %q", id))
}

// UsersByIDs returns the users with those ids, by id; unknown ids are
// left out.
func (db *DB) UsersByIDs(ctx context.Context, ids []int64) (map[int64]User, error) {
	out := make(map[int64]User, len(ids))
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	for chunk := range slices.Chunk(uniq, idsPerStatement) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.query(ctx, `SELECT `+userCols+` FROM users WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("users by id: %w", err)
		}
		us, err := collect(rows, scanUser, "users by id")
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			out[u.ID] = u
		}
	}
	return out, nil
}

// AddAudits records several transitions in one statement per hundred;
// each At defaults to now.
func (db *DB) AddAudits(ctx context.Context, es []AuditEntry) error {
	for chunk := range slices.Chunk(es, 100) {
		var b strings.Builder
		b.WriteString(`INSERT INTO audit_log (at, actor_id, entity, entity_id, action, from_state, to_state, reason) VALUES `)
		args := make([]any, 0, 8*len(chunk))
		for i, e := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, db.ts(orNow(e.At)), e.ActorID, e.Entity, e.EntityID, e.Action, e.From, e.To, e.Reason)
		}
		if _, err := db.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("audit %d transitions: %w", len(chunk), err)
		}
	}
	return nil
}

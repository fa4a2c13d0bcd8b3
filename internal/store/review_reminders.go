package store

import (
	"context"
	"fmt"
	"time"
)

// ReviewDeadline is a call's review deadline.
type ReviewDeadline struct {
	CallID   int64
	Deadline time.Time
}

// ReviewDeadlinesBetween returns the calls whose review deadline falls
// after after and at or before until, soonest first.
func (db *DB) ReviewDeadlinesBetween(ctx context.Context, after, until time.Time) ([]ReviewDeadline, error) {
	rows, err := db.query(ctx, `SELECT id, review_deadline FROM calls
		WHERE review_deadline IS NOT NULL AND review_deadline > ? AND review_deadline <= ?
		ORDER BY review_deadline, id`, db.ts(after), db.ts(until))
	if err != nil {
		return nil, fmt.Errorf("review deadlines: %w", err)
	}
	return collect(rows, func(s rowScanner) (ReviewDeadline, error) {
		var d ReviewDeadline
		err := s.Scan(&d.CallID, timeCol{&d.Deadline})
		return d, err
	}, "review deadlines")
}

// ReviewReminder records the reminder mailed to a reviewer before a
// call's review deadline.
type ReviewReminder struct {
	CallID     int64
	ReviewerID int64
	Deadline   time.Time // the deadline the reminder announced
	SentAt     time.Time // when it was queued
}

// AddReviewReminder records a reminder and reports whether it is new:
// false when one was already recorded for that reviewer and call, by this
// process or another. Run it in the transaction that queues the message.
func (db *DB) AddReviewReminder(ctx context.Context, r ReviewReminder) (bool, error) {
	what := fmt.Sprintf("review reminder of call %d to reviewer %d", r.CallID, r.ReviewerID)
	rows, err := db.writeRows(ctx, `INSERT INTO review_reminders (call_id, reviewer_id, deadline, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (call_id, reviewer_id) DO NOTHING RETURNING reviewer_id`,
		r.CallID, r.ReviewerID, db.ts(r.Deadline), db.ts(orNow(r.SentAt)))
	if err != nil {
		return false, wrapErr(err, what)
	}
	ids, err := collect(rows, func(s rowScanner) (int64, error) {
		var id int64
		err := s.Scan(&id)
		return id, err
	}, what)
	return len(ids) == 1, err
}

// ReviewReminders returns the reminders recorded for a call, by reviewer.
func (db *DB) ReviewReminders(ctx context.Context, callID int64) ([]ReviewReminder, error) {
	rows, err := db.query(ctx, `SELECT call_id, reviewer_id, deadline, sent_at FROM review_reminders
		WHERE call_id = ? ORDER BY reviewer_id`, callID)
	if err != nil {
		return nil, fmt.Errorf("review reminders of call %d: %w", callID, err)
	}
	return collect(rows, func(s rowScanner) (ReviewReminder, error) {
		var r ReviewReminder
		err := s.Scan(&r.CallID, &r.ReviewerID, timeCol{&r.Deadline}, timeCol{&r.SentAt})
		return r, err
	}, fmt.Sprintf("review reminders of call %d", callID))
}

package store

import (
	"context"
	"fmt"
	"time"
)

// RecordLoginFailure records a failed sign-in for key (an e-mail address,
// an IP address, …).
func (db *DB) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	if _, err := db.exec(ctx, `INSERT INTO login_failures (throttle_key, at) VALUES (?, ?)`, key, db.ts(at)); err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	return nil
}

// CountLoginFailures counts the failures for key at or after since.
func (db *DB) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT count(*) FROM login_failures WHERE throttle_key = ? AND at >= ?`, key, db.ts(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count login failures: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets the failures for key (after a success).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := db.exec(ctx, `DELETE FROM login_failures WHERE throttle_key = ?`, key); err != nil {
		return fmt.Errorf("clear login failures: %w", err)
	}
	return nil
}

// DeleteLoginFailuresBefore forgets all failures older than before, so the
// table does not grow without bound, and returns how many it deleted.
func (db *DB) DeleteLoginFailuresBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, db.ts(before))
	if err != nil {
		return 0, fmt.Errorf("delete old login failures: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete old login failures: %w", err)
	}
	return n, nil
}

package store

import (
	"context"
	"fmt"
	"time"
)

// CreateSession inserts s. CreatedAt defaults to now.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	_, err := db.exec(ctx, `INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.CSRF, db.ts(orNow(s.CreatedAt)), db.ts(s.ExpiresAt))
	if err != nil {
		return wrapErr(err, fmt.Sprintf("create session for user %d", s.UserID))
	}
	return nil
}

// SessionByID returns the session with that id if it has not expired at
// now; an expired session is ErrNotFound.
func (db *DB) SessionByID(ctx context.Context, id string, now time.Time) (Session, error) {
	var s Session
	err := db.queryRow(ctx, `SELECT id, user_id, csrf, created_at, expires_at FROM sessions WHERE id = ? AND expires_at > ?`,
		id, db.ts(now)).Scan(&s.ID, &s.UserID, &s.CSRF, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt})
	if err != nil {
		// The id is a secret's hash: keep it out of messages.
		return Session{}, wrapErr(err, "session")
	}
	return s, nil
}

// DeleteSession deletes a session (signing out). Deleting a session that
// does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if _, err := db.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions deletes the sessions expired at now and returns how
// many there were.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, db.ts(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return n, nil
}

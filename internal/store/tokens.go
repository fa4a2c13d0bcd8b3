package store

import (
	"context"
	"fmt"
	"time"
)

// CreateAPIToken inserts t, setting t.ID, and t.CreatedAt if it is zero.
func (db *DB) CreateAPIToken(ctx context.Context, t *APIToken) error {
	t.CreatedAt = orNow(t.CreatedAt)
	err := db.writeRow(ctx, `INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		t.UserID, t.Name, t.Hash, db.ts(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return wrapErr(err, fmt.Sprintf("create API token %q for user %d", t.Name, t.UserID))
	}
	return nil
}

const apiTokenCols = `id, user_id, name, hash, created_at`

func scanAPIToken(s rowScanner) (APIToken, error) {
	var t APIToken
	err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, timeCol{&t.CreatedAt})
	return t, err
}

// APITokenByHash returns the token with that hash.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanAPIToken(db.queryRow(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return APIToken{}, wrapErr(err, "API token")
	}
	return t, nil
}

// ListAPITokens returns a user's tokens, oldest first.
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := db.query(ctx, `SELECT `+apiTokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list API tokens of user %d: %w", userID, err)
	}
	return collect(rows, scanAPIToken, fmt.Sprintf("list API tokens of user %d", userID))
}

// DeleteAPIToken deletes one of a user's tokens; a token that does not
// exist or belongs to someone else is ErrNotFound.
func (db *DB) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res, err := db.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID)
	return checkOne(res, err, fmt.Sprintf("delete API token %d of user %d", id, userID))
}

// CreateEmailToken inserts a one-time link token.
func (db *DB) CreateEmailToken(ctx context.Context, t EmailToken) error {
	_, err := db.exec(ctx, `INSERT INTO email_tokens (hash, purpose, user_id, expires_at) VALUES (?, ?, ?, ?)`,
		t.Hash, t.Purpose, t.UserID, db.ts(t.ExpiresAt))
	if err != nil {
		return wrapErr(err, fmt.Sprintf("create %s token for user %d", t.Purpose, t.UserID))
	}
	return nil
}

// UseEmailToken marks the token with that purpose and hash used and
// returns its user id, in one statement, so that a token works once even
// when two requests race. A used, expired or unknown token is ErrNotFound.
func (db *DB) UseEmailToken(ctx context.Context, purpose, hash string, now time.Time) (int64, error) {
	var userID int64
	err := db.writeRow(ctx, `
		UPDATE email_tokens SET used_at = ?
		WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id`,
		db.ts(now), hash, purpose, db.ts(now)).Scan(&userID)
	if err != nil {
		return 0, wrapErr(err, purpose+" token")
	}
	return userID, nil
}

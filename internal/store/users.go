package store

import (
	"context"
	"fmt"
	"strings"
)

const userCols = `id, email, name, role, password_hash, verified_at, language, org_name, org_type, org_country, created_at`

func scanUser(s rowScanner) (User, error) {
	var u User
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, nullTimeCol{&u.VerifiedAt},
		&u.Language, &u.OrgName, &u.OrgType, &u.OrgCountry, timeCol{&u.CreatedAt})
	return u, err
}

// normEmail is the stored form of an e-mail address.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser inserts u, setting u.ID, and u.CreatedAt if it is zero. The
// e-mail address is stored lower-cased; a taken address is ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	u.Email = normEmail(u.Email)
	u.CreatedAt = orNow(u.CreatedAt)
	u.VerifiedAt = normPtr(u.VerifiedAt)
	err := db.writeRow(ctx, `
		INSERT INTO users (email, name, role, password_hash, verified_at, language, org_name, org_type, org_country, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		u.Email, u.Name, u.Role, u.PasswordHash, db.tsPtr(u.VerifiedAt), u.Language, u.OrgName, u.OrgType, u.OrgCountry, db.ts(u.CreatedAt),
	).Scan(&u.ID)
	if err != nil {
		return wrapErr(err, fmt.Sprintf("create user %q", u.Email))
	}
	return nil
}

// UserByID returns the user with that id.
func (db *DB) UserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, wrapErr(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByEmail returns the user with that e-mail address, ignoring case.
func (db *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, normEmail(email)))
	if err != nil {
		return User{}, wrapErr(err, fmt.Sprintf("user %q", email))
	}
	return u, nil
}

// UpdateUser writes all mutable fields of u (everything but ID and
// CreatedAt). A taken e-mail address is ErrConflict.
func (db *DB) UpdateUser(ctx context.Context, u User) error {
	res, err := db.exec(ctx, `
		UPDATE users SET email = ?, name = ?, role = ?, password_hash = ?, verified_at = ?,
			language = ?, org_name = ?, org_type = ?, org_country = ?
		WHERE id = ?`,
		normEmail(u.Email), u.Name, u.Role, u.PasswordHash, db.tsPtr(u.VerifiedAt),
		u.Language, u.OrgName, u.OrgType, u.OrgCountry, u.ID)
	return checkOne(res, err, fmt.Sprintf("update user %d", u.ID))
}

// ListUsers returns the users with that role ("" = all), by id.
func (db *DB) ListUsers(ctx context.Context, role string) ([]User, error) {
	q, args := `SELECT `+userCols+` FROM users`, []any{}
	if role != "" {
		q += ` WHERE role = ?`
		args = append(args, role)
	}
	rows, err := db.query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return collect(rows, scanUser, "list users")
}

// CountUsers returns the number of accounts.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

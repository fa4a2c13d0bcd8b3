package store

import (
	"context"
	"fmt"
)

const callCols = `id, slug, title, description, eligibility, opens_at, closes_at, timezone, blind,
	reviewers_per_case, rubric, phase, created_at, updated_at`

func scanCall(s rowScanner) (Call, error) {
	var c Call
	err := s.Scan(&c.ID, &c.Slug, unmarshalCol{&c.Title}, unmarshalCol{&c.Description}, unmarshalCol{&c.Eligibility},
		timeCol{&c.OpensAt}, timeCol{&c.ClosesAt}, &c.Timezone, &c.Blind,
		&c.ReviewersPerCase, jsonCol{&c.Rubric}, &c.Phase, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	// Empty texts and checklists are stored as {} and [] and read as nil,
	// so that what was written as nil reads back equal.
	if len(c.Title) == 0 {
		c.Title = nil
	}
	if len(c.Description) == 0 {
		c.Description = nil
	}
	if len(c.Eligibility) == 0 {
		c.Eligibility = nil
	}
	return c, err
}

// callArgs returns the arguments for the mutable columns, in the order
// slug, title, description, eligibility, opens_at, closes_at, timezone,
// blind, reviewers_per_case, rubric, phase.
func (db *DB) callArgs(c *Call) ([]any, error) {
	title, err := marshalArg(orEmpty(c.Title))
	if err != nil {
		return nil, err
	}
	desc, err := marshalArg(orEmpty(c.Description))
	if err != nil {
		return nil, err
	}
	elig := c.Eligibility
	if elig == nil {
		elig = []EligibilityItem{}
	}
	eligArg, err := marshalArg(elig)
	if err != nil {
		return nil, err
	}
	return []any{c.Slug, title, desc, eligArg, db.ts(c.OpensAt), db.ts(c.ClosesAt), c.Timezone, c.Blind,
		c.ReviewersPerCase, jsonArg(c.Rubric), c.Phase}, nil
}

func orEmpty(t LocalText) LocalText {
	if t == nil {
		return LocalText{}
	}
	return t
}

// CreateCall inserts c, setting c.ID, and c.CreatedAt and c.UpdatedAt if
// they are zero. A taken slug is ErrConflict.
func (db *DB) CreateCall(ctx context.Context, c *Call) error {
	c.CreatedAt = orNow(c.CreatedAt)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.UpdatedAt = norm(c.UpdatedAt)
	c.OpensAt, c.ClosesAt = norm(c.OpensAt), norm(c.ClosesAt)
	args, err := db.callArgs(c)
	if err != nil {
		return fmt.Errorf("create call %q: %w", c.Slug, err)
	}
	err = db.writeRow(ctx, `
		INSERT INTO calls (slug, title, description, eligibility, opens_at, closes_at, timezone, blind,
			reviewers_per_case, rubric, phase, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		append(args, db.ts(c.CreatedAt), db.ts(c.UpdatedAt))...).Scan(&c.ID)
	if err != nil {
		return wrapErr(err, fmt.Sprintf("create call %q", c.Slug))
	}
	return nil
}

// UpdateCall writes all mutable fields of c (everything but ID and
// CreatedAt); a zero UpdatedAt is set to now. A taken slug is ErrConflict.
func (db *DB) UpdateCall(ctx context.Context, c Call) error {
	args, err := db.callArgs(&c)
	if err != nil {
		return fmt.Errorf("update call %d: %w", c.ID, err)
	}
	res, err := db.exec(ctx, `
		UPDATE calls SET slug = ?, title = ?, description = ?, eligibility = ?, opens_at = ?, closes_at = ?,
			timezone = ?, blind = ?, reviewers_per_case = ?, rubric = ?, phase = ?, updated_at = ?
		WHERE id = ?`,
		append(args, db.ts(orNow(c.UpdatedAt)), c.ID)...)
	return checkOne(res, err, fmt.Sprintf("update call %d", c.ID))
}

// CallBySlug returns the call with that slug.
func (db *DB) CallBySlug(ctx context.Context, slug string) (Call, error) {
	c, err := scanCall(db.queryRow(ctx, `SELECT `+callCols+` FROM calls WHERE slug = ?`, slug))
	if err != nil {
		return Call{}, wrapErr(err, fmt.Sprintf("call %q", slug))
	}
	return c, nil
}

// CallByID returns the call with that id.
func (db *DB) CallByID(ctx context.Context, id int64) (Call, error) {
	c, err := scanCall(db.queryRow(ctx, `SELECT `+callCols+` FROM calls WHERE id = ?`, id))
	if err != nil {
		return Call{}, wrapErr(err, fmt.Sprintf("call %d", id))
	}
	return c, nil
}

// ListCalls returns all calls, the latest to open first.
func (db *DB) ListCalls(ctx context.Context) ([]Call, error) {
	rows, err := db.query(ctx, `SELECT `+callCols+` FROM calls ORDER BY opens_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list calls: %w", err)
	}
	return collect(rows, scanCall, "list calls")
}

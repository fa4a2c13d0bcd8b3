package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

const outboxCols = `id, idem_key, to_addr, subject, text_body, html_body, created_at, attempts, next_attempt_at,
	sent_at, failed, last_error`

func scanOutbox(s rowScanner) (OutboxMessage, error) {
	var m OutboxMessage
	err := s.Scan(&m.ID, &m.Key, &m.To, &m.Subject, &m.Text, &m.HTML, timeCol{&m.CreatedAt}, &m.Attempts,
		timeCol{&m.NextAttemptAt}, nullTimeCol{&m.SentAt}, &m.Failed, &m.LastError)
	return m, err
}

// EnqueueMail adds m to the outbox, setting m.ID, m.CreatedAt if zero and
// m.NextAttemptAt if zero (to CreatedAt). If a message with m.Key is
// already there, nothing is added, m.ID is set to that message's id and
// the result is nil: enqueueing is idempotent.
func (db *DB) EnqueueMail(ctx context.Context, m *OutboxMessage) error {
	if m.Key == "" {
		return errors.New("enqueue mail: empty idempotency key")
	}
	what := fmt.Sprintf("enqueue mail %q", m.Key)
	m.CreatedAt = orNow(m.CreatedAt)
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	m.NextAttemptAt = norm(m.NextAttemptAt)
	rows, err := db.writeRows(ctx, `
		INSERT INTO outbox (idem_key, to_addr, subject, text_body, html_body, created_at, next_attempt_at, locked_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (idem_key) DO NOTHING
		RETURNING id`,
		m.Key, m.To, m.Subject, m.Text, m.HTML, db.ts(m.CreatedAt), db.ts(m.NextAttemptAt), db.ts(time.UnixMilli(0)))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	ids, err := collect(rows, func(s rowScanner) (int64, error) {
		var id int64
		err := s.Scan(&id)
		return id, err
	}, what)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		m.ID = ids[0]
		return nil
	}
	// Already enqueued.
	if err := db.writeRow(ctx, `SELECT id FROM outbox WHERE idem_key = ?`, m.Key).Scan(&m.ID); err != nil {
		return wrapErr(err, what)
	}
	return nil
}

// ClaimOutbox leases up to limit messages due at now — unsent, not failed
// for good, next attempt at or before now, and not leased by another
// worker — until now+lease, counting one more attempt for each, in one
// statement. Two workers never claim the same message while its lease
// runs. Messages come oldest first.
func (db *DB) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	lock := ""
	if db.dialect == DialectPostgres {
		// Concurrent claims skip each other's rows instead of waiting.
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := db.writeRows(ctx, `
		UPDATE outbox SET locked_until = ?, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM outbox
			WHERE sent_at IS NULL AND failed = FALSE AND next_attempt_at <= ? AND locked_until < ?
			ORDER BY next_attempt_at, id
			LIMIT ?`+lock+`
		)
		RETURNING `+outboxCols,
		db.ts(now.Add(lease)), db.ts(now), db.ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	msgs, err := collect(rows, scanOutbox, "claim outbox")
	if err != nil {
		return nil, err
	}
	// RETURNING has no order.
	slices.SortFunc(msgs, func(a, b OutboxMessage) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return msgs, nil
}

// MarkOutboxSent records that message id was sent at at.
func (db *DB) MarkOutboxSent(ctx context.Context, id int64, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE outbox SET sent_at = ?, locked_until = ? WHERE id = ?`,
		db.ts(at), db.ts(time.UnixMilli(0)), id)
	return checkOne(res, err, fmt.Sprintf("mark mail %d sent", id))
}

// MarkOutboxFailed records a failed attempt: the error, and when to try
// again (next), releasing the lease. A permanent failure is never retried.
func (db *DB) MarkOutboxFailed(ctx context.Context, id int64, errText string, next time.Time, permanent bool) error {
	res, err := db.exec(ctx, `UPDATE outbox SET last_error = ?, next_attempt_at = ?, locked_until = ?, failed = ? WHERE id = ?`,
		errText, db.ts(next), db.ts(time.UnixMilli(0)), permanent, id)
	return checkOne(res, err, fmt.Sprintf("mark mail %d failed", id))
}

// ListOutbox returns the newest limit messages, newest first (limit ≤ 0 =
// all).
func (db *DB) ListOutbox(ctx context.Context, limit int) ([]OutboxMessage, error) {
	q, args := `SELECT `+outboxCols+` FROM outbox ORDER BY id DESC`, []any{}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return collect(rows, scanOutbox, "list outbox")
}

// OutboxFor returns the messages to an address, oldest first.
func (db *DB) OutboxFor(ctx context.Context, to string) ([]OutboxMessage, error) {
	rows, err := db.query(ctx, `SELECT `+outboxCols+` FROM outbox WHERE to_addr = ? ORDER BY id`, to)
	if err != nil {
		return nil, fmt.Errorf("outbox for %q: %w", to, err)
	}
	return collect(rows, scanOutbox, fmt.Sprintf("outbox for %q", to))
}

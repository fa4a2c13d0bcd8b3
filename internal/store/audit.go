package store

import (
	"context"
	"fmt"
)

// AddAudit records a transition; At defaults to now.
func (db *DB) AddAudit(ctx context.Context, e AuditEntry) error {
	_, err := db.exec(ctx, `
		INSERT INTO audit_log (at, actor_id, entity, entity_id, action, from_state, to_state, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		db.ts(orNow(e.At)), e.ActorID, e.Entity, e.EntityID, e.Action, e.From, e.To, e.Reason)
	if err != nil {
		return fmt.Errorf("audit %s %s %s: %w", e.Action, e.Entity, e.EntityID, err)
	}
	return nil
}

// ListAudit returns audit entries, newest first, for an entity kind and id
// (either may be empty to match all), at most limit (≤ 0 = all).
func (db *DB) ListAudit(ctx context.Context, entity, entityID string, limit int) ([]AuditEntry, error) {
	q := `SELECT id, at, actor_id, entity, entity_id, action, from_state, to_state, reason FROM audit_log WHERE 1 = 1`
	var args []any
	if entity != "" {
		q += ` AND entity = ?`
		args = append(args, entity)
	}
	if entityID != "" {
		q += ` AND entity_id = ?`
		args = append(args, entityID)
	}
	q += ` ORDER BY at DESC, id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return collect(rows, func(s rowScanner) (AuditEntry, error) {
		var e AuditEntry
		err := s.Scan(&e.ID, timeCol{&e.At}, &e.ActorID, &e.Entity, &e.EntityID, &e.Action, &e.From, &e.To, &e.Reason)
		return e, err
	}, "list audit")
}

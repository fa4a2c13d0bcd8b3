package store

import (
	"context"
	"fmt"
	"slices"
	"time"
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

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	// CallID keeps what belongs to one call: the call itself, its cases
	// with their decisions and pinned or forbidden pairs, its panel, and
	// its assignments and reviews (an assignment removed since is known by
	// the case its entries name, "case DX-…").
	CallID   int64
	Entity   string
	EntityID string
	Action   string
	ActorID  int64
	From, To time.Time // From ≤ at < To
	Limit    int       // ≤ 0 = all (SearchAudit only)
}

// callScopeSQL is the condition that an entry of audit_log l belongs to
// a call; each ? takes the call's id.
const callScopeSQL = `(
	(l.entity = 'call' AND l.entity_id = (SELECT slug FROM calls WHERE id = ?))
	OR (l.entity IN ('case', 'decision') AND l.entity_id IN (SELECT id FROM cases WHERE call_id = ?))
	OR (l.entity = 'assignment_rule' AND EXISTS (
		SELECT 1 FROM cases c WHERE c.call_id = ? AND l.entity_id LIKE (c.id || '/%')))
	OR (l.entity = 'panel' AND l.entity_id IN (SELECT CAST(id AS TEXT) FROM panel_members WHERE call_id = ?))
	OR (l.entity IN ('assignment', 'review') AND (
		l.entity_id IN (SELECT CAST(id AS TEXT) FROM assignments WHERE call_id = ?)
		OR EXISTS (SELECT 1 FROM cases c WHERE c.call_id = ? AND (l.reason = ('case ' || c.id)
			OR l.reason LIKE ('case ' || c.id || ' %') OR l.reason LIKE ('case ' || c.id || ':%')))))
)`

// auditWhere is the WHERE clause of f over audit_log l, with its
// arguments.
func (db *DB) auditWhere(f AuditFilter) (string, []any) {
	q := ` WHERE 1 = 1`
	var args []any
	add := func(cond string, v ...any) {
		q += ` AND ` + cond
		args = append(args, v...)
	}
	if f.CallID != 0 {
		id := f.CallID
		add(callScopeSQL, id, id, id, id, id, id)
	}
	if f.Entity != "" {
		add(`l.entity = ?`, f.Entity)
	}
	if f.EntityID != "" {
		add(`l.entity_id = ?`, f.EntityID)
	}
	if f.Action != "" {
		add(`l.action = ?`, f.Action)
	}
	if f.ActorID != 0 {
		add(`l.actor_id = ?`, f.ActorID)
	}
	if !f.From.IsZero() {
		add(`l.at >= ?`, db.ts(f.From))
	}
	if !f.To.IsZero() {
		add(`l.at < ?`, db.ts(f.To))
	}
	return q, args
}

// SearchAudit returns the audit entries matching f, newest first.
func (db *DB) SearchAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	where, args := db.auditWhere(f)
	q := `SELECT l.id, l.at, l.actor_id, l.entity, l.entity_id, l.action, l.from_state, l.to_state, l.reason
		FROM audit_log l` + where + ` ORDER BY l.at DESC, l.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search audit: %w", err)
	}
	return collect(rows, func(s rowScanner) (AuditEntry, error) {
		var e AuditEntry
		err := s.Scan(&e.ID, timeCol{&e.At}, &e.ActorID, &e.Entity, &e.EntityID, &e.Action, &e.From, &e.To, &e.Reason)
		return e, err
	}, "search audit")
}

// CountAudit counts the audit entries matching f, whatever its Limit, and
// returns the accounts that made them, sorted (the platform's own entries
// are counted but name no account).
func (db *DB) CountAudit(ctx context.Context, f AuditFilter) (total int, actors []int64, err error) {
	where, args := db.auditWhere(f)
	rows, err := db.query(ctx, `SELECT l.actor_id, count(*) FROM audit_log l`+where+` GROUP BY l.actor_id`, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("count audit: %w", err)
	}
	type group struct {
		actor *int64
		n     int
	}
	gs, err := collect(rows, func(s rowScanner) (group, error) {
		var g group
		err := s.Scan(&g.actor, &g.n)
		return g, err
	}, "count audit")
	if err != nil {
		return 0, nil, err
	}
	for _, g := range gs {
		total += g.n
		if g.actor != nil {
			actors = append(actors, *g.actor)
		}
	}
	slices.Sort(actors)
	return total, actors, nil
}

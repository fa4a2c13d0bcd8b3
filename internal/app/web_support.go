package app

import (
	"context"

	"github.com/dxatlas/dxatlas/internal/store"
)

// Outbox lists the newest limit messages of the outbox, newest first
// (administrators only), so that mail the demo's log transport "sent"
// stays readable.
func (a *App) Outbox(ctx context.Context, actor Actor, limit int) ([]store.OutboxMessage, error) {
	if actor == nil || actor.Role != store.RoleAdmin {
		return nil, forbidOrUnauth(actor)
	}
	return a.DB.ListOutbox(ctx, limit)
}

// OutboxMessage returns one message of the outbox (administrators only).
func (a *App) OutboxMessage(ctx context.Context, actor Actor, id int64) (store.OutboxMessage, error) {
	all, err := a.Outbox(ctx, actor, 0)
	if err != nil {
		return store.OutboxMessage{}, err
	}
	for _, m := range all {
		if m.ID == id {
			return m, nil
		}
	}
	return store.OutboxMessage{}, errNotFound
}

// Users lists every account (administrators only).
func (a *App) Users(ctx context.Context, actor Actor) ([]store.User, error) {
	if actor == nil || actor.Role != store.RoleAdmin {
		return nil, forbidOrUnauth(actor)
	}
	return a.DB.ListUsers(ctx, "")
}

// CaseCounts counts a call's cases by state (secretariat and admin).
func (a *App) CaseCounts(ctx context.Context, actor Actor, slug string) (map[string]int, error) {
	if !isStaff(actor) {
		return nil, forbidOrUnauth(actor)
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.DB.CountCasesByState(ctx, call.ID)
}

package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

// TestAuditCallFilter checks that filtering the audit log by call keeps
// exactly what belongs to the call, in the database: the call, its cases
// and decisions, pinned pairs, panel, assignments and reviews, and the
// entries of an assignment removed since, known by the case they name.
// The second call's case ids start with the first's, so that a prefix
// match would be caught.
func TestAuditCallFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := mkUser(t, db, "owner@audit-call.example")
		sec := mkUser(t, db, "sec@audit-call.example")
		rev := mkUser(t, db, "rev@audit-call.example")
		a, b := mkCall(t, db, "call-a"), mkCall(t, db, "call-b")
		ca := mkCase(t, db, "DX-2026-0001", a, owner)
		cb := mkCase(t, db, "DX-2026-00011", b, owner)
		member := func(call store.Call) string {
			m := store.PanelMember{CallID: call.ID, Email: "rev@audit-call.example", Name: "Rev", UserID: &rev.ID,
				State: "accepted", InvitedAt: t0}
			if err := db.CreatePanelMember(ctx, &m); err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(m.ID, 10)
		}
		pa, pb := member(a), member(b)
		as := []store.Assignment{{CallID: a.ID, CaseID: ca.ID, ReviewerID: rev.ID, Source: store.SourceAuto},
			{CallID: b.ID, CaseID: cb.ID, ReviewerID: rev.ID, Source: store.SourceAuto}}
		if err := db.AddAssignments(ctx, as); err != nil {
			t.Fatal(err)
		}
		xa, xb := strconv.FormatInt(as[0].ID, 10), strconv.FormatInt(as[1].ID, 10)

		// Each entry's Reason says which call it belongs to, if any.
		at := t0
		entry := func(actor *int64, entity, id, action, reason string) store.AuditEntry {
			at = at.Add(time.Minute)
			return store.AuditEntry{At: at, ActorID: actor, Entity: entity, EntityID: id, Action: action, Reason: reason}
		}
		es := []store.AuditEntry{
			entry(&sec.ID, "call", "call-a", "create", "A"),
			entry(&sec.ID, "call", "call-b", "create", "B"),
			entry(&owner.ID, "case", ca.ID, "submit", "A"),
			entry(&owner.ID, "case", cb.ID, "submit", "B"),
			entry(&sec.ID, "decision", ca.ID, "decide", "A"),
			entry(&sec.ID, "decision", cb.ID, "decide", "B"),
			entry(&sec.ID, "assignment_rule", ca.ID+"/"+strconv.FormatInt(rev.ID, 10), "pin", "A"),
			entry(&sec.ID, "assignment_rule", cb.ID+"/"+strconv.FormatInt(rev.ID, 10), "pin", "B"),
			entry(&sec.ID, "panel", pa, "invite", "A"),
			entry(&rev.ID, "panel", pb, "accept", "B"),
			entry(&sec.ID, "assignment", xa, "assign", "A"),
			entry(&sec.ID, "assignment", xb, "assign", "B"),
			entry(&rev.ID, "review", xa, "submit", "A"),
			entry(&rev.ID, "review", xb, "submit", "B"),
			entry(nil, "call", "call-a", "phase", "A"),
			entry(&rev.ID, "user", strconv.FormatInt(rev.ID, 10), "create", ""),
			entry(&sec.ID, "case", "DX-2026-0999", "submit", ""),
		}
		// Removed assignments, known only by the case their reason names.
		gone := []struct{ reason, call string }{
			{"case " + ca.ID + " reviewer 7 replaced by the assignment run", "A"},
			{"case " + ca.ID + " reviewer 7: a conflict came to light", "A"},
			{"case " + ca.ID, "A"},
			{"case " + cb.ID + " reviewer 7 replaced by the assignment run", "B"},
			{"case " + ca.ID + "9 reviewer 7", ""},
		}
		for i, g := range gone {
			e := entry(&sec.ID, "assignment", strconv.Itoa(90000+i), "unassign", g.reason)
			es = append(es, e)
		}
		if err := db.AddAudits(ctx, es); err != nil {
			t.Fatal(err)
		}
		callOf := func(e store.AuditEntry) string {
			if e.Action == "unassign" {
				for _, g := range gone {
					if g.reason == e.Reason {
						return g.call
					}
				}
			}
			return e.Reason
		}
		want := func(call string, keep func(store.AuditEntry) bool) []string {
			var out []string
			for _, e := range slices.Backward(es) {
				if callOf(e) == call && (keep == nil || keep(e)) {
					out = append(out, e.Entity+" "+e.EntityID+" "+e.Action+" "+e.Reason)
				}
			}
			return out
		}
		tests := []struct {
			name   string
			f      store.AuditFilter
			want   []string
			total  int
			actors []int64
		}{
			{"call A", store.AuditFilter{CallID: a.ID}, want("A", nil), 0, []int64{owner.ID, sec.ID, rev.ID}},
			{"call B", store.AuditFilter{CallID: b.ID}, want("B", nil), 0, []int64{owner.ID, sec.ID, rev.ID}},
			{"call A, assignments", store.AuditFilter{CallID: a.ID, Entity: "assignment"},
				want("A", func(e store.AuditEntry) bool { return e.Entity == "assignment" }), 0, []int64{sec.ID}},
			{"call A, by the reviewer", store.AuditFilter{CallID: a.ID, ActorID: rev.ID},
				want("A", func(e store.AuditEntry) bool { return e.ActorID != nil && *e.ActorID == rev.ID }), 0, []int64{rev.ID}},
			{"call B, a window", store.AuditFilter{CallID: b.ID, From: t0.Add(4 * time.Minute), To: t0.Add(12 * time.Minute)},
				want("B", func(e store.AuditEntry) bool {
					return !e.At.Before(t0.Add(4*time.Minute)) && e.At.Before(t0.Add(12*time.Minute))
				}), 0, []int64{owner.ID, sec.ID, rev.ID}},
			{"call A, newest three", store.AuditFilter{CallID: a.ID, Limit: 3}, want("A", nil)[:3], len(want("A", nil)),
				[]int64{owner.ID, sec.ID, rev.ID}},
			{"a call without entries", store.AuditFilter{CallID: mkCall(t, db, "call-c").ID}, nil, 0, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.SearchAudit(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var lines []string
				for _, e := range got {
					lines = append(lines, e.Entity+" "+e.EntityID+" "+e.Action+" "+e.Reason)
				}
				if !slices.Equal(lines, tc.want) {
					t.Errorf("SearchAudit =\n%q\nwant\n%q", lines, tc.want)
				}
				total, actors, err := db.CountAudit(ctx, tc.f)
				wantTotal := tc.total
				if wantTotal == 0 {
					wantTotal = len(tc.want)
				}
				wantActors := slices.Clone(tc.actors)
				slices.Sort(wantActors)
				if err != nil || total != wantTotal || !slices.Equal(actors, wantActors) {
					t.Errorf("CountAudit = %d %v, %v; want %d %v", total, actors, err, wantTotal, wantActors)
				}
			})
		}
		if n := len(want("A", nil)); n != 11 {
			t.Fatalf("the fixture has %d entries of call A, want 11", n)
		}
	})
}

// TestCountAuditSystem checks that the platform's own entries are counted
// but name no account.
func TestCountAuditSystem(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := mkUser(t, db, "u@audit-system.example")
		var es []store.AuditEntry
		for i := range 5 {
			var actor *int64
			if i%2 == 0 {
				actor = &u.ID
			}
			es = append(es, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Second), ActorID: actor, Entity: "call",
				EntityID: fmt.Sprintf("c%d", i), Action: "phase"})
		}
		if err := db.AddAudits(ctx, es); err != nil {
			t.Fatal(err)
		}
		total, actors, err := db.CountAudit(ctx, store.AuditFilter{Entity: "call"})
		if err != nil || total != 5 || !slices.Equal(actors, []int64{u.ID}) {
			t.Errorf("CountAudit = %d %v, %v; want 5 [%d]", total, actors, err, u.ID)
		}
	})
}

package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestCalls(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := store.Call{
			Slug:        "sme-2026",
			Title:       store.LocalText{"en": "SME digital transformation 2026", "ar": "التحول الرقمي", "zh": "中小企业数字化转型"},
			Description: store.LocalText{"fr": "Appel à cas"},
			Eligibility: []store.EligibilityItem{
				{Code: "sme", Text: store.LocalText{"en": "The transformation concerns SMEs"}},
				{Code: "ict", Text: store.LocalText{"en": "ICT is central"}},
			},
			OpensAt:          time.Date(2026, 1, 10, 8, 0, 0, 0, time.FixedZone("CET", 3600)),
			ClosesAt:         t0.Add(24 * time.Hour),
			Timezone:         "Europe/Zurich",
			Blind:            true,
			ReviewersPerCase: 3,
			Rubric:           json.RawMessage(`{"criteria":[{"code":"impact","weight":25}]}`),
		}
		if err := db.CreateCall(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if c.ID == 0 || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
			t.Fatalf("after CreateCall: %+v", c)
		}
		if c.OpensAt.Location() != time.UTC {
			t.Errorf("OpensAt not in UTC: %v", c.OpensAt)
		}

		equal := func(t *testing.T, got, want store.Call) {
			t.Helper()
			// jsonb may re-space the rubric; compare it as JSON.
			if !jsonEqual(t, got.Rubric, want.Rubric) {
				t.Errorf("Rubric = %s, want %s", got.Rubric, want.Rubric)
			}
			got.Rubric, want.Rubric = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("call = %+v\nwant %+v", got, want)
			}
		}

		t.Run("read back", func(t *testing.T) {
			bySlug, err := db.CallBySlug(ctx, "sme-2026")
			if err != nil {
				t.Fatal(err)
			}
			equal(t, bySlug, c)
			byID, err := db.CallByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, byID, c)
		})

		t.Run("not found and conflict", func(t *testing.T) {
			if _, err := db.CallBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CallBySlug = %v", err)
			}
			if _, err := db.CallByID(ctx, c.ID+99); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CallByID = %v", err)
			}
			if err := db.UpdateCall(ctx, store.Call{ID: c.ID + 99, Slug: "x"}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UpdateCall = %v", err)
			}
			dup := store.Call{Slug: "sme-2026", OpensAt: t0, ClosesAt: t0}
			if err := db.CreateCall(ctx, &dup); !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateCall duplicate slug = %v", err)
			}
		})

		t.Run("update", func(t *testing.T) {
			u := c
			u.Title = store.LocalText{"es": "Convocatoria"}
			u.Description = nil
			u.Eligibility = nil
			u.ClosesAt = t0.Add(48 * time.Hour)
			u.Blind = false
			u.ReviewersPerCase = 2
			u.Rubric = nil
			u.Phase = "reviewing"
			u.UpdatedAt = t0.Add(time.Minute)
			if err := db.UpdateCall(ctx, u); err != nil {
				t.Fatal(err)
			}
			got, err := db.CallByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, got, u)
		})

		t.Run("list by opening, latest first", func(t *testing.T) {
			later := store.Call{Slug: "later", OpensAt: c.OpensAt.Add(time.Hour), ClosesAt: t0}
			earlier := store.Call{Slug: "earlier", OpensAt: c.OpensAt.Add(-time.Hour), ClosesAt: t0}
			for _, x := range []*store.Call{&earlier, &later} {
				if err := db.CreateCall(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			calls, err := db.ListCalls(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, x := range calls {
				slugs = append(slugs, x.Slug)
			}
			if want := []string{"later", "sme-2026", "earlier"}; !reflect.DeepEqual(slugs, want) {
				t.Errorf("ListCalls = %v, want %v", slugs, want)
			}
		})
	})
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestAudit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := mkUser(t, db, "sec@example.org")
		entries := []store.AuditEntry{
			{At: t0, ActorID: &actor.ID, Entity: "case", EntityID: "DX-2026-0001", Action: "submit", From: "draft", To: "submitted"},
			{At: t0.Add(time.Minute), Entity: "case", EntityID: "DX-2026-0001", Action: "screen", From: "submitted", To: "returned", Reason: "add KPIs — أضف المؤشرات"},
			{At: t0.Add(2 * time.Minute), ActorID: &actor.ID, Entity: "case", EntityID: "DX-2026-0002", Action: "submit", From: "draft", To: "submitted"},
			{At: t0.Add(3 * time.Minute), ActorID: &actor.ID, Entity: "call", EntityID: "7", Action: "create"},
		}
		for _, e := range entries {
			if err := db.AddAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name, entity, id string
			limit            int
			want             []int // indexes into entries, newest first
		}{
			{"all", "", "", 0, []int{3, 2, 1, 0}},
			{"limit", "", "", 2, []int{3, 2}},
			{"entity", "case", "", 0, []int{2, 1, 0}},
			{"entity and id", "case", "DX-2026-0001", 0, []int{1, 0}},
			{"id only", "", "7", 0, []int{3}},
			{"none", "user", "", 0, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.ListAudit(ctx, tt.entity, tt.id, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("got %d entries, want %d", len(got), len(tt.want))
				}
				for i, w := range tt.want {
					g := got[i]
					if g.ID == 0 {
						t.Errorf("entry %d has no id", i)
					}
					g.ID = 0
					if !reflect.DeepEqual(g, entries[w]) {
						t.Errorf("entry %d = %+v, want %+v", i, g, entries[w])
					}
				}
			})
		}
	})
}

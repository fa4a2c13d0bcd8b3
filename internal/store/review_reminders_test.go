package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestReviewDeadline(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b, c := mkCall(t, db, "deadline-a"), mkCall(t, db, "deadline-b"), mkCall(t, db, "deadline-c")
		da := t0.Add(40 * 24 * time.Hour)
		db2 := da.Add(48 * time.Hour)
		for _, x := range []struct {
			call store.Call
			at   time.Time
		}{{a, da}, {b, db2}} {
			at := x.at
			if err := db.SetCallReviewSettings(ctx, x.call.ID, store.ReviewSettings{Visibility: "after_own", Deadline: &at}, t0); err != nil {
				t.Fatal(err)
			}
		}
		s, err := db.CallReviewSettings(ctx, a.ID)
		if err != nil || s.Deadline == nil || !s.Deadline.Equal(da) {
			t.Fatalf("settings of a = %+v, %v", s, err)
		}
		if s, _ := db.CallReviewSettings(ctx, c.ID); s.Deadline != nil {
			t.Errorf("a call without a deadline reads %v", s.Deadline)
		}
		ids := func(ds []store.ReviewDeadline) []int64 {
			var out []int64
			for _, d := range ds {
				out = append(out, d.CallID)
			}
			return out
		}
		tests := []struct {
			name         string
			after, until time.Time
			want         []int64
		}{
			{"both, soonest first", da.Add(-time.Hour), db2, []int64{a.ID, b.ID}},
			{"the window ends at a deadline", da.Add(-time.Hour), da, []int64{a.ID}},
			{"the window starts at a deadline", da, db2.Add(time.Hour), []int64{b.ID}},
			{"none", t0, da.Add(-time.Second), nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.ReviewDeadlinesBetween(ctx, tc.after, tc.until)
				if err != nil || !slices.Equal(ids(got), tc.want) {
					t.Errorf("ReviewDeadlinesBetween = %v, %v; want %v", ids(got), err, tc.want)
				}
			})
		}
		// Removing the deadline.
		if err := db.SetCallReviewSettings(ctx, b.ID, store.ReviewSettings{Visibility: "after_own"}, t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.ReviewDeadlinesBetween(ctx, t0, db2.Add(time.Hour)); !slices.Equal(ids(got), []int64{a.ID}) {
			t.Errorf("after removing b's deadline: %v", ids(got))
		}
	})
}

// TestReviewReminderOnce checks that a reminder is recorded once per
// reviewer and call, even when several transactions race to record it.
func TestReviewReminderOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call, other := mkCall(t, db, "remind"), mkCall(t, db, "remind-other")
		r1, r2 := mkUser(t, db, "r1@remind.example"), mkUser(t, db, "r2@remind.example")
		deadline := t0.Add(40 * 24 * time.Hour)
		const racers = 8
		var wg sync.WaitGroup
		fresh := make(chan bool, racers)
		for range racers {
			wg.Go(func() {
				err := db.Transact(ctx, func(tx *store.DB) error {
					ok, err := tx.AddReviewReminder(ctx, store.ReviewReminder{CallID: call.ID, ReviewerID: r1.ID, Deadline: deadline, SentAt: t0})
					if err == nil {
						fresh <- ok
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		close(fresh)
		n := 0
		for ok := range fresh {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d of %d racing transactions recorded the reminder, want 1", n, racers)
		}
		// Another reviewer, and the same reviewer in another call, are new.
		for _, r := range []store.ReviewReminder{{CallID: call.ID, ReviewerID: r2.ID}, {CallID: other.ID, ReviewerID: r1.ID}} {
			r.Deadline, r.SentAt = deadline, t0.Add(time.Minute)
			var ok bool
			err := db.Transact(ctx, func(tx *store.DB) (err error) {
				ok, err = tx.AddReviewReminder(ctx, r)
				return err
			})
			if err != nil || !ok {
				t.Errorf("AddReviewReminder(%+v) = %v, %v; want a new record", r, ok, err)
			}
		}
		got, err := db.ReviewReminders(ctx, call.ID)
		want := []store.ReviewReminder{
			{CallID: call.ID, ReviewerID: r1.ID, Deadline: deadline, SentAt: t0},
			{CallID: call.ID, ReviewerID: r2.ID, Deadline: deadline, SentAt: t0.Add(time.Minute)},
		}
		if err != nil || len(got) != len(want) {
			t.Fatalf("ReviewReminders = %+v, %v", got, err)
		}
		for i := range want {
			if got[i].CallID != want[i].CallID || got[i].ReviewerID != want[i].ReviewerID ||
				!got[i].Deadline.Equal(want[i].Deadline) || !got[i].SentAt.Equal(want[i].SentAt) {
				t.Errorf("reminder %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

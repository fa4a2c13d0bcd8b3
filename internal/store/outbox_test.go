package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestOutboxEnqueueIsIdempotent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := store.OutboxMessage{Key: "receipt/DX-2026-0001/1", To: "a@example.org", Subject: "Reçu", Text: "Merci", HTML: "<p>Merci</p>", CreatedAt: t0}
		if err := db.EnqueueMail(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if m.ID == 0 || !m.NextAttemptAt.Equal(t0) {
			t.Fatalf("after EnqueueMail: %+v", m)
		}
		again := store.OutboxMessage{Key: m.Key, To: "other@example.org", Subject: "changed"}
		if err := db.EnqueueMail(ctx, &again); err != nil {
			t.Fatalf("second EnqueueMail = %v, want nil", err)
		}
		if again.ID != m.ID {
			t.Errorf("second EnqueueMail ID = %d, want the first message's %d", again.ID, m.ID)
		}
		// Inside a transaction too (the outbox is written with the change).
		err := db.Transact(ctx, func(tx *store.DB) error {
			dup := store.OutboxMessage{Key: m.Key, To: "x@example.org", Subject: "x"}
			return tx.EnqueueMail(ctx, &dup)
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.ListOutbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].Subject != "Reçu" || all[0].To != "a@example.org" {
			t.Errorf("outbox = %+v", all)
		}
		if err := db.EnqueueMail(ctx, &store.OutboxMessage{To: "a@example.org"}); err == nil {
			t.Error("EnqueueMail without a key succeeded")
		}
	})
}

func TestOutboxLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		msgs := []*store.OutboxMessage{
			{Key: "k1", To: "a@example.org", Subject: "one", CreatedAt: t0},
			{Key: "k2", To: "b@example.org", Subject: "two", CreatedAt: t0.Add(time.Second)},
			{Key: "k3", To: "a@example.org", Subject: "later", CreatedAt: t0, NextAttemptAt: t0.Add(time.Hour)},
		}
		for _, m := range msgs {
			if err := db.EnqueueMail(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		lease := 5 * time.Minute
		now := t0.Add(time.Minute)

		claimed, err := db.ClaimOutbox(ctx, now, 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		if len(claimed) != 2 || claimed[0].Key != "k1" || claimed[1].Key != "k2" {
			t.Fatalf("first claim = %+v, want k1, k2", claimed)
		}
		for _, m := range claimed {
			if m.Attempts != 1 {
				t.Errorf("%s attempts = %d, want 1", m.Key, m.Attempts)
			}
		}
		// Leased: nobody else gets them until the lease ends.
		if again, err := db.ClaimOutbox(ctx, now.Add(lease-time.Millisecond), 10, lease); err != nil || len(again) != 0 {
			t.Errorf("claim during lease = %+v, %v", again, err)
		}

		sentAt := now.Add(time.Second)
		if err := db.MarkOutboxSent(ctx, msgs[0].ID, sentAt); err != nil {
			t.Fatal(err)
		}
		retryAt := now.Add(10 * time.Minute)
		if err := db.MarkOutboxFailed(ctx, msgs[1].ID, "421 try later", retryAt, false); err != nil {
			t.Fatal(err)
		}
		// Failed, with the lease released: due again at retryAt, not before.
		if got, err := db.ClaimOutbox(ctx, retryAt.Add(-time.Second), 10, lease); err != nil || len(got) != 0 {
			t.Errorf("claim before retry time = %+v, %v", got, err)
		}
		got, err := db.ClaimOutbox(ctx, retryAt.Add(time.Hour), 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Key != "k2" || got[0].Attempts != 2 || got[0].LastError != "421 try later" || got[1].Key != "k3" {
			t.Fatalf("claim after retry time = %+v", got)
		}
		if err := db.MarkOutboxFailed(ctx, msgs[1].ID, "550 no such user", retryAt, true); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkOutboxFailed(ctx, msgs[2].ID, "timeout", retryAt, false); err != nil {
			t.Fatal(err)
		}
		// The permanent failure is never claimed again; k3 is.
		got, err = db.ClaimOutbox(ctx, retryAt.Add(24*time.Hour), 10, lease)
		if err != nil || len(got) != 1 || got[0].Key != "k3" {
			t.Errorf("claim after permanent failure = %+v, %v", got, err)
		}

		for _, id := range []int64{msgs[2].ID + 100} {
			if err := db.MarkOutboxSent(ctx, id, now); err == nil {
				t.Error("MarkOutboxSent of an unknown message succeeded")
			}
			if err := db.MarkOutboxFailed(ctx, id, "x", now, false); err == nil {
				t.Error("MarkOutboxFailed of an unknown message succeeded")
			}
		}

		t.Run("lists", func(t *testing.T) {
			list, err := db.ListOutbox(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 || list[0].Key != "k3" || list[1].Key != "k2" {
				t.Errorf("ListOutbox(2) = %+v, want k3, k2", list)
			}
			if !list[1].Failed || list[1].LastError != "550 no such user" {
				t.Errorf("k2 = %+v, want failed for good", list[1])
			}
			forA, err := db.OutboxFor(ctx, "a@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if len(forA) != 2 || forA[0].Key != "k1" || forA[1].Key != "k3" {
				t.Fatalf("OutboxFor = %+v", forA)
			}
			if forA[0].SentAt == nil || !forA[0].SentAt.Equal(sentAt) || forA[0].Failed {
				t.Errorf("k1 = %+v, want sent at %v", forA[0], sentAt)
			}
			if none, err := db.OutboxFor(ctx, "nobody@example.org"); err != nil || len(none) != 0 {
				t.Errorf("OutboxFor(nobody) = %+v, %v", none, err)
			}
		})
	})
}

// TestOutboxClaimConcurrent claims from several goroutines at once: no
// message is handed to two of them, and every message is handed out.
func TestOutboxClaimConcurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const total = 300
		for i := range total {
			m := store.OutboxMessage{Key: fmt.Sprint("k", i), To: "x@example.org", Subject: "s", CreatedAt: t0}
			if err := db.EnqueueMail(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		const workers = 4
		var (
			mu     sync.Mutex
			owner  = map[int64]int{}
			double []int64
			wg     sync.WaitGroup
		)
		errs := make(chan error, workers)
		for w := range workers {
			wg.Go(func() {
				for {
					// The lease outlasts the test, so nothing is claimed twice legitimately.
					msgs, err := db.ClaimOutbox(ctx, t0.Add(time.Minute), 7, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if len(msgs) == 0 {
						return
					}
					mu.Lock()
					for _, m := range msgs {
						if _, ok := owner[m.ID]; ok {
							double = append(double, m.ID)
						}
						owner[m.ID] = w
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(double) > 0 {
			t.Errorf("messages claimed twice: %v", double)
		}
		if len(owner) != total {
			t.Errorf("%d messages claimed, want %d", len(owner), total)
		}
	})
}

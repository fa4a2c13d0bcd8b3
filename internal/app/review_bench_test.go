package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// seedRanking writes, straight to the store, a call in review with n
// cases, each reviewed (submitted) by k of m reviewers, and half of them
// decided. It returns the app, a secretariat account and the call's slug.
func seedRanking(tb testing.TB, db *store.DB, n, k, m int) (*app.App, store.User, string) {
	tb.Helper()
	ctx := context.Background()
	cat, err := i18n.New()
	if err != nil {
		tb.Fatal(err)
	}
	now := closes.AddDate(0, 1, 0)
	a := app.New(db, cat, app.Options{Now: func() time.Time { return now }})
	sec := store.User{Email: "sec@rank.example", Name: "Sec", Role: store.RoleSecretariat, VerifiedAt: &now, CreatedAt: now}
	call := store.Call{Slug: "rank", Title: store.LocalText{"en": "Ranking"}, OpensAt: opens, ClosesAt: closes, Timezone: "UTC",
		ReviewersPerCase: k, Phase: domain.PhaseReviewing}
	rng := rand.New(rand.NewPCG(1, 2))
	err = db.Transact(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, &sec); err != nil {
			return err
		}
		if err := tx.CreateCall(ctx, &call); err != nil {
			return err
		}
		owner := store.User{Email: "owner@rank.example", Name: "Owner", Role: store.RoleApplicant, CreatedAt: now}
		if err := tx.CreateUser(ctx, &owner); err != nil {
			return err
		}
		revs := make([]store.User, m)
		for i := range revs {
			revs[i] = store.User{Email: fmt.Sprintf("r%d@rank.example", i), Name: fmt.Sprintf("R%d", i), Role: store.RoleReviewer, CreatedAt: now}
			if err := tx.CreateUser(ctx, &revs[i]); err != nil {
				return err
			}
		}
		codes := domain.DefaultRubric().Codes()
		for i := range n {
			c := store.Case{ID: domain.FormatCaseID(2026, i+1), CallID: call.ID, OwnerID: owner.ID, State: domain.StateUnderReview,
				Doc: []byte(`{"title":"t"}`), Title: fmt.Sprintf("Case %d", i+1), Version: 1, CreatedAt: now}
			if err := tx.CreateCase(ctx, &c, nil); err != nil {
				return err
			}
			as := make([]store.Assignment, k)
			for j := range as {
				as[j] = store.Assignment{CallID: call.ID, CaseID: c.ID, ReviewerID: revs[(i*k+j)%m].ID, Source: store.SourceAuto, CreatedAt: now}
			}
			if err := tx.AddAssignments(ctx, as); err != nil {
				return err
			}
			for _, x := range as {
				scores := map[string]int{}
				for _, code := range codes {
					scores[code] = 1 + rng.IntN(5)
				}
				if err := tx.SaveReview(ctx, store.Review{AssignmentID: x.ID, State: domain.ReviewSubmitted, Scores: scores,
					Recommendation: domain.RecAccept, Confidence: 2, UpdatedAt: now, SubmittedAt: &now}); err != nil {
					return err
				}
			}
			if i%2 == 0 {
				if err := tx.SaveDecision(ctx, store.Decision{CaseID: c.ID, CallID: call.ID, Decision: domain.DecisionAccepted, DecidedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return a, sec, call.Slug
}

// TestRankingQueryCount: the ranking's number of SQL queries is a small
// constant, the same for 10 cases as for 200: no query per case.
func TestRankingQueryCount(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		var counts []int64
		for i, n := range []int{10, 200} {
			slugDB := db
			if i > 0 {
				// A fresh database of the same kind for the larger call.
				if db.Dialect() == store.DialectSQLite {
					slugDB = storetest.OpenSQLite(t)
				} else {
					slugDB = storetest.OpenPostgres(t)
				}
			}
			a, sec, slug := seedRanking(t, slugDB, n, 3, 7)
			ctx, counter := store.WithQueryCounter(context.Background())
			rows, err := a.Ranking(ctx, &sec, slug)
			if err != nil || len(rows) != n {
				t.Fatalf("ranking of %d cases: %d rows, %v", n, len(rows), err)
			}
			for _, r := range rows {
				if r.Reviews != 3 || r.Mean == nil || r.Calibrated == nil {
					t.Fatalf("row %+v", r)
				}
			}
			counts = append(counts, counter.Count())
		}
		// The call, the cases (a count and a page), the scores, the
		// assignment counts and the decisions.
		if counts[0] != counts[1] || counts[0] > 6 {
			t.Errorf("queries for 10 and 200 cases: %v, want the same small constant (≤ 6)", counts)
		}
	})
}

// BenchmarkRanking ranks a call of 5,000 cases with 15,000 submitted
// reviews by 300 reviewers (target: 200 ms or less per ranking).
func BenchmarkRanking(b *testing.B) {
	for _, dbName := range []string{store.DialectSQLite, store.DialectPostgres} {
		b.Run(dbName, func(b *testing.B) {
			var db *store.DB
			if dbName == store.DialectSQLite {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			a, sec, slug := seedRanking(b, db, 5000, 3, 300)
			ctx := context.Background()
			for b.Loop() {
				rows, err := a.Ranking(ctx, &sec, slug)
				if err != nil || len(rows) != 5000 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
}

package app_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// BenchmarkSaveDraft measures the deadline rush at the operation level:
// 200 applicants (GOMAXPROCS×100 goroutines on a 2-core machine) saving
// drafts of their own cases at once. The HTTP-level load run is
// `dxatlas bench rush` (docs/benchmarks.md).
func BenchmarkSaveDraft(b *testing.B) {
	for _, dbName := range []string{"sqlite", "postgres"} {
		b.Run(dbName, func(b *testing.B) {
			var db *store.DB
			if dbName == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			benchSaveDraft(b, db)
		})
	}
}

func benchSaveDraft(b *testing.B, db *store.DB) {
	ctx := context.Background()
	cat, err := i18n.New()
	if err != nil {
		b.Fatal(err)
	}
	a := app.New(db, cat, app.Options{Now: func() time.Time { return t0 }})
	sec, err := a.AddUser(ctx, nil, "sec@bench.example", "Sec", store.RoleSecretariat, "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	slug := "rush"
	if _, err := a.CreateCall(ctx, &sec, app.CallInput{Slug: &slug, Title: store.LocalText{"en": "Rush"},
		OpensAt: ptr(opens), ClosesAt: ptr(closes), Timezone: ptr("UTC"), ReviewersPerCase: ptr(3)}); err != nil {
		b.Fatal(err)
	}
	// Accounts are written directly: hashing 200 passwords would dominate.
	const clients = 200
	type seat struct {
		u  store.User
		id string
	}
	seats := make([]seat, clients)
	now := t0
	for i := range seats {
		u := store.User{Email: fmt.Sprintf("a%d@bench.example", i), Name: "A", Role: store.RoleApplicant, VerifiedAt: &now, CreatedAt: now}
		if err := db.CreateUser(ctx, &u); err != nil {
			b.Fatal(err)
		}
		v, err := a.CreateCase(ctx, &u, slug, domain.Case{})
		if err != nil {
			b.Fatal(err)
		}
		seats[i] = seat{u, v.ID}
	}
	doc := domain.Case{Language: "en", Title: "A case typed under pressure", Summary: "Words words words.",
		Countries: []string{"KE", "UG"}, Technologies: []string{"cloud", "payments"}, WSIS: domain.WSIS{Primary: "C7"}}
	var next atomic.Int64
	b.SetParallelism(clients / 2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := seats[int(next.Add(1)-1)%clients]
		d := doc
		n := 0
		for pb.Next() {
			n++
			d.Summary = fmt.Sprintf("Save number %d.", n)
			if _, err := a.SaveDraft(ctx, &s.u, s.id, d); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}

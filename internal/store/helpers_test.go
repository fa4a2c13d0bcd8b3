package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// eachDB runs fn on SQLite and on PostgreSQL (see storetest).
func eachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.EachDB(t, fn)
}

// t0 is a fixed instant, so tests do not depend on the clock.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

func mkUser(t testing.TB, db *store.DB, email string) store.User {
	t.Helper()
	u := store.User{Email: email, Name: "User " + email, Role: store.RoleApplicant, Language: "en"}
	if err := db.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func mkCall(t testing.TB, db *store.DB, slug string) store.Call {
	t.Helper()
	c := store.Call{
		Slug:             slug,
		Title:            store.LocalText{"en": "Call " + slug},
		OpensAt:          t0,
		ClosesAt:         t0.Add(30 * 24 * time.Hour),
		Timezone:         "Europe/Zurich",
		ReviewersPerCase: 3,
	}
	if err := db.CreateCall(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func mkCase(t testing.TB, db *store.DB, id string, call store.Call, owner store.User, tags ...store.Tag) store.Case {
	t.Helper()
	c := store.Case{
		ID:       id,
		CallID:   call.ID,
		OwnerID:  owner.ID,
		State:    "draft",
		Doc:      []byte(fmt.Sprintf(`{"title":"Case %s"}`, id)),
		Title:    "Case " + id,
		Language: "en",
	}
	if err := db.CreateCase(context.Background(), &c, tags); err != nil {
		t.Fatal(err)
	}
	return c
}

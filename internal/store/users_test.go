package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		verified := t0.Add(time.Hour)
		u := store.User{
			Email: "  Amina.Diallo@Example.ORG ", Name: "Amina Diallo", Role: store.RoleApplicant,
			PasswordHash: "$argon2id$v=19$…", VerifiedAt: &verified, Language: "fr",
			OrgName: "Coop Numérique", OrgType: "sme", OrgCountry: "SN", CreatedAt: t0,
		}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.Email != "amina.diallo@example.org" {
			t.Fatalf("after CreateUser: ID %d, Email %q", u.ID, u.Email)
		}

		t.Run("by id and by e-mail in any case", func(t *testing.T) {
			byID, err := db.UserByID(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(byID, u) {
				t.Errorf("UserByID = %+v\nwant %+v", byID, u)
			}
			byEmail, err := db.UserByEmail(ctx, "AMINA.DIALLO@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if byEmail.ID != u.ID {
				t.Errorf("UserByEmail ID = %d, want %d", byEmail.ID, u.ID)
			}
		})

		t.Run("not found", func(t *testing.T) {
			if _, err := db.UserByID(ctx, u.ID+100); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByID = %v, want ErrNotFound", err)
			}
			if _, err := db.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByEmail = %v, want ErrNotFound", err)
			}
			if err := db.UpdateUser(ctx, store.User{ID: u.ID + 100, Email: "x@example.org"}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UpdateUser = %v, want ErrNotFound", err)
			}
		})

		t.Run("duplicate e-mail is a conflict", func(t *testing.T) {
			dup := store.User{Email: "AMINA.diallo@example.org", Role: store.RoleReviewer}
			if err := db.CreateUser(ctx, &dup); !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateUser = %v, want ErrConflict", err)
			}
			other := mkUser(t, db, "other@example.org")
			other.Email = "Amina.Diallo@example.org"
			if err := db.UpdateUser(ctx, other); !errors.Is(err, store.ErrConflict) {
				t.Errorf("UpdateUser = %v, want ErrConflict", err)
			}
		})

		t.Run("update writes every mutable field", func(t *testing.T) {
			changed := u
			changed.Email = "Amina@Example.org"
			changed.Name = "Amina D."
			changed.Role = store.RoleReviewer
			changed.PasswordHash = "new-hash"
			changed.VerifiedAt = nil
			changed.Language = "ar"
			changed.OrgName, changed.OrgType, changed.OrgCountry = "Other Org", "ngo", "MA"
			if err := db.UpdateUser(ctx, changed); err != nil {
				t.Fatal(err)
			}
			got, err := db.UserByID(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			changed.Email = "amina@example.org"
			if !reflect.DeepEqual(got, changed) {
				t.Errorf("after UpdateUser = %+v\nwant %+v", got, changed)
			}
		})

		t.Run("list and count", func(t *testing.T) {
			admin := store.User{Email: "admin@example.org", Role: store.RoleAdmin}
			if err := db.CreateUser(ctx, &admin); err != nil {
				t.Fatal(err)
			}
			n, err := db.CountUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.ListUsers(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || len(all) != 3 {
				t.Errorf("CountUsers = %d, len(ListUsers) = %d, want 3", n, len(all))
			}
			admins, err := db.ListUsers(ctx, store.RoleAdmin)
			if err != nil {
				t.Fatal(err)
			}
			if len(admins) != 1 || admins[0].ID != admin.ID {
				t.Errorf("ListUsers(admin) = %+v", admins)
			}
			none, err := db.ListUsers(ctx, store.RoleSecretariat)
			if err != nil || len(none) != 0 {
				t.Errorf("ListUsers(secretariat) = %v, %v", none, err)
			}
		})
	})
}

func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := mkUser(t, db, "s@example.org")
		v := mkUser(t, db, "v@example.org")
		sessions := []store.Session{
			{ID: "a", UserID: u.ID, CSRF: "csrf-a", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)},
			{ID: "b", UserID: u.ID, CSRF: "csrf-b", CreatedAt: t0, ExpiresAt: t0.Add(2 * time.Hour)},
			{ID: "c", UserID: v.ID, CSRF: "csrf-c", CreatedAt: t0, ExpiresAt: t0.Add(3 * time.Hour)},
		}
		for _, s := range sessions {
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateSession(ctx, sessions[0]); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate CreateSession = %v, want ErrConflict", err)
		}

		tests := []struct {
			name string
			id   string
			at   time.Time
			ok   bool
		}{
			{"valid", "a", t0.Add(59 * time.Minute), true},
			{"at expiry", "a", t0.Add(time.Hour), false},
			{"after expiry", "a", t0.Add(2 * time.Hour), false},
			{"unknown", "zzz", t0, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.SessionByID(ctx, tt.id, tt.at)
				if !tt.ok {
					if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("SessionByID = %+v, %v; want ErrNotFound", got, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, sessions[0]) {
					t.Errorf("SessionByID = %+v, want %+v", got, sessions[0])
				}
			})
		}

		n, err := db.DeleteExpiredSessions(ctx, t0.Add(90*time.Minute))
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if err := db.DeleteSession(ctx, "c"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, "c"); err != nil {
			t.Errorf("deleting a deleted session: %v", err)
		}
		if _, err := db.SessionByID(ctx, "c", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted session: %v", err)
		}
		if err := db.CreateSession(ctx, store.Session{ID: "d", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"b", "d"} {
			if _, err := db.SessionByID(ctx, id, t0); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("session %s after DeleteUserSessions: %v", id, err)
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := mkUser(t, db, "tok@example.org")
		v := mkUser(t, db, "other@example.org")
		a := store.APIToken{UserID: u.ID, Name: "laptop", Hash: "h1", CreatedAt: t0}
		b := store.APIToken{UserID: u.ID, Name: "ci", Hash: "h2"}
		for _, tok := range []*store.APIToken{&a, &b} {
			if err := db.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		dup := store.APIToken{UserID: v.ID, Hash: "h1"}
		if err := db.CreateAPIToken(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate hash: %v, want ErrConflict", err)
		}
		got, err := db.APITokenByHash(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("APITokenByHash = %+v, want %+v", got, a)
		}
		if _, err := db.APITokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown hash: %v", err)
		}
		list, err := db.ListAPITokens(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
			t.Errorf("ListAPITokens = %+v", list)
		}
		// Someone else's token cannot be deleted.
		if err := db.DeleteAPIToken(ctx, v.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteAPIToken by another user = %v, want ErrNotFound", err)
		}
		if err := db.DeleteAPIToken(ctx, u.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAPIToken(ctx, u.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteAPIToken = %v, want ErrNotFound", err)
		}
		if _, err := db.APITokenByHash(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted token: %v", err)
		}
	})
}

func TestEmailTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := mkUser(t, db, "mail@example.org")
		tokens := []store.EmailToken{
			{Hash: "verify-1", Purpose: "verify", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)},
			{Hash: "reset-1", Purpose: "reset", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)},
		}
		for _, tok := range tokens {
			if err := db.CreateEmailToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateEmailToken(ctx, tokens[0]); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate: %v, want ErrConflict", err)
		}
		tests := []struct {
			name, purpose, hash string
			at                  time.Time
			ok                  bool
		}{
			{"wrong purpose", "reset", "verify-1", t0, false},
			{"expired", "verify", "verify-1", t0.Add(time.Hour), false},
			{"unknown", "verify", "nope", t0, false},
			{"first use", "verify", "verify-1", t0, true},
			{"second use", "verify", "verify-1", t0, false},
			{"other token still works", "reset", "reset-1", t0.Add(time.Minute), true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id, err := db.UseEmailToken(ctx, tt.purpose, tt.hash, tt.at)
				if !tt.ok {
					if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("UseEmailToken = %d, %v; want ErrNotFound", id, err)
					}
					return
				}
				if err != nil || id != u.ID {
					t.Errorf("UseEmailToken = %d, %v; want %d", id, err, u.ID)
				}
			})
		}
	})
}

func TestEmailTokenSingleUseUnderConcurrency(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := mkUser(t, db, "race@example.org")
		if err := db.CreateEmailToken(ctx, store.EmailToken{Hash: "h", Purpose: "reset", UserID: u.ID, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		const n = 10
		results := make(chan error, n)
		for range n {
			go func() {
				_, err := db.UseEmailToken(ctx, "reset", "h", t0)
				results <- err
			}()
		}
		ok := 0
		for range n {
			err := <-results
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("UseEmailToken: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d uses succeeded, want exactly 1", ok)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 5 {
			if err := db.RecordLoginFailure(ctx, "a@example.org", t0.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.RecordLoginFailure(ctx, "b@example.org", t0); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			key   string
			since time.Time
			want  int
		}{
			{"a@example.org", t0, 5},
			{"a@example.org", t0.Add(2 * time.Minute), 3}, // since is inclusive
			{"a@example.org", t0.Add(time.Hour), 0},
			{"b@example.org", t0, 1},
			{"c@example.org", t0, 0},
		}
		for _, tt := range tests {
			n, err := db.CountLoginFailures(ctx, tt.key, tt.since)
			if err != nil || n != tt.want {
				t.Errorf("CountLoginFailures(%s, %v) = %d, %v; want %d", tt.key, tt.since, n, err, tt.want)
			}
		}
		if err := db.ClearLoginFailures(ctx, "a@example.org"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountLoginFailures(ctx, "a@example.org", t0); err != nil || n != 0 {
			t.Errorf("after clear: %d, %v", n, err)
		}
		if n, err := db.CountLoginFailures(ctx, "b@example.org", t0); err != nil || n != 1 {
			t.Errorf("clear touched another key: %d, %v", n, err)
		}
		if n, err := db.DeleteLoginFailuresBefore(ctx, t0.Add(time.Second)); err != nil || n != 1 {
			t.Errorf("DeleteLoginFailuresBefore = %d, %v; want 1", n, err)
		}
	})
}

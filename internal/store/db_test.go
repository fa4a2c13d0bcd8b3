package store_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestOpenRejectsUnknownScheme(t *testing.T) {
	for _, u := range []string{"mysql://root@localhost/x", "sqlite3:x.db", "foo"} {
		t.Run(u, func(t *testing.T) {
			db, err := store.Open(context.Background(), u, t.TempDir())
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded", u)
			}
		})
	}
}

func TestOpenSQLite(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Dialect() != store.DialectSQLite {
		t.Errorf("Dialect() = %q", db.Dialect())
	}
	if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err != nil {
		t.Errorf("database file: %v", err)
	}
	pragmas := []struct {
		name string
		want string
	}{
		{"journal_mode", "wal"},
		{"busy_timeout", "10000"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
	}
	for _, p := range pragmas {
		t.Run(p.name, func(t *testing.T) {
			var got string
			if err := db.SQL().QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != p.want {
				t.Errorf("PRAGMA %s = %q, want %q", p.name, got, p.want)
			}
		})
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, db *store.DB) {
		current, err := db.MigrationsCurrent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !current {
			t.Error("MigrationsCurrent = false after Migrate")
		}
		// Migrating again is a no-op.
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	eachDB(t, func(t *testing.T, db *store.DB) { check(t, db) })

	t.Run("fresh database is not current", func(t *testing.T) {
		db, err := store.Open(ctx, "", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		current, err := db.MigrationsCurrent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if current {
			t.Error("MigrationsCurrent = true before Migrate")
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check(t, db)
	})
}

func TestTransact(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")

		t.Run("commit", func(t *testing.T) {
			err := db.Transact(ctx, func(tx *store.DB) error {
				if !tx.InTx() {
					t.Error("InTx() = false inside Transact")
				}
				u := store.User{Email: "commit@example.org", Role: store.RoleApplicant}
				return tx.CreateUser(ctx, &u)
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.UserByEmail(ctx, "commit@example.org"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("rollback on error", func(t *testing.T) {
			err := db.Transact(ctx, func(tx *store.DB) error {
				u := store.User{Email: "half@example.org", Role: store.RoleApplicant}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
				if err := tx.CreateSession(ctx, store.Session{ID: "s-half", UserID: u.ID, ExpiresAt: t0}); err != nil {
					return err
				}
				// Visible inside the transaction…
				if _, err := tx.UserByEmail(ctx, "half@example.org"); err != nil {
					t.Errorf("inside transaction: %v", err)
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Transact = %v, want boom", err)
			}
			// …and gone after it.
			if _, err := db.UserByEmail(ctx, "half@example.org"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("after rollback: UserByEmail = %v, want ErrNotFound", err)
			}
			if _, err := db.SessionByID(ctx, "s-half", t0.Add(-1)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("after rollback: SessionByID = %v, want ErrNotFound", err)
			}
		})

		t.Run("rollback on panic", func(t *testing.T) {
			func() {
				defer func() {
					if p := recover(); p != "panic in fn" {
						t.Errorf("recovered %v, want the panic re-raised", p)
					}
				}()
				_ = db.Transact(ctx, func(tx *store.DB) error {
					u := store.User{Email: "panic@example.org", Role: store.RoleApplicant}
					if err := tx.CreateUser(ctx, &u); err != nil {
						return err
					}
					panic("panic in fn")
				})
			}()
			if _, err := db.UserByEmail(ctx, "panic@example.org"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("after panic: UserByEmail = %v, want ErrNotFound", err)
			}
			// The database is still usable (the connection went back).
			if _, err := db.CountUsers(ctx); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("nested runs in the outer transaction", func(t *testing.T) {
			err := db.Transact(ctx, func(tx *store.DB) error {
				err := tx.Transact(ctx, func(inner *store.DB) error {
					u := store.User{Email: "nested@example.org", Role: store.RoleApplicant}
					return inner.CreateUser(ctx, &u)
				})
				if err != nil {
					return err
				}
				return boom // the outer rollback undoes the inner work
			})
			if !errors.Is(err, boom) {
				t.Fatalf("Transact = %v, want boom", err)
			}
			if _, err := db.UserByEmail(ctx, "nested@example.org"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByEmail = %v, want ErrNotFound", err)
			}
		})
	})
}

func TestRawSQL(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mkUser(t, db, "raw@example.org")
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE email = ? AND role = ?`, "raw@example.org", store.RoleApplicant).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("count = %d, want 1", n)
		}
		_, err := db.Exec(ctx, `INSERT INTO users (email, role, created_at) SELECT email, role, created_at FROM users WHERE email = ?`, "raw@example.org")
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate insert: %v, want ErrConflict", err)
		}
		rows, err := db.Query(ctx, `SELECT email FROM users WHERE id > ?`, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var emails []string
		for rows.Next() {
			var e string
			if err := rows.Scan(&e); err != nil {
				t.Fatal(err)
			}
			emails = append(emails, e)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(emails) != 1 || emails[0] != "raw@example.org" {
			t.Errorf("emails = %v", emails)
		}
	})
}

// TestQueryPrepared checks that a kept statement reads what Query reads,
// concurrently, past the cache's bound, and inside a transaction (where
// it must see the transaction's own writes).
func TestQueryPrepared(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mkUser(t, db, "a@example.org")
		mkUser(t, db, "b@example.org")
		emails := func(db *store.DB, query string, args ...any) []string {
			t.Helper()
			rows, err := db.QueryPrepared(ctx, query, args...)
			if err != nil {
				t.Error(err)
				return nil
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var e string
				if err := rows.Scan(&e); err != nil {
					t.Error(err)
				}
				out = append(out, e)
			}
			if err := rows.Err(); err != nil {
				t.Error(err)
			}
			return out
		}
		const q = `SELECT email FROM users WHERE email IN (?, ?) ORDER BY email`
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 20 {
					if got := emails(db, q, "b@example.org", "a@example.org"); strings.Join(got, " ") != "a@example.org b@example.org" {
						t.Errorf("prepared read: %v", got)
						return
					}
				}
			})
		}
		wg.Wait()
		for i := range 80 { // more texts than the cache keeps
			if got := emails(db, `SELECT email FROM users WHERE email = ? AND `+strconv.Itoa(i)+` >= 0`, "a@example.org"); len(got) != 1 {
				t.Errorf("text %d: %v", i, got)
			}
		}
		err := db.Transact(ctx, func(tx *store.DB) error {
			if _, err := tx.Exec(ctx, `UPDATE users SET email = ? WHERE email = ?`, "c@example.org", "b@example.org"); err != nil {
				return err
			}
			if got := emails(tx, q, "c@example.org", "a@example.org"); strings.Join(got, " ") != "a@example.org c@example.org" {
				t.Errorf("inside the transaction: %v", got)
			}
			return errors.New("roll back")
		})
		if err == nil {
			t.Fatal("the transaction committed")
		}
		if got := emails(db, q, "b@example.org", "c@example.org"); strings.Join(got, " ") != "b@example.org" {
			t.Errorf("after the rollback: %v", got)
		}
	})
}

func TestBackup(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "backup")
		owner := mkUser(t, db, "backup@example.org")
		mkCase(t, db, "DX-2026-0001", call, owner, store.Tag{Facet: "country", Value: "KE"})

		out := filepath.Join(t.TempDir(), "backup.db")
		if db.Dialect() == store.DialectPostgres {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				t.Skip("pg_dump not on PATH")
			}
		}
		if err := db.Backup(ctx, out); err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(ctx, out); err == nil {
			t.Error("second Backup to the same path succeeded; it must not overwrite")
		}

		if db.Dialect() == store.DialectPostgres {
			// A custom-format archive that pg_restore can read and that
			// holds the cases table.
			if _, err := exec.LookPath("pg_restore"); err != nil {
				t.Skip("pg_restore not on PATH")
			}
			list, err := exec.CommandContext(ctx, "pg_restore", "--list", out).Output()
			if err != nil {
				t.Fatalf("pg_restore --list: %v", err)
			}
			if !strings.Contains(string(list), "TABLE DATA public cases") {
				t.Errorf("archive does not hold the cases table:\n%s", list)
			}
			return
		}

		// The copy opens as a dxatlas database and holds the data.
		dir := t.TempDir()
		if err := os.Rename(out, filepath.Join(dir, store.SQLiteFile)); err != nil {
			t.Fatal(err)
		}
		restored, err := store.Open(ctx, "", dir)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		current, err := restored.MigrationsCurrent(ctx)
		if err != nil || !current {
			t.Fatalf("MigrationsCurrent = %v, %v", current, err)
		}
		c, err := restored.CaseByID(ctx, "DX-2026-0001")
		if err != nil {
			t.Fatal(err)
		}
		if c.OwnerID != owner.ID || c.Title != "Case DX-2026-0001" {
			t.Errorf("restored case = %+v", c)
		}
	})
}

func TestEachDBFailsInCIWithoutPostgres(t *testing.T) {
	if os.Getenv("DXATLAS_STORETEST_CHILD") == "1" {
		storetest.OpenPostgres(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEachDBFailsInCIWithoutPostgres$")
	cmd.Env = append(os.Environ(), "DXATLAS_STORETEST_CHILD=1", "CI=true", storetest.EnvPostgres+"=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("PostgreSQL tests passed in CI without %s:\n%s", storetest.EnvPostgres, out)
	}
	if !strings.Contains(string(out), storetest.EnvPostgres+" is not set") {
		t.Errorf("unexpected failure:\n%s", out)
	}
}

// TestTransactRetriesDeadlock makes two PostgreSQL transactions lock two
// cases in opposite orders. PostgreSQL aborts one with a deadlock; Transact
// runs it again and both succeed.
func TestTransactRetriesDeadlock(t *testing.T) {
	db := storetest.OpenPostgres(t)
	ctx := context.Background()
	call := mkCall(t, db, "deadlock")
	owner := mkUser(t, db, "deadlock@example.org")
	a := mkCase(t, db, "DX-2026-0001", call, owner)
	b := mkCase(t, db, "DX-2026-0002", call, owner)

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		attempts int
		locked   sync.WaitGroup // both hold their first lock
	)
	locked.Add(2)
	run := func(first, second string) error {
		firstAttempt := true
		return db.Transact(ctx, func(tx *store.DB) error {
			mu.Lock()
			attempts++
			mu.Unlock()
			if _, err := tx.CaseByID(ctx, first); err != nil {
				return err
			}
			if firstAttempt {
				firstAttempt = false
				locked.Done()
				locked.Wait()
			}
			c, err := tx.CaseByID(ctx, second)
			if err != nil {
				return err
			}
			c.Title += " +"
			return tx.SaveCase(ctx, c, nil)
		})
	}
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = run(a.ID, b.ID) })
	wg.Go(func() { errs[1] = run(b.ID, a.ID) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if attempts < 3 {
		t.Errorf("%d attempts, want a retry (at least 3)", attempts)
	}
	for _, id := range []string{a.ID, b.ID} {
		c, err := db.CaseByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(c.Title, " +") {
			t.Errorf("case %s title %q: a transaction's work is missing", id, c.Title)
		}
	}
}

// TestLZ4Compression: on a PostgreSQL server built with lz4, the large
// columns compress with it; elsewhere nothing changes.
func TestLZ4Compression(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.DialectPostgres {
			return // SQLite does not compress values
		}
		ctx := context.Background()
		var lz4 bool
		if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_settings
			WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`).Scan(&lz4); err != nil {
			t.Fatal(err)
		}
		if !lz4 {
			t.Log("this server has no lz4: the columns keep pglz")
			return
		}
		rows, err := db.Query(ctx, `SELECT c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
			WHERE c.relnamespace = current_schema()::regnamespace AND a.attcompression = 'l' ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var col string
			if err := rows.Scan(&col); err != nil {
				t.Fatal(err)
			}
			got = append(got, col)
		}
		rows.Close()
		want := "case_versions.doc cases.doc search_docs.body_terms search_docs.list_texts search_docs.summary_terms search_docs.texts search_docs.title_terms search_docs.titles"
		if strings.Join(got, " ") != want {
			t.Errorf("lz4 columns: %v, want %s", got, want)
		}

		call := mkCall(t, db, "lz4")
		owner := mkUser(t, db, "lz4@example.org")
		mkCase(t, db, "DX-2026-0001", call, owner)
		if _, err := db.Exec(ctx, `UPDATE cases SET doc = jsonb_build_object('text', repeat('digital transformation ', 500)) WHERE id = ?`, "DX-2026-0001"); err != nil {
			t.Fatal(err)
		}
		var method string
		if err := db.QueryRow(ctx, `SELECT coalesce(pg_column_compression(doc), '') FROM cases WHERE id = ?`, "DX-2026-0001").Scan(&method); err != nil {
			t.Fatal(err)
		}
		if method != "lz4" {
			t.Errorf("a large document is compressed with %q, want lz4", method)
		}
	})
}

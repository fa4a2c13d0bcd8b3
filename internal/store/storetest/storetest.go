// Package storetest runs tests against real databases: a fresh, migrated
// SQLite file, and a fresh, migrated PostgreSQL database when
// DXATLAS_TEST_POSTGRES names a server.
//
//	func TestX(t *testing.T) {
//		storetest.EachDB(t, func(t *testing.T, db *store.DB) { … })
//	}
//
// DXATLAS_TEST_POSTGRES is a URL of a role that may create databases, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable; each test gets
// its own database, dropped when the test ends. Without it the PostgreSQL
// runs are skipped, except when CI is set: then they fail, so that a CI
// without PostgreSQL cannot pass unnoticed.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/dxatlas/dxatlas/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL server URL.
const EnvPostgres = "DXATLAS_TEST_POSTGRES"

// EachDB runs fn as a subtest on SQLite ("sqlite") and on PostgreSQL
// ("postgres"), each time on a fresh, migrated database.
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run(store.DialectSQLite, func(t *testing.T) {
		fn(t, OpenSQLite(t))
	})
	t.Run(store.DialectPostgres, func(t *testing.T) {
		fn(t, OpenPostgres(t))
	})
}

// OpenSQLite opens a fresh, migrated SQLite database in t.TempDir(),
// closed when the test ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, "", t.TempDir())
}

// OpenPostgres creates a fresh database on the server named by
// DXATLAS_TEST_POSTGRES, migrates it, and drops it when the test ends. It
// skips the test if the variable is unset, or fails it if CI is set too.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, PostgresURL(t), "")
}

// PostgresURL creates a fresh, empty database on the server named by
// DXATLAS_TEST_POSTGRES and returns its URL; it is dropped when the test
// ends. It skips or fails like OpenPostgres. Tests of programs that open
// the database themselves (the command line) use it.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must run the PostgreSQL tests", EnvPostgres)
		}
		t.Skipf("%s is not set; skipping PostgreSQL", EnvPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "dxatlas_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	// Registered before the store's own cleanup, so it runs after the
	// store is closed.
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func open(t testing.TB, databaseURL, dataDir string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, databaseURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

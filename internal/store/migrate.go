package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

func newMigrator(dialect string, db *sql.DB) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations/"+dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
	}
	gd := goose.DialectSQLite3
	if dialect == DialectPostgres {
		gd = goose.DialectPostgres
		// Several nodes may start at once: one migrates, the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, db, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Migrate applies all pending migrations.
func (db *DB) Migrate(ctx context.Context) error {
	if db.tx != nil {
		return errors.New("migrate: called inside a transaction")
	}
	if _, err := db.migrator.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrateTo applies the pending migrations up to and including version,
// so that a test can write data in an older schema and check how a later
// migration carries it over.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	if db.tx != nil {
		return errors.New("migrate: called inside a transaction")
	}
	if _, err := db.migrator.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate to %d: %w", version, err)
	}
	return nil
}

// MigrationsCurrent reports whether every migration this binary knows has
// been applied; readiness checks use it. A database never migrated is not
// current (and not an error).
func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if db.dialect == DialectPostgres {
		q = `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?`
	}
	var n int
	if err := db.queryRow(ctx, q, goose.DefaultTablename).Scan(&n); err != nil {
		return false, fmt.Errorf("migration status: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	pending, err := db.status.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("migration status: %w", err)
	}
	return !pending, nil
}

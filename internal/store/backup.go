package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// Backup writes a consistent copy of the database to outPath while the
// database stays in use. On SQLite it is a database file made with VACUUM
// INTO (open it as dxatlas.db to restore). On PostgreSQL it is a pg_dump
// archive in custom format (restore with pg_restore); pg_dump must be on
// PATH. An existing outPath is never overwritten.
func (db *DB) Backup(ctx context.Context, outPath string) error {
	if db.tx != nil {
		return errors.New("backup: called inside a transaction")
	}
	if _, err := os.Stat(outPath); err == nil {
		return fmt.Errorf("backup: %s already exists", outPath)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if db.dialect == DialectPostgres {
		return db.pgDump(ctx, outPath)
	}
	// VACUUM INTO reads one snapshot, so it does not hold up writers; it
	// runs on a connection of its own because the readers may not write
	// and the writer is for writes.
	conn, err := sql.Open("sqlite", sqliteDSN(db.path, ""))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, outPath); err != nil {
		return fmt.Errorf("backup to %s: %w", outPath, err)
	}
	return nil
}

func (db *DB) pgDump(ctx context.Context, outPath string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return errors.New("backup: pg_dump not found on PATH; install the PostgreSQL client tools (the same major version as the server)")
	}
	u, err := url.Parse(db.url)
	if err != nil {
		return fmt.Errorf("backup: database URL: %w", err)
	}
	env := os.Environ()
	// The password goes through the environment, not the command line that
	// other users can read.
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	// Drop the pgx-only parameters that libpq would reject.
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") || k == "default_query_exec_mode" ||
			k == "statement_cache_capacity" || k == "description_cache_capacity" {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--no-password", "--file="+outPath, "--dbname="+u.String())
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		os.Remove(outPath)
		return fmt.Errorf("backup: pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

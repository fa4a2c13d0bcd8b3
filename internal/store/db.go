// Package store is dxatlas's database: one code base for SQLite (the
// embedded default) and PostgreSQL (production), written with database/sql.
//
// SQL is written once with ? placeholders and rebound to $1… for
// PostgreSQL. Times are stored in UTC with millisecond precision: as
// integer Unix milliseconds on SQLite, as timestamptz on PostgreSQL. JSON
// columns are TEXT on SQLite and jsonb on PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialects, as returned by DB.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// SQLiteFile is the name of the SQLite database file inside the data directory.
const SQLiteFile = "dxatlas.db"

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is the store. The same type is used inside and outside a transaction
// (see Transact), so every method works in both.
//
// On SQLite, writes go through a pool of exactly one connection and reads
// through a pool of read-only connections. Measured with 50 goroutines
// each running read-modify-write transactions, one writer connection was
// about three times faster than a shared pool with BEGIN IMMEDIATE and cut
// the worst latency twentyfold, because writers queue in Go instead of
// sleeping in SQLite's busy handler; deferred transactions failed with
// SQLITE_BUSY. The writer still begins transactions IMMEDIATE with a busy
// timeout so that other processes on the same file (the CLI while a server
// runs) wait instead of failing.
type DB struct {
	dialect  string
	url      string // PostgreSQL URL, for pg_dump
	path     string // SQLite file, for backups
	w        *sql.DB
	r        *sql.DB         // == w on PostgreSQL
	tx       *sql.Tx         // non-nil inside Transact
	stmts    *stmtCache      // prepared hot reads, on r (see QueryPrepared)
	migrator *goose.Provider // applies migrations, through w
	status   *goose.Provider // reads migration status, through r
}

// Open opens the database. An empty databaseURL opens (creating if needed)
// the SQLite file dataDir/dxatlas.db; a postgres:// or postgresql:// URL
// opens PostgreSQL. Open does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	var (
		db  *DB
		err error
	)
	switch {
	case databaseURL == "":
		db, err = openSQLite(ctx, dataDir)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		db, err = openPostgres(databaseURL)
	default:
		return nil, fmt.Errorf("open database: unsupported URL scheme in %q (want postgres:// or none for SQLite)", redactURL(databaseURL))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.migrator, err = newMigrator(db.dialect, db.w); err != nil {
		db.Close()
		return nil, err
	}
	// On SQLite, status reads go to the readers so that readiness checks do
	// not queue behind writes.
	db.status = db.migrator
	if db.r != db.w {
		if db.status, err = newMigrator(db.dialect, db.r); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

func openSQLite(ctx context.Context, dataDir string) (*DB, error) {
	if dataDir == "" {
		return nil, errors.New("open database: no data directory for SQLite")
	}
	if strings.ContainsAny(dataDir, "?#") {
		return nil, fmt.Errorf("open database: data directory %q must not contain '?' or '#'", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	path := filepath.Join(dataDir, SQLiteFile)
	w, err := sql.Open("sqlite", sqliteDSN(path, "_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// The writer must create the file and switch it to WAL before readers
	// (which may not write) connect.
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, "_query_only=1"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{dialect: DialectSQLite, path: path, w: w, r: r, stmts: &stmtCache{}}, nil
}

// sqliteDSN is the data source name of the SQLite file at path with the
// settings every connection needs, plus extra.
func sqliteDSN(path, extra string) string {
	dsn := "file:" + path + "?_busy_timeout=10000&_foreign_keys=1"
	if extra != "" {
		dsn += "&" + extra
	}
	return dsn
}

func openPostgres(databaseURL string) (*DB, error) {
	p, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactURL(databaseURL), err)
	}
	p.SetMaxOpenConns(25)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{dialect: DialectPostgres, url: databaseURL, w: p, r: p, stmts: &stmtCache{}}, nil
}

// Dialect is DialectSQLite or DialectPostgres.
func (db *DB) Dialect() string { return db.dialect }

// SQL returns the underlying pool through which writes go. On SQLite it
// holds a single connection: never use it inside Transact, or the
// transaction and the call wait for each other.
func (db *DB) SQL() *sql.DB { return db.w }

// Close closes the database. It must not be called inside Transact.
func (db *DB) Close() error {
	if db.tx != nil {
		return errors.New("close database: called inside a transaction")
	}
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if db.r != db.w {
		if err := db.r.PingContext(ctx); err != nil {
			return fmt.Errorf("ping database readers: %w", err)
		}
	}
	return nil
}

// InTx reports whether db is a transaction.
func (db *DB) InTx() bool { return db.tx != nil }

// maxTxAttempts bounds how often a PostgreSQL transaction is retried after
// a serialization failure or deadlock.
const maxTxAttempts = 5

// Transact runs fn in a transaction and commits if fn returns nil; it rolls
// back if fn returns an error or panics (the panic is re-raised). Inside fn,
// use only tx. If db is already a transaction, fn simply runs in it.
//
// On SQLite, write transactions run one at a time. On PostgreSQL the
// transaction is READ COMMITTED; CaseByID inside a transaction locks the
// case's row until the end, so that a read-modify-write of a case is
// serialised as on SQLite. The whole of fn is retried a few times on a
// deadlock or serialization failure, so fn must not have effects outside
// the database that cannot be repeated.
//
// (SERIALIZABLE was measured and rejected: with 50 concurrent draft saves,
// the per-year case counter and the tag index made most transactions fail
// and retry, some more than five times.)
func (db *DB) Transact(ctx context.Context, fn func(tx *DB) error) error {
	if db.tx != nil {
		return fn(db)
	}
	for attempt := 1; ; attempt++ {
		err := db.transactOnce(ctx, fn)
		if err == nil || db.dialect != DialectPostgres || !isRetryable(err) || attempt == maxTxAttempts {
			return err
		}
		// Back off a little, with jitter, so that the contenders spread out.
		d := time.Duration(attempt)*5*time.Millisecond + rand.N(5*time.Millisecond)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("transaction: %w (after %w)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

func (db *DB) transactOnce(ctx context.Context, fn func(tx *DB) error) (err error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	inner := *db
	inner.tx = tx
	if err := fn(&inner); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// isRetryable reports a PostgreSQL serialization failure or deadlock.
func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// isUniqueViolation reports a violated unique or primary key constraint.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// wrapErr adds context to err, turning no rows into ErrNotFound and unique
// violations into ErrConflict.
func wrapErr(err error, what string) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = ErrNotFound
	case isUniqueViolation(err):
		err = ErrConflict
	}
	return fmt.Errorf("%s: %w", what, err)
}

// wq is where writes go; rq is where reads go.
func (db *DB) wq() querier {
	if db.tx != nil {
		return db.tx
	}
	return db.w
}

func (db *DB) rq() querier {
	if db.tx != nil {
		return db.tx
	}
	return db.r
}

func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	countQuery(ctx)
	return db.wq().ExecContext(ctx, db.rebind(query), args...)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx)
	return db.rq().QueryContext(ctx, db.rebind(query), args...)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	countQuery(ctx)
	return db.rq().QueryRowContext(ctx, db.rebind(query), args...)
}

// writeRow runs a statement that writes and returns one row (RETURNING).
func (db *DB) writeRow(ctx context.Context, query string, args ...any) *sql.Row {
	countQuery(ctx)
	return db.wq().QueryRowContext(ctx, db.rebind(query), args...)
}

// writeRows runs a statement that writes and returns rows (RETURNING).
func (db *DB) writeRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx)
	return db.wq().QueryContext(ctx, db.rebind(query), args...)
}

// Exec runs a statement that writes, with ? placeholders. Unique
// violations are reported as ErrConflict.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.exec(ctx, query, args...)
	if err != nil && isUniqueViolation(err) {
		return nil, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return res, err
}

// Query runs a read-only query with ? placeholders. Outside a transaction
// on SQLite it runs on a read-only connection: statements that write and
// return rows must run inside Transact.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.query(ctx, query, args...)
}

// QueryPrepared is Query for a read that runs often with the same text
// (a page of the library reads its list texts on every request): the
// statement is prepared once per connection and kept, so that SQLite
// does not parse and plan it each time. Inside a transaction it is Query.
func (db *DB) QueryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if db.tx != nil || db.stmts == nil {
		return db.query(ctx, query, args...)
	}
	countQuery(ctx)
	query = db.rebind(query)
	st, err := db.stmts.get(ctx, db.r, query)
	if err != nil {
		return nil, err
	}
	if st == nil { // the cache is full
		return db.r.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// stmtCache holds the statements of QueryPrepared. It is bounded, so that
// a caller passing ever new texts only loses the saving.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

const maxPreparedStmts = 64

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, full := c.m[query], len(c.m) >= maxPreparedStmts
	c.mu.Unlock()
	if st != nil || full {
		return st, nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok { // prepared meanwhile by another caller
		st.Close()
		return old, nil
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st, nil
}

// QueryRow is Query for at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.queryRow(ctx, query, args...)
}

// Rebind rewrites ? placeholders for the database's dialect.
func (db *DB) Rebind(query string) string { return db.rebind(query) }

func (db *DB) rebind(query string) string {
	if db.dialect != DialectPostgres {
		return query
	}
	return rebindDollar(query)
}

// rebindDollar rewrites ? placeholders as $1, $2, … leaving any ? inside
// string literals and quoted identifiers alone.
func rebindDollar(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote reopens at the next byte
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placeholders returns "?, ?, …" with n placeholders.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// redactURL hides the password in a database URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// NewCase is a case for InsertCases: the case, its tags and, unless
// Version is nil, its first submitted version.
type NewCase struct {
	Case    Case
	Tags    []Tag
	Version *CaseVersion
}

// Rows per statement on SQLite, below its limit of 32,766 variables.
// Large statements cost less than many small ones: SQLite copies each
// page a statement changes to its statement journal once per statement.
const (
	bulkCasesPerInsert    = 100   // 14 columns
	bulkTagsPerInsert     = 10000 // 3 columns, 23 rows a case on average
	bulkVersionsPerInsert = 200   // 5 columns
)

// InsertCases inserts many new cases with their tags and versions: the
// same rows as CreateCase and AddCaseVersion one case at a time, written
// in a few statements (multi-row INSERTs on SQLite, arrays unnested on
// PostgreSQL). It normalises the cases' times as CreateCase does. A taken
// id is ErrConflict, and nothing is written; outside a transaction it runs
// in one of its own.
func (db *DB) InsertCases(ctx context.Context, cs []NewCase) error {
	if len(cs) == 0 {
		return nil
	}
	what := fmt.Sprintf("insert %d cases", len(cs))
	docs := make([]string, len(cs))
	vdocs := make([]string, len(cs))
	for i := range cs {
		c := &cs[i].Case
		doc, err := docArg(c.Doc)
		if err != nil {
			return fmt.Errorf("create case %q: %w", c.ID, err)
		}
		docs[i] = doc.(string)
		c.CreatedAt = orNow(c.CreatedAt)
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		c.UpdatedAt = norm(c.UpdatedAt)
		c.SubmittedAt, c.PublishedAt, c.ExtendedUntil = normPtr(c.SubmittedAt), normPtr(c.PublishedAt), normPtr(c.ExtendedUntil)
		if v := cs[i].Version; v != nil {
			if len(v.Doc) == 0 {
				return fmt.Errorf("add version %d of case %q: empty document", v.Version, v.CaseID)
			}
			if sameBytes(v.Doc, c.Doc) {
				vdocs[i] = docs[i] // checked already
			} else {
				d, err := docArg(v.Doc)
				if err != nil {
					return fmt.Errorf("add version %d of case %q: %w", v.Version, v.CaseID, err)
				}
				vdocs[i] = d.(string)
			}
			v.SubmittedAt = orNow(v.SubmittedAt)
		}
	}
	return db.Transact(ctx, func(tx *DB) error {
		var err error
		if tx.dialect == DialectPostgres {
			err = tx.insertCasesPostgres(ctx, cs, docs, vdocs)
		} else {
			err = tx.insertCasesSQLite(ctx, cs, docs, vdocs)
		}
		if err != nil {
			return wrapErr(err, what)
		}
		return nil
	})
}

// sameBytes reports whether a and b are the same slice of memory (the
// case's document reused as its version's), not merely equal.
func sameBytes(a, b []byte) bool {
	return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
}

// values writes "(?, …), (?, …)" for rows rows of cols columns.
func values(b *strings.Builder, rows, cols int) {
	one := "(" + placeholders(cols) + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
}

func (db *DB) insertCasesSQLite(ctx context.Context, cs []NewCase, docs, vdocs []string) error {
	for k := 0; k < len(cs); k += bulkCasesPerInsert {
		chunk := cs[k:min(k+bulkCasesPerInsert, len(cs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO cases (id, call_id, owner_id, state, doc, version, submitted_at, published_at, extended_until,
			created_at, updated_at, title, language, org_name) VALUES `)
		values(&b, len(chunk), 14)
		args := make([]any, 0, 14*len(chunk))
		for i, n := range chunk {
			c := &n.Case
			args = append(args, c.ID, c.CallID, c.OwnerID, c.State, docs[k+i], c.Version, db.tsPtr(c.SubmittedAt), db.tsPtr(c.PublishedAt),
				db.tsPtr(c.ExtendedUntil), db.ts(c.CreatedAt), db.ts(c.UpdatedAt), c.Title, c.Language, c.OrgName)
		}
		if _, err := db.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	var args []any
	flushTags := func() error {
		if len(args) == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO case_tags (case_id, facet, value) VALUES `)
		values(&b, len(args)/3, 3)
		_, err := db.exec(ctx, b.String(), args...)
		args = args[:0]
		return err
	}
	// In the order of the facet index: its pages are then each visited
	// once per statement, where the order of the cases jumps between
	// them for every row (the key's own B-tree gets new, increasing case
	// ids either way).
	type tagRow struct{ id, facet, value string }
	var tags []tagRow
	for _, n := range cs {
		for _, t := range n.Tags {
			tags = append(tags, tagRow{n.Case.ID, t.Facet, t.Value})
		}
	}
	slices.SortFunc(tags, func(a, b tagRow) int {
		return cmp.Or(strings.Compare(a.facet, b.facet), strings.Compare(a.value, b.value), strings.Compare(a.id, b.id))
	})
	for _, t := range tags {
		args = append(args, t.id, t.facet, t.value)
		if len(args) == 3*bulkTagsPerInsert {
			if err := flushTags(); err != nil {
				return err
			}
		}
	}
	if err := flushTags(); err != nil {
		return err
	}
	args = args[:0]
	rows := 0
	flushVersions := func() error {
		if rows == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO case_versions (case_id, version, doc, submitted_at, submitted_by) VALUES `)
		values(&b, rows, 5)
		_, err := db.exec(ctx, b.String(), args...)
		args, rows = args[:0], 0
		return err
	}
	for i, n := range cs {
		v := n.Version
		if v == nil {
			continue
		}
		args = append(args, v.CaseID, v.Version, vdocs[i], db.ts(v.SubmittedAt), v.SubmittedBy)
		if rows++; rows == bulkVersionsPerInsert {
			if err := flushVersions(); err != nil {
				return err
			}
		}
	}
	return flushVersions()
}

// insertCasesPostgres sends each table's rows as one array per column:
// three statements whatever the number of cases, their text the same for
// every batch, so prepared once per connection.
func (db *DB) insertCasesPostgres(ctx context.Context, cs []NewCase, docs, vdocs []string) error {
	n := len(cs)
	var (
		ids, states, titles, langs, orgs = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		callIDs, ownerIDs                = make([]int64, n), make([]int64, n)
		versions                         = make([]int32, n)
		submitted, published, extended   = make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
		created, updated                 = make([]time.Time, n), make([]time.Time, n)
	)
	ntags := 0
	for i, nc := range cs {
		c := &nc.Case
		ids[i], states[i], titles[i], langs[i], orgs[i] = c.ID, c.State, c.Title, c.Language, c.OrgName
		callIDs[i], ownerIDs[i], versions[i] = c.CallID, c.OwnerID, int32(c.Version)
		submitted[i], published[i], extended[i] = c.SubmittedAt, c.PublishedAt, c.ExtendedUntil
		created[i], updated[i] = c.CreatedAt, c.UpdatedAt
		ntags += len(nc.Tags)
	}
	if _, err := db.exec(ctx, `INSERT INTO cases (id, call_id, owner_id, state, doc, version, submitted_at, published_at, extended_until,
			created_at, updated_at, title, language, org_name)
		SELECT id, call_id, owner_id, state, doc::jsonb, version, submitted_at, published_at, extended_until,
			created_at, updated_at, title, language, org_name
		FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::timestamptz[], ?::timestamptz[],
			?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[], ?::text[])
			AS t (id, call_id, owner_id, state, doc, version, submitted_at, published_at, extended_until,
				created_at, updated_at, title, language, org_name)`,
		ids, callIDs, ownerIDs, states, docs, versions, submitted, published, extended, created, updated, titles, langs, orgs); err != nil {
		return err
	}
	if ntags > 0 {
		tagCases, facets, vals := make([]string, 0, ntags), make([]string, 0, ntags), make([]string, 0, ntags)
		for _, nc := range cs {
			for _, t := range nc.Tags {
				tagCases, facets, vals = append(tagCases, nc.Case.ID), append(facets, t.Facet), append(vals, t.Value)
			}
		}
		if _, err := db.exec(ctx, `INSERT INTO case_tags (case_id, facet, value)
			SELECT * FROM unnest(?::text[], ?::text[], ?::text[])`, tagCases, facets, vals); err != nil {
			return err
		}
	}
	var (
		vCases, vDocs []string
		vNums         []int32
		vAt           []time.Time
		vBy           []int64
	)
	for i, nc := range cs {
		if v := nc.Version; v != nil {
			vCases, vNums, vDocs = append(vCases, v.CaseID), append(vNums, int32(v.Version)), append(vDocs, vdocs[i])
			vAt, vBy = append(vAt, v.SubmittedAt), append(vBy, v.SubmittedBy)
		}
	}
	if len(vCases) == 0 {
		return nil
	}
	_, err := db.exec(ctx, `INSERT INTO case_versions (case_id, version, doc, submitted_at, submitted_by)
		SELECT case_id, version, doc::jsonb, submitted_at, submitted_by
		FROM unnest(?::text[], ?::integer[], ?::text[], ?::timestamptz[], ?::bigint[]) AS t (case_id, version, doc, submitted_at, submitted_by)`,
		vCases, vNums, vDocs, vAt, vBy)
	return err
}

// NextCaseSeqs reserves n consecutive case numbers of year and returns
// the first: the numbers NextCaseSeq would return called n times. Call it
// in the transaction that creates the cases.
func (db *DB) NextCaseSeqs(ctx context.Context, year, n int) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("next %d case numbers for %d: n must be positive", n, year)
	}
	var last int
	err := db.writeRow(ctx, `
		INSERT INTO case_counters (year, n) VALUES (?, ?)
		ON CONFLICT (year) DO UPDATE SET n = case_counters.n + excluded.n
		RETURNING n`, year, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("next %d case numbers for %d: %w", n, year, err)
	}
	return last - n + 1, nil
}

// bulkPragmas are the SQLite settings of the writer connection that
// BulkLoad changes, with their values during a load: a page cache large
// enough for a batch's pages (the default 2 MB makes SQLite spill pages
// to the WAL in the middle of a transaction and read them back),
// statement journals in memory rather than in temporary files, and WAL
// checkpoints every 32 MB instead of every 4 MB. None of them changes
// what a commit guarantees: journal_mode and synchronous stay as they are.
var bulkPragmas = []struct{ name, value string }{
	{"cache_size", "-65536"},
	{"temp_store", "2"},
	{"wal_autocheckpoint", "8192"},
}

// BulkLoad tunes the database for writing many rows in large
// transactions, until the returned function is called (it also writes a
// checkpoint of the WAL, so that it does not stay large). Every
// transaction committed during the load is as durable as any other. It
// does nothing on PostgreSQL. Call it outside a transaction.
func (db *DB) BulkLoad(ctx context.Context) (restore func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	if db.tx != nil {
		return nil, errors.New("bulk load: called inside a transaction")
	}
	if db.dialect != DialectSQLite {
		return noop, nil
	}
	// The writer pool holds one connection, so these settings apply to
	// every write until they are restored.
	old := make([]string, len(bulkPragmas))
	for i, p := range bulkPragmas {
		if err := db.w.QueryRowContext(ctx, `PRAGMA `+p.name).Scan(&old[i]); err != nil {
			return nil, fmt.Errorf("bulk load: read %s: %w", p.name, err)
		}
	}
	set := func(ctx context.Context, vals func(int) string) error {
		var errs []error
		for i, p := range bulkPragmas {
			if _, err := db.w.ExecContext(ctx, `PRAGMA `+p.name+` = `+vals(i)); err != nil {
				errs = append(errs, fmt.Errorf("bulk load: set %s: %w", p.name, err))
			}
		}
		return errors.Join(errs...)
	}
	restore = func(ctx context.Context) error {
		err := set(ctx, func(i int) string { return old[i] })
		if _, cerr := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); cerr != nil {
			err = errors.Join(err, fmt.Errorf("bulk load: checkpoint: %w", cerr))
		}
		return err
	}
	if err := set(ctx, func(i int) string { return bulkPragmas[i].value }); err != nil {
		return nil, errors.Join(err, restore(ctx))
	}
	return restore, nil
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// caseCols are the columns of a case in lists, without the document.
const caseCols = `c.id, c.call_id, c.owner_id, c.state, c.version, c.submitted_at, c.published_at, c.extended_until,
	c.created_at, c.updated_at, c.title, c.language, c.org_name`

func scanCase(s rowScanner) (Case, error) {
	var c Case
	err := s.Scan(&c.ID, &c.CallID, &c.OwnerID, &c.State, &c.Version, nullTimeCol{&c.SubmittedAt}, nullTimeCol{&c.PublishedAt},
		nullTimeCol{&c.ExtendedUntil}, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, &c.Title, &c.Language, &c.OrgName)
	return c, err
}

func scanCaseWithDoc(s rowScanner) (Case, error) {
	var c Case
	err := s.Scan(&c.ID, &c.CallID, &c.OwnerID, &c.State, &c.Version, nullTimeCol{&c.SubmittedAt}, nullTimeCol{&c.PublishedAt},
		nullTimeCol{&c.ExtendedUntil}, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}, &c.Title, &c.Language, &c.OrgName,
		jsonCol{&c.Doc})
	return c, err
}

// docArg checks a case document and returns it as an argument; an empty
// document is stored as {}. Checking here makes both databases refuse the
// same input (jsonb would refuse invalid JSON, TEXT would not).
func docArg(doc json.RawMessage) (any, error) {
	if len(doc) == 0 {
		return "{}", nil
	}
	if !json.Valid(doc) {
		return nil, errors.New("document is not valid JSON")
	}
	return string(doc), nil
}

// NextCaseSeq increments and returns the case counter for year (1 for the
// first case of a year). Call it in the transaction that creates the case:
// a number is then used by exactly one case, and never handed out again.
func (db *DB) NextCaseSeq(ctx context.Context, year int) (int, error) {
	var n int
	err := db.writeRow(ctx, `
		INSERT INTO case_counters (year, n) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET n = case_counters.n + 1
		RETURNING n`, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next case number for %d: %w", year, err)
	}
	return n, nil
}

// CreateCase inserts c with its tags, setting c.CreatedAt and c.UpdatedAt
// if they are zero. A taken id is ErrConflict.
func (db *DB) CreateCase(ctx context.Context, c *Case, tags []Tag) error {
	what := fmt.Sprintf("create case %q", c.ID)
	doc, err := docArg(c.Doc)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	c.CreatedAt = orNow(c.CreatedAt)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.UpdatedAt = norm(c.UpdatedAt)
	c.SubmittedAt, c.PublishedAt, c.ExtendedUntil = normPtr(c.SubmittedAt), normPtr(c.PublishedAt), normPtr(c.ExtendedUntil)
	return db.Transact(ctx, func(tx *DB) error {
		_, err := tx.exec(ctx, `
			INSERT INTO cases (id, call_id, owner_id, state, doc, version, submitted_at, published_at, extended_until,
				created_at, updated_at, title, language, org_name)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.CallID, c.OwnerID, c.State, doc, c.Version, tx.tsPtr(c.SubmittedAt), tx.tsPtr(c.PublishedAt),
			tx.tsPtr(c.ExtendedUntil), tx.ts(c.CreatedAt), tx.ts(c.UpdatedAt), c.Title, c.Language, c.OrgName)
		if err != nil {
			return wrapErr(err, what)
		}
		if err := tx.insertTags(ctx, c.ID, tags); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
}

// SaveCase writes c's document, list fields (title, language, org_name),
// state, version, submitted_at, published_at, extended_until and
// updated_at (now if zero), and replaces its tags with tags.
func (db *DB) SaveCase(ctx context.Context, c Case, tags []Tag) error {
	what := fmt.Sprintf("save case %q", c.ID)
	return db.Transact(ctx, func(tx *DB) error {
		if err := tx.UpdateCase(ctx, c); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM case_tags WHERE case_id = ?`, c.ID); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := tx.insertTags(ctx, c.ID, tags); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
}

// UpdateCase is SaveCase without touching the tags: for a save whose
// facet values did not change (most draft saves), it spares rewriting them.
func (db *DB) UpdateCase(ctx context.Context, c Case) error {
	what := fmt.Sprintf("save case %q", c.ID)
	doc, err := docArg(c.Doc)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := db.exec(ctx, `
		UPDATE cases SET doc = ?, title = ?, language = ?, org_name = ?, state = ?, version = ?,
			submitted_at = ?, published_at = ?, extended_until = ?, updated_at = ?
		WHERE id = ?`,
		doc, c.Title, c.Language, c.OrgName, c.State, c.Version, db.tsPtr(c.SubmittedAt), db.tsPtr(c.PublishedAt),
		db.tsPtr(c.ExtendedUntil), db.ts(orNow(c.UpdatedAt)), c.ID)
	return checkOne(res, err, what)
}

// tagsPerInsert bounds the placeholders of one INSERT well below both
// databases' limits.
const tagsPerInsert = 300

func (db *DB) insertTags(ctx context.Context, caseID string, tags []Tag) error {
	for chunk := range slices.Chunk(tags, tagsPerInsert) {
		var b strings.Builder
		b.WriteString(`INSERT INTO case_tags (case_id, facet, value) VALUES `)
		args := make([]any, 0, 3*len(chunk))
		for i, t := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?)")
			args = append(args, caseID, t.Facet, t.Value)
		}
		// Tags derived from a document may repeat; one copy is kept.
		b.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := db.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
	}
	return nil
}

// CaseTags returns the tags of a case, by facet and value.
func (db *DB) CaseTags(ctx context.Context, caseID string) ([]Tag, error) {
	rows, err := db.query(ctx, `SELECT facet, value FROM case_tags WHERE case_id = ? ORDER BY facet, value`, caseID)
	if err != nil {
		return nil, fmt.Errorf("tags of case %q: %w", caseID, err)
	}
	return collect(rows, func(s rowScanner) (Tag, error) {
		var t Tag
		err := s.Scan(&t.Facet, &t.Value)
		return t, err
	}, fmt.Sprintf("tags of case %q", caseID))
}

// CaseByID returns the case with that id, with its document. Inside a
// transaction on PostgreSQL it locks the row until the transaction ends
// (SQLite write transactions are exclusive anyway), so that two
// read-modify-writes of one case never interleave.
func (db *DB) CaseByID(ctx context.Context, id string) (Case, error) {
	q := `SELECT ` + caseCols + `, c.doc FROM cases c WHERE c.id = ?`
	if db.tx != nil && db.dialect == DialectPostgres {
		q += ` FOR UPDATE`
	}
	c, err := scanCaseWithDoc(db.queryRow(ctx, q, id))
	if err != nil {
		return Case{}, wrapErr(err, fmt.Sprintf("case %q", id))
	}
	return c, nil
}

// caseWhere builds the WHERE clause for f: equality on call and owner,
// IN for states, and for each tag facet an EXISTS over case_tags with IN
// for its values — OR within a facet, AND across facets.
func caseWhere(f CaseFilter) (string, []any) {
	var conds []string
	var args []any
	if f.CallID != 0 {
		conds = append(conds, "c.call_id = ?")
		args = append(args, f.CallID)
	}
	if f.OwnerID != 0 {
		conds = append(conds, "c.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if len(f.States) > 0 {
		conds = append(conds, "c.state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, s)
		}
	}
	// Sorted facets give the same SQL for the same filter.
	facets := make([]string, 0, len(f.Tags))
	for facet, values := range f.Tags {
		if len(values) > 0 {
			facets = append(facets, facet)
		}
	}
	slices.Sort(facets)
	for _, facet := range facets {
		values := f.Tags[facet]
		conds = append(conds, "EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.facet = ? AND t.value IN ("+
			placeholders(len(values))+"))")
		args = append(args, facet)
		for _, v := range values {
			args = append(args, v)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// pageClause returns LIMIT/OFFSET for f's page, or "" for all.
func pageClause(f CaseFilter) (string, []any) {
	if f.PerPage <= 0 {
		return "", nil
	}
	page := max(f.Page, 1)
	return " LIMIT ? OFFSET ?", []any{f.PerPage, (page - 1) * f.PerPage}
}

// byCaseID is an ORDER BY list that sorts the case ids in col as their
// numbers go: by year, then by sequence, which grows past four digits
// (DX-2026-9999 before DX-2026-10000). Every id is "DX-", four digits of
// year, "-" and the sequence.
func byCaseID(col string) string {
	return "substr(" + col + ", 1, 8), length(" + col + "), " + col
}

var caseOrder = ` ORDER BY ` + byCaseID("c.id")

// ListCases returns one page of the cases matching f, by id, without their
// documents, and the number of all matching cases.
func (db *DB) ListCases(ctx context.Context, f CaseFilter) ([]Case, int, error) {
	where, args := caseWhere(f)
	var total int
	if err := db.queryRow(ctx, `SELECT count(*) FROM cases c`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count cases: %w", err)
	}
	page, pageArgs := pageClause(f)
	rows, err := db.query(ctx, `SELECT `+caseCols+` FROM cases c`+where+caseOrder+page, append(args, pageArgs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list cases: %w", err)
	}
	items, err := collect(rows, scanCase, "list cases")
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// ListCasesWithDocs calls fn for each case matching f (the page, if f has
// one), by id, with its document. Rows are streamed, not loaded at once;
// fn must not use the database, whose connection the stream holds. An
// error from fn stops the stream and is returned as is.
func (db *DB) ListCasesWithDocs(ctx context.Context, f CaseFilter, fn func(Case) error) error {
	where, args := caseWhere(f)
	page, pageArgs := pageClause(f)
	rows, err := db.query(ctx, `SELECT `+caseCols+`, c.doc FROM cases c`+where+caseOrder+page, append(args, pageArgs...)...)
	if err != nil {
		return fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCaseWithDoc(rows)
		if err != nil {
			return fmt.Errorf("list cases: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list cases: %w", err)
	}
	return nil
}

// CountCasesByState counts a call's cases per state (callID 0 = all calls).
func (db *DB) CountCasesByState(ctx context.Context, callID int64) (map[string]int, error) {
	q, args := `SELECT state, count(*) FROM cases`, []any{}
	if callID != 0 {
		q += ` WHERE call_id = ?`
		args = append(args, callID)
	}
	rows, err := db.query(ctx, q+` GROUP BY state`, args...)
	if err != nil {
		return nil, fmt.Errorf("count cases of call %d: %w", callID, err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count cases of call %d: %w", callID, err)
		}
		counts[state] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count cases of call %d: %w", callID, err)
	}
	return counts, nil
}

// AddCaseVersion stores a submitted version. Versions are immutable: a
// second version with the same number is ErrConflict, and the database
// refuses updates. SubmittedAt defaults to now.
func (db *DB) AddCaseVersion(ctx context.Context, v CaseVersion) error {
	what := fmt.Sprintf("add version %d of case %q", v.Version, v.CaseID)
	if len(v.Doc) == 0 {
		return fmt.Errorf("%s: empty document", what)
	}
	doc, err := docArg(v.Doc)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	_, err = db.exec(ctx, `INSERT INTO case_versions (case_id, version, doc, submitted_at, submitted_by) VALUES (?, ?, ?, ?, ?)`,
		v.CaseID, v.Version, doc, db.ts(orNow(v.SubmittedAt)), v.SubmittedBy)
	if err != nil {
		return wrapErr(err, what)
	}
	return nil
}

const caseVersionCols = `case_id, version, doc, submitted_at, submitted_by`

func scanCaseVersion(s rowScanner) (CaseVersion, error) {
	var v CaseVersion
	err := s.Scan(&v.CaseID, &v.Version, jsonCol{&v.Doc}, timeCol{&v.SubmittedAt}, &v.SubmittedBy)
	return v, err
}

// CaseVersions returns a case's submitted versions, oldest first.
func (db *DB) CaseVersions(ctx context.Context, caseID string) ([]CaseVersion, error) {
	rows, err := db.query(ctx, `SELECT `+caseVersionCols+` FROM case_versions WHERE case_id = ? ORDER BY version`, caseID)
	if err != nil {
		return nil, fmt.Errorf("versions of case %q: %w", caseID, err)
	}
	return collect(rows, scanCaseVersion, fmt.Sprintf("versions of case %q", caseID))
}

// CaseVersion returns one submitted version of a case.
func (db *DB) CaseVersion(ctx context.Context, caseID string, version int) (CaseVersion, error) {
	v, err := scanCaseVersion(db.queryRow(ctx, `SELECT `+caseVersionCols+` FROM case_versions WHERE case_id = ? AND version = ?`,
		caseID, version))
	if err != nil {
		return CaseVersion{}, wrapErr(err, fmt.Sprintf("version %d of case %q", version, caseID))
	}
	return v, nil
}

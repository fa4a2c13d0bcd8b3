package search

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/dxatlas/dxatlas/internal/store"
)

// AnalysisVersion identifies the text analysis that wrote a row of
// search_docs. Change it whenever analysis changes what terms a text
// gives; rows written by an older version are listed by StaleIDs and must
// be written again (Put) for the index to stay consistent.
//
// Version 2: full-width digits are words (wordTokenizer).
const AnalysisVersion = 2

// row is a document as search_docs stores it.
type row struct {
	id        string
	call      string
	language  string
	published time.Time
	titles    string // JSON: language → title
	texts     string // JSON: language → {title, summary}; read by the release before list_texts
	listTexts string // the same, packed: see packTexts
	facets    string // "facet:value facet:value …"
	terms     [nFields]string
}

// Fields, in the order of the term columns; their weights are in index.go.
const (
	fieldTitle = iota
	fieldSummary
	fieldBody
	nFields
)

// encode analyses a document into the row that stores it.
func (a *analyzer) encode(d Doc) (row, error) {
	if strings.TrimSpace(d.ID) == "" {
		return row{}, errors.New("search document without an id")
	}
	r := row{id: d.ID, call: d.Call, language: d.Language, published: d.PublishedAt.UTC().Truncate(time.Millisecond)}
	texts := map[string]Text{d.Language: {Title: d.Title, Summary: d.Summary}}
	titles := map[string]string{d.Language: oneLine(d.Title)}
	counts := &a.counts
	for i := range counts {
		if counts[i] == nil {
			counts[i] = make(map[string]int, 512)
		}
		clear(counts[i])
	}
	add := func(lang string, t Text) {
		a.termCounts(lang, t.Title, counts[fieldTitle])
		a.termCounts(lang, t.Summary, counts[fieldSummary])
		a.termCounts(lang, t.Body, counts[fieldBody])
	}
	add(d.Language, Text{Title: d.Title, Summary: d.Summary, Body: d.Body})
	for _, lang := range slices.Sorted(maps.Keys(d.Translations)) {
		t := d.Translations[lang]
		add(lang, t)
		if lang == d.Language {
			continue
		}
		texts[lang] = Text{Title: t.Title, Summary: t.Summary}
		if t.Title != "" {
			titles[lang] = oneLine(t.Title)
		}
	}
	for i := range counts {
		r.terms[i] = encodeTerms(counts[i])
	}
	b, err := json.Marshal(texts)
	if err != nil {
		return row{}, fmt.Errorf("search document %s: %w", d.ID, err)
	}
	r.texts = string(b)
	r.listTexts = packTexts(texts)
	if b, err = json.Marshal(titles); err != nil {
		return row{}, fmt.Errorf("search document %s: %w", d.ID, err)
	}
	r.titles = string(b)
	if r.facets, err = encodeFacets(d.Facets); err != nil {
		return row{}, fmt.Errorf("search document %s: %w", d.ID, err)
	}
	return r, nil
}

// oneLine replaces line breaks, which a title should not have anyway.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// encodeTerms writes term counts as "term term*3 …", sorted by term.
// Analysed terms never hold white space or '*'; a term that does could
// not be read back and is left out.
func encodeTerms(counts map[string]int) string {
	terms := make([]string, 0, len(counts))
	size := 0
	for t := range counts {
		if t == "" || strings.ContainsFunc(t, func(r rune) bool { return r == '*' || unicode.IsSpace(r) || r == 0 }) {
			continue
		}
		terms = append(terms, t)
		size += len(t) + 4
	}
	slices.Sort(terms)
	var b strings.Builder
	b.Grow(size)
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
		if n := counts[t]; n > 1 {
			b.WriteByte('*')
			b.WriteString(strconv.Itoa(n))
		}
	}
	return b.String()
}

// encodeFacets writes facet values as "facet:value …" in facet order.
func encodeFacets(facets map[string][]string) (string, error) {
	var b strings.Builder
	for _, f := range slices.Sorted(maps.Keys(facets)) {
		if f == "" || strings.ContainsAny(f, ": \t\n") {
			return "", fmt.Errorf("bad facet name %q", f)
		}
		for _, v := range facets[f] {
			if v == "" || strings.ContainsFunc(v, unicode.IsSpace) {
				return "", fmt.Errorf("facet %s: bad value %q (empty or with white space)", f, v)
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f)
			b.WriteByte(':')
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

// timeArg is the argument for a timestamp column: Unix milliseconds on
// SQLite, timestamptz on PostgreSQL.
func timeArg(db *store.DB, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if db.Dialect() == store.DialectSQLite {
		return t.UnixMilli()
	}
	return t.UTC().Truncate(time.Millisecond)
}

// timeCol scans a nullable timestamp column of either dialect.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMilli(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("scan timestamp: unexpected %T", src)
	}
	return nil
}

// nextSeqs reserves n change sequence numbers and returns the first. The
// counter row stays locked until the transaction ends, so sequence numbers
// are committed in order.
func nextSeqs(ctx context.Context, tx *store.DB, n int) (int64, error) {
	var last int64
	err := tx.QueryRow(ctx, `UPDATE search_state SET seq = seq + ? WHERE id = 1 RETURNING seq`, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("search: next change sequence: %w", err)
	}
	return last - int64(n) + 1, nil
}

const upsertColumns = `id, seq, deleted, analysis, call_slug, language, published_at, titles, texts, list_texts, facets, title_terms, summary_terms, body_terms`

const upsertConflict = ` ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,
	analysis = excluded.analysis, call_slug = excluded.call_slug, language = excluded.language,
	published_at = excluded.published_at, titles = excluded.titles, texts = excluded.texts,
	list_texts = excluded.list_texts, facets = excluded.facets, title_terms = excluded.title_terms, summary_terms = excluded.summary_terms,
	body_terms = excluded.body_terms`

// writeRows upserts rows inside tx, numbering them from a fresh sequence.
func writeRows(ctx context.Context, tx *store.DB, rows []row) error {
	if len(rows) == 0 {
		return nil
	}
	// The same id twice in one statement is an error on PostgreSQL; the
	// last write wins, as it would one by one.
	last := make(map[string]int, len(rows))
	for i, r := range rows {
		last[r.id] = i
	}
	if len(last) < len(rows) {
		kept := rows[:0:0]
		for i, r := range rows {
			if last[r.id] == i {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	seq, err := nextSeqs(ctx, tx, len(rows))
	if err != nil {
		return err
	}
	const perRow = 14
	var q strings.Builder
	q.WriteString(`INSERT INTO search_docs (` + upsertColumns + `) VALUES `)
	args := make([]any, 0, perRow*len(rows))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, r.id, seq+int64(i), boolArg(tx, false), AnalysisVersion, r.call, r.language,
			timeArg(tx, r.published), r.titles, r.texts, r.listTexts, r.facets, r.terms[fieldTitle], r.terms[fieldSummary], r.terms[fieldBody])
	}
	q.WriteString(upsertConflict)
	if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("search: write %d documents: %w", len(rows), err)
	}
	return nil
}

func boolArg(db *store.DB, b bool) any {
	if db.Dialect() == store.DialectSQLite {
		if b {
			return 1
		}
		return 0
	}
	return b
}

// Put analyses a document and stores it in search_docs, replacing any
// earlier version. Call it inside the transaction that publishes the case
// (pass the transaction), so that the index and the publication commit or
// fail together; then Sync the local index so that the case shows at once.
// Outside a transaction it runs in one of its own.
func Put(ctx context.Context, db *store.DB, d Doc) error {
	r, err := newAnalyzer().encode(d)
	if err != nil {
		return fmt.Errorf("search: put: %w", err)
	}
	return db.Transact(ctx, func(tx *store.DB) error { return writeRows(ctx, tx, []row{r}) })
}

// Delete removes a document from the library, in the transaction that
// unpublishes the case. Its row stays as a tombstone so that every node
// drops it at its next Sync. Deleting a document never stored does
// nothing.
func Delete(ctx context.Context, db *store.DB, id string) error {
	return db.Transact(ctx, func(tx *store.DB) error {
		var exists int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM search_docs WHERE id = ? AND NOT deleted`, id).Scan(&exists)
		if err != nil {
			return fmt.Errorf("search: delete %s: %w", id, err)
		}
		if exists == 0 {
			return nil
		}
		seq, err := nextSeqs(ctx, tx, 1)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE search_docs SET seq = ?, deleted = ?, titles = '{}', texts = '{}', list_texts = '', facets = '',
			title_terms = '', summary_terms = '', body_terms = '' WHERE id = ?`, seq, boolArg(tx, true), id)
		if err != nil {
			return fmt.Errorf("search: delete %s: %w", id, err)
		}
		return nil
	})
}

// putBatch is how many documents PutAll writes per statement and, outside
// a transaction, per transaction.
const putBatch = 250

// PutAll stores many documents efficiently: it analyses them on every CPU
// and writes them in batches, each batch in its own transaction (or all
// in db's, if db is a transaction). Use it to index a whole collection
// (an import, a demo data set, a re-analysis after AnalysisVersion
// changed). It returns how many documents it stored.
func PutAll(ctx context.Context, db *store.DB, docs iter.Seq[Doc]) (int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := max(1, runtime.GOMAXPROCS(0))
	in := make(chan []Doc, workers)
	out := make(chan []row, workers)
	var analysts sync.WaitGroup
	for range workers {
		analysts.Add(1)
		go func() {
			defer analysts.Done()
			a := newAnalyzer()
			for batch := range in {
				rows := make([]row, 0, len(batch))
				for _, d := range batch {
					r, err := a.encode(d)
					if err != nil {
						cancel(fmt.Errorf("search: put: %w", err))
						break
					}
					rows = append(rows, r)
				}
				if ctx.Err() != nil {
					continue // drain, so that the feeder never blocks
				}
				out <- rows
			}
		}()
	}
	// One writer: batches may be written in any order, which only changes
	// their sequence numbers.
	n := 0
	written := make(chan struct{})
	go func() {
		defer close(written)
		for rows := range out {
			if ctx.Err() != nil {
				continue // drain, so that the analysts never block
			}
			if err := db.Transact(ctx, func(tx *store.DB) error { return writeRows(ctx, tx, rows) }); err != nil {
				cancel(err)
				continue
			}
			n += len(rows)
		}
	}()
	batch := make([]Doc, 0, putBatch)
	for d := range docs {
		if ctx.Err() != nil {
			break
		}
		batch = append(batch, d)
		if len(batch) == putBatch {
			in <- batch
			batch = make([]Doc, 0, putBatch)
		}
	}
	if len(batch) > 0 && ctx.Err() == nil {
		in <- batch
	}
	close(in)
	analysts.Wait()
	close(out)
	<-written
	if err := context.Cause(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// Prepared is a document analysed for storing, ready for PutPrepared.
// Its ID may be set after the analysis, which does not depend on it.
type Prepared struct {
	ID string
	r  row
}

// An Analyser prepares documents for PutPrepared. It keeps a cache of
// analysed words, so reuse it, from one goroutine at a time.
type Analyser struct{ a *analyzer }

// NewAnalyser returns an Analyser.
func NewAnalyser() *Analyser { return &Analyser{a: newAnalyzer()} }

// Prepare analyses d: the expensive part of storing it, which can run on
// any goroutine, outside the transaction that will write it.
func (an *Analyser) Prepare(d Doc) (Prepared, error) {
	id := d.ID
	if strings.TrimSpace(id) == "" {
		d.ID = "-" // set later
	}
	r, err := an.a.encode(d)
	if err != nil {
		return Prepared{}, fmt.Errorf("search: prepare: %w", err)
	}
	return Prepared{ID: id, r: r}, nil
}

// PutPrepared stores prepared documents inside tx as PutAll would have
// stored the documents they were prepared from, and returns how many it
// stored. Outside a transaction it runs in one of its own.
func PutPrepared(ctx context.Context, tx *store.DB, docs []Prepared) (int, error) {
	rows := make([]row, len(docs))
	for i, p := range docs {
		if strings.TrimSpace(p.ID) == "" {
			return 0, errors.New("search: put: search document without an id")
		}
		rows[i] = p.r
		rows[i].id = p.ID
	}
	err := tx.Transact(ctx, func(tx *store.DB) error {
		for part := range slices.Chunk(rows, putBatch) {
			if err := writeRows(ctx, tx, part); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// loadArities are the lengths of Load's id lists: a page of results, a
// long page, and the chunks of an export.
var loadArities = []int{20, 100, 500}

// Load reads the stored title, summary and facets of documents, for
// showing a page of results. Unknown or deleted ids are left out.
func Load(ctx context.Context, db *store.DB, ids []string) (map[string]Stored, error) {
	out := make(map[string]Stored, len(ids))
	for len(ids) > 0 {
		part := ids[:min(loadArities[len(loadArities)-1], len(ids))]
		ids = ids[len(part):]
		// The list has one of a few lengths, padded with an id no
		// document has, so that its statement is prepared once.
		n := loadArities[slices.IndexFunc(loadArities, func(a int) bool { return a >= len(part) })]
		args := make([]any, n)
		for i := range args {
			args[i] = ""
		}
		for i, id := range part {
			args[i] = id
		}
		// texts only for a row that a node of the release before wrote.
		rows, err := db.QueryPrepared(ctx, `SELECT id, call_slug, language, published_at, list_texts,
			CASE WHEN list_texts = '' THEN texts END, facets FROM search_docs
			WHERE NOT deleted AND id IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("search: load documents: %w", err)
		}
		for rows.Next() {
			var (
				s         Stored
				listTexts string
				texts     sql.NullString
				facets    string
			)
			if err := rows.Scan(&s.ID, &s.Call, &s.Language, timeCol{&s.PublishedAt}, &listTexts, &texts, &facets); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search: load documents: %w", err)
			}
			if texts.Valid {
				if err := json.Unmarshal([]byte(texts.String), &s.Texts); err != nil {
					rows.Close()
					return nil, fmt.Errorf("search: load document %s: %w", s.ID, err)
				}
			} else {
				s.Texts = unpackTexts(listTexts)
			}
			s.Facets = decodeFacets(facets)
			out[s.ID] = s
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("search: load documents: %w", err)
		}
	}
	return out, nil
}

// packTexts writes the list texts of a document as list_texts stores
// them: "lang\x1etitle\x1esummary" per language, joined by "\x1f". Texts
// never hold these two control characters (they are written as spaces),
// so that reading them back is a few cuts, without the JSON parser that
// took a tenth of a search page's CPU.
func packTexts(texts map[string]Text) string {
	var b strings.Builder
	for i, lang := range slices.Sorted(maps.Keys(texts)) {
		if i > 0 {
			b.WriteByte(0x1f)
		}
		t := texts[lang]
		b.WriteString(clean(lang))
		b.WriteByte(0x1e)
		b.WriteString(clean(t.Title))
		b.WriteByte(0x1e)
		b.WriteString(clean(t.Summary))
	}
	return b.String()
}

// unpackTexts reads what packTexts wrote. The texts share s's memory.
func unpackTexts(s string) map[string]Text {
	out := make(map[string]Text, 1+strings.Count(s, "\x1f"))
	if s == "" {
		return out
	}
	for entry := range strings.SplitSeq(s, "\x1f") {
		lang, rest, _ := strings.Cut(entry, "\x1e")
		title, summary, _ := strings.Cut(rest, "\x1e")
		out[lang] = Text{Title: title, Summary: summary}
	}
	return out
}

// decodeFacets reads what encodeFacets wrote, grouped by facet. The
// values share the encoded string's memory and one backing array, so that
// a page of results costs few allocations.
func decodeFacets(s string) map[string][]string {
	fields := strings.Fields(s)
	out := make(map[string][]string)
	values := make([]string, 0, len(fields))
	flush := func(facet string, start int) {
		run := values[start:len(values):len(values)]
		if prev, ok := out[facet]; ok {
			run = append(prev[:len(prev):len(prev)], run...) // not grouped: copy
		}
		out[facet] = run
	}
	start, facet := 0, ""
	for _, fv := range fields {
		f, v, ok := strings.Cut(fv, ":")
		if !ok {
			continue
		}
		if f != facet {
			if facet != "" {
				flush(facet, start)
			}
			facet, start = f, len(values)
		}
		values = append(values, v)
	}
	if facet != "" {
		flush(facet, start)
	}
	return out
}

// StaleIDs lists the documents written by an older analysis than
// AnalysisVersion, which must be written again.
func StaleIDs(ctx context.Context, db *store.DB) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT id FROM search_docs WHERE NOT deleted AND analysis <> ? ORDER BY id`, AnalysisVersion)
	if err != nil {
		return nil, fmt.Errorf("search: stale documents: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: stale documents: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search: stale documents: %w", err)
	}
	return out, nil
}

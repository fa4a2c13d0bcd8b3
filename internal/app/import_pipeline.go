package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// importBatch is a run of lines of an import, from reading to writing.
type importBatch struct {
	lines   []importLine // the non-blank lines; dropped once prepared
	last    int          // number of the last line read, blank or not
	read    int64        // bytes read when the batch was complete
	discard bool         // reading failed in this batch: report its lines, write none

	// Set by prepareImport, before done is closed.
	now      time.Time // the batch's time of submission (and publication)
	items    []importItem
	rejected []LineError
	err      error
	done     chan struct{}
}

type importLine struct {
	n    int
	text []byte
}

// importItem is a valid line, ready to write.
type importItem struct {
	line   int
	doc    domain.Case
	raw    []byte // the document as stored
	tags   []store.Tag
	search search.Prepared // when publishing; its ID is set when written
}

// countingReader counts bytes read, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readImportBatches splits r into batches of size non-blank lines and
// sends each to the workers (todo) and to the writer (order).
func readImportBatches(ctx context.Context, r io.Reader, size int, todo, order chan<- *importBatch) error {
	cr := &countingReader{r: r}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 0, 1<<20), 8<<20)
	n, sent := 0, 0
	b := &importBatch{done: make(chan struct{})}
	send := func() error {
		b.last, b.read = n, cr.n
		for _, ch := range []chan<- *importBatch{order, todo} {
			select {
			case ch <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		sent = n
		b = &importBatch{done: make(chan struct{}), lines: make([]importLine, 0, size)}
		return nil
	}
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		b.lines = append(b.lines, importLine{n: n, text: bytes.Clone(line)})
		if len(b.lines) == size {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		// As before the pipeline: the lines read are reported, and those
		// of the unfinished batch are not imported.
		err = fmt.Errorf("line %d: %w", n+1, err)
		b.discard = true
		if serr := send(); serr != nil {
			return serr
		}
		return err
	}
	if n > sent {
		return send()
	}
	return nil
}

// prepareImport decodes and validates a batch's lines, and derives what
// writing them needs: the stored document, the tags and, when publishing,
// the analysed search document.
func (a *App) prepareImport(b *importBatch, L interface {
	T(string, ...any) string
}, callSlug string, publish bool, an *search.Analyser) {
	b.now = a.now()
	published := b.now.Truncate(time.Millisecond) // as the case's published_at is stored
	b.items = make([]importItem, 0, len(b.lines))
	for _, l := range b.lines {
		doc, reasons := a.parseLine(l.text, L)
		if len(reasons) > 0 {
			b.rejected = append(b.rejected, LineError{Line: l.n, Reasons: reasons})
			continue
		}
		it := importItem{line: l.n, doc: doc}
		raw, err := json.Marshal(&it.doc)
		if err != nil {
			b.err = err
			return
		}
		it.raw = sanitizeDraft(raw)
		it.tags = a.tags(&it.doc)
		if publish {
			// The library indexes the document as stored.
			sdoc := &it.doc
			if !bytes.Equal(raw, it.raw) {
				sdoc = new(domain.Case)
				if err := json.Unmarshal(it.raw, sdoc); err != nil {
					b.err = fmt.Errorf("line %d: decode: %w", l.n, err)
					return
				}
			}
			if it.search, err = an.Prepare(search.DocFromCase("", callSlug, sdoc, a.Groups, published)); err != nil {
				b.err = fmt.Errorf("line %d: %w", l.n, err)
				return
			}
		}
		b.items = append(b.items, it)
	}
	b.lines = nil
}

// writeImport writes a batch's cases in one transaction: the cases with
// their tags and first version, an audit entry each and, when publishing,
// their search documents. It returns the new cases' ids.
func (a *App) writeImport(ctx context.Context, actor Actor, callID, ownerID int64, publish bool, b *importBatch) ([]string, error) {
	if len(b.items) == 0 {
		return nil, nil
	}
	now := b.now
	var ids []string
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		first, err := tx.NextCaseSeqs(ctx, now.Year(), len(b.items))
		if err != nil {
			return err
		}
		ids = make([]string, 0, len(b.items))
		cases := make([]store.NewCase, 0, len(b.items))
		audits := make([]store.AuditEntry, 0, len(b.items))
		var docs []search.Prepared
		at := a.now()
		for i, it := range b.items {
			c := store.Case{ID: domain.FormatCaseID(now.Year(), first+i), CallID: callID, OwnerID: ownerID,
				State: domain.StateSubmitted, Doc: it.raw, Version: 1, SubmittedAt: &now, CreatedAt: now, UpdatedAt: now,
				Title: it.doc.Title, Language: it.doc.Language, OrgName: it.doc.Organisation.Name}
			if publish {
				c.State, c.PublishedAt = domain.StatePublished, &now
				d := it.search
				d.ID = c.ID
				docs = append(docs, d)
			}
			cases = append(cases, store.NewCase{Case: c, Tags: it.tags,
				Version: &store.CaseVersion{CaseID: c.ID, Version: 1, Doc: it.raw, SubmittedAt: now, SubmittedBy: ownerID}})
			e := store.AuditEntry{At: at, Entity: "case", EntityID: c.ID, Action: "import", To: c.State, Reason: fmt.Sprintf("line %d", it.line)}
			if actor != nil {
				uid := actor.ID
				e.ActorID = &uid
			}
			audits = append(audits, e)
			ids = append(ids, c.ID)
		}
		if err := tx.InsertCases(ctx, cases); err != nil {
			return err
		}
		if err := tx.AddAudits(ctx, audits); err != nil {
			return err
		}
		// Published cases enter the library with their batch.
		if _, err := search.PutPrepared(ctx, tx, docs); err != nil {
			return fmt.Errorf("index imported cases: %w", err)
		}
		return nil
	})
	return ids, err
}

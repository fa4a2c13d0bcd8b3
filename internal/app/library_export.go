package app

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
)

// LibraryRecord is a published case as the library's exports and its API
// give it: the public id, call and publication time, the page's address,
// what is derived from the countries, and at the top level every field
// of the case record. It holds nothing of the submitter's account.
type LibraryRecord struct {
	ID          string    `json:"id"`
	Call        string    `json:"call"`
	PublishedAt time.Time `json:"published_at"`
	URL         string    `json:"url"`
	Regions     []string  `json:"regions"`
	SubRegions  []string  `json:"subregions"`
	// Groups are the country groups the countries belonged to on the
	// publication date, as the library's group filter counts them.
	Groups []string `json:"groups"`
	domain.Case
}

// LibraryRecordOf returns the record of a public case; its URL is the
// case's page in lang.
func (a *App) LibraryRecordOf(p PublicCase, lang string) LibraryRecord {
	return a.libraryRecord(p.ID, p.Call, p.PublishedAt, p.Doc, readerLang(lang))
}

func (a *App) libraryRecord(id, call string, publishedAt time.Time, doc domain.Case, lang string) LibraryRecord {
	// The facets of the search document, so that a record and the
	// library's filters always agree on where a case belongs.
	facets := search.DocFromCase(id, call, &doc, a.Groups, publishedAt).Facets
	return LibraryRecord{
		ID: id, Call: call, PublishedAt: publishedAt.UTC(), URL: a.CaseURL(lang, id),
		Regions: nonNil(facets[search.FacetRegion]), SubRegions: nonNil(facets[search.FacetSubRegion]),
		Groups: nonNil(facets[search.FacetGroup]), Case: doc,
	}
}

// LibraryExportColumns are the columns of the library's CSV and XLSX
// exports: the public system fields, then the case record's JSON names,
// nested objects flattened with dots, lists joined with semicolons and
// lists of objects written as JSON.
var LibraryExportColumns = []string{
	"id", "call", "published_at", "url",
	"language", "title", "summary", "organisation.name", "organisation.type", "organisation.country", "organisation.website",
	"countries", "regions", "subregions", "groups", "scope", "status", "period.start", "period.end", "sme.size_class", "sme.count",
	"sector", "problem", "solution", "technologies", "wsis.primary", "wsis.secondary", "sdgs.goals", "sdgs.targets",
	"sdg_linkage", "kpis", "impact", "partners", "enablers_constraints", "sustainability_replicability", "lessons",
	"cost_range", "funding", "links", "licence", "translations",
}

// libraryRow is a record as the cells of LibraryExportColumns.
func libraryRow(r *LibraryRecord) []string {
	d := &r.Case
	goals := make([]string, len(d.SDGs.Goals))
	for i, g := range d.SDGs.Goals {
		goals[i] = strconv.Itoa(g)
	}
	j := func(s []string) string { return strings.Join(s, ";") }
	return []string{
		r.ID, r.Call, r.PublishedAt.UTC().Format(time.RFC3339), r.URL,
		d.Language, d.Title, d.Summary, d.Organisation.Name, d.Organisation.Type, d.Organisation.Country, d.Organisation.Website,
		j(d.Countries), j(r.Regions), j(r.SubRegions), j(r.Groups), d.Scope, d.Status, d.Period.Start, d.Period.End, d.SME.SizeClass, string(d.SME.Count),
		d.Sector, d.Problem, d.Solution, j(d.Technologies), d.WSIS.Primary, j(d.WSIS.Secondary), j(goals), j(d.SDGs.Targets),
		d.SDGLinkage, jsonText(d.KPIs), d.Impact, jsonText(d.Partners), d.EnablersConstraints, d.SustainabilityReplicability, d.Lessons,
		d.CostRange, j(d.Funding), j(d.Links), d.Licence, jsonText(d.Translations),
	}
}

// xlsxCellLimit is the most characters an XLSX cell holds.
const xlsxCellLimit = 32767

// ExportLibrary writes every published case that q matches (its text,
// filters and sort; paging is ignored) to w as csv, jsonl or xlsx, for
// anyone. Records are read in chunks while earlier ones are written, so
// memory stays flat whatever the size of the library. CSV and JSON Lines
// reach w as they are written; XLSX once its sheet is complete (the
// stream writer keeps it in a temporary file), then compressed as it is
// sent. A case unpublished since the query ran is left out.
func (a *App) ExportLibrary(ctx context.Context, q search.Query, format string, w io.Writer) error {
	if !slices.Contains(ExportFormats, format) {
		return invalid(domain.Errors{field("format", "err.unknown_code", map[string]any{"Value": format})})
	}
	ids, err := a.LibraryIDs(ctx, q)
	if err != nil {
		return err
	}
	lang := readerLang(q.Lang)
	each := func(fn func(*LibraryRecord) error) error { return a.eachLibraryRecord(ctx, ids, lang, fn) }
	switch format {
	case "jsonl":
		bw := bufio.NewWriterSize(w, 64<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		if err := each(func(r *LibraryRecord) error { return enc.Encode(r) }); err != nil {
			return err
		}
		return bw.Flush()
	case "csv":
		bw := bufio.NewWriterSize(w, 64<<10)
		bw.WriteString("\uFEFF") // a BOM, so that spreadsheet programs read UTF-8
		cw := csv.NewWriter(bw)
		if err := cw.Write(LibraryExportColumns); err != nil {
			return err
		}
		err := each(func(r *LibraryRecord) error {
			row := libraryRow(r)
			for i := range row {
				row[i] = csvSafe(row[i])
			}
			return cw.Write(row)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	default: // xlsx
		x := excelize.NewFile()
		defer x.Close()
		// Left alone, excelize assembles the whole workbook in a memory
		// buffer before writing it; given a zip writer on w, it compresses
		// each part straight to the client.
		x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
		const sheet = "Cases"
		if err := x.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		// Cells are written as text: a value that looks like a formula
		// stays text, so no defusing is needed here.
		cells := func(row []string) []any {
			out := make([]any, len(row))
			for i, s := range row {
				if len(s) > xlsxCellLimit {
					s = strings.ToValidUTF8(s[:xlsxCellLimit], "")
				}
				out[i] = s
			}
			return out
		}
		if err := sw.SetRow("A1", cells(LibraryExportColumns)); err != nil {
			return err
		}
		n := 2
		err = each(func(r *LibraryRecord) error {
			cell, err := excelize.CoordinatesToCellName(1, n)
			if err != nil {
				return err
			}
			n++
			return sw.SetRow(cell, cells(libraryRow(r)))
		})
		if err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return x.Write(w)
	}
}

// exportChunk is how many cases one query of an export reads.
const exportChunk = 250

// eachLibraryRecord calls fn with the record of each published case among
// ids, in their order. One goroutine reads and decodes the next chunks
// while fn writes the current one.
func (a *App) eachLibraryRecord(ctx context.Context, ids []string, lang string, fn func(*LibraryRecord) error) error {
	calls, err := a.DB.ListCalls(ctx)
	if err != nil {
		return err
	}
	slugs := make(map[int64]string, len(calls))
	for _, c := range calls {
		slugs[c.ID] = c.Slug
	}
	rctx, cancel := context.WithCancel(ctx)
	type chunk struct {
		recs []LibraryRecord
		err  error
	}
	chunks := make(chan chunk, 2)
	go func() {
		defer close(chunks)
		for part := range slices.Chunk(ids, exportChunk) {
			recs, err := a.libraryRecords(rctx, part, slugs, lang)
			select {
			case chunks <- chunk{recs, err}:
			case <-rctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range chunks { // wait for the reader to stop
		}
	}()
	for c := range chunks {
		if c.err != nil {
			return c.err
		}
		for i := range c.recs {
			if err := fn(&c.recs[i]); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// libraryRecords reads the published cases among ids, in their order.
func (a *App) libraryRecords(ctx context.Context, ids []string, slugs map[int64]string, lang string) ([]LibraryRecord, error) {
	args := make([]any, 0, len(ids)+1)
	args = append(args, domain.StatePublished)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := a.DB.Query(ctx, `SELECT c.id, c.call_id, c.published_at, c.doc FROM cases c
		WHERE c.state = ? AND c.published_at IS NOT NULL AND c.id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("library export: %w", err)
	}
	defer rows.Close()
	found := make(map[string]LibraryRecord, len(ids))
	for rows.Next() {
		var (
			id        string
			callID    int64
			published any
			doc       []byte
		)
		if err := rows.Scan(&id, &callID, &published, &doc); err != nil {
			return nil, fmt.Errorf("library export: %w", err)
		}
		at, err := timeValue(published)
		if err != nil {
			return nil, fmt.Errorf("library export: case %s: %w", id, err)
		}
		var d domain.Case
		if err := json.Unmarshal(doc, &d); err != nil {
			return nil, fmt.Errorf("library export: case %s: decode: %w", id, err)
		}
		found[id] = a.libraryRecord(id, slugs[callID], at, d, lang)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("library export: %w", err)
	}
	out := make([]LibraryRecord, 0, len(found))
	for _, id := range ids {
		if r, ok := found[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// timeValue reads a timestamp column as either database returns it:
// SQLite stores Unix milliseconds, PostgreSQL a timestamptz.
func timeValue(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case int64:
		return time.UnixMilli(t).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("unexpected timestamp %T", v)
}

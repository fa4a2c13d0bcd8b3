package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Export formats.
var ExportFormats = []string{"csv", "xlsx", "jsonl"}

// ExportColumns are the CSV and XLSX columns: system fields, then the case
// record's JSON names, nested objects flattened with dots.
var ExportColumns = []string{
	"id", "call", "state", "version", "submitted_at",
	"language", "title", "summary", "organisation.name", "organisation.type", "organisation.country", "organisation.website",
	"countries", "regions", "groups", "scope", "status", "period.start", "period.end", "sme.size_class", "sme.count", "sector",
	"problem", "solution", "technologies", "wsis.primary", "wsis.secondary", "sdgs.goals", "sdgs.targets", "sdg_linkage",
	"kpis", "impact", "partners", "enablers_constraints", "sustainability_replicability", "lessons",
	"cost_range", "funding", "links", "licence", "consent_publish", "translations",
}

func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	if s := string(b); s != "null" && s != "[]" && s != "{}" {
		return s
	}
	return ""
}

func (a *App) row(c store.Case, slug string, d *domain.Case) []string {
	sub := ""
	if c.SubmittedAt != nil {
		sub = c.SubmittedAt.UTC().Format(time.RFC3339)
	}
	goals := make([]string, len(d.SDGs.Goals))
	for i, g := range d.SDGs.Goals {
		goals[i] = strconv.Itoa(g)
	}
	var regions, groups []string
	for _, t := range a.tags(d) {
		switch t.Facet {
		case "region":
			regions = append(regions, t.Value)
		case "group":
			groups = append(groups, t.Value)
		}
	}
	j := func(s []string) string { return strings.Join(s, ";") }
	return []string{
		c.ID, slug, c.State, strconv.Itoa(c.Version), sub,
		d.Language, d.Title, d.Summary, d.Organisation.Name, d.Organisation.Type, d.Organisation.Country, d.Organisation.Website,
		j(d.Countries), j(regions), j(groups), d.Scope, d.Status, d.Period.Start, d.Period.End, d.SME.SizeClass, string(d.SME.Count), d.Sector,
		d.Problem, d.Solution, j(d.Technologies), d.WSIS.Primary, j(d.WSIS.Secondary), j(goals), j(d.SDGs.Targets), d.SDGLinkage,
		jsonText(d.KPIs), d.Impact, jsonText(d.Partners), d.EnablersConstraints, d.SustainabilityReplicability, d.Lessons,
		d.CostRange, j(d.Funding), j(d.Links), d.Licence, strconv.FormatBool(d.ConsentPublish), jsonText(d.Translations),
	}
}

// csvSafe defuses spreadsheet formula injection: a cell that starts with
// = + - @ (or a tab/CR) is prefixed with an apostrophe, as OWASP advises,
// when it is not a plain number.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if domain.IsDecimal(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// Export writes a call's cases (staff only) in format to w, streaming rows
// from the database.
func (a *App) Export(ctx context.Context, actor Actor, slug, format string, f ListFilter, w io.Writer) error {
	if !isStaff(actor) {
		return forbidOrUnauth(actor)
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return err
	}
	return a.export(ctx, call, format, f, w)
}

func (a *App) export(ctx context.Context, call store.Call, format string, f ListFilter, w io.Writer) error {
	f.Page, f.PerPage = 0, 0
	sf := f.store(call.ID, 0)
	each := func(fn func(c store.Case, d *domain.Case) error) error {
		return a.DB.ListCasesWithDocs(ctx, sf, func(c store.Case) error {
			var d domain.Case
			if len(c.Doc) > 0 {
				if err := json.Unmarshal(c.Doc, &d); err != nil {
					return fmt.Errorf("case %s: %w", c.ID, err)
				}
			}
			return fn(c, &d)
		})
	}
	switch format {
	case "jsonl":
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		err := each(func(c store.Case, d *domain.Case) error {
			rec := ExportRecord{ID: c.ID, Call: call.Slug, State: c.State, Version: c.Version, SubmittedAt: c.SubmittedAt, Case: d}
			return enc.Encode(rec)
		})
		if err != nil {
			return err
		}
		return bw.Flush()
	case "csv":
		bw := bufio.NewWriter(w)
		bw.WriteString("\uFEFF") // a BOM, so spreadsheet programs read UTF-8
		cw := csv.NewWriter(bw)
		if err := cw.Write(ExportColumns); err != nil {
			return err
		}
		err := each(func(c store.Case, d *domain.Case) error {
			r := a.row(c, call.Slug, d)
			for i := range r {
				r[i] = csvSafe(r[i])
			}
			return cw.Write(r)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	case "xlsx":
		x := excelize.NewFile()
		defer x.Close()
		sheet := "Cases"
		x.SetSheetName("Sheet1", sheet)
		sw, err := x.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		cells := func(r []string) []any {
			out := make([]any, len(r))
			for i, s := range r {
				if len(s) > 32767 { // the cell limit of the XLSX format
					s = s[:32767]
				}
				out[i] = s
			}
			return out
		}
		if err := sw.SetRow("A1", cells(ExportColumns)); err != nil {
			return err
		}
		n := 2
		err = each(func(c store.Case, d *domain.Case) error {
			cell, _ := excelize.CoordinatesToCellName(1, n)
			n++
			return sw.SetRow(cell, cells(a.row(c, call.Slug, d)))
		})
		if err != nil {
			return err
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return x.Write(w)
	default:
		return invalid(domain.Errors{field("format", "err.unknown_code", nil)})
	}
}

// ExportRecord is one JSON Lines record: system fields and the case record.
type ExportRecord struct {
	ID          string     `json:"id"`
	Call        string     `json:"call"`
	State       string     `json:"state"`
	Version     int        `json:"version"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	*domain.Case
}

// ExportCall exports every case of a call for an operator at the command
// line (no actor: the operator has the database itself).
func (a *App) ExportCall(ctx context.Context, slug, format string, w io.Writer) error {
	call, err := a.DB.CallBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("call %q: %w", slug, err)
	}
	return a.export(ctx, call, format, ListFilter{}, w)
}

package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestExportAndFilters(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		// Three cases: Kenya/C7, Fiji/C2 (SIDS), and Nepal/C7 with a
		// formula-looking title.
		mk := func(country, wsis, title string) string {
			c := example(t)
			c.Countries, c.WSIS.Primary, c.WSIS.Secondary, c.Title = []string{country}, wsis, nil, title
			v, err := f.a.CreateCase(ctx, &f.alice, f.call.Slug, c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Submit(ctx, &f.alice, v.ID); err != nil {
				t.Fatal(err)
			}
			return v.ID
		}
		ke := mk("KE", "C7", "Tailoring workshops go digital in Kisumu")
		fj := mk("FJ", "C2", "تعاونية صيد الأسماك في فيجي تعتمد الدفع عبر الهاتف")
		np := mk("NP", "C7", "=HYPERLINK(\"http://evil.example\") trekking")

		list := func(f2 app.ListFilter) []string {
			items, n, err := f.a.Cases(ctx, &f.sec, f.call.Slug, f2)
			if err != nil || n != len(items) {
				t.Fatalf("list: %d/%d %v", len(items), n, err)
			}
			var ids []string
			for _, c := range items {
				ids = append(ids, c.ID)
			}
			return ids
		}
		for _, tc := range []struct {
			name string
			f    app.ListFilter
			want []string
		}{
			{"all", app.ListFilter{}, []string{ke, fj, np}},
			{"country OR", app.ListFilter{Countries: []string{"KE", "FJ"}}, []string{ke, fj}},
			{"region Oceania", app.ListFilter{Regions: []string{"009"}}, []string{fj}},
			{"wsis AND country", app.ListFilter{WSIS: []string{"C7"}, Countries: []string{"NP"}}, []string{np}},
			{"state", app.ListFilter{States: []string{"draft"}}, nil},
			{"technology", app.ListFilter{Technologies: []string{"payments"}}, []string{ke, fj, np}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := list(tc.f); strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}

		// CSV: a BOM, the header, one row per case, formulas defused.
		var buf bytes.Buffer
		if err := f.a.Export(ctx, &f.sec, f.call.Slug, "csv", app.ListFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")) {
			t.Error("CSV lacks a UTF-8 BOM")
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(app.ExportColumns, ",") {
			t.Fatalf("CSV rows = %d, header %v", len(rows), rows[0])
		}
		col := func(name string) int {
			for i, c := range rows[0] {
				if c == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		if got := rows[2][col("title")]; !strings.Contains(got, "فيجي") {
			t.Errorf("Arabic title in CSV = %q", got)
		}
		if got := rows[3][col("title")]; !strings.HasPrefix(got, "'=") {
			t.Errorf("formula not defused: %q", got)
		}
		if got := rows[2][col("groups")]; got != "SIDS" {
			t.Errorf("Fiji groups = %q", got)
		}

		// JSON Lines: one record per case, the case record at the top level.
		buf.Reset()
		if err := f.a.Export(ctx, &f.sec, f.call.Slug, "jsonl", app.ListFilter{Countries: []string{"KE"}}, &buf); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(&buf)
		n := 0
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatal(err)
			}
			if rec["id"] != ke || rec["title"] == nil || rec["state"] != "submitted" || rec["call"] != "sme-dx" {
				t.Errorf("jsonl record: %v", rec)
			}
			n++
		}
		if n != 1 {
			t.Errorf("jsonl lines = %d, want 1", n)
		}

		// XLSX: opens, with the header and three rows.
		buf.Reset()
		if err := f.a.Export(ctx, &f.sec, f.call.Slug, "xlsx", app.ListFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		xr, err := x.GetRows("Cases")
		if err != nil || len(xr) != 4 || xr[1][0] != ke {
			t.Fatalf("xlsx rows = %d %v", len(xr), err)
		}
		if err := f.a.Export(ctx, &f.sec, f.call.Slug, "pdf", app.ListFilter{}, &buf); kind(err) != app.KindInvalid {
			t.Errorf("unknown format: %v", err)
		}
	})
}

package web

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
)

// TestLibraryCaseDates checks that the public case page writes KPI dates
// and the period as the reader's language writes dates, and shows a date
// it cannot read as typed, in the case's language; caseDate in all six.
func TestLibraryCaseDates(t *testing.T) {
	e := newEnvSQLite(t)
	doc := exampleCase(t) // English, from February 2023 to August 2024
	doc.KPIs[0].Date = "2024-08"
	doc.KPIs[1].Date = "2024-08-30" // a day, as older records give it
	doc.KPIs[2].Date = "Q3 2024"
	pc := app.PublicCase{ID: "DX-2026-0001", Call: e.call.Slug, PublishedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Doc: doc}
	tests := []struct {
		lang                string
		month, day, fromTil string
	}{
		{"en", "August 2024", "30 August 2024", "February 2023"},
		{"ar", "أغسطس 2024", "30 أغسطس 2024", "فبراير 2023"},
		{"zh", "2024年8月", "2024年8月30日", "2023年2月"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/"+tt.lang+"/cases/"+pc.ID, nil)
			rq := &request{lang: tt.lang, L: e.app.Cat.Localizer(tt.lang)}
			var buf bytes.Buffer
			if err := e.h.tmpl.execute(&buf, "library_case", rq, e.h.libraryCaseData(r, rq, pc)); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, want := range []string{
				`<td><bdi>` + tt.month + `</bdi></td>`,
				`<td><bdi>` + tt.day + `</bdi></td>`,
				`<td><bdi lang="en">Q3 2024</bdi></td>`,
				esc(tt.fromTil),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			if strings.Contains(out, "<bdi>2024-08") {
				t.Error("a KPI date is shown as YYYY-MM")
			}
		})
	}
	t.Run("caseDate", func(t *testing.T) {
		tests := []struct {
			lang, in, want string
			ok             bool
		}{
			{"en", "2024-08", "August 2024", true},
			{"fr", "2024-06-01", "1er juin 2024", true},
			{"ru", "2024-06", "июнь 2024\u00a0г.", true},
			{"es", " 2024-06-30 ", "30 de junio de 2024", true},
			{"ar", "2024-06", "يونيه 2024", true},
			{"zh", "2024-06-30", "2024年6月30日", true},
			{"en", "2024-13", "2024-13", false},
			{"zh", "last year", "last year", false},
			{"en", "", "", false},
		}
		for _, tt := range tests {
			got, ok := caseDate(e.app.Cat.Localizer(tt.lang), tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("caseDate(%s, %q) = %q, %v; want %q, %v", tt.lang, tt.in, got, ok, tt.want, tt.ok)
			}
		}
	})
}

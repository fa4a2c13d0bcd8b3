package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func exampleCase(t *testing.T) domain.Case {
	t.Helper()
	b, err := os.ReadFile("testdata/case.json")
	if err != nil {
		t.Fatal(err)
	}
	var c domain.Case
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFormRoundTrip(t *testing.T) {
	full := exampleCase(t)
	full.Translations = map[string]domain.Translation{
		"fr": {Title: "Comptabilité en nuage à Kisumu", Summary: "Résumé", Source: "author"},
		"ar": {Title: "المحاسبة السحابية في كيسومو", Lessons: "دروس", Source: "machine"},
	}
	tests := []struct {
		name string
		c    domain.Case
	}{
		{"empty", domain.Case{}},
		{"complete example", full},
		{"invalid values kept as typed", domain.Case{
			Language: "xx-!!", Title: "short", Summary: "<script>alert(1)</script>",
			Organisation: domain.Organisation{Name: "A", Type: "alien", Country: "ZZ", Website: "http://not-https"},
			Countries:    []string{"KE", "XX"}, Scope: "galactic", Status: "done?",
			Period: domain.Period{Start: "March 2024", End: "2023-13"},
			SME:    domain.SME{SizeClass: "huge", Count: "many"}, Sector: "Z",
			Technologies: []string{"cloud", "telepathy"}, WSIS: domain.WSIS{Primary: "C99", Secondary: []string{"C99", "C1"}},
			SDGs: domain.SDGs{Goals: []int{8, 42, -1}, Targets: []string{"8.3", "99.z", "x y"}},
			KPIs: []domain.KPI{{Name: "Sales", Baseline: "1,000", Value: "abc", Unit: "USD", Date: "last year"},
				{Value: "12.5"}},
			Partners:  []domain.Partner{{Name: "P", Type: "nobody", Country: "QQ"}, {Country: "KE"}},
			Funding:   []string{"own", "lottery"},
			Links:     []string{"ftp://x", "https://ok.example"},
			Licence:   "WTFPL",
			CostRange: "free",
			Translations: map[string]domain.Translation{
				"en": {Title: "same as case"}, "klingon": {Source: "robot"},
			},
			ConsentPublish: true,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := formToCase(caseToForm(tt.c))
			if len(problems) > 0 {
				t.Fatalf("problems reading a case's own form: %v", problems)
			}
			if !reflect.DeepEqual(got, tt.c) {
				gb, _ := json.MarshalIndent(got, "", " ")
				wb, _ := json.MarshalIndent(tt.c, "", " ")
				t.Errorf("round trip changed the case:\ngot  %s\nwant %s", gb, wb)
			}
		})
	}
}

func TestFormToCaseReportsWhatItCannotKeep(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		fields []string
		goals  []int
	}{
		{"goal that is not a number", url.Values{"sdgs.goals": {"8", "x", "9"}}, []string{"sdgs.goals"}, []int{8, 9}},
		{"goal zero", url.Values{"sdgs.goals": {"0"}}, []string{"sdgs.goals"}, nil},
		{"translation without a language", url.Values{"translations.0.title": {"Titre"}}, []string{"translations.0.language"}, nil},
		{"two translations into one language", url.Values{
			"translations.0.language": {"fr"}, "translations.0.title": {"Un"},
			"translations.1.language": {"fr"}, "translations.1.title": {"Deux"},
		}, []string{"translations.1.language"}, nil},
		{"blank rows are not problems", url.Values{"kpis.0.name": {""}, "partners.3.name": {""}, "translations.2.language": {""}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problems := formToCase(tt.form)
			var fields []string
			for _, p := range problems {
				fields = append(fields, p.Field)
			}
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("problems on %v, want %v", fields, tt.fields)
			}
			if !reflect.DeepEqual(c.SDGs.Goals, tt.goals) {
				t.Errorf("goals %v, want %v", c.SDGs.Goals, tt.goals)
			}
		})
	}
}

func TestRowsAndPaths(t *testing.T) {
	v := url.Values{"kpis.0.name": {"a"}, "kpis.2.value": {"3"}, "kpis.x.name": {"?"}}
	if got := rowIndexes(v, "kpis"); !reflect.DeepEqual(got, []string{"0", "2"}) {
		t.Errorf("rowIndexes = %v", got)
	}
	tests := []struct {
		asked, limit, want int
	}{
		{0, 10, 4}, // rows 0…2 filled or used, plus one blank
		{6, 10, 6}, // "add a row" asked for six
		{0, 3, 3},  // capped
		{0, 2, 3},  // never fewer than the rows that hold values
	}
	for _, tt := range tests {
		if got := rowCount(v, "kpis", tt.asked, tt.limit); got != tt.want {
			t.Errorf("rowCount(asked %d, limit %d) = %d, want %d", tt.asked, tt.limit, got, tt.want)
		}
	}
	if got := rowCount(url.Values{}, "partners", 0, 20); got != 2 {
		t.Errorf("rowCount of an empty group = %d, want 2", got)
	}
	for in, want := range map[string]string{"kpis[2].value": "kpis.2.value", "sdgs.targets[1]": "sdgs.targets.1", "title": "title"} {
		if got := errorPath(in); got != want {
			t.Errorf("errorPath(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"kpis.0.name": "kpis[].name", "title": "title", "partners.12.name": "partners[].name"} {
		if got := limitPath(in); got != want {
			t.Errorf("limitPath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := labelPath("translations.3.title"); got != "translations.title" {
		t.Errorf("labelPath = %q", got)
	}
}

// uploadForm posts the case form's fields v with a file (none when name
// is ""), as the form's upload button sends them.
func (c *client) uploadForm(path string, v url.Values, name string, data []byte) *page {
	c.t.Helper()
	return c.postMultipart(path, v, "file", name, "application/octet-stream", data)
}

// TestUploadSavesTheForm: the upload button belongs to the case form, so
// without JavaScript the fields typed since the last save come with the
// file and are saved first; the form comes back as typed when the file or
// a field is wrong. A program that posts only the file changes nothing
// else. In Arabic, on SQLite and PostgreSQL.
func TestUploadSavesTheForm(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e, lang := newEnv(t, db), "ar"
		ctx := context.Background()
		c := e.client(t)
		c.signIn(lang, e.alice.Email)
		typed := func(edit func(v url.Values)) url.Values {
			v := caseToForm(exampleCase(t))
			v.Set("kpi_rows", "1")
			v.Set("partner_rows", "1")
			v.Set("translation_rows", "0")
			v.Set("lessons", "Typed before the upload, never saved by a button.")
			if edit != nil {
				edit(v)
			}
			return v
		}
		tests := []struct {
			name     string
			v        url.Values // nil: only the file
			file     string
			status   int
			contains []string
			lessons  string // saved afterwards
			files    int    // attached afterwards
		}{
			{"fields and a file", typed(nil), "evidence.pdf", http.StatusOK,
				[]string{esc(e.tr(lang, "case.attachments.uploaded", map[string]any{"Name": "evidence.pdf"})), "Typed before the upload"},
				"Typed before the upload, never saved by a button.", 1},
			{"a field the record cannot hold", typed(func(v url.Values) { v.Add("sdgs.goals", "eighteen") }), "evidence.pdf", http.StatusUnprocessableEntity,
				[]string{esc(e.tr(lang, "err.goal_number", map[string]any{"Value": "eighteen"})), "evidence.pdf", "Typed before the upload"},
				"Typed before the upload, never saved by a button.", 1},
			{"no file", typed(func(v url.Values) { v.Set("lessons", "Kept though no file came.") }), "", http.StatusUnprocessableEntity,
				[]string{esc(e.tr(lang, "case.err.file_empty")), `href="#f-file"`, "Kept though no file came."},
				"Kept though no file came.", 0},
			{"only a file", nil, "evidence.pdf", http.StatusOK,
				[]string{esc(e.tr(lang, "case.attachments.uploaded", map[string]any{"Name": "evidence.pdf"}))},
				"", 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := e.newDraft(t, e.alice, domain.Case{Title: "A draft"})
				c.get("/" + lang + "/me/cases/" + id + "/edit")
				c.uploadForm("/"+lang+"/me/cases/"+id+"/attachments", tt.v, tt.file, pdfBytes).expect(t, tt.status).contains(t, tt.contains...)
				cv, err := e.app.Case(ctx, &e.alice, id)
				if err != nil {
					t.Fatal(err)
				}
				if cv.Doc.Lessons != tt.lessons {
					t.Errorf("lessons saved: %q, want %q", cv.Doc.Lessons, tt.lessons)
				}
				if tt.v == nil && cv.Doc.Title != "A draft" {
					t.Errorf("a bare upload changed the title to %q", cv.Doc.Title)
				}
				atts, err := e.app.Attachments(ctx, &e.alice, id)
				if err != nil {
					t.Fatal(err)
				}
				if len(atts) != tt.files {
					t.Errorf("%d files attached, want %d", len(atts), tt.files)
				}
			})
		}
	})
}

// TestCaseViewLanguageAndID: the case's page names its language in the
// reader's language, not by its code, and the form's heading isolates the
// case's id, so that it keeps its order in a right-to-left title.
func TestCaseViewLanguageAndID(t *testing.T) {
	e := newEnvSQLite(t)
	id := e.newDraft(t, e.alice, domain.Case{Language: "fr", Title: "Paiements mobiles à Kisumu"})
	c := e.client(t)
	c.signIn("en", e.alice.Email)
	for _, lang := range []string{"en", "ar", "zh"} {
		t.Run(lang, func(t *testing.T) {
			name := e.app.Cat.Localizer(lang).LanguageName("fr")
			c.get("/"+lang+"/me/cases/"+id).expect(t, http.StatusOK).
				contains(t, `<dd dir="auto">`+esc(name)+`</dd>`).lacks(t, `<dd dir="auto">fr</dd>`)
			c.get("/"+lang+"/me/cases/"+id+"/edit").expect(t, http.StatusOK).
				contains(t, esc(e.tr(lang, "case.edit.title", map[string]any{"CaseID": "\u2068" + id + "\u2069"})))
		})
	}
}

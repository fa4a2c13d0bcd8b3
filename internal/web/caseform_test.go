package web

import (
	"encoding/json"
	"net/url"
	"os"
	"reflect"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
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

package app_test

import (
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// TestFieldsPunctuation: the receipt's copy of a case names its language
// in the reader's language, punctuates lists and labels as that language
// writes them, and writes its months in words.
func TestFieldsPunctuation(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	a := &app.App{Cat: cat}
	tests := []struct {
		lang, caseLang, language, targets, semicolon, start, end, kpi string
	}{
		{"en", "fr", "French", "8.3, 8.10, 9.3", "; ", "February 2023", "August 2024", "Bookkeeping: 9 → 3 hours (August 2024)"},
		{"fr", "fr", "français", "8.3, 8.10, 9.3", "\u202f; ", "février 2023", "août 2024", "Bookkeeping\u00a0: 9 → 3 hours (août 2024)"},
		{"fr", "pt", "portugais", "8.3, 8.10, 9.3", "\u202f; ", "février 2023", "août 2024", "Bookkeeping\u00a0: 9 → 3 hours (août 2024)"},
		{"es", "fr", "francés", "8.3, 8.10, 9.3", "; ", "febrero de 2023", "agosto de 2024", "Bookkeeping: 9 → 3 hours (agosto de 2024)"},
		{"ru", "fr", "французский", "8.3, 8.10, 9.3", "; ", "февраль 2023\u00a0г.", "август 2024\u00a0г.", "Bookkeeping: 9 → 3 hours (август 2024\u00a0г.)"},
		{"zh", "fr", "法文", "8.3、8.10、9.3", "；", "2023年2月", "2024年8月", "Bookkeeping：9 → 3 hours（2024年8月）"},
		{"ar", "fr", "الفرنسية", "8.3، 8.10، 9.3", "؛ ", "فبراير 2023", "أغسطس 2024", "Bookkeeping: 9 → 3 hours (أغسطس 2024)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.caseLang, func(t *testing.T) {
			c := example(t)
			c.Language = tt.caseLang
			c.KPIs = c.KPIs[:1]
			c.KPIs[0].Name = "Bookkeeping"
			L := cat.Localizer(tt.lang)
			got := map[string]string{}
			for _, f := range a.Fields(tt.lang, &c) {
				got[f.Label] = f.Value
			}
			// Goal titles hold commas, so goals are separated by semicolons.
			goals := "8 " + L.T("vocab.sdg.8") + tt.semicolon + "9 " + L.T("vocab.sdg.9")
			funding := L.T("vocab.funding.own") + tt.semicolon + L.T("vocab.funding.public")
			for _, w := range []struct{ label, want string }{
				{L.T("case.field.language.label"), tt.language},
				{L.T("case.field.sdgs.targets.label"), tt.targets},
				{L.T("case.field.sdgs.goals.label"), goals},
				{L.T("case.field.funding.label"), funding},
				{L.T("case.field.period.start.label"), tt.start},
				{L.T("case.field.period.end.label"), tt.end},
				{L.T("case.field.kpis.label") + " 1", tt.kpi},
			} {
				if got[w.label] != w.want {
					t.Errorf("%s = %q, want %q", w.label, got[w.label], w.want)
				}
			}
		})
	}
}

// TestFieldsDates: a KPI dated by day is written as a date, and a value
// that is no date is kept as it was written.
func TestFieldsDates(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	a := &app.App{Cat: cat}
	c := example(t)
	c.Period.End = "mid-2024"
	c.KPIs = c.KPIs[:2]
	c.KPIs[0].Name, c.KPIs[0].Date = "Bookkeeping", "2024-08-31"
	c.KPIs[1].Name, c.KPIs[1].Date = "Loans", "2024-13"
	L := cat.Localizer("fr")
	got := map[string]string{}
	for _, f := range a.Fields("fr", &c) {
		got[f.Label] = f.Value
	}
	for _, w := range []struct{ label, want string }{
		{L.T("case.field.period.end.label"), "mid-2024"},
		{L.T("case.field.kpis.label") + " 1", "Bookkeeping\u00a0: 9 → 3 hours (31 août 2024)"},
		{L.T("case.field.kpis.label") + " 2", "Loans\u00a0: 2 → 17 workshops (2024-13)"},
	} {
		if got[w.label] != w.want {
			t.Errorf("%s = %q, want %q", w.label, got[w.label], w.want)
		}
	}
}

package app_test

import (
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// TestFieldsPunctuation: the receipt's copy of a case names its language
// in the reader's language and punctuates lists and labels as that
// language writes them.
func TestFieldsPunctuation(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	a := &app.App{Cat: cat}
	tests := []struct {
		lang, caseLang, language, targets, kpi string
	}{
		{"en", "fr", "French", "8.3, 8.10, 9.3", "Bookkeeping: 9 → 3 hours (2024-08)"},
		{"fr", "fr", "français", "8.3, 8.10, 9.3", "Bookkeeping\u00a0: 9 → 3 hours (2024-08)"},
		{"fr", "pt", "portugais", "8.3, 8.10, 9.3", "Bookkeeping\u00a0: 9 → 3 hours (2024-08)"},
		{"es", "fr", "francés", "8.3, 8.10, 9.3", "Bookkeeping: 9 → 3 hours (2024-08)"},
		{"ru", "fr", "французский", "8.3, 8.10, 9.3", "Bookkeeping: 9 → 3 hours (2024-08)"},
		{"zh", "fr", "法文", "8.3、8.10、9.3", "Bookkeeping：9 → 3 hours (2024-08)"},
		{"ar", "fr", "الفرنسية", "8.3، 8.10، 9.3", "Bookkeeping: 9 → 3 hours (2024-08)"},
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
			for _, w := range []struct{ label, want string }{
				{L.T("case.field.language.label"), tt.language},
				{L.T("case.field.sdgs.targets.label"), tt.targets},
				{L.T("case.field.kpis.label") + " 1", tt.kpi},
			} {
				if got[w.label] != w.want {
					t.Errorf("%s = %q, want %q", w.label, got[w.label], w.want)
				}
			}
		})
	}
}

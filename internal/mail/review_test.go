package mail

import (
	"strings"
	"testing"
)

// assignStrings are the catalogue's assignment strings in three languages
// whose list separators differ.
var assignStrings = map[string]map[string]string{
	"en": {
		"mail.assign.subject":      "Your cases to review in “{{.Call}}”",
		"mail.assign.body_removed": "The secretariat has assigned cases to you for review in the call “{{.Call}}”; they are listed below. You no longer need to review these cases: {{.Removed}}. To read your cases and record your reviews, open your reviewer page:\n\n{{.Link}}",
		"mail.assign.changed":      "Your assignments in the call “{{.Call}}” have changed: you no longer need to review these cases: {{.Removed}}. Your other assignments are unchanged:\n\n{{.Link}}",
		"mail.assign.heading":      "Cases newly assigned to you",
	},
	"ar": {
		"mail.assign.subject":      "دراسات الحالة المطلوب منكم مراجعتها في إطار «{{.Call}}»",
		"mail.assign.body_removed": "عيّنت لكم الأمانة دراسات حالة لمراجعتها في إطار الدعوة «{{.Call}}»، وترد قائمتها أدناه. ولم تعد مراجعة دراسات الحالة التالية مطلوبة منكم: {{.Removed}}. وللاطلاع على دراسات الحالة المعيَّنة لكم وتسجيل مراجعاتكم، يُرجى فتح صفحة المراجع الخاصة بكم:\n\n{{.Link}}",
		"mail.assign.changed":      "طرأ تغيير على تعييناتكم في إطار الدعوة «{{.Call}}»، إذ لم تعد مراجعة دراسات الحالة التالية مطلوبة منكم: {{.Removed}}. أما تعييناتكم الأخرى فلم تتغير:\n\n{{.Link}}",
		"mail.assign.heading":      "دراسات الحالة المعيَّنة لكم حديثًا",
	},
	"zh": {
		"mail.assign.subject":      "您在“{{.Call}}”中需评审的案例",
		"mail.assign.body_removed": "秘书处已在“{{.Call}}”征集中为您分配了待评审的案例，列表如下。以下案例您无需再评审：{{.Removed}}。如需阅读案例并录入评审，请打开您的评审人页面：\n\n{{.Link}}",
		"mail.assign.changed":      "您在“{{.Call}}”中的分配有所变化：以下案例您无需再评审：{{.Removed}}。您的其他分配保持不变：\n\n{{.Link}}",
		"mail.assign.heading":      "新分配给您的案例",
	},
}

// assignLocalizer is testLocalizer with the assignment strings.
func assignLocalizer(lang string) Localizer {
	t := map[string]string{}
	for k, v := range testCatalog[lang] {
		t[k] = v
	}
	for k, v := range assignStrings[lang] {
		t[k] = v
	}
	return tableLoc{lang: lang, strings: t}
}

var removedCases = []AssignedCase{
	{CaseID: "DX-2026-0007", Title: "Cold chain"},
	{CaseID: "DX-2026-0011", Title: "Market app"},
	{CaseID: "DX-2026-0019", Title: "E-invoicing"},
}

func TestAssignmentsListsRemovedCasesInTheReadersLanguage(t *testing.T) {
	c := NewComposer(assignLocalizer, "https://dxatlas.example.org")
	tests := []struct {
		lang     string
		wantText string // the removed cases in the plain text
		wantHTML string // and in the HTML part, each id isolated
	}{
		{
			lang:     "en",
			wantText: "these cases: DX-2026-0007, DX-2026-0011, DX-2026-0019.",
			wantHTML: `these cases: <span dir="auto">DX-2026-0007</span>, <span dir="auto">DX-2026-0011</span>, <span dir="auto">DX-2026-0019</span>.`,
		},
		{
			lang:     "ar",
			wantText: "مطلوبة منكم: DX-2026-0007، DX-2026-0011، DX-2026-0019.",
			wantHTML: `مطلوبة منكم: <span dir="auto">DX-2026-0007</span>، <span dir="auto">DX-2026-0011</span>، <span dir="auto">DX-2026-0019</span>.`,
		},
		{
			lang:     "zh",
			wantText: "无需再评审：DX-2026-0007、DX-2026-0011、DX-2026-0019。",
			wantHTML: `无需再评审：<span dir="auto">DX-2026-0007</span>、<span dir="auto">DX-2026-0011</span>、<span dir="auto">DX-2026-0019</span>。`,
		},
	}
	for _, tt := range tests {
		for _, added := range [][]AssignedCase{nil, {{CaseID: "DX-2026-0023", Title: "Solar kiosks"}}} {
			name := tt.lang + "/removed only"
			if added != nil {
				name = tt.lang + "/added and removed"
			}
			t.Run(name, func(t *testing.T) {
				m := c.Assignments(tt.lang, "reviewer@example.org", "Reviewer", AssignmentData{
					Run: "run-1", Call: "Call 2026", Added: added, Removed: removedCases, Link: "/" + tt.lang + "/review",
				})
				if !strings.Contains(m.Text, tt.wantText) {
					t.Errorf("text lacks %q:\n%s", tt.wantText, m.Text)
				}
				if !strings.Contains(m.HTML, tt.wantHTML) {
					t.Errorf("HTML lacks %s\n%s", tt.wantHTML, m.HTML)
				}
				if strings.ContainsAny(m.Text+m.HTML+m.Subject, "\uE000\uE001\uE002\uE003") {
					t.Error("markers leaked into the message")
				}
			})
		}
	}
}

func TestAssignmentsGolden(t *testing.T) {
	c := NewComposer(assignLocalizer, "https://dxatlas.example.org/")
	m := c.Assignments("ar", "layla@example.org", "ليلى الحسيني", AssignmentData{
		Run: "3f9c2a", Call: "الدعوة العالمية لتقديم الحالات 2026",
		Added:   []AssignedCase{{CaseID: "DX-2026-0023", Title: "أكشاك الطاقة الشمسية في Kassala"}},
		Removed: removedCases[:2],
		Link:    "/ar/review",
	})
	head := "To: " + m.To + "\nSubject: " + m.Subject + "\nKey: " + m.Key + "\n\n"
	golden(t, "assign_ar.txt.golden", head+m.Text)
	golden(t, "assign_ar.html.golden", m.HTML)
}

package web

import (
	"bytes"
	"html/template"
	"maps"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// rawKey matches text that looks like a catalogue key left untranslated:
// two or more dot-separated lower-case words starting with a known area.
var rawKey = regexp.MustCompile(`\b(?:site|nav|footer|lang|form|account|call|case|sec|state|phase|role|error|err|mail|vocab|zone|admin|library|review)\.[a-z_]+(?:\.[a-zA-Z0-9_]+)*\b`)

// checkNoRawKeys fails if the visible text of an HTML page holds a key.
func checkNoRawKeys(t *testing.T, where, body string) {
	t.Helper()
	// Only text and attribute values people read; URLs and names of form
	// fields legitimately hold dotted words.
	text := regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>`).ReplaceAllString(body, "")
	text = regexp.MustCompile(`\s(name|href|action|id|for|aria-describedby|aria-labelledby|data-[a-z-]+|value|src|class)="[^"]*"`).ReplaceAllString(text, "")
	if m := rawKey.FindAllString(text, 5); m != nil {
		t.Errorf("%s shows raw catalogue keys: %v", where, m)
	}
}

// TestTemplatesRender renders every page template with a filled value of
// its type, in English and Arabic, so that a misspelt field or a missing
// text fails here rather than on a page.
func TestTemplatesRender(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/"+lang+"/", nil)
			u := e.alice
			rq := &request{lang: lang, L: e.app.Cat.Localizer(lang), user: &u, csrf: "tok"}
			b := e.h.base(r, rq, "Title")
			f := &formField{ID: "f-x", Name: "x", Kind: kindText, Label: "X", Help: "help", Errors: []string{"wrong"}}
			sel := &formField{ID: "f-s", Name: "s", Kind: kindChecks, Label: "S", Options: withIDs("f-s", []option{{Value: "a", Label: "A", Selected: true}, {Value: "b", Label: "B"}})}
			cv := h0callView(e, rq)
			meta := caseMeta{ID: "DX-2026-0001", State: "draft", Title: "A case", CallSlug: "sme-dx", CallTitle: "Call", Deadline: "soon", Version: 1, Locked: "locked", Owner: true}
			form, fe := buildCaseForm(rq, caseToForm(exampleCase(t)), rowsAsked{}, nil, false)
			samples := map[string]any{
				"error":      &errorPageData{basePage: b, Status: 404, Message: "gone"},
				"home":       &homePage{basePage: b, Open: []callView{cv}, Other: []callView{cv}},
				"call":       &callPage{basePage: b, Call: cv, CanStart: true, SignIn: "/x"},
				"register":   &registerPage{basePage: b, Fields: []*formField{f, sel}, Summary: []summaryItem{{"#f-x", "X: wrong"}}},
				"message":    &messagePage{basePage: b, Paragraphs: []string{"p"}, Links: []navLink{{"/", "home"}}},
				"email_form": &emailFormPage{basePage: b, Intro: "i", Action: "/a", Submit: "s", Field: f},
				"signin":     &signInPage{basePage: b, Email: f, Password: f, Next: "/en/", Pending: []hiddenField{{"title", "T"}}},
				"reset":      &resetPage{basePage: b, Token: "t", Fields: []*formField{f}},
				"profile":    &profilePage{basePage: b, Email: "a@b.example", Role: "Applicant", Fields: []*formField{f}},
				"resubmit":   &resubmitPage{basePage: b, Action: "/en/cases/x/edit", Fields: []hiddenField{{"title", "T"}}},
				"my_cases":   &myCasesPage{basePage: b, Cases: []caseRow{{ID: "DX-1", Title: "T", State: "draft", CallTitle: "C", Editable: true}}},
				"case_edit": &caseEditPage{basePage: b, Case: meta, Action: "/a", Form: form, Summary: fe.Summary, Missing: []navLink{{"#f-title", "Title"}}, Attachments: []attachmentRow{{Name: "a.pdf", Href: "/h", Delete: "/d", Type: "application/pdf", Size: "1 kB"}}, Upload: f, Submitted: true,
					DraftFile: &formField{ID: "f-draft", Name: "draft", Kind: "file", Label: "Draft file", Help: "help", Errors: []string{"not a case"}}},
				"case_show":     &caseShowPage{basePage: b, Case: meta, Fields: []mail.Field{{Label: "L", Value: "V"}}, Versions: []versionRow{{1, "now"}}, Attachments: []attachmentRow{{Name: "a.pdf"}}, CanEdit: true, CanWithdraw: true},
				"case_withdraw": &withdrawPage{basePage: b, Case: meta, Reason: f},
				"sec_calls":     &secCallsPage{basePage: b, Calls: []secCallRow{{callView: cv, Counts: []stateCount{{"draft", 2}}, Total: 2}}},
				"sec_call_form": &callFormPage{basePage: b, Action: "/a", Fields: []*formField{f}, Titles: []*formField{f}, Descs: []*formField{f},
					Elig:  &rowGroup{ID: "f-eligibility", Name: "eligibility", Legend: "E", Rows: []formRow{{Legend: "1", Fields: []*formField{f}}}, anchor: f, AddAction: "add", AddLabel: "Add"},
					Times: []*formField{f}, Review: []*formField{f}, Rows: 1},
				"sec_cases":       &secCasesPage{basePage: b, Call: cv, Filters: []*formField{f}, Cases: []caseRow{{ID: "DX-1", Title: "T", State: "submitted", Language: "fr"}}, Total: 1, Counts: []stateCount{{"submitted", 1}}, All: 1, Page: 1, Pages: 2, Next: "/n", Exports: []navLink{{"/x.csv", "CSV"}}},
				"admin_mail":      &adminMailPage{basePage: b, Messages: []mailRow{{ID: 1, To: "a@b", Subject: "S", Href: "/h", Created: "now", Sent: "now"}, {ID: 2, Error: "refused"}, {ID: 3}}},
				"admin_mail_show": &adminMailShowPage{basePage: b, Msg: mailRow{ID: 1, To: "a@b"}, Text: "Hello"},
				"admin_users":     &adminUsersPage{basePage: b, Users: []userRow{{Email: "a@b", Name: "A", Role: "r", Verified: true}}},
			}
			maps.Copy(samples, librarySamples(b))
			maps.Copy(samples, reviewSamples(t, e, rq, b))
			for name := range pageTypes {
				data, ok := samples[name]
				if !ok {
					t.Errorf("no sample for page %s", name)
					continue
				}
				var buf bytes.Buffer
				if err := e.h.tmpl.execute(&buf, name, rq, data); err != nil {
					t.Errorf("page %s: %v", name, err)
					continue
				}
				out := buf.String()
				if n := strings.Count(out, "<h1"); n != 1 {
					t.Errorf("page %s has %d h1 elements, want 1", name, n)
				}
				for _, landmark := range []string{"<header", "<nav", "<main", "<footer", `class="skip"`} {
					if !strings.Contains(out, landmark) {
						t.Errorf("page %s lacks %s", name, landmark)
					}
				}
				checkNoRawKeys(t, name, out)
			}
			// A page rendered with another type is refused.
			if err := e.h.tmpl.execute(&bytes.Buffer{}, "home", rq, &errorPageData{}); err == nil {
				t.Error("home rendered with errorPageData")
			}
		})
	}
}

func h0callView(e *env, rq *request) callView {
	c := e.call
	c.Eligibility = append(c.Eligibility, store.EligibilityItem{Code: "x", Text: store.LocalText{"fr": "seulement en français"}})
	return e.h.callView(rq, c)
}

// TestFoldConstants: calls of t and url on constants render as before
// once folded, escaped for where they stand, and t is no longer called
// for them; calls with data, or on a piped value, are left alone.
func TestFoldConstants(t *testing.T) {
	const src = `<p title="{{t "nav.home"}}">{{t "nav.home"}} {{label (t "library.sort.label")}}</p>` +
		`<a href="{{url "/cases?q=a b&c=<d>"}}">{{t "library.total" "Count" 3}}</a>` +
		`{{if true}}{{t "library.feed.link"}}{{else}}{{url "/x"}}{{end}}{{range .}}{{. | t}}{{end}}{{"x" | t "nav.home"}}` +
		`{{with "x"}}<b data-x='{{t "library.next"}}'>{{t "nav.missing.key"}}</b>{{end}}`
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ar", "fr", "zh"} {
		rq := &request{lang: lang, L: cat.Localizer(lang)}
		render := func(fold bool) (string, int) {
			calls := 0
			fm := funcs(rq)
			inner := fm["t"].(func(string, ...any) string)
			fm["t"] = func(key string, pairs ...any) string { calls++; return inner(key, pairs...) }
			tp := template.Must(template.New("x").Funcs(fm).Parse(src))
			if fold {
				foldConstants(tp, funcs(rq))
			}
			var b strings.Builder
			if err := tp.Execute(&b, []string{"library.prev"}); err != nil {
				t.Fatal(err)
			}
			return b.String(), calls
		}
		want, wantCalls := render(false)
		got, calls := render(true)
		if got != want {
			t.Errorf("%s: folded\n%s\nwant\n%s", lang, got, want)
		}
		if wantCalls != 9 || calls != 3 {
			t.Errorf("%s: t called %d times, %d folded; want 9 and 3", lang, wantCalls, calls)
		}
		if !strings.Contains(got, "%20b&amp;c=%3cd%3e") {
			t.Errorf("%s: the constant URL is not escaped as a URL: %s", lang, got)
		}
	}
}

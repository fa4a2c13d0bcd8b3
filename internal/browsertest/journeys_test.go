package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// sentences are sample text in the journeys' languages.
var sentences = map[string]string{
	"en": "The cooperative moved its orders, stock and payments to mobile phones and trained every member to use them. ",
	"ar": "نقلت التعاونية طلباتها ومخزونها ومدفوعاتها إلى الهواتف المحمولة ودربت جميع الأعضاء على استخدامها. ",
	"zh": "合作社把订单、库存和付款转到手机上，并培训了每位成员使用。",
}

// words is sample text in lang of at least n words.
func words(lang string, n int) string {
	var b strings.Builder
	for domain.WordCount(b.String()) < n {
		b.WriteString(sentences[lang])
	}
	return b.String()
}

// pdfBytes is a minimal PDF document, for an attachment.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// TestKeyboardJourney goes from the home page to a submitted case with the
// keyboard only, JavaScript on: register, verify, sign in, start a case,
// fill it, submit with an error, follow the error summary's link to the
// field, fix it and submit. Every page's first Tab must reach the skip
// link, and every focused element must show its focus.
func TestKeyboardJourney(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			journey(t, s, lang, false)
		})
	}
}

// TestNoScriptJourney is the same journey with JavaScript disabled:
// everything works without it, and nothing typed is lost on the way
// (saving a draft, adding a KPI row, uploading, a submission with errors).
func TestNoScriptJourney(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			journey(t, s, lang, true)
		})
	}
}

// journey runs the applicant's journey in lang, by keyboard only.
func journey(t *testing.T, s *suite, lang string, noScript bool) {
	ctx := context.Background()
	tb := s.tab(t, visitor, TabOptions{NoScript: noScript})
	k := &keyboard{t: t, tb: tb}
	L := "/" + lang
	email := "keyboard-" + lang + "-" + strconv.FormatBool(noScript) + "@sme.example"
	const password = "keyboard only 2026"

	// Home, then the register link in the header.
	if st := tb.Open(t, L+"/"); st != http.StatusOK {
		t.Fatalf("home: status %d", st)
	}
	k.arrived()
	k.tabTo(`header a[href$="/account/register"]`)
	expectStatus(t, tb, "register link", k.activate(kb.Enter), http.StatusOK)

	// Register.
	k.arrived()
	k.fill("#f-email", email)
	k.fill("#f-password", password)
	k.fill("#f-password2", password)
	if f := k.tab(true); f.ID != "f-password" {
		t.Errorf("Shift+Tab from the second password field reached %s", f)
	}
	k.fill("#f-name", "Amina Odhiambo")
	k.fill("#f-org_name", "Kisumu Tailors Cooperative")
	k.choose("#f-org_type", 1)
	k.choose("#f-org_country", 1)
	k.tabTo(`main form button[type=submit]`)
	expectStatus(t, tb, "register", k.activate(kb.Enter), http.StatusOK)
	if n := Eval[int](t, tb, `document.querySelectorAll(".error-summary").length`); n != 0 {
		t.Fatalf("registration failed: %s", Eval[string](t, tb, `document.querySelector(".error-summary").innerText`))
	}

	// Verify, from the link in the mail.
	link, err := s.site.VerifyLink(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	expectStatus(t, tb, "verification link", tb.Load(t, chromedp.Navigate(link)), http.StatusOK)

	// Sign in: Enter in the password field sends the form.
	k.arrived()
	k.fill("#f-email", email)
	k.fill("#f-password", password)
	expectStatus(t, tb, "sign in", k.activate(kb.Enter), http.StatusOK)
	if p := tb.Path(t); strings.Contains(p, "/account/signin") {
		t.Fatalf("still at %s after signing in", p)
	}

	// Home, the call, and Start a case.
	k.arrived()
	k.tabTo(`header nav a[href="` + L + `/"]`)
	expectStatus(t, tb, "home", k.activate(kb.Enter), http.StatusOK)
	k.arrived()
	k.tabTo(`main a[href$="/calls/` + s.fx["call"] + `"]`)
	expectStatus(t, tb, "call", k.activate(kb.Enter), http.StatusOK)
	// The page's script shows the deadline in the reader's time zone: the
	// proof that scripts run, or not.
	if hidden := Eval[bool](t, tb, `document.querySelector("[data-local-hint]").hidden`); hidden != noScript {
		t.Fatalf("local deadline hidden: %v, with scripts disabled: %v", hidden, noScript)
	}
	k.arrived()
	k.tabTo(`main form[action$="/cases"] button[type=submit]`)
	expectStatus(t, tb, "start a case", k.activate(kb.Enter), http.StatusOK)
	m := caseIDRE.FindStringSubmatch(tb.Path(t))
	if m == nil {
		t.Fatalf("starting a case led to %s", tb.Path(t))
	}
	id := m[1]

	// The case form: every required field, but a summary too short.
	k.arrived()
	k.chooseValue("#f-language", lang)
	title := map[string]string{"en": "Mobile orders for a tailoring cooperative", "ar": "الطلبات عبر الهاتف لتعاونية خياطة", "zh": "裁缝合作社的手机订单与移动支付"}[lang]
	k.fill("#f-title", title)
	short := words(lang, 5)
	k.fill("#f-summary", short)
	k.tabTo("#f-countries")
	k.press(kb.ArrowDown)
	if n := Eval[int](t, tb, `document.querySelector("#f-countries").selectedOptions.length`); n != 1 {
		t.Fatalf("ArrowDown in the countries list selected %d", n)
	}
	k.check("#f-scope")
	k.check("#f-status")
	k.fill("#f-period-start", "2024-03")
	k.check("#f-sme-size_class")
	k.choose("#f-sector", 1)
	k.fill("#f-problem", words(lang, 35))
	k.fill("#f-solution", words(lang, 55))
	k.check("#f-technologies")
	k.choose("#f-wsis-primary", 1)
	k.check("#f-sdgs-goals")
	k.fill("#f-sdg_linkage", words(lang, 25))
	k.fill("#f-kpis-0-name", "Orders per month")
	k.fill("#f-kpis-0-value", "120")
	k.fill("#f-impact", words(lang, 35))
	k.fill("#f-enablers_constraints", words(lang, 25))
	k.fill("#f-sustainability_replicability", words(lang, 25))
	k.check("#f-licence")
	k.check("#f-consent_publish")

	// Save the draft: what was typed comes back.
	k.tabTo(`button[name=action][value=save]`)
	expectStatus(t, tb, "save draft", k.activate(kb.Enter), http.StatusOK)
	keeps(t, tb, map[string]string{"#f-title": title, "#f-summary": short, "#f-kpis-0-value": "120", "#f-period-start": "2024-03"})

	// Add a KPI row: with JavaScript in place, without it by a round trip
	// that keeps everything.
	k.arrived()
	rows := Eval[int](t, tb, `document.querySelectorAll("[data-rows=kpis] [data-row]").length`)
	k.tabTo(`button[name=action][value=add_kpi]`)
	if noScript {
		expectStatus(t, tb, "add a KPI row", k.activate(kb.Enter), http.StatusOK)
		k.arrived() // at the KPI rows
	} else {
		before := tb.Path(t)
		k.press(kb.Enter)
		if p := tb.Path(t); p != before {
			t.Fatalf("add a KPI row went to %s; JavaScript should add it in place", p)
		}
	}
	if got := Eval[int](t, tb, `document.querySelectorAll("[data-rows=kpis] [data-row]").length`); got != rows+1 {
		t.Fatalf("KPI rows: %d after adding one to %d", got, rows)
	}
	keeps(t, tb, map[string]string{"#f-title": title, "#f-kpis-0-name": "Orders per month"})
	last := strconv.Itoa(rows)
	if !noScript {
		// The script puts the focus in the new row.
		if f := k.checked("#f-kpis-" + last + "-name"); !f.Matches {
			t.Errorf("after adding a KPI row the focus is on %s", f)
		}
	}
	k.fill("#f-kpis-"+last+"-name", "Members paid by mobile money")
	k.fill("#f-kpis-"+last+"-value", "38")
	k.tabTo(`button[name=action][value=save]`)
	expectStatus(t, tb, "save draft", k.activate(kb.Enter), http.StatusOK)
	// Saving drops the blank row between the two: the KPIs move up.
	kept := map[string]string{"#f-title": title, "#f-summary": short, "#f-period-start": "2024-03",
		"#f-kpis-0-name": "Orders per month", "#f-kpis-0-value": "120",
		"#f-kpis-1-name": "Members paid by mobile money", "#f-kpis-1-value": "38"}
	keeps(t, tb, kept)

	// Upload an attachment: the file is chosen through the protocol (a
	// file dialog is not part of the page), the form is sent by keyboard.
	k.arrived()
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.Do(t, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}))
	k.tabTo(`form[enctype="multipart/form-data"] button[type=submit]`)
	expectStatus(t, tb, "upload", k.activate(kb.Enter), http.StatusOK)
	if !Eval[bool](t, tb, `[...document.querySelectorAll("#attachments a")].some(a => a.textContent.includes("report.pdf"))`) {
		t.Error("the uploaded file is not listed")
	}
	keeps(t, tb, kept)

	// Submit with the summary too short: the error summary links to it.
	k.arrived()
	k.tabTo(`button[name=action][value=submit]`)
	expectStatus(t, tb, "submit with an error", k.activate(" "), http.StatusUnprocessableEntity)
	errs := Eval[[]string](t, tb, `[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href") + " " + a.textContent)`)
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "#f-summary ") {
		t.Fatalf("error summary %q, want only the summary's length", errs)
	}
	keeps(t, tb, kept)
	if noScript {
		k.arrived()
		k.tabTo(`.error-summary a`)
	} else {
		// The script moves the focus to the summary, so that it is read
		// out; the next Tab reaches its first link.
		if f := k.checked(".error-summary"); !f.Matches {
			t.Fatalf("the error summary does not have the focus: %s", f)
		}
		if f := k.tab(false); f.Href != "#f-summary" {
			t.Fatalf("Tab from the error summary reached %s", f)
		}
	}
	if st := k.activate(kb.Enter); st != 0 {
		t.Fatalf("the error link loaded a page (status %d)", st)
	}
	if f := k.checked("#f-summary"); !f.Matches {
		t.Fatalf("the error link moved the focus to %s, want the summary field", f)
	}

	// Fix it and submit.
	k.tb.Do(t, Type(words(lang, 45)))
	k.tabTo(`button[name=action][value=submit]`)
	expectStatus(t, tb, "submit", k.activate(kb.Enter), http.StatusOK)
	if n := Eval[int](t, tb, `document.querySelectorAll(".error-summary").length`); n != 0 {
		t.Fatalf("submission failed: %s", Eval[string](t, tb, `document.querySelector(".error-summary").innerText`))
	}
	k.arrived()
	c, err := s.site.DB.CaseByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != domain.StateSubmitted {
		t.Errorf("case %s is %s, want submitted", id, c.State)
	}
	for _, p := range tb.Problems() {
		t.Errorf("on the way: %s", p)
	}
	var doc domain.Case
	if err := json.Unmarshal(c.Doc, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.KPIs) != 2 || doc.Title != title || len(c.Doc) == 0 {
		t.Errorf("case %s: title %q, %d KPIs; want %q and 2", id, doc.Title, len(doc.KPIs), title)
	}
}

// expectStatus fails t unless a step answered with the status.
func expectStatus(t *testing.T, tb *Tab, step string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d at %s, want %d", step, got, tb.Path(t), want)
	}
}

// keeps checks that form fields (by selector) hold the values.
func keeps(t *testing.T, tb *Tab, want map[string]string) {
	t.Helper()
	for sel, v := range want {
		got := Eval[string](t, tb, `(document.querySelector(`+strconv.Quote(sel)+`) || {}).value || ""`)
		if strings.TrimSpace(got) != strings.TrimSpace(v) {
			t.Errorf("%s: %s holds %q, want %q", tb.Path(t), sel, got, v)
		}
	}
}

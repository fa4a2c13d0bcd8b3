package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestKeyboardJourney walks the site's journeys with the keyboard only,
// JavaScript on, in English and Arabic:
//
//   - submit a case: register, verify, sign in, start a case, fill it,
//     submit with an error, follow the error summary's link to the field,
//     fix it and submit;
//   - review a case: sign in as a reviewer, open an assignment, score it,
//     submit with an error, fix it and submit;
//   - search the library: search, filter by a facet, open a case.
//
// Every page's first Tab must reach the skip link, and every focused
// element must show its focus.
func TestKeyboardJourney(t *testing.T) {
	t.Parallel()
	journeys(t, []string{"en", "ar"}, false)
}

// TestNoScriptJourney is the same journeys with JavaScript disabled:
// everything works without it, and nothing typed is lost on the way
// (saving a draft, adding a KPI row, uploading — which saves what was
// typed since the last save —, a submission with errors).
func TestNoScriptJourney(t *testing.T) {
	t.Parallel()
	journeys(t, []string{"en", "zh"}, true)
}

// journeys runs the three journeys in each language, the languages side
// by side; each language reviews a case of its own (Fixtures.Fresh).
func journeys(t *testing.T, langs []string, noScript bool) {
	s := newSuite(t)
	concurrently(t, langs, func(t *testing.T, i int, lang string) {
		t.Run("submit", func(t *testing.T) { journey(t, s, lang, noScript) })
		t.Run("review", func(t *testing.T) { reviewJourney(t, s, lang, noScript, s.site.Fixtures.Fresh[i]) })
		t.Run("search", func(t *testing.T) { searchJourney(t, s, lang, noScript) })
	})
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

	// Enter in a field saves the draft too (the form's default button),
	// and adds no row.
	k.arrived()
	rows := Eval[int](t, tb, `document.querySelectorAll("[data-rows=kpis] [data-row]").length`)
	k.tabTo("#f-title")
	expectStatus(t, tb, "Enter in a field", k.activate(kb.Enter), http.StatusOK)
	if p := tb.Path(t); !strings.Contains(p, "done=saved") || strings.Contains(p, "kpi_rows") {
		t.Errorf("Enter in the title led to %s, want the draft saved", p)
	}
	if n := Eval[int](t, tb, `document.querySelectorAll("[data-rows=kpis] [data-row]").length`); n != rows {
		t.Errorf("Enter in the title made %d KPI rows of %d", n, rows)
	}
	keeps(t, tb, map[string]string{"#f-title": title, "#f-summary": short})

	// Add a KPI row: with JavaScript in place, without it by a round trip
	// that keeps everything.
	k.arrived()
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

	// Type the lessons without saving, then upload an attachment: the
	// file is chosen through the protocol (a file dialog is not part of
	// the page), the form is sent by keyboard. The upload saves what was
	// typed: it sends the case form's fields with the file.
	k.arrived()
	lessons := words(lang, 12)
	k.fill("#f-lessons", lessons)
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdfBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	tb.Do(t, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}))
	k.tabTo(`button[formenctype="multipart/form-data"]`)
	expectStatus(t, tb, "upload", k.activate(kb.Enter), http.StatusOK)
	if !Eval[bool](t, tb, `[...document.querySelectorAll("#attachments a")].some(a => a.textContent.includes("report.pdf"))`) {
		t.Error("the uploaded file is not listed")
	}
	kept["#f-lessons"] = lessons
	keeps(t, tb, kept)
	if doc := savedCase(t, s, id); strings.TrimSpace(doc.Lessons) != strings.TrimSpace(lessons) {
		t.Errorf("after the upload the case's lessons are %q, want what was typed", doc.Lessons)
	}

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

// reviewJourney is a reviewer's journey in lang, by keyboard only: sign
// in from the home page, open the assignment from the list, score the
// case, submit without a recommendation, follow the error to it, choose
// one and submit.
func reviewJourney(t *testing.T, s *suite, lang string, noScript bool, assignment int64) {
	ctx := context.Background()
	tb := s.tab(t, visitor, TabOptions{NoScript: noScript})
	k := &keyboard{t: t, tb: tb}
	L := "/" + lang
	a := s.site.Account(t, reviewer)

	expectStatus(t, tb, "home", tb.Open(t, L+"/"), http.StatusOK)
	k.arrived()
	k.tabTo(`header a[href$="/account/signin"]`)
	expectStatus(t, tb, "sign-in link", k.activate(kb.Enter), http.StatusOK)
	k.arrived()
	k.fill("#f-email", a.Email)
	k.fill("#f-password", a.Password)
	expectStatus(t, tb, "sign in", k.activate(kb.Enter), http.StatusOK)
	if p := tb.Path(t); p != L+"/review" {
		t.Fatalf("a reviewer signs in at %s, want their assignments", p)
	}

	// The assignment, from the list.
	k.arrived()
	href := L + "/review/assignments/" + strconv.FormatInt(assignment, 10)
	k.tabTo(`main a[href="` + href + `"]`)
	expectStatus(t, tb, "assignment", k.activate(kb.Enter), http.StatusOK)

	// Scores: Tab reaches each criterion's group, the arrows choose.
	k.arrived()
	codes := domain.DefaultRubric().Codes()
	for i, c := range codes {
		k.radio("#f-scores-"+c, i%3+2)
	}
	k.radio("#f-confidence", 2)
	k.fill("#f-comment_to_applicant", "The figures before and after are clear; say what the training cost.")
	k.fill("#f-comment_to_committee", "Comparable to the best cases of the call.")

	// Submit without a recommendation: the error summary links to it.
	k.tabTo(`#review-form button[name=action][value=submit]`)
	expectStatus(t, tb, "submit without a recommendation", k.activate(kb.Enter), http.StatusUnprocessableEntity)
	// Besides the field, the summary says the review is saved but not
	// submitted (a link to the form).
	errs := Eval[[]string](t, tb, `[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href"))`)
	fields := slices.DeleteFunc(slices.Clone(errs), func(h string) bool { return h == "#review-form" })
	if len(fields) != 1 || fields[0] != "#f-recommendation" {
		t.Fatalf("error summary links %q, want the recommendation only among the fields", errs)
	}
	keeps(t, tb, map[string]string{"#f-comment_to_applicant": "The figures before and after are clear; say what the training cost."})
	if noScript {
		k.arrived()
	} else if f := k.checked(".error-summary"); !f.Matches {
		t.Fatalf("the error summary does not have the focus: %s", f)
	}
	k.tabTo(`.error-summary a[href="#f-recommendation"]`)
	if st := k.activate(kb.Enter); st != 0 {
		t.Fatalf("the error link loaded a page (status %d)", st)
	}
	if f := k.checked("#f-recommendation"); !f.Matches {
		t.Fatalf("the error link moved the focus to %s, want the recommendation", f)
	}
	k.press(" ")
	k.tabTo(`#review-form button[name=action][value=submit]`)
	expectStatus(t, tb, "submit", k.activate(kb.Enter), http.StatusOK)
	if n := Eval[int](t, tb, `document.querySelectorAll(".error-summary").length`); n != 0 {
		t.Fatalf("the review was not submitted: %s", Eval[string](t, tb, `document.querySelector(".error-summary").innerText`))
	}
	k.arrived()
	u, err := s.site.DB.UserByEmail(ctx, a.Email)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.site.App.MyAssignments(ctx, &u)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range mine {
		if x.ID == assignment && x.State != domain.ReviewSubmitted {
			t.Errorf("assignment %d is %s, want submitted", assignment, x.State)
		}
	}
	for _, p := range tb.Problems() {
		t.Errorf("on the way: %s", p)
	}
}

// searchJourney searches the library in lang by keyboard only: from the
// home page to the library, a search, a facet, and a case.
func searchJourney(t *testing.T, s *suite, lang string, noScript bool) {
	tb := s.tab(t, visitor, TabOptions{NoScript: noScript})
	k := &keyboard{t: t, tb: tb}
	L := "/" + lang

	expectStatus(t, tb, "home", tb.Open(t, L+"/"), http.StatusOK)
	k.arrived()
	k.tabTo(`header nav a[href="` + L + `/cases"]`)
	expectStatus(t, tb, "library link", k.activate(kb.Enter), http.StatusOK)

	// Words, then Enter in the search field.
	k.arrived()
	k.fill("#q", "mobile")
	expectStatus(t, tb, "search", k.activate(kb.Enter), http.StatusOK)
	if p := tb.Path(t); !strings.Contains(p, "q=mobile") {
		t.Fatalf("searching led to %s", p)
	}
	results := func() int { return Eval[int](t, tb, `document.querySelectorAll(".results-list > li").length`) }
	found := results()
	if found == 0 {
		t.Fatal("no case found for “mobile”")
	}

	// A facet: Space on its box; the script applies it in place, without
	// the script the apply button does.
	k.arrived()
	box := k.tabTo(`.facets input[type=checkbox]:not(:checked)`)
	k.check(`#` + box.ID)
	if noScript {
		k.tabTo(`.facets button[type=submit]`)
		expectStatus(t, tb, "apply the filter", k.activate(kb.Enter), http.StatusOK)
		k.arrived()
	} else {
		// The address follows the filter once the results are in.
		waitFor(t, tb, `location.search.includes(`+strconv.Quote(box.Name+"=")+`) && !document.querySelector("[data-live-part][aria-busy=true]")`)
		if f := k.checked(""); f.ID != box.ID {
			t.Errorf("after the filter applied, the focus is on %s, want the box %s", f, box.ID)
		}
	}
	if p := tb.Path(t); !strings.Contains(p, box.Name+"=") || !strings.Contains(p, "q=mobile") {
		t.Fatalf("the filter led to %s", p)
	}
	if n := results(); n == 0 || n > found {
		t.Errorf("%d cases after filtering %d", n, found)
	}

	// The first case found.
	k.tabTo(`.results-list > li h3 a`)
	expectStatus(t, tb, "a case", k.activate(kb.Enter), http.StatusOK)
	k.arrived()
	if !caseIDRE.MatchString(tb.Path(t)) {
		t.Errorf("the result led to %s", tb.Path(t))
	}
	for _, p := range tb.Problems() {
		t.Errorf("on the way: %s", p)
	}
}

// waitFor polls a JavaScript condition until it holds, for what a page's
// script does after a request of its own.
func waitFor(t *testing.T, tb *Tab, cond string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for !Eval[bool](t, tb, "!!("+cond+")") {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not %s after %v (focus on %s; %s)", tb.Path(t), cond, stepTimeout,
				Eval[string](t, tb, `document.activeElement.outerHTML.slice(0, 200)`), strings.Join(tb.Problems(), "; "))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// savedCase reads a case's record from the database.
func savedCase(t *testing.T, s *suite, id string) domain.Case {
	t.Helper()
	c, err := s.site.DB.CaseByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var doc domain.Case
	if err := json.Unmarshal(c.Doc, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
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

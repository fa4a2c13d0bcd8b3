package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// eachLangDB runs fn in English and Arabic, each on SQLite and PostgreSQL.
func eachLangDB(t *testing.T, fn func(t *testing.T, e *env, lang string)) {
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			storetest.EachDB(t, func(t *testing.T, db *store.DB) {
				fn(t, newEnv(t, db), lang)
			})
		})
	}
}

// esc is how html/template writes s in a page.
func esc(s string) string { return template.HTMLEscapeString(s) }

// tr renders a catalogue text as the site shows it in lang.
func (e *env) tr(lang, key string, args ...any) string {
	rq := &request{lang: lang, L: e.app.Cat.Localizer(lang)}
	return rq.T(key, args...)
}

var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

var caseURL = regexp.MustCompile(`/cases/(DX-\d{4}-\d{4})`)

func TestApplicantJourney(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		ctx := context.Background()
		L := "/" + lang
		c := e.client(t)

		// A newcomer arrives at / and sees the open call in their language.
		c.hdr.Set("Accept-Language", map[string]string{"en": "en-GB,en;q=0.9", "ar": "ar-EG,ar;q=0.9"}[lang])
		home := c.get("/").expect(t, http.StatusOK)
		if !strings.HasSuffix(home.url, L+"/") {
			t.Fatalf("/ led to %s, want %s/", home.url, L)
		}
		home.contains(t, `<html lang="`+lang+`" dir="`+map[string]string{"en": "ltr", "ar": "rtl"}[lang]+`">`,
			esc(e.tr(lang, "call.list.open")), esc(map[string]string{"en": "Global call for SME cases", "ar": "الدعوة العالمية لحالات المنشآت الصغيرة"}[lang]))
		c.get(L+"/calls/sme-dx").expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "call.sign_in_to_submit")), "(Europe/Zurich)", `<time datetime="2026-06-30T21:59:00Z" data-local>`)

		// They register, read the verification mail, verify and sign in.
		email := "newcomer-" + lang + "@sme.example"
		c.get(L+"/account/register").expect(t, http.StatusOK)
		c.post(L+"/account/register", url.Values{"email": {email}, "name": {"Amina Odhiambo"}, "password": {password}, "password2": {password},
			"language": {lang}, "org_name": {"Kisumu Tailors"}, "org_type": {"sme"}, "org_country": {"KE"}}).
			expect(t, http.StatusOK).contains(t, email)
		msgs, err := e.db.OutboxFor(ctx, email)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("outbox for %s: %d messages, %v", email, len(msgs), err)
		}
		link := regexp.MustCompile(`/` + lang + `/account/verify\?token=[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
		if link == "" {
			t.Fatalf("no verification link in %q", msgs[0].Text)
		}
		c.get(link).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "account.verify.done")))
		c.post(L+"/account/signin", url.Values{"email": {email}, "password": {password}}).expect(t, http.StatusOK)
		if !strings.HasSuffix(c.last.url, L+"/me/cases") {
			t.Fatalf("signed in at %s", c.last.url)
		}

		// They state their organisation.
		c.get(L+"/account/profile").expect(t, http.StatusOK)
		c.post(L+"/account/profile", url.Values{"name": {"Amina Odhiambo"}, "language": {lang}, "org_name": {"Kisumu Tailors Cooperative"},
			"org_type": {"sme"}, "org_country": {"KE"}}).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "account.profile.saved")))

		// They start a case from the call page.
		c.get(L+"/calls/sme-dx").expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "call.start_case")))
		edit := c.post(L+"/calls/sme-dx/cases", url.Values{}).expect(t, http.StatusOK)
		m := caseURL.FindStringSubmatch(edit.url)
		if m == nil || !strings.HasSuffix(edit.url, "/edit") {
			t.Fatalf("starting a case led to %s", edit.url)
		}
		id := m[1]
		if v, _ := edit.formValue("organisation.name"); v != "Kisumu Tailors Cooperative" {
			t.Errorf("organisation not taken from the profile: %q", v)
		}
		edit.contains(t, esc(e.tr(lang, "case.field.summary.label")), esc(e.tr(lang, "form.limit.words", map[string]any{"Min": 40, "Max": 250})),
			esc(e.tr(lang, "case.checklist.title")), `for="f-title"`, `id="f-title"`, `aria-describedby="f-title-help"`)
		editPath := L + "/me/cases/" + id + "/edit"

		// An invalid draft is saved exactly as typed.
		draft := url.Values{"title": {"short"}, "kpis.0.name": {"Sales"}, "kpis.0.value": {"abc"}, "sme.count": {"many"},
			"sdgs.targets": {"99.z"}, "countries": {"KE", "XX"}, "organisation.name": {"Kisumu Tailors Cooperative"}, "action": {"save"}}
		saved := c.post(editPath, cloneValues(draft)).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "case.draft_saved")))
		for name, want := range map[string]string{"title": "short", "kpis.0.value": "abc", "sme.count": "many", "sdgs.targets": "99.z"} {
			if got, ok := saved.formValue(name); !ok || got != want {
				t.Errorf("after saving, %s = %q (%v), want %q", name, got, ok, want)
			}
		}
		saved.contains(t, `<option value="XX" selected>XX</option>`)
		cv, err := e.app.Case(ctx, e.userByEmail(t, email), id)
		if err != nil {
			t.Fatal(err)
		}
		if cv.Doc.Title != "short" || len(cv.Doc.KPIs) != 1 || cv.Doc.KPIs[0].Value != "abc" || cv.Doc.SME.Count != "many" {
			t.Errorf("stored draft %+v", cv.Doc)
		}

		// Submitting it shows every problem, in the reader's language, and
		// keeps what was typed.
		sub := cloneValues(draft)
		sub.Set("action", "submit")
		bad := c.post(editPath, sub).expect(t, http.StatusUnprocessableEntity)
		titleErr := e.tr(lang, "err.too_short_chars", map[string]any{"Min": 10, "Max": 150, "Count": 5})
		bad.contains(t, `class="error-summary"`, `href="#f-title"`, esc(titleErr), `aria-invalid="true"`, `id="f-title-error"`,
			`aria-describedby="f-title-help f-title-error"`, esc(e.tr(lang, "err.not_decimal")))
		if v, _ := bad.formValue("kpis.0.value"); v != "abc" {
			t.Errorf("after a failed submission kpis.0.value = %q", v)
		}

		// Fixed, it is submitted, and the receipt carries a copy.
		good := caseToForm(exampleCase(t))
		good.Set("action", "submit")
		done := c.post(editPath, good).expect(t, http.StatusOK)
		if !strings.HasSuffix(done.url, "/me/cases/"+id+"?done=submitted") {
			t.Fatalf("submission led to %s", done.url)
		}
		done.contains(t, esc(e.tr(lang, "case.submitted")), esc(e.tr(lang, "state.submitted")), esc(e.tr(lang, "case.version.submitted_at", map[string]any{"Version": 1, "Date": ""})[:8]))
		msgs, _ = e.db.OutboxFor(ctx, email)
		receipt := msgs[len(msgs)-1]
		if !strings.Contains(receipt.Subject, id) || !strings.Contains(receipt.Text, exampleCase(t).Title) {
			t.Errorf("receipt %q lacks the case id or a copy of the case:\n%s", receipt.Subject, receipt.Text)
		}

		// Edited and submitted again, it has a second version.
		c.get(editPath).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "case.action.resubmit")))
		good.Set("title", "Cloud accounting and mobile payments for tailors in Kisumu, Kenya")
		c.post(editPath, good).expect(t, http.StatusOK).contains(t, "Cloud accounting and mobile payments for tailors in Kisumu, Kenya")
		if cv, _ := e.app.Case(ctx, e.userByEmail(t, email), id); cv.Version != 2 {
			t.Errorf("version %d after resubmitting, want 2", cv.Version)
		}

		// Attachments: a PDF is taken; a PNG named .pdf and a name with a
		// path separator are refused.
		c.get(editPath)
		up := c.upload(L+"/me/cases/"+id+"/attachments", "evidence.pdf", pdfBytes).expect(t, http.StatusOK)
		up.contains(t, "evidence.pdf", esc(e.tr(lang, "case.attachments.uploaded", map[string]any{"Name": "evidence.pdf"})))
		c.upload(L+"/me/cases/"+id+"/attachments", "photo.pdf", pngBytes).expect(t, http.StatusUnprocessableEntity).
			contains(t, esc(e.tr(lang, "case.err.file_type")), `href="#f-file"`)
		c.upload(L+"/me/cases/"+id+"/attachments", "../../etc/evil.pdf", pdfBytes).expect(t, http.StatusUnprocessableEntity).
			contains(t, esc(e.tr(lang, "case.err.file_name")))
		dl := c.get(L+"/me/cases/"+id+"/attachments/evidence.pdf").expect(t, http.StatusOK)
		if dl.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") || dl.body != string(pdfBytes) {
			t.Errorf("download: %v %q", dl.header, dl.body)
		}

		// After the deadline the case is read-only, and saving is refused.
		e.clk.Set(closes.Add(time.Minute))
		ro := c.get(editPath).expect(t, http.StatusOK)
		ro.contains(t, esc(e.tr(lang, "case.locked.deadline")), "Cloud accounting and mobile payments for tailors in Kisumu, Kenya").
			lacks(t, `name="action" value="save"`)
		c.get(L + "/me/cases/" + id)
		late := c.post(editPath, good)
		late.expect(t, http.StatusConflict).contains(t, esc(e.tr(lang, "error.deadline_passed")))

		// Another applicant cannot see that the case exists.
		b := e.client(t)
		b.signIn(lang, e.bob.Email)
		b.get(L+"/me/cases/"+id).expect(t, http.StatusNotFound)
		b.get(editPath).expect(t, http.StatusNotFound)
		b.get(L+"/me/cases/"+id+"/attachments/evidence.pdf").expect(t, http.StatusNotFound)

		for _, p := range append(c.pages, b.pages...) {
			checkNoRawKeys(t, p.url, p.body)
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (e *env) userByEmail(t *testing.T, email string) *store.User {
	t.Helper()
	u, err := e.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return &u
}

// newDraft starts a case for u directly through the application.
func (e *env) newDraft(t *testing.T, u store.User, doc domain.Case) string {
	t.Helper()
	cv, err := e.app.CreateCase(context.Background(), &u, e.call.Slug, doc)
	if err != nil {
		t.Fatal(err)
	}
	return cv.ID
}

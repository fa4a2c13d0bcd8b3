package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
)

func TestSecretariatJourney(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		ctx := context.Background()
		L := "/" + lang
		c := e.client(t)
		c.signIn(lang, e.sec.Email)
		if !strings.HasSuffix(c.last.url, L+"/sec/calls") {
			t.Fatalf("secretariat signed in at %s", c.last.url)
		}
		c.last.contains(t, "sme-dx", esc(e.tr(lang, "sec.calls.new")))

		// A new call: times are read in the chosen zone.
		c.get(L+"/sec/calls/new").expect(t, http.StatusOK)
		form := url.Values{"slug": {"call-two"}, "title.en": {"Second call"}, "title.ar": {"الدعوة الثانية"},
			"description.en": {"About the second call."}, "eligibility.0.code": {"sme"}, "eligibility.0.text.en": {"Concerns SMEs"},
			"eligibility.0.text.ar": {"يتعلق بالمنشآت الصغيرة"}, "opens_at": {"2026-07-01T09:00"}, "closes_at": {"2026-09-30T23:59"},
			"timezone": {"Asia/Bangkok"}, "reviewers_per_case": {"3"}, "blind": {"true"}, "action": {"save"}}

		// Asking for another checklist row saves nothing and keeps the input.
		more := cloneValues(form)
		more.Set("action", "add_elig")
		p := c.post(L+"/sec/calls/new", more).expect(t, http.StatusOK)
		if v, _ := p.formValue("title.ar"); v != "الدعوة الثانية" {
			t.Errorf("add a row lost the Arabic title: %q", v)
		}
		if _, ok := p.formValue("eligibility.1.code"); !ok {
			t.Error("add a row did not add a row")
		}
		if _, err := e.app.Call(ctx, &e.sec, "call-two"); err == nil {
			t.Error("add a row saved the call")
		}

		// Invalid input comes back with errors beside the fields.
		bad := cloneValues(form)
		bad.Set("title.en", "")
		bad.Set("closes_at", "2026-06-01T00:00")
		c.post(L+"/sec/calls/new", bad).expect(t, http.StatusUnprocessableEntity).
			contains(t, `href="#f-title-en"`, `href="#f-closes_at"`, esc(e.tr(lang, "call.err.close_before_open")), "الدعوة الثانية")

		c.post(L+"/sec/calls/new", form).expect(t, http.StatusOK).contains(t, "call-two", esc(e.tr(lang, "sec.call.saved")))
		call, err := e.app.Call(ctx, &e.sec, "call-two")
		if err != nil {
			t.Fatal(err)
		}
		bkk, _ := time.LoadLocation("Asia/Bangkok")
		if want := time.Date(2026, 9, 30, 23, 59, 0, 0, bkk); !call.ClosesAt.Equal(want) || !call.Blind || len(call.Eligibility) != 1 {
			t.Errorf("stored call: closes %v (want %v), blind %v, eligibility %v", call.ClosesAt, want, call.Blind, call.Eligibility)
		}

		// It is edited: the deadline moves.
		ep := c.get(L+"/sec/calls/call-two/edit").expect(t, http.StatusOK)
		if v, _ := ep.formValue("closes_at"); v != "2026-09-30T23:59" {
			t.Errorf("closes_at shown as %q in the call's zone", v)
		}
		form.Set("closes_at", "2026-10-15T18:00")
		c.post(L+"/sec/calls/call-two/edit", form).expect(t, http.StatusOK)
		if call, _ := e.app.Call(ctx, &e.sec, "call-two"); !call.ClosesAt.Equal(time.Date(2026, 10, 15, 18, 0, 0, 0, bkk)) {
			t.Errorf("closes %v after the edit", call.ClosesAt)
		}

		// Cases: one submitted from Kenya, two drafts elsewhere.
		ex := exampleCase(t)
		submitted := e.newDraft(t, e.alice, ex)
		if _, err := e.app.Submit(ctx, &e.alice, submitted); err != nil {
			t.Fatal(err)
		}
		french := e.newDraft(t, e.bob, domain.Case{Title: "Un cas en France", Countries: []string{"FR"}, Technologies: []string{"ai"}, WSIS: domain.WSIS{Primary: "C3"}})
		e.newDraft(t, e.bob, domain.Case{Title: "Caso en Chile", Countries: []string{"CL"}, Technologies: []string{"iot"}})

		list := c.get(L+"/sec/calls/sme-dx/cases").expect(t, http.StatusOK)
		list.contains(t, submitted, french, "Un cas en France", "Caso en Chile", `<th scope="row">`)
		for _, tt := range []struct {
			query    string
			has, not []string
		}{
			{"state=submitted", []string{submitted}, []string{french}},
			{"country=FR", []string{french}, []string{submitted, "Caso en Chile"}},
			{"region=150", []string{french}, []string{submitted, "Caso en Chile"}},
			{"region=002&region=019", []string{submitted, "Caso en Chile"}, []string{french}},
			{"wsis=C3", []string{french}, []string{submitted}},
			{"technology=iot", []string{"Caso en Chile"}, []string{french, submitted}},
			{"state=draft&country=KE", nil, []string{french, submitted}},
		} {
			p := c.get(L+"/sec/calls/sme-dx/cases?"+tt.query).expect(t, http.StatusOK)
			p.contains(t, tt.has...)
			for _, s := range tt.not {
				if strings.Contains(p.body, `>`+s+`<`) {
					t.Errorf("%s lists %s", tt.query, s)
				}
			}
		}

		// The three exports, with the list's filters.
		for _, format := range []string{"csv", "xlsx", "jsonl"} {
			p := c.get(L+"/sec/calls/sme-dx/export."+format+"?country=KE").expect(t, http.StatusOK)
			if cd := p.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "."+format) {
				t.Errorf("%s: Content-Disposition %q", format, cd)
			}
			switch format {
			case "csv":
				if !strings.HasPrefix(p.body, "\uFEFFid,call,state") || !strings.Contains(p.body, submitted) || strings.Contains(p.body, french) {
					t.Errorf("csv export:\n%.300s", p.body)
				}
			case "xlsx":
				if !strings.HasPrefix(p.body, "PK") {
					t.Errorf("xlsx export is not a zip file")
				}
			case "jsonl":
				lines := strings.Split(strings.TrimSpace(p.body), "\n")
				var rec struct{ ID, Title string }
				if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &rec) != nil || rec.ID != submitted || rec.Title != ex.Title {
					t.Errorf("jsonl export: %q", p.body)
				}
			}
		}

		// Any case opens read-only, with its versions.
		c.get(L+"/me/cases/"+submitted).expect(t, http.StatusOK).
			contains(t, esc(ex.Title), esc(e.tr(lang, "case.view.versions"))).lacks(t, `/me/cases/`+submitted+`/edit"`)
		c.get(L+"/me/cases/"+submitted+"/edit").expect(t, http.StatusOK).lacks(t, `name="action" value="save"`)

		for _, p := range c.pages {
			checkNoRawKeys(t, p.url, p.body)
		}
	})
}

func TestAdminPages(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		L := "/" + lang
		// Some mail to show.
		anon := e.client(t)
		anon.get(L + "/account/forgot")
		anon.post(L+"/account/forgot", url.Values{"email": {e.alice.Email}}).expect(t, http.StatusOK)

		c := e.client(t)
		c.signIn(lang, e.admin.Email)
		p := c.get(L+"/admin/mail").expect(t, http.StatusOK)
		p.contains(t, e.alice.Email, esc(e.tr(lang, "admin.mail.pending")))
		link := strings.Index(p.body, L+"/admin/mail/")
		if link < 0 {
			t.Fatal("no link to a message")
		}
		href := p.body[link : link+strings.IndexByte(p.body[link:], '"')]
		c.get(href).expect(t, http.StatusOK).contains(t, "/account/reset?token=")
		c.get(L+"/admin/mail/99999").expect(t, http.StatusNotFound)
		c.get(L+"/admin/mail/x").expect(t, http.StatusNotFound)
		c.get(L+"/admin/users").expect(t, http.StatusOK).contains(t, e.alice.Email, e.sec.Email, esc(e.tr(lang, "role.secretariat")))
		for _, p := range c.pages {
			checkNoRawKeys(t, p.url, p.body)
		}
	})
}

// TestExportFailsCleanly: a refused export is a page, not a broken file.
func TestExportRefused(t *testing.T) {
	e := newEnvSQLite(t)
	c := e.client(t)
	c.signIn("en", e.sec.Email)
	p := c.get("/en/sec/calls/no-such-call/export.csv").expect(t, http.StatusNotFound)
	if p.header.Get("Content-Disposition") != "" || !bytes.Contains([]byte(p.body), []byte("<html")) {
		t.Errorf("refused export: %v", p.header)
	}
}

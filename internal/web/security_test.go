package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestCSRF(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		id := e.newDraft(t, e.alice, domain.Case{Title: "Before"})
		c := e.client(t)
		c.signIn("en", e.alice.Email)
		editPath := "/en/me/cases/" + id + "/edit"
		c.get(editPath).expect(t, http.StatusOK)
		typed := "Typed while the form expired"
		for _, tt := range []struct {
			name   string
			token  string
			header map[string]string
		}{
			{"missing token", "", nil},
			{"wrong token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil},
			{"cross-site request", c.csrf(), map[string]string{"Sec-Fetch-Site": "cross-site"}},
			{"foreign origin", c.csrf(), map[string]string{"Origin": "https://evil.example"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for k, v := range tt.header {
					c.hdr.Set(k, v)
				}
				defer func() {
					for k := range tt.header {
						c.hdr.Del(k)
					}
				}()
				p := c.post(editPath, url.Values{"csrf": {tt.token}, "title": {typed}, "kpis.0.value": {"abc"}, "action": {"save"}})
				p.expect(t, http.StatusForbidden).contains(t, esc(e.tr("en", "error.csrf")))
				if v, _ := p.formValue("title"); v != typed {
					t.Errorf("typed title not kept: %q", v)
				}
				if v, _ := p.formValue("kpis.0.value"); v != "abc" {
					t.Errorf("typed KPI not kept: %q", v)
				}
				if cv, _ := e.app.Case(ctx, &e.alice, id); cv.Doc.Title != "Before" {
					t.Errorf("a forged request saved the case: %q", cv.Doc.Title)
				}
			})
		}
		// The re-rendered form carries a good token: one more click saves.
		c.post(editPath, url.Values{"title": {typed}, "action": {"save"}}).expect(t, http.StatusOK)
		if cv, _ := e.app.Case(ctx, &e.alice, id); cv.Doc.Title != typed {
			t.Errorf("saving again with the page's token: %q", cv.Doc.Title)
		}

		// Anonymous forms use the double-submit cookie.
		a := e.client(t)
		a.get("/en/account/register")
		p := a.post("/en/account/register", url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "email": {"x@y.example"}, "name": {"Kept Name"}, "password": {password}, "password2": {password}})
		p.expect(t, http.StatusForbidden).contains(t, esc(e.tr("en", "error.csrf")))
		if v, _ := p.formValue("name"); v != "Kept Name" {
			t.Errorf("register form lost the name: %q", v)
		}
		a.post("/en/account/signin", url.Values{"csrf": {""}, "email": {e.alice.Email}, "password": {password}}).
			expect(t, http.StatusForbidden).contains(t, e.alice.Email)
		// Signing out and other actions without a form page are refused too.
		c.post("/en/account/signout", url.Values{"csrf": {""}}).expect(t, http.StatusForbidden)
		c.post("/en/calls/sme-dx/cases", url.Values{"csrf": {""}}).expect(t, http.StatusForbidden)
	})
}

func TestStaleSession(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		id := e.newDraft(t, e.alice, domain.Case{Title: "Before"})
		c := e.client(t)
		c.signIn("ar", e.alice.Email)
		editPath := "/ar/me/cases/" + id + "/edit"
		c.get(editPath).expect(t, http.StatusOK)
		// The session ends (signed out elsewhere, expired) while the form is open.
		if err := db.DeleteUserSessions(ctx, e.alice.ID); err != nil {
			t.Fatal(err)
		}
		typed := "عنوان كُتب بعد انتهاء الجلسة"
		p := c.post(editPath, url.Values{"title": {typed}, "action": {"save"}}).expect(t, http.StatusUnauthorized)
		p.contains(t, esc(e.tr("ar", "error.session_expired")), `name="pending:title" value="`+esc(typed)+`"`, `name="next" value="`+editPath+`"`)
		// Signing in offers to send the form again; one click saves it.
		form := url.Values{"email": {e.alice.Email}, "password": {password}, "next": {editPath}, "pending:title": {typed}, "pending:action": {"save"}}
		re := c.post("/ar/account/signin", form).expect(t, http.StatusOK)
		re.contains(t, esc(e.tr("ar", "form.resubmit.intro")), `action="`+editPath+`"`)
		c.post(editPath, url.Values{"title": {typed}, "action": {"save"}}).expect(t, http.StatusOK)
		if cv, _ := e.app.Case(ctx, &e.alice, id); cv.Doc.Title != typed {
			t.Errorf("title after signing in again: %q", cv.Doc.Title)
		}
		// A page asked for with a stale session leads to sign in, then back.
		db.DeleteUserSessions(ctx, e.alice.ID)
		nf := e.client(t).noFollow()
		nf.hc.Jar = c.hc.Jar
		r := nf.get(editPath)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ar/account/signin?next="+url.QueryEscape(editPath) {
			t.Errorf("stale session GET: %d to %q", r.status, r.header.Get("Location"))
		}
	})
}

func TestInvalidUTF8(t *testing.T) {
	e := newEnvSQLite(t)
	ctx := context.Background()
	id := e.newDraft(t, e.alice, domain.Case{Title: "Before"})
	c := e.client(t)
	c.signIn("en", e.alice.Email)
	c.get("/en/me/cases/" + id + "/edit")
	tok := url.QueryEscape(c.csrf())
	p := c.postRaw("/en/me/cases/"+id+"/edit", "csrf="+tok+"&action=save&summary=ok&title=caf%E9+%FF").expect(t, http.StatusBadRequest)
	p.contains(t, esc(e.tr("en", domain.ErrInvalidUTF8)), `href="#f-title"`, "caf\uFFFD")
	if v, _ := p.formValue("summary"); v != "ok" {
		t.Errorf("the valid field was not kept: %q", v)
	}
	if cv, _ := e.app.Case(ctx, &e.alice, id); cv.Doc.Title != "Before" {
		t.Errorf("unreadable text was saved: %q", cv.Doc.Title)
	}
	c.get("/en/account/profile")
	c.postRaw("/en/account/profile", "csrf="+url.QueryEscape(c.csrf())+"&name=%C0%AF").expect(t, http.StatusBadRequest).
		contains(t, esc(e.tr("en", "error.form_encoding")))
}

// TestEscaping puts markup into every text a person can type and checks
// that no page shows it as markup.
func TestEscaping(t *testing.T) {
	const xss = `<script>alert(1)</script>`
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// The secretariat writes a call whose every text is markup.
		sc := e.client(t)
		sc.signIn("en", e.sec.Email)
		sc.get("/en/sec/calls/new")
		sc.post("/en/sec/calls/new", url.Values{"slug": {"xss-call"}, "title.en": {xss + " title"}, "title.ar": {xss},
			"description.en": {xss + " description"}, "eligibility.0.code": {"sme"}, "eligibility.0.text.en": {xss + " elig"},
			"opens_at": {"2026-06-01T00:00"}, "closes_at": {"2026-12-01T00:00"}, "timezone": {"UTC"}, "reviewers_per_case": {"3"}}).
			expect(t, http.StatusOK)

		// An applicant registers with markup in their name and organisation.
		a := e.client(t)
		a.get("/en/account/register")
		a.post("/en/account/register", url.Values{"email": {"x@sme.example"}, "name": {xss}, "password": {password}, "password2": {password},
			"language": {"en"}, "org_name": {xss}}).expect(t, http.StatusOK)
		u := e.userByEmail(t, "x@sme.example")
		now := e.clk.Now()
		u.VerifiedAt = &now
		if err := db.UpdateUser(ctx, *u); err != nil {
			t.Fatal(err)
		}
		a.signIn("en", "x@sme.example")

		// Markup in every text field of a case, in a row, in a translation.
		a.get("/en/calls/xss-call")
		edit := a.post("/en/calls/xss-call/cases", url.Values{}).expect(t, http.StatusOK)
		id := caseURL.FindStringSubmatch(edit.url)[1]
		v := url.Values{"action": {"save"}}
		for _, name := range []string{"language", "title", "summary", "organisation.name", "organisation.website", "problem", "solution",
			"sdgs.targets", "sdg_linkage", "impact", "enablers_constraints", "sustainability_replicability", "lessons", "links",
			"period.start", "sme.count", "kpis.0.name", "kpis.0.value", "kpis.0.unit", "partners.0.name",
			"translations.0.title", "translations.0.summary", "countries", "technologies", "organisation.type"} {
			v.Set(name, xss)
		}
		v.Set("translations.0.language", "fr")
		a.post("/en/me/cases/"+id+"/edit", v).expect(t, http.StatusOK)
		sub := cloneValues(v)
		sub.Set("action", "submit")
		a.post("/en/me/cases/"+id+"/edit", sub).expect(t, http.StatusUnprocessableEntity)
		a.get("/en/me/cases/" + id)
		a.get("/en/me/cases")
		a.get("/en/account/profile")
		a.get("/ar/calls/xss-call")
		a.get("/en/")

		sc.get("/en/sec/calls")
		sc.get("/en/sec/calls/xss-call/cases")
		sc.get("/en/me/cases/" + id)
		sc.get("/en/sec/calls/xss-call/edit")
		ad := e.client(t)
		ad.signIn("en", e.admin.Email)
		ad.get("/en/admin/users")
		ad.get("/en/admin/mail")

		seen := 0
		for _, p := range append(append(a.pages, sc.pages...), ad.pages...) {
			if strings.Contains(p.body, xss) {
				t.Errorf("%s shows markup unescaped", p.url)
			}
			if strings.Contains(p.body, esc(xss)) {
				seen++
			}
		}
		if seen < 10 {
			t.Errorf("the typed markup was shown (escaped) on only %d pages", seen)
		}
	})
}

func TestAuthorization(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.newDraft(t, e.alice, domain.Case{Title: "Alice's case"})
		roles := []string{"anonymous", "applicant", "other applicant", "reviewer", "secretariat", "admin"}
		emails := map[string]string{"applicant": e.alice.Email, "other applicant": e.bob.Email, "reviewer": e.reviewer.Email,
			"secretariat": e.sec.Email, "admin": e.admin.Email}
		const (
			ok    = http.StatusOK
			login = http.StatusSeeOther // to the sign-in page
			mine  = http.StatusSeeOther // to the reader's own view of the case
			nf    = http.StatusNotFound
			no    = http.StatusForbidden
		)
		pages := []struct {
			path string
			want []int // in the order of roles
		}{
			{"/en/", []int{ok, ok, ok, ok, ok, ok}},
			{"/en/calls/sme-dx", []int{ok, ok, ok, ok, ok, ok}},
			{"/en/account/signin", []int{ok, ok, ok, ok, ok, ok}},
			{"/en/account/profile", []int{login, ok, ok, ok, ok, ok}},
			{"/en/me/cases", []int{login, ok, ok, ok, ok, ok}},
			{"/en/me/cases/" + id, []int{login, ok, nf, nf, ok, ok}},
			{"/en/me/cases/" + id + "/edit", []int{login, ok, nf, nf, ok, ok}},
			{"/en/me/cases/" + id + "/withdraw", []int{login, ok, nf, nf, ok, ok}},
			{"/en/me/cases/DX-2026-9999", []int{login, nf, nf, nf, nf, nf}},
			// The public library: everyone; a case not published is not
			// found, except by those who may see it, sent to their view.
			{"/en/cases", []int{ok, ok, ok, ok, ok, ok}},
			{"/en/stats", []int{ok, ok, ok, ok, ok, ok}},
			{"/en/cases/" + id, []int{nf, mine, nf, nf, mine, mine}},
			{"/en/cases/DX-2026-9999", []int{nf, nf, nf, nf, nf, nf}},
			{"/en/sec/calls", []int{login, no, no, no, ok, ok}},
			{"/en/sec/calls/new", []int{login, no, no, no, ok, ok}},
			{"/en/sec/calls/sme-dx/edit", []int{login, no, no, no, ok, ok}},
			{"/en/sec/calls/sme-dx/cases", []int{login, no, no, no, ok, ok}},
			{"/en/sec/calls/sme-dx/export.csv", []int{login, no, no, no, ok, ok}},
			{"/en/admin/mail", []int{login, no, no, no, no, ok}},
			{"/en/admin/users", []int{login, no, no, no, no, ok}},
			{"/en/no/such/page", []int{nf, nf, nf, nf, nf, nf}},
		}
		for i, role := range roles {
			t.Run(role, func(t *testing.T) {
				c := e.client(t)
				if role != "anonymous" {
					c.signIn("en", emails[role])
				}
				c.noFollow()
				for _, pg := range pages {
					if p := c.get(pg.path); p.status != pg.want[i] {
						t.Errorf("%s: GET %s = %d, want %d", role, pg.path, p.status, pg.want[i])
					}
				}
				// Starting a case: applicants (and admins) only.
				c.get("/en/account/signin")
				want := map[string]int{"anonymous": http.StatusUnauthorized, "applicant": login, "other applicant": login,
					"reviewer": no, "secretariat": no, "admin": login}[role]
				if p := c.post("/en/calls/sme-dx/cases", url.Values{}); p.status != want {
					t.Errorf("%s: start a case = %d, want %d", role, p.status, want)
				}
				// Saving Alice's case: hers alone.
				c.get("/en/account/signin")
				want = map[string]int{"anonymous": http.StatusUnauthorized, "applicant": login, "other applicant": nf,
					"reviewer": nf, "secretariat": no, "admin": no}[role]
				if p := c.post("/en/me/cases/"+id+"/edit", url.Values{"title": {"Changed by " + role}, "action": {"save"}}); p.status != want {
					t.Errorf("%s: save Alice's case = %d, want %d", role, p.status, want)
				}
			})
		}
		if cv, _ := e.app.Case(context.Background(), &e.alice, id); cv.Doc.Title != "Changed by applicant" {
			t.Errorf("Alice's case title %q", cv.Doc.Title)
		}
	})
}

func TestErrorPages(t *testing.T) {
	e := newEnvSQLite(t)
	for _, lang := range []string{"en", "ar"} {
		t.Run(lang, func(t *testing.T) {
			L := "/" + lang
			// Sign-in is throttled after repeated failures, with a clear message.
			c := e.client(t)
			c.get(L + "/account/signin")
			var p *page
			for i := 0; i < 6; i++ {
				p = c.post(L+"/account/signin", url.Values{"email": {"victim-" + lang + "@sme.example"}, "password": {"wrong password!"}})
			}
			p.expect(t, http.StatusTooManyRequests).contains(t, esc(e.tr(lang, "account.err.throttled", map[string]any{"Count": 15, "Minutes": 15})))
			c.post(L+"/account/signin", url.Values{"email": {"nobody@sme.example"}, "password": {"wrong password!"}}).
				expect(t, http.StatusUnauthorized).contains(t, esc(e.tr(lang, "account.err.bad_credentials")))

			// A body over the form limit is a 413 page.
			c.signIn(lang, e.alice.Email)
			big := strings.Repeat("x", formLimit+10)
			c.post(L+"/account/profile", url.Values{"name": {big}}).expect(t, http.StatusRequestEntityTooLarge).
				contains(t, esc(e.tr(lang, "error.body_too_large")), `<html lang="`+lang)

			// An unexpected failure is a 500 page in the reader's language.
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", L+"/", nil)
			rq := &request{lang: lang, L: e.app.Cat.Localizer(lang)}
			e.h.fail(rec, r, rq, errors.New("database on fire"))
			if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), esc(e.tr(lang, "error.internal"))) ||
				strings.Contains(rec.Body.String(), "on fire") {
				t.Errorf("500 page: %d\n%s", rec.Code, rec.Body.String())
			}
			// An upload over the limit is a 413 page.
			id := e.newDraft(t, e.alice, domain.Case{})
			c.get(L + "/me/cases/" + id + "/edit")
			c.upload(L+"/me/cases/"+id+"/attachments", "big.pdf", append(pdfBytes, make([]byte, uploadLimit)...)).
				expect(t, http.StatusRequestEntityTooLarge)
		})
	}
}

package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestLanguageRouting(t *testing.T) {
	e := newEnvSQLite(t)
	tests := []struct {
		name, path, accept, cookie, want string
	}{
		{"root by Accept-Language", "/", "ar-EG,ar;q=0.9,en;q=0.5", "", "/ar/"},
		{"root, Chinese variant", "/", "zh-Hant-TW", "", "/zh/"},
		{"root, nothing known", "/", "de-DE", "", "/en/"},
		{"cookie beats the header", "/", "ar", "fr", "/fr/"},
		{"unprefixed path keeps its path and query", "/calls/sme-dx?x=1", "es", "", "/es/calls/sme-dx?x=1"},
		{"unknown prefix", "/de/calls/sme-dx", "ru", "", "/ru/de/calls/sme-dx"},
		{"prefix without slash", "/ar", "", "", "/ar/"},
		{"switcher sets the language", "/lang/ar?next=%2Fcalls%2Fsme-dx%3Fa%3Db", "", "", "/ar/calls/sme-dx?a=b"},
		{"switcher never leaves the site", "/lang/fr?next=%2F%2Fevil.example%2F", "", "", "/fr/"},
		{"switcher refuses a scheme", "/lang/fr?next=https%3A%2F%2Fevil.example", "", "", "/fr/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client(t).noFollow()
			if tt.accept != "" {
				c.hdr.Set("Accept-Language", tt.accept)
			}
			if tt.cookie != "" {
				c.hdr.Set("Cookie", langCookie+"="+tt.cookie)
			}
			p := c.get(tt.path)
			if p.status/100 != 3 || p.header.Get("Location") != tt.want {
				t.Errorf("GET %s: %d to %q, want %q", tt.path, p.status, p.header.Get("Location"), tt.want)
			}
		})
	}
	// The switcher's choice is remembered.
	c := e.client(t)
	c.get("/lang/ar?next=%2F").expect(t, http.StatusOK).contains(t, `<html lang="ar" dir="rtl">`)
	c.get("/").contains(t, `<html lang="ar" dir="rtl">`)
	// Every page links to itself in the other languages.
	c.get("/en/calls/sme-dx").contains(t, `href="/lang/ar?next=%2Fcalls%2Fsme-dx"`, `href="/lang/zh?next=%2Fcalls%2Fsme-dx"`, `aria-current="true">English`)
	// An unknown page under a language is a 404 in that language.
	c.get("/ar/no/such/page").expect(t, http.StatusNotFound).contains(t, `<html lang="ar" dir="rtl">`, esc(e.tr("ar", "error.title.not_found")))
	// French falls back to English texts where the catalogue has none.
	c.get("/fr/").expect(t, http.StatusOK).contains(t, `<html lang="fr" dir="ltr">`)
}

func TestHeadersAndAssets(t *testing.T) {
	e := newEnvSQLite(t)
	c := e.client(t)
	home := c.get("/en/")
	for _, p := range []*page{home, c.get("/en/nothing"), c.get("/en/calls/none")} {
		csp := p.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "style-src 'self'", "img-src 'self' data:"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p.url, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", p.url)
		}
		if p.header.Get("X-Content-Type-Options") != "nosniff" || p.header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", p.url, p.header)
		}
	}
	if strings.Contains(home.body, "<script>") || strings.Contains(home.body, " style=") || strings.Contains(home.body, "onclick") {
		t.Error("the page has inline script or style")
	}
	// Session and CSRF cookies are HttpOnly and SameSite=Lax.
	a := e.client(t).noFollow()
	a.get("/en/account/signin")
	for _, ck := range a.last.header.Values("Set-Cookie") {
		if !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Path=/") {
			t.Errorf("cookie %q", ck)
		}
	}
	p := a.post("/en/account/signin", url.Values{"email": {e.alice.Email}, "password": {password}})
	if ck := p.header.Get("Set-Cookie"); p.status != http.StatusSeeOther || !strings.HasPrefix(ck, sessionCookie+"=") ||
		!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || strings.Contains(ck, "Secure") {
		t.Errorf("session cookie %q (status %d)", ck, p.status)
	}
	// Behind TLS, cookies are Secure.
	sh, err := New(e.app, Options{Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	sh.ServeHTTP(rec, httptest.NewRequest("GET", "/en/account/signin", nil))
	if ck := rec.Header().Get("Set-Cookie"); !strings.Contains(ck, "; Secure") {
		t.Errorf("with Options.Secure, cookie %q", ck)
	}

	css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(home.body)
	js := regexp.MustCompile(`src="(/static/app\.[0-9a-f]{10}\.js)"`).FindStringSubmatch(home.body)
	if css == nil || js == nil {
		t.Fatal("no hashed asset URLs on the page")
	}
	for _, u := range []string{css[1], js[1]} {
		req, _ := http.NewRequest("GET", e.srv.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" ||
			res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d %v", u, res.StatusCode, res.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if plain, _ := io.ReadAll(zr); len(plain) == 0 {
			t.Errorf("%s: empty", u)
		}
		// Without gzip, the plain file.
		p := c.get(u)
		if p.status != 200 || len(p.body) == 0 {
			t.Errorf("%s without gzip: %d", u, p.status)
		}
	}
	c.get("/static/app.0000000000.css").expect(t, http.StatusNotFound)
	c.get("/static/nothing.css").expect(t, http.StatusNotFound)
}

// TestPageWeight keeps public pages light for slow connections: each page
// with its stylesheet and script stays under 30 KB compressed.
func TestPageWeight(t *testing.T) {
	e := newEnvSQLite(t)
	gz := func(b []byte) int {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(b)
		zw.Close()
		return buf.Len()
	}
	assets := len(e.h.assets.byName["app.css"].gz) + len(e.h.assets.byName["app.js"].gz)
	for _, lang := range []string{"en", "ar", "zh"} {
		for _, path := range []string{"/", "/calls/sme-dx", "/account/signin", "/cases", "/stats"} {
			c := e.client(t)
			p := c.get("/"+lang+path).expect(t, http.StatusOK)
			total := gz([]byte(p.body)) + assets
			if total > 30*1024 {
				t.Errorf("%s%s: %d bytes compressed with its CSS and JS, want at most 30 KB", lang, path, total)
			}
			t.Logf("%s%s: %d bytes compressed with assets", lang, path, total)
		}
	}
}

func TestCaseFormRowsAutosaveWithdraw(t *testing.T) {
	e := newEnvSQLite(t)
	ctx := context.Background()
	id := e.newDraft(t, e.alice, domain.Case{})
	c := e.client(t)
	c.signIn("en", e.alice.Email)
	editPath := "/en/me/cases/" + id + "/edit"
	p := c.get(editPath).expect(t, http.StatusOK)
	// Without JavaScript: one blank row more than filled, at least two.
	if _, ok := p.formValue("kpis.1.name"); !ok {
		t.Error("no second KPI row")
	}
	if _, ok := p.formValue("kpis.2.name"); ok {
		t.Error("a third KPI row on an empty form")
	}
	// "Add a row" saves and comes back with another blank row.
	p = c.post(editPath, url.Values{"kpis.0.name": {"Sales"}, "kpis.0.value": {"10"}, "kpi_rows": {"2"}, "action": {"add_kpi"}}).expect(t, http.StatusOK)
	if !strings.Contains(p.url, "kpi_rows=3") {
		t.Errorf("add a row led to %s", p.url)
	}
	if _, ok := p.formValue("kpis.2.name"); !ok {
		t.Error("add a row did not add a row")
	}
	if v, _ := p.formValue("kpis.0.name"); v != "Sales" {
		t.Errorf("add a row lost the typed row: %q", v)
	}
	// Autosave answers the script with JSON and saves.
	req, _ := http.NewRequest("POST", e.srv.URL+editPath, strings.NewReader(url.Values{"title": {"Autosaved title"}, "action": {"autosave"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res := c.do(req)
	var reply saveReply
	if res.status != 200 || json.Unmarshal([]byte(res.body), &reply) != nil || reply.SavedAt == "" || !strings.Contains(reply.Message, "10:00") {
		t.Errorf("autosave: %d %s", res.status, res.body)
	}
	if cv, _ := e.app.Case(ctx, &e.alice, id); cv.Doc.Title != "Autosaved title" {
		t.Errorf("autosave stored %q", cv.Doc.Title)
	}
	// A forged autosave is refused with JSON, and saves nothing.
	req, _ = http.NewRequest("POST", e.srv.URL+editPath, strings.NewReader("title=Forged&action=autosave"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res := c.do(req); res.status != http.StatusForbidden || !strings.Contains(res.body, "message") {
		t.Errorf("forged autosave: %d %s", res.status, res.body)
	}
	// A goal that is not a number is reported, not silently dropped.
	c.get(editPath)
	p = c.post(editPath, url.Values{"sdgs.goals": {"8", "x"}, "action": {"save"}}).expect(t, http.StatusUnprocessableEntity)
	p.contains(t, esc(e.tr("en", "err.goal_number", map[string]any{"Value": "x"})), `value="x" checked`)
	if cv, _ := e.app.Case(ctx, &e.alice, id); len(cv.Doc.SDGs.Goals) != 1 || cv.Doc.SDGs.Goals[0] != 8 {
		t.Errorf("goals saved: %v", cv.Doc.SDGs.Goals)
	}
	// Withdrawing asks first, then locks the case.
	c.get("/en/me/cases/"+id+"/withdraw").expect(t, http.StatusOK).contains(t, esc(e.tr("en", "case.withdraw.confirm")))
	c.post("/en/me/cases/"+id+"/withdraw", url.Values{"reason": {"Duplicate"}}).expect(t, http.StatusOK).
		contains(t, esc(e.tr("en", "case.withdrawn")), esc(e.tr("en", "state.withdrawn")), esc(e.tr("en", "case.locked.state")))
	c.get(editPath).expect(t, http.StatusOK).lacks(t, `value="save"`)
	// The deadline shown in the call's zone and in UTC.
	c.get("/en/calls/sme-dx").contains(t, "30 June 2026, 23:59 CEST", esc(e.tr("en", "call.utc_time", map[string]any{"Date": "30 June 2026, 21:59 UTC"})))
}

func TestPublicPagesCache(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c := e.client(t).noFollow()
		p := c.get("/en/calls/sme-dx").expect(t, http.StatusOK)
		etag := p.header.Get("ETag")
		if etag == "" || p.header.Get("Set-Cookie") != "" || p.header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("public page headers: %v", p.header)
		}
		c.hdr.Set("If-None-Match", etag)
		if p := c.get("/en/calls/sme-dx"); p.status != http.StatusNotModified || p.body != "" {
			t.Errorf("revalidation: %d, %d bytes", p.status, len(p.body))
		}
		c.hdr.Del("If-None-Match")
		// Pages with forms, and pages for a signed-in reader, are not cached.
		if p := c.get("/en/account/signin"); p.header.Get("ETag") != "" || p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("sign-in page headers: %v", p.header)
		}
		s := e.client(t)
		s.signIn("en", e.alice.Email)
		if p := s.get("/en/calls/sme-dx"); p.header.Get("ETag") != "" || p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("signed-in page headers: %v", p.header)
		}
	})
}

func TestClientAddr(t *testing.T) {
	tests := []struct {
		trust     bool
		remote    string
		forwarded string
		want      string
	}{
		{false, "192.0.2.1:5555", "203.0.113.9", "192.0.2.1"},
		{true, "10.0.0.1:5555", "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		{true, "10.0.0.1:5555", "not an address", "10.0.0.1"},
		{true, "[2001:db8::1]:443", "", "2001:db8::1"},
	}
	for _, tt := range tests {
		h := &Handler{opts: Options{TrustProxy: tt.trust}}
		r := httptest.NewRequest("POST", "/en/account/signin", nil)
		r.RemoteAddr = tt.remote
		if tt.forwarded != "" {
			r.Header.Set("X-Forwarded-For", tt.forwarded)
		}
		if got := h.clientAddr(r); got != tt.want {
			t.Errorf("clientAddr(trust %v, %s, %q) = %q, want %q", tt.trust, tt.remote, tt.forwarded, got, tt.want)
		}
	}
}

func TestTimeZonesAndDevAssets(t *testing.T) {
	for _, z := range timeZones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("time zone %s: %v", z, err)
		}
	}
	e := newEnvSQLite(t)
	h, err := New(e.app, Options{DevAssets: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", h.assets.url("app.css"), nil))
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("dev asset: %d %v", rec.Code, rec.Header())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/en/", nil))
	if rec.Code != 200 {
		t.Errorf("dev page: %d", rec.Code)
	}
}

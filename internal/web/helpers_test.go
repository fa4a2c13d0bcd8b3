package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// clock is the one injected clock; tests move it past deadlines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var (
	t0     = time.Date(2026, 6, 20, 10, 0, 0, 0, time.UTC)
	opens  = time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC)
	closes = time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC) // 23:59 in Zurich
)

const password = "correct horse battery"

// env is a running site over a real database.
type env struct {
	t   *testing.T
	db  *store.DB
	app *app.App
	h   *Handler
	srv *httptest.Server
	clk *clock
	// accounts made directly, signed in through the form by the tests
	sec, admin, reviewer, alice, bob store.User
	call                             store.Call
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: t0}
	e := &env{t: t, db: db, clk: clk}
	e.app = app.New(db, cat, app.Options{Now: clk.Now, BaseURL: "http://dx.test"})
	if e.h, err = New(e.app, Options{}); err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.h)
	t.Cleanup(e.srv.Close)
	ctx := context.Background()
	mk := func(email, role string) store.User {
		u, err := e.app.AddUser(ctx, nil, email, strings.Split(email, "@")[0], role, password)
		if err != nil {
			t.Fatalf("AddUser %s: %v", email, err)
		}
		return u
	}
	e.sec = mk("sec@un.example", store.RoleSecretariat)
	e.admin = mk("admin@un.example", store.RoleAdmin)
	e.reviewer = mk("rev@uni.example", store.RoleReviewer)
	e.alice = mk("alice@sme.example", store.RoleApplicant)
	e.bob = mk("bob@other.example", store.RoleApplicant)
	e.call, err = e.app.CreateCall(ctx, &e.sec, app.CallInput{
		Slug: ptr("sme-dx"), Title: store.LocalText{"en": "Global call for SME cases", "ar": "الدعوة العالمية لحالات المنشآت الصغيرة"},
		Description: store.LocalText{"en": "Cases of SME digital transformation.\n\nShare yours.", "ar": "حالات التحول الرقمي للمنشآت الصغيرة والمتوسطة."},
		Eligibility: &[]store.EligibilityItem{{Code: "sme", Text: store.LocalText{"en": "The transformation concerns SMEs", "ar": "يتعلق التحول بالمنشآت الصغيرة والمتوسطة"}}},
		OpensAt:     ptr(opens), ClosesAt: ptr(closes), Timezone: ptr("Europe/Zurich"), Blind: ptr(false), ReviewersPerCase: ptr(3),
	})
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// client is a browser without JavaScript: it keeps cookies, follows
// redirects, and sends forms with the CSRF token of the last page.
type client struct {
	t     *testing.T
	e     *env
	hc    *http.Client
	last  *page
	pages []*page // every HTML page fetched, for checks over all of them
	hdr   http.Header
}

// page is a fetched response.
type page struct {
	status int
	url    string
	header http.Header
	body   string
}

func (e *env) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, hc: &http.Client{Jar: jar}, hdr: http.Header{}}
}

// noFollow makes the client stop at redirects, to see them.
func (c *client) noFollow() *client {
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func (c *client) do(req *http.Request) *page {
	c.t.Helper()
	for k, vs := range c.hdr {
		req.Header[k] = vs
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := &page{status: res.StatusCode, url: res.Request.URL.String(), header: res.Header, body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		c.last = p
		c.pages = append(c.pages, p)
	}
	return p
}

func (c *client) get(path string) *page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the last page's forms.
func (c *client) csrf() string {
	c.t.Helper()
	if c.last == nil {
		c.t.Fatal("no page to take a CSRF token from")
	}
	m := csrfRE.FindStringSubmatch(c.last.body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s", c.last.url)
	}
	return m[1]
}

// post sends a form, adding the CSRF token of the last page unless the
// form sets one (an empty csrf value sends none).
func (c *client) post(path string, form url.Values) *page {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf())
	} else if form.Get("csrf") == "" {
		form.Del("csrf")
	}
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// postRaw sends an already encoded form body.
func (c *client) postRaw(path, body string) *page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// upload sends one file as the multipart field "file".
func (c *client) upload(path, name string, data []byte) *page {
	c.t.Helper()
	return c.postMultipart(path, nil, "file", name, "application/octet-stream", data)
}

// postMultipart posts the fields v with the CSRF token and, unless name
// is "", one file of a media type as the field.
func (c *client) postMultipart(path string, v url.Values, field, name, mediaType string, data []byte) *page {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf())
	for k, vs := range v {
		for _, s := range vs {
			mw.WriteField(k, s)
		}
	}
	if name != "" {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+strings.ReplaceAll(name, `"`, `\"`)+`"`)
		hdr.Set("Content-Type", mediaType)
		w, err := mw.CreatePart(hdr)
		if err != nil {
			c.t.Fatal(err)
		}
		w.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// signIn signs in through the form.
func (c *client) signIn(lang, email string) {
	c.t.Helper()
	c.get("/" + lang + "/account/signin")
	p := c.post("/"+lang+"/account/signin", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusOK || strings.Contains(p.url, "/account/signin") {
		c.t.Fatalf("sign in %s: status %d at %s\n%s", email, p.status, p.url, p.body)
	}
}

// expect fails unless p has the status.
func (p *page) expect(t *testing.T, status int) *page {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.url, p.status, status, p.body)
	}
	return p
}

// contains fails unless the body holds every string.
func (p *page) contains(t *testing.T, want ...string) *page {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: body lacks %q", p.url, w)
		}
	}
	return p
}

// lacks fails if the body holds any of the strings.
func (p *page) lacks(t *testing.T, bad ...string) *page {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(p.body, b) {
			t.Errorf("%s: body holds %q", p.url, b)
		}
	}
	return p
}

// formValue returns the value attribute of the input named name on the
// page, or the text of the textarea of that name.
func (p *page) formValue(name string) (string, bool) {
	re := regexp.MustCompile(`<input id="[^"]*" name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`)
	if m := re.FindStringSubmatch(p.body); m != nil {
		return htmlUnescape(m[1]), true
	}
	re = regexp.MustCompile(`(?s)<textarea id="[^"]*" name="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</textarea>`)
	if m := re.FindStringSubmatch(p.body); m != nil {
		return htmlUnescape(m[1]), true
	}
	return "", false
}

var htmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`, "&amp;", "&")

func htmlUnescape(s string) string { return htmlUnescaper.Replace(s) }

// newEnvSQLite is an env on a fresh SQLite database, for tests whose
// subject does not depend on the database.
func newEnvSQLite(t *testing.T) *env {
	t.Helper()
	return newEnv(t, storetest.OpenSQLite(t))
}

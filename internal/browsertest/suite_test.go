package browsertest

import (
	"context"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Roles a page can be seen as: a visitor, or a signed-in demo account.
const (
	visitor     = ""
	applicant   = store.RoleApplicant
	secretariat = store.RoleSecretariat
	admin       = store.RoleAdmin
	reviewer    = store.RoleReviewer
	owner       = "owner" // the applicant of the reviewed cases (Fixtures.Owner)
)

// suite is a running site and browser for one test.
type suite struct {
	site    *Site
	browser context.Context
	fx      fixture
}

// fixture holds the values page paths refer to as {name}.
type fixture map[string]string

func newSuite(t *testing.T) *suite {
	t.Helper()
	s := &suite{site: StartSite(t)}
	s.browser = StartBrowser(t)
	call, err := demo.Call()
	if err != nil {
		t.Fatal(err)
	}
	s.fx = fixture{"call": call.Slug}
	maps.Copy(s.fx, s.site.Fixtures.values())
	return s
}

// path fills a path's placeholders from the fixture.
func (s *suite) path(t testing.TB, p string) string {
	t.Helper()
	out := regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllStringFunc(p, func(m string) string {
		v, ok := s.fx[strings.Trim(m, "{}")]
		if !ok {
			t.Fatalf("path %s: no fixture value for %s", p, m)
		}
		return v
	})
	return out
}

// tab opens a tab with a fresh profile, signed in as role through the
// sign-in form (none for a visitor).
func (s *suite) tab(t testing.TB, role string, o TabOptions) *Tab {
	t.Helper()
	tb := NewTab(t, s.browser, s.site, o)
	switch role {
	case visitor:
	case owner:
		signIn(t, tb, "en", s.site.Fixtures.Owner)
	default:
		signIn(t, tb, "en", s.site.Account(t, role))
	}
	return tb
}

// signIn signs in through the sign-in form, with the mouse.
func signIn(t testing.TB, tb *Tab, lang string, a demo.Account) {
	t.Helper()
	tb.Open(t, "/"+lang+"/account/signin")
	tb.Do(t, chromedp.SendKeys(chromedp.ID("f-email"), a.Email), chromedp.SendKeys(chromedp.ID("f-password"), a.Password))
	if st := tb.Load(t, chromedp.Click(chromedp.CSS(`main form button[type=submit]`))); st != http.StatusOK {
		t.Fatalf("sign in as %s: status %d", a.Email, st)
	}
	if p := tb.Path(t); strings.Contains(p, "/account/signin") {
		t.Fatalf("sign in as %s: still at %s", a.Email, p)
	}
}

// caseIDRE finds a case id in a path.
var caseIDRE = regexp.MustCompile(`/cases/(DX-\d{4}-\d{4})`)

// startCase starts a new case from the call page, with the mouse, and
// returns its id; the tab is left on the case form.
func (s *suite) startCase(t testing.TB, tb *Tab, lang string) string {
	t.Helper()
	tb.Open(t, "/"+lang+"/calls/"+s.fx["call"])
	tb.Load(t, chromedp.Click(chromedp.CSS(`main form[action$="/cases"] button[type=submit]`)))
	m := caseIDRE.FindStringSubmatch(tb.Path(t))
	if m == nil {
		t.Fatalf("starting a case led to %s", tb.Path(t))
	}
	return m[1]
}

// addFixtures finds or makes what the page paths refer to: {draft}, an
// empty case the applicant started through the call page; {case}, one of
// their submitted cases; {mail}, a message in the outbox.
func (s *suite) addFixtures(t *testing.T, applicantTab *Tab) {
	t.Helper()
	ctx := context.Background()
	s.fx["draft"] = s.startCase(t, applicantTab, "en")
	u, err := s.site.DB.UserByEmail(ctx, s.site.Account(t, applicant).Email)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := s.site.App.MyCases(ctx, &u)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.State == domain.StateSubmitted {
			s.fx["case"] = c.ID
			break
		}
	}
	msgs, err := s.site.DB.ListOutbox(ctx, 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %d messages, %v", len(msgs), err)
	}
	s.fx["mail"] = strconv.FormatInt(msgs[0].ID, 10)
}

// artifacts is the directory for screenshots and measurements:
// $DXATLAS_ARTIFACTS/name, or a temporary directory of the test.
func artifacts(t testing.TB, name string) string {
	t.Helper()
	base := os.Getenv("DXATLAS_ARTIFACTS")
	if base == "" {
		return t.TempDir()
	}
	dir := filepath.Join(base, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// concurrently runs f for each of names as subtests, all at once. They
// do not call t.Parallel: go test runs at most GOMAXPROCS parallel tests
// at a time, and these spend their time waiting for the browser, so that
// limit would leave a small machine idle.
func concurrently(t *testing.T, names []string, f func(t *testing.T, i int, name string)) {
	t.Helper()
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			t.Run(name, func(t *testing.T) { f(t, i, name) })
		})
	}
	wg.Wait()
}

// langs are the six interface languages.
var langs = i18n.Langs

package browsertest

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// pageType is one kind of page the suite checks in every language.
//
// To cover a new page, add a row: a name, who sees it, its path under
// /{lang} (with {call}, {case}, {draft} or {mail} for the fixtures of
// suite.addFixtures), and, when the page only appears after an action,
// the steps that lead to it (sendForm sends the page's form).
type pageType struct {
	name   string
	as     string                                       // a demo role signed in, or visitor
	path   string                                       // under /{lang}
	then   func(t *testing.T, tb *Tab, lang string) int // steps after opening the path; returns the final HTTP status
	status int                                          // the page's HTTP status; 0 means 200
	public bool                                         // open to anyone: the weight budget applies
	shot   bool                                         // screenshot it at phone and desktop widths
}

// pageTypes are every page type of the site.
var pageTypes = []pageType{
	// Public pages
	{name: "home", as: visitor, path: "/", public: true, shot: true},
	{name: "call", as: visitor, path: "/calls/{call}", public: true, shot: true},
	{name: "not_found", as: visitor, path: "/no/such/page", status: http.StatusNotFound, public: true},

	// Accounts
	{name: "signin", as: visitor, path: "/account/signin", public: true, shot: true},
	{name: "signin_failed", as: visitor, path: "/account/signin", then: failSignIn, status: http.StatusUnauthorized},
	{name: "register", as: visitor, path: "/account/register", public: true},
	{name: "register_errors", as: visitor, path: "/account/register", then: sendForm(`main form button[type=submit]`), status: http.StatusUnprocessableEntity, shot: true},
	{name: "forgot", as: visitor, path: "/account/forgot", public: true},
	{name: "resend", as: visitor, path: "/account/resend", public: true},
	{name: "reset", as: visitor, path: "/account/reset?token=unknown"},
	{name: "verify_failed", as: visitor, path: "/account/verify?token=unknown", status: http.StatusBadRequest},
	{name: "profile", as: applicant, path: "/account/profile"},

	// Applicants
	{name: "my_cases", as: applicant, path: "/me/cases", shot: true},
	{name: "case_form", as: applicant, path: "/me/cases/{draft}/edit"},
	{name: "case_form_errors", as: applicant, path: "/me/cases/{draft}/edit", then: sendForm(`button[name=action][value=submit]`), status: http.StatusUnprocessableEntity, shot: true},
	{name: "case_view", as: applicant, path: "/me/cases/{case}", shot: true},
	{name: "case_withdraw", as: applicant, path: "/me/cases/{draft}/withdraw"},

	// Secretariat
	{name: "sec_calls", as: secretariat, path: "/sec/calls"},
	{name: "sec_call_new", as: secretariat, path: "/sec/calls/new"},
	{name: "sec_call_edit", as: secretariat, path: "/sec/calls/{call}/edit"},
	{name: "sec_cases", as: secretariat, path: "/sec/calls/{call}/cases?state=submitted&technology=analytics", shot: true},

	// Administration
	{name: "admin_mail", as: admin, path: "/admin/mail"},
	{name: "admin_mail_message", as: admin, path: "/admin/mail/{mail}"},
	{name: "admin_users", as: admin, path: "/admin/users"},
}

// sendForm clicks a form's submit button (sel) and waits for the answer.
func sendForm(sel string) func(t *testing.T, tb *Tab, lang string) int {
	return func(t *testing.T, tb *Tab, lang string) int {
		t.Helper()
		return tb.Load(t, chromedp.Click(chromedp.CSS(sel)))
	}
}

// failSignIn signs in with a wrong password, for an account of its own
// in each language, so that the failures stay under the throttle.
func failSignIn(t *testing.T, tb *Tab, lang string) int {
	t.Helper()
	tb.Do(t, chromedp.SendKeys(chromedp.ID("f-email"), "nobody-"+lang+"@example.org"),
		chromedp.SendKeys(chromedp.ID("f-password"), "not the password"))
	return sendForm(`main form button[type=submit]`)(t, tb, lang)
}

// open shows page type pt in lang in tb and checks its HTTP status.
func (s *suite) open(t *testing.T, tb *Tab, pt pageType, lang string) {
	t.Helper()
	st := tb.Open(t, "/"+lang+s.path(t, pt.path))
	if pt.then != nil {
		st = pt.then(t, tb, lang)
	}
	want := pt.status
	if want == 0 {
		want = http.StatusOK
	}
	if st != want {
		t.Fatalf("%s: status %d, want %d", tb.Path(t), st, want)
	}
	if got := Eval[string](t, tb, `document.documentElement.lang`); got != lang {
		t.Errorf("%s: <html lang=%q>, want %q", tb.Path(t), got, lang)
	}
}

// roleTabs opens one signed-in tab per role the page types need, and the
// fixtures.
func (s *suite) roleTabs(t *testing.T) map[string]*Tab {
	t.Helper()
	tabs := map[string]*Tab{}
	for _, pt := range pageTypes {
		if _, ok := tabs[pt.as]; !ok {
			tabs[pt.as] = s.tab(t, pt.as, TabOptions{})
		}
	}
	s.addFixtures(t, tabs[applicant])
	return tabs
}

// TestAccessibility runs axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules
// on every page type in the six languages, and fails on any violation.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	axe := LoadAxe(t)
	tabs := s.roleTabs(t)
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			// Tabs of each signed-in profile, for this language.
			mine := map[string]*Tab{}
			for role, tb := range tabs {
				mine[role] = tb.Sibling(t, TabOptions{})
			}
			for _, pt := range pageTypes {
				t.Run(pt.name, func(t *testing.T) {
					tb := mine[pt.as]
					s.open(t, tb, pt, lang)
					for _, v := range Axe(t, tb, axe, AxeTags) {
						t.Errorf("%s: %s", tb.Path(t), v)
					}
					for _, p := range tb.Problems() {
						t.Errorf("%s: %s", tb.Path(t), p)
					}
				})
			}
		})
	}
}

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
// suite.addFixtures, or one of the site's Fixtures, such as {review} or
// {published}), and, when the page only appears after an action, the
// steps that lead to it (sendForm sends the page's form).
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

	// The library
	{name: "library", as: visitor, path: "/cases", public: true},
	{name: "library_search", as: visitor, path: "/cases?q=mobile&wsis=C7&language=en", public: true, shot: true},
	{name: "library_case", as: visitor, path: "/cases/{published}", public: true, shot: true},
	{name: "library_gone", as: visitor, path: "/cases/{gone}", status: http.StatusGone, public: true},
	{name: "stats", as: visitor, path: "/stats", public: true, shot: true},
	{name: "stats_filtered", as: visitor, path: "/stats?region=002", public: true},

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
	{name: "case_form_draft_file_error", as: applicant, path: "/me/cases/{draft}/edit", then: sendForm(`#offline button[type=submit]`), status: http.StatusUnprocessableEntity},
	{name: "case_view", as: applicant, path: "/me/cases/{case}", shot: true},
	{name: "case_withdraw", as: applicant, path: "/me/cases/{draft}/withdraw"},
	{name: "case_decision", as: owner, path: "/me/cases/{decidedcase}", shot: true},

	// Reviewers
	{name: "review_invitation", as: visitor, path: "/review/invitation?token={invitation}"},
	{name: "review_mine", as: reviewer, path: "/review", shot: true},
	{name: "review_profile", as: reviewer, path: "/review/calls/{review}/profile"},
	{name: "review_form", as: reviewer, path: "/review/assignments/{assignment}", shot: true},
	{name: "review_form_errors", as: reviewer, path: "/review/assignments/{assignment}", then: sendForm(`#review-form button[name=action][value=submit]`), status: http.StatusUnprocessableEntity},

	// Secretariat
	{name: "sec_calls", as: secretariat, path: "/sec/calls"},
	{name: "sec_call_new", as: secretariat, path: "/sec/calls/new"},
	{name: "sec_call_edit", as: secretariat, path: "/sec/calls/{call}/edit"},
	{name: "sec_cases", as: secretariat, path: "/sec/calls/{call}/cases?state=submitted&technology=analytics", shot: true},
	{name: "sec_review", as: secretariat, path: "/sec/calls/{review}/review"},
	{name: "sec_screening", as: secretariat, path: "/sec/calls/{review}/screening"},
	{name: "sec_panel", as: secretariat, path: "/sec/calls/{review}/panel"},
	{name: "sec_assignments", as: secretariat, path: "/sec/calls/{review}/assignments"},
	{name: "sec_ranking", as: secretariat, path: "/sec/calls/{review}/ranking", shot: true},
	{name: "sec_case_reviews", as: secretariat, path: "/sec/calls/{review}/cases/{reviewed}"},
	{name: "sec_decisions", as: secretariat, path: "/sec/calls/{review}/decisions"},
	{name: "sec_publication", as: secretariat, path: "/sec/calls/{decided}/publication"},
	{name: "sec_audit", as: secretariat, path: "/sec/calls/{review}/audit"},
	{name: "sec_review_settings", as: secretariat, path: "/sec/calls/{review}/review-settings"},

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
// on every page type in the six languages, and fails on any violation and
// on any English left in a page in another language.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	axe := LoadAxe(t)
	tabs := s.roleTabs(t)
	concurrently(t, langs, func(t *testing.T, _ int, lang string) {
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
				checkNoEnglish(t, tb, lang)
				for _, p := range tb.Problems() {
					t.Errorf("%s: %s", tb.Path(t), p)
				}
			})
		}
	})
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// reviewWorld is a call under review, set up through the app: Alice's
// case (with an attachment) assigned to the reviewer, whose review is a
// complete draft; a second reviewer on the panel, not assigned.
type reviewWorld struct {
	e          *env
	caseID     string
	assignment int64
	other      store.User // the panel's second reviewer
}

func newReviewWorld(t *testing.T, e *env, blind bool, edit func(*domain.Case)) *reviewWorld {
	t.Helper()
	ctx := context.Background()
	w := &reviewWorld{e: e}
	if _, err := e.app.UpdateCall(ctx, &e.sec, e.call.Slug, app.CallInput{Blind: &blind}); err != nil {
		t.Fatal(err)
	}
	doc := exampleCase(t)
	if edit != nil {
		edit(&doc)
	}
	w.caseID = e.newDraft(t, e.alice, doc)
	if _, err := e.app.AddAttachment(ctx, &e.alice, w.caseID, "zephyrine-annual-report.pdf", pdfBytes); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Submit(ctx, &e.alice, w.caseID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Screen(ctx, &e.sec, w.caseID, app.ScreeningInput{Outcome: "eligible", Checklist: map[string]bool{"sme": true}}); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.other, err = e.app.AddUser(ctx, nil, "second@uni-two.example", "Torvald Achterberg", store.RoleReviewer, password); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{e.reviewer, w.other} {
		if _, err := e.app.InviteReviewer(ctx, &e.sec, e.call.Slug, app.Invitation{Email: u.Email, Name: u.Name, Languages: []string{"en"}}); err != nil {
			t.Fatal(err)
		}
		link := e.mailedLink(t, u.Email, invitationLink)
		if _, _, err := e.app.AcceptInvitationAs(ctx, &u, link[strings.Index(link, "token=")+6:], ""); err != nil {
			t.Fatal(err)
		}
	}
	e.clk.Set(closes.Add(time.Hour))
	x, err := e.app.AddReviewer(ctx, &e.sec, w.caseID, e.reviewer.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.assignment = x.ID
	in := app.ReviewInput{Scores: map[string]int{}, Recommendation: "accept", Confidence: 2,
		CommentToApplicant: "Convincing results.", CommentToCommittee: "CONFIDENTIAL from the reviewer"}
	for _, c := range domain.DefaultRubric().Codes() {
		in.Scores[c] = 4
	}
	if _, err := e.app.SaveReview(ctx, &e.reviewer, x.ID, in); err != nil {
		t.Fatal(err)
	}
	return w
}

// leakFree fails if any page a client fetched holds a secret, ignoring
// case and HTML escapes.
func leakFree(t *testing.T, who string, pages []*page, secrets ...string) {
	t.Helper()
	if len(pages) == 0 {
		t.Fatalf("%s fetched no page", who)
	}
	for _, p := range pages {
		text := strings.ToLower(htmlUnescape(p.body))
		for _, s := range secrets {
			if strings.Contains(text, strings.ToLower(s)) {
				t.Errorf("%s: %s shows %q", who, p.url, s)
			}
		}
	}
}

// TestBlindReviewPages: in a blind call, no page a reviewer can reach
// shows the organisation, its website, the partners, the links, the
// attachment or the submitter, though the applicant wrote them into the
// texts; no page or mail the applicant gets names a reviewer or shows a
// confidential comment. In English and Arabic, on SQLite and PostgreSQL.
func TestBlindReviewPages(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		ctx := context.Background()
		L := "/" + lang
		const org, partner, site = "Zephyrine Textiles Cooperative", "Quillon Municipal Council", "https://zephyrine-textiles.example"
		var err error
		if e.alice, err = e.app.UpdateProfile(ctx, &e.alice, app.Profile{Name: "Oriane Vasquez-Holloway", Lang: lang}); err != nil {
			t.Fatal(err)
		}
		if e.reviewer, err = e.app.UpdateProfile(ctx, &e.reviewer, app.Profile{Name: reviewerName, Lang: lang}); err != nil {
			t.Fatal(err)
		}
		w := newReviewWorld(t, e, true, func(c *domain.Case) {
			c.Organisation.Name, c.Organisation.Website = org, site
			c.Partners = []domain.Partner{{Name: partner, Type: "government", Country: "KE"}}
			c.Links = []string{site + "/story"}
			c.Summary += " " + org + " and " + partner + " explain more at " + site + "."
			c.Problem += " Oriane Vasquez-Holloway (alice@sme.example) leads " + org + "."
			c.KPIs[0].Name = "Sales of " + org
			c.Translations = map[string]domain.Translation{"fr": {Title: "Comptabilité chez " + org, Source: "author"}}
		})
		rp := L + "/review/assignments/" + strconv.FormatInt(w.assignment, 10)

		// Every page the reviewer can reach, and the answers to their forms.
		r := e.client(t)
		r.signIn(lang, e.reviewer.Email)
		r.get(L+"/review").expect(t, http.StatusOK)
		r.get(rp).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.case.blind_note")), "[…]")
		// Guessing the file's name finds nothing (on its own client: the
		// page echoes the address asked for).
		probe := e.client(t)
		probe.signIn(lang, e.reviewer.Email)
		probe.get(rp+"/attachments/zephyrine-annual-report.pdf").expect(t, http.StatusNotFound)
		r.get(L+"/review/calls/sme-dx/profile").expect(t, http.StatusOK)
		r.post(rp, url.Values{"scores.impact": {"9"}, "action": {"save"}}).expect(t, http.StatusUnprocessableEntity)
		r.post(rp, url.Values{"scores.impact": {"4"}, "action": {"submit"}}).expect(t, http.StatusUnprocessableEntity)
		r.post(rp, reviewValues("4", "Convincing results.", "CONFIDENTIAL from the reviewer")).expect(t, http.StatusOK)
		r.get(L+"/me/cases/"+w.caseID).expect(t, http.StatusNotFound)
		r.get(L+"/me/cases").expect(t, http.StatusOK)
		r.get(L+"/calls/sme-dx").expect(t, http.StatusOK)
		r.get(L+"/").expect(t, http.StatusOK)
		r.get(L+"/account/profile").expect(t, http.StatusOK)
		r.get(L+"/sec/calls/sme-dx/cases/"+w.caseID).expect(t, http.StatusForbidden)
		leakFree(t, "the reviewer", r.pages, org, partner, site, "zephyrine-textiles.example", "zephyrine-annual-report",
			"Oriane Vasquez-Holloway", e.alice.Email, "sme.example")

		// The applicant, once the decision is released and published.
		if _, err := e.app.Decide(ctx, &e.sec, w.caseID, "accepted", "Committee note: exemplary."); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.ReleaseDecisions(ctx, &e.sec, "sme-dx"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.PublishCall(ctx, &e.sec, "sme-dx"); err != nil {
			t.Fatal(err)
		}
		a := e.client(t)
		a.signIn(lang, e.alice.Email)
		a.get(L+"/me/cases/"+w.caseID).expect(t, http.StatusOK).contains(t, "Convincing results.", esc(e.tr(lang, "review.decision.accepted")))
		a.get(L+"/me/cases").expect(t, http.StatusOK)
		a.get(L+"/review").expect(t, http.StatusOK)
		a.get(rp).expect(t, http.StatusNotFound)
		a.get(L+"/sec/calls/sme-dx/ranking").expect(t, http.StatusForbidden)
		secrets := []string{reviewerName, "Torvald Achterberg", e.reviewer.Email, "second@uni-two.example", "CONFIDENTIAL", "Committee note"}
		leakFree(t, "the applicant", a.pages, secrets...)
		msgs, err := e.db.OutboxFor(ctx, e.alice.Email)
		if err != nil {
			t.Fatal(err)
		}
		var mails []*page
		for _, m := range msgs {
			mails = append(mails, &page{url: "mail " + m.Key, body: m.Subject + "\n" + m.Text + "\n" + m.HTML})
		}
		leakFree(t, "the applicant's mail", mails, secrets...)
	})
}

// TestReviewPageAuthorization opens every review page, and sends every
// review form, as each kind of visitor, on SQLite and PostgreSQL.
func TestReviewPageAuthorization(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		w := newReviewWorld(t, e, false, nil)
		roles := []string{"anonymous", "applicant", "other applicant", "assigned reviewer", "other reviewer", "secretariat", "admin"}
		emails := map[string]string{"applicant": e.alice.Email, "other applicant": e.bob.Email, "assigned reviewer": e.reviewer.Email,
			"other reviewer": w.other.Email, "secretariat": e.sec.Email, "admin": e.admin.Email}
		const (
			ok    = http.StatusOK
			login = http.StatusSeeOther // to the sign-in page
			nf    = http.StatusNotFound
			no    = http.StatusForbidden
			auth  = http.StatusUnauthorized // a form sent without a session
			bad   = http.StatusUnprocessableEntity
			conf  = http.StatusConflict
		)
		aid := strconv.FormatInt(w.assignment, 10)
		sec := "/en/sec/calls/sme-dx/"
		pages := []struct {
			path string
			want [7]int
		}{
			{"/en/review", [7]int{login, ok, ok, ok, ok, ok, ok}},
			{"/en/review/invitation?token=" + strings.Repeat("x", 43), [7]int{400, 400, 400, 400, 400, 400, 400}},
			{"/en/review/assignments/" + aid, [7]int{login, nf, nf, ok, nf, nf, nf}},
			{"/en/review/assignments/" + aid + "/attachments/zephyrine-annual-report.pdf", [7]int{login, nf, nf, ok, nf, nf, nf}},
			{"/en/review/assignments/999999", [7]int{login, nf, nf, nf, nf, nf, nf}},
			{"/en/review/calls/sme-dx/profile", [7]int{login, nf, nf, ok, ok, nf, nf}},
			{"/en/me/cases/" + w.caseID, [7]int{login, ok, nf, nf, nf, ok, ok}},
			{sec + "review", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "screening", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "panel", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "assignments", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "ranking", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "ranking.csv", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "ranking.xlsx", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "cases/" + w.caseID, [7]int{login, no, no, no, no, ok, ok}},
			{sec + "decisions", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "publication", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "audit", [7]int{login, no, no, no, no, ok, ok}},
			{sec + "review-settings", [7]int{login, no, no, no, no, ok, ok}},
			{"/en/sec/calls/no-such-call/screening", [7]int{login, no, no, no, no, nf, nf}},
		}
		// Forms, with a valid token; what a permitted visitor sends is
		// refused by the operation (invalid, or in the wrong state), so
		// that each row leaves the call as it was.
		forms := []struct {
			path string
			form url.Values
			want [7]int
		}{
			{"/en/review/assignments/" + aid, url.Values{"scores.impact": {"9"}, "action": {"save"}}, [7]int{auth, nf, nf, bad, nf, nf, nf}},
			{"/en/review/calls/sme-dx/profile", url.Values{"max_load": {"lots"}}, [7]int{auth, nf, nf, bad, bad, nf, nf}},
			{"/en/review/invitation", url.Values{"token": {"nothing"}, "action": {"accept"}}, [7]int{400, 400, 400, 400, 400, 400, 400}},
			{sec + "screening/" + w.caseID, url.Values{"outcome": {"eligible"}}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "panel", url.Values{"email": {"not an address"}}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "panel/" + strconv.FormatInt(e.reviewer.ID, 10) + "/max-load", url.Values{"max_load": {"lots"}}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "assignments/auto", url.Values{"reviewers_per_case": {"many"}}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "assignments/rules", url.Values{"kind": {"pin"}}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "assignments/" + aid + "/unassign", url.Values{}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "cases/" + w.caseID + "/decision", url.Values{"decision": {"maybe"}}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "cases/" + w.caseID + "/reviewers", url.Values{}, [7]int{auth, no, no, no, no, bad, bad}},
			{sec + "cases/" + w.caseID + "/reopen", url.Values{"assignment": {aid}}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "publication/" + w.caseID + "/publish", url.Values{}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "publication/" + w.caseID + "/unpublish", url.Values{}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "publication", url.Values{}, [7]int{auth, no, no, no, no, conf, conf}},
			{sec + "review-settings", url.Values{"review_visibility": {"sometimes"}}, [7]int{auth, no, no, no, no, bad, bad}},
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
						t.Errorf("GET %s = %d, want %d", pg.path, p.status, pg.want[i])
					}
				}
				for _, f := range forms {
					c.get("/en/account/signin")
					if p := c.post(f.path, cloneValues(f.form)); p.status != f.want[i] {
						t.Errorf("POST %s = %d, want %d", f.path, p.status, f.want[i])
					}
				}
			})
		}
		// Nothing changed: the case is still under review, its one
		// assignment and draft are there.
		ctx := context.Background()
		if c, _ := db.CaseByID(ctx, w.caseID); c.State != domain.StateUnderReview {
			t.Errorf("the case is %s", c.State)
		}
		if rc, err := e.app.ReviewCase(ctx, &e.reviewer, w.assignment); err != nil || rc.Review == nil || rc.Review.State != domain.ReviewDraft {
			t.Errorf("the draft review: %+v %v", rc.Review, err)
		}
	})
}

// TestReviewCSRF sends every review form without its token, from a
// foreign origin, and with a wrong token: each is refused with 403 and
// changes nothing; the page that refuses keeps what was typed.
func TestReviewCSRF(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		w := newReviewWorld(t, e, false, nil)
		if _, err := e.app.InviteReviewer(ctx, &e.sec, "sme-dx", app.Invitation{Email: "pending@uni-eight.example", Name: "Pending Invitee"}); err != nil {
			t.Fatal(err)
		}
		pending := e.mailedLink(t, "pending@uni-eight.example", invitationLink)
		aid := strconv.FormatInt(w.assignment, 10)
		sec := "/en/sec/calls/sme-dx/"
		s := e.client(t)
		s.signIn("en", e.sec.Email)
		r := e.client(t)
		r.signIn("en", e.reviewer.Email)
		anon := e.client(t)
		settings := func() app.ReviewSettings {
			set, err := e.app.ReviewSettings(ctx, &e.sec, "sme-dx")
			if err != nil {
				t.Fatal(err)
			}
			return set
		}
		reviewState := func() string {
			rc, err := e.app.ReviewCase(ctx, &e.reviewer, w.assignment)
			if err != nil || rc.Review == nil {
				t.Fatalf("review: %v", err)
			}
			return rc.Review.State + " " + rc.Review.CommentToApplicant
		}
		panel := func() string {
			ms, err := e.app.Reviewers(ctx, &e.sec, "sme-dx")
			if err != nil {
				t.Fatal(err)
			}
			var states []string
			for _, m := range ms {
				states = append(states, m.Email+" "+m.State)
			}
			return strings.Join(states, ", ")
		}
		decision := func() string {
			rows, err := e.app.Ranking(ctx, &e.sec, "sme-dx")
			if err != nil {
				t.Fatal(err)
			}
			return rows[0].Decision
		}
		cases := []struct {
			c        *client
			page     string // a page with the form
			path     string
			form     url.Values
			kept     string // a typed value the refusal shows again, if any
			snapshot func() string
		}{
			{r, "/en/review/assignments/" + aid, "/en/review/assignments/" + aid, reviewValues("5", "Typed before the form expired", ""), "Typed before the form expired", reviewState},
			{r, "/en/review/calls/sme-dx/profile", "/en/review/calls/sme-dx/profile", url.Values{"max_load": {"7"}, "conflicts.organisations": {"Kept Org"}}, "Kept Org",
				func() string {
					ms, _ := e.app.MyPanels(ctx, &e.reviewer)
					return fmt.Sprint(ms[0].MaxLoad, ms[0].Conflicts)
				}},
			{s, sec + "screening", sec + "screening/" + w.caseID, url.Values{"outcome": {"ineligible"}, "note": {"Kept note"}}, "",
				func() string { c, _ := db.CaseByID(ctx, w.caseID); return c.State }},
			{s, sec + "panel", sec + "panel", url.Values{"email": {"new@uni-nine.example"}, "name": {"Kept Invitee"}}, "Kept Invitee",
				panel},
			{s, sec + "panel", sec + "panel/" + strconv.FormatInt(e.reviewer.ID, 10) + "/max-load", url.Values{"max_load": {"9"}}, "",
				func() string { ms, _ := e.app.MyPanels(ctx, &e.reviewer); return strconv.Itoa(ms[0].MaxLoad) }},
			{s, sec + "assignments", sec + "assignments/auto", url.Values{"reviewers_per_case": {"2"}}, "",
				func() string { as, _ := e.app.Assignments(ctx, &e.sec, "sme-dx"); return strconv.Itoa(len(as)) }},
			{s, sec + "assignments", sec + "assignments/rules", url.Values{"case": {w.caseID}, "reviewer": {strconv.FormatInt(w.other.ID, 10)}, "kind": {"forbid"}}, "",
				func() string { rs, _ := e.app.Rules(ctx, &e.sec, "sme-dx"); return strconv.Itoa(len(rs)) }},
			{s, sec + "assignments", sec + "assignments/" + aid + "/unassign", url.Values{}, "",
				func() string { as, _ := e.app.Assignments(ctx, &e.sec, "sme-dx"); return strconv.Itoa(len(as)) }},
			{s, sec + "cases/" + w.caseID, sec + "cases/" + w.caseID + "/decision", url.Values{"decision": {"accepted"}, "note": {"Kept decision note"}}, "Kept decision note", decision},
			{s, sec + "cases/" + w.caseID, sec + "cases/" + w.caseID + "/reviewers", url.Values{"reviewer": {strconv.FormatInt(w.other.ID, 10)}}, "",
				func() string { as, _ := e.app.Assignments(ctx, &e.sec, "sme-dx"); return strconv.Itoa(len(as)) }},
			{s, sec + "cases/" + w.caseID, sec + "cases/" + w.caseID + "/reopen", url.Values{"assignment": {aid}, "reason": {"x"}}, "", reviewState},
			{s, sec + "decisions", sec + "decisions", url.Values{}, "",
				func() string { c, _ := e.app.Call(ctx, &e.sec, "sme-dx"); return e.app.Phase(c) }},
			{s, sec + "publication", sec + "publication", url.Values{}, "",
				func() string { c, _ := e.app.Call(ctx, &e.sec, "sme-dx"); return e.app.Phase(c) }},
			{s, sec + "publication", sec + "publication/" + w.caseID + "/publish", url.Values{}, "",
				func() string { c, _ := db.CaseByID(ctx, w.caseID); return c.State }},
			{s, sec + "publication", sec + "publication/" + w.caseID + "/unpublish", url.Values{"reason": {"r"}}, "",
				func() string { c, _ := db.CaseByID(ctx, w.caseID); return c.State }},
			{s, sec + "review-settings", sec + "review-settings", url.Values{"review_visibility": {"always"}, "reveal_reviewers": {"true"}}, "",
				func() string { return fmt.Sprint(settings()) }},
			{anon, pending, "/en/review/invitation", url.Values{"token": {pending[strings.Index(pending, "token=")+6:]}, "action": {"decline"},
				"reason": {"Kept reason"}, "suggested_replacement.name": {"Kept Name"}}, "Kept Name", panel},
		}
		for _, tc := range cases {
			for _, attack := range []struct {
				name   string
				token  string
				header map[string]string
			}{
				{"missing token", "", nil},
				{"wrong token", strings.Repeat("A", 43), nil},
				{"foreign origin", "page", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}},
			} {
				t.Run(tc.path+" "+attack.name, func(t *testing.T) {
					before := tc.snapshot()
					tc.c.get(tc.page).expect(t, http.StatusOK)
					form := cloneValues(tc.form)
					switch attack.token {
					case "page":
					default:
						form.Set("csrf", attack.token)
					}
					for k, v := range attack.header {
						tc.c.hdr.Set(k, v)
					}
					p := tc.c.post(tc.path, form)
					for k := range attack.header {
						tc.c.hdr.Del(k)
					}
					if p.status != http.StatusForbidden {
						t.Errorf("status %d, want 403", p.status)
					}
					if tc.kept != "" && p.status == http.StatusForbidden {
						p.contains(t, esc(e.tr("en", "error.csrf")), tc.kept)
					}
					if after := tc.snapshot(); after != before {
						t.Errorf("a forged request changed %q to %q", before, after)
					}
				})
			}
		}
		// Accepting with another account is refused, and the page says why.
		other := esc(e.tr("en", "review.invite.other_account", map[string]any{"Email": "pending@uni-eight.example"}))
		r.get(pending).expect(t, http.StatusOK).contains(t, other)
		r.post("/en/review/invitation", url.Values{"token": {pending[strings.Index(pending, "token=")+6:]}, "action": {"accept"},
			"password": {password}}).expect(t, http.StatusForbidden).contains(t, other)
		if got := panel(); !strings.Contains(got, "pending@uni-eight.example invited") {
			t.Errorf("another account accepted the invitation: %s", got)
		}
	})
}

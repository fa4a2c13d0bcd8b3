package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Names no text of the platform contains, for the leak checks.
const (
	reviewerName = "Rafaela Quintero-Blume"
	newcomerName = "Nadia Okonkwo-Lindqvist"
)

// submitted creates and submits a case for u, changed by edit.
func (e *env) submitted(t *testing.T, u store.User, edit func(*domain.Case)) string {
	t.Helper()
	doc := exampleCase(t)
	if edit != nil {
		edit(&doc)
	}
	id := e.newDraft(t, u, doc)
	if _, err := e.app.Submit(context.Background(), &u, id); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return id
}

var (
	invitationLink = regexp.MustCompile(`/[a-z]{2}/review/invitation\?token=[A-Za-z0-9_-]+`)
	assignmentLink = regexp.MustCompile(`/review/assignments/([0-9]+)"`)
)

// mailedLink returns the newest link matching re in the mail to email.
func (e *env) mailedLink(t *testing.T, email string, re *regexp.Regexp) string {
	t.Helper()
	msgs, err := e.db.OutboxFor(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if l := re.FindString(msgs[i].Text); l != "" {
			return l
		}
	}
	t.Fatalf("no link in the mail to %s", email)
	return ""
}

// reviewValues is a complete review as the form posts it.
func reviewValues(n string, toApplicant, toCommittee string) url.Values {
	v := url.Values{"recommendation": {"accept"}, "confidence": {"2"}, "comment_to_applicant": {toApplicant},
		"comment_to_committee": {toCommittee}, "action": {"submit"}}
	for _, c := range domain.DefaultRubric().Codes() {
		v.Set("scores."+c, n)
	}
	return v
}

// TestReviewJourneyPages walks the review through the pages without
// JavaScript, in English and Arabic, on SQLite and PostgreSQL: the
// secretariat screens, invites and assigns; reviewers accept the mailed
// link and review; the committee ranks, decides and releases; the
// applicant reads the decision by mail and on the case's page; the
// secretariat publishes and reads the audit log.
func TestReviewJourneyPages(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		ctx := context.Background()
		L := "/" + lang
		var err error
		if e.reviewer, err = e.app.UpdateProfile(ctx, &e.reviewer, app.Profile{Name: reviewerName, Lang: lang}); err != nil {
			t.Fatal(err)
		}
		if e.alice, err = e.app.UpdateProfile(ctx, &e.alice, app.Profile{Name: "Alice Applicant", Lang: lang}); err != nil {
			t.Fatal(err)
		}
		alices := e.submitted(t, e.alice, nil)
		bobs := e.submitted(t, e.bob, func(c *domain.Case) {
			c.Organisation.Name, c.Organisation.Website, c.Links = "Bob Bakeries", "https://bakery.example", nil
		})

		// The secretariat finds the review tools from the list of calls.
		s := e.client(t)
		s.signIn(lang, e.sec.Email)
		s.get(L+"/sec/calls").expect(t, http.StatusOK).contains(t, `href="`+L+`/sec/calls/sme-dx/review"`)
		s.get(L+"/sec/calls/sme-dx/review").expect(t, http.StatusOK).contains(t, `aria-current="page"`, esc(e.tr(lang, "review.sec.nav.screening")))

		// Screening: an incomplete answer comes back with errors and input.
		scr := s.get(L+"/sec/calls/sme-dx/screening").expect(t, http.StatusOK)
		scr.contains(t, alices, bobs, esc(e.tr(lang, "review.screening.checklist")), `name="checklist.sme"`, "<legend>")
		bad := s.post(L+"/sec/calls/sme-dx/screening/"+bobs+"?page=1", url.Values{"outcome": {"ineligible"}, "checklist.sme": {"false"},
			"note": {""}}).expect(t, http.StatusUnprocessableEntity)
		bad.contains(t, `class="error-summary"`, `href="#f-`+bobs+`-note"`, esc(e.tr(lang, "review.err.note_required")),
			`id="f-`+bobs+`-outcome-ineligible" name="outcome" value="ineligible" checked`)
		s.post(L+"/sec/calls/sme-dx/screening/"+alices+"?page=1", url.Values{"outcome": {"eligible"}, "checklist.sme": {"true"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.screened", map[string]any{"Case": isolate(alices)})))
		s.post(L+"/sec/calls/sme-dx/screening/"+bobs+"?page=1", url.Values{"outcome": {"returned"}, "checklist.sme": {"true"},
			"note": {"Give a baseline for each KPI."}, "return_by": {"2026-07-03T23:59"}}).expect(t, http.StatusOK)

		// The applicants read the outcome on their cases' pages.
		a := e.client(t)
		a.signIn(lang, e.alice.Email)
		a.get(L+"/me/cases/"+alices).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.status.title")), esc(e.tr(lang, "review.screening.eligible")))
		b := e.client(t)
		b.signIn(lang, e.bob.Email)
		b.get(L+"/me/cases/"+bobs).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.screening.returned")), "Give a baseline for each KPI.", "2026")

		// The panel: the existing reviewer, a newcomer, and one who declines.
		s.get(L+"/sec/calls/sme-dx/panel").expect(t, http.StatusOK).contains(t, `name="expertise.wsis"`, `<legend>`)
		invite := func(email, name string) {
			t.Helper()
			s.post(L+"/sec/calls/sme-dx/panel", url.Values{"email": {email}, "name": {name}, "language": {lang}, "expertise.wsis": {"C7"},
				"expertise.technologies": {"cloud"}, "languages": {"en"}, "max_load": {"5"}}).
				expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.invited")), email)
		}
		bad = s.post(L+"/sec/calls/sme-dx/panel", url.Values{"email": {"not an address"}, "name": {"Kept Name"}, "max_load": {"many"}}).
			expect(t, http.StatusUnprocessableEntity)
		bad.contains(t, `href="#f-max_load"`, `value="Kept Name"`)
		invite(e.reviewer.Email, reviewerName)
		invite("nadia@uni-two.example", newcomerName)
		invite("omar@uni-three.example", "Omar Declines")

		// The newcomer accepts through the mailed link, with a new account.
		n := e.client(t)
		link := e.mailedLink(t, "nadia@uni-two.example", invitationLink)
		if !strings.HasPrefix(link, L+"/") {
			t.Errorf("the invitation link %s is not in the mail's language", link)
		}
		n.get(link).expect(t, http.StatusOK).contains(t, newcomerName, `name="password"`, esc(e.tr(lang, "review.invite.accept")))
		tok := strings.TrimPrefix(link[strings.Index(link, "token="):], "token=")
		n.post(L+"/review/invitation", url.Values{"token": {tok}, "action": {"accept"}, "password": {"short"}}).
			expect(t, http.StatusUnprocessableEntity).contains(t, `href="#f-password"`)
		prof := n.post(L+"/review/invitation", url.Values{"token": {tok}, "action": {"accept"}, "password": {password}}).expect(t, http.StatusOK)
		if !strings.Contains(prof.url, "/review/calls/sme-dx/profile") {
			t.Fatalf("accepting led to %s", prof.url)
		}
		prof.contains(t, esc(e.tr(lang, "review.flash.invitation_accepted")), `value="C7" checked`)
		n.post(L+"/review/calls/sme-dx/profile", url.Values{"expertise.wsis": {"C7", "C4"}, "expertise.regions": {"002"}, "languages": {"en", "fr"},
			"languages_other": {"sw، pt"}, "max_load": {"4"}, "conflicts.organisations": {"Acme Consulting\nBeta Partners"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.profile")), `value="C4" checked`, "Beta Partners",
			`value="sw`+listSep(lang)+`pt"`)
		n.get(L+"/review/invitation?token="+tok).expect(t, http.StatusBadRequest).contains(t, esc(e.tr(lang, "review.err.invitation_invalid")))

		// The existing reviewer accepts while signed in; Omar declines.
		r := e.client(t)
		r.signIn(lang, e.reviewer.Email)
		if !strings.HasSuffix(r.last.url, L+"/review") {
			t.Errorf("a reviewer signs in at %s", r.last.url)
		}
		r.get(e.mailedLink(t, e.reviewer.Email, invitationLink)).expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.invite.link_intro", map[string]any{"Email": e.reviewer.Email})))
		rtok := e.mailedLink(t, e.reviewer.Email, invitationLink)
		r.post(L+"/review/invitation", url.Values{"token": {rtok[strings.Index(rtok, "token=")+6:]}, "action": {"accept"}}).expect(t, http.StatusOK)
		o := e.client(t)
		olink := e.mailedLink(t, "omar@uni-three.example", invitationLink)
		o.get(olink).expect(t, http.StatusOK)
		otok := olink[strings.Index(olink, "token=")+6:]
		o.post(L+"/review/invitation", url.Values{"token": {otok}, "action": {"decline"}, "reason": {"On leave until September."},
			"suggested_replacement.name": {"Dr Lee Min"}, "suggested_replacement.email": {"lee at the polytechnic"}}).
			expect(t, http.StatusUnprocessableEntity).
			contains(t, `href="#f-suggested_replacement-email"`, "On leave until September.", `value="Dr Lee Min"`, `value="lee at the polytechnic"`)
		o.post(L+"/review/invitation", url.Values{"token": {otok}, "action": {"decline"}, "reason": {"On leave until September."},
			"suggested_replacement.name": {"Dr Lee Min"}, "suggested_replacement.email": {"Lee@Poly.example"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.invite.declined")))
		s.get(L+"/sec/calls/sme-dx/panel").expect(t, http.StatusOK).contains(t, "On leave until September.", "Dr Lee Min &lt;lee@poly.example&gt;",
			esc(e.tr(lang, "review.panel.declined")))

		// After the deadline, the automatic assignment: two reviewers per case.
		e.clk.Set(closes.Add(time.Hour))
		s.get(L+"/sec/calls/sme-dx/assignments").expect(t, http.StatusOK)
		run := s.post(L+"/sec/calls/sme-dx/assignments/auto", url.Values{"reviewers_per_case": {"2"}}).expect(t, http.StatusOK)
		run.contains(t, esc(e.tr(lang, "review.assign.result", map[string]any{"New": 2, "Kept": 0})), reviewerName, newcomerName,
			esc(e.tr(lang, "review.reason.wsis", map[string]any{"Value": "C7 – " + e.tr(lang, "vocab.wsis.C7")})), `scope="rowgroup"`)

		// Each reviewer reviews: the rubric's anchors beside each score.
		reviewOf := func(c *client) string {
			t.Helper()
			mine := c.get(L+"/review").expect(t, http.StatusOK)
			m := assignmentLink.FindStringSubmatch(mine.body)
			if m == nil {
				t.Fatalf("no assignment on %s", mine.url)
			}
			return L + "/review/assignments/" + m[1]
		}
		np := reviewOf(n)
		page := n.get(np).expect(t, http.StatusOK)
		page.contains(t, esc(e.tr(lang, "review.rubric.impact.4")), `<legend>`+esc(e.tr(lang, "review.rubric.impact.label")),
			`name="scores.impact" value="4"`, "Kisumu Tailors Cooperative", esc(e.tr(lang, "review.form.to_committee_help")))
		n.post(np, url.Values{"scores.impact": {"4"}, "comment_to_applicant": {"Draft words."}, "action": {"save"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.saved")), `value="4" checked`, "Draft words.")
		sub := n.post(np, url.Values{"scores.impact": {"4"}, "comment_to_applicant": {"Draft words."}, "action": {"submit"}}).
			expect(t, http.StatusUnprocessableEntity)
		sub.contains(t, `class="error-summary"`, `href="#f-scores-relevance"`, `href="#f-recommendation"`, `aria-invalid="true"`,
			`value="4" checked`, "Draft words.", esc(e.tr(lang, "review.form.saved_not_submitted")))
		n.post(np, reviewValues("2", "The KPIs need baselines.", "CONFIDENTIAL from the newcomer")).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.submitted")), esc(e.tr(lang, "review.show.no_others")))
		rp := reviewOf(r)
		r.post(rp, reviewValues("5", "Strong evidence of sales growth.", "CONFIDENTIAL from the reviewer")).expect(t, http.StatusOK).
			contains(t, "The KPIs need baselines.").lacks(t, "CONFIDENTIAL from the newcomer", newcomerName)
		r.post(rp, reviewValues("1", "Changed my mind.", "")).expect(t, http.StatusConflict)

		// The ranking, sorted and exported; the committee reads the reviews
		// and decides.
		rk := s.get(L+"/sec/calls/sme-dx/ranking").expect(t, http.StatusOK)
		rk.contains(t, alices, `aria-sort="descending"`, esc(e.tr(lang, "review.ranking.disagree")), `<th scope="col"`)
		s.get(L+"/sec/calls/sme-dx/ranking?sort=mean&dir=asc").expect(t, http.StatusOK).contains(t, `aria-sort="ascending"`)
		if csv := s.get(L+"/sec/calls/sme-dx/ranking.csv").expect(t, http.StatusOK); !strings.HasPrefix(csv.body, "\uFEFFrank,case") {
			t.Errorf("ranking CSV: %.80s", csv.body)
		}
		if x := s.get(L+"/sec/calls/sme-dx/ranking.xlsx").expect(t, http.StatusOK); !strings.HasPrefix(x.body, "PK") {
			t.Error("ranking XLSX is not a zip file")
		}
		cp := L + "/sec/calls/sme-dx/cases/" + alices
		s.get(cp).expect(t, http.StatusOK).contains(t, reviewerName, newcomerName, "CONFIDENTIAL from the reviewer", `id="add-reviewer"`,
			esc(e.tr(lang, "review.case.title", map[string]any{"Case": isolate(alices)})))
		s.post(cp+"/decision", url.Values{"decision": {"maybe"}}).expect(t, http.StatusUnprocessableEntity).contains(t, `href="#f-decision"`)
		s.post(cp+"/decision", url.Values{"decision": {"accepted"}, "note": {"Committee note: exemplary."}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.decided", map[string]any{"Case": isolate(alices)})))
		a.get(L+"/me/cases/"+alices).expect(t, http.StatusOK).lacks(t, esc(e.tr(lang, "review.status.decision")))

		// Release, after a confirmation page.
		s.get(L+"/sec/calls/sme-dx/decisions").expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.decisions.confirm", map[string]any{"Accepted": 1, "Rejected": 0})))
		s.post(L+"/sec/calls/sme-dx/decisions", url.Values{}).expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "review.flash.released", map[string]any{"Accepted": 1, "Rejected": 0})))

		// The applicant: a mail and the case's page with the comments, never
		// a reviewer's name or a confidential comment.
		leaks := []string{reviewerName, newcomerName, e.reviewer.Email, "nadia@uni-two.example", "CONFIDENTIAL", "Committee note"}
		msgs, err := e.db.OutboxFor(ctx, e.alice.Email)
		if err != nil {
			t.Fatal(err)
		}
		decision := ""
		for _, m := range msgs {
			for _, l := range leaks {
				if strings.Contains(m.Subject+m.Text+m.HTML, l) {
					t.Errorf("mail %s to the applicant contains %q", m.Key, l)
				}
			}
			if strings.HasPrefix(m.Key, "decision:") {
				decision = m.Text
			}
		}
		if !strings.Contains(decision, "Strong evidence of sales growth.") || !strings.Contains(decision, e.tr(lang, "mail.decision.accepted")) {
			t.Errorf("the decision mail:\n%s", decision)
		}
		a.get(L+"/me/cases/"+alices).expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "review.status.decision")), esc(e.tr(lang, "review.decision.accepted")), "Strong evidence of sales growth.",
				"The KPIs need baselines.", esc(e.tr(lang, "review.reviewer_label", map[string]any{"N": "1"}))).lacks(t, leaks...)

		// Publication: all at once, then one taken back and put back on
		// purpose.
		s.get(L+"/sec/calls/sme-dx/publication").expect(t, http.StatusOK).contains(t, alices)
		s.post(L+"/sec/calls/sme-dx/publication", url.Values{}).expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "review.publication.result", map[string]any{"Count": 1})))
		s.post(L+"/sec/calls/sme-dx/publication/"+alices+"/unpublish", url.Values{"reason": {"The applicant asked for a correction."}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.unpublished", map[string]any{"Case": isolate(alices)})))
		// The withdrawn case is listed apart, with its reason; publishing
		// every accepted case leaves it out, and says so.
		withdrawn := esc(e.tr(lang, "review.publication.withdrawn", map[string]any{"Count": 1}))
		s.get(L+"/sec/calls/sme-dx/publication").expect(t, http.StatusOK).
			contains(t, withdrawn, "The applicant asked for a correction.", esc(e.tr(lang, "review.publication.republish")),
				esc(e.tr(lang, "review.publication.accepted", map[string]any{"Count": 0})))
		s.post(L+"/sec/calls/sme-dx/publication", url.Values{}).expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "review.publication.result", map[string]any{"Count": 0})), esc(e.tr(lang, "review.publication.withdrawn_kept")), withdrawn)
		if c, _ := e.db.CaseByID(ctx, alices); c.State != domain.StateAccepted {
			t.Errorf("publishing the call put the withdrawn case back: %s", c.State)
		}
		s.post(L+"/sec/calls/sme-dx/publication/"+alices+"/publish", url.Values{}).expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "review.flash.published", map[string]any{"Case": isolate(alices)})))
		if c, _ := e.db.CaseByID(ctx, alices); c.State != domain.StatePublished {
			t.Errorf("the case is %s", c.State)
		}

		// The audit log, filtered; the review settings.
		au := s.get(L+"/sec/calls/sme-dx/audit?entity=case&action=screen").expect(t, http.StatusOK)
		au.contains(t, esc(e.tr(lang, "review.audit.count", map[string]any{"Count": 2})), esc(e.tr(lang, "review.audit.action.screen")), alices, bobs)
		s.get(L+"/sec/calls/sme-dx/audit?from=yesterday").expect(t, http.StatusUnprocessableEntity).contains(t, `href="#f-from"`)
		s.get(L+"/sec/calls/sme-dx/review-settings").expect(t, http.StatusOK)
		s.post(L+"/sec/calls/sme-dx/review-settings", url.Values{"review_visibility": {"always"}, "reveal_reviewers": {"true"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.settings")), `value="always" checked`)
		if set, _ := e.app.ReviewSettings(ctx, &e.sec, "sme-dx"); set.Visibility != "always" || !set.RevealReviewers || set.Deadline != nil {
			t.Errorf("settings %+v", set)
		}
		// The review deadline, typed in the call's time zone: what cannot be
		// read comes back as typed, what is too early is refused.
		s.post(L+"/sec/calls/sme-dx/review-settings", url.Values{"review_visibility": {"always"}, "review_deadline": {"next Friday"}}).
			expect(t, http.StatusUnprocessableEntity).contains(t, `href="#f-review_deadline"`, `value="next Friday"`)
		s.post(L+"/sec/calls/sme-dx/review-settings", url.Values{"review_visibility": {"always"}, "review_deadline": {"2026-06-01T12:00"}}).
			expect(t, http.StatusUnprocessableEntity).contains(t, esc(e.tr(lang, "review.err.deadline_before_close")), `value="2026-06-01T12:00"`)
		s.post(L+"/sec/calls/sme-dx/review-settings", url.Values{"review_visibility": {"always"}, "review_deadline": {"2026-07-31T17:00"}}).
			expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "review.flash.settings")), `value="2026-07-31T17:00"`)
		if set, _ := e.app.ReviewSettings(ctx, &e.sec, "sme-dx"); set.Deadline == nil ||
			!set.Deadline.Equal(time.Date(2026, 7, 31, 15, 0, 0, 0, time.UTC)) || set.RevealReviewers {
			t.Errorf("settings with a deadline %+v", set)
		}
		// The reviewers see it on their list, in the call's time zone and in
		// UTC; the call's title is isolated in the table's caption, and in
		// the profile link's hidden text, marked with its language.
		loc, _ := time.LoadLocation("Europe/Zurich")
		due, lz := time.Date(2026, 7, 31, 15, 0, 0, 0, time.UTC), e.app.Cat.Localizer(lang)
		callTitle, callLang := localized(e.call.Title, lang)
		r.get(L+"/review").expect(t, http.StatusOK).contains(t,
			esc(e.tr(lang, "review.mine.deadline", map[string]any{"Date": lz.FormatDateTime(due, loc), "Zone": lz.ZoneName(loc)})),
			esc(e.tr(lang, "call.utc_time", map[string]any{"Date": lz.FormatDateTime(due, time.UTC)})),
			esc(e.tr(lang, "review.mine.caption", map[string]any{"Call": isolate(callTitle)})),
			`<span class="visually-hidden"> – <bdi lang="`+callLang+`">`+esc(callTitle)+`</bdi></span></a>`)

		for _, c := range []*client{s, a, b, n, r, o} {
			for _, p := range c.pages {
				checkNoRawKeys(t, p.url, p.body)
				if !strings.Contains(p.body, `<html lang="`+lang+`" dir="`+map[string]string{"en": "ltr", "ar": "rtl"}[lang]+`">`) {
					t.Errorf("%s is not marked up as %s", p.url, lang)
				}
			}
		}
	})
}

// TestReviewPageWeight keeps the heaviest review pages light for slow
// connections: with the stylesheet and script, under 30 KB compressed.
func TestReviewPageWeight(t *testing.T) {
	e := newEnvSQLite(t)
	w := newReviewWorld(t, e, true, nil)
	assets := len(e.h.assets.byName["app.css"].gz) + len(e.h.assets.byName["app.js"].gz)
	for _, lang := range []string{"en", "ar", "zh"} {
		r := e.client(t)
		r.signIn(lang, e.reviewer.Email)
		s := e.client(t)
		s.signIn(lang, e.sec.Email)
		for _, p := range []*page{
			r.get("/"+lang+"/review/assignments/"+strconv.FormatInt(w.assignment, 10)).expect(t, http.StatusOK),
			s.get("/"+lang+"/sec/calls/sme-dx/panel").expect(t, http.StatusOK),
			s.get("/"+lang+"/sec/calls/sme-dx/cases/"+w.caseID).expect(t, http.StatusOK),
		} {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write([]byte(p.body))
			zw.Close()
			if total := buf.Len() + assets; total > 30*1024 {
				t.Errorf("%s: %d bytes compressed with its CSS and JS, want at most 30 KB", p.url, total)
			}
		}
	}
}

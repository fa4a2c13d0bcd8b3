package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// review is the fixture of the review workflow: the app fixture plus
// more applicants, whose cases differ in organisation, partners and
// links.
type review struct {
	*fixture
	carol, dave store.User
}

func newReview(t *testing.T, db *store.DB) *review {
	t.Helper()
	f := newFixture(t, db)
	r := &review{fixture: f}
	ctx := context.Background()
	mk := func(email, name string) store.User {
		u, err := f.a.AddUser(ctx, nil, email, name, store.RoleApplicant, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// A name that no text of the platform contains, for the leak checks.
	u, err := f.a.UpdateProfile(ctx, &f.reviewer, app.Profile{Name: "Rafaela Existing"})
	if err != nil {
		t.Fatal(err)
	}
	f.reviewer = u
	r.carol = mk("carol@coop.example", "Carol Weaver")
	r.dave = mk("dave@farm.example", "Dave Miller")
	return r
}

// submit creates and submits a valid case for owner, changed by edit.
func (r *review) submit(t *testing.T, owner store.User, edit func(*domain.Case)) string {
	t.Helper()
	ctx := context.Background()
	doc := example(t)
	if edit != nil {
		edit(&doc)
	}
	v, err := r.a.CreateCase(ctx, &owner, r.call.Slug, doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.a.Submit(ctx, &owner, v.ID); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return v.ID
}

var tokenRE = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// lastToken reads the link token of the newest message to an address.
func lastToken(t *testing.T, db *store.DB, to string) string {
	t.Helper()
	msgs, err := db.OutboxFor(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := tokenRE.FindStringSubmatch(msgs[i].Text); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no link token in the mail to %s", to)
	return ""
}

// mails returns the messages to an address whose key starts with prefix.
func mails(t *testing.T, db *store.DB, to, prefix string) []store.OutboxMessage {
	t.Helper()
	all, err := db.OutboxFor(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.OutboxMessage
	for _, m := range all {
		if strings.HasPrefix(m.Key, prefix) {
			out = append(out, m)
		}
	}
	return out
}

func scores(n int) map[string]int {
	m := map[string]int{}
	for _, c := range domain.DefaultRubric().Codes() {
		m[c] = n
	}
	return m
}

var checklistOK = map[string]bool{"sme": true}

// withOrg gives a case its own organisation, partner and link.
func withOrg(org, partner, link string) func(*domain.Case) {
	return func(c *domain.Case) {
		c.Organisation.Name = org
		c.Organisation.Website = link
		c.Partners = []domain.Partner{{Name: partner, Type: "government", Country: "KE"}}
		c.Links = []string{link + "/story"}
	}
}

// TestReviewWorkflow walks a call from submission to publication: every
// screening outcome, a returned case resubmitted and screened again, the
// panel, the automatic assignment, reviews, the ranking, decisions, their
// release and publication, with the mail each step sends.
func TestReviewWorkflow(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReview(t, db)
		a := r.a
		hooked := map[string]int{}
		a.OnPublish = func(ctx context.Context, tx *store.DB, id string) error {
			c, err := tx.CaseByID(ctx, id)
			hooked[id+" "+c.State]++
			return err
		}
		if _, err := a.UpdateProfile(ctx, &r.carol, app.Profile{Name: r.carol.Name, Lang: "ar"}); err != nil {
			t.Fatal(err)
		}
		r.carol.Language = "ar"

		caseA := r.submit(t, r.alice, nil)
		caseB := r.submit(t, r.bob, withOrg("Bob Bakeries Ltd", "Town Council", "https://bakeries.example"))
		caseC := r.submit(t, r.carol, withOrg("Lake Weavers Cooperative", "Fibre Union", "https://weavers.example"))
		caseD := r.submit(t, r.dave, withOrg("Green Valley Farms", "Agri Bank", "https://valley.example"))

		// Screening before the deadline: eligible.
		if v, err := a.Screen(ctx, &r.sec, caseA, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); err != nil || v.State != domain.StateEligible {
			t.Fatalf("screen A: %v", err)
		}
		r.clk.Set(closes.Add(time.Hour))

		// Refusals: incomplete checklists, missing notes and dates, wrong states.
		bad := []struct {
			name string
			id   string
			in   app.ScreeningInput
			want app.Kind
		}{
			{"unknown outcome", caseB, app.ScreeningInput{Outcome: "maybe", Checklist: checklistOK}, app.KindInvalid},
			{"checklist unanswered", caseB, app.ScreeningInput{Outcome: "eligible"}, app.KindInvalid},
			{"eligible with an unmet item", caseB, app.ScreeningInput{Outcome: "eligible", Checklist: map[string]bool{"sme": false}}, app.KindInvalid},
			{"unknown checklist item", caseB, app.ScreeningInput{Outcome: "eligible", Checklist: map[string]bool{"sme": true, "ict": true}}, app.KindInvalid},
			{"ineligible without a reason", caseB, app.ScreeningInput{Outcome: "ineligible", Checklist: checklistOK}, app.KindInvalid},
			{"returned without a date", caseD, app.ScreeningInput{Outcome: "returned", Checklist: checklistOK, Note: "Add KPIs"}, app.KindInvalid},
			{"returned with a past date", caseD, app.ScreeningInput{Outcome: "returned", Checklist: checklistOK, Note: "Add KPIs", ReturnBy: ptr(closes)}, app.KindInvalid},
			{"already screened", caseA, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}, app.KindConflict},
		}
		for _, b := range bad {
			if _, err := a.Screen(ctx, &r.sec, b.id, b.in); kind(err) != b.want {
				t.Errorf("%s: %v, want kind %d", b.name, err, b.want)
			}
		}
		if _, err := a.Screen(ctx, &r.reviewer, caseB, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); kind(err) != app.KindForbidden {
			t.Errorf("reviewer screening: %v", err)
		}

		// Ineligible, with the reason in the applicant's mail.
		if _, err := a.Screen(ctx, &r.sec, caseB, app.ScreeningInput{Outcome: "ineligible", Checklist: map[string]bool{"sme": false},
			Note: "The bakeries employ more than 250 people."}); err != nil {
			t.Fatal(err)
		}
		if m := mails(t, db, r.bob.Email, "screening:"); len(m) != 1 || !strings.Contains(m[0].Text, "more than 250 people") ||
			!strings.Contains(m[0].Subject, "not eligible") {
			t.Errorf("ineligible mail: %+v", m)
		}

		// Returned: the applicant edits and resubmits after the call's
		// deadline, before the date set, and the case is screened again.
		returnBy := closes.Add(72 * time.Hour)
		v, err := a.Screen(ctx, &r.sec, caseD, app.ScreeningInput{Outcome: "returned", Checklist: checklistOK,
			Note: "Give a baseline for each KPI.", ReturnBy: &returnBy})
		if err != nil || v.State != domain.StateReturned || v.Locked != "" {
			t.Fatalf("return D: %s %q %v", v.State, v.Locked, err)
		}
		if m := mails(t, db, r.dave.Email, "screening:"); len(m) != 1 || !strings.Contains(m[0].Text, "baseline for each KPI") ||
			!strings.Contains(m[0].Text, "/me/cases/"+caseD+"/edit") || !strings.Contains(m[0].Text, "2026") {
			t.Errorf("returned mail: %+v", m)
		}
		doc := v.Doc
		doc.KPIs[0].Baseline = "10"
		if _, err := a.SaveDraft(ctx, &r.dave, caseD, doc); err != nil {
			t.Fatalf("edit a returned case: %v", err)
		}
		if v, err = a.Submit(ctx, &r.dave, caseD); err != nil || v.State != domain.StateSubmitted || v.Version != 2 {
			t.Fatalf("resubmit D: %s v%d %v", v.State, v.Version, err)
		}
		if v, err = a.Screen(ctx, &r.sec, caseD, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); err != nil || v.State != domain.StateEligible {
			t.Fatalf("rescreen D: %v", err)
		}
		if _, err := a.Screen(ctx, &r.sec, caseC, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK, Note: "Welcome."}); err != nil {
			t.Fatal(err)
		}
		if m := mails(t, db, r.carol.Email, "screening:"); len(m) != 1 || !strings.Contains(m[0].Subject, "مستوفية") {
			t.Errorf("Carol's screening mail is not in Arabic: %+v", m)
		}
		hist, err := a.Screenings(ctx, &r.dave, caseD)
		if err != nil || len(hist) != 2 || hist[0].Outcome != "returned" || hist[0].Version != 1 || hist[1].Version != 2 || hist[0].ScreenedBy != nil {
			t.Errorf("D's screenings for its owner: %+v %v", hist, err)
		}
		if _, err := a.Screenings(ctx, &r.bob, caseD); kind(err) != app.KindNotFound {
			t.Errorf("another applicant's screenings: %v", err)
		}

		// The panel: a new account, an existing one, a conflict by domain,
		// and one who declines.
		inv := func(email, name string) {
			t.Helper()
			_, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, app.Invitation{Email: email, Name: name, Languages: []string{"en"},
				MaxLoad: 2, Expertise: app.Expertise{WSIS: []string{"C7"}, Technologies: []string{"cloud"}, Sectors: []string{"C"}}})
			if err != nil {
				t.Fatalf("invite %s: %v", email, err)
			}
		}
		inv("ruth@uni.example", "Ruth Reviewer")
		inv(r.reviewer.Email, "Existing Reviewer")
		inv("sam@coop.example", "Sam Sameorg")
		inv("nina@elsewhere.example", "Nina Busy")
		if _, err := a.InviteReviewer(ctx, &r.alice, r.call.Slug, app.Invitation{Email: "x@y.example", Name: "X"}); kind(err) != app.KindForbidden {
			t.Errorf("applicant invites: %v", err)
		}
		tok := lastToken(t, db, "ruth@uni.example")
		if view, err := a.Invitation(ctx, nil, tok); err != nil || view.HasAccount || view.Call != r.call.Slug || view.Accept != app.AcceptCreate {
			t.Errorf("invitation view: %+v %v", view, err)
		}
		if _, _, err := a.AcceptInvitationAs(ctx, nil, tok, ""); kind(err) != app.KindInvalid {
			t.Errorf("new account without a password: %v", err)
		}
		ruth, m, err := a.AcceptInvitationAs(ctx, nil, tok, "a long reviewer password")
		if err != nil || ruth.Role != store.RoleReviewer || ruth.VerifiedAt == nil || m.State != "accepted" {
			t.Fatalf("accept: %+v %+v %v", ruth, m, err)
		}
		if _, _, err := a.AcceptInvitationAs(ctx, nil, tok, "a long reviewer password"); kind(err) != app.KindBadRequest {
			t.Errorf("a used invitation: %v", err)
		}
		existing, _, err := a.AcceptInvitationAs(ctx, &r.reviewer, lastToken(t, db, r.reviewer.Email), "")
		if err != nil || existing.ID != r.reviewer.ID {
			t.Fatalf("link an existing account: %v", err)
		}
		sam, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, "sam@coop.example"), "another long password")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.DeclineInvitation(ctx, lastToken(t, db, "nina@elsewhere.example"), app.Decline{Reason: "Too busy this year.",
			Replacement: &app.Replacement{Name: "Omar Haddad", Email: "Omar@Uni.example"}}); err != nil {
			t.Fatal(err)
		}
		panel, err := a.Reviewers(ctx, &r.sec, r.call.Slug)
		if err != nil || len(panel) != 4 || panel[3].State != "declined" || panel[3].DeclineReason != "Too busy this year." ||
			panel[3].Replacement == nil || *panel[3].Replacement != (app.Replacement{Name: "Omar Haddad", Email: "omar@uni.example"}) {
			t.Fatalf("panel: %+v %v", panel, err)
		}
		if _, err := a.UpdateReviewerProfile(ctx, &ruth, r.call.Slug, ruth.ID, app.ReviewerProfile{
			Expertise: app.Expertise{WSIS: []string{"C7", "C4"}, Regions: []string{"002"}}, Languages: []string{"en", "fr"}}); err != nil {
			t.Fatalf("reviewer updates their profile: %v", err)
		}
		if _, err := a.UpdateReviewerProfile(ctx, &sam, r.call.Slug, ruth.ID, app.ReviewerProfile{MaxLoad: ptr(9)}); kind(err) != app.KindNotFound {
			t.Errorf("a reviewer updates another's profile: %v", err)
		}

		// Reviews cannot start before assignment; assignment needs a
		// closed call.
		res, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 2)
		if err != nil {
			t.Fatalf("auto-assign: %v", err)
		}
		if len(res.Assignments) != 6 || len(res.Short) != 0 {
			t.Fatalf("assignments %d, short %+v", len(res.Assignments), res.Short)
		}
		onCase := map[string][]int64{}
		load := map[int64]int{}
		for _, x := range res.Assignments {
			onCase[x.Case] = append(onCase[x.Case], x.Reviewer)
			load[x.Reviewer]++
			if !x.New || x.Affinity < 6 || len(x.Reasons) == 0 {
				t.Errorf("assignment %+v: want new, with affinity and reasons", x)
			}
		}
		if slices.Contains(onCase[caseC], sam.ID) {
			t.Errorf("Sam (coop.example) assigned to Carol's case (coop.example)")
		}
		for id, n := range load {
			if n != 2 {
				t.Errorf("reviewer %d has %d cases, want 2", id, n)
			}
		}
		for _, id := range []string{caseA, caseC, caseD} {
			if c, _ := db.CaseByID(ctx, id); c.State != domain.StateUnderReview {
				t.Errorf("%s is %s after assignment", id, c.State)
			}
		}
		if c, _ := a.Call(ctx, &r.sec, r.call.Slug); a.Phase(c) != domain.PhaseReviewing {
			t.Errorf("call phase %s, want reviewing", a.Phase(c))
		}
		for _, u := range []store.User{ruth, existing, sam} {
			got := mails(t, db, u.Email, "assign:")
			if len(got) != 1 {
				t.Fatalf("%s got %d assignment messages, want 1", u.Email, len(got))
			}
			for _, x := range res.Assignments {
				if x.Reviewer == u.ID && !strings.Contains(got[0].Text, x.Case) {
					t.Errorf("the message to %s lacks %s", u.Email, x.Case)
				}
			}
		}

		// Reviewers review.
		byReviewer := map[int64][]app.MyAssignment{}
		for _, u := range []store.User{ruth, existing, sam} {
			mine, err := a.MyAssignments(ctx, &u)
			if err != nil || len(mine) != 2 {
				t.Fatalf("MyAssignments(%s) = %d %v", u.Email, len(mine), err)
			}
			byReviewer[u.ID] = mine
		}
		first := byReviewer[ruth.ID][0]
		if _, err := a.SubmitReview(ctx, &ruth, first.ID); kind(err) != app.KindInvalid {
			t.Errorf("submit an empty review: %v", err)
		}
		if _, err := a.SaveReview(ctx, &ruth, first.ID, app.ReviewInput{Scores: map[string]int{"impact": 7}}); kind(err) != app.KindInvalid {
			t.Errorf("score 7: %v", err)
		}
		if _, err := a.SaveReview(ctx, &ruth, first.ID, app.ReviewInput{Scores: map[string]int{"impact": 4}}); err != nil {
			t.Fatalf("partial draft: %v", err)
		}
		e := app.AsError(func() error { _, err := a.SubmitReview(ctx, &ruth, first.ID); return err }())
		if e == nil || len(e.Fields) != 8 { // six criteria, recommendation, confidence
			t.Errorf("submit a partial review: %v", e)
		}
		// Reviews: case A splits its reviewers, so it is flagged.
		grade := map[string]int{caseA: 5, caseC: 2, caseD: 3}
		for _, u := range []store.User{ruth, existing, sam} {
			for _, x := range byReviewer[u.ID] {
				n := grade[x.Case]
				if x.Case == caseA && u.ID == sam.ID {
					n = 2
				}
				in := app.ReviewInput{Scores: scores(n), Recommendation: "accept", Confidence: 2,
					CommentToApplicant: "Comment for the applicant on " + x.Case, CommentToCommittee: "CONFIDENTIAL note"}
				if _, err := a.SaveReview(ctx, &u, x.ID, in); err != nil {
					t.Fatal(err)
				}
				if got, err := a.SubmitReview(ctx, &u, x.ID); err != nil || got.State != "submitted" || *got.Total != float64(20*n) {
					t.Fatalf("submit: %+v %v", got, err)
				}
			}
		}
		if _, err := a.SaveReview(ctx, &ruth, first.ID, app.ReviewInput{}); kind(err) != app.KindConflict {
			t.Errorf("change a submitted review: %v", err)
		}
		peers, err := a.OtherReviews(ctx, &ruth, first.ID)
		if err != nil || len(peers) != 1 || peers[0].Reviewer != nil || peers[0].ReviewerName != "" {
			t.Errorf("other reviews: %+v %v", peers, err)
		}

		// The ranking: raw and calibrated side by side, disagreement flagged.
		rows, err := a.Ranking(ctx, &r.sec, r.call.Slug)
		if err != nil || len(rows) != 3 {
			t.Fatalf("ranking: %d %v", len(rows), err)
		}
		row := map[string]app.RankingRow{}
		for _, x := range rows {
			row[x.Case] = x
		}
		if x := row[caseA]; x.Reviews != 2 || *x.Mean != 70 || *x.Spread != 60 || !x.Disagreement || x.Calibrated == nil {
			t.Errorf("row A: %+v", x)
		}
		if x := row[caseC]; *x.Mean != 40 || x.Disagreement {
			t.Errorf("row C: %+v", x)
		}
		if _, err := a.Ranking(ctx, &ruth, r.call.Slug); kind(err) != app.KindForbidden {
			t.Errorf("reviewer ranking: %v", err)
		}
		var csvBuf, xlsxBuf bytes.Buffer
		if err := a.ExportRanking(ctx, &r.sec, r.call.Slug, "csv", &csvBuf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\uFEFF"))).ReadAll()
		if err != nil || len(recs) != 4 || !slices.Equal(recs[0], app.RankingColumns) {
			t.Fatalf("ranking CSV: %v %v", recs, err)
		}
		if err := a.ExportRanking(ctx, &r.sec, r.call.Slug, "xlsx", &xlsxBuf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&xlsxBuf)
		if err != nil {
			t.Fatal(err)
		}
		xrows, _ := x.GetRows("Ranking")
		if len(xrows) != 4 || xrows[1][1] != recs[1][1] {
			t.Errorf("ranking XLSX rows %v", xrows)
		}

		// Disagreement: the secretariat adds a reviewer. Sam shares Carol's
		// domain; Ruth is at her maximum load until it is raised.
		if _, err := a.AddReviewer(ctx, &r.sec, caseC, sam.ID); kind(err) != app.KindInvalid {
			t.Errorf("add a conflicted reviewer: %v", err)
		}
		extra := ruth
		if slices.Contains(onCase[caseA], ruth.ID) {
			extra = existing
		}
		if _, err := a.AddReviewer(ctx, &r.sec, caseA, extra.ID); kind(err) != app.KindInvalid {
			t.Errorf("add a reviewer at full load: %v", err)
		}
		if _, err := a.SetMaxLoad(ctx, &r.sec, r.call.Slug, extra.ID, 3); err != nil {
			t.Fatal(err)
		}
		added, err := a.AddReviewer(ctx, &r.sec, caseA, extra.ID)
		if err != nil || added.Source != "manual" {
			t.Fatalf("add reviewer: %+v %v", added, err)
		}
		if _, err := a.AddReviewer(ctx, &r.sec, caseA, extra.ID); kind(err) != app.KindConflict {
			t.Errorf("add the same reviewer twice: %v", err)
		}
		if got := mails(t, db, extra.Email, "assign:"); len(got) != 2 || !strings.Contains(got[1].Text, caseA) {
			t.Errorf("mail for the added case: %d", len(got))
		}
		// A re-run keeps every started or submitted review and sends nothing.
		if res, err = a.AutoAssign(ctx, &r.sec, r.call.Slug, 2); err != nil || len(res.Removed) != 0 {
			t.Fatalf("re-run: %+v %v", res.Removed, err)
		}
		if got := mails(t, db, sam.Email, "assign:"); len(got) != 1 {
			t.Errorf("re-run mailed Sam again: %d", len(got))
		}

		// Decisions stay pending until released.
		if _, err := a.Decide(ctx, &r.sec, caseA, "accepted", "Strong evidence."); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decide(ctx, &r.sec, caseC, "accepted", "first thought"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decide(ctx, &r.sec, caseC, "rejected", "No KPIs with baselines."); err != nil {
			t.Fatalf("change a pending decision: %v", err)
		}
		if _, err := a.Decide(ctx, &r.sec, caseD, "accepted", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Decide(ctx, &r.sec, caseB, "accepted", ""); kind(err) != app.KindConflict {
			t.Errorf("decide an ineligible case: %v", err)
		}
		if _, err := a.Decide(ctx, &r.sec, caseA, "maybe", ""); kind(err) != app.KindInvalid {
			t.Errorf("unknown decision: %v", err)
		}
		if fb, err := a.Feedback(ctx, &r.alice, caseA); err != nil || fb.Decision != "" || len(fb.Comments) != 0 {
			t.Errorf("feedback before release: %+v %v", fb, err)
		}
		if got := mails(t, db, r.alice.Email, "decision:"); len(got) != 0 {
			t.Errorf("decision mailed before release")
		}
		rel, err := a.ReleaseDecisions(ctx, &r.sec, r.call.Slug)
		if err != nil || !slices.Equal(rel.Accepted, []string{caseA, caseD}) || !slices.Equal(rel.Rejected, []string{caseC}) {
			t.Fatalf("release: %+v %v", rel, err)
		}
		if c, _ := a.Call(ctx, &r.sec, r.call.Slug); a.Phase(c) != domain.PhaseDecided {
			t.Errorf("phase after release: %s", a.Phase(c))
		}
		if _, err := a.Decide(ctx, &r.sec, caseA, "rejected", ""); kind(err) != app.KindConflict {
			t.Errorf("change a released decision: %v", err)
		}
		for _, u := range []store.User{r.alice, r.carol, r.dave} {
			got := mails(t, db, u.Email, "decision:")
			if len(got) != 1 {
				t.Fatalf("%s got %d decision messages", u.Email, len(got))
			}
			for _, leak := range []string{"CONFIDENTIAL", ruth.Name, existing.Name, sam.Name, ruth.Email, sam.Email, "Strong evidence"} {
				if strings.Contains(got[0].Text+got[0].HTML+got[0].Subject, leak) {
					t.Errorf("the decision mail to %s contains %q", u.Email, leak)
				}
			}
			if !strings.Contains(got[0].Text, "Comment for the applicant on") {
				t.Errorf("the decision mail to %s lacks the comments", u.Email)
			}
		}
		if got := mails(t, db, r.carol.Email, "decision:"); !strings.Contains(got[0].Text, "غير مقبولة") {
			t.Errorf("Carol's decision mail is not in Arabic:\n%s", got[0].Text)
		}
		if got := mails(t, db, r.bob.Email, "decision:"); len(got) != 0 {
			t.Errorf("Bob (ineligible) got a decision mail")
		}
		fb, err := a.Feedback(ctx, &r.alice, caseA)
		if err != nil || fb.Decision != "accepted" || len(fb.Comments) != 2 {
			t.Errorf("feedback: %+v %v", fb, err)
		}

		// Publication: accepted cases with consent; a hook in the same
		// transaction for the library's index.
		pub, err := a.PublishCall(ctx, &r.sec, r.call.Slug)
		if err != nil || !slices.Equal(pub.Published, []string{caseA, caseD}) {
			t.Fatalf("publish call: %+v %v", pub, err)
		}
		for _, id := range []string{caseA, caseD} {
			c, _ := db.CaseByID(ctx, id)
			if c.State != domain.StatePublished || c.PublishedAt == nil || hooked[id+" published"] != 1 {
				t.Errorf("%s: %s %v hook %v", id, c.State, c.PublishedAt, hooked)
			}
		}
		if c, _ := a.Call(ctx, &r.sec, r.call.Slug); a.Phase(c) != domain.PhasePublished {
			t.Errorf("phase after publishing: %s", a.Phase(c))
		}
		if got := mails(t, db, r.alice.Email, "published:"); len(got) != 1 {
			t.Errorf("publication mails to Alice: %d", len(got))
		}
		if _, err := a.Publish(ctx, &r.sec, caseC); kind(err) != app.KindConflict {
			t.Errorf("publish a rejected case: %v", err)
		}
		if v, err := a.Unpublish(ctx, &r.sec, caseD, "the applicant asked"); err != nil || v.State != domain.StateAccepted || v.PublishedAt != nil || hooked[caseD+" accepted"] != 1 {
			t.Errorf("unpublish: %s %v %v", v.State, err, hooked)
		}
		// A takedown holds: publishing the call again leaves the case out
		// and says so; only publishing it on its own brings it back.
		if pub, err := a.PublishCall(ctx, &r.sec, r.call.Slug); err != nil || len(pub.Published) != 0 || !slices.Equal(pub.Withdrawn, []string{caseD}) {
			t.Errorf("publish the call after a takedown: %+v %v", pub, err)
		}
		if c, _ := db.CaseByID(ctx, caseD); c.State != domain.StateAccepted || hooked[caseD+" published"] != 1 {
			t.Errorf("after publishing the call again, the withdrawn case is %s (hook %v)", c.State, hooked)
		}
		if wd, err := a.Withdrawals(ctx, &r.sec, r.call.Slug); err != nil || len(wd) != 1 || wd[caseD].Reason != "the applicant asked" || wd[caseD].At.IsZero() {
			t.Errorf("withdrawals: %+v %v", wd, err)
		}
		if _, err := a.Withdrawals(ctx, &r.alice, r.call.Slug); kind(err) != app.KindForbidden {
			t.Errorf("an applicant reads the withdrawals: %v", err)
		}
		if v, err := a.Publish(ctx, &r.sec, caseD); err != nil || v.State != domain.StatePublished {
			t.Errorf("publish one case: %v", err)
		}

		// Every transition is in the audit log.
		want := map[string][]string{
			"case":       {"submit", "screen", "assign", "release", "publish", "unpublish"},
			"assignment": {"assign"},
			"review":     {"start", "submit"},
			"decision":   {"decide"},
			"panel":      {"invite", "accept", "decline"},
			"call":       {"phase"},
		}
		for entity, actions := range want {
			log, err := a.Audit(ctx, &r.sec, app.AuditFilter{Entity: entity})
			if err != nil {
				t.Fatal(err)
			}
			var have []string
			for _, e := range log {
				have = append(have, e.Action)
			}
			for _, act := range actions {
				if !slices.Contains(have, act) {
					t.Errorf("audit of %s lacks %q (has %v)", entity, act, have)
				}
			}
		}
		dlog, _ := a.Audit(ctx, &r.sec, app.AuditFilter{Entity: "case", EntityID: caseD})
		var trail []string
		for i := len(dlog) - 1; i >= 0; i-- {
			trail = append(trail, dlog[i].From+"→"+dlog[i].To)
		}
		wantTrail := []string{"→draft", "draft→submitted", "submitted→returned", "returned→submitted", "submitted→eligible",
			"eligible→under_review", "under_review→accepted", "accepted→published", "published→accepted", "accepted→published"}
		if !slices.Equal(trail, wantTrail) {
			t.Errorf("D's trail %v\nwant %v", trail, wantTrail)
		}
		if _, err := a.Audit(ctx, &ruth, app.AuditFilter{}); kind(err) != app.KindForbidden {
			t.Errorf("reviewer reads the audit log: %v", err)
		}
	})
}

// TestCallRubric: a call may define its own rubric, which must be valid;
// reviews of the call are scored on it.
func TestCallRubric(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bad := []string{`{"criteria":[]}`, `{"criteria":[{"code":"Impact","weight":1}]}`, `{"criteria":[{"code":"a","weight":-1}]}`}
		for _, b := range bad {
			e := app.AsError(func() error {
				_, err := f.a.UpdateCall(ctx, &f.sec, f.call.Slug, app.CallInput{Rubric: []byte(b)})
				return err
			}())
			if e == nil || e.Kind != app.KindInvalid || e.Fields[0].Field != "rubric" {
				t.Errorf("rubric %s: %v", b, e)
			}
		}
		custom := `{"criteria":[{"code":"impact","weight":3},{"code":"gender_lens","weight":1,"label":{"en":"Gender lens"}}]}`
		if _, err := f.a.UpdateCall(ctx, &f.sec, f.call.Slug, app.CallInput{Rubric: []byte(custom)}); err != nil {
			t.Fatal(err)
		}
		r, err := f.a.Rubric(ctx, &f.alice, f.call.Slug)
		if err != nil || !slices.Equal(r.Codes(), []string{"impact", "gender_lens"}) {
			t.Fatalf("rubric = %v, %v", r.Codes(), err)
		}
		if got := r.Total(map[string]int{"impact": 5, "gender_lens": 1}); got != 80 {
			t.Errorf("total = %v, want 80", got)
		}
		if _, err := f.a.UpdateCall(ctx, &f.sec, f.call.Slug, app.CallInput{Rubric: []byte("null")}); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.a.Rubric(ctx, &f.alice, f.call.Slug); len(r.Criteria) != 7 {
			t.Errorf("back to the default rubric: %v", r.Codes())
		}
	})
}

package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// panelFixture is a blind call in review: Alice's case A, reviewed by r1
// (submitted) and r2 (draft); Bob's case B, reviewed by r3 (submitted).
type panelFixture struct {
	*review
	caseA, caseB string
	r1, r2, r3   store.User
	a1, a2, b3   int64 // assignment ids
}

// secretsOfA are the identifying values of Alice's case; none may reach a
// reviewer of the blind call.
var secretsOfA = []string{
	"Kisumu Tailors Cooperative", "Lakeside Digital Services", "County SME Office",
	"tailors.example.org", "https://tailors.example.org/digital", "alice@sme.example", "sme.example",
}

func newPanelFixture(t *testing.T, db *store.DB) *panelFixture {
	t.Helper()
	ctx := context.Background()
	p := &panelFixture{review: newReview(t, db)}
	a := p.a
	// The texts name the organisation, a partner, a link and the submitter.
	p.caseA = p.submit(t, p.alice, func(c *domain.Case) {
		c.Summary += " The Kisumu Tailors Cooperative worked with LAKESIDE DIGITAL SERVICES (see https://tailors.example.org/digital or write to alice@sme.example)."
		c.Impact += " The county SME office of Kisumu now cites Kisumu Tailors Cooperative as a model."
		c.KPIs[0].Name = "Hours at Kisumu Tailors Cooperative"
		c.Translations = map[string]domain.Translation{"fr": {Title: "Comptabilité de la Kisumu Tailors Cooperative", Source: "author"}}
	})
	p.caseB = p.submit(t, p.bob, withOrg("Bob Bakeries Ltd", "Town Council", "https://bakeries.example"))
	p.clk.Set(closes.Add(time.Hour))
	for _, id := range []string{p.caseA, p.caseB} {
		if _, err := a.Screen(ctx, &p.sec, id, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); err != nil {
			t.Fatal(err)
		}
	}
	join := func(email, name string) store.User {
		t.Helper()
		if _, err := a.InviteReviewer(ctx, &p.sec, p.call.Slug, app.Invitation{Email: email, Name: name, Languages: []string{"en"}, MaxLoad: 1}); err != nil {
			t.Fatal(err)
		}
		u, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, email), "a long reviewer password")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	p.r1 = join("ruth@uni.example", "Ruth Reviewer")
	p.r2 = join("rosa@inst.example", "Rosa Second")
	p.r3 = join("remy@lab.example", "Remy Third")
	for _, pin := range []struct {
		c string
		r store.User
	}{{p.caseA, p.r1}, {p.caseA, p.r2}, {p.caseB, p.r3}} {
		if err := a.Pin(ctx, &p.sec, pin.c, pin.r.ID); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.AutoAssign(ctx, &p.sec, p.call.Slug, 2)
	if err != nil || len(res.Assignments) != 3 || len(res.Short) != 1 || res.Short[0].Case != p.caseB {
		t.Fatalf("assignment: %+v %v", res, err)
	}
	for _, x := range res.Assignments {
		switch x.Reviewer {
		case p.r1.ID:
			p.a1 = x.ID
		case p.r2.ID:
			p.a2 = x.ID
		case p.r3.ID:
			p.b3 = x.ID
		}
	}
	save := func(u store.User, id int64, submit bool, tag string) {
		t.Helper()
		if _, err := a.SaveReview(ctx, &u, id, app.ReviewInput{Scores: scores(4), Recommendation: "weak_accept", Confidence: 2,
			CommentToApplicant: "APPL-" + tag, CommentToCommittee: "SECRET-" + tag}); err != nil {
			t.Fatal(err)
		}
		if submit {
			if _, err := a.SubmitReview(ctx, &u, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	save(p.r1, p.a1, true, "A-r1")
	save(p.r2, p.a2, false, "A-r2-DRAFT")
	save(p.r3, p.b3, true, "B-r3")
	return p
}

func (p *panelFixture) setVisibility(t *testing.T, v string, reveal bool) {
	t.Helper()
	if _, err := p.a.SetReviewSettings(context.Background(), &p.sec, p.call.Slug, app.ReviewSettings{Visibility: v, RevealReviewers: reveal}); err != nil {
		t.Fatal(err)
	}
}

// TestReviewVisibility checks who may do what, as a table of actor ×
// operation, for the owner, an assigned and an unassigned reviewer, a
// reviewer whose own review is still a draft, another applicant, the
// secretariat and an anonymous visitor.
func TestReviewVisibility(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newPanelFixture(t, db)
		a := p.a
		// Operations run in order and some change state: r2 reads the
		// other reviews before submitting their own.
		type op struct {
			name string
			do   func(u app.Actor) error
		}
		ops := []op{
			{"read r1's case", func(u app.Actor) error { _, err := a.ReviewCase(ctx, u, p.a1); return err }},
			{"save r1's review", func(u app.Actor) error { _, err := a.SaveReview(ctx, u, p.a1, app.ReviewInput{}); return err }},
			{"r1's other reviews", func(u app.Actor) error { _, err := a.OtherReviews(ctx, u, p.a1); return err }},
			{"r2's other reviews", func(u app.Actor) error { _, err := a.OtherReviews(ctx, u, p.a2); return err }},
			{"submit r2's review", func(u app.Actor) error { _, err := a.SubmitReview(ctx, u, p.a2); return err }},
			{"attachment of r1's case", func(u app.Actor) error { _, _, err := a.ReviewAttachmentFile(ctx, u, p.a1, "x.pdf"); return err }},
			{"case A", func(u app.Actor) error { _, err := a.Case(ctx, u, p.caseA); return err }},
			{"reviews of A", func(u app.Actor) error { _, err := a.CaseReviews(ctx, u, p.caseA); return err }},
			{"feedback on A", func(u app.Actor) error { _, err := a.Feedback(ctx, u, p.caseA); return err }},
			{"ranking", func(u app.Actor) error { _, err := a.Ranking(ctx, u, p.call.Slug); return err }},
			{"panel", func(u app.Actor) error { _, err := a.Reviewers(ctx, u, p.call.Slug); return err }},
			{"assignments", func(u app.Actor) error { _, err := a.Assignments(ctx, u, p.call.Slug); return err }},
			{"assign", func(u app.Actor) error { _, err := a.AutoAssign(ctx, u, p.call.Slug, 2); return err }},
			{"decide A", func(u app.Actor) error { _, err := a.Decide(ctx, u, p.caseA, "accepted", ""); return err }},
			{"unassign r2", func(u app.Actor) error { return a.Unassign(ctx, u, p.a2) }},
			{"audit", func(u app.Actor) error { _, err := a.Audit(ctx, u, app.AuditFilter{}); return err }},
		}
		const ok = app.Kind(0)
		actors := []struct {
			name string
			u    app.Actor
			want map[string]app.Kind
		}{
			{"anonymous", nil, map[string]app.Kind{"*": app.KindUnauthenticated}},
			{"r1 (assigned, submitted)", &p.r1, map[string]app.Kind{
				"read r1's case": ok, "r1's other reviews": ok,
				"save r1's review":        app.KindConflict, // submitted is final
				"attachment of r1's case": app.KindNotFound, // blind call
				"submit r2's review":      app.KindNotFound, "r2's other reviews": app.KindNotFound,
				"case A": app.KindNotFound, "feedback on A": app.KindNotFound,
				"*": app.KindForbidden}},
			{"r2 (assigned, draft)", &p.r2, map[string]app.Kind{
				"submit r2's review": ok,
				"r2's other reviews": app.KindConflict, // after_own: submit first
				"read r1's case":     app.KindNotFound, "save r1's review": app.KindNotFound, "r1's other reviews": app.KindNotFound,
				"attachment of r1's case": app.KindNotFound,
				"case A":                  app.KindNotFound, "feedback on A": app.KindNotFound,
				"*": app.KindForbidden}},
			{"r3 (not on A)", &p.r3, map[string]app.Kind{
				"read r1's case": app.KindNotFound, "save r1's review": app.KindNotFound, "submit r2's review": app.KindNotFound,
				"r1's other reviews": app.KindNotFound, "r2's other reviews": app.KindNotFound, "attachment of r1's case": app.KindNotFound,
				"case A": app.KindNotFound, "feedback on A": app.KindNotFound,
				"*": app.KindForbidden}},
			{"alice (owner of A)", &p.alice, map[string]app.Kind{
				"case A": ok, "feedback on A": ok,
				"read r1's case": app.KindNotFound, "save r1's review": app.KindNotFound, "submit r2's review": app.KindNotFound,
				"r1's other reviews": app.KindNotFound, "r2's other reviews": app.KindNotFound, "attachment of r1's case": app.KindNotFound,
				"*": app.KindForbidden}},
			{"bob (another applicant)", &p.bob, map[string]app.Kind{
				"read r1's case": app.KindNotFound, "save r1's review": app.KindNotFound, "submit r2's review": app.KindNotFound,
				"r1's other reviews": app.KindNotFound, "r2's other reviews": app.KindNotFound, "attachment of r1's case": app.KindNotFound,
				"case A": app.KindNotFound, "feedback on A": app.KindNotFound,
				"*": app.KindForbidden}},
			{"secretariat", &p.sec, map[string]app.Kind{
				"read r1's case": app.KindNotFound, "save r1's review": app.KindNotFound, "submit r2's review": app.KindNotFound,
				"r1's other reviews": app.KindNotFound, "r2's other reviews": app.KindNotFound, "attachment of r1's case": app.KindNotFound,
				"unassign r2": app.KindConflict, // its review was started
				"*":           ok}},
		}
		for _, ac := range actors {
			for _, o := range ops {
				t.Run(ac.name+"/"+o.name, func(t *testing.T) {
					want, found := ac.want[o.name]
					if !found {
						want = ac.want["*"]
					}
					if got := kind(o.do(ac.u)); got != want {
						t.Fatalf("kind = %d, want %d", got, want)
					}
				})
			}
		}
	})
}

// TestOtherReviewsVisibility: the call's setting decides when a reviewer
// sees the other reviews of a case, which are only submitted ones, never
// with their confidential comment, and named only if the call says so.
func TestOtherReviewsVisibility(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newPanelFixture(t, db)
		tests := []struct {
			visibility string
			reveal     bool
			who        store.User
			id         int64
			want       app.Kind
			peers      int
		}{
			{"never", false, p.r1, p.a1, app.KindForbidden, 0},
			{"never", false, p.r2, p.a2, app.KindForbidden, 0},
			{"after_own", false, p.r1, p.a1, 0, 0}, // r2's draft is not shown
			{"after_own", false, p.r2, p.a2, app.KindConflict, 0},
			{"always", false, p.r2, p.a2, 0, 1},
			{"always", true, p.r2, p.a2, 0, 1},
			{"always", false, p.r1, p.a1, 0, 0},
		}
		for _, tc := range tests {
			t.Run(tc.visibility+"/"+tc.who.Name, func(t *testing.T) {
				p.setVisibility(t, tc.visibility, tc.reveal)
				peers, err := p.a.OtherReviews(ctx, &tc.who, tc.id)
				if kind(err) != tc.want || len(peers) != tc.peers {
					t.Fatalf("OtherReviews = %d peers, %v; want %d, kind %d", len(peers), err, tc.peers, tc.want)
				}
				b, _ := json.Marshal(peers)
				for _, leak := range []string{"SECRET", "DRAFT", "B-r3"} {
					if strings.Contains(string(b), leak) {
						t.Errorf("other reviews show %q: %s", leak, b)
					}
				}
				named := strings.Contains(string(b), p.r1.Name)
				if tc.peers > 0 && named != tc.reveal {
					t.Errorf("reviewer named = %v with reveal %v: %s", named, tc.reveal, b)
				}
				if tc.peers > 0 && !strings.Contains(string(b), "APPL-A-r1") {
					t.Errorf("the comment to the applicant is missing: %s", b)
				}
			})
		}
	})
}

// TestBlindReviewRedaction gathers every value a reviewer of a blind call
// can obtain, as JSON, and checks that none of it identifies the
// applicant; and every value an applicant can obtain, and checks that
// none of it names a reviewer or holds a confidential comment.
func TestBlindReviewRedaction(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := newPanelFixture(t, db)
		a := p.a
		p.setVisibility(t, "always", false)
		if _, err := a.SubmitReview(ctx, &p.r2, p.a2); err != nil {
			t.Fatal(err)
		}
		for _, r := range []store.User{p.r1, p.r2, p.r3} {
			var got []any
			mine, err := a.MyAssignments(ctx, &r)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, mine)
			for _, x := range mine {
				rc, err := a.ReviewCase(ctx, &r, x.ID)
				if err != nil {
					t.Fatal(err)
				}
				if x.Case == p.caseA && (!strings.Contains(rc.Case.Summary, "[…]") || rc.Case.Title == "" || len(rc.Case.KPIs) == 0) {
					t.Errorf("redaction lost the case: %+v", rc.Case)
				}
				peers, err := a.OtherReviews(ctx, &r, x.ID)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rc, peers)
			}
			panels, err := a.MyPanels(ctx, &r)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := db.OutboxFor(ctx, r.Email)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, panels, msgs)
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.ToLower(string(b))
			for _, s := range append(secretsOfA, p.alice.Name, "bob bakeries", "town council", "bakeries.example", p.bob.Email) {
				if strings.Contains(text, strings.ToLower(s)) {
					t.Errorf("%s can see %q", r.Name, s)
				}
			}
			for _, other := range []store.User{p.r1, p.r2, p.r3} {
				if other.ID != r.ID && strings.Contains(string(b), other.Name) {
					t.Errorf("%s can see the name of %s", r.Name, other.Name)
				}
			}
			if r.ID != p.r1.ID && strings.Contains(string(b), "SECRET-A-r1") {
				t.Errorf("%s can read r1's confidential comment", r.Name)
			}
			if r.ID != p.r3.ID && strings.Contains(string(b), "B-r3") {
				t.Errorf("%s can read a review of a case not assigned to them", r.Name)
			}
		}

		// The applicant's side, after the decision is released.
		if _, err := a.Decide(ctx, &p.sec, p.caseA, "accepted", "committee only"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ReleaseDecisions(ctx, &p.sec, p.call.Slug); err != nil {
			t.Fatal(err)
		}
		var got []any
		for _, f := range []func() (any, error){
			func() (any, error) { return a.Case(ctx, &p.alice, p.caseA) },
			func() (any, error) { return a.Versions(ctx, &p.alice, p.caseA) },
			func() (any, error) { return a.Screenings(ctx, &p.alice, p.caseA) },
			func() (any, error) { return a.Feedback(ctx, &p.alice, p.caseA) },
			func() (any, error) { return a.MyCases(ctx, &p.alice) },
			func() (any, error) { v, _, err := a.Cases(ctx, &p.alice, p.call.Slug, app.ListFilter{}); return v, err },
			func() (any, error) { return db.OutboxFor(ctx, p.alice.Email) },
		} {
			v, err := f()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		b, _ := json.Marshal(got)
		for _, s := range []string{p.r1.Name, p.r2.Name, p.r1.Email, p.r2.Email, "SECRET", "committee only"} {
			if strings.Contains(string(b), s) {
				t.Errorf("the applicant can see %q", s)
			}
		}
		for _, s := range []string{"APPL-A-r1", "APPL-A-r2-DRAFT"} {
			if !strings.Contains(string(b), s) {
				t.Errorf("the applicant cannot read the comment %q meant for them", s)
			}
		}
	})
}

package app_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// pairsOf returns the call's assignments as "case/reviewer" strings.
func pairsOf(t *testing.T, a *app.App, sec store.User, slug string) map[string]app.AssignmentView {
	t.Helper()
	as, err := a.Assignments(context.Background(), &sec, slug)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]app.AssignmentView{}
	for _, x := range as {
		out[x.Case+"/"+idStr(x.Reviewer)] = x
	}
	return out
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// TestAssignmentRuns: runs keep started reviews whatever changes, send
// one message per reviewer per run, honour pins and prohibitions, keep a
// reviewer off their own case, and refuse to remove a started review.
func TestAssignmentRuns(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReview(t, db)
		a := r.a
		pat, err := a.AddUser(ctx, nil, "pat@gmail.com", "Pat Both", store.RoleApplicant, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{
			r.submit(t, r.alice, nil),
			r.submit(t, r.bob, withOrg("Bob Bakeries Ltd", "Town Council", "https://bakeries.example")),
			r.submit(t, r.carol, withOrg("Lake Weavers Cooperative", "Fibre Union", "https://weavers.example")),
			r.submit(t, pat, withOrg("Pat's Print Shop", "Ink Guild", "https://print.example")),
		}
		patCase := ids[3]
		if _, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 2); kind(err) != app.KindConflict {
			t.Errorf("assignment while the call is open: %v", err)
		}
		r.clk.Set(closes.Add(time.Hour))
		for _, id := range ids {
			if _, err := a.Screen(ctx, &r.sec, id, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); err != nil {
				t.Fatal(err)
			}
		}
		join := func(email, name string, max int) store.User {
			t.Helper()
			if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, app.Invitation{Email: email, Name: name, Languages: []string{"en"}, MaxLoad: max}); err != nil {
				t.Fatal(err)
			}
			u, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, email), "a long reviewer password")
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		r1 := join("one@uni.example", "Reviewer One", 4)
		r2 := join("two@inst.example", "Reviewer Two", 4)
		r3 := join("three@lab.example", "Reviewer Three", 4)
		// Pat applies and reviews: a conflict no domain reveals (webmail).
		rp, _, err := a.AcceptInvitationAs(ctx, &pat, func() string {
			if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, app.Invitation{Email: pat.Email, Name: pat.Name, Languages: []string{"en"}, MaxLoad: 4}); err != nil {
				t.Fatal(err)
			}
			return lastToken(t, db, pat.Email)
		}(), "")
		if err != nil || rp.ID != pat.ID {
			t.Fatalf("Pat joins the panel: %v", err)
		}

		res, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 3)
		if err != nil || len(res.Assignments) != 12 || len(res.Short) != 0 {
			t.Fatalf("first run: %d assignments, short %+v, %v", len(res.Assignments), res.Short, err)
		}
		pairs := pairsOf(t, a, r.sec, r.call.Slug)
		if _, ok := pairs[patCase+"/"+idStr(pat.ID)]; ok {
			t.Fatal("Pat assigned to Pat's own case")
		}
		for _, u := range []store.User{r1, r2, r3, pat} {
			got := mails(t, db, u.Email, "assign:")
			if len(got) != 1 {
				t.Fatalf("%s: %d messages for one run, want 1", u.Email, len(got))
			}
			n := 0
			for _, x := range res.Assignments {
				if x.Reviewer == u.ID {
					n++
					if !strings.Contains(got[0].Text, x.Case) {
						t.Errorf("%s's message lacks %s", u.Email, x.Case)
					}
				}
			}
			if n < 2 {
				t.Errorf("%s has %d cases", u.Email, n)
			}
		}

		// r1 starts a review. However the run changes, it stays.
		mine, err := a.MyAssignments(ctx, &r1)
		if err != nil || len(mine) == 0 {
			t.Fatal(err)
		}
		started := mine[0]
		if _, err := a.SaveReview(ctx, &r1, started.ID, app.ReviewInput{CommentToCommittee: "first thoughts"}); err != nil {
			t.Fatal(err)
		}
		if err := a.Unassign(ctx, &r.sec, started.ID); kind(err) != app.KindConflict {
			t.Errorf("unassign a started review: %v", err)
		}
		if err := a.Forbid(ctx, &r.sec, started.Case, r1.ID); kind(err) != app.KindConflict {
			t.Errorf("forbid a pair with a started review: %v", err)
		}
		if _, err := a.SetMaxLoad(ctx, &r.sec, r.call.Slug, r1.ID, 0); err != nil {
			t.Fatal(err)
		}
		res, err = a.AutoAssign(ctx, &r.sec, r.call.Slug, 3)
		if err != nil {
			t.Fatalf("second run: %v", err)
		}
		pairs = pairsOf(t, a, r.sec, r.call.Slug)
		if x, ok := pairs[started.Case+"/"+idStr(r1.ID)]; !ok || x.ID != started.ID || x.State != "draft" {
			t.Fatalf("the started review was dropped: %+v", x)
		}
		for k, x := range pairs {
			if x.Reviewer == r1.ID && x.ID != started.ID {
				t.Errorf("r1 at load 0 still has %s", k)
			}
		}
		if len(res.Removed) == 0 || len(res.Warnings) == 0 {
			t.Errorf("second run: removed %d, warnings %v", len(res.Removed), res.Warnings)
		}
		// r1 hears once about what was taken away; the others once more
		// about what they gained.
		if got := mails(t, db, r1.Email, "assign:"); len(got) != 2 || strings.Contains(got[1].Text, started.Case) {
			t.Errorf("r1's messages: %d", len(got))
		}

		// Prohibition: removes a pair nobody started, and keeps it away.
		var victim app.AssignmentView
		for _, x := range pairs {
			if x.Reviewer == r2.ID && x.State == "assigned" {
				victim = x
				break
			}
		}
		if err := a.Forbid(ctx, &r.sec, victim.Case, r2.ID); err != nil {
			t.Fatalf("forbid: %v", err)
		}
		if _, ok := pairsOf(t, a, r.sec, r.call.Slug)[victim.Case+"/"+idStr(r2.ID)]; ok {
			t.Error("a forbidden pair stayed assigned")
		}
		if _, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 3); err != nil {
			t.Fatal(err)
		}
		if _, ok := pairsOf(t, a, r.sec, r.call.Slug)[victim.Case+"/"+idStr(r2.ID)]; ok {
			t.Error("a run assigned a forbidden pair")
		}
		// Pins: Pat can never be pinned to Pat's case; a pin beyond the
		// reviewer's load makes the run fail until it is cleared.
		if err := a.Pin(ctx, &r.sec, patCase, pat.ID); kind(err) != app.KindInvalid {
			t.Errorf("pin a reviewer to their own case: %v", err)
		}
		other := ids[0]
		if _, ok := pairsOf(t, a, r.sec, r.call.Slug)[other+"/"+idStr(r1.ID)]; ok {
			other = ids[1]
		}
		if err := a.Pin(ctx, &r.sec, other, r1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 3); kind(err) != app.KindInvalid {
			t.Errorf("a pin beyond the load: %v", err)
		}
		if _, err := a.SetMaxLoad(ctx, &r.sec, r.call.Slug, r1.ID, 2); err != nil {
			t.Fatal(err)
		}
		if _, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 3); err != nil {
			t.Fatalf("run with a pin: %v", err)
		}
		x, ok := pairsOf(t, a, r.sec, r.call.Slug)[other+"/"+idStr(r1.ID)]
		if !ok || x.Source != "pinned" || !slices.ContainsFunc(x.Reasons, func(r store.AssignmentReason) bool { return r.Kind == "pinned" }) {
			t.Errorf("pinned pair: %+v %v", x, ok)
		}
		rules, err := a.Rules(ctx, &r.sec, r.call.Slug)
		if err != nil || len(rules) != 2 {
			t.Errorf("rules: %+v %v", rules, err)
		}
		if err := a.ClearRule(ctx, &r.sec, other, r1.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.ClearRule(ctx, &r.sec, other, r1.ID); kind(err) != app.KindNotFound {
			t.Errorf("clear twice: %v", err)
		}
		// Every assignment now respects the loads.
		load := map[int64]int{}
		for _, x := range pairsOf(t, a, r.sec, r.call.Slug) {
			load[x.Reviewer]++
		}
		panel, _ := a.Reviewers(ctx, &r.sec, r.call.Slug)
		for _, m := range panel {
			if m.Reviewer != nil && (load[*m.Reviewer] > m.MaxLoad || m.Load != load[*m.Reviewer]) {
				t.Errorf("%s: load %d (listed %d), max %d", m.Email, load[*m.Reviewer], m.Load, m.MaxLoad)
			}
		}
		for _, id := range ids {
			if c, _ := db.CaseByID(ctx, id); c.State != domain.StateUnderReview {
				t.Errorf("%s is %s", id, c.State)
			}
		}
	})
}

// TestInvitations covers the life of an invitation: sent again, expired,
// declined and sent again, accepted once.
func TestInvitations(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReview(t, db)
		a := r.a
		in := app.Invitation{Email: "Omar@Uni.Example", Name: "Omar", Language: "ar", Languages: []string{"ar", "fr-CA"}}
		m, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, in)
		if err != nil || m.MaxLoad != 10 || !slices.Equal(m.Languages, []string{"ar", "fr"}) || m.Email != "omar@uni.example" {
			t.Fatalf("invite: %+v %v", m, err)
		}
		got := mails(t, db, "omar@uni.example", "invite:")
		if len(got) != 1 || !strings.Contains(got[0].Subject, "دعوة") {
			t.Fatalf("Arabic invitation: %+v", got)
		}
		old := lastToken(t, db, "omar@uni.example")
		if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, in); err != nil {
			t.Fatalf("invite again: %v", err)
		}
		if _, err := a.Invitation(ctx, nil, old); kind(err) != app.KindBadRequest {
			t.Errorf("the first link still works: %v", err)
		}
		tok := lastToken(t, db, "omar@uni.example")
		if tok == old {
			t.Fatal("the same token was sent twice")
		}
		r.clk.Set(t0.Add(31 * 24 * time.Hour))
		if _, _, err := a.AcceptInvitationAs(ctx, nil, tok, "a long reviewer password"); kind(err) != app.KindBadRequest {
			t.Errorf("an expired invitation: %v", err)
		}
		r.clk.Set(t0)
		if err := a.DeclineInvitation(ctx, tok, app.Decline{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.AcceptInvitationAs(ctx, nil, tok, "a long reviewer password"); kind(err) != app.KindBadRequest {
			t.Errorf("accept a declined invitation: %v", err)
		}
		if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, in); err != nil {
			t.Fatalf("invite after a refusal: %v", err)
		}
		if _, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, "omar@uni.example"), "short"); kind(err) != app.KindInvalid {
			t.Errorf("a short password: %v", err)
		}
		u, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, "omar@uni.example"), "a long reviewer password")
		if err != nil || u.Language != "ar" {
			t.Fatalf("accept: %+v %v", u, err)
		}
		if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, in); kind(err) != app.KindConflict {
			t.Errorf("invite a member: %v", err)
		}
		if _, err := a.Authenticate(ctx, "omar@uni.example", "a long reviewer password", "127.0.0.1"); err != nil {
			t.Errorf("the new reviewer cannot sign in: %v", err)
		}
		bad := []app.Invitation{
			{Email: "not an address", Name: "X"},
			{Email: "x@y.example"},
			{Email: "x@y.example", Name: "X", Expertise: app.Expertise{WSIS: []string{"C12"}}},
			{Email: "x@y.example", Name: "X", Expertise: app.Expertise{Regions: []string{"Africa"}}},
			{Email: "x@y.example", Name: "X", Languages: []string{"klingon!"}},
			{Email: "x@y.example", Name: "X", MaxLoad: 501},
			{Email: "x@y.example", Name: "X", Conflicts: app.Conflicts{Cases: []string{"case 7"}}},
			{Email: "x@y.example", Name: "X", Language: "pt"},
		}
		for i, b := range bad {
			if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, b); kind(err) != app.KindInvalid {
				t.Errorf("bad invitation %d: %v", i, err)
			}
		}
	})
}

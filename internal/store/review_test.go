package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

func TestReviewSettingsAndPhase(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "settings")
		s, err := db.CallReviewSettings(ctx, call.ID)
		if err != nil || s != (store.ReviewSettings{Visibility: "after_own"}) {
			t.Fatalf("default settings = %+v, %v", s, err)
		}
		want := store.ReviewSettings{Visibility: "always", RevealReviewers: true}
		if err := db.SetCallReviewSettings(ctx, call.ID, want, t0); err != nil {
			t.Fatal(err)
		}
		if s, _ := db.CallReviewSettings(ctx, call.ID); s != want {
			t.Errorf("settings = %+v", s)
		}
		if err := db.SetCallPhase(ctx, call.ID, "reviewing", t0); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.CallByID(ctx, call.ID); c.Phase != "reviewing" || c.Slug != call.Slug {
			t.Errorf("call after SetCallPhase = %+v", c)
		}
		if _, err := db.CallReviewSettings(ctx, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown call: %v", err)
		}
		if err := db.SetCallPhase(ctx, 999, "reviewing", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown call: %v", err)
		}
	})
}

func TestMoveCases(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "moves")
		u := mkUser(t, db, "owner@moves.example")
		var ids []string
		for i := range 3 {
			c := mkCase(t, db, fmt.Sprintf("DX-2026-%04d", i+1), call, u)
			ids = append(ids, c.ID)
		}
		if err := db.MoveCase(ctx, ids[0], "draft", "submitted", t0); err != nil {
			t.Fatal(err)
		}
		// A move from a state the case is not in changes nothing.
		if err := db.MoveCase(ctx, ids[0], "draft", "withdrawn", t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("stale move: %v", err)
		}
		moved, err := db.MoveCases(ctx, ids, "draft", "eligible", t0)
		if err != nil || !slices.Equal(moved, ids[1:]) {
			t.Fatalf("MoveCases = %v, %v", moved, err)
		}
		c, _ := db.CaseByID(ctx, ids[0])
		if c.State != "submitted" {
			t.Errorf("case 1 state %s", c.State)
		}
		pub := t0.Add(time.Hour)
		if err := db.MoveCase(ctx, ids[1], "eligible", "accepted", t0); err != nil {
			t.Fatal(err)
		}
		if err := db.SetCasePublication(ctx, ids[1], "accepted", "published", &pub, pub); err != nil {
			t.Fatal(err)
		}
		c, _ = db.CaseByID(ctx, ids[1])
		if c.State != "published" || c.PublishedAt == nil || !c.PublishedAt.Equal(pub) {
			t.Errorf("published case = %s %v", c.State, c.PublishedAt)
		}
		if err := db.SetCasePublication(ctx, ids[1], "published", "accepted", nil, pub); err != nil {
			t.Fatal(err)
		}
		if c, _ = db.CaseByID(ctx, ids[1]); c.State != "accepted" || c.PublishedAt != nil {
			t.Errorf("unpublished case = %s %v", c.State, c.PublishedAt)
		}
		ext := t0.Add(72 * time.Hour)
		if err := db.SetCaseExtension(ctx, ids[0], &ext, t0); err != nil {
			t.Fatal(err)
		}
		if c, _ = db.CaseByID(ctx, ids[0]); c.ExtendedUntil == nil || !c.ExtendedUntil.Equal(ext) {
			t.Errorf("extension = %v", c.ExtendedUntil)
		}
	})
}

func TestScreenings(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "screen")
		u := mkUser(t, db, "sec@screen.example")
		c := mkCase(t, db, "DX-2026-0001", call, u)
		by := u.ID
		ret := t0.Add(48 * time.Hour)
		first := store.Screening{CaseID: c.ID, Version: 1, Outcome: "returned", Checklist: map[string]bool{"sme": true, "ict": false},
			Note: "Add KPIs", ReturnBy: &ret, ScreenedBy: &by, ScreenedAt: t0}
		second := store.Screening{CaseID: c.ID, Version: 2, Outcome: "eligible", ScreenedAt: t0.Add(time.Hour)}
		for _, s := range []*store.Screening{&first, &second} {
			if err := db.AddScreening(ctx, s); err != nil || s.ID == 0 {
				t.Fatalf("AddScreening: %v (id %d)", err, s.ID)
			}
		}
		got, err := db.Screenings(ctx, c.ID)
		if err != nil || len(got) != 2 {
			t.Fatalf("Screenings = %v, %v", got, err)
		}
		second.Checklist = map[string]bool{}
		if !reflect.DeepEqual(got, []store.Screening{first, second}) {
			t.Errorf("Screenings =\n%+v\nwant\n%+v", got, []store.Screening{first, second})
		}
	})
}

func TestPanelMembers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "panel")
		sec := mkUser(t, db, "sec@panel.example")
		exp := t0.Add(30 * 24 * time.Hour)
		m := store.PanelMember{CallID: call.ID, Email: " Rev@Uni.Example ", Name: "Rev", State: "invited", Language: "fr",
			Expertise: store.ReviewerExpertise{WSIS: []string{"C7"}, Technologies: []string{"cloud"}, Sectors: []string{"C"}, Regions: []string{"002"}},
			Languages: []string{"fr", "en"}, MaxLoad: 8, ConflictOrgs: []string{"Acme"}, InviteHash: "h1", InviteExpiresAt: &exp,
			InvitedBy: &sec.ID, InvitedAt: t0}
		if err := db.CreatePanelMember(ctx, &m); err != nil || m.ID == 0 {
			t.Fatalf("CreatePanelMember: %v", err)
		}
		dup := store.PanelMember{CallID: call.ID, Email: "rev@uni.example", State: "invited", InvitedAt: t0}
		if err := db.CreatePanelMember(ctx, &dup); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate e-mail: %v", err)
		}
		m.Email = "rev@uni.example"
		m.ConflictCases = []string{}
		got, err := db.PanelMemberByInvite(ctx, "h1")
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("PanelMemberByInvite =\n%+v, %v\nwant\n%+v", got, err, m)
		}
		if got, err := db.PanelMemberByEmail(ctx, call.ID, "REV@uni.example"); err != nil || got.ID != m.ID {
			t.Errorf("PanelMemberByEmail = %v", err)
		}
		// Acceptance links the account and spends the invitation.
		rev := mkUser(t, db, "rev@uni.example")
		now := t0.Add(time.Hour)
		m.UserID, m.State, m.InviteHash, m.InviteExpiresAt, m.RespondedAt = &rev.ID, "accepted", "", nil, &now
		if err := db.UpdatePanelMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PanelMemberByInvite(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("spent invitation: %v", err)
		}
		got, err = db.PanelMemberByUser(ctx, call.ID, rev.ID)
		if err != nil || !reflect.DeepEqual(got, m) {
			t.Errorf("PanelMemberByUser = %+v, %v", got, err)
		}
		// Two open invitations (no account yet) do not collide on user_id.
		for _, e := range []string{"a@x.example", "b@x.example"} {
			o := store.PanelMember{CallID: call.ID, Email: e, State: "invited", InviteHash: "h-" + e, InvitedAt: t0}
			if err := db.CreatePanelMember(ctx, &o); err != nil {
				t.Fatal(err)
			}
		}
		// A decline keeps its reason and suggested replacement.
		d, err := db.PanelMemberByInvite(ctx, "h-b@x.example")
		if err != nil {
			t.Fatal(err)
		}
		d.State, d.InviteHash, d.RespondedAt = "declined", "", &now
		d.DeclineReason, d.SuggestedName, d.SuggestedEmail = "On leave.", "Ana Ruiz", " Ana@Uni.Example "
		if err := db.UpdatePanelMember(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.SuggestedEmail = "ana@uni.example"
		if got, err := db.PanelMemberByID(ctx, d.ID); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("declined member =\n%+v, %v\nwant\n%+v", got, err, d)
		}
		all, err := db.ListPanel(ctx, call.ID)
		if err != nil || len(all) != 3 || all[0].ID != m.ID {
			t.Errorf("ListPanel = %d, %v", len(all), err)
		}
		mine, err := db.PanelsOfUser(ctx, rev.ID)
		if err != nil || len(mine) != 1 || mine[0].ID != m.ID {
			t.Errorf("PanelsOfUser = %v, %v", mine, err)
		}
	})
}

// reviewFixture is a call with a case, two reviewers and their assignments.
type reviewFixture struct {
	call       store.Call
	cases      []store.Case
	r1, r2, sc store.User
	as         []store.Assignment
}

func newReviewFixture(t *testing.T, db *store.DB) reviewFixture {
	t.Helper()
	ctx := context.Background()
	f := reviewFixture{call: mkCall(t, db, "reviews")}
	f.sc = mkUser(t, db, "sec@reviews.example")
	f.r1 = mkUser(t, db, "r1@reviews.example")
	f.r2 = mkUser(t, db, "r2@reviews.example")
	owner := mkUser(t, db, "owner@reviews.example")
	for i := range 2 {
		f.cases = append(f.cases, mkCase(t, db, fmt.Sprintf("DX-2026-%04d", i+1), f.call, owner))
	}
	f.as = []store.Assignment{
		{CallID: f.call.ID, CaseID: f.cases[0].ID, ReviewerID: f.r1.ID, Source: store.SourceAuto, Affinity: 8,
			Reasons: []store.AssignmentReason{{Kind: "wsis", Value: "C7", Points: 6}, {Kind: "sector", Value: "C", Points: 2}}, CreatedBy: &f.sc.ID, CreatedAt: t0},
		{CallID: f.call.ID, CaseID: f.cases[0].ID, ReviewerID: f.r2.ID, Source: store.SourcePinned, CreatedAt: t0},
		{CallID: f.call.ID, CaseID: f.cases[1].ID, ReviewerID: f.r1.ID, Source: store.SourceManual, CreatedAt: t0},
	}
	if err := db.AddAssignments(ctx, f.as); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAssignments(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		for _, a := range f.as {
			got, err := db.AssignmentByID(ctx, a.ID)
			if a.Reasons == nil {
				a.Reasons = []store.AssignmentReason{}
			}
			if err != nil || !reflect.DeepEqual(got, a) {
				t.Errorf("AssignmentByID(%d) =\n%+v, %v\nwant\n%+v", a.ID, got, err, a)
			}
		}
		again := []store.Assignment{{CallID: f.call.ID, CaseID: f.cases[0].ID, ReviewerID: f.r1.ID, Source: store.SourceAuto}}
		if err := db.AddAssignments(ctx, again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("same pair twice: %v", err)
		}
		// A started review locks its assignment.
		if err := db.SaveReview(ctx, store.Review{AssignmentID: f.as[0].ID, State: "draft", UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		byR1, err := db.ListAssignments(ctx, store.AssignmentFilter{ReviewerID: f.r1.ID})
		if err != nil || len(byR1) != 2 || byR1[0].ReviewState != "draft" || byR1[1].ReviewState != "" {
			t.Fatalf("ListAssignments(r1) = %+v, %v", byR1, err)
		}
		deleted, err := db.DeleteAssignments(ctx, []int64{f.as[0].ID, f.as[1].ID, 9999})
		if err != nil || !slices.Equal(deleted, []int64{f.as[1].ID}) {
			t.Errorf("DeleteAssignments = %v, %v", deleted, err)
		}
		if n, err := db.AssignmentCounts(ctx, f.call.ID); err != nil || n[f.cases[0].ID] != 1 || n[f.cases[1].ID] != 1 || len(n) != 2 {
			t.Errorf("AssignmentCounts = %v, %v", n, err)
		}
		left, _ := db.ListAssignments(ctx, store.AssignmentFilter{CallID: f.call.ID, CaseID: f.cases[0].ID})
		if len(left) != 1 || left[0].ID != f.as[0].ID {
			t.Errorf("left on case 1: %+v", left)
		}

		// Rules: a pair is pinned or forbidden, the latest word counts.
		rules := []store.AssignmentRule{
			{CallID: f.call.ID, CaseID: f.cases[1].ID, ReviewerID: f.r2.ID, Kind: store.RulePin, CreatedAt: t0},
			{CallID: f.call.ID, CaseID: f.cases[0].ID, ReviewerID: f.r2.ID, Kind: store.RuleForbid, CreatedBy: &f.sc.ID, CreatedAt: t0},
		}
		for _, r := range rules {
			if err := db.SetAssignmentRule(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		rules[0].Kind = store.RuleForbid
		if err := db.SetAssignmentRule(ctx, rules[0]); err != nil {
			t.Fatal(err)
		}
		got, err := db.ListAssignmentRules(ctx, f.call.ID)
		if err != nil || !reflect.DeepEqual(got, []store.AssignmentRule{rules[1], rules[0]}) {
			t.Errorf("rules = %+v, %v", got, err)
		}
		if err := db.DeleteAssignmentRule(ctx, f.cases[1].ID, f.r2.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAssignmentRule(ctx, f.cases[1].ID, f.r2.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("delete twice: %v", err)
		}
	})
}

func TestReviews(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		if _, err := db.ReviewByAssignment(ctx, f.as[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no review yet: %v", err)
		}
		draft := store.Review{AssignmentID: f.as[0].ID, State: "draft", Scores: map[string]int{"impact": 4},
			CommentToCommittee: "confidential", UpdatedAt: t0}
		if err := db.SaveReview(ctx, draft); err != nil {
			t.Fatal(err)
		}
		sub := t0.Add(time.Hour)
		final := store.Review{AssignmentID: f.as[0].ID, State: "submitted", Scores: map[string]int{"impact": 5, "inclusion": 2},
			Recommendation: "accept", Confidence: 3, CommentToApplicant: "Good", CommentToCommittee: "confidential",
			UpdatedAt: sub, SubmittedAt: &sub}
		if err := db.SaveReview(ctx, final); err != nil {
			t.Fatal(err)
		}
		got, err := db.ReviewByAssignment(ctx, f.as[0].ID)
		final.CreatedAt, final.CallID, final.CaseID, final.ReviewerID = t0, f.call.ID, f.cases[0].ID, f.r1.ID
		if err != nil || !reflect.DeepEqual(got, final) {
			t.Fatalf("ReviewByAssignment =\n%+v, %v\nwant\n%+v", got, err, final)
		}
		other := store.Review{AssignmentID: f.as[1].ID, State: "draft", Scores: map[string]int{"impact": 1}, UpdatedAt: t0}
		third := store.Review{AssignmentID: f.as[2].ID, State: "submitted", Scores: map[string]int{"impact": 3}, UpdatedAt: t0, SubmittedAt: &sub}
		for _, r := range []store.Review{other, third} {
			if err := db.SaveReview(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		filters := []struct {
			f    store.ReviewFilter
			want []int64
		}{
			{store.ReviewFilter{CallID: f.call.ID}, []int64{f.as[0].ID, f.as[1].ID, f.as[2].ID}},
			{store.ReviewFilter{CallID: f.call.ID, SubmittedOnly: true}, []int64{f.as[0].ID, f.as[2].ID}},
			{store.ReviewFilter{CaseID: f.cases[0].ID}, []int64{f.as[0].ID, f.as[1].ID}},
			{store.ReviewFilter{ReviewerID: f.r1.ID}, []int64{f.as[0].ID, f.as[2].ID}},
			{store.ReviewFilter{ReviewerID: f.r2.ID, SubmittedOnly: true}, nil},
		}
		for i, tc := range filters {
			rs, err := db.ListReviews(ctx, tc.f)
			var ids []int64
			for _, r := range rs {
				ids = append(ids, r.AssignmentID)
			}
			if err != nil || !slices.Equal(ids, tc.want) {
				t.Errorf("filter %d: %v, %v; want %v", i, ids, err, tc.want)
			}
		}
		scores, err := db.SubmittedScores(ctx, f.call.ID)
		want := []store.ReviewScore{
			{AssignmentID: f.as[0].ID, CaseID: f.cases[0].ID, ReviewerID: f.r1.ID, Scores: map[string]int{"impact": 5, "inclusion": 2}},
			{AssignmentID: f.as[2].ID, CaseID: f.cases[1].ID, ReviewerID: f.r1.ID, Scores: map[string]int{"impact": 3}},
		}
		if err != nil || !reflect.DeepEqual(scores, want) {
			t.Errorf("SubmittedScores = %+v, %v", scores, err)
		}
	})
}

func TestDecisions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		d := store.Decision{CaseID: f.cases[0].ID, CallID: f.call.ID, Decision: "rejected", Note: "first thought", DecidedBy: &f.sc.ID, DecidedAt: t0}
		if err := db.SaveDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		d.Decision, d.Note, d.DecidedAt = "accepted", "on reflection", t0.Add(time.Minute)
		if err := db.SaveDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got, err := db.DecisionByCase(ctx, d.CaseID); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("DecisionByCase = %+v, %v", got, err)
		}
		d2 := store.Decision{CaseID: f.cases[1].ID, CallID: f.call.ID, Decision: "rejected", DecidedAt: t0}
		if err := db.SaveDecision(ctx, d2); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Hour)
		released, err := db.ReleaseDecisions(ctx, f.call.ID, at)
		if err != nil || len(released) != 2 || released[0].CaseID != f.cases[0].ID || released[0].Decision != "accepted" ||
			released[0].ReleasedAt == nil || !released[0].ReleasedAt.Equal(at) {
			t.Fatalf("ReleaseDecisions = %+v, %v", released, err)
		}
		// Releasing again releases nothing; a released decision is final.
		if again, _ := db.ReleaseDecisions(ctx, f.call.ID, at); len(again) != 0 {
			t.Errorf("released twice: %v", again)
		}
		d.Decision = "rejected"
		if err := db.SaveDecision(ctx, d); !errors.Is(err, store.ErrConflict) {
			t.Errorf("change a released decision: %v", err)
		}
		all, err := db.ListDecisions(ctx, f.call.ID)
		if err != nil || len(all) != 2 || all[0].Decision != "accepted" || all[0].ReleasedAt == nil || !all[0].ReleasedAt.Equal(at) || all[1].ReleasedAt == nil {
			t.Errorf("ListDecisions = %+v, %v", all, err)
		}
	})
}

func TestCaseVersionsOfCallAndUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newReviewFixture(t, db)
		for i, c := range f.cases {
			for v := 1; v <= i+1; v++ {
				doc := json.RawMessage(fmt.Sprintf(`{"title":"v%d"}`, v))
				if err := db.AddCaseVersion(ctx, store.CaseVersion{CaseID: c.ID, Version: v, Doc: doc, SubmittedAt: t0, SubmittedBy: f.sc.ID}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := db.MoveCase(ctx, f.cases[1].ID, "draft", "eligible", t0); err != nil {
			t.Fatal(err)
		}
		vs, err := db.CaseVersionsOfCall(ctx, f.call.ID, nil)
		if err != nil || len(vs[f.cases[0].ID]) != 1 || len(vs[f.cases[1].ID]) != 2 || vs[f.cases[1].ID][1].Version != 2 {
			t.Errorf("CaseVersionsOfCall = %v, %v", vs, err)
		}
		vs, _ = db.CaseVersionsOfCall(ctx, f.call.ID, []string{"eligible"})
		if len(vs) != 1 || len(vs[f.cases[1].ID]) != 2 {
			t.Errorf("eligible only: %v", vs)
		}
		us, err := db.UsersByIDs(ctx, []int64{f.r1.ID, f.r2.ID, f.r1.ID, 424242})
		if err != nil || len(us) != 2 || us[f.r2.ID].Email != f.r2.Email {
			t.Errorf("UsersByIDs = %v, %v", us, err)
		}
	})
}

func TestSearchAudit(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := mkUser(t, db, "a@audit.example")
		b := mkUser(t, db, "b@audit.example")
		var es []store.AuditEntry
		for i := range 250 {
			actor := &a.ID
			if i%2 == 1 {
				actor = &b.ID
			}
			es = append(es, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), ActorID: actor, Entity: "case",
				EntityID: fmt.Sprintf("DX-2026-%04d", i%5+1), Action: []string{"screen", "assign"}[i%2], From: "x", To: "y"})
		}
		es = append(es, store.AuditEntry{At: t0, Entity: "call", EntityID: "c", Action: "phase"})
		if err := db.AddAudits(ctx, es); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    store.AuditFilter
			want int
		}{
			{"all", store.AuditFilter{}, 251},
			{"entity", store.AuditFilter{Entity: "call"}, 1},
			{"entity id", store.AuditFilter{Entity: "case", EntityID: "DX-2026-0001"}, 50},
			{"action", store.AuditFilter{Action: "assign"}, 125},
			{"actor", store.AuditFilter{ActorID: a.ID}, 125},
			{"actor and action", store.AuditFilter{ActorID: a.ID, Action: "assign"}, 0},
			{"window", store.AuditFilter{From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)}, 10},
			{"limit", store.AuditFilter{Limit: 7}, 7},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.SearchAudit(ctx, tc.f)
				if err != nil || len(got) != tc.want {
					t.Fatalf("SearchAudit = %d, %v; want %d", len(got), err, tc.want)
				}
				for i := 1; i < len(got); i++ {
					if got[i].At.After(got[i-1].At) {
						t.Fatalf("not newest first at %d", i)
					}
				}
			})
		}
	})
}

func TestQueryCounter(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx, n := store.WithQueryCounter(context.Background())
		call := mkCall(t, db, "count")
		if _, err := db.CallByID(ctx, call.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ListCases(ctx, store.CaseFilter{CallID: call.ID}); err != nil {
			t.Fatal(err)
		}
		err := db.Transact(ctx, func(tx *store.DB) error {
			return tx.SetCallPhase(ctx, call.ID, "reviewing", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		// CallByID 1, ListCases 2 (count and page), SetCallPhase 1.
		if got := n.Count(); got != 4 {
			t.Errorf("counted %d statements, want 4", got)
		}
		if _, err := db.CallByID(context.Background(), call.ID); err != nil || n.Count() != 4 {
			t.Errorf("a context without the counter was counted")
		}
	})
}

// TestReviewListsByCaseNumber checks that the review's lists follow the
// cases' numbers past the fourth digit, as the case lists do.
func TestReviewListsByCaseNumber(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "big-review")
		owner := mkUser(t, db, "owner@big.example")
		r := mkUser(t, db, "r@big.example")
		want := []string{"DX-2026-9999", "DX-2026-10000"}
		for _, id := range []string{want[1], want[0]} {
			mkCase(t, db, id, call, owner)
			if err := db.AddAssignments(ctx, []store.Assignment{{CallID: call.ID, CaseID: id, ReviewerID: r.ID, Source: store.SourceManual, CreatedAt: t0}}); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveDecision(ctx, store.Decision{CaseID: id, CallID: call.ID, Decision: "accepted", DecidedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		as, err := db.ListAssignments(ctx, store.AssignmentFilter{CallID: call.ID})
		if err != nil || len(as) != 2 || as[0].CaseID != want[0] || as[1].CaseID != want[1] {
			t.Errorf("ListAssignments = %+v, %v", as, err)
		}
		ds, err := db.ListDecisions(ctx, call.ID)
		if err != nil || len(ds) != 2 || ds[0].CaseID != want[0] || ds[1].CaseID != want[1] {
			t.Errorf("ListDecisions = %+v, %v", ds, err)
		}
	})
}

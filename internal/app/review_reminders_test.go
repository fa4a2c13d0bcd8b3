package app_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// reminderCall is a blind call under review with three cases and three
// reviewers, each assigned every case: Ruth has submitted one review,
// Denis (who reads French) none, and Tala all three.
type reminderCall struct {
	*review
	cases            []string // alice's, bob's, carol's
	ruth, denis, tal store.User
	deadline         time.Time
}

func newReminderCall(t *testing.T, db *store.DB) *reminderCall {
	t.Helper()
	ctx := context.Background()
	r := &reminderCall{review: newReview(t, db)}
	a := r.a
	r.cases = []string{
		r.submit(t, r.alice, nil),
		r.submit(t, r.bob, withOrg("Bob Bakeries Ltd", "Town Council", "https://bakeries.example")),
		r.submit(t, r.carol, func(c *domain.Case) {
			withOrg("Lake Weavers Cooperative", "Fibre Union", "https://weavers.example")(c)
			c.Title = "Lake Weavers Cooperative sells its cloth online"
		}),
	}
	r.clk.Set(closes.Add(time.Hour))
	for _, id := range r.cases {
		if _, err := a.Screen(ctx, &r.sec, id, app.ScreeningInput{Outcome: "eligible", Checklist: checklistOK}); err != nil {
			t.Fatal(err)
		}
	}
	join := func(email, name, lang string) store.User {
		t.Helper()
		in := app.Invitation{Email: email, Name: name, Language: lang, Languages: []string{"en"}, MaxLoad: 5}
		if _, err := a.InviteReviewer(ctx, &r.sec, r.call.Slug, in); err != nil {
			t.Fatal(err)
		}
		u, _, err := a.AcceptInvitationAs(ctx, nil, lastToken(t, db, email), "a long reviewer password")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	r.ruth = join("ruth@uni.example", "Ruth Reviewer", "en")
	r.denis = join("denis@inst.example", "Denis Évaluateur", "fr")
	r.tal = join("tala@lab.example", "Tala Reviewer", "en")
	res, err := a.AutoAssign(ctx, &r.sec, r.call.Slug, 3)
	if err != nil || len(res.Assignments) != 9 {
		t.Fatalf("assignment: %d assignments, short %+v, %v", len(res.Assignments), res.Short, err)
	}
	submit := func(u store.User, caseID string) {
		t.Helper()
		for _, x := range res.Assignments {
			if x.Case == caseID && x.Reviewer == u.ID {
				in := app.ReviewInput{Scores: scores(4), Recommendation: "accept", Confidence: 2, CommentToApplicant: "Clear."}
				if _, err := a.SaveReview(ctx, &u, x.ID, in); err != nil {
					t.Fatal(err)
				}
				if _, err := a.SubmitReview(ctx, &u, x.ID); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("%s is not assigned to %s", u.Email, caseID)
	}
	submit(r.ruth, r.cases[0])
	for _, id := range r.cases {
		submit(r.tal, id)
	}
	r.deadline = closes.Add(10 * 24 * time.Hour)
	if _, err := a.ChangeReviewSettings(ctx, &r.sec, r.call.Slug, app.ReviewSettingsChange{SetDeadline: true, Deadline: &r.deadline}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReviewReminders: the reminder goes once per reviewer and call, a
// given time before the review deadline, to the reviewers who have
// reviews still to submit, listing those cases only, by id and title as
// the reviewer may see them; running again, from a restarted process or a
// second one, sends nothing more.
func TestReviewReminders(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReminderCall(t, db)
		lead := app.DefaultReviewReminder
		// A second process over the same database, with its own clock.
		other := app.New(db, r.a.Cat, app.Options{Now: r.clk.Now, BaseURL: "http://dx.test", Log: slog.New(slog.DiscardHandler)})
		steps := []struct {
			name string
			at   time.Time
			run  *app.App
			lead time.Duration
			want int
		}{
			{"a week before", r.deadline.Add(-7 * 24 * time.Hour), r.a, lead, 0},
			{"just before the window", r.deadline.Add(-lead - time.Minute), r.a, lead, 0},
			{"reminders off", r.deadline.Add(-time.Hour), r.a, 0, 0},
			{"the window opens", r.deadline.Add(-lead + time.Minute), r.a, lead, 2},
			{"again", r.deadline.Add(-lead + 2*time.Minute), r.a, lead, 0},
			{"another process", r.deadline.Add(-lead + 3*time.Minute), other, lead, 0},
			{"on the last day", r.deadline.Add(-time.Hour), other, lead, 0},
			{"after the deadline", r.deadline.Add(time.Hour), r.a, lead, 0},
		}
		for _, s := range steps {
			r.clk.Set(s.at)
			n, err := s.run.SendReviewReminders(ctx, s.lead)
			if err != nil || n != s.want {
				t.Fatalf("%s: SendReviewReminders = %d, %v; want %d", s.name, n, err, s.want)
			}
		}
		for _, tc := range []struct {
			who      store.User
			want     []string // case ids listed
			lacks    []string
			phrases  []string
			language string
		}{
			{r.ruth, r.cases[1:], []string{r.cases[0], "Lake Weavers", "Bob Bakeries"},
				[]string{"Reminder: your reviews for “Global call” are due soon", "The review period of the call “Global call” ends on"}, "en"},
			{r.denis, r.cases, []string{"Lake Weavers", "Bob Bakeries", "weavers.example"},
				[]string{"Rappel : vos évaluations pour « Global call » sont attendues prochainement",
					"La période d'évaluation de l'appel « Global call » prend fin le", "Évaluations restant à soumettre"}, "fr"},
			{r.tal, nil, nil, nil, "en"},
		} {
			ms := mails(t, db, tc.who.Email, "review-reminder:")
			if tc.want == nil {
				if len(ms) != 0 {
					t.Errorf("%s submitted everything but got %d reminders", tc.who.Email, len(ms))
				}
				continue
			}
			if len(ms) != 1 {
				t.Fatalf("%s got %d reminders, want 1", tc.who.Email, len(ms))
			}
			m := ms[0]
			for _, id := range tc.want {
				if !strings.Contains(m.Text, id) || !strings.Contains(m.HTML, id) {
					t.Errorf("the reminder to %s does not list %s:\n%s", tc.who.Email, id, m.Text)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(m.Text+m.Subject+m.HTML, s) {
					t.Errorf("the reminder to %s contains %q", tc.who.Email, s)
				}
			}
			for _, s := range tc.phrases {
				if !strings.Contains(m.Subject+"\n"+m.Text, s) {
					t.Errorf("the reminder to %s lacks %q:\n%s\n%s", tc.who.Email, s, m.Subject, m.Text)
				}
			}
			L := r.a.Cat.Localizer(tc.language)
			zurich, _ := time.LoadLocation("Europe/Zurich")
			if due := L.FormatDateTime(r.deadline, zurich) + " (" + L.ZoneName(zurich) + ")"; !strings.Contains(m.Text, due) {
				t.Errorf("the reminder to %s does not give the deadline %q:\n%s", tc.who.Email, due, m.Text)
			}
			if !strings.Contains(m.Text, "http://dx.test/"+tc.language+"/review") {
				t.Errorf("the reminder to %s has no link to the reviewer's page in its language:\n%s", tc.who.Email, m.Text)
			}
		}
		// The blind title: the organisation's name is redacted, the rest kept.
		if ms := mails(t, db, r.denis.Email, "review-reminder:"); !strings.Contains(ms[0].Text, "[…] sells its cloth online") {
			t.Errorf("the blind title is not in the reminder:\n%s", ms[0].Text)
		}
		rem, err := db.ReviewReminders(ctx, r.call.ID)
		if err != nil || len(rem) != 2 || !slices.ContainsFunc(rem, func(x store.ReviewReminder) bool { return x.ReviewerID == r.denis.ID }) ||
			!rem[0].Deadline.Equal(r.deadline) {
			t.Errorf("recorded reminders %+v, %v", rem, err)
		}
	})
}

// TestReviewRemindersNotDue: no reminder outside a call under review, and
// none for a reviewer who submits everything before the window opens.
func TestReviewRemindersNotDue(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := newReminderCall(t, db)
		a := r.a
		// Ruth finishes before the window opens.
		as, err := a.MyAssignments(ctx, &r.ruth)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range as {
			if x.State == "submitted" {
				continue
			}
			if _, err := a.SaveReview(ctx, &r.ruth, x.ID, app.ReviewInput{Scores: scores(3), Recommendation: "weak_accept", Confidence: 1, CommentToApplicant: "Sound."}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.SubmitReview(ctx, &r.ruth, x.ID); err != nil {
				t.Fatal(err)
			}
		}
		// The decisions are taken early: the call leaves its review phase.
		if err := db.SetCallPhase(ctx, r.call.ID, domain.PhaseDecided, r.clk.Now()); err != nil {
			t.Fatal(err)
		}
		r.clk.Set(r.deadline.Add(-time.Hour))
		if n, err := a.SendReviewReminders(ctx, app.DefaultReviewReminder); err != nil || n != 0 {
			t.Errorf("a decided call: %d reminders, %v", n, err)
		}
		if err := db.SetCallPhase(ctx, r.call.ID, domain.PhaseReviewing, r.clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := a.SendReviewReminders(ctx, app.DefaultReviewReminder); err != nil || n != 1 {
			t.Errorf("back under review: %d reminders, %v; want 1 (Denis)", n, err)
		}
		if ms := mails(t, db, r.ruth.Email, "review-reminder:"); len(ms) != 0 {
			t.Errorf("Ruth submitted everything but got %d reminders", len(ms))
		}
	})
}

// TestRunReviewReminders: the job sends at once, reads the app's clock on
// each run, and stops with its context.
func TestRunReviewReminders(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		r := newReminderCall(t, db)
		r.a.Log = slog.New(slog.DiscardHandler)
		r.clk.Set(r.deadline.Add(-time.Hour))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.a.RunReviewReminders(ctx, 10*time.Millisecond, app.DefaultReviewReminder); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for len(mails(t, db, r.denis.Email, "review-reminder:")) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the job sent no reminder")
			}
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("the job did not stop with its context")
		}
		if ms := mails(t, db, r.denis.Email, "review-reminder:"); len(ms) != 1 {
			t.Errorf("%d reminders to Denis, want 1", len(ms))
		}
	})
}

// TestReviewDeadlineSettings: the deadline is set, kept by changes of
// other settings, refused before the call closes, and removed.
func TestReviewDeadlineSettings(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a := f.a
		due := closes.Add(14*24*time.Hour + 30*time.Second + 5*time.Millisecond)
		early := closes.Add(-time.Hour)
		always := "always"
		yes := true
		tests := []struct {
			name  string
			actor store.User
			ch    app.ReviewSettingsChange
			kind  app.Kind
			want  app.ReviewSettings
		}{
			{"set", f.sec, app.ReviewSettingsChange{SetDeadline: true, Deadline: &due}, 0,
				app.ReviewSettings{Visibility: "after_own", Deadline: ptr(due.Truncate(time.Second))}},
			{"other settings keep it", f.sec, app.ReviewSettingsChange{Visibility: &always, RevealReviewers: &yes}, 0,
				app.ReviewSettings{Visibility: "always", RevealReviewers: true, Deadline: ptr(due.Truncate(time.Second))}},
			{"before the call closes", f.sec, app.ReviewSettingsChange{SetDeadline: true, Deadline: &early}, app.KindInvalid,
				app.ReviewSettings{Visibility: "always", RevealReviewers: true, Deadline: ptr(due.Truncate(time.Second))}},
			{"an applicant", f.alice, app.ReviewSettingsChange{SetDeadline: true}, app.KindForbidden,
				app.ReviewSettings{Visibility: "always", RevealReviewers: true, Deadline: ptr(due.Truncate(time.Second))}},
			{"removed", f.sec, app.ReviewSettingsChange{SetDeadline: true}, 0,
				app.ReviewSettings{Visibility: "always", RevealReviewers: true}},
		}
		for _, tc := range tests {
			_, err := a.ChangeReviewSettings(ctx, &tc.actor, f.call.Slug, tc.ch)
			if kind(err) != tc.kind || (tc.kind == 0 && err != nil) {
				t.Fatalf("%s: %v, want kind %d", tc.name, err, tc.kind)
			}
			if tc.kind == app.KindInvalid {
				if e := app.AsError(err); len(e.Fields) != 1 || e.Fields[0].Field != "review_deadline" || e.Fields[0].Key != "review.err.deadline_before_close" {
					t.Errorf("%s: %+v", tc.name, e.Fields)
				}
			}
			got, err := a.ReviewSettings(ctx, &f.sec, f.call.Slug)
			if err != nil || got.Visibility != tc.want.Visibility || got.RevealReviewers != tc.want.RevealReviewers ||
				(got.Deadline == nil) != (tc.want.Deadline == nil) || (got.Deadline != nil && !got.Deadline.Equal(*tc.want.Deadline)) {
				t.Errorf("%s: settings %+v, %v; want %+v", tc.name, got, err, tc.want)
			}
		}
	})
}

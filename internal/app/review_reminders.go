package app

import (
	"context"
	"slices"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// DefaultReviewReminder is how long before a call's review deadline its
// reviewers are reminded of the reviews they have still to submit.
const DefaultReviewReminder = 72 * time.Hour

// SendReviewReminders reminds the reviewers of every call under review
// whose review deadline is at most lead away and not yet past: each
// reviewer with reviews still to submit in the call gets one message, in
// their language, listing those cases by id and title as they may see
// them (redacted in blind review). Each reviewer is reminded at most once
// per call: the reminder is recorded in the transaction that queues the
// message, so running again, after a restart or in several processes at
// once, sends nothing twice. A lead of zero or less sends nothing. It
// returns how many messages it queued.
func (a *App) SendReviewReminders(ctx context.Context, lead time.Duration) (int, error) {
	if lead <= 0 {
		return 0, nil
	}
	now := a.now()
	due, err := a.DB.ReviewDeadlinesBetween(ctx, now, now.Add(lead))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range due {
		n, err := a.remindCall(ctx, d.CallID, lead)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	if sent > 0 {
		a.Notify()
	}
	return sent, nil
}

// RunReviewReminders runs SendReviewReminders at once and then every
// interval, reading the app's clock each time, until ctx is done. A
// failed run is logged and tried again at the next interval.
func (a *App) RunReviewReminders(ctx context.Context, every, lead time.Duration) {
	if lead <= 0 || every <= 0 {
		return
	}
	for {
		n, err := a.SendReviewReminders(ctx, lead)
		switch {
		case err != nil && ctx.Err() == nil:
			a.Log.Warn("review reminders", "err", err)
		case n > 0:
			a.Log.Info("review reminders queued", "messages", n)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// remindCall reminds the reviewers of one call who have reviews still to
// submit and were not reminded yet.
func (a *App) remindCall(ctx context.Context, callID int64, lead time.Duration) (int, error) {
	call, err := a.DB.CallByID(ctx, callID)
	if err != nil {
		return 0, err
	}
	if a.Phase(call) != domain.PhaseReviewing {
		return 0, nil
	}
	as, err := a.DB.ListAssignments(ctx, store.AssignmentFilter{CallID: call.ID})
	if err != nil {
		return 0, err
	}
	done, err := a.DB.ReviewReminders(ctx, call.ID)
	if err != nil {
		return 0, err
	}
	reminded := map[int64]bool{}
	for _, r := range done {
		reminded[r.ReviewerID] = true
	}
	var reviewers []int64
	for _, x := range as {
		if x.ReviewState != domain.ReviewSubmitted && !reminded[x.ReviewerID] && !slices.Contains(reviewers, x.ReviewerID) {
			reviewers = append(reviewers, x.ReviewerID)
		}
	}
	slices.Sort(reviewers)
	sent := 0
	for _, r := range reviewers {
		ok, err := a.remindReviewer(ctx, call.ID, r, lead)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// remindReviewer records and queues, in one transaction, the reminder of
// one reviewer of a call, if it is still due: the call is under review,
// its deadline within lead, the reviewer has reviews still to submit and
// was not reminded before. It reports whether it queued a message.
func (a *App) remindReviewer(ctx context.Context, callID, reviewerID int64, lead time.Duration) (bool, error) {
	var sent bool
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		sent = false
		now := a.now()
		call, err := tx.CallByID(ctx, callID)
		if err != nil {
			return err
		}
		set, err := tx.CallReviewSettings(ctx, callID)
		if err != nil {
			return err
		}
		if a.Phase(call) != domain.PhaseReviewing || set.Deadline == nil ||
			!set.Deadline.After(now) || set.Deadline.After(now.Add(lead)) {
			return nil
		}
		as, err := tx.ListAssignments(ctx, store.AssignmentFilter{CallID: callID, ReviewerID: reviewerID})
		if err != nil {
			return err
		}
		as = slices.DeleteFunc(as, func(x store.Assignment) bool { return x.ReviewState == domain.ReviewSubmitted })
		if len(as) == 0 {
			return nil
		}
		fresh, err := tx.AddReviewReminder(ctx, store.ReviewReminder{CallID: callID, ReviewerID: reviewerID,
			Deadline: *set.Deadline, SentAt: now})
		if err != nil || !fresh {
			return err
		}
		u, err := tx.UserByID(ctx, reviewerID)
		if err != nil {
			return err
		}
		cases := make([]mail.AssignedCase, 0, len(as))
		for _, x := range as {
			rc, err := a.reviewerCase(ctx, tx, call, x.CaseID)
			if err != nil {
				return err
			}
			cases = append(cases, mail.AssignedCase{CaseID: x.CaseID, Title: reviewerTitle(call, x.CaseID, rc.doc, rc.owner)})
		}
		lang := langOf(u)
		loc, err := time.LoadLocation(call.Timezone)
		if err != nil {
			loc = time.UTC
		}
		L := a.Cat.Localizer(lang)
		msg := a.Mail.ReviewReminder(lang, u.Email, u.Name, mail.ReviewReminderData{
			CallID: callID, ReviewerID: reviewerID, Call: localText(call.Title, lang),
			Deadline: L.Aside(L.FormatDateTime(*set.Deadline, loc), L.ZoneName(loc)),
			Cases:    cases, Link: a.link(lang, "/review"),
		})
		if err := a.enqueue(ctx, tx, msg); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

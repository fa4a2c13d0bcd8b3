package mail

import "fmt"

// ReviewReminderData lists, for one reviewer of a call, the reviews not
// yet submitted a few days before the review deadline.
type ReviewReminderData struct {
	CallID     int64 // with ReviewerID, makes the message's key: one reminder per reviewer and call
	ReviewerID int64
	Call       string // the call's title in the recipient's language
	Deadline   string // the review deadline, formatted for the reader
	// Cases are the case ids and titles as the reviewer may see them
	// (redacted in blind review).
	Cases []AssignedCase
	Link  string
}

// ReviewReminder reminds a reviewer, in one message, of every review
// they have still to submit before the call's review deadline.
func (c *Composer) ReviewReminder(lang, to, name string, d ReviewReminderData) Message {
	link := c.abs(d.Link)
	fields := make([]Field, 0, len(d.Cases))
	for _, x := range d.Cases {
		fields = append(fields, Field{Label: x.CaseID, Value: x.Title})
	}
	return c.compose(lang, to, name, fmt.Sprintf("review-reminder:%d:%d", d.CallID, d.ReviewerID), letter{
		subject:     "mail.reminder.subject",
		body:        "mail.reminder.body",
		data:        map[string]any{"Call": userText(d.Call), "Deadline": d.Deadline, "Link": linkText(link)},
		link:        link,
		copyHeading: "mail.reminder.heading",
		fields:      fields,
	})
}

package mail

import (
	"fmt"
	"strings"

	"github.com/dxatlas/dxatlas/internal/i18n"
)

// ScreeningData describes the outcome of screening a case, for its
// applicant.
type ScreeningData struct {
	ScreeningID int64 // one message per screening
	CaseID      string
	Title       string
	Call        string // the call's title in the recipient's language
	Outcome     string // eligible, ineligible or returned
	Note        string // the secretariat's reason or what to fix
	ReturnBy    string // returned: the resubmission date, formatted for the reader
	Link        string
}

// Screening tells an applicant the outcome of screening: eligible,
// ineligible with the reason, or returned with what to fix and by when.
func (c *Composer) Screening(lang, to, name string, d ScreeningData) Message {
	link := c.abs(d.Link)
	loc := c.loc(lang)
	var fields []Field
	if strings.TrimSpace(d.Note) != "" {
		fields = []Field{{Label: oneLine(loc.T("mail.screening.note_label." + d.Outcome)), Value: d.Note}}
	}
	return c.compose(lang, to, name, fmt.Sprintf("screening:%s:%d:%s", d.CaseID, d.ScreeningID, digest(to)), letter{
		subject: "mail.screening." + d.Outcome + ".subject",
		body:    "mail.screening." + d.Outcome + ".body",
		data: map[string]any{
			"CaseID": userText(d.CaseID), "Title": userText(d.Title), "Call": userText(d.Call),
			"ReturnBy": d.ReturnBy, "Link": linkText(link),
		},
		link:        link,
		copyHeading: "mail.screening.note_heading",
		fields:      fields,
	})
}

// InvitationData describes an invitation to a call's review panel.
type InvitationData struct {
	Call    string // the call's title in the recipient's language
	Link    string // one-time link to accept or decline
	Expires string // when the link expires, formatted for the reader
}

// Invitation asks someone to join a call's panel of reviewers.
func (c *Composer) Invitation(lang, to, name string, d InvitationData) Message {
	link := c.abs(d.Link)
	return c.compose(lang, to, name, "invite:"+digest(to, link), letter{
		subject: "mail.invite.subject",
		body:    "mail.invite.body",
		data:    map[string]any{"Call": userText(d.Call), "Link": linkText(link), "Expires": d.Expires},
		link:    link,
	})
}

// AssignedCase is one case in an assignment message.
type AssignedCase struct {
	CaseID string
	Title  string // as the reviewer may see it (redacted in blind review)
}

// AssignmentData lists the changes of one assignment run for one reviewer.
type AssignmentData struct {
	Run     string // identifies the run, so that each run mails once
	Call    string
	Added   []AssignedCase
	Removed []AssignedCase
	Link    string
}

// Assignments tells a reviewer, in one message, every case a run assigned
// to them and every case it took away.
func (c *Composer) Assignments(lang, to, name string, d AssignmentData) Message {
	link := c.abs(d.Link)
	// Each id is isolated on its own and joined with the reader's list
	// separator, so that the separator belongs to the sentence: an Arabic
	// comma between Latin ids stays in the right-to-left text around them.
	ids := make([]string, len(d.Removed))
	for i, r := range d.Removed {
		ids[i] = userText(r.CaseID)
	}
	removed := strings.Join(ids, i18n.ListSep(c.loc(lang).Lang()))
	data := map[string]any{"Call": userText(d.Call), "Link": linkText(link), "Removed": removed}
	var body string
	switch {
	case len(d.Added) > 0 && len(d.Removed) > 0:
		body = "mail.assign.body_removed"
	case len(d.Added) > 0:
		body = "mail.assign.body"
	default:
		body = "mail.assign.changed"
	}
	var fields []Field
	for _, a := range d.Added {
		fields = append(fields, Field{Label: a.CaseID, Value: a.Title})
	}
	return c.compose(lang, to, name, "assign:"+d.Run+":"+digest(to), letter{
		subject:     "mail.assign.subject",
		body:        body,
		data:        data,
		link:        link,
		copyHeading: "mail.assign.heading",
		fields:      fields,
	})
}

// DecisionCase is one case in a decision message.
type DecisionCase struct {
	CaseID   string
	Title    string
	Decision string // accepted or rejected
	// Comments are the reviewers' comments to the applicant, in a stable
	// order and without names.
	Comments []string
}

// DecisionData is the released decisions on one applicant's cases.
type DecisionData struct {
	Call  string
	Cases []DecisionCase
	Link  string
}

// Decisions tells an applicant, in one message, the decision on each of
// their cases in a call with the reviewers' comments to them.
func (c *Composer) Decisions(lang, to, name string, d DecisionData) Message {
	link := c.abs(d.Link)
	loc := c.loc(lang)
	ids := make([]string, 0, len(d.Cases))
	var fields []Field
	for _, dc := range d.Cases {
		ids = append(ids, dc.CaseID)
		fields = append(fields, Field{
			Label: oneLine(dc.CaseID + " — " + dc.Title),
			Value: loc.T("mail.decision." + dc.Decision),
		})
		for i, cm := range dc.Comments {
			fields = append(fields, Field{
				Label: oneLine(loc.T("mail.decision.comment_label", map[string]any{"N": i + 1, "CaseID": dc.CaseID})),
				Value: cm,
			})
		}
	}
	return c.compose(lang, to, name, "decision:"+digest(to, ids...), letter{
		subject:     "mail.decision.subject",
		body:        "mail.decision.body",
		data:        map[string]any{"Call": userText(d.Call), "Link": linkText(link)},
		link:        link,
		copyHeading: "mail.decision.heading",
		fields:      fields,
	})
}

// Published tells an applicant that their case is now public.
func (c *Composer) Published(lang, to, name, caseID, title, call, link string) Message {
	link = c.abs(link)
	return c.compose(lang, to, name, fmt.Sprintf("published:%s:%s", caseID, digest(to)), letter{
		subject: "mail.published.subject",
		body:    "mail.published.body",
		data: map[string]any{
			"CaseID": userText(caseID), "Title": userText(title), "Call": userText(call), "Link": linkText(link),
		},
		link: link,
	})
}

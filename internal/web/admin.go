package web

import (
	"net/http"
	"strconv"
	"time"
)

// mailRow is one outbox message.
type mailRow struct {
	ID                   int64
	To, Subject, Href    string
	Created, Sent, Error string
	Attempts             int
}

// adminMailPage lists the outbox, newest first.
type adminMailPage struct {
	basePage
	Messages []mailRow
}

// adminMailShowPage shows one message's text.
type adminMailShowPage struct {
	basePage
	Msg  mailRow
	Text string
}

// adminUsersPage lists the accounts.
type adminUsersPage struct {
	basePage
	Users []userRow
}

type userRow struct {
	Email, Name, Role, Org, Created string
	Verified                        bool
}

// outboxLimit bounds the outbox list.
const outboxLimit = 200

func (h *Handler) adminMail(w http.ResponseWriter, r *http.Request, rq *request) error {
	msgs, err := h.app.Outbox(r.Context(), rq.user, outboxLimit)
	if err != nil {
		return err
	}
	p := adminMailPage{basePage: h.base(r, rq, rq.T("admin.mail.title"))}
	for _, m := range msgs {
		row := mailRow{ID: m.ID, To: m.To, Subject: m.Subject, Attempts: m.Attempts, Error: m.LastError,
			Created: rq.L.FormatDateTime(m.CreatedAt, time.UTC), Href: h.path(rq, "/admin/mail/"+strconv.FormatInt(m.ID, 10))}
		if m.SentAt != nil {
			row.Sent = rq.L.FormatDateTime(*m.SentAt, time.UTC)
		}
		p.Messages = append(p.Messages, row)
	}
	h.render(w, r, rq, http.StatusOK, "admin_mail", &p)
	return nil
}

func (h *Handler) adminMailShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errPageNotFound
	}
	m, err := h.app.OutboxMessage(r.Context(), rq.user, id)
	if err != nil {
		return err
	}
	p := adminMailShowPage{basePage: h.base(r, rq, m.Subject), Text: m.Text,
		Msg: mailRow{ID: m.ID, To: m.To, Subject: m.Subject, Attempts: m.Attempts, Error: m.LastError,
			Created: rq.L.FormatDateTime(m.CreatedAt, time.UTC)}}
	if m.SentAt != nil {
		p.Msg.Sent = rq.L.FormatDateTime(*m.SentAt, time.UTC)
	}
	h.render(w, r, rq, http.StatusOK, "admin_mail_show", &p)
	return nil
}

func (h *Handler) adminUsers(w http.ResponseWriter, r *http.Request, rq *request) error {
	users, err := h.app.Users(r.Context(), rq.user)
	if err != nil {
		return err
	}
	p := adminUsersPage{basePage: h.base(r, rq, rq.T("admin.users.title"))}
	for _, u := range users {
		p.Users = append(p.Users, userRow{Email: u.Email, Name: u.Name, Role: rq.T("role." + u.Role), Org: u.OrgName,
			Verified: u.VerifiedAt != nil, Created: rq.L.FormatDate(u.CreatedAt, time.UTC)})
	}
	h.render(w, r, rq, http.StatusOK, "admin_users", &p)
	return nil
}

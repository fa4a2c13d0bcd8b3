package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// enqueue writes a rendered message to the outbox inside tx, so the mail is
// sent if and only if the change it reports is committed.
func (a *App) enqueue(ctx context.Context, tx *store.DB, m mail.Message) error {
	return tx.EnqueueMail(ctx, &store.OutboxMessage{
		Key: m.Key, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		CreatedAt: a.now(), NextAttemptAt: a.now(),
	})
}

// link is an absolute URL for path in the reader's language.
func (a *App) link(lang, path string) string {
	if lang == "" {
		lang = "en"
	}
	return strings.TrimRight(a.BaseURL, "/") + "/" + lang + path
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

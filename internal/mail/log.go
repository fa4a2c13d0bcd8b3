package mail

import (
	"context"
	"log/slog"
)

// LogTransport "sends" a message by writing it to a logger. The demo uses
// it so that it needs no mail server; the outbox rows still keep every
// message for the admin to read.
type LogTransport struct {
	Log *slog.Logger // nil = slog.Default()
}

// Send logs m and never fails.
func (t LogTransport) Send(ctx context.Context, m Message) error {
	log := t.Log
	if log == nil {
		log = slog.Default()
	}
	// The whole text is logged: without a mail server, the log is where a
	// person trying the demo finds their verification link.
	log.InfoContext(ctx, "mail", "to", m.To, "subject", m.Subject, "key", m.Key, "text", m.Text)
	return nil
}

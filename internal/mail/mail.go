// Package mail is dxatlas's outgoing mail.
//
// A change that must be reported by e-mail (an account to verify, a case
// submitted…) renders its message with the Composer and writes it to the
// outbox table in the same database transaction as the change itself. The
// Worker then delivers outbox messages through a Transport (SMTP in
// production, the log in the demo), retrying temporary failures with
// exponential back-off and never holding a message that another worker
// holds, so a crash between commit and delivery loses nothing and a message
// is not sent twice.
package mail

import (
	"context"
	"errors"
)

// Message is one rendered e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body
	HTML    string // HTML alternative; empty = text only
	// Key identifies the message: the outbox enqueues a key once, and the
	// SMTP transport derives the Message-ID from it, so a receiving server
	// can recognise a repeated delivery of the same message.
	Key string
}

// Transport delivers one message.
type Transport interface {
	Send(ctx context.Context, m Message) error
}

// permanentError marks a failure that retrying cannot cure.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying will not cure (the
// receiving server refused the message or the recipient, the address is
// malformed…). Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked
// permanent. Every other failure (4xx replies, refused or broken
// connections, timeouts) is temporary and worth retrying.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

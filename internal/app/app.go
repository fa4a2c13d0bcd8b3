// Package app holds dxatlas's operations: register, sign in, create a call,
// save a draft, submit a case… The web pages and the JSON API are two thin
// skins over these methods, and every permission check lives here, so the
// two skins can never disagree.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// App is the set of operations over one database.
type App struct {
	DB      *store.DB
	Cat     *i18n.Catalog
	Mail    *mail.Composer
	Log     *slog.Logger
	BaseURL string // e.g. http://localhost:8080, for links in mail
	// Now is the one clock every deadline check reads. Tests move it.
	Now func() time.Time
	// Notify wakes the mail worker after a message was enqueued.
	Notify func()
	// Groups is the country-group table (LDC, LLDC, SIDS) in force.
	Groups domain.GroupTable
	// OnPublish, if set, runs inside the transaction that publishes or
	// unpublishes a case, after its state changed (read it from tx), so
	// that derived data such as the library's search index changes with
	// the case or not at all. An error rolls the change back. New sets it
	// to IndexCase; a replacement should call IndexCase too.
	OnPublish func(ctx context.Context, tx *store.DB, caseID string) error
	// Library is this node's search index of the published cases (see
	// LibraryIndex).
	Library *search.Index
	library libraryState
}

// Options configures New.
type Options struct {
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
	Notify  func()
	Groups  *domain.GroupTable
}

// New returns an App over db with the catalogue cat.
func New(db *store.DB, cat *i18n.Catalog, o Options) *App {
	a := &App{DB: db, Cat: cat, BaseURL: o.BaseURL, Now: o.Now, Log: o.Log, Notify: o.Notify}
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.Log == nil {
		a.Log = slog.Default()
	}
	if a.Notify == nil {
		a.Notify = func() {}
	}
	if o.Groups != nil {
		a.Groups = *o.Groups
	} else {
		a.Groups = domain.DefaultGroups()
	}
	a.Library = search.New(search.Options{Groups: a.Groups, Now: a.Now})
	a.OnPublish = a.IndexCase
	a.Mail = mail.NewComposer(func(lang string) mail.Localizer { return cat.Localizer(lang) }, o.BaseURL)
	return a
}

func (a *App) now() time.Time { return a.Now().UTC() }

// Kind classifies an operation's failure; each skin maps it to a status.
type Kind int

const (
	KindInvalid         Kind = iota + 1 // 422: the content breaks a rule
	KindBadRequest                      // 400: malformed input
	KindUnauthenticated                 // 401: no or unknown credentials
	KindForbidden                       // 403: signed in, not allowed
	KindNotFound                        // 404: absent, or present but not yours to see
	KindConflict                        // 409: wrong state, deadline passed
	KindTooLarge                        // 413
	KindThrottled                       // 429
	KindGone                            // 410: published once, taken out of the library
)

// Error is an operation's failure, with a message key for the catalogue
// and, for invalid content, the errors per field.
type Error struct {
	Kind   Kind
	Key    string         // message-catalogue key, e.g. "error.deadline_passed"
	Args   map[string]any // template data for Key
	Fields domain.Errors  // per-field errors (KindInvalid)
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %v", e.Key, e.Fields)
	}
	return e.Key
}

func fail(k Kind, key string) *Error { return &Error{Kind: k, Key: key} }

func invalid(fields domain.Errors) *Error {
	return &Error{Kind: KindInvalid, Key: "error.invalid", Args: map[string]any{"Count": len(fields)}, Fields: fields}
}

func field(path, key string, args map[string]any) domain.FieldError {
	return domain.FieldError{Field: path, Key: key, Args: args}
}

var (
	errNotFound    = fail(KindNotFound, "error.not_found")
	errForbidden   = fail(KindForbidden, "error.forbidden")
	errUnauth      = fail(KindUnauthenticated, "error.unauthenticated")
	errDeadline    = fail(KindConflict, "error.deadline_passed")
	errWrongState  = fail(KindConflict, "error.wrong_state")
	errNotVerified = fail(KindForbidden, "error.not_verified")
)

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e := AsError(err)
	return e != nil && e.Kind == k
}

// Actor is who asks for an operation: nil for an anonymous visitor.
type Actor = *store.User

func isStaff(u Actor) bool {
	return u != nil && (u.Role == store.RoleAdmin || u.Role == store.RoleSecretariat)
}

func (a *App) audit(ctx context.Context, tx *store.DB, actor Actor, entity, id, action, from, to, reason string) error {
	e := store.AuditEntry{At: a.now(), Entity: entity, EntityID: id, Action: action, From: from, To: to, Reason: reason}
	if actor != nil {
		uid := actor.ID
		e.ActorID = &uid
	}
	return tx.AddAudit(ctx, e)
}

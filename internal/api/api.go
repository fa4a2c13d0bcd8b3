// Package api is dxatlas's JSON API under /api/v1, described by the
// OpenAPI 3.1 document served at /api/openapi.json.
//
// The API is a thin skin over package app: every operation and every
// permission check lives there, and this package only turns requests into
// calls and results (or *app.Error kinds) into JSON and status codes.
// Clients authenticate with "Authorization: Bearer TOKEN" only; there are
// no cookies, so there is nothing for a cross-site request to ride on.
// Errors are RFC 9457 problem documents in the language of
// Accept-Language.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// server holds what every handler needs.
type server struct {
	app *app.App
	log *slog.Logger
}

// reqCtx is what the adapter works out once per request: the reader's
// language and who is asking (nil actor = anonymous).
type reqCtx struct {
	L     *i18n.L
	lang  string
	token string // the bearer token presented, if any
	actor app.Actor
}

// handlerFunc is an API handler: it writes a successful answer or returns
// the error that the adapter turns into a problem document.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error

// New returns the handler of every path under /api/.
func New(a *app.App) http.Handler {
	s := &server{app: a, log: a.Log}
	return s.routes().finish()
}

// adapt turns a handlerFunc into an http.Handler: it negotiates the
// language, resolves the bearer token and answers errors with problems.
func (s *server) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Match("", "", r.Header.Get("Accept-Language"))
		rc := &reqCtx{L: s.app.Cat.Localizer(lang), lang: lang}
		hdr := w.Header()
		hdr.Set("Content-Language", lang)
		hdr.Set("Vary", "Accept-Language, Authorization")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Cache-Control", "no-store")
		err := s.authenticate(r.Context(), r, rc)
		if err == nil {
			err = call(h, w, r, rc)
		}
		if err != nil {
			s.writeError(w, r, rc, err)
		}
	})
}

// call runs h and turns a panic into an error, so that a fault is
// answered like any other failure: a problem document in the reader's
// language, the panic and its stack in the log.
func call(h handlerFunc, w http.ResponseWriter, r *http.Request, rc *reqCtx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // a deliberate cut: the server's to handle
				panic(v)
			}
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return h(w, r, rc)
}

// authenticate resolves an "Authorization: Bearer" header. No header means
// an anonymous request; a header that is not a valid bearer token is
// refused whatever the endpoint, so a client never mistakes a broken token
// for anonymous access.
func (s *server) authenticate(ctx context.Context, r *http.Request, rc *reqCtx) error {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		rc.token = h
		return &app.Error{Kind: app.KindUnauthenticated, Key: "api.err.bearer_only"}
	}
	rc.token = token
	u, err := s.app.TokenUser(ctx, token)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &app.Error{Kind: app.KindUnauthenticated, Key: "api.err.bad_token"}
		}
		if ae := app.AsError(err); ae != nil && ae.Kind == app.KindUnauthenticated {
			return &app.Error{Kind: app.KindUnauthenticated, Key: "api.err.bad_token"}
		}
		return err
	}
	rc.actor = &u
	return nil
}

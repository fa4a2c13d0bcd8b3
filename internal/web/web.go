// Package web is dxatlas's server-rendered HTML interface: every page under
// /{lang}/… in the six UN languages, working without JavaScript.
//
// Handlers are thin: every operation and permission check is a method of
// app.App. A handler returns an error, and one adapter (page) turns it into
// the right localized status page or a redirect to sign in.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Options configures the web interface.
type Options struct {
	// Secure marks cookies Secure (the site is served over TLS); a request
	// that arrived over TLS gets Secure cookies anyway.
	Secure bool
	// DevAssets reads templates and static files from internal/web on disk
	// at every request, when that directory exists, and turns off caching,
	// so that edits show on reload.
	DevAssets bool
	// TrustProxy takes the client address for sign-in throttling from the
	// last X-Forwarded-For entry (set it only behind a reverse proxy).
	TrustProxy bool
}

// Handler serves the web interface.
type Handler struct {
	app    *app.App
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	tmpl   *templateSet
	assets *assetSet
	cop    *http.CrossOriginProtection
	gzips  sync.Pool // *gzip.Writer, reused across responses
	lib    *libraryWeb
	// searches bounds the library searches rendered at once (pages not
	// in the page cache): beyond a few per core they only wait for a core
	// while holding scratch memory sized to the library.
	searches chan struct{}
}

// pageGzipLevel is how hard rendered pages are compressed. Compressing is
// a large part of an uncached page's cost; klauspost/compress at this
// level is several times faster than compress/gzip's default and its
// pages are nearly as small (docs/library-benchmarks.md).
const pageGzipLevel = gzip.BestSpeed

// Body limits: forms are small; uploads carry one file of at most
// app.MaxAttachmentSize plus the multipart envelope.
const (
	formLimit   = 1 << 20
	uploadLimit = app.MaxAttachmentSize + 1<<20
)

// New builds the handler: it parses every template and compresses the
// static files once, so that a defect in either fails at start-up.
func New(a *app.App, opts Options) (*Handler, error) {
	h := &Handler{app: a, opts: opts, log: a.Log, cop: http.NewCrossOriginProtection(),
		searches: make(chan struct{}, 2*runtime.GOMAXPROCS(0))}
	h.gzips.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, pageGzipLevel)
		return zw
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	var err error
	if h.assets, err = loadAssets(opts.DevAssets); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if h.tmpl, err = loadTemplates(opts.DevAssets); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	h.lib = newLibraryWeb(h)
	h.mux = http.NewServeMux()
	h.routes(h.mux)
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

// request is what every page handler knows about the request beyond
// *http.Request: the reader's language and who is signed in.
type request struct {
	lang  string
	L     *i18n.L
	user  *store.User // nil = anonymous
	sess  store.Session
	stale bool   // a session cookie came with the request but is no longer valid
	csrf  string // the token this request's forms carry
}

// handler is a page handler: it writes a response or returns an error for
// the adapter to turn into one.
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// isLang reports whether code is one of the six interface languages.
func isLang(code string) bool {
	for _, l := range i18n.Langs {
		if l == code {
			return true
		}
	}
	return false
}

// page adapts a handler: it resolves the language and the session, limits
// the request body, and renders returned errors.
func (h *Handler) page(fn handler) http.HandlerFunc { return h.adapt(fn, formLimit) }

// upload is page with the larger body limit of a file upload.
func (h *Handler) upload(fn handler) http.HandlerFunc { return h.adapt(fn, uploadLimit) }

func (h *Handler) adapt(fn handler, limit int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := r.PathValue("lang")
		if !isLang(lang) {
			// Not a language prefix: an unprefixed path.
			h.redirectToLang(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		rq := &request{lang: lang, L: h.app.Cat.Localizer(lang)}
		if err := h.resolveSession(w, r, rq); err != nil {
			h.fail(w, r, rq, err)
			return
		}
		if err := fn(w, r, rq); err != nil {
			h.fail(w, r, rq, err)
		}
	}
}

// resolveSession finds who is signed in, and the CSRF token of the
// request's forms (an anonymous visitor's is made by anonForms only for
// pages with forms, so that public pages set no cookie and stay
// cacheable).
func (h *Handler) resolveSession(w http.ResponseWriter, r *http.Request, rq *request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		u, s, err := h.app.SessionUser(r.Context(), c.Value)
		switch {
		case err == nil:
			rq.user, rq.sess, rq.csrf = &u, s, s.CSRF
		case app.IsKind(err, app.KindUnauthenticated):
			rq.stale = true
		default:
			return err
		}
	}
	return nil
}

// statusError is a failure of the web layer itself, with a message key.
type statusError struct {
	code int
	key  string
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.code, e.key) }

var (
	errPageNotFound = &statusError{http.StatusNotFound, "error.not_found"}
	errCSRF         = &statusError{http.StatusForbidden, "error.csrf"}
	errBadEncoding  = &statusError{http.StatusBadRequest, "error.form_encoding"}
	errBadForm      = &statusError{http.StatusBadRequest, "error.bad_request"}
)

// kindStatus maps an operation's failure to an HTTP status.
var kindStatus = map[app.Kind]int{
	app.KindInvalid:         http.StatusUnprocessableEntity,
	app.KindBadRequest:      http.StatusBadRequest,
	app.KindUnauthenticated: http.StatusUnauthorized,
	app.KindForbidden:       http.StatusForbidden,
	app.KindNotFound:        http.StatusNotFound,
	app.KindConflict:        http.StatusConflict,
	app.KindTooLarge:        http.StatusRequestEntityTooLarge,
	app.KindThrottled:       http.StatusTooManyRequests,
	app.KindGone:            http.StatusGone,
}

// fail renders err: a status page in the reader's language, or, for a
// visitor who must sign in, the way to the sign-in page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	var (
		se     *statusError
		mbe    *http.MaxBytesError
		status = http.StatusInternalServerError
		msg    = rq.T("error.internal")
	)
	switch ae := app.AsError(err); {
	case ae != nil && ae.Kind == app.KindUnauthenticated:
		h.signInFirst(w, r, rq)
		return
	case ae != nil:
		status = kindStatus[ae.Kind]
		if status == 0 {
			status = http.StatusBadRequest
		}
		msg = rq.T(ae.Key, ae.Args)
		if ae.Kind == app.KindInvalid && len(ae.Fields) > 0 {
			msg = rq.T(ae.Fields[0].Key, ae.Fields[0].Args)
		}
	case errors.As(err, &mbe):
		status, msg = http.StatusRequestEntityTooLarge, rq.T("error.body_too_large")
	case errors.As(err, &se):
		status, msg = se.code, rq.T(se.key)
	case r.Context().Err() != nil && errors.Is(err, context.Canceled):
		// The reader went away (closed the tab or the connection):
		// nobody reads the answer, and it is no failure of the server,
		// as the API treats it.
		return
	default:
		h.log.ErrorContext(r.Context(), "web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.errorPage(w, r, rq, status, msg)
}

// errorPage renders a status page.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) {
	p := errorPageData{basePage: h.base(r, rq, rq.T(errorTitle(status))), Status: status, Message: msg}
	h.render(w, r, rq, status, "error", &p)
}

// errorTitle is the heading of a status page.
func errorTitle(code int) string {
	switch code {
	case http.StatusNotFound:
		return "error.title.not_found"
	case http.StatusForbidden:
		return "error.title.forbidden"
	case http.StatusInternalServerError:
		return "error.title.internal"
	}
	return "error.title.generic"
}

// signInFirst sends an anonymous visitor to the sign-in page. A GET is
// redirected there with the page as next; a form post (the session expired
// while the form was open) gets the sign-in page at once, carrying what was
// typed, so that signing in leads to one click that sends it again.
func (h *Handler) signInFirst(w http.ResponseWriter, r *http.Request, rq *request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		next := r.URL.Path
		if r.URL.RawQuery != "" {
			next += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, h.path(rq, "/account/signin")+"?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	var pending []hiddenField
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/") {
		if err := r.ParseForm(); err == nil {
			pending = pendingFields(r.PostForm)
		}
	}
	notice := rq.T("error.unauthenticated")
	if rq.stale {
		notice = rq.T("error.session_expired")
	}
	h.renderSignIn(w, r, rq, http.StatusUnauthorized, "", r.URL.Path, pending, "", notice)
}

// path is an absolute path in the reader's language.
func (h *Handler) path(rq *request, p string) string { return "/" + rq.lang + p }

// redirect answers a form post with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// render executes page name with data into a buffer, so that a template
// failure yields a clean 500 instead of half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, rq *request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.tmpl.execute(&buf, name, rq, data); err != nil {
		h.log.ErrorContext(r.Context(), "web: render", "page", name, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Language", rq.lang)
	public := rq.user == nil && !rq.stale && status == http.StatusOK &&
		(r.Method == http.MethodGet || r.Method == http.MethodHead) && len(hd.Values("Set-Cookie")) == 0
	if !public {
		hd.Set("Cache-Control", "no-store")
	} else {
		// A public page is the same for every anonymous reader of a
		// language: caches may keep it, and revalidate it by its tag.
		sum := sha256.Sum256(buf.Bytes())
		etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
		hd.Set("Cache-Control", "no-cache")
		hd.Add("Vary", "Cookie")
		hd.Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
			hd.Add("Vary", "Accept-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	hd.Add("Vary", "Accept-Encoding")
	body := buf.Bytes()
	// Pages are compressed for slow connections; small ones are not worth it.
	if len(body) > 1024 && acceptsGzip(r) {
		var zbuf bytes.Buffer
		zw := h.gzips.Get().(*gzip.Writer)
		zw.Reset(&zbuf)
		zw.Write(body)
		if err := zw.Close(); err == nil {
			hd.Set("Content-Encoding", "gzip")
			body = zbuf.Bytes()
		}
		h.gzips.Put(zw)
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

package web

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Cookies. The session cookie holds a random token whose hash is the
// session id; the CSRF cookie is the double-submit token of anonymous
// forms; the language cookie remembers the reader's choice.
const (
	sessionCookie = "dxatlas_session"
	csrfCookie    = "dxatlas_csrf"
	langCookie    = "dxatlas_lang"
)

// secure reports whether cookies must be marked Secure.
func (h *Handler) secure(r *http.Request) bool { return h.opts.Secure || r.TLS != nil }

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secure(r)}
	switch {
	case maxAge > 0:
		c.MaxAge = int(maxAge.Seconds())
	case maxAge < 0:
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// tokenShape accepts what app.NewToken makes (43 base64url characters),
// so that a cookie cannot carry anything else into a page.
func tokenShape(s string) bool {
	if len(s) < 32 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// anonToken returns the double-submit CSRF token of an anonymous visitor,
// setting the cookie when the request has none.
func (h *Handler) anonToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && tokenShape(c.Value) {
		return c.Value
	}
	tok, _ := app.NewToken()
	h.setCookie(w, r, csrfCookie, tok, 0)
	return tok
}

// anonForms gives an anonymous visitor's forms their token, setting the
// double-submit cookie if needed.
func (h *Handler) anonForms(w http.ResponseWriter, r *http.Request, rq *request) {
	if rq.user == nil && rq.csrf == "" {
		rq.csrf = h.anonToken(w, r)
	}
}

// csrfOK checks a state-changing request: it must come from this site
// (Sec-Fetch-Site or Origin), and carry the session's token, or for an
// anonymous visitor the token of the CSRF cookie, in the form field csrf
// or the X-CSRF-Token header. Tokens are compared in constant time.
func (h *Handler) csrfOK(r *http.Request, rq *request, form url.Values) bool {
	if h.cop.Check(r) != nil {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = form.Get("csrf")
	}
	var want string
	if rq.user != nil {
		want = rq.sess.CSRF
	} else if c, err := r.Cookie(csrfCookie); err == nil && tokenShape(c.Value) {
		want = c.Value
	}
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// clientAddr is the address sign-in throttling counts failures against.
func (h *Handler) clientAddr(r *http.Request) string {
	if h.opts.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// startSession signs u in on this browser.
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, u store.User) (store.Session, error) {
	tok, s, err := h.app.NewSession(r.Context(), u)
	if err != nil {
		return store.Session{}, err
	}
	h.setCookie(w, r, sessionCookie, tok, app.SessionLifetime)
	return s, nil
}

// readForm parses a form post. Text that is not valid UTF-8 cannot be
// shown back or stored faithfully, so it is refused with a clear message.
func readForm(r *http.Request) (url.Values, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, errBadForm
	}
	if bad := invalidUTF8(r.PostForm); len(bad) > 0 {
		return r.PostForm, errBadEncoding
	}
	return r.PostForm, nil
}

// invalidUTF8 returns the names of fields whose name or value is not
// valid UTF-8.
func invalidUTF8(v url.Values) []string {
	var bad []string
	for k, vs := range v {
		ok := utf8.ValidString(k)
		for _, s := range vs {
			ok = ok && utf8.ValidString(s)
		}
		if !ok {
			bad = append(bad, strings.ToValidUTF8(k, "\uFFFD"))
		}
	}
	return bad
}

// pendingFields keeps what a form carried (but never its token or a
// password) so that a page can send it again.
func pendingFields(v url.Values) []hiddenField {
	var out []hiddenField
	for _, k := range sortedKeys(v) {
		if k == "csrf" || strings.Contains(k, "password") {
			continue
		}
		for _, s := range v[k] {
			out = append(out, hiddenField{Name: strings.ToValidUTF8(k, "\uFFFD"), Value: strings.ToValidUTF8(s, "\uFFFD")})
		}
	}
	return out
}

// hiddenField is a name and value carried in a form.
type hiddenField struct{ Name, Value string }

// localPath reports whether p is a path on this site that a redirect may
// safely go to (no scheme, no host, no backslash tricks).
func localPath(p string) bool {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == ""
}

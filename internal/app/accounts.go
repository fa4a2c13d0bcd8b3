package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Account rules.
const (
	MinPasswordLen  = 10
	MaxPasswordLen  = 256
	SessionLifetime = 14 * 24 * time.Hour
	verifyLifetime  = 72 * time.Hour
	resetLifetime   = 2 * time.Hour
	// Sign-in throttling: failures allowed per window, per account and per
	// address. An address is allowed more, since many people can share one.
	throttleWindow     = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresAddress = 30
)

// argon2id parameters: RFC 9106's second recommended option, scaled to keep
// a sign-in under ~50 ms on a small server.
var argonParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// NewToken returns a random URL-safe token and its SHA-256 hex hash; only
// the hash is stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the stored form of a session, API or e-mail token.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// HashPassword hashes a password with argon2id.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, argonParams) }

// Registration is what a person types to create an account.
type Registration struct {
	Email      string
	Name       string
	Password   string
	Password2  string // confirmation; empty in the API
	Lang       string
	OrgName    string
	OrgType    string
	OrgCountry string
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkEmail(s string) bool {
	if len(s) > 254 || !strings.Contains(s, "@") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func checkPassword(pw, pw2 string, confirm bool, errs *domain.Errors) {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		*errs = append(*errs, field("password", "account.err.password_short", map[string]any{"Min": MinPasswordLen}))
	case len(pw) > MaxPasswordLen:
		*errs = append(*errs, field("password", "err.too_long_chars", map[string]any{"Max": MaxPasswordLen, "Count": len(pw)}))
	}
	if confirm && pw != pw2 {
		*errs = append(*errs, field("password2", "account.err.password_mismatch", nil))
	}
}

func checkProfile(name, orgName, orgType, orgCountry string, errs *domain.Errors) {
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n < 1 {
		*errs = append(*errs, field("name", "err.required", nil))
	} else if n > 200 {
		*errs = append(*errs, field("name", "err.too_long_chars", map[string]any{"Max": 200, "Count": n}))
	}
	if n := utf8.RuneCountInString(orgName); n > 200 {
		*errs = append(*errs, field("org_name", "err.too_long_chars", map[string]any{"Max": 200, "Count": n}))
	}
	if orgType != "" && !slices.Contains(domain.OrgTypes, orgType) {
		*errs = append(*errs, field("org_type", "err.unknown_code", nil))
	}
	if orgCountry != "" {
		if _, ok := domain.CountryByCode(orgCountry); !ok {
			*errs = append(*errs, field("org_country", "err.unknown_code", nil))
		}
	}
}

// Register creates an unverified applicant account and mails a
// verification link, in one transaction.
func (a *App) Register(ctx context.Context, r Registration) (store.User, error) {
	r.Email = normEmail(r.Email)
	r.OrgCountry = strings.ToUpper(strings.TrimSpace(r.OrgCountry))
	var errs domain.Errors
	if r.Email == "" {
		errs = append(errs, field("email", "err.required", nil))
	} else if !checkEmail(r.Email) {
		errs = append(errs, field("email", "account.err.email_invalid", nil))
	}
	checkPassword(r.Password, r.Password2, r.Password2 != "" || r.Lang != "", &errs)
	checkProfile(r.Name, r.OrgName, r.OrgType, r.OrgCountry, &errs)
	if len(errs) > 0 {
		return store.User{}, invalid(errs)
	}
	hash, err := HashPassword(r.Password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Email: r.Email, Name: strings.TrimSpace(r.Name), Role: store.RoleApplicant, PasswordHash: hash,
		Language: r.Lang, OrgName: strings.TrimSpace(r.OrgName), OrgType: r.OrgType, OrgCountry: r.OrgCountry, CreatedAt: a.now()}
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid(domain.Errors{field("email", "account.err.email_taken", nil)})
			}
			return err
		}
		if err := a.audit(ctx, tx, &u, "user", itoa(u.ID), "register", "", u.Role, ""); err != nil {
			return err
		}
		return a.sendVerification(ctx, tx, u)
	})
	if err != nil {
		return store.User{}, err
	}
	a.Notify()
	return u, nil
}

func (a *App) sendVerification(ctx context.Context, tx *store.DB, u store.User) error {
	tok, hash := NewToken()
	if err := tx.CreateEmailToken(ctx, store.EmailToken{Hash: hash, Purpose: "verify", UserID: u.ID, ExpiresAt: a.now().Add(verifyLifetime)}); err != nil {
		return err
	}
	m := a.Mail.Verify(u.Language, u.Email, u.Name, a.link(u.Language, "/account/verify?token="+tok))
	return a.enqueue(ctx, tx, m)
}

// ResendVerification mails a new verification link if the account exists
// and is unverified. It says nothing either way, so it cannot be used to
// find out who has an account.
func (a *App) ResendVerification(ctx context.Context, email string) error {
	u, err := a.DB.UserByEmail(ctx, normEmail(email))
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.VerifiedAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	err = a.DB.Transact(ctx, func(tx *store.DB) error { return a.sendVerification(ctx, tx, u) })
	a.Notify()
	return err
}

// VerifyEmail marks the account of a verification token verified.
func (a *App) VerifyEmail(ctx context.Context, token string) (store.User, error) {
	var u store.User
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		id, err := tx.UseEmailToken(ctx, "verify", HashToken(token), a.now())
		if errors.Is(err, store.ErrNotFound) {
			return fail(KindBadRequest, "account.err.link_invalid")
		}
		if err != nil {
			return err
		}
		if u, err = tx.UserByID(ctx, id); err != nil {
			return err
		}
		if u.VerifiedAt == nil {
			now := a.now()
			u.VerifiedAt = &now
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
			return a.audit(ctx, tx, &u, "user", itoa(u.ID), "verify", "", "", "")
		}
		return nil
	})
	return u, err
}

// Authenticate checks an e-mail and password, throttled per account and
// per client address. The same error answers an unknown e-mail and a wrong
// password.
func (a *App) Authenticate(ctx context.Context, email, password, addr string) (store.User, error) {
	email = normEmail(email)
	now := a.now()
	since := now.Add(-throttleWindow)
	accKey, addrKey := "account:"+email, "addr:"+addr
	for _, k := range []struct {
		key string
		max int
	}{{accKey, maxFailuresAccount}, {addrKey, maxFailuresAddress}} {
		n, err := a.DB.CountLoginFailures(ctx, k.key, since)
		if err != nil {
			return store.User{}, err
		}
		if n >= k.max {
			return store.User{}, &Error{Kind: KindThrottled, Key: "account.err.throttled", Args: map[string]any{"Count": int(throttleWindow.Minutes()), "Minutes": int(throttleWindow.Minutes())}}
		}
	}
	u, err := a.DB.UserByEmail(ctx, email)
	ok := false
	if err == nil && u.PasswordHash != "" {
		ok, _ = argon2id.ComparePasswordAndHash(password, u.PasswordHash)
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, err
	} else {
		// Spend the same time as a real comparison, so timing does not
		// reveal which e-mail addresses have accounts.
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
	}
	if !ok {
		for _, k := range []string{accKey, addrKey} {
			if err := a.DB.RecordLoginFailure(ctx, k, now); err != nil {
				return store.User{}, err
			}
		}
		return store.User{}, fail(KindUnauthenticated, "account.err.bad_credentials")
	}
	if u.VerifiedAt == nil {
		return store.User{}, errNotVerified
	}
	if err := a.DB.ClearLoginFailures(ctx, accKey); err != nil {
		return store.User{}, err
	}
	return u, nil
}

var dummyHash, _ = argon2id.CreateHash("dxatlas-timing-equaliser", argonParams)

// NewSession starts a session for u and returns the cookie value.
func (a *App) NewSession(ctx context.Context, u store.User) (cookie string, s store.Session, err error) {
	tok, hash := NewToken()
	csrf, _ := NewToken()
	now := a.now()
	s = store.Session{ID: hash, UserID: u.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := a.DB.CreateSession(ctx, s); err != nil {
		return "", store.Session{}, err
	}
	return tok, s, nil
}

// SessionUser resolves a session cookie. A stale or unknown session is
// KindUnauthenticated.
func (a *App) SessionUser(ctx context.Context, cookie string) (store.User, store.Session, error) {
	if cookie == "" {
		return store.User{}, store.Session{}, errUnauth
	}
	s, err := a.DB.SessionByID(ctx, HashToken(cookie), a.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, store.Session{}, errUnauth
	}
	if err != nil {
		return store.User{}, store.Session{}, err
	}
	u, err := a.DB.UserByID(ctx, s.UserID)
	if err != nil {
		return store.User{}, store.Session{}, err
	}
	return u, s, nil
}

// EndSession signs a browser out.
func (a *App) EndSession(ctx context.Context, cookie string) error {
	return a.DB.DeleteSession(ctx, HashToken(cookie))
}

// IssueToken creates an API token for u and returns it; only its hash is kept.
func (a *App) IssueToken(ctx context.Context, u store.User, name string) (string, error) {
	tok, _ := NewToken()
	tok = "dxa_" + tok // a recognisable prefix, so leaked tokens can be found by scanners
	hash := HashToken(tok)
	if name == "" {
		name = "token"
	}
	t := store.APIToken{UserID: u.ID, Name: name, Hash: hash, CreatedAt: a.now()}
	if err := a.DB.CreateAPIToken(ctx, &t); err != nil {
		return "", err
	}
	return tok, nil
}

// TokenUser resolves a bearer token.
func (a *App) TokenUser(ctx context.Context, token string) (store.User, error) {
	if token == "" {
		return store.User{}, errUnauth
	}
	t, err := a.DB.APITokenByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errUnauth
	}
	if err != nil {
		return store.User{}, err
	}
	return a.DB.UserByID(ctx, t.UserID)
}

// RequestPasswordReset mails a reset link if the account exists; it answers
// the same either way.
func (a *App) RequestPasswordReset(ctx context.Context, email string) error {
	u, err := a.DB.UserByEmail(ctx, normEmail(email))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	tok, hash := NewToken()
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		if err := tx.CreateEmailToken(ctx, store.EmailToken{Hash: hash, Purpose: "reset", UserID: u.ID, ExpiresAt: a.now().Add(resetLifetime)}); err != nil {
			return err
		}
		return a.enqueue(ctx, tx, a.Mail.Reset(u.Language, u.Email, u.Name, a.link(u.Language, "/account/reset?token="+tok)))
	})
	a.Notify()
	return err
}

// ResetPassword sets a new password from a reset link and signs every other
// session out. A reset also proves the address, so it verifies the account.
func (a *App) ResetPassword(ctx context.Context, token, pw, pw2 string) (store.User, error) {
	var errs domain.Errors
	checkPassword(pw, pw2, true, &errs)
	if len(errs) > 0 {
		return store.User{}, invalid(errs)
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return store.User{}, err
	}
	var u store.User
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		id, err := tx.UseEmailToken(ctx, "reset", HashToken(token), a.now())
		if errors.Is(err, store.ErrNotFound) {
			return fail(KindBadRequest, "account.err.link_invalid")
		}
		if err != nil {
			return err
		}
		if u, err = tx.UserByID(ctx, id); err != nil {
			return err
		}
		u.PasswordHash = hash
		if u.VerifiedAt == nil {
			now := a.now()
			u.VerifiedAt = &now
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, "account:"+u.Email); err != nil {
			return err
		}
		return a.audit(ctx, tx, &u, "user", itoa(u.ID), "password_reset", "", "", "")
	})
	return u, err
}

// Profile is the part of an account its owner edits.
type Profile struct {
	Name       string
	Lang       string
	OrgName    string
	OrgType    string
	OrgCountry string
}

// UpdateProfile changes the actor's own name, language and organisation.
func (a *App) UpdateProfile(ctx context.Context, actor Actor, p Profile) (store.User, error) {
	if actor == nil {
		return store.User{}, errUnauth
	}
	p.OrgCountry = strings.ToUpper(strings.TrimSpace(p.OrgCountry))
	var errs domain.Errors
	checkProfile(p.Name, p.OrgName, p.OrgType, p.OrgCountry, &errs)
	if len(errs) > 0 {
		return store.User{}, invalid(errs)
	}
	u := *actor
	u.Name, u.Language = strings.TrimSpace(p.Name), p.Lang
	u.OrgName, u.OrgType, u.OrgCountry = strings.TrimSpace(p.OrgName), p.OrgType, p.OrgCountry
	return u, a.DB.UpdateUser(ctx, u)
}

// AddUser creates a verified account with a role (operators and admins).
func (a *App) AddUser(ctx context.Context, actor Actor, email, name, role, password string) (store.User, error) {
	if actor != nil && actor.Role != store.RoleAdmin {
		return store.User{}, errForbidden
	}
	email = normEmail(email)
	var errs domain.Errors
	if !checkEmail(email) {
		errs = append(errs, field("email", "account.err.email_invalid", nil))
	}
	switch role {
	case store.RoleAdmin, store.RoleSecretariat, store.RoleReviewer, store.RoleApplicant:
	default:
		errs = append(errs, field("role", "err.unknown_code", nil))
	}
	checkPassword(password, password, false, &errs)
	checkProfile(name, "", "", "", &errs)
	if len(errs) > 0 {
		return store.User{}, invalid(errs)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return store.User{}, err
	}
	now := a.now()
	u := store.User{Email: email, Name: strings.TrimSpace(name), Role: role, PasswordHash: hash, VerifiedAt: &now, CreatedAt: now}
	err = a.DB.Transact(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return invalid(domain.Errors{field("email", "account.err.email_taken", nil)})
			}
			return err
		}
		return a.audit(ctx, tx, actor, "user", itoa(u.ID), "create", "", role, "")
	})
	return u, err
}

package api

import (
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"` // a label for the token; optional
}

const maxTokenName = 100

// createToken signs in with an e-mail and password and issues an API token.
// Sign-in is throttled per account and per client address by the app.
func (s *server) createToken(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in tokenRequest
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	var errs domain.Errors
	if strings.TrimSpace(in.Email) == "" {
		errs = append(errs, domain.FieldError{Field: "email", Key: domain.ErrRequired})
	}
	if in.Password == "" {
		errs = append(errs, domain.FieldError{Field: "password", Key: domain.ErrRequired})
	}
	if n := utf8.RuneCountInString(in.Name); n > maxTokenName {
		errs = append(errs, domain.FieldError{Field: "name", Key: domain.ErrTooLongChars, Args: map[string]any{"Max": maxTokenName, "Count": n}})
	}
	if len(errs) > 0 {
		return &app.Error{Kind: app.KindInvalid, Key: "error.invalid", Args: map[string]any{"Count": len(errs)}, Fields: errs}
	}
	u, err := s.app.Authenticate(r.Context(), in.Email, in.Password, clientAddr(r))
	if err != nil {
		return err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "api"
	}
	tok, err := s.app.IssueToken(r.Context(), u, name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenJSON{Token: tok})
}

type tokenJSON struct {
	Token string `json:"token"`
}

// clientAddr is the address sign-in failures are counted against. The API
// is reached directly or through the server's own proxy handling, which
// sets RemoteAddr.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// accountJSON is the caller's own account.
type accountJSON struct {
	ID           int64            `json:"id"`
	Email        string           `json:"email"`
	Name         string           `json:"name"`
	Role         string           `json:"role"`
	Language     string           `json:"language,omitempty"`
	Organisation organisationJSON `json:"organisation"`
	VerifiedAt   *time.Time       `json:"verified_at,omitempty"`
	CreatedAt    time.Time        `json:"created_at"`
}

type organisationJSON struct {
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	Country string `json:"country,omitempty"`
}

func account(u store.User) accountJSON {
	return accountJSON{
		ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language,
		Organisation: organisationJSON{Name: u.OrgName, Type: u.OrgType, Country: u.OrgCountry},
		VerifiedAt:   utcPtr(u.VerifiedAt), CreatedAt: u.CreatedAt.UTC(),
	}
}

// me answers who the token belongs to.
func (s *server) me(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.actor == nil {
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	}
	return writeJSON(w, http.StatusOK, account(*rc.actor))
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

package store

import (
	"encoding/json"
	"errors"
	"time"
)

// Sentinel errors. Callers test with errors.Is.
var (
	// ErrNotFound: no row matched. Never (nil, nil).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a unique constraint was violated (duplicate e-mail, slug…).
	ErrConflict = errors.New("conflict")
)

// Roles.
const (
	RoleAdmin       = "admin"
	RoleSecretariat = "secretariat"
	RoleReviewer    = "reviewer"
	RoleApplicant   = "applicant"
)

// User is an account.
type User struct {
	ID           int64
	Email        string // stored lower-cased, unique
	Name         string
	Role         string
	PasswordHash string // argon2id encoded hash; empty = no password set
	VerifiedAt   *time.Time
	Language     string // preferred UI and mail language
	OrgName      string
	OrgType      string
	OrgCountry   string
	CreatedAt    time.Time
}

// Session is a signed-in browser. ID is the SHA-256 (hex) of the cookie value.
type Session struct {
	ID        string
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a bearer token. Hash is the SHA-256 (hex) of the token.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	Hash      string
	CreatedAt time.Time
}

// EmailToken is a one-time link token (verification or password reset).
type EmailToken struct {
	Hash      string // SHA-256 hex of the token in the link
	Purpose   string // "verify" or "reset"
	UserID    int64
	ExpiresAt time.Time
}

// LocalText is a text per language code ("en" → "…").
type LocalText map[string]string

// EligibilityItem is one item of a call's eligibility checklist.
type EligibilityItem struct {
	Code string    `json:"code"`
	Text LocalText `json:"text"`
}

// Call is a call for cases.
type Call struct {
	ID               int64
	Slug             string
	Title            LocalText
	Description      LocalText
	Eligibility      []EligibilityItem
	OpensAt          time.Time // UTC
	ClosesAt         time.Time // UTC
	Timezone         string    // IANA name
	Blind            bool
	ReviewersPerCase int
	Rubric           json.RawMessage // nil = default rubric
	// Phase is the stored phase for phases not driven by time
	// (reviewing, decided, published); empty while time drives it.
	Phase     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Case is a stored case: the author's document plus system fields.
type Case struct {
	ID          string // public id, e.g. DX-2026-0042
	CallID      int64
	OwnerID     int64
	State       string
	Doc         json.RawMessage // current working copy (domain.Case as JSON)
	Version     int             // number of submitted versions (0 = never submitted)
	SubmittedAt *time.Time      // last submission
	PublishedAt *time.Time
	// ExtendedUntil is an individual deadline extension (nil = none).
	ExtendedUntil *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Title, Language and OrgName are copied from Doc for lists.
	Title    string
	Language string
	OrgName  string
}

// CaseVersion is an immutable submitted version.
type CaseVersion struct {
	CaseID      string
	Version     int
	Doc         json.RawMessage
	SubmittedAt time.Time
	SubmittedBy int64
}

// Tag is one facet value of a case (facet "country" value "KE", facet
// "region" value "002", facet "wsis" value "C7", facet "technology" …).
// Tags are derived from the document and rewritten on every save.
type Tag struct {
	Facet string
	Value string
}

// CaseFilter selects cases for lists and exports. Empty fields do not
// filter. Values within one slice are ORed; different fields are ANDed.
type CaseFilter struct {
	CallID  int64
	OwnerID int64 // 0 = any owner
	States  []string
	// Tags maps a facet to accepted values, e.g. {"country": {"KE","UG"}}.
	Tags    map[string][]string
	Page    int // 1-based; 0 = 1
	PerPage int // 0 = all
}

// Attachment is a file attached to a case. The bytes live in the
// attachment_blobs table keyed by SHA256.
type Attachment struct {
	ID          int64
	CaseID      string
	Name        string // sanitised file name, unique per case
	ContentType string // sniffed
	Size        int64
	SHA256      string // hex
	CreatedAt   time.Time
}

// OutboxMessage is a rendered e-mail waiting to be sent (or sent).
type OutboxMessage struct {
	ID            int64
	Key           string // idempotency key, unique: the same key is never enqueued twice
	To            string
	Subject       string
	Text          string
	HTML          string
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	SentAt        *time.Time
	LastError     string
	// Failed is set when sending failed permanently; the message is no
	// longer claimed.
	Failed bool
}

// AuditEntry is one recorded transition.
type AuditEntry struct {
	ID       int64
	At       time.Time
	ActorID  *int64 // nil = system
	Entity   string // "case", "call", "user", …
	EntityID string
	Action   string // "submit", "withdraw", "create", …
	From     string
	To       string
	Reason   string
}

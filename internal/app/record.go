package app

import (
	"encoding/json"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// CaseRecord is a case as the API shows it and as a draft file holds it:
// the system fields and, at the top level, every field of the author's
// document (its working copy, which may be incomplete or invalid until it
// is submitted).
type CaseRecord struct {
	ID          string     `json:"id"`
	Call        string     `json:"call"`
	State       string     `json:"state"`
	Version     int        `json:"version"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Deadline is when the case stops taking edits: the call's closing
	// time or the case's individual extension.
	Deadline time.Time `json:"deadline"`
	// Editable says whether its owner may still change and submit it.
	Editable bool `json:"editable"`
	// Missing lists the required sections still empty (domain.Missing).
	Missing []string `json:"missing"`
	domain.Case
}

// Record lays a case out as its record, times in UTC.
func Record(v CaseView) CaseRecord {
	missing := domain.Missing(&v.Doc)
	if missing == nil {
		missing = []string{}
	}
	return CaseRecord{
		ID: v.ID, Call: v.Call.Slug, State: v.State, Version: v.Version,
		SubmittedAt: utc(v.SubmittedAt), PublishedAt: utc(v.PublishedAt),
		CreatedAt: v.CreatedAt.UTC(), UpdatedAt: v.UpdatedAt.UTC(), Deadline: v.Deadline.UTC(),
		Editable: v.Locked == "", Missing: missing, Case: v.Doc,
	}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CaseBody is a case record read back (an API request's body, an
// uploaded draft file), complete or not. The read-only fields of a record
// are accepted and ignored, so that a record can be changed and sent back
// as it is; decoded with unknown fields disallowed, any other field is
// refused. ID is kept raw for the caller to check.
type CaseBody struct {
	domain.Case
	ID          json.RawMessage `json:"id"`
	Call        json.RawMessage `json:"call"`
	State       json.RawMessage `json:"state"`
	Version     json.RawMessage `json:"version"`
	SubmittedAt json.RawMessage `json:"submitted_at"`
	PublishedAt json.RawMessage `json:"published_at"`
	CreatedAt   json.RawMessage `json:"created_at"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	Deadline    json.RawMessage `json:"deadline"`
	Editable    json.RawMessage `json:"editable"`
	Missing     json.RawMessage `json:"missing"`
}

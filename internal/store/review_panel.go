package store

import (
	"context"
	"fmt"
	"time"
)

// ReviewerExpertise is what a reviewer declares they know, as codes of the
// controlled vocabularies.
type ReviewerExpertise struct {
	WSIS         []string `json:"wsis"`
	Technologies []string `json:"technologies"`
	Sectors      []string `json:"sectors"`
	Regions      []string `json:"regions"`
}

// PanelMember is a reviewer invited to a call: an invitation until it is
// accepted (UserID set) or declined.
type PanelMember struct {
	ID       int64
	CallID   int64
	Email    string // stored lower-cased; unique per call
	Name     string
	UserID   *int64 // the account, once the invitation is accepted
	State    string // invited, accepted, declined
	Language string // of the invitation mail
	// Expertise, Languages, MaxLoad and the conflicts are the reviewer's
	// declarations for this call.
	Expertise     ReviewerExpertise
	Languages     []string
	MaxLoad       int
	ConflictOrgs  []string
	ConflictCases []string
	// InviteHash is the SHA-256 (hex) of the invitation link's token; empty
	// once the invitation is answered.
	InviteHash      string
	InviteExpiresAt *time.Time
	Suggestion      string // someone else, suggested on declining (free text, before reasons were asked)
	// DeclineReason, SuggestedName and SuggestedEmail are what a reviewer
	// gave on declining: why, and someone else to invite instead.
	DeclineReason  string
	SuggestedName  string
	SuggestedEmail string
	InvitedBy      *int64
	InvitedAt      time.Time
	RespondedAt    *time.Time
}

const panelCols = `id, call_id, email, name, user_id, state, language, expertise, languages, max_load,
	conflict_orgs, conflict_cases, invite_hash, invite_expires_at, suggestion, invited_by, invited_at, responded_at,
	decline_reason, suggested_name, suggested_email`

func scanPanelMember(s rowScanner) (PanelMember, error) {
	var m PanelMember
	var hash *string
	err := s.Scan(&m.ID, &m.CallID, &m.Email, &m.Name, &m.UserID, &m.State, &m.Language, unmarshalCol{&m.Expertise},
		unmarshalCol{&m.Languages}, &m.MaxLoad, unmarshalCol{&m.ConflictOrgs}, unmarshalCol{&m.ConflictCases},
		&hash, nullTimeCol{&m.InviteExpiresAt}, &m.Suggestion, &m.InvitedBy, timeCol{&m.InvitedAt}, nullTimeCol{&m.RespondedAt},
		&m.DeclineReason, &m.SuggestedName, &m.SuggestedEmail)
	if hash != nil {
		m.InviteHash = *hash
	}
	return m, err
}

// panelArgs returns the arguments of the mutable columns, in the order
// email, name, user_id, state, language, expertise, languages, max_load,
// conflict_orgs, conflict_cases, invite_hash, invite_expires_at,
// suggestion, invited_by, invited_at, responded_at, decline_reason,
// suggested_name, suggested_email.
func (db *DB) panelArgs(m *PanelMember) ([]any, error) {
	orEmpty := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	exp := m.Expertise
	exp.WSIS, exp.Technologies, exp.Sectors, exp.Regions = orEmpty(exp.WSIS), orEmpty(exp.Technologies), orEmpty(exp.Sectors), orEmpty(exp.Regions)
	var jsons [4]any
	for i, v := range []any{exp, orEmpty(m.Languages), orEmpty(m.ConflictOrgs), orEmpty(m.ConflictCases)} {
		a, err := marshalArg(v)
		if err != nil {
			return nil, err
		}
		jsons[i] = a
	}
	var hash any
	if m.InviteHash != "" {
		hash = m.InviteHash
	}
	return []any{normEmail(m.Email), m.Name, m.UserID, m.State, m.Language, jsons[0], jsons[1], m.MaxLoad,
		jsons[2], jsons[3], hash, db.tsPtr(m.InviteExpiresAt), m.Suggestion, m.InvitedBy, db.ts(m.InvitedAt),
		db.tsPtr(m.RespondedAt), m.DeclineReason, m.SuggestedName, normEmail(m.SuggestedEmail)}, nil
}

// CreatePanelMember inserts m, setting m.ID, and m.InvitedAt if it is zero.
// An e-mail address already invited to the call is ErrConflict.
func (db *DB) CreatePanelMember(ctx context.Context, m *PanelMember) error {
	what := fmt.Sprintf("invite %q to call %d", m.Email, m.CallID)
	m.Email = normEmail(m.Email)
	m.InvitedAt = orNow(m.InvitedAt)
	args, err := db.panelArgs(m)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err = db.writeRow(ctx, `
		INSERT INTO panel_members (call_id, email, name, user_id, state, language, expertise, languages, max_load,
			conflict_orgs, conflict_cases, invite_hash, invite_expires_at, suggestion, invited_by, invited_at, responded_at,
			decline_reason, suggested_name, suggested_email)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		append([]any{m.CallID}, args...)...).Scan(&m.ID)
	if err != nil {
		return wrapErr(err, what)
	}
	return nil
}

// UpdatePanelMember writes every field of m but ID and CallID.
func (db *DB) UpdatePanelMember(ctx context.Context, m PanelMember) error {
	what := fmt.Sprintf("update panel member %d", m.ID)
	args, err := db.panelArgs(&m)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	res, err := db.exec(ctx, `
		UPDATE panel_members SET email = ?, name = ?, user_id = ?, state = ?, language = ?, expertise = ?, languages = ?,
			max_load = ?, conflict_orgs = ?, conflict_cases = ?, invite_hash = ?, invite_expires_at = ?, suggestion = ?,
			invited_by = ?, invited_at = ?, responded_at = ?, decline_reason = ?, suggested_name = ?, suggested_email = ?
		WHERE id = ?`, append(args, m.ID)...)
	return checkOne(res, err, what)
}

func (db *DB) panelMember(ctx context.Context, what, where string, args ...any) (PanelMember, error) {
	q := `SELECT ` + panelCols + ` FROM panel_members WHERE ` + where
	if db.tx != nil && db.dialect == DialectPostgres {
		q += ` FOR UPDATE`
	}
	m, err := scanPanelMember(db.queryRow(ctx, q, args...))
	if err != nil {
		return PanelMember{}, wrapErr(err, what)
	}
	return m, nil
}

// PanelMemberByID returns a panel member; inside a transaction on
// PostgreSQL the row stays locked until the end.
func (db *DB) PanelMemberByID(ctx context.Context, id int64) (PanelMember, error) {
	return db.panelMember(ctx, fmt.Sprintf("panel member %d", id), `id = ?`, id)
}

// PanelMemberByInvite returns the member whose open invitation has that
// token hash.
func (db *DB) PanelMemberByInvite(ctx context.Context, hash string) (PanelMember, error) {
	return db.panelMember(ctx, "invitation", `invite_hash = ?`, hash)
}

// PanelMemberByEmail returns the member of a call with that e-mail address.
func (db *DB) PanelMemberByEmail(ctx context.Context, callID int64, email string) (PanelMember, error) {
	return db.panelMember(ctx, fmt.Sprintf("panel member %q of call %d", email, callID), `call_id = ? AND email = ?`, callID, normEmail(email))
}

// PanelMemberByUser returns the member of a call linked to an account.
func (db *DB) PanelMemberByUser(ctx context.Context, callID, userID int64) (PanelMember, error) {
	return db.panelMember(ctx, fmt.Sprintf("user %d on the panel of call %d", userID, callID), `call_id = ? AND user_id = ?`, callID, userID)
}

// ListPanel returns a call's panel members, by id.
func (db *DB) ListPanel(ctx context.Context, callID int64) ([]PanelMember, error) {
	rows, err := db.query(ctx, `SELECT `+panelCols+` FROM panel_members WHERE call_id = ? ORDER BY id`, callID)
	if err != nil {
		return nil, fmt.Errorf("panel of call %d: %w", callID, err)
	}
	return collect(rows, scanPanelMember, fmt.Sprintf("panel of call %d", callID))
}

// PanelsOfUser returns an account's panel memberships in every call, by id.
func (db *DB) PanelsOfUser(ctx context.Context, userID int64) ([]PanelMember, error) {
	rows, err := db.query(ctx, `SELECT `+panelCols+` FROM panel_members WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("panels of user %d: %w", userID, err)
	}
	return collect(rows, scanPanelMember, fmt.Sprintf("panels of user %d", userID))
}

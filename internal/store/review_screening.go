package store

import (
	"context"
	"fmt"
	"time"
)

// Screening is one screening of a submitted case version against its
// call's eligibility checklist.
type Screening struct {
	ID         int64
	CaseID     string
	Version    int    // the case version screened
	Outcome    string // eligible, ineligible or returned
	Checklist  map[string]bool
	Note       string     // the reason or what to fix, shown to the applicant
	ReturnBy   *time.Time // returned: resubmit before this
	ScreenedBy *int64
	ScreenedAt time.Time
}

// AddScreening records s, setting s.ID, and s.ScreenedAt if it is zero.
func (db *DB) AddScreening(ctx context.Context, s *Screening) error {
	what := fmt.Sprintf("screening of case %q", s.CaseID)
	s.ScreenedAt = orNow(s.ScreenedAt)
	s.ReturnBy = normPtr(s.ReturnBy)
	cl := s.Checklist
	if cl == nil {
		cl = map[string]bool{}
	}
	clArg, err := marshalArg(cl)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	err = db.writeRow(ctx, `
		INSERT INTO screenings (case_id, version, outcome, checklist, note, return_by, screened_by, screened_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.CaseID, s.Version, s.Outcome, clArg, s.Note, db.tsPtr(s.ReturnBy), s.ScreenedBy, db.ts(s.ScreenedAt)).Scan(&s.ID)
	if err != nil {
		return wrapErr(err, what)
	}
	return nil
}

// Screenings returns a case's screenings, oldest first.
func (db *DB) Screenings(ctx context.Context, caseID string) ([]Screening, error) {
	rows, err := db.query(ctx, `
		SELECT id, case_id, version, outcome, checklist, note, return_by, screened_by, screened_at
		FROM screenings WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("screenings of case %q: %w", caseID, err)
	}
	return collect(rows, func(r rowScanner) (Screening, error) {
		var s Screening
		err := r.Scan(&s.ID, &s.CaseID, &s.Version, &s.Outcome, unmarshalCol{&s.Checklist}, &s.Note,
			nullTimeCol{&s.ReturnBy}, &s.ScreenedBy, timeCol{&s.ScreenedAt})
		return s, err
	}, fmt.Sprintf("screenings of case %q", caseID))
}

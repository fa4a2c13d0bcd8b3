package app

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// RankingRow is one case of a call's ranking: its raw and calibrated
// scores side by side. Scores are nil until the case has a submitted
// review.
type RankingRow struct {
	Case         string   `json:"case"`
	Title        string   `json:"title"`
	State        string   `json:"state"`
	Reviews      int      `json:"reviews"`  // submitted
	Assigned     int      `json:"assigned"` // reviewers assigned
	Mean         *float64 `json:"mean"`
	Median       *float64 `json:"median"`
	Spread       *float64 `json:"spread"`
	Calibrated   *float64 `json:"calibrated"`
	Disagreement bool     `json:"disagreement"`
	// Decision is the committee's, pending until Released.
	Decision string `json:"decision,omitempty"`
	Released bool   `json:"released"`
}

// rankedStates are the states of cases that went to review.
var rankedStates = []string{domain.StateUnderReview, domain.StateAccepted, domain.StateRejected, domain.StatePublished}

// Ranking ranks a call's reviewed cases by calibrated score, best first
// (secretariat). It reads the call, cases, submitted scores, assignment
// counts and decisions in a fixed number of queries, whatever the size of
// the call.
func (a *App) Ranking(ctx context.Context, actor Actor, slug string) ([]RankingRow, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	rubric, err := rubricOf(call)
	if err != nil {
		return nil, err
	}
	cases, _, err := a.DB.ListCases(ctx, store.CaseFilter{CallID: call.ID, States: rankedStates})
	if err != nil {
		return nil, err
	}
	scores, err := a.DB.SubmittedScores(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	counts, err := a.DB.AssignmentCounts(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	decisions, err := a.DB.ListDecisions(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	byCase := make(map[string][]map[string]int, len(cases))
	scored := make([]domain.ScoredReview, len(scores))
	for i, s := range scores {
		byCase[s.CaseID] = append(byCase[s.CaseID], s.Scores)
		scored[i] = domain.ScoredReview{Case: s.CaseID, Reviewer: idString(s.ReviewerID), Total: rubric.Total(s.Scores)}
	}
	cal := domain.Calibrate(scored)
	dec := make(map[string]store.Decision, len(decisions))
	for _, d := range decisions {
		dec[d.CaseID] = d
	}
	rows := make([]RankingRow, len(cases))
	for i, c := range cases {
		ag := rubric.Aggregate(byCase[c.ID])
		r := RankingRow{Case: c.ID, Title: c.Title, State: c.State, Reviews: ag.Reviews, Assigned: counts[c.ID],
			Mean: floatPtr(ag.Mean), Median: floatPtr(ag.Median), Disagreement: ag.Disagreement}
		if ag.Reviews > 0 {
			r.Spread = floatPtr(ag.Spread)
			if x, ok := cal.Cases[c.ID]; ok {
				r.Calibrated = floatPtr(x)
			}
		}
		if d, ok := dec[c.ID]; ok {
			r.Decision, r.Released = d.Decision, d.ReleasedAt != nil
		}
		rows[i] = r
	}
	if err := SortRanking(rows, "calibrated", true); err != nil {
		return nil, err
	}
	return rows, nil
}

// RankingKeys are the columns a ranking sorts by.
var RankingKeys = []string{"case", "title", "state", "reviews", "assigned", "mean", "median", "spread", "calibrated", "disagreement", "decision"}

// SortRanking sorts rows by one of RankingKeys, descending if desc. Cases
// without a score come last either way; ties keep case order.
func SortRanking(rows []RankingRow, key string, desc bool) error {
	num := func(f func(RankingRow) *float64) func(a, b RankingRow) int {
		return func(a, b RankingRow) int {
			x, y := f(a), f(b)
			switch {
			case x == nil && y == nil:
				return 0
			case x == nil:
				return 2 // after, whatever the direction
			case y == nil:
				return -2
			}
			return cmp.Compare(*x, *y)
		}
	}
	var by func(a, b RankingRow) int
	switch key {
	case "case":
		by = func(a, b RankingRow) int { return cmp.Compare(a.Case, b.Case) }
	case "title":
		by = func(a, b RankingRow) int { return cmp.Compare(a.Title, b.Title) }
	case "state":
		by = func(a, b RankingRow) int { return cmp.Compare(a.State, b.State) }
	case "reviews":
		by = func(a, b RankingRow) int { return cmp.Compare(a.Reviews, b.Reviews) }
	case "assigned":
		by = func(a, b RankingRow) int { return cmp.Compare(a.Assigned, b.Assigned) }
	case "mean":
		by = num(func(r RankingRow) *float64 { return r.Mean })
	case "median":
		by = num(func(r RankingRow) *float64 { return r.Median })
	case "spread":
		by = num(func(r RankingRow) *float64 { return r.Spread })
	case "calibrated":
		by = num(func(r RankingRow) *float64 { return r.Calibrated })
	case "disagreement":
		by = func(a, b RankingRow) int {
			return cmp.Compare(boolInt(a.Disagreement), boolInt(b.Disagreement))
		}
	case "decision":
		by = func(a, b RankingRow) int { return cmp.Compare(a.Decision, b.Decision) }
	default:
		return invalid(domain.Errors{field("sort", "err.unknown_code", map[string]any{"Value": key})})
	}
	slices.SortStableFunc(rows, func(a, b RankingRow) int {
		c := by(a, b)
		switch {
		case c == 2 || c == -2: // a missing score stays last
			return c
		case desc:
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.Case, b.Case))
	})
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RankingColumns are the columns of the ranking's CSV and XLSX exports.
var RankingColumns = []string{"rank", "case", "title", "state", "reviews", "assigned", "mean", "median", "spread",
	"calibrated", "disagreement", "decision", "released"}

// ExportRanking writes a call's ranking as csv or xlsx (secretariat).
func (a *App) ExportRanking(ctx context.Context, actor Actor, slug, format string, w io.Writer) error {
	if format != "csv" && format != "xlsx" {
		return invalid(domain.Errors{field("format", "err.unknown_code", map[string]any{"Value": format})})
	}
	rows, err := a.Ranking(ctx, actor, slug)
	if err != nil {
		return err
	}
	num := func(f *float64) any {
		if f == nil {
			return ""
		}
		return math.Round(*f*100) / 100
	}
	cells := func(i int, r RankingRow) []any {
		return []any{i + 1, r.Case, r.Title, r.State, r.Reviews, r.Assigned, num(r.Mean), num(r.Median), num(r.Spread),
			num(r.Calibrated), r.Disagreement, r.Decision, r.Released}
	}
	if format == "csv" {
		bw := bufio.NewWriter(w)
		bw.WriteString("\uFEFF") // a BOM, so spreadsheet programs read UTF-8
		cw := csv.NewWriter(bw)
		if err := cw.Write(RankingColumns); err != nil {
			return err
		}
		for i, r := range rows {
			rec := make([]string, 0, len(RankingColumns))
			for _, c := range cells(i, r) {
				switch v := c.(type) {
				case float64:
					rec = append(rec, strconv.FormatFloat(v, 'f', 2, 64))
				case string:
					rec = append(rec, csvSafe(v))
				default:
					rec = append(rec, csvSafe(toString(v)))
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Ranking"
	x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := make([]any, len(RankingColumns))
	for i, c := range RankingColumns {
		head[i] = c
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells(i, r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

func toString(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	}
	return ""
}

// Decision is the committee's decision on a case.
type Decision struct {
	Case       string     `json:"case"`
	Decision   string     `json:"decision"` // accepted or rejected
	Note       string     `json:"note,omitempty"`
	DecidedAt  time.Time  `json:"decided_at"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
}

// Decide records the committee's decision on a case under review
// (secretariat). It stays pending, and may be changed, until the
// decisions are released; the note is the committee's record and is not
// sent to the applicant.
func (a *App) Decide(ctx context.Context, actor Actor, caseID, decision, note string) (Decision, error) {
	if err := requireStaff(actor); err != nil {
		return Decision{}, err
	}
	note = cleanText(note)
	var errs domain.Errors
	if _, ok := domain.DecisionState(decision); !ok {
		errs = append(errs, field("decision", "err.unknown_code", map[string]any{"Value": decision}))
	}
	checkLen(&errs, "note", note, maxNoteChars)
	if len(errs) > 0 {
		return Decision{}, invalid(errs)
	}
	var out Decision
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		v, err := a.load(ctx, tx, actor, caseID)
		if err != nil {
			return err
		}
		switch a.Phase(v.Call) {
		case domain.PhaseReviewing, domain.PhaseDecided:
		default:
			return errPhase
		}
		if v.State != domain.StateUnderReview {
			return errWrongState
		}
		from := "pending"
		if old, err := tx.DecisionByCase(ctx, caseID); err == nil {
			if old.ReleasedAt != nil {
				return errWrongState
			}
			from = old.Decision
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		by := actor.ID
		d := store.Decision{CaseID: caseID, CallID: v.CallID, Decision: decision, Note: note, DecidedBy: &by, DecidedAt: a.now()}
		if err := tx.SaveDecision(ctx, d); err != nil {
			if isStoreConflict(err) {
				return errWrongState
			}
			return err
		}
		out = Decision{Case: caseID, Decision: decision, Note: note, DecidedAt: d.DecidedAt}
		return a.audit(ctx, tx, actor, "decision", caseID, "decide", from, decision, note)
	})
	return out, err
}

// ReleaseResult lists the cases whose decisions a release made known.
type ReleaseResult struct {
	Accepted []string `json:"accepted"`
	Rejected []string `json:"rejected"`
}

// ReleaseDecisions releases a call's pending decisions together
// (secretariat): each case moves to accepted or rejected, the call to its
// decided phase, and each applicant gets one message in their language
// with the decision on each of their cases and the reviewers' comments to
// them — never the confidential comments, never the reviewers' names.
// Decisions taken later are released by calling it again.
func (a *App) ReleaseDecisions(ctx context.Context, actor Actor, slug string) (ReleaseResult, error) {
	if err := requireStaff(actor); err != nil {
		return ReleaseResult{}, err
	}
	var out ReleaseResult
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		out = ReleaseResult{Accepted: []string{}, Rejected: []string{}}
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		switch a.Phase(call) {
		case domain.PhaseReviewing, domain.PhaseDecided:
		default:
			return errPhase
		}
		underReview, _, err := tx.ListCases(ctx, store.CaseFilter{CallID: call.ID, States: []string{domain.StateUnderReview}})
		if err != nil {
			return err
		}
		cases := map[string]store.Case{}
		for _, c := range underReview {
			cases[c.ID] = c
		}
		// Released in one statement, so that a decision changed at the same
		// moment is released as changed or not at all.
		now := a.now()
		released, err := tx.ReleaseDecisions(ctx, call.ID, now)
		if err != nil {
			return err
		}
		byDecision := map[string][]string{}
		for _, d := range released {
			byDecision[d.Decision] = append(byDecision[d.Decision], d.CaseID)
		}
		var audits []store.AuditEntry
		for _, dec := range []string{domain.DecisionAccepted, domain.DecisionRejected} {
			to, _ := domain.DecisionState(dec)
			moved, err := tx.MoveCases(ctx, byDecision[dec], domain.StateUnderReview, to, now)
			if err != nil {
				return err
			}
			if len(moved) != len(byDecision[dec]) {
				// A pending decision is only ever taken on a case under review.
				return errWrongState
			}
			for _, id := range moved {
				audits = append(audits, a.auditEntry(actor, "case", id, "release", domain.StateUnderReview, to, ""))
			}
			if dec == domain.DecisionAccepted {
				out.Accepted = append(out.Accepted, moved...)
			} else {
				out.Rejected = append(out.Rejected, moved...)
			}
		}
		if err := tx.AddAudits(ctx, audits); err != nil {
			return err
		}
		if err := a.setPhase(ctx, tx, actor, &call, domain.PhaseDecided, "decisions released"); err != nil {
			return err
		}
		return a.mailDecisions(ctx, tx, call, cases, byDecision)
	})
	if err != nil {
		return ReleaseResult{}, err
	}
	a.Notify()
	return out, nil
}

// applicantComments returns, per case, the comments the reviewers wrote
// to the applicant in their submitted reviews, in assignment order.
func applicantComments(rs []store.Review) map[string][]string {
	out := map[string][]string{}
	for _, r := range rs {
		if r.State == domain.ReviewSubmitted && r.CommentToApplicant != "" {
			out[r.CaseID] = append(out[r.CaseID], r.CommentToApplicant)
		}
	}
	return out
}

// mailDecisions sends each applicant one message with the released
// decisions on their cases.
func (a *App) mailDecisions(ctx context.Context, tx *store.DB, call store.Call, cases map[string]store.Case, byDecision map[string][]string) error {
	rs, err := tx.ListReviews(ctx, store.ReviewFilter{CallID: call.ID, SubmittedOnly: true})
	if err != nil {
		return err
	}
	comments := applicantComments(rs)
	perOwner := map[int64][]mail.DecisionCase{}
	for _, dec := range []string{domain.DecisionAccepted, domain.DecisionRejected} {
		for _, id := range byDecision[dec] {
			c := cases[id]
			perOwner[c.OwnerID] = append(perOwner[c.OwnerID], mail.DecisionCase{CaseID: id, Title: cmp.Or(c.Title, id),
				Decision: dec, Comments: comments[id]})
		}
	}
	ids := slices.Sorted(maps.Keys(perOwner))
	owners, err := tx.UsersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		u := owners[id]
		lang := langOf(u)
		dcs := perOwner[id]
		slices.SortFunc(dcs, func(a, b mail.DecisionCase) int { return cmp.Compare(a.CaseID, b.CaseID) })
		m := a.Mail.Decisions(lang, u.Email, u.Name, mail.DecisionData{Call: localText(call.Title, lang), Cases: dcs,
			Link: a.link(lang, "/me/cases")})
		if err := a.enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// publish moves one accepted case with consent to published, runs the
// publication hook and tells the applicant.
func (a *App) publish(ctx context.Context, tx *store.DB, actor Actor, v CaseView) (CaseView, error) {
	if !v.Doc.ConsentPublish {
		return v, errNoConsent
	}
	now := a.now()
	if err := tx.SetCasePublication(ctx, v.ID, domain.StateAccepted, domain.StatePublished, &now, now); err != nil {
		return v, err
	}
	v.State, v.PublishedAt, v.UpdatedAt = domain.StatePublished, &now, now
	if err := a.audit(ctx, tx, actor, "case", v.ID, "publish", domain.StateAccepted, domain.StatePublished, ""); err != nil {
		return v, err
	}
	if a.OnPublish != nil {
		if err := a.OnPublish(ctx, tx, v.ID); err != nil {
			return v, err
		}
	}
	owner, err := tx.UserByID(ctx, v.OwnerID)
	if err != nil {
		return v, err
	}
	lang := langOf(owner)
	return v, a.enqueue(ctx, tx, a.Mail.Published(lang, owner.Email, owner.Name, v.ID, titleOr(v),
		localText(v.Call.Title, lang), a.link(lang, "/cases/"+v.ID)))
}

// Publish publishes one accepted case whose applicant consented
// (secretariat). Publishing a published case changes nothing.
func (a *App) Publish(ctx context.Context, actor Actor, caseID string) (CaseView, error) {
	if err := requireStaff(actor); err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, caseID); err != nil {
			return err
		}
		switch {
		case v.State == domain.StatePublished:
			return nil
		case !domain.CanTransition(v.State, domain.StatePublished, actor.Role):
			return errWrongState
		}
		v, err = a.publish(ctx, tx, actor, v)
		return err
	})
	if err != nil {
		return CaseView{}, err
	}
	a.syncAfterPublication(ctx)
	a.Notify()
	return v, nil
}

// PublishResult lists what publishing a call's results did.
type PublishResult struct {
	Published []string `json:"published"`
	// NoConsent are accepted cases whose applicant did not consent to
	// publication; they stay accepted.
	NoConsent []string `json:"no_consent"`
	// Withdrawn are accepted cases that were taken out of the library
	// (on a takedown request, say); they stay out until published one by
	// one.
	Withdrawn []string `json:"withdrawn"`
}

// Withdrawal is a case's last removal from the library.
type Withdrawal struct {
	At     time.Time
	Reason string
}

// Withdrawals maps the cases of a call that were ever taken out of the
// library to their last removal (secretariat). Those still out are the
// accepted ones among them.
func (a *App) Withdrawals(ctx context.Context, actor Actor, slug string) (map[string]Withdrawal, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	call, err := a.DB.CallBySlug(ctx, slug)
	if err != nil {
		return nil, notFound(err)
	}
	return withdrawals(ctx, a.DB, call.ID)
}

// withdrawals maps the cases of a call that were ever unpublished to
// their last unpublishing, from the audit log.
func withdrawals(ctx context.Context, db *store.DB, callID int64) (map[string]Withdrawal, error) {
	entries, err := db.SearchAudit(ctx, store.AuditFilter{CallID: callID, Entity: "case", Action: "unpublish"})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Withdrawal, len(entries))
	for _, e := range entries { // newest first
		if _, ok := out[e.EntityID]; !ok {
			out[e.EntityID] = Withdrawal{At: e.At, Reason: e.Reason}
		}
	}
	return out, nil
}

// PublishCall publishes a call's results once its decisions are released
// (secretariat): every accepted case with consent is published and the
// call moves to its published phase. Running it again publishes cases
// accepted since, but not those taken out of the library since: a
// takedown holds until someone publishes that case again on purpose.
func (a *App) PublishCall(ctx context.Context, actor Actor, slug string) (PublishResult, error) {
	if err := requireStaff(actor); err != nil {
		return PublishResult{}, err
	}
	var out PublishResult
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		out = PublishResult{Published: []string{}, NoConsent: []string{}, Withdrawn: []string{}}
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		switch a.Phase(call) {
		case domain.PhaseDecided, domain.PhasePublished:
		default:
			return errPhase
		}
		var accepted []store.Case
		err = tx.ListCasesWithDocs(ctx, store.CaseFilter{CallID: call.ID, States: []string{domain.StateAccepted}}, func(c store.Case) error {
			accepted = append(accepted, c)
			return nil
		})
		if err != nil {
			return err
		}
		withdrawn, err := withdrawals(ctx, tx, call.ID)
		if err != nil {
			return err
		}
		for _, c := range accepted {
			if _, ok := withdrawn[c.ID]; ok {
				out.Withdrawn = append(out.Withdrawn, c.ID)
				continue
			}
			v, err := a.view(c, call)
			if err != nil {
				return err
			}
			if !v.Doc.ConsentPublish {
				out.NoConsent = append(out.NoConsent, c.ID)
				continue
			}
			if _, err := a.publish(ctx, tx, actor, v); err != nil {
				return err
			}
			out.Published = append(out.Published, c.ID)
		}
		return a.setPhase(ctx, tx, actor, &call, domain.PhasePublished, "results published")
	})
	if err != nil {
		return PublishResult{}, err
	}
	a.syncAfterPublication(ctx)
	a.Notify()
	return out, nil
}

// Unpublish takes a published case out of the library (secretariat); it
// becomes accepted again.
func (a *App) Unpublish(ctx context.Context, actor Actor, caseID, reason string) (CaseView, error) {
	if err := requireStaff(actor); err != nil {
		return CaseView{}, err
	}
	var v CaseView
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		var err error
		if v, err = a.load(ctx, tx, actor, caseID); err != nil {
			return err
		}
		if v.State != domain.StatePublished {
			return errWrongState
		}
		now := a.now()
		if err := tx.SetCasePublication(ctx, v.ID, domain.StatePublished, domain.StateAccepted, nil, now); err != nil {
			return err
		}
		v.State, v.PublishedAt, v.UpdatedAt = domain.StateAccepted, nil, now
		if err := a.audit(ctx, tx, actor, "case", v.ID, "unpublish", domain.StatePublished, domain.StateAccepted, cleanText(reason)); err != nil {
			return err
		}
		if a.OnPublish != nil {
			return a.OnPublish(ctx, tx, v.ID)
		}
		return nil
	})
	if err == nil {
		a.syncAfterPublication(ctx)
	}
	return v, err
}

// Feedback is what an applicant learns of the review of their case: the
// released decision and the reviewers' comments to them, unnamed.
type Feedback struct {
	Case     string `json:"case"`
	State    string `json:"state"`
	Decision string `json:"decision,omitempty"` // empty until released
	// Comments are the reviewers' comments to the applicant, numbered by
	// position (label them "review.reviewer_label").
	Comments []string `json:"comments"`
}

// Feedback returns the review feedback on a case to its owner (or the
// secretariat) once the decision is released; before, it holds no
// decision and no comments.
func (a *App) Feedback(ctx context.Context, actor Actor, caseID string) (Feedback, error) {
	v, err := a.load(ctx, a.DB, actor, caseID)
	if err != nil {
		return Feedback{}, err
	}
	out := Feedback{Case: v.ID, State: v.State, Comments: []string{}}
	d, err := a.DB.DecisionByCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.ReleasedAt == nil) {
		return out, nil
	}
	if err != nil {
		return Feedback{}, err
	}
	out.Decision = d.Decision
	rs, err := a.DB.ListReviews(ctx, store.ReviewFilter{CaseID: caseID, SubmittedOnly: true})
	if err != nil {
		return Feedback{}, err
	}
	if c := applicantComments(rs)[caseID]; c != nil {
		out.Comments = c
	}
	return out, nil
}

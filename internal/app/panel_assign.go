package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/assign"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// AssignmentView is an assignment as the secretariat sees it.
type AssignmentView struct {
	ID           int64                    `json:"id"`
	Case         string                   `json:"case"`
	Reviewer     int64                    `json:"reviewer"`
	ReviewerName string                   `json:"reviewer_name"`
	Affinity     int                      `json:"affinity"`
	Reasons      []store.AssignmentReason `json:"reasons"`
	Source       string                   `json:"source"` // auto, pinned or manual
	// State is the review's: assigned (not started), draft or submitted.
	State string `json:"state"`
	// New marks an assignment made by this run (AutoAssign only).
	New bool `json:"new,omitempty"`
}

// Review progress of an assignment, as AssignmentView.State and
// MyAssignment.State.
const (
	AssignmentOpen = "assigned"
)

func reviewStateOf(s string) string {
	if s == "" {
		return AssignmentOpen
	}
	return s
}

func assignmentView(x store.Assignment, names map[int64]store.User) AssignmentView {
	reasons := x.Reasons
	if reasons == nil {
		reasons = []store.AssignmentReason{}
	}
	return AssignmentView{ID: x.ID, Case: x.CaseID, Reviewer: x.ReviewerID, ReviewerName: names[x.ReviewerID].Name,
		Affinity: x.Affinity, Reasons: reasons, Source: x.Source, State: reviewStateOf(x.ReviewState)}
}

// Shortfall explains a case left with fewer reviewers than asked.
type Shortfall struct {
	Case    string `json:"case"`
	Missing int    `json:"missing"`
	// Blocked counts, per hard constraint, the reviewers it kept off the
	// case: conflict_declared, conflict_org, conflict_domain,
	// conflict_partner, forbidden, language, load_full (labels under
	// "review.blocked.<constraint>").
	Blocked map[string]int `json:"blocked"`
	// Reasons are the same in English sentences, most excluding first.
	Reasons []string `json:"reasons"`
}

// AutoAssignResult is the outcome of an assignment run.
type AutoAssignResult struct {
	// Assignments are every assignment of the cases in the run, kept or new.
	Assignments []AssignmentView `json:"assignments"`
	Short       []Shortfall      `json:"short"`
	// Removed are existing assignments without a started review that the
	// run replaced by better ones.
	Removed  []AssignmentView `json:"removed"`
	Warnings []string         `json:"warnings,omitempty"`
}

// assignData is what one assignment run reads, in a fixed number of
// queries.
type assignData struct {
	call     store.Call
	cases    []store.Case
	docs     map[string]domain.Case // the reviewed version of each case
	owners   map[int64]store.User
	members  []store.PanelMember // accepted, in id order
	users    map[int64]store.User
	existing map[assign.Pair]store.Assignment // on the cases of the run
	outside  map[int64]int                    // load on cases outside the run, by reviewer
	rules    []store.AssignmentRule
}

// assignable are the states of cases an assignment run covers.
var assignable = []string{domain.StateEligible, domain.StateUnderReview}

func (a *App) loadAssignData(ctx context.Context, tx *store.DB, call store.Call) (*assignData, error) {
	d := &assignData{call: call, docs: map[string]domain.Case{}, existing: map[assign.Pair]store.Assignment{}, outside: map[int64]int{}}
	var err error
	if d.cases, _, err = tx.ListCases(ctx, store.CaseFilter{CallID: call.ID, States: assignable}); err != nil {
		return nil, err
	}
	versions, err := tx.CaseVersionsOfCall(ctx, call.ID, assignable)
	if err != nil {
		return nil, err
	}
	ownerIDs := make([]int64, 0, len(d.cases))
	inRun := make(map[string]bool, len(d.cases))
	for _, c := range d.cases {
		inRun[c.ID] = true
		ownerIDs = append(ownerIDs, c.OwnerID)
		v, ok := reviewedVersion(call, c, versions[c.ID])
		if !ok {
			continue // never submitted: nothing to review
		}
		if d.docs[c.ID], err = decodeDoc(v.Doc); err != nil {
			return nil, fmt.Errorf("case %s: %w", c.ID, err)
		}
	}
	if d.owners, err = tx.UsersByIDs(ctx, ownerIDs); err != nil {
		return nil, err
	}
	panel, err := tx.ListPanel(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	var revIDs []int64
	for _, m := range panel {
		if m.State == domain.InvitationAccepted && m.UserID != nil {
			d.members = append(d.members, m)
			revIDs = append(revIDs, *m.UserID)
		}
	}
	if d.users, err = tx.UsersByIDs(ctx, revIDs); err != nil {
		return nil, err
	}
	as, err := tx.ListAssignments(ctx, store.AssignmentFilter{CallID: call.ID})
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if inRun[x.CaseID] {
			d.existing[assign.Pair{Case: x.CaseID, Reviewer: idString(x.ReviewerID)}] = x
		} else {
			d.outside[x.ReviewerID]++
		}
	}
	if d.rules, err = tx.ListAssignmentRules(ctx, call.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// assignCase is a case as the assignment sees it: its reviewed version's
// language, trusted translations and codes, and what may conflict with a
// reviewer (organisation, partners, the submitter's e-mail domain and the
// organisation's web domain).
func assignCase(id string, doc domain.Case, owner store.User) assign.Case {
	c := assign.Case{ID: id, Language: doc.Language, WSISPrimary: doc.WSIS.Primary, WSISSecondary: doc.WSIS.Secondary,
		Technologies: doc.Technologies, Sector: doc.Sector, Org: doc.Organisation.Name}
	for lang, t := range doc.Translations {
		if t.Source == "author" || t.Source == "secretariat" {
			c.TranslationLangs = append(c.TranslationLangs, lang)
		}
	}
	slices.Sort(c.TranslationLangs)
	for _, cc := range doc.Countries {
		if k, ok := domain.CountryByCode(cc); ok && k.Region != "" && !slices.Contains(c.Regions, k.Region) {
			c.Regions = append(c.Regions, k.Region)
		}
	}
	if owner.Email != "" {
		c.Domains = append(c.Domains, owner.Email)
	}
	if u, err := url.Parse(doc.Organisation.Website); err == nil && u.Hostname() != "" {
		c.Domains = append(c.Domains, u.Hostname())
	}
	for _, p := range doc.Partners {
		c.Partners = append(c.Partners, p.Name)
	}
	// The organisation the submitter gave for their account is one more
	// organisation behind the case.
	if owner.OrgName != "" && !strings.EqualFold(owner.OrgName, doc.Organisation.Name) {
		c.Partners = append(c.Partners, owner.OrgName)
	}
	return c
}

// assignReviewer is a panel member as the assignment sees them. ownCases
// are cases of the run the reviewer submitted; outside is their load on
// cases outside the run, which leaves less room inside it.
func assignReviewer(m store.PanelMember, u store.User, ownCases []string, outside int) assign.Reviewer {
	r := assign.Reviewer{ID: idString(u.ID), Name: u.Name, Languages: m.Languages,
		Expertise: assign.Expertise{WSIS: m.Expertise.WSIS, Technologies: m.Expertise.Technologies,
			Sectors: m.Expertise.Sectors, Regions: m.Expertise.Regions},
		MaxLoad: max(0, m.MaxLoad-outside), Org: u.OrgName, ConflictOrgs: m.ConflictOrgs,
		ConflictCases: append(slices.Clone(m.ConflictCases), ownCases...)}
	if k, ok := domain.CountryByCode(u.OrgCountry); ok {
		r.Region = k.Region
	}
	if _, dom, ok := strings.Cut(u.Email, "@"); ok {
		r.EmailDomain = dom
	}
	return r
}

// problem builds the assignment problem of a run with k reviewers per case.
func (d *assignData) problem(k int) (assign.Problem, []string) {
	p := assign.Problem{K: k}
	var warnings []string
	inRun := map[string]bool{}
	own := map[int64][]string{}
	for _, c := range d.cases {
		doc, ok := d.docs[c.ID]
		if !ok {
			continue
		}
		inRun[c.ID] = true
		own[c.OwnerID] = append(own[c.OwnerID], c.ID)
		p.Cases = append(p.Cases, assignCase(c.ID, doc, d.owners[c.OwnerID]))
	}
	onPanel := map[string]bool{}
	for _, m := range d.members {
		u := d.users[*m.UserID]
		onPanel[idString(u.ID)] = true
		p.Reviewers = append(p.Reviewers, assignReviewer(m, u, own[u.ID], d.outside[u.ID]))
	}
	for _, r := range d.rules {
		pr := assign.Pair{Case: r.CaseID, Reviewer: idString(r.ReviewerID)}
		if !inRun[pr.Case] || !onPanel[pr.Reviewer] {
			continue // a rule on a case or reviewer outside the run constrains nothing
		}
		if r.Kind == store.RulePin {
			p.Pinned = append(p.Pinned, pr)
		} else {
			p.Forbidden = append(p.Forbidden, pr)
		}
	}
	for _, pr := range slices.SortedFunc(maps.Keys(d.existing), func(a, b assign.Pair) int {
		return strings.Compare(a.Case+"\x00"+a.Reviewer, b.Case+"\x00"+b.Reviewer)
	}) {
		x := d.existing[pr]
		if !inRun[pr.Case] || !onPanel[pr.Reviewer] {
			warnings = append(warnings, fmt.Sprintf("assignment %d (case %s, reviewer %s) is outside the run and kept as it is", x.ID, pr.Case, pr.Reviewer))
			continue
		}
		// A started review, or a reviewer the secretariat added by hand,
		// is never taken away by a run.
		p.Existing = append(p.Existing, assign.Existing{Pair: pr, Locked: x.ReviewState != "" || x.Source == store.SourceManual})
	}
	return p, warnings
}

func solveErr(err error) error {
	if errors.Is(err, assign.ErrInvalid) {
		return &Error{Kind: KindInvalid, Key: "review.err.assignment_invalid", Args: map[string]any{"Detail": err.Error()}}
	}
	return err
}

// reviewerTitle is a case's title as its reviewers see it.
func reviewerTitle(call store.Call, id string, doc domain.Case, owner store.User) string {
	if call.Blind {
		doc = blindCase(doc, owner)
	}
	if strings.TrimSpace(doc.Title) == "" {
		return id
	}
	return doc.Title
}

// mailAssignments enqueues one message to a reviewer listing the cases
// added to and removed from their assignments.
func (a *App) mailAssignments(ctx context.Context, tx *store.DB, call store.Call, u store.User, run string, added, removed []mail.AssignedCase) error {
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	lang := langOf(u)
	return a.enqueue(ctx, tx, a.Mail.Assignments(lang, u.Email, u.Name, mail.AssignmentData{
		Run: run, Call: localText(call.Title, lang), Added: added, Removed: removed,
		Link: a.link(lang, "/review"),
	}))
}

// runKey identifies an assignment change by the assignments it touched.
func runKey(slug string, ids []int64) string {
	var b strings.Builder
	b.WriteString(slug)
	for _, id := range ids {
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return HashToken(b.String())[:16]
}

func (a *App) assignPhaseOK(call store.Call) bool {
	switch a.Phase(call) {
	case domain.PhaseClosed, domain.PhaseReviewing:
		return true
	}
	return false
}

// AutoAssign assigns k reviewers (0: the call's reviewers per case) to each
// eligible case of a closed call, exactly optimally (package assign): no
// conflict of interest, only reviewers who read the case, loads within
// each maximum, the secretariat's pinned and forbidden pairs respected,
// and assignments whose review was started, or which the secretariat
// added by hand, kept. It moves the assigned
// cases to under_review and the call to its review phase, and sends each
// reviewer whose assignments changed one message listing the changes.
// Running it again tops up cases left short and may replace assignments
// nobody started when that gives a better assignment.
func (a *App) AutoAssign(ctx context.Context, actor Actor, slug string, k int) (AutoAssignResult, error) {
	if err := requireStaff(actor); err != nil {
		return AutoAssignResult{}, err
	}
	if k < 0 || k > 10 {
		return AutoAssignResult{}, invalid(domain.Errors{field("reviewers_per_case", "call.err.reviewers", map[string]any{"Min": 1, "Max": 10})})
	}
	var res AutoAssignResult
	mailed := false
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		res, mailed = AutoAssignResult{}, false
		call, err := tx.CallBySlug(ctx, slug)
		if err != nil {
			return notFound(err)
		}
		if !a.assignPhaseOK(call) {
			return errPhase
		}
		if k == 0 {
			k = call.ReviewersPerCase
		}
		d, err := a.loadAssignData(ctx, tx, call)
		if err != nil {
			return err
		}
		p, warnings := d.problem(k)
		out, err := assign.Solve(ctx, p)
		if err != nil {
			return solveErr(err)
		}
		res.Warnings = append(warnings, out.Warnings...)
		now := a.now()
		by := actor.ID

		// Drop the replaced assignments; none has a review, or it would be
		// locked.
		var dropIDs []int64
		for _, pr := range out.Removed {
			dropIDs = append(dropIDs, d.existing[pr].ID)
		}
		if len(dropIDs) > 0 {
			gone, err := tx.DeleteAssignments(ctx, dropIDs)
			if err != nil {
				return err
			}
			if len(gone) != len(dropIDs) {
				return fmt.Errorf("auto-assign %s: %d of %d replaced assignments had a review", slug, len(dropIDs)-len(gone), len(dropIDs))
			}
		}
		var fresh []store.Assignment
		for _, x := range out.Assignments {
			pr := assign.Pair{Case: x.Case, Reviewer: x.Reviewer}
			if _, ok := d.existing[pr]; ok {
				continue
			}
			rid, _ := strconv.ParseInt(x.Reviewer, 10, 64)
			src := store.SourceAuto
			reasons := make([]store.AssignmentReason, 0, len(x.Reasons))
			for _, r := range x.Reasons {
				if r.Kind == assign.ReasonPinned {
					src = store.SourcePinned
				}
				reasons = append(reasons, store.AssignmentReason{Kind: r.Kind, Value: r.Value, Points: r.Points})
			}
			fresh = append(fresh, store.Assignment{CallID: call.ID, CaseID: x.Case, ReviewerID: rid, Source: src,
				Affinity: x.Affinity, Reasons: reasons, CreatedBy: &by, CreatedAt: now})
		}
		if err := tx.AddAssignments(ctx, fresh); err != nil {
			return err
		}

		// Cases with a reviewer are now under review.
		var toMove []string
		assigned := map[string]bool{}
		for _, x := range out.Assignments {
			assigned[x.Case] = true
		}
		for _, c := range d.cases {
			if c.State == domain.StateEligible && assigned[c.ID] {
				toMove = append(toMove, c.ID)
			}
		}
		moved, err := tx.MoveCases(ctx, toMove, domain.StateEligible, domain.StateUnderReview, now)
		if err != nil {
			return err
		}
		if len(moved) != len(toMove) {
			// A case was withdrawn while the run was computed: run again.
			return errWrongState
		}

		var audits []store.AuditEntry
		for _, x := range fresh {
			audits = append(audits, a.auditEntry(actor, "assignment", idString(x.ID), "assign", "", AssignmentOpen,
				fmt.Sprintf("case %s reviewer %d affinity %d (%s)", x.CaseID, x.ReviewerID, x.Affinity, x.Source)))
		}
		for _, pr := range out.Removed {
			x := d.existing[pr]
			audits = append(audits, a.auditEntry(actor, "assignment", idString(x.ID), "unassign", AssignmentOpen, "",
				fmt.Sprintf("case %s reviewer %d replaced by the assignment run", x.CaseID, x.ReviewerID)))
		}
		for _, id := range moved {
			audits = append(audits, a.auditEntry(actor, "case", id, "assign", domain.StateEligible, domain.StateUnderReview,
				"k "+strconv.Itoa(k)))
		}
		if err := tx.AddAudits(ctx, audits); err != nil {
			return err
		}
		if err := a.setPhase(ctx, tx, actor, &call, domain.PhaseReviewing, "assignment run"); err != nil {
			return err
		}

		// One message per reviewer with all of their changes.
		caseByID := map[string]store.Case{}
		for _, c := range d.cases {
			caseByID[c.ID] = c
		}
		item := func(caseID string) mail.AssignedCase {
			c := caseByID[caseID]
			return mail.AssignedCase{CaseID: caseID, Title: reviewerTitle(call, caseID, d.docs[caseID], d.owners[c.OwnerID])}
		}
		added, removed := map[int64][]mail.AssignedCase{}, map[int64][]mail.AssignedCase{}
		touched := map[int64][]int64{}
		for _, x := range fresh {
			added[x.ReviewerID] = append(added[x.ReviewerID], item(x.CaseID))
			touched[x.ReviewerID] = append(touched[x.ReviewerID], x.ID)
		}
		for _, pr := range out.Removed {
			x := d.existing[pr]
			removed[x.ReviewerID] = append(removed[x.ReviewerID], item(x.CaseID))
			touched[x.ReviewerID] = append(touched[x.ReviewerID], x.ID)
		}
		for _, rid := range slices.Sorted(maps.Keys(touched)) {
			if err := a.mailAssignments(ctx, tx, call, d.users[rid], runKey(slug, touched[rid]), added[rid], removed[rid]); err != nil {
				return err
			}
			mailed = true
		}

		// The result: every assignment of the run's cases.
		isNew := map[assign.Pair]store.Assignment{}
		for _, x := range fresh {
			isNew[assign.Pair{Case: x.CaseID, Reviewer: idString(x.ReviewerID)}] = x
		}
		for _, x := range out.Assignments {
			pr := assign.Pair{Case: x.Case, Reviewer: x.Reviewer}
			if s, ok := isNew[pr]; ok {
				v := assignmentView(s, d.users)
				v.New = true
				res.Assignments = append(res.Assignments, v)
			} else {
				res.Assignments = append(res.Assignments, assignmentView(d.existing[pr], d.users))
			}
		}
		for _, pr := range out.Removed {
			res.Removed = append(res.Removed, assignmentView(d.existing[pr], d.users))
		}
		for _, s := range out.Short {
			res.Short = append(res.Short, Shortfall{Case: s.Case, Missing: s.Missing, Blocked: s.Blocked, Reasons: s.Reasons})
		}
		return nil
	})
	if err != nil {
		return AutoAssignResult{}, err
	}
	if res.Assignments == nil {
		res.Assignments = []AssignmentView{}
	}
	if res.Short == nil {
		res.Short = []Shortfall{}
	}
	if res.Removed == nil {
		res.Removed = []AssignmentView{}
	}
	if mailed {
		a.Notify()
	}
	return res, nil
}

// Assignments lists a call's assignments (secretariat).
func (a *App) Assignments(ctx context.Context, actor Actor, slug string) ([]AssignmentView, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	as, err := a.DB.ListAssignments(ctx, store.AssignmentFilter{CallID: call.ID})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(as))
	for i, x := range as {
		ids[i] = x.ReviewerID
	}
	users, err := a.DB.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]AssignmentView, len(as))
	for i, x := range as {
		out[i] = assignmentView(x, users)
	}
	return out, nil
}

// Rule is a pinned or forbidden pair.
type Rule struct {
	Case      string    `json:"case"`
	Reviewer  int64     `json:"reviewer"`
	Kind      string    `json:"kind"` // pin or forbid
	CreatedAt time.Time `json:"created_at"`
}

// Rules lists a call's pinned and forbidden pairs (secretariat).
func (a *App) Rules(ctx context.Context, actor Actor, slug string) ([]Rule, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	call, err := a.Call(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	rs, err := a.DB.ListAssignmentRules(ctx, call.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Rule, len(rs))
	for i, r := range rs {
		out[i] = Rule{Case: r.CaseID, Reviewer: r.ReviewerID, Kind: r.Kind, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// pairContext is one case and one reviewer of its call, loaded for a
// change of their pair.
type pairContext struct {
	call   store.Call
	c      store.Case
	doc    domain.Case
	owner  store.User
	member store.PanelMember
	user   store.User
}

func (a *App) loadPair(ctx context.Context, tx *store.DB, caseID string, reviewerID int64) (*pairContext, error) {
	p := &pairContext{}
	var err error
	if p.c, err = tx.CaseByID(ctx, caseID); err != nil {
		return nil, notFound(err)
	}
	if p.call, err = tx.CallByID(ctx, p.c.CallID); err != nil {
		return nil, err
	}
	if p.member, err = memberFor(ctx, tx, p.call.ID, reviewerID); err != nil {
		return nil, err
	}
	if p.user, err = tx.UserByID(ctx, reviewerID); err != nil {
		return nil, err
	}
	if p.owner, err = tx.UserByID(ctx, p.c.OwnerID); err != nil {
		return nil, err
	}
	vs, err := tx.CaseVersions(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if v, ok := reviewedVersion(p.call, p.c, vs); ok {
		if p.doc, err = decodeDoc(v.Doc); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// check runs the assignment on this one pair: it returns the pair's
// affinity and reasons, or an error naming the first hard constraint
// (load aside) that keeps the reviewer off the case.
func (p *pairContext) check(ctx context.Context) (assign.Assignment, error) {
	var own []string
	if p.c.OwnerID == p.user.ID {
		own = []string{p.c.ID}
	}
	r := assignReviewer(p.member, p.user, own, 0)
	r.MaxLoad = 1
	res, err := assign.Solve(ctx, assign.Problem{Cases: []assign.Case{assignCase(p.c.ID, p.doc, p.owner)},
		Reviewers: []assign.Reviewer{r}, K: 1})
	if err != nil {
		return assign.Assignment{}, solveErr(err)
	}
	if len(res.Assignments) == 1 {
		return res.Assignments[0], nil
	}
	for _, s := range res.Short {
		for why := range s.Blocked {
			return assign.Assignment{}, invalid(domain.Errors{field("reviewer", "review.blocked."+why, nil)})
		}
	}
	return assign.Assignment{}, fmt.Errorf("pair %s–%d: neither assigned nor explained", p.c.ID, p.user.ID)
}

// Pin makes every later assignment run put the reviewer on the case
// (secretariat). The pair must break no hard constraint.
func (a *App) Pin(ctx context.Context, actor Actor, caseID string, reviewerID int64) error {
	return a.setRule(ctx, actor, caseID, reviewerID, store.RulePin)
}

// Forbid keeps the reviewer off the case in every later run
// (secretariat); an assignment of the pair whose review was not started
// is removed at once, and one with a started review refuses the rule.
func (a *App) Forbid(ctx context.Context, actor Actor, caseID string, reviewerID int64) error {
	return a.setRule(ctx, actor, caseID, reviewerID, store.RuleForbid)
}

func (a *App) setRule(ctx context.Context, actor Actor, caseID string, reviewerID int64, kind string) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	mailed := false
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		p, err := a.loadPair(ctx, tx, caseID, reviewerID)
		if err != nil {
			return err
		}
		if !slices.Contains(assignable, p.c.State) {
			return errWrongState
		}
		if kind == store.RulePin {
			if _, err := p.check(ctx); err != nil {
				return err
			}
		} else {
			as, err := tx.ListAssignments(ctx, store.AssignmentFilter{CaseID: caseID, ReviewerID: reviewerID})
			if err != nil {
				return err
			}
			for _, x := range as {
				if mailed, err = a.unassign(ctx, tx, actor, p, x, "forbidden"); err != nil {
					return err
				}
			}
		}
		by := actor.ID
		if err := tx.SetAssignmentRule(ctx, store.AssignmentRule{CallID: p.call.ID, CaseID: caseID, ReviewerID: reviewerID,
			Kind: kind, CreatedBy: &by, CreatedAt: a.now()}); err != nil {
			return err
		}
		return a.audit(ctx, tx, actor, "assignment_rule", caseID+"/"+idString(reviewerID), kind, "", kind, "")
	})
	if mailed && err == nil {
		a.Notify()
	}
	return err
}

// ClearRule removes the pin or prohibition of a pair (secretariat).
func (a *App) ClearRule(ctx context.Context, actor Actor, caseID string, reviewerID int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(tx *store.DB) error {
		rs, err := tx.CaseByID(ctx, caseID)
		if err != nil {
			return notFound(err)
		}
		rules, err := tx.ListAssignmentRules(ctx, rs.CallID)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.CaseID == caseID && r.ReviewerID == reviewerID {
				if err := tx.DeleteAssignmentRule(ctx, caseID, reviewerID); err != nil {
					return err
				}
				return a.audit(ctx, tx, actor, "assignment_rule", caseID+"/"+idString(reviewerID), "clear", r.Kind, "", "")
			}
		}
		return errNotFound
	})
}

// unassign removes one assignment without a started review, audits it
// and tells the reviewer.
func (a *App) unassign(ctx context.Context, tx *store.DB, actor Actor, p *pairContext, x store.Assignment, why string) (bool, error) {
	if x.ReviewState != "" {
		return false, errReviewStarted
	}
	gone, err := tx.DeleteAssignments(ctx, []int64{x.ID})
	if err != nil {
		return false, err
	}
	if len(gone) != 1 {
		return false, errReviewStarted
	}
	if err := a.audit(ctx, tx, actor, "assignment", idString(x.ID), "unassign", AssignmentOpen, "",
		fmt.Sprintf("case %s reviewer %d: %s", x.CaseID, x.ReviewerID, why)); err != nil {
		return false, err
	}
	removed := []mail.AssignedCase{{CaseID: p.c.ID, Title: reviewerTitle(p.call, p.c.ID, p.doc, p.owner)}}
	return true, a.mailAssignments(ctx, tx, p.call, p.user, runKey(p.call.Slug, []int64{x.ID}), nil, removed)
}

// Unassign removes an assignment (secretariat); an assignment whose review
// was started cannot be removed.
func (a *App) Unassign(ctx context.Context, actor Actor, assignmentID int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		x, err := tx.AssignmentByID(ctx, assignmentID)
		if err != nil {
			return notFound(err)
		}
		if x.ReviewState != "" {
			return errReviewStarted
		}
		p, err := a.loadPair(ctx, tx, x.CaseID, x.ReviewerID)
		if err != nil {
			return err
		}
		_, err = a.unassign(ctx, tx, actor, p, x, "removed by the secretariat")
		return err
	})
	if err == nil {
		a.Notify()
	}
	return err
}

// AddReviewer assigns one more reviewer to a case by hand (secretariat),
// typically where reviewers disagree. The pair must break no hard
// constraint and the reviewer must have room under their maximum load;
// an eligible case moves to under_review.
func (a *App) AddReviewer(ctx context.Context, actor Actor, caseID string, reviewerID int64) (AssignmentView, error) {
	if err := requireStaff(actor); err != nil {
		return AssignmentView{}, err
	}
	var out AssignmentView
	err := a.DB.Transact(ctx, func(tx *store.DB) error {
		p, err := a.loadPair(ctx, tx, caseID, reviewerID)
		if err != nil {
			return err
		}
		if !slices.Contains(assignable, p.c.State) {
			return errWrongState
		}
		if !a.assignPhaseOK(p.call) {
			return errPhase
		}
		mine, err := tx.ListAssignments(ctx, store.AssignmentFilter{CallID: p.call.ID, ReviewerID: reviewerID})
		if err != nil {
			return err
		}
		for _, x := range mine {
			if x.CaseID == caseID {
				return errAssigned
			}
		}
		fit, err := p.check(ctx)
		if err != nil {
			return err
		}
		if len(mine) >= p.member.MaxLoad {
			return invalid(domain.Errors{field("reviewer", "review.blocked."+assign.LoadFull, nil)})
		}
		now := a.now()
		by := actor.ID
		x := store.Assignment{CallID: p.call.ID, CaseID: caseID, ReviewerID: reviewerID, Source: store.SourceManual,
			Affinity: fit.Affinity, CreatedBy: &by, CreatedAt: now}
		for _, r := range fit.Reasons {
			x.Reasons = append(x.Reasons, store.AssignmentReason{Kind: r.Kind, Value: r.Value, Points: r.Points})
		}
		xs := []store.Assignment{x}
		if err := tx.AddAssignments(ctx, xs); err != nil {
			if isStoreConflict(err) {
				return errAssigned
			}
			return err
		}
		x = xs[0]
		if err := a.audit(ctx, tx, actor, "assignment", idString(x.ID), "assign", "", AssignmentOpen,
			fmt.Sprintf("case %s reviewer %d affinity %d (manual)", caseID, reviewerID, x.Affinity)); err != nil {
			return err
		}
		if p.c.State == domain.StateEligible {
			if err := tx.MoveCase(ctx, caseID, domain.StateEligible, domain.StateUnderReview, now); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, actor, "case", caseID, "assign", domain.StateEligible, domain.StateUnderReview, "reviewer added"); err != nil {
				return err
			}
		}
		if err := a.setPhase(ctx, tx, actor, &p.call, domain.PhaseReviewing, "reviewer added"); err != nil {
			return err
		}
		out = assignmentView(x, map[int64]store.User{p.user.ID: p.user})
		added := []mail.AssignedCase{{CaseID: caseID, Title: reviewerTitle(p.call, caseID, p.doc, p.owner)}}
		return a.mailAssignments(ctx, tx, p.call, p.user, runKey(p.call.Slug, []int64{x.ID}), added, nil)
	})
	if err != nil {
		return AssignmentView{}, err
	}
	a.Notify()
	return out, nil
}

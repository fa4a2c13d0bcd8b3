package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// auditPage is a call's audit log with its filters.
type auditPage struct {
	secReviewBase
	Filters []*formField
	Summary []summaryItem
	Entries []auditRow
	Total   int
	Shown   int
	Zone    string
}

// auditRow is one entry of the log.
type auditRow struct {
	At, Actor, Entity, EntityID, Action, From, To, Reason string
}

// auditShown bounds the entries a page lists.
const auditShown = 500

// What the audit log of a call records: the filters offer these.
var (
	auditEntities = []string{"call", "case", "decision", "panel", "assignment", "assignment_rule", "review"}
	auditActions  = []string{"create", "update", "phase", "review_settings", "submit", "withdraw", "attach", "detach", "import",
		"screen", "invite", "accept", "decline", "profile", "max_load", "assign", "unassign", "pin", "forbid", "clear",
		"start", "reopen", "decide", "release", "publish", "unpublish"}
)

func (h *Handler) auditShow(w http.ResponseWriter, r *http.Request, rq *request) error {
	b, call, err := h.secReviewPage(r, rq, "audit", "review.audit.title")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	loc := callZone(call)
	p := auditPage{secReviewBase: b, Zone: rq.L.ZoneName(loc)}
	fe := newFormErrors(rq, "audit-filters")
	// The app filters by the call, in the database, and counts what
	// matches beyond the entries shown.
	f := app.AuditFilter{Call: call.Slug, Entity: q.Get("entity"), Action: q.Get("action"), Limit: auditShown}
	var problems domain.Errors
	if a := q.Get("actor"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			problems = append(problems, domain.FieldError{Field: "actor", Key: domain.ErrNotInteger})
		}
		f.ActorID = n
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		t, ok := parseLocalTime(q.Get(d.name), loc)
		switch {
		case !ok:
			problems = append(problems, domain.FieldError{Field: d.name, Key: "err.datetime"})
		case t != nil:
			*d.dst = *t
		}
	}
	var found []store.AuditEntry
	var actorIDs []int64
	if len(problems) == 0 {
		found, err = h.app.Audit(ctx, rq.user, f)
		if err == nil {
			p.Total, actorIDs, err = h.app.AuditCount(ctx, rq.user, f)
		}
		if errs := fieldErrors(err); errs != nil {
			problems, err = errs, nil
		}
		if err != nil {
			return err
		}
	}
	names, err := h.actorNames(ctx, rq, call.Slug)
	if err != nil {
		return err
	}
	actors := map[int64]bool{}
	if f.ActorID != 0 {
		actors[f.ActorID] = true
	}
	for _, id := range actorIDs {
		actors[id] = true
	}
	for _, e := range found {
		p.Entries = append(p.Entries, auditRow{At: rq.L.FormatDateTime(e.At, loc), Actor: actorName(rq, names, e.ActorID),
			Entity: auditLabel(rq, "entity", e.Entity), EntityID: e.EntityID, Action: auditLabel(rq, "action", e.Action),
			From: stateLabel(rq, e.From), To: stateLabel(rq, e.To), Reason: e.Reason})
	}
	p.Shown = len(p.Entries)
	sel := func(name string, opts []option) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kindSelect, Label: rq.T("review.audit.filter." + name), Required: true,
			Options: choose(append([]option{{Value: "", Label: rq.T("sec.filter.any")}}, opts...), q.Get(name))}
		fe.add(f)
		return f
	}
	var eo, ao, uo []option
	for _, k := range auditEntities {
		eo = append(eo, option{Value: k, Label: auditLabel(rq, "entity", k)})
	}
	for _, k := range auditActions {
		ao = append(ao, option{Value: k, Label: auditLabel(rq, "action", k)})
	}
	ids := make([]int64, 0, len(actors))
	for id := range actors {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		uo = append(uo, option{Value: strconv.FormatInt(id, 10), Label: actorName(rq, names, &id)})
	}
	dt := func(name string) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kindDateTime, Value: q.Get(name), Required: true,
			Label: rq.T("review.audit.filter."+name, map[string]any{"Zone": p.Zone})}
		fe.add(f)
		return f
	}
	p.Filters = []*formField{sel("entity", eo), sel("action", ao), sel("actor", uo), dt("from"), dt("to")}
	fe.place(problems)
	p.Summary = fe.Summary
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, rq, status, "review_audit", &p)
	return nil
}

// actorNames are the names the secretariat can know of the people in a
// call's log: the panel's reviewers and the reader.
func (h *Handler) actorNames(ctx context.Context, rq *request, slug string) (map[int64]string, error) {
	panel, err := h.app.Reviewers(ctx, rq.user, slug)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{rq.user.ID: rq.user.Name}
	for _, m := range panel {
		if m.Reviewer != nil {
			names[*m.Reviewer] = m.Name
		}
	}
	return names, nil
}

// actorName names who made a change: a known name, an account number, or
// the platform itself.
func actorName(rq *request, names map[int64]string, id *int64) string {
	switch {
	case id == nil:
		return rq.T("review.audit.system")
	case names[*id] != "":
		return names[*id]
	}
	return rq.T("review.audit.account", map[string]any{"ID": *id})
}

// stateLabel is the text of a state in the log: a case state, a review
// state or an invitation's, or the value itself.
func stateLabel(rq *request, s string) string {
	for _, key := range []string{"state." + s, "review.state." + s, "review.panel." + s, "phase." + s, "review.decision." + s} {
		if s != "" && rq.L.Has(key) {
			return rq.T(key)
		}
	}
	return s
}

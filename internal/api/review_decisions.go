package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// The committee's endpoints: the ranking, decisions and their release,
// publication, the applicant's feedback, the audit log and the call's
// review settings.

// ranking lists a call's reviewed cases, by calibrated score unless the
// query asks for another sort.
func (s *server) ranking(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	key, order := q.Get("sort"), q.Get("order")
	var probs []fieldProblem
	if key != "" && !slices.Contains(app.RankingKeys, key) {
		probs = append(probs, fieldProblem{field: "sort", key: domain.ErrUnknownCode, args: map[string]any{"Value": key}})
	}
	if order != "" && order != "asc" && order != "desc" {
		probs = append(probs, fieldProblem{field: "order", key: domain.ErrUnknownCode, args: map[string]any{"Value": order}})
	}
	if len(probs) > 0 {
		return queryProblem(probs)
	}
	rows, err := s.app.Ranking(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	if key != "" || order != "" {
		if key == "" {
			key = "calibrated"
		}
		if err := app.SortRanking(rows, key, order != "asc"); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, items(rows))
}

// rankingTypes are the media types of the ranking's exports.
var rankingTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// exportRanking downloads the ranking as CSV or XLSX.
func (s *server) exportRanking(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	format := r.URL.Query().Get("format")
	if _, ok := rankingTypes[format]; !ok {
		key, args := domain.ErrUnknownCode, map[string]any{"Value": format}
		if format == "" {
			key, args = domain.ErrRequired, nil
		}
		return queryProblem([]fieldProblem{{field: "format", key: key, args: args}})
	}
	slug := r.PathValue("slug")
	lw := &lazyWriter{w: w, start: func(h http.Header) {
		h.Set("Content-Type", rankingTypes[format])
		h.Set("Content-Disposition", attachmentDisposition(slug+"-ranking."+format))
	}}
	err := s.app.ExportRanking(r.Context(), rc.actor, slug, format, lw)
	if err != nil && lw.started {
		s.log.ErrorContext(r.Context(), "api: ranking export failed mid-stream", "call", slug, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		return err
	}
	if !lw.started {
		lw.Write(nil)
	}
	return nil
}

type decisionBody struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// decide records the committee's decision on a case; it stays pending
// until the call's decisions are released.
func (s *server) decide(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in decisionBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	d, err := s.app.Decide(r.Context(), rc.actor, r.PathValue("id"), in.Decision, in.Note)
	if err != nil {
		return err
	}
	d.DecidedAt = d.DecidedAt.UTC()
	d.ReleasedAt = utcPtr(d.ReleasedAt)
	return writeJSON(w, http.StatusOK, d)
}

// releaseDecisions releases a call's pending decisions and mails the
// applicants.
func (s *server) releaseDecisions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in struct{}
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.app.ReleaseDecisions(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// publishCase publishes one accepted case whose applicant consented.
func (s *server) publishCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in struct{}
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Publish(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

type unpublishBody struct {
	Reason string `json:"reason"`
}

// unpublishCase takes a published case out of the library.
func (s *server) unpublishCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in unpublishBody
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Unpublish(r.Context(), rc.actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

// publishCall publishes every accepted case of a call with consent.
func (s *server) publishCall(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in struct{}
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.app.PublishCall(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// feedback returns the released decision on a case and the reviewers'
// comments to its applicant, unnamed.
func (s *server) feedback(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	fb, err := s.app.Feedback(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fb)
}

// settingsJSON writes the review deadline in UTC.
func settingsJSON(set app.ReviewSettings) app.ReviewSettings {
	set.Deadline = utcPtr(set.Deadline)
	return set
}

func (s *server) getReviewSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	set, err := s.app.ReviewSettings(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsJSON(set))
}

// putReviewSettings replaces a call's review settings: a body without a
// review deadline removes it.
func (s *server) putReviewSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.ReviewSettings
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	set, err := s.app.SetReviewSettings(r.Context(), rc.actor, r.PathValue("slug"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsJSON(set))
}

// reviewSettingsPatch is the body of a PATCH of the review settings.
type reviewSettingsPatch struct {
	Visibility      *string    `json:"review_visibility"`
	RevealReviewers *bool      `json:"reveal_reviewers"`
	Deadline        *time.Time `json:"review_deadline"`
}

// patchReviewSettings changes the review settings present in the body and
// leaves the others as they are (merge-patch semantics: a null review
// deadline removes it).
func (s *server) patchReviewSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if !jsonMediaType(r.Header.Get("Content-Type")) {
		return unsupportedJSON(r)
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	var in reviewSettingsPatch
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	// The decoder cannot tell a null deadline from none: look for the key.
	var present map[string]json.RawMessage
	if err := json.Unmarshal(body, &present); err != nil {
		return badRequest("error.bad_request", nil)
	}
	_, setDeadline := present["review_deadline"]
	set, err := s.app.ChangeReviewSettings(r.Context(), rc.actor, r.PathValue("slug"), app.ReviewSettingsChange{
		Visibility: in.Visibility, RevealReviewers: in.RevealReviewers, SetDeadline: setDeadline, Deadline: in.Deadline})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsJSON(set))
}

// auditJSON is one entry of the audit log.
type auditJSON struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    *int64    `json:"actor"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id"`
	Action   string    `json:"action"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Reason   string    `json:"reason"`
}

// Audit list limits.
const (
	defaultAuditLimit = 500
	maxAuditLimit     = 5000
)

// callAudit lists a call's audit log, newest first, with filters on the
// entity, action, actor and time (from ≤ at < to).
func (s *server) callAudit(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	var probs []fieldProblem
	f := app.AuditFilter{Call: r.PathValue("slug"), Entity: q.Get("entity"), Action: q.Get("action")}
	if a := q.Get("actor"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			probs = append(probs, fieldProblem{field: "actor", key: domain.ErrNotInteger})
		}
		f.ActorID = n
	}
	for _, d := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				probs = append(probs, fieldProblem{field: d.name, key: "err.datetime"})
			}
			*d.dst = t
		}
	}
	f.Limit = pageParam(q, "limit", defaultAuditLimit, maxAuditLimit, &probs)
	if len(probs) > 0 {
		return queryProblem(probs)
	}
	es, err := s.app.Audit(r.Context(), rc.actor, f)
	if err != nil {
		return err
	}
	out := make([]auditJSON, 0, len(es))
	for _, e := range es {
		out = append(out, auditJSON{ID: e.ID, At: e.At.UTC(), Actor: e.ActorID, Entity: e.Entity, EntityID: e.EntityID,
			Action: e.Action, From: e.From, To: e.To, Reason: e.Reason})
	}
	return writeJSON(w, http.StatusOK, items(out))
}

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

type createdCase struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

func caseLocation(id string) string { return "/api/v1/cases/" + url.PathEscape(id) }

// createCase starts a draft in an open call from whatever the body holds.
func (s *server) createCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.CaseBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.CreateCase(r.Context(), rc.actor, r.PathValue("slug"), in.Case)
	if err != nil {
		return err
	}
	w.Header().Set("Location", caseLocation(v.ID))
	return writeJSON(w, http.StatusCreated, createdCase{ID: v.ID, State: v.State})
}

func (s *server) getCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	v, err := s.app.Case(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

// putCase replaces the working copy, valid or not: a draft, or before the
// deadline a submitted case (whose submitted versions stay as they are).
func (s *server) putCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.CaseBody
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.SaveDraft(r.Context(), rc.actor, r.PathValue("id"), in.Case)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

// submitCase validates the working copy and stores it as a new version;
// submitting an unchanged case again changes nothing.
func (s *server) submitCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	// No body, or an empty object: a body that says more is refused
	// rather than ignored.
	var in struct{}
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Submit(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

type withdrawBody struct {
	Reason string `json:"reason"`
}

// withdrawCase takes a case out of the call; the body, with a reason, is
// optional.
func (s *server) withdrawCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in withdrawBody
	if err := readOptionalJSON(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Withdraw(r.Context(), rc.actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, app.Record(v))
}

type versionItem struct {
	Version     int       `json:"version"`
	SubmittedAt time.Time `json:"submitted_at"`
}

type versionList struct {
	Items []versionItem `json:"items"`
}

// versionJSON is one submitted version: the document exactly as it was
// submitted, with the case id, the version number and the time.
type versionJSON struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	SubmittedAt time.Time `json:"submitted_at"`
	domain.Case
}

func (s *server) listVersions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	vs, err := s.app.Versions(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := versionList{Items: make([]versionItem, 0, len(vs))}
	for _, v := range vs {
		out.Items = append(out.Items, versionItem{Version: v.Version, SubmittedAt: v.SubmittedAt.UTC()})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getVersion(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	vs, err := s.app.Versions(r.Context(), rc.actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return &app.Error{Kind: app.KindNotFound, Key: "error.not_found"}
	}
	for _, v := range vs {
		if v.Version != n {
			continue
		}
		out := versionJSON{ID: v.CaseID, Version: v.Version, SubmittedAt: v.SubmittedAt.UTC()}
		if err := json.Unmarshal(v.Doc, &out.Case); err != nil {
			return fmt.Errorf("case %s version %d: %w", v.CaseID, v.Version, err)
		}
		return writeJSON(w, http.StatusOK, out)
	}
	return &app.Error{Kind: app.KindNotFound, Key: "error.not_found"}
}

// List paging.
const (
	defaultPerPage = 50
	maxPerPage     = 1000
)

// listFilter reads the filters of a case list or export from the query:
// state, country, region, wsis and technology, each repeatable (OR within
// a filter, AND across filters). An unknown code is refused, so that a
// misspelt filter is not mistaken for an empty result.
func listFilter(q url.Values) (app.ListFilter, []fieldProblem) {
	var f app.ListFilter
	var probs []fieldProblem
	codes := func(param string, known func(string) (string, bool)) []string {
		var out []string
		for _, v := range q[param] {
			for _, c := range strings.Split(v, ",") {
				c = strings.TrimSpace(c)
				if c == "" {
					continue
				}
				canon, ok := known(c)
				if !ok {
					probs = append(probs, fieldProblem{field: param, key: domain.ErrUnknownCode, args: map[string]any{"Value": c}})
					continue
				}
				out = append(out, canon)
			}
		}
		return out
	}
	f.States = codes("state", app.InVocab(domain.CaseStates, false))
	f.Countries = codes("country", func(c string) (string, bool) {
		k, ok := domain.CountryByCode(strings.ToUpper(c))
		return k.Code, ok
	})
	f.Regions = codes("region", app.InVocab(domain.Regions, false))
	f.WSIS = codes("wsis", app.InVocab(domain.ActionLines, true))
	f.Technologies = codes("technology", app.InVocab(domain.Technologies, false))
	return f, probs
}

// pageParam reads a positive integer query parameter.
func pageParam(q url.Values, name string, def, max int, probs *[]fieldProblem) int {
	s := q.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	switch {
	case errors.Is(err, strconv.ErrRange) && s[0] != '-':
		// Digits, but more than any page: say how many there may be.
		*probs = append(*probs, fieldProblem{field: name, key: domain.ErrTooLarge, args: map[string]any{"Max": max}})
	case errors.Is(err, strconv.ErrRange):
		*probs = append(*probs, fieldProblem{field: name, key: domain.ErrTooSmall, args: map[string]any{"Min": 1}})
	case err != nil:
		*probs = append(*probs, fieldProblem{field: name, key: domain.ErrNotInteger})
	case n < 1:
		*probs = append(*probs, fieldProblem{field: name, key: domain.ErrTooSmall, args: map[string]any{"Min": 1}})
	case n > max:
		*probs = append(*probs, fieldProblem{field: name, key: domain.ErrTooLarge, args: map[string]any{"Max": max}})
	default:
		return n
	}
	return def
}

func queryProblem(probs []fieldProblem) error {
	return badRequest("api.err.query", map[string]any{"Count": len(probs)}, probs...)
}

type caseListItem struct {
	ID          string     `json:"id"`
	State       string     `json:"state"`
	Title       string     `json:"title"`
	Language    string     `json:"language"`
	Version     int        `json:"version"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

type caseList struct {
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Items   []caseListItem `json:"items"`
}

// listCases lists a call's cases: the caller's own, or every case for the
// secretariat.
func (s *server) listCases(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	f, probs := listFilter(q)
	f.Page = pageParam(q, "page", 1, maxInt, &probs)
	f.PerPage = pageParam(q, "per_page", defaultPerPage, maxPerPage, &probs)
	if len(probs) > 0 {
		return queryProblem(probs)
	}
	cases, total, err := s.app.Cases(r.Context(), rc.actor, r.PathValue("slug"), f)
	if err != nil {
		return err
	}
	out := caseList{Total: total, Page: f.Page, PerPage: f.PerPage, Items: make([]caseListItem, 0, len(cases))}
	for _, c := range cases {
		out.Items = append(out.Items, listItem(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

const maxInt = int(^uint(0) >> 1)

func listItem(c store.Case) caseListItem {
	return caseListItem{
		ID: c.ID, State: c.State, Title: c.Title, Language: c.Language, Version: c.Version,
		SubmittedAt: utcPtr(c.SubmittedAt), UpdatedAt: c.UpdatedAt.UTC(),
	}
}

// exportTypes gives each export format its media type and file extension.
var exportTypes = map[string]struct{ mediaType, ext string }{
	"csv":   {"text/csv; charset=utf-8", "csv"},
	"xlsx":  {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	"jsonl": {"application/jsonl; charset=utf-8", "jsonl"},
}

// exportCases streams a call's cases, with the list's filters, as CSV,
// XLSX or JSON Lines (secretariat).
func (s *server) exportCases(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q := r.URL.Query()
	f, probs := listFilter(q)
	format := q.Get("format")
	if format == "" {
		probs = append(probs, fieldProblem{field: "format", key: domain.ErrRequired})
	} else if _, ok := exportTypes[format]; !ok {
		probs = append(probs, fieldProblem{field: "format", key: domain.ErrUnknownCode, args: map[string]any{"Value": format}})
	}
	if len(probs) > 0 {
		return queryProblem(probs)
	}
	t := exportTypes[format]
	slug := r.PathValue("slug")
	lw := &lazyWriter{w: w, start: func(h http.Header) {
		h.Set("Content-Type", t.mediaType)
		h.Set("Content-Disposition", attachmentDisposition(slug+"-cases."+t.ext))
	}}
	err := s.app.Export(r.Context(), rc.actor, slug, format, f, lw)
	if err != nil && lw.started {
		// The status line is gone: cut the response short so that the
		// client sees a broken transfer, not a complete file.
		s.log.ErrorContext(r.Context(), "api: export failed mid-stream", "call", slug, "format", format, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		return err
	}
	if !lw.started {
		lw.Write(nil) // an empty export is still a file
	}
	return nil
}

// lazyWriter sends the success headers with the first byte, so that an
// operation that fails before writing anything can still answer with a
// problem document.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func(http.Header)
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start(l.w.Header())
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
)

// callJSON is a call as the API shows it; State is its phase now.
type callJSON struct {
	Slug             string                  `json:"slug"`
	State            string                  `json:"state"`
	Title            store.LocalText         `json:"title"`
	Description      store.LocalText         `json:"description"`
	OpensAt          time.Time               `json:"opens_at"`
	ClosesAt         time.Time               `json:"closes_at"`
	Timezone         string                  `json:"timezone"`
	Blind            bool                    `json:"blind"`
	ReviewersPerCase int                     `json:"reviewers_per_case"`
	Eligibility      []store.EligibilityItem `json:"eligibility"`
	Rubric           json.RawMessage         `json:"rubric,omitempty"`
}

func (s *server) callJSON(c store.Call) callJSON {
	out := callJSON{
		Slug: c.Slug, State: s.app.Phase(c), Title: c.Title, Description: c.Description,
		OpensAt: c.OpensAt.UTC(), ClosesAt: c.ClosesAt.UTC(), Timezone: c.Timezone, Blind: c.Blind,
		ReviewersPerCase: c.ReviewersPerCase, Eligibility: c.Eligibility, Rubric: c.Rubric,
	}
	if out.Title == nil {
		out.Title = store.LocalText{}
	}
	if out.Description == nil {
		out.Description = store.LocalText{}
	}
	if out.Eligibility == nil {
		out.Eligibility = []store.EligibilityItem{}
	}
	for i, it := range out.Eligibility {
		if it.Text == nil {
			out.Eligibility[i].Text = store.LocalText{}
		}
	}
	return out
}

type callList struct {
	Items []callJSON `json:"items"`
}

func (s *server) listCalls(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	calls, err := s.app.Calls(r.Context(), rc.actor)
	if err != nil {
		return err
	}
	out := callList{Items: make([]callJSON, 0, len(calls))}
	for _, c := range calls {
		out.Items = append(out.Items, s.callJSON(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getCall(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	c, err := s.app.Call(r.Context(), rc.actor, r.PathValue("slug"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.callJSON(c))
}

func (s *server) createCall(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.CallInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.app.CreateCall(r.Context(), rc.actor, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/calls/"+url.PathEscape(c.Slug))
	return writeJSON(w, http.StatusCreated, s.callJSON(c))
}

// updateCall changes the fields present in the body and leaves the others
// as they are (merge-patch semantics; a title or description entry with
// empty text removes that language).
func (s *server) updateCall(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var in app.CallInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.app.UpdateCall(r.Context(), rc.actor, r.PathValue("slug"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.callJSON(c))
}

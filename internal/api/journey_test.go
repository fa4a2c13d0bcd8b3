package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// TestJourney follows one call and one case from creation to withdrawal
// through the API, on SQLite and PostgreSQL.
func TestJourney(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		// The secretariat creates a call and extends it in French.
		r := e.do(t, "POST", "/api/v1/calls", token(e.secretariat), jsonBody(callBody("sme-2026", opensAt, closesAt))).want(t, http.StatusCreated)
		if loc := r.header.Get("Location"); loc != "/api/v1/calls/sme-2026" {
			t.Errorf("Location %q", loc)
		}
		call := r.obj(t)
		if call["state"] != "open" || call["blind"] != false || call["reviewers_per_case"] != 3.0 || call["timezone"] != "Europe/Zurich" {
			t.Errorf("created call: %v", call)
		}
		patch := map[string]any{"title": map[string]string{"fr": "Transformation numérique des PME 2026"}, "blind": true}
		r = e.do(t, "PATCH", "/api/v1/calls/sme-2026", token(e.secretariat), jsonBody(patch), contentType("application/merge-patch+json")).want(t, http.StatusOK)
		call = r.obj(t)
		title := call["title"].(map[string]any)
		if title["fr"] != "Transformation numérique des PME 2026" || title["en"] != "SME digital transformation 2026" || call["blind"] != true {
			t.Errorf("patched call: %v", call)
		}

		// Anyone can read the open call.
		var calls struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls").want(t, http.StatusOK).json(t, &calls)
		if len(calls.Items) != 1 || calls.Items[0]["slug"] != "sme-2026" {
			t.Fatalf("public calls: %v", calls.Items)
		}
		e.do(t, "GET", "/api/v1/calls/sme-2026").want(t, http.StatusOK)

		// The applicant signs in with a password and uses the new token.
		var tok struct{ Token string }
		e.do(t, "POST", "/api/v1/tokens", jsonBody(map[string]string{"email": "applicant@example.org", "password": testPassword, "name": "my script"})).
			want(t, http.StatusCreated).json(t, &tok)
		me := e.do(t, "GET", "/api/v1/me", token(tok.Token)).want(t, http.StatusOK).obj(t)
		if me["email"] != "applicant@example.org" || me["role"] != "applicant" {
			t.Errorf("me: %v", me)
		}
		applicant := tok.Token

		// A draft with partial content.
		partial := map[string]any{"language": "en", "title": "Cloud accounting for tailors", "countries": []string{"ke"}}
		r = e.do(t, "POST", "/api/v1/calls/sme-2026/cases", token(applicant), jsonBody(partial)).want(t, http.StatusCreated)
		var created struct{ ID, State string }
		r.json(t, &created)
		if created.State != "draft" || !strings.HasPrefix(created.ID, "DX-2026-") {
			t.Fatalf("created: %+v", created)
		}
		if loc := r.header.Get("Location"); loc != "/api/v1/cases/"+created.ID {
			t.Errorf("Location %q", loc)
		}
		id := created.ID
		rec := e.do(t, "GET", "/api/v1/cases/"+id, token(applicant)).want(t, http.StatusOK).obj(t)
		if rec["id"] != id || rec["call"] != "sme-2026" || rec["state"] != "draft" || rec["version"] != 0.0 || rec["editable"] != true {
			t.Errorf("draft record: %v", rec)
		}
		if rec["title"] != "Cloud accounting for tailors" || !slices.Equal(strings.Fields(jsonText(rec["countries"])), []string{`["KE"]`}) {
			t.Errorf("draft content: %v", rec)
		}
		if !containsAll(rec["missing"], "summary", "kpis", "consent_publish") || containsAll(rec["missing"], "title") {
			t.Errorf("missing: %v", rec["missing"])
		}
		if rec["deadline"] != closesAt.Format(time.RFC3339) {
			t.Errorf("deadline %v", rec["deadline"])
		}

		// More content, still incomplete: saved as it is; submitting lists
		// what is wrong.
		partial["summary"] = "Too short."
		partial["technologies"] = []string{"cloud", "payments"}
		e.do(t, "PUT", "/api/v1/cases/"+id, token(applicant), jsonBody(partial)).want(t, http.StatusOK)
		p := e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(applicant)).want(t, http.StatusUnprocessableEntity).problem(t)
		for _, want := range [][2]string{{"summary", "err.too_few_words"}, {"problem", "err.required"}, {"consent_publish", "err.must_consent"}, {"organisation.name", "err.required"}} {
			if !p.hasError(want[0], want[1]) {
				t.Errorf("submit errors lack %v: %v", want, p.fields())
			}
		}
		for _, fe := range p.Errors {
			if fe.Message == "" || fe.Message == fe.Code {
				t.Errorf("error %s %s has no message", fe.Field, fe.Code)
			}
		}

		// Fixed and submitted: version 1.
		full := exampleCase(t)
		rec = e.do(t, "PUT", "/api/v1/cases/"+id, token(applicant), jsonBody(full)).want(t, http.StatusOK).obj(t)
		if len(rec["missing"].([]any)) != 0 {
			t.Errorf("missing after a full PUT: %v", rec["missing"])
		}
		rec = e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(applicant)).want(t, http.StatusOK).obj(t)
		if rec["state"] != "submitted" || rec["version"] != 1.0 || rec["submitted_at"] != t0.Format(time.RFC3339) {
			t.Fatalf("submitted: state %v version %v at %v", rec["state"], rec["version"], rec["submitted_at"])
		}
		// A second submission of the same content changes nothing.
		e.clock.Set(t0.Add(time.Hour))
		rec = e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(applicant), jsonBody("{}")).want(t, http.StatusOK).obj(t)
		if rec["version"] != 1.0 || rec["submitted_at"] != t0.Format(time.RFC3339) {
			t.Errorf("resubmitted unchanged: version %v at %v", rec["version"], rec["submitted_at"])
		}
		var versions struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/cases/"+id+"/versions", token(applicant)).want(t, http.StatusOK).json(t, &versions)
		if len(versions.Items) != 1 {
			t.Fatalf("versions: %v", versions.Items)
		}

		// Edited and submitted again: version 2; version 1 is kept.
		full["title"] = "Cloud accounting and mobile money for tailoring workshops in Kisumu"
		rec = e.do(t, "PUT", "/api/v1/cases/"+id, token(applicant), jsonBody(full)).want(t, http.StatusOK).obj(t)
		if rec["state"] != "submitted" || rec["version"] != 1.0 {
			t.Errorf("edited submitted case: state %v version %v", rec["state"], rec["version"])
		}
		rec = e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(applicant)).want(t, http.StatusOK).obj(t)
		if rec["version"] != 2.0 {
			t.Errorf("version %v, want 2", rec["version"])
		}
		e.do(t, "GET", "/api/v1/cases/"+id+"/versions", token(applicant)).want(t, http.StatusOK).json(t, &versions)
		if len(versions.Items) != 2 || versions.Items[0]["version"] != 1.0 || versions.Items[1]["version"] != 2.0 {
			t.Fatalf("versions: %v", versions.Items)
		}
		v1 := e.do(t, "GET", "/api/v1/cases/"+id+"/versions/1", token(applicant)).want(t, http.StatusOK).obj(t)
		v2 := e.do(t, "GET", "/api/v1/cases/"+id+"/versions/2", token(applicant)).want(t, http.StatusOK).obj(t)
		if v1["title"] != exampleCase(t)["title"] || v2["title"] != full["title"] || v1["id"] != id {
			t.Errorf("version titles: %v / %v", v1["title"], v2["title"])
		}
		e.do(t, "GET", "/api/v1/cases/"+id+"/versions/3", token(applicant)).want(t, http.StatusNotFound)
		e.do(t, "GET", "/api/v1/cases/"+id+"/versions/first", token(applicant)).want(t, http.StatusNotFound)

		// An attachment: uploaded, listed, downloaded as it was sent.
		r = e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(applicant), fileBody("file", "Rapport d’impact.pdf", pdfFile)).want(t, http.StatusCreated)
		var att struct {
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Size        int64  `json:"size"`
			SHA256      string `json:"sha256"`
		}
		r.json(t, &att)
		if att.Name != "Rapport d’impact.pdf" || att.ContentType != "application/pdf" || att.Size != int64(len(pdfFile)) || len(att.SHA256) != 64 {
			t.Errorf("attachment: %+v", att)
		}
		var list struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/cases/"+id+"/attachments", token(applicant)).want(t, http.StatusOK).json(t, &list)
		if len(list.Items) != 1 || list.Items[0]["name"] != att.Name {
			t.Errorf("attachments: %v", list.Items)
		}
		r = e.do(t, "GET", r.header.Get("Location"), token(applicant)).want(t, http.StatusOK)
		if !bytes.Equal(r.body, pdfFile) || r.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download: %q %v", r.body, r.header)
		}
		// The secretariat may read it too.
		e.do(t, "GET", "/api/v1/cases/"+id+"/attachments", token(e.secretariat)).want(t, http.StatusOK)

		// A second applicant's draft, for the lists.
		other := e.createCase(t, e.applicant2, "sme-2026", map[string]any{"title": "A draft", "countries": []string{"FR"}, "technologies": []string{"ai"}})

		// Lists: applicants see their own; the secretariat sees all and filters.
		var cl struct {
			Total, Page, PerPage int
			Items                []map[string]any
		}
		e.do(t, "GET", "/api/v1/calls/sme-2026/cases", token(applicant)).want(t, http.StatusOK).json(t, &cl)
		if cl.Total != 1 || len(cl.Items) != 1 || cl.Items[0]["id"] != id || cl.Page != 1 {
			t.Errorf("applicant's list: %+v", cl)
		}
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{id, other}},
			{"?state=submitted", []string{id}},
			{"?state=draft&state=submitted", []string{id, other}},
			{"?country=KE", []string{id}},
			{"?country=ke&country=FR", []string{id, other}},
			{"?region=002", []string{id}},
			{"?region=150", []string{other}},
			{"?wsis=C7", []string{id}},
			{"?technology=payments", []string{id}},
			{"?technology=ai&country=KE", nil},
			{"?technology=ai,payments", []string{id, other}},
			{"?per_page=1", []string{id}},
			{"?per_page=1&page=2", []string{other}},
			{"?per_page=1&page=3", nil},
		} {
			t.Run("list"+tc.query, func(t *testing.T) {
				e.do(t, "GET", "/api/v1/calls/sme-2026/cases"+tc.query, token(e.secretariat)).want(t, http.StatusOK).json(t, &cl)
				var got []string
				for _, it := range cl.Items {
					got = append(got, it["id"].(string))
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}

		// Exports.
		for _, tc := range []struct{ format, mediaType, start string }{
			{"csv", "text/csv; charset=utf-8", "\uFEFFid,call,state"},
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
			{"jsonl", "application/jsonl; charset=utf-8", "{"},
		} {
			r := e.do(t, "GET", "/api/v1/calls/sme-2026/export?format="+tc.format, token(e.secretariat)).want(t, http.StatusOK)
			if r.header.Get("Content-Type") != tc.mediaType || !bytes.HasPrefix(r.body, []byte(tc.start)) ||
				r.header.Get("Content-Disposition") != `attachment; filename=sme-2026-cases.`+tc.format {
				t.Errorf("export %s: %v %.40q", tc.format, r.header, r.body)
			}
		}
		r = e.do(t, "GET", "/api/v1/calls/sme-2026/export?format=jsonl&state=submitted", token(e.secretariat)).want(t, http.StatusOK)
		if lines := bytes.Count(r.body, []byte("\n")); lines != 1 || !bytes.Contains(r.body, []byte(id)) {
			t.Errorf("filtered export: %s", r.body)
		}
		r = e.do(t, "GET", "/api/v1/calls/sme-2026/export?format=jsonl&technology=blockchain", token(e.secretariat)).want(t, http.StatusOK)
		if len(r.body) != 0 || r.header.Get("Content-Type") != "application/jsonl; charset=utf-8" {
			t.Errorf("empty export: %v %q", r.header, r.body)
		}

		// After the deadline nothing can change, but everything can be read.
		e.clock.Set(closesAt.Add(time.Minute))
		p = e.do(t, "PUT", "/api/v1/cases/"+id, token(applicant), jsonBody(full)).want(t, http.StatusConflict).problem(t)
		if p.Code != "error.deadline_passed" {
			t.Errorf("PUT after the deadline: %+v", p)
		}
		e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(applicant)).want(t, http.StatusConflict)
		e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(applicant), fileBody("file", "more.pdf", pdfFile)).want(t, http.StatusConflict)
		e.do(t, "DELETE", "/api/v1/cases/"+id+"/attachments/"+url.PathEscape(att.Name), token(applicant)).want(t, http.StatusConflict)
		rec = e.do(t, "GET", "/api/v1/cases/"+id, token(applicant)).want(t, http.StatusOK).obj(t)
		if rec["editable"] != false || rec["title"] != full["title"] {
			t.Errorf("record after the deadline: editable %v title %v", rec["editable"], rec["title"])
		}
		if c := e.do(t, "GET", "/api/v1/calls/sme-2026").want(t, http.StatusOK).obj(t); c["state"] != "closed" {
			t.Errorf("call state after closing: %v", c["state"])
		}
		e.do(t, "POST", "/api/v1/calls/sme-2026/cases", token(applicant), jsonBody("{}")).want(t, http.StatusConflict)

		// Withdrawal, with a reason; again changes nothing.
		rec = e.do(t, "POST", "/api/v1/cases/"+id+"/withdraw", token(applicant), jsonBody(map[string]string{"reason": "Merged into another case."})).want(t, http.StatusOK).obj(t)
		if rec["state"] != "withdrawn" || rec["editable"] != false {
			t.Errorf("withdrawn: %v %v", rec["state"], rec["editable"])
		}
		e.do(t, "POST", "/api/v1/cases/"+id+"/withdraw", token(applicant)).want(t, http.StatusOK)

		// Extending the call reopens editing, but not of a withdrawn case.
		e.do(t, "PATCH", "/api/v1/calls/sme-2026", token(e.secretariat), jsonBody(map[string]string{"closes_at": closesAt.Add(48 * time.Hour).Format(time.RFC3339)})).want(t, http.StatusOK)
		e.do(t, "PUT", "/api/v1/cases/"+id, token(applicant), jsonBody(full)).want(t, http.StatusConflict)
		e.do(t, "PUT", "/api/v1/cases/"+other, token(e.applicant2), jsonBody(map[string]string{"title": "Still a draft"})).want(t, http.StatusOK)
		e.do(t, "DELETE", "/api/v1/cases/"+other+"/attachments/none.pdf", token(e.applicant2)).want(t, http.StatusNotFound)
	})
}

// TestDeleteAttachment removes a file while the case is editable.
func TestDeleteAttachment(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug := e.createCall(t, "sme-2026", opensAt, closesAt)
		id := e.createCase(t, e.applicant, slug, map[string]any{"title": "Draft"})
		e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(e.applicant), fileBody("file", "photo.png", pngFile)).want(t, http.StatusCreated)
		e.do(t, "DELETE", "/api/v1/cases/"+id+"/attachments/photo.png", token(e.applicant)).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/cases/"+id+"/attachments/photo.png", token(e.applicant)).want(t, http.StatusNotFound)
		var list struct{ Items []any }
		e.do(t, "GET", "/api/v1/cases/"+id+"/attachments", token(e.applicant)).want(t, http.StatusOK).json(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("attachments after delete: %v", list.Items)
		}
	})
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func containsAll(list any, want ...string) bool {
	items, _ := list.([]any)
	for _, w := range want {
		if !slices.Contains(items, any(w)) {
			return false
		}
	}
	return true
}

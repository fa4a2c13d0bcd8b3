package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// badCase is one request the API must refuse or handle with care.
type badCase struct {
	name   string
	do     func(t *testing.T) resp
	status int
	// code is the expected problem code; field and fieldCode, if set, an
	// expected entry of the problem's errors.
	code, field, fieldCode string
	check                  func(t *testing.T, r resp)
}

// TestBadInput sends one bad request of each kind and checks the status
// and the problem, on SQLite and PostgreSQL.
func TestBadInput(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug := e.createCall(t, "sme-2026", opensAt, closesAt)
		short := e.createCall(t, "closes-soon", opensAt, t0.Add(24*time.Hour))
		app := e.applicant

		draftID := e.createCase(t, app, slug, map[string]any{"title": "A draft"})
		draft := "/api/v1/cases/" + draftID
		put := func(body any) func(t *testing.T) resp {
			return func(t *testing.T) resp { return e.do(t, "PUT", draft, token(app), jsonBody(body)) }
		}
		// submitWith saves a new draft from the example with edits, then
		// submits it and returns the submission's answer.
		submitWith := func(edit func(m map[string]any)) func(t *testing.T) resp {
			return func(t *testing.T) resp {
				doc := exampleCase(t)
				edit(doc)
				id := e.createCase(t, app, slug, map[string]any{})
				e.do(t, "PUT", "/api/v1/cases/"+id, token(app), jsonBody(doc)).want(t, http.StatusOK)
				return e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(app))
			}
		}
		upload := func(id, name string, data []byte) func(t *testing.T) resp {
			return func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(app), fileBody("file", name, data))
			}
		}
		longTitle := strings.Repeat("word ", 39) + "last."
		script := `<script>alert("x")</script> & <b onmouseover="x()">bold</b>`

		validID := e.validCase(t, app, slug)
		soonID := e.validCase(t, app, short)
		otherID := e.validCase(t, e.applicant2, slug)
		e.do(t, "POST", "/api/v1/cases/"+otherID+"/attachments", token(e.applicant2), fileBody("file", "a.pdf", pdfFile)).want(t, http.StatusCreated)

		cases := []badCase{
			{name: "malformed JSON", do: put(`{"title" "x"}`), status: 400, code: "error.malformed_json_at"},
			{name: "truncated JSON", do: put(`{"title": "x"`), status: 400, code: "error.malformed_json"},
			{name: "two JSON values", do: put(`{} {}`), status: 400, code: "api.err.trailing_data"},
			{name: "an array for the record", do: put(`[1, 2]`), status: 400, code: "api.err.wrong_type_body"},
			{name: "empty body", do: put(``), status: 400, code: "error.malformed_json"},
			{name: "countries as a string", do: put(`{"countries": "KE"}`), status: 400, code: "error.wrong_type", field: "countries", fieldCode: "error.wrong_type"},
			{name: "goals as words", do: put(`{"sdgs": {"goals": ["eight"]}}`), status: 400, field: "sdgs.goals[0]", fieldCode: "error.wrong_type"},
			{name: "a fractional goal", do: put(`{"sdgs": {"goals": [8.5]}}`), status: 400, field: "sdgs.goals[0]", fieldCode: "error.wrong_type"},
			{name: "a KPI value as an object", do: put(`{"kpis": [{"name": "x"}, {"value": {"n": 1}}]}`), status: 400, field: "kpis[1].value", fieldCode: "error.wrong_type"},
			{name: "consent as a string", do: put(`{"consent_publish": "yes"}`), status: 400, field: "consent_publish", fieldCode: "error.wrong_type"},
			{name: "an unknown field", do: put(`{"title": "x", "colour": "red"}`), status: 400, code: "error.unknown_field", field: "colour", fieldCode: "error.unknown_field"},
			{name: "an unknown nested field", do: put(`{"organisation": {"name": "x", "colour": "red"}}`), status: 400, field: "organisation.colour", fieldCode: "error.unknown_field"},
			{name: "an unknown field in a list", do: put(`{"partners": [{"name": "x"}, {"nme": "y"}]}`), status: 400, field: "partners[1].nme", fieldCode: "error.unknown_field"},
			{name: "invalid UTF-8", do: put([]byte("{\"title\": \"caf\xe9\"}")), status: 400, code: "error.invalid_utf8"},
			{name: "JSON sent as text", do: func(t *testing.T) resp {
				return e.do(t, "PUT", draft, token(app), jsonBody(`{}`), contentType("text/plain"))
			}, status: 415, code: "api.err.content_type_json"},
			{name: "JSON in another charset", do: func(t *testing.T) resp {
				return e.do(t, "PUT", draft, token(app), jsonBody(`{}`), contentType("application/json; charset=iso-8859-1"))
			}, status: 415},
			{name: "a body over 1 MB", do: put(map[string]string{"title": strings.Repeat("x", 1<<20)}), status: 413, code: "error.body_too_large"},
			{name: "a 200-character title is kept, then refused at submission", do: func(t *testing.T) resp {
				r := put(map[string]any{"title": longTitle})(t).want(t, http.StatusOK)
				if r.obj(t)["title"] != longTitle {
					t.Errorf("title not kept")
				}
				return submitWith(func(m map[string]any) { m["title"] = longTitle })(t)
			}, status: 422, code: "error.invalid", field: "title", fieldCode: "err.too_long_chars"},
			{name: "control characters are kept, then refused at submission", do: func(t *testing.T) resp {
				title := "Cloud accounting\u0007 for tailors"
				if got := put(map[string]any{"title": title})(t).want(t, http.StatusOK).obj(t)["title"]; got != title {
					t.Errorf("title %q", got)
				}
				return submitWith(func(m map[string]any) { m["title"] = title })(t)
			}, status: 422, field: "title", fieldCode: "err.control_chars"},
			{name: "HTML and script are stored as text", do: put(map[string]any{"title": script, "summary": script}), status: 200, check: func(t *testing.T, r resp) {
				got := e.do(t, "GET", draft, token(app)).want(t, http.StatusOK).obj(t)
				if got["title"] != script || got["summary"] != script {
					t.Errorf("stored %q / %q", got["title"], got["summary"])
				}
			}},
			{name: "a record read with GET is accepted back by PUT", do: func(t *testing.T) resp {
				id := e.validCase(t, app, slug)
				rec := e.do(t, "GET", "/api/v1/cases/"+id, token(app)).want(t, http.StatusOK).obj(t)
				rec["lessons"] = "Train two people per workshop."
				rec["state"] = "accepted" // read-only: ignored
				return e.do(t, "PUT", "/api/v1/cases/"+id, token(app), jsonBody(rec))
			}, status: 200, check: func(t *testing.T, r resp) {
				rec := r.obj(t)
				if rec["lessons"] != "Train two people per workshop." || rec["state"] != "submitted" {
					t.Errorf("lessons %q, state %v", rec["lessons"], rec["state"])
				}
			}},
			{name: "unknown vocabulary codes", do: submitWith(func(m map[string]any) {
				m["technologies"] = []string{"cloud", "teleportation"}
			}), status: 422, field: "technologies[1]", fieldCode: "err.unknown_code"},
			{name: "an unknown action line", do: submitWith(func(m map[string]any) {
				m["wsis"] = map[string]any{"primary": "C12"}
			}), status: 422, field: "wsis.primary", fieldCode: "err.unknown_code"},
			{name: "an unknown country", do: submitWith(func(m map[string]any) { m["countries"] = []string{"KE", "XX"} }), status: 422, field: "countries[1]", fieldCode: "err.unknown_code"},
			{name: "a target not under a chosen goal", do: submitWith(func(m map[string]any) {
				m["sdgs"] = map[string]any{"goals": []int{8}, "targets": []string{"8.3", "9.3"}}
			}), status: 422, field: "sdgs.targets[1]", fieldCode: "err.target_not_under_goal"},
			{name: "dates out of order", do: submitWith(func(m map[string]any) {
				m["period"] = map[string]any{"start": "2024-08", "end": "2023-02"}
			}), status: 422, field: "period.end", fieldCode: "err.period_order"},
			{name: "numbers typed oddly are kept as typed", do: put(map[string]any{"kpis": []map[string]any{
				{"name": "a", "value": "+5"}, {"name": "b", "value": ".5"}, {"name": "c", "value": "007"}, {"name": "d", "value": "12 %"},
			}}), status: 200, check: func(t *testing.T, r resp) {
				got := e.do(t, "GET", draft, token(app)).want(t, http.StatusOK).obj(t)["kpis"]
				if s := jsonText(got); s != `[{"name":"a","value":"+5"},{"name":"b","value":".5"},{"name":"c","value":"007"},{"name":"d","value":"12 %"}]` {
					t.Errorf("kpis %s", s)
				}
			}},
			{name: "submitting twice changes nothing", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/cases/"+validID+"/submit", token(app))
			}, status: 200, check: func(t *testing.T, r resp) {
				if v := r.obj(t)["version"]; v != 1.0 {
					t.Errorf("version %v", v)
				}
			}},
			{name: "a body on submit", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/cases/"+validID+"/submit", token(app), jsonBody(`{"force": true}`))
			}, status: 400, field: "force", fieldCode: "error.unknown_field"},
			{name: "a file whose content is not what its name says", do: upload(draftID, "report.pdf", pngFile), status: 422, field: "file", fieldCode: "case.err.file_type"},
			{name: "a file of a kind not allowed", do: upload(draftID, "notes.txt", []byte("plain text")), status: 422, field: "file", fieldCode: "case.err.file_type"},
			{name: "a file name with a path", do: upload(draftID, "../../etc/report.pdf", pdfFile), status: 422, field: "file", fieldCode: "case.err.file_name"},
			{name: "a file name with a backslash", do: upload(draftID, `C:\Users\me\report.pdf`, pdfFile), status: 422, field: "file", fieldCode: "case.err.file_name"},
			{name: "an empty file", do: upload(draftID, "empty.pdf", nil), status: 422, field: "file", fieldCode: "case.err.file_empty"},
			{name: "a file over 10 MB", do: upload(draftID, "big.pdf", append(bytes.Clone(pdfFile), make([]byte, 10<<20)...)), status: 413, code: "case.err.file_too_large"},
			{name: "a sixth attachment", do: func(t *testing.T) resp {
				id := e.createCase(t, app, slug, map[string]any{})
				for i := range 5 {
					upload(id, fmt.Sprintf("photo-%d.png", i), pngFile)(t).want(t, http.StatusCreated)
				}
				return upload(id, "photo-6.png", pngFile)(t)
			}, status: 409, code: "case.err.too_many_files"},
			{name: "the same file name twice", do: func(t *testing.T) resp {
				upload(draftID, "twice.pdf", pdfFile)(t).want(t, http.StatusCreated)
				return upload(draftID, "twice.pdf", pdfFile)(t)
			}, status: 422, field: "file", fieldCode: "case.err.file_exists"},
			{name: "an upload that is not multipart", do: func(t *testing.T) resp {
				return e.do(t, "POST", draft+"/attachments", token(app), jsonBody(`{}`))
			}, status: 415, code: "api.err.content_type_multipart"},
			{name: "an upload without a file field", do: func(t *testing.T) resp {
				return e.do(t, "POST", draft+"/attachments", token(app), fileBody("document", "a.pdf", pdfFile))
			}, status: 400, code: "api.err.no_file"},
			{name: "a submission after the deadline", do: func(t *testing.T) resp {
				e.clock.Set(t0.Add(25 * time.Hour))
				return e.do(t, "POST", "/api/v1/cases/"+soonID+"/submit", token(app))
			}, status: 409, code: "error.deadline_passed"},
			{name: "no token", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/me") }, status: 401, code: "error.unauthenticated", check: func(t *testing.T, r resp) {
				if r.header.Get("WWW-Authenticate") != `Bearer realm="dxatlas"` {
					t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
				}
			}},
			{name: "a bad token", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/calls", token("dxa_nope")) }, status: 401, code: "api.err.bad_token", check: func(t *testing.T, r resp) {
				if !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
					t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
				}
			}},
			{name: "basic authentication", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/me", header("Authorization", "Basic YTpi"))
			}, status: 401, code: "api.err.bearer_only"},
			{name: "an applicant creating a call", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/calls", token(app), jsonBody(callBody("mine", opensAt, closesAt)))
			}, status: 403, code: "error.forbidden"},
			{name: "a call closing before it opens", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/calls", token(e.secretariat), jsonBody(callBody("backwards", closesAt, opensAt)))
			}, status: 422, field: "closes_at", fieldCode: "call.err.close_before_open"},
			{name: "a call time that is not RFC 3339", do: func(t *testing.T) resp {
				return e.do(t, "PATCH", "/api/v1/calls/"+slug, token(e.secretariat), jsonBody(`{"closes_at": "30/06/2026"}`))
			}, status: 400, field: "closes_at", fieldCode: "error.wrong_type"},
			{name: "a call field that is read-only", do: func(t *testing.T) resp {
				return e.do(t, "PATCH", "/api/v1/calls/"+slug, token(e.secretariat), jsonBody(`{"state": "published"}`))
			}, status: 400, field: "state", fieldCode: "error.unknown_field"},
			{name: "a wrong password", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/tokens", jsonBody(map[string]string{"email": "reviewer@example.org", "password": "wrong password"}))
			}, status: 401, code: "account.err.bad_credentials"},
			{name: "sign-in without a password", do: func(t *testing.T) resp {
				return e.do(t, "POST", "/api/v1/tokens", jsonBody(map[string]string{"email": "reviewer@example.org"}))
			}, status: 422, field: "password", fieldCode: "err.required"},
			{name: "too many failed sign-ins", do: func(t *testing.T) resp {
				creds := jsonBody(map[string]string{"email": "admin@example.org", "password": "guess"})
				for range 5 {
					e.do(t, "POST", "/api/v1/tokens", creds).want(t, http.StatusUnauthorized)
				}
				// Even the right password waits now.
				return e.do(t, "POST", "/api/v1/tokens", jsonBody(map[string]string{"email": "admin@example.org", "password": testPassword}))
			}, status: 429, code: "account.err.throttled", check: func(t *testing.T, r resp) {
				if r.header.Get("Retry-After") != "900" {
					t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
				}
			}},
			{name: "a method the path does not take", do: func(t *testing.T) resp { return e.do(t, "DELETE", "/api/v1/calls") }, status: 405, code: "api.err.method", check: func(t *testing.T, r resp) {
				if r.header.Get("Allow") != "GET, HEAD, POST" {
					t.Errorf("Allow %q", r.header.Get("Allow"))
				}
			}},
			{name: "a path that does not exist", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/nowhere", token(app)) }, status: 404, code: "api.err.no_endpoint"},
			{name: "a case that does not exist", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/cases/DX-2026-9999", token(app)) }, status: 404, code: "error.not_found"},
			{name: "a page size over 1000", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/calls/"+slug+"/cases?per_page=1001", token(app))
			}, status: 400, code: "api.err.query", field: "per_page", fieldCode: "err.too_large"},
			{name: "page zero", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/calls/"+slug+"/cases?page=0", token(app)) }, status: 400, field: "page", fieldCode: "err.too_small"},
			{name: "a page that is not a number", do: func(t *testing.T) resp { return e.do(t, "GET", "/api/v1/calls/"+slug+"/cases?page=two", token(app)) }, status: 400, field: "page", fieldCode: "err.not_integer"},
			{name: "an unknown state filter", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/calls/"+slug+"/cases?state=lost", token(app))
			}, status: 400, field: "state", fieldCode: "err.unknown_code"},
			{name: "an unknown technology filter", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/calls/"+slug+"/export?format=csv&technology=telepathy", token(e.secretariat))
			}, status: 400, field: "technology", fieldCode: "err.unknown_code"},
			{name: "an export without a format", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/calls/"+slug+"/export", token(e.secretariat))
			}, status: 400, field: "format", fieldCode: "err.required"},
			{name: "an export format not offered", do: func(t *testing.T) resp {
				return e.do(t, "GET", "/api/v1/calls/"+slug+"/export?format=pdf", token(e.secretariat))
			}, status: 400, field: "format", fieldCode: "err.unknown_code"},
		}
		// Another applicant's case does not exist for this applicant.
		other := "/api/v1/cases/" + otherID
		for _, rq := range []struct {
			method, path string
			opts         []opt
		}{
			{"GET", other, nil},
			{"PUT", other, []opt{jsonBody(`{"title": "mine now"}`)}},
			{"POST", other + "/submit", nil},
			{"POST", other + "/withdraw", nil},
			{"GET", other + "/versions", nil},
			{"GET", other + "/versions/1", nil},
			{"GET", other + "/attachments", nil},
			{"POST", other + "/attachments", []opt{fileBody("file", "b.pdf", pdfFile)}},
			{"GET", other + "/attachments/a.pdf", nil},
			{"DELETE", other + "/attachments/a.pdf", nil},
		} {
			cases = append(cases, badCase{
				name:   "another applicant's case: " + rq.method + " " + strings.TrimPrefix(rq.path, "/api/v1/cases/"+otherID),
				do:     func(t *testing.T) resp { return e.do(t, rq.method, rq.path, append(rq.opts, token(app))...) },
				status: 404, code: "error.not_found",
			})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.do(t)
				if r.status != tc.status {
					t.Fatalf("status %d, want %d; body: %s", r.status, tc.status, r.body)
				}
				if tc.status >= 400 {
					p := r.problem(t)
					if p.Status != tc.status || p.Type != "about:blank" || p.Title == "" || p.Detail == "" || p.Detail == p.Code || p.Title == "api.status."+fmt.Sprint(p.Status) {
						t.Errorf("problem %+v", p)
					}
					if tc.code != "" && p.Code != tc.code {
						t.Errorf("code %q, want %q", p.Code, tc.code)
					}
					if tc.field != "" && !p.hasError(tc.field, tc.fieldCode) {
						t.Errorf("errors %v lack %s %s", p.fields(), tc.field, tc.fieldCode)
					}
				}
				if tc.check != nil {
					tc.check(t, r)
				}
			})
		}
	})
}

// TestProblemLanguage checks that problems speak the language of
// Accept-Language.
func TestProblemLanguage(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	slug := e.createCall(t, "sme-2026", opensAt, closesAt)
	id := e.createCase(t, e.applicant, slug, map[string]any{"title": "A draft"})
	for _, tc := range []struct {
		name, lang string
		arabic     bool
	}{
		{"Arabic", "ar-EG,ar;q=0.9,en;q=0.5", true},
		{"English", "en-GB", false},
		{"a language dxatlas lacks", "pt-BR", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lang := header("Accept-Language", tc.lang)
			checks := []problemDoc{
				e.do(t, "GET", "/api/v1/cases/DX-2026-9999", token(e.applicant), lang).want(t, http.StatusNotFound).problem(t),
				e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(e.applicant), lang).want(t, http.StatusUnprocessableEntity).problem(t),
				e.do(t, "PUT", "/api/v1/cases/"+id, token(e.applicant), lang, jsonBody(`{"countries": "KE"}`)).want(t, http.StatusBadRequest).problem(t),
				e.do(t, "DELETE", "/api/v1/calls", lang).want(t, http.StatusMethodNotAllowed).problem(t),
			}
			for _, p := range checks {
				texts := []string{p.Title, p.Detail}
				for _, fe := range p.Errors {
					texts = append(texts, fe.Message)
				}
				for _, s := range texts {
					if hasArabic(s) != tc.arabic {
						t.Errorf("%d %s: %q in Arabic: %v, want %v", p.Status, p.Code, s, hasArabic(s), tc.arabic)
					}
				}
			}
			r := e.do(t, "GET", "/api/v1/cases/DX-2026-9999", token(e.applicant), lang)
			if want := map[bool]string{true: "ar", false: "en"}[tc.arabic]; r.header.Get("Content-Language") != want {
				t.Errorf("Content-Language %q, want %q", r.header.Get("Content-Language"), want)
			}
		})
	}
}

func hasArabic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}

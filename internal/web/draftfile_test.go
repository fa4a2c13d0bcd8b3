package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/api"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// uploadDraft sends a draft file as the "work offline" form does.
func (c *client) uploadDraft(path string, data []byte) *page {
	c.t.Helper()
	return c.postMultipart(path, nil, "draft", "draft.json", "application/json", data)
}

// stored is the case's working copy and when it last changed.
func (e *env) stored(t *testing.T, id string) (domain.Case, time.Time) {
	t.Helper()
	cv, err := e.app.Case(context.Background(), &e.alice, id)
	if err != nil {
		t.Fatal(err)
	}
	return cv.Doc, cv.UpdatedAt
}

// TestDraftFileRoundTrip: the applicant downloads the draft, changes a
// field in the file and uploads it; the form shows the change and nothing
// else changed. In English and Arabic, on SQLite and PostgreSQL.
func TestDraftFileRoundTrip(t *testing.T) {
	eachLangDB(t, func(t *testing.T, e *env, lang string) {
		id := e.newDraft(t, e.alice, exampleCase(t))
		c := e.client(t)
		c.signIn(lang, e.alice.Email)
		base := "/" + lang + "/me/cases/" + id
		c.get(base+"/edit").expect(t, http.StatusOK).
			contains(t, esc(e.tr(lang, "case.section.offline")), `href="`+base+`/draft"`, `action="`+base+`/draft"`,
				`enctype="multipart/form-data"`, `for="f-draft"`, `aria-describedby="f-draft-help"`)

		dl := c.get(base+"/draft").expect(t, http.StatusOK)
		for k, want := range map[string]string{
			"Content-Type":        "application/json; charset=utf-8",
			"Content-Disposition": `attachment; filename=` + id + `-draft.json`,
			"Cache-Control":       "no-store",
		} {
			if got := dl.header.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(dl.body), &rec); err != nil {
			t.Fatalf("the download is not JSON: %v\n%s", err, dl.body)
		}
		if rec["id"] != id || rec["title"] != exampleCase(t).Title {
			t.Fatalf("the download is not the case: id %v, title %v", rec["id"], rec["title"])
		}

		before, _ := e.stored(t, id)
		rec["title"] = "Cloud bookkeeping for tailors in Kisumu, edited offline"
		changed, _ := json.Marshal(rec)
		p := c.uploadDraft(base+"/draft", changed).expect(t, http.StatusOK)
		if !strings.HasSuffix(p.url, base+"/edit?done=draft_loaded") {
			t.Fatalf("the upload led to %s", p.url)
		}
		p.contains(t, esc(e.tr(lang, "case.offline.loaded")))
		if v, _ := p.formValue("title"); v != "Cloud bookkeeping for tailors in Kisumu, edited offline" {
			t.Errorf("the form shows the title %q", v)
		}
		after, _ := e.stored(t, id)
		before.Title = after.Title
		if !reflect.DeepEqual(after, before) {
			t.Errorf("the upload changed more than the title:\n%+v\n%+v", after, before)
		}
		checkNoRawKeys(t, p.url, p.body)
	})
}

// TestDraftFileRefused: a file that is not this case's draft changes
// nothing, and the form says what is wrong beside the file field and in
// the error summary. In Arabic, on SQLite and PostgreSQL.
func TestDraftFileRefused(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e, lang := newEnv(t, db), "ar"
		id := e.newDraft(t, e.alice, exampleCase(t))
		other := e.newDraft(t, e.alice, domain.Case{Title: "Another case"})
		c := e.client(t)
		c.signIn(lang, e.alice.Email)
		base := "/" + lang + "/me/cases/" + id
		tests := []struct {
			name string
			data []byte
			msg  string
		}{
			{"a PDF", pdfBytes, e.tr(lang, "case.offline.err.not_json")},
			{"broken JSON", []byte(`{"title": "Cut off`), e.tr(lang, "case.offline.err.not_json")},
			{"not UTF-8", []byte("{\"title\": \"\xff\"}"), e.tr(lang, "case.offline.err.not_json")},
			{"a list", []byte(`[{"title": "A"}]`), e.tr(lang, "case.offline.err.not_case")},
			{"an empty object", []byte(`{}`), e.tr(lang, "case.offline.err.not_case")},
			{"another kind of file", []byte(`{"name": "My app", "version": "1.0.0"}`),
				e.tr(lang, "case.offline.err.unknown_field", map[string]any{"Field": isolate("name")})},
			{"a wrong type", []byte(`{"title": "A title", "organisation": {"name": 42}}`),
				e.tr(lang, "case.offline.err.wrong_type", map[string]any{"Field": isolate("organisation.name")})},
			{"another case", []byte(`{"id": "` + other + `", "title": "Another case"}`),
				e.tr(lang, "case.offline.err.other_case", map[string]any{"File": isolate(other), "CaseID": isolate(id)})},
			{"too large", append([]byte(`{"title": "A"}`), bytes.Repeat([]byte(" "), maxDraftFile)...),
				e.tr(lang, "case.offline.err.too_large", map[string]any{"MaxMB": 2})},
			{"empty", nil, e.tr(lang, "case.err.file_empty")},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c.get(base+"/edit").expect(t, http.StatusOK)
				before, at := e.stored(t, id)
				p := c.uploadDraft(base+"/draft", tt.data).expect(t, http.StatusUnprocessableEntity)
				p.contains(t, esc(tt.msg), `class="error-summary"`, `href="#f-draft"`, `id="f-draft-error"`,
					`aria-describedby="f-draft-help f-draft-error"`, `aria-invalid="true"`)
				if v, _ := p.formValue("title"); v != before.Title {
					t.Errorf("the form shows the title %q, want the stored %q", v, before.Title)
				}
				after, at2 := e.stored(t, id)
				if !reflect.DeepEqual(after, before) || !at2.Equal(at) {
					t.Errorf("a refused file changed the draft")
				}
			})
		}
	})
}

// TestDraftFileAccess: only the owner of an editable case downloads or
// uploads its draft; others get what the form gives them, and a case past
// its deadline or withdrawn is refused as editing is. On SQLite and
// PostgreSQL.
func TestDraftFileAccess(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e, lang := newEnv(t, db), "en"
		ctx := context.Background()
		id := e.newDraft(t, e.alice, exampleCase(t))
		base := "/" + lang + "/me/cases/" + id
		file := []byte(`{"title": "Taken over by someone else"}`)
		unchanged := func(t *testing.T) {
			t.Helper()
			if doc, _ := e.stored(t, id); doc.Title != exampleCase(t).Title {
				t.Errorf("the title became %q", doc.Title)
			}
		}

		anon := e.client(t).noFollow()
		if p := anon.get(base + "/draft"); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "/account/signin") {
			t.Errorf("anonymous download: %d to %q", p.status, p.header.Get("Location"))
		}

		bob := e.client(t)
		bob.signIn(lang, e.bob.Email)
		bob.get(base+"/draft").expect(t, http.StatusNotFound)
		bob.uploadDraft(base+"/draft", file).expect(t, http.StatusNotFound)

		sec := e.client(t)
		sec.signIn(lang, e.sec.Email)
		if p := sec.get(base+"/draft").expect(t, http.StatusOK); !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
			t.Errorf("the secretariat downloaded the draft (%s)", p.header.Get("Content-Type"))
		}
		sec.uploadDraft(base+"/draft", file).expect(t, http.StatusForbidden)
		unchanged(t)

		alice := e.client(t)
		alice.signIn(lang, e.alice.Email)
		alice.get(base+"/edit").expect(t, http.StatusOK)
		// Without the form's token, nothing is saved.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("draft", "draft.json")
		fw.Write(file)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+base+"/draft", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		alice.do(req).expect(t, http.StatusForbidden)
		unchanged(t)

		// Submitted, the case stays editable until the deadline.
		if _, err := e.app.Submit(ctx, &e.alice, id); err != nil {
			t.Fatal(err)
		}
		alice.get(base+"/draft").expect(t, http.StatusOK).contains(t, `"state": "submitted"`)

		// Past the deadline, the download gives the case's page with the
		// reason, and an upload is refused.
		e.clk.Set(closes.Add(time.Minute))
		alice.get(base+"/draft").expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "case.locked.deadline")))
		alice.uploadDraft(base+"/draft", file).expect(t, http.StatusConflict).contains(t, esc(e.tr(lang, "error.deadline_passed")))
		unchanged(t)

		// Withdrawn before the deadline: refused for its state.
		e.clk.Set(t0)
		wid := e.newDraft(t, e.alice, domain.Case{Title: "Withdrawn case"})
		if _, err := e.app.Withdraw(ctx, &e.alice, wid, ""); err != nil {
			t.Fatal(err)
		}
		wbase := "/" + lang + "/me/cases/" + wid
		alice.get(wbase+"/draft").expect(t, http.StatusOK).contains(t, esc(e.tr(lang, "case.locked.state")))
		alice.uploadDraft(wbase+"/draft", file).expect(t, http.StatusConflict).contains(t, esc(e.tr(lang, "error.wrong_state")))
	})
}

// TestDraftFileIsTheAPIRecord: the downloaded file and the API's case
// record are one format: each is accepted where the other is.
func TestDraftFileIsTheAPIRecord(t *testing.T) {
	e := newEnvSQLite(t)
	ctx := context.Background()
	id := e.newDraft(t, e.alice, exampleCase(t))
	apiSrv := httptest.NewServer(api.New(e.app))
	t.Cleanup(apiSrv.Close)
	token, err := e.app.IssueToken(ctx, e.alice, "offline")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method string, body []byte) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, apiSrv.URL+"/api/v1/cases/"+id, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	keys := func(b []byte) []string {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}

	c := e.client(t)
	c.signIn("en", e.alice.Email)
	c.get("/en/me/cases/" + id + "/edit")
	file := []byte(c.get("/en/me/cases/"+id+"/draft").expect(t, http.StatusOK).body)
	status, record := call(http.MethodGet, nil)
	if status != http.StatusOK {
		t.Fatalf("API GET: %d %s", status, record)
	}
	if fk, rk := keys(file), keys(record); !slices.Equal(fk, rk) {
		t.Errorf("the file's fields differ from the API record's:\nfile %v\nAPI  %v", fk, rk)
	}
	if status, b := call(http.MethodPut, file); status != http.StatusOK {
		t.Errorf("the API refused the downloaded file: %d %s", status, b)
	}
	c.uploadDraft("/en/me/cases/"+id+"/draft", record).expect(t, http.StatusOK).contains(t, esc(e.tr("en", "case.offline.loaded")))
	if doc, _ := e.stored(t, id); doc.Title != exampleCase(t).Title {
		t.Errorf("after both uploads the title is %q", doc.Title)
	}
}

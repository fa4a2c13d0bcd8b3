package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// The callers of the authorization table, in its column order.
var actors = []string{"anonymous", "owner", "other applicant", "reviewer", "secretariat", "admin"}

// TestAuthorization sends every endpoint a valid request as every kind of
// caller and checks the status: who may do what is decided by the app, and
// the API must pass it on unchanged.
func TestAuthorization(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug := e.createCall(t, "sme-2026", opensAt, closesAt)
		// A call that opens next year: only staff see it.
		e.createCall(t, "next-year", opensAt.AddDate(1, 0, 0), closesAt.AddDate(1, 0, 0))
		tokens := map[string]string{
			"anonymous": "", "owner": e.applicant, "other applicant": e.applicant2,
			"reviewer": e.reviewer, "secretariat": e.secretariat, "admin": e.admin,
		}
		emails := map[string]string{
			"anonymous": "applicant@example.org", "owner": "applicant@example.org", "other applicant": "other@example.org",
			"reviewer": "reviewer@example.org", "secretariat": "sec@example.org", "admin": "admin@example.org",
		}
		n := 0
		// fresh gives each request its own submitted case with an
		// attachment, so that no request depends on what another did.
		fresh := func(t *testing.T) string {
			id := e.validCase(t, e.applicant, slug)
			e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(e.applicant), fileBody("file", "a.pdf", pdfFile)).want(t, http.StatusCreated)
			return id
		}
		type endpoint struct {
			method, path string // path may hold {id} and {slug}
			opts         func(actor string) []opt
			want         [6]int // by actors
		}
		none := func(string) []opt { return nil }
		body := func(v any) func(string) []opt { return func(string) []opt { return []opt{jsonBody(v)} } }
		endpoints := []endpoint{
			{"GET", "/api/openapi.json", none, [6]int{200, 200, 200, 200, 200, 200}},
			{"POST", "/api/v1/tokens", func(actor string) []opt {
				return []opt{jsonBody(map[string]string{"email": emails[actor], "password": testPassword})}
			}, [6]int{201, 201, 201, 201, 201, 201}},
			{"GET", "/api/v1/me", none, [6]int{401, 200, 200, 200, 200, 200}},
			{"GET", "/api/v1/calls", none, [6]int{200, 200, 200, 200, 200, 200}},
			{"POST", "/api/v1/calls", func(string) []opt {
				n++
				return []opt{jsonBody(callBody(fmt.Sprintf("call-%d", n), opensAt, closesAt))}
			}, [6]int{401, 403, 403, 403, 201, 201}},
			{"GET", "/api/v1/calls/{slug}", none, [6]int{200, 200, 200, 200, 200, 200}},
			{"GET", "/api/v1/calls/next-year", none, [6]int{404, 404, 404, 404, 200, 200}},
			{"PATCH", "/api/v1/calls/{slug}", body(map[string]any{"reviewers_per_case": 2}), [6]int{401, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/calls/{slug}/cases", body(map[string]any{"title": "New"}), [6]int{401, 201, 201, 403, 403, 201}},
			{"POST", "/api/v1/calls/next-year/cases", body(map[string]any{"title": "New"}), [6]int{401, 404, 404, 403, 403, 404}},
			{"GET", "/api/v1/calls/{slug}/cases", none, [6]int{401, 200, 200, 200, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/export?format=jsonl", none, [6]int{401, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/cases/{id}", none, [6]int{401, 200, 404, 404, 200, 200}},
			{"PUT", "/api/v1/cases/{id}", func(string) []opt { return []opt{jsonBody(exampleCase(t))} }, [6]int{401, 200, 404, 404, 403, 403}},
			{"POST", "/api/v1/cases/{id}/submit", none, [6]int{401, 200, 404, 404, 403, 403}},
			{"POST", "/api/v1/cases/{id}/withdraw", none, [6]int{401, 200, 404, 404, 403, 403}},
			{"GET", "/api/v1/cases/{id}/versions", none, [6]int{401, 200, 404, 404, 200, 200}},
			{"GET", "/api/v1/cases/{id}/versions/1", none, [6]int{401, 200, 404, 404, 200, 200}},
			{"POST", "/api/v1/cases/{id}/attachments", func(string) []opt { return []opt{fileBody("file", "b.png", pngFile)} }, [6]int{401, 201, 404, 404, 403, 403}},
			{"GET", "/api/v1/cases/{id}/attachments", none, [6]int{401, 200, 404, 404, 200, 200}},
			{"GET", "/api/v1/cases/{id}/attachments/a.pdf", none, [6]int{401, 200, 404, 404, 200, 200}},
			{"DELETE", "/api/v1/cases/{id}/attachments/a.pdf", none, [6]int{401, 204, 404, 404, 403, 403}},
		}
		for _, ep := range endpoints {
			for i, actor := range actors {
				t.Run(fmt.Sprintf("%s %s as %s", ep.method, ep.path, actor), func(t *testing.T) {
					path := ep.path
					path = strings.ReplaceAll(path, "{slug}", slug)
					if strings.Contains(path, "{id}") {
						path = strings.ReplaceAll(path, "{id}", fresh(t))
					}
					opts := append(ep.opts(actor), token(tokens[actor]))
					r := e.do(t, ep.method, path, opts...)
					if r.status != ep.want[i] {
						t.Errorf("status %d, want %d; body: %s", r.status, ep.want[i], r.body)
					}
				})
			}
		}

		// After the deadline the owner is refused with 409 where staff are
		// refused with 403: permission comes before state.
		id := fresh(t)
		e.clock.Set(closesAt.Add(time.Second))
		for _, tc := range []struct {
			actor  string
			status int
		}{{"owner", 409}, {"secretariat", 403}, {"other applicant", 404}, {"anonymous", 401}} {
			t.Run("PUT after the deadline as "+tc.actor, func(t *testing.T) {
				r := e.do(t, "PUT", "/api/v1/cases/"+id, token(tokens[tc.actor]), jsonBody(exampleCase(t)))
				if r.status != tc.status {
					t.Errorf("status %d, want %d", r.status, tc.status)
				}
			})
		}
	})
}

package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// reviewActors are the callers of the review authorization table, in its
// column order: the case's owner, another applicant, the reviewer
// assigned to the case, a reviewer of the same panel who is not, the
// secretariat and an administrator.
var reviewActors = []string{"anonymous", "owner", "other applicant", "assigned reviewer", "other reviewer", "secretariat", "admin"}

// reviewFixture is a call under review: case A (the owner's, with an
// attachment) assigned to reviewer R1, whose review is a complete draft;
// R2 on the panel too; a pool of eligible cases for requests that need
// fresh ones; and an open call for cases to screen.
type reviewFixture struct {
	e              *env
	slug, openSlug string
	a, assignment  string // case A and R1's assignment to it
	pool           []string
	owner, other   actor
	r1, r2         actor
	tokens         map[string]string
}

func newReviewFixture(t *testing.T, db *store.DB) *reviewFixture {
	t.Helper()
	e := newEnv(t, db)
	ctx := context.Background()
	f := &reviewFixture{e: e, slug: e.createCall(t, "under-review", opensAt, closesAt),
		openSlug: e.createCall(t, "still-open", opensAt, closesAt.AddDate(1, 0, 0))}
	f.owner = e.newActor(t, "owner@tailors.example", "Owner Applicant", store.RoleApplicant)
	f.other = e.newActor(t, "other@bakery.example", "Other Applicant", store.RoleApplicant)
	f.r1 = e.newActor(t, "r1@uni-one.example", "Reviewer One", store.RoleReviewer)
	f.r2 = e.newActor(t, "r2@uni-two.example", "Reviewer Two", store.RoleReviewer)
	f.tokens = map[string]string{"anonymous": "", "owner": f.owner.token, "other applicant": f.other.token,
		"assigned reviewer": f.r1.token, "other reviewer": f.r2.token, "secretariat": e.secretariat, "admin": e.admin}
	f.a = e.createCase(t, f.owner.token, f.slug, exampleCase(t))
	e.do(t, "POST", "/api/v1/cases/"+f.a+"/attachments", token(f.owner.token), fileBody("file", "evidence.pdf", pdfFile)).want(t, http.StatusCreated)
	e.do(t, "POST", "/api/v1/cases/"+f.a+"/submit", token(f.owner.token)).want(t, http.StatusOK)
	e.screenEligible(t, f.a)
	for i := range 16 {
		id := e.caseWith(t, f.other, f.slug, withOrg(fmt.Sprintf("Pool Enterprise %d", i), "Pool Partner", "https://pool.example"))
		e.screenEligible(t, id)
		f.pool = append(f.pool, id)
	}
	e.join(t, f.slug, f.r1, 50)
	e.join(t, f.slug, f.r2, 50)
	e.clock.Set(closesAt.Add(time.Hour))
	sec := e.staff(t)
	x, err := e.app.AddReviewer(ctx, sec, f.a, f.r1.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.assignment = strconv.FormatInt(x.ID, 10)
	in := fullReview(4, "Well documented.", "CONFIDENTIAL draft")
	if _, err := e.app.SaveReview(ctx, &f.r1.user, x.ID, reviewInput(in)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.SetReviewSettings(ctx, sec, f.slug, app.ReviewSettings{Visibility: "always"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// reviewInput turns a fullReview body into the app's input.
func reviewInput(m map[string]any) app.ReviewInput {
	return app.ReviewInput{Scores: m["scores"].(map[string]int), Recommendation: m["recommendation"].(string),
		Confidence: m["confidence"].(int), CommentToApplicant: m["comment_to_applicant"].(string),
		CommentToCommittee: m["comment_to_committee"].(string)}
}

// take hands out the pool's cases one by one.
func (f *reviewFixture) take(t *testing.T) string {
	t.Helper()
	if len(f.pool) == 0 {
		t.Fatal("the pool of cases is empty")
	}
	id := f.pool[0]
	f.pool = f.pool[1:]
	return id
}

// TestReviewAuthorization sends every review endpoint a valid request as
// every kind of caller, on SQLite and PostgreSQL, and checks who is let
// through: the app decides, and the API must pass its answer on.
// Requests that change something get fresh cases where a repeat would
// find a different state; the rows run in the workflow's order.
func TestReviewAuthorization(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		e := f.e
		ctx := context.Background()
		sec := e.staff(t)
		r1, r2 := strconv.FormatInt(f.r1.user.ID, 10), strconv.FormatInt(f.r2.user.ID, 10)
		n := 0
		type row struct {
			method, path string
			// setup, if set, prepares a fresh target and returns the path.
			setup func(t *testing.T) string
			body  func() any
			want  [7]int // by reviewActors
		}
		body := func(v any) func() any { return func() any { return v } }
		// freshAssignment gives R2 a new case and returns the assignment.
		freshAssignment := func(t *testing.T) (string, int64) {
			t.Helper()
			x, err := e.app.AddReviewer(ctx, sec, f.take(t), f.r2.user.ID)
			if err != nil {
				t.Fatal(err)
			}
			return x.Case, x.ID
		}
		rows := []row{
			{"GET", "/api/v1/me/assignments", nil, nil, [7]int{401, 200, 200, 200, 200, 200, 200}},
			{"GET", "/api/v1/me/panels", nil, nil, [7]int{401, 200, 200, 200, 200, 200, 200}},
			{"GET", "/api/v1/assignments/{assignment}/case", nil, nil, [7]int{401, 404, 404, 200, 404, 404, 404}},
			{"GET", "/api/v1/assignments/{assignment}/case/attachments/evidence.pdf", nil, nil, [7]int{401, 404, 404, 200, 404, 404, 404}},
			{"GET", "/api/v1/assignments/{assignment}/reviews", nil, nil, [7]int{401, 404, 404, 200, 404, 404, 404}},
			{"PUT", "/api/v1/assignments/{assignment}/review", nil, body(fullReview(4, "Well documented.", "CONFIDENTIAL draft")), [7]int{401, 404, 404, 200, 404, 404, 404}},
			{"GET", "/api/v1/cases/{a}/screenings", nil, nil, [7]int{401, 200, 404, 404, 404, 200, 200}},
			{"POST", "/api/v1/cases/{id}/screening", func(t *testing.T) string {
				return "/api/v1/cases/" + e.validCase(t, f.owner.token, f.openSlug) + "/screening"
			}, body(map[string]any{"outcome": "eligible", "checklist": map[string]bool{"sme_focus": true}}), [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/reviewers", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/calls/{slug}/reviewers", nil, func() any {
				n++
				return map[string]any{"email": fmt.Sprintf("invitee%d@elsewhere.example", n), "name": "Invitee"}
			}, [7]int{401, 403, 403, 403, 403, 201, 201}},
			{"PUT", "/api/v1/calls/{slug}/reviewers/" + r1, nil, body(map[string]any{"expertise": map[string]any{"wsis": []string{"C7"}}}),
				[7]int{401, 404, 404, 200, 404, 200, 200}},
			{"PATCH", "/api/v1/calls/{slug}/reviewers/" + r2, nil, body(map[string]any{"max_load": 50}), [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/assignments", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"DELETE", "/api/v1/assignments/{id}", func(t *testing.T) string {
				_, id := freshAssignment(t)
				return "/api/v1/assignments/" + strconv.FormatInt(id, 10)
			}, nil, [7]int{401, 403, 403, 403, 403, 204, 204}},
			{"POST", "/api/v1/cases/{id}/reviewers", func(t *testing.T) string {
				return "/api/v1/cases/" + f.take(t) + "/reviewers"
			}, body(map[string]any{"reviewer": f.r2.user.ID}), [7]int{401, 403, 403, 403, 403, 201, 201}},
			{"GET", "/api/v1/calls/{slug}/rules", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"PUT", "/api/v1/cases/{id}/rules/" + r2, func(t *testing.T) string {
				return "/api/v1/cases/" + f.take(t) + "/rules/" + r2
			}, body(map[string]any{"kind": "pin"}), [7]int{401, 403, 403, 403, 403, 204, 204}},
			{"DELETE", "/api/v1/cases/{id}/rules/" + r2, func(t *testing.T) string {
				id := f.take(t)
				if err := e.app.Forbid(ctx, sec, id, f.r2.user.ID); err != nil {
					t.Fatal(err)
				}
				return "/api/v1/cases/" + id + "/rules/" + r2
			}, nil, [7]int{401, 403, 403, 403, 403, 204, 204}},
			{"POST", "/api/v1/assignments/{id}/review/reopen", func(t *testing.T) string {
				_, id := freshAssignment(t)
				if _, err := e.app.SaveReview(ctx, &f.r2.user, id, reviewInput(fullReview(3, "", ""))); err != nil {
					t.Fatal(err)
				}
				if _, err := e.app.SubmitReview(ctx, &f.r2.user, id); err != nil {
					t.Fatal(err)
				}
				return "/api/v1/assignments/" + strconv.FormatInt(id, 10) + "/review/reopen"
			}, nil, [7]int{401, 403, 403, 403, 403, 204, 204}},
			{"POST", "/api/v1/calls/{slug}/assignments/auto", nil, body(map[string]any{"reviewers_per_case": 1}), [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/assignments/{assignment}/review/submit", nil, nil, [7]int{401, 404, 404, 200, 404, 404, 404}},
			{"GET", "/api/v1/cases/{a}/reviews", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/ranking", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/ranking/export?format=csv", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/review-settings", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"PUT", "/api/v1/calls/{slug}/review-settings", nil, body(map[string]any{"review_visibility": "always", "reveal_reviewers": false}),
				[7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/cases/{a}/decision", nil, body(map[string]any{"decision": "accepted"}), [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/cases/{a}/feedback", nil, nil, [7]int{401, 200, 404, 404, 404, 200, 200}},
			{"POST", "/api/v1/calls/{slug}/decisions/release", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/cases/{a}/publish", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/cases/{a}/unpublish", func(t *testing.T) string {
				if _, err := e.app.Publish(ctx, sec, f.a); err != nil {
					t.Fatal(err)
				}
				return "/api/v1/cases/" + f.a + "/unpublish"
			}, body(map[string]any{"reason": "A correction."}), [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"POST", "/api/v1/calls/{slug}/publish", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
			{"GET", "/api/v1/calls/{slug}/audit", nil, nil, [7]int{401, 403, 403, 403, 403, 200, 200}},
		}
		for _, rw := range rows {
			// Callers who are refused share one target; each caller let
			// through gets a fresh one.
			shared := ""
			for i, who := range reviewActors {
				t.Run(fmt.Sprintf("%s %s as %s", rw.method, rw.path, who), func(t *testing.T) {
					path := rw.path
					switch refused := rw.want[i] >= 400; {
					case rw.setup != nil && refused && shared != "":
						path = shared
					case rw.setup != nil && refused:
						shared = rw.setup(t)
						path = shared
					case rw.setup != nil:
						path = rw.setup(t)
					}
					path = strings.NewReplacer("{slug}", f.slug, "{a}", f.a, "{assignment}", f.assignment).Replace(path)
					opts := []opt{token(f.tokens[who])}
					if rw.body != nil {
						opts = append(opts, jsonBody(rw.body()))
					}
					if r := e.do(t, rw.method, path, opts...); r.status != rw.want[i] {
						t.Errorf("status %d, want %d; body: %s", r.status, rw.want[i], r.body)
					}
				})
			}
		}
	})
}

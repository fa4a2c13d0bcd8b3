package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// TestBlindReviewLeaksNothing: in a blind call, no response a reviewer can
// get names the organisation, its website, the partners, the links, the
// attachments or the submitter, though the applicant wrote them into the
// texts too; and no response the applicant can get names a reviewer or
// shows a confidential comment. On SQLite and PostgreSQL.
func TestBlindReviewLeaksNothing(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		slug := e.createCall(t, "blind-call", opensAt, closesAt)
		e.do(t, "PATCH", "/api/v1/calls/"+slug, token(e.secretariat), jsonBody(map[string]any{"blind": true}),
			contentType("application/merge-patch+json")).want(t, http.StatusOK)
		owner := e.newActor(t, "oriane@zephyrine-textiles.example", "Oriane Vasquez-Holloway", store.RoleApplicant)
		r1 := e.newActor(t, "r1@uni-one.example", "Rafaela Quintero-Blume", store.RoleReviewer)
		r2 := e.newActor(t, "r2@uni-two.example", "Torvald Achterberg", store.RoleReviewer)

		const (
			org     = "Zephyrine Textiles Cooperative"
			partner = "Quillon Municipal Council"
			site    = "https://zephyrine-textiles.example"
			file    = "zephyrine-annual-report.pdf"
		)
		doc := exampleCase(t)
		withOrg(org, partner, site)(doc)
		doc["problem"] = doc["problem"].(string) + " Oriane Vasquez-Holloway (oriane@zephyrine-textiles.example) led " + org + "."
		doc["kpis"].([]any)[0].(map[string]any)["name"] = "Sales of " + org
		doc["translations"] = map[string]any{"fr": map[string]any{"title": "Comptabilité en nuage chez " + org, "source": "author"}}
		id := e.createCase(t, owner.token, slug, doc)
		e.do(t, "POST", "/api/v1/cases/"+id+"/attachments", token(owner.token), fileBody("file", file, pdfFile)).want(t, http.StatusCreated)
		e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(owner.token)).want(t, http.StatusOK)
		e.screenEligible(t, id)
		e.join(t, slug, r1, 5)
		e.join(t, slug, r2, 5)
		e.clock.Set(closesAt.Add(time.Hour))
		e.do(t, "POST", "/api/v1/calls/"+slug+"/assignments/auto", token(e.secretariat), jsonBody(map[string]any{"reviewers_per_case": 2})).want(t, http.StatusOK)
		if _, err := e.app.SetReviewSettings(ctx, e.staff(t), slug, app.ReviewSettings{Visibility: "always"}); err != nil {
			t.Fatal(err)
		}
		a1, a2 := e.assignmentOf(t, r1, id), e.assignmentOf(t, r2, id)

		// Everything the first reviewer can reach.
		secrets := []string{org, partner, site, "zephyrine-textiles.example", file, owner.user.Name, owner.user.Email}
		as := func(r actor, method, path string, status int, opts ...opt) {
			t.Helper()
			res := e.do(t, method, path, append(opts, token(r.token))...).want(t, status)
			lacksAny(t, method+" "+path, res.body, secrets...)
		}
		c := e.do(t, "GET", "/api/v1/assignments/"+a1+"/case", token(r1.token)).want(t, http.StatusOK).obj(t)
		if c["blind"] != true || len(c["attachments"].([]any)) != 0 || c["case"].(map[string]any)["sector"] != "C" {
			t.Errorf("the blind case: %v", c)
		}
		for _, lang := range []string{"en", "ar", "zh"} {
			as(r1, "GET", "/api/v1/assignments/"+a1+"/case", http.StatusOK, header("Accept-Language", lang))
		}
		as(r1, "GET", "/api/v1/me", http.StatusOK)
		as(r1, "GET", "/api/v1/me/assignments", http.StatusOK)
		as(r1, "GET", "/api/v1/me/panels", http.StatusOK)
		as(r1, "GET", "/api/v1/calls", http.StatusOK)
		as(r1, "GET", "/api/v1/calls/"+slug, http.StatusOK)
		as(r1, "GET", "/api/v1/calls/"+slug+"/cases", http.StatusOK)
		as(r1, "GET", "/api/v1/assignments/"+a1+"/case/attachments/"+file, http.StatusNotFound)
		as(r1, "GET", "/api/v1/cases/"+id, http.StatusNotFound)
		as(r1, "GET", "/api/v1/cases/"+id+"/versions", http.StatusNotFound)
		as(r1, "GET", "/api/v1/cases/"+id+"/attachments", http.StatusNotFound)
		as(r1, "GET", "/api/v1/cases/"+id+"/screenings", http.StatusNotFound)
		as(r1, "GET", "/api/v1/cases/"+id+"/feedback", http.StatusNotFound)
		as(r1, "GET", "/api/v1/assignments/"+a2+"/case", http.StatusNotFound)
		as(r1, "PUT", "/api/v1/assignments/"+a1+"/review", http.StatusOK, jsonBody(fullReview(4, "Convincing results.", "CONFIDENTIAL from r1")))
		as(r1, "POST", "/api/v1/assignments/"+a1+"/review/submit", http.StatusOK)
		as(r2, "PUT", "/api/v1/assignments/"+a2+"/review", http.StatusOK, jsonBody(fullReview(3, "Replicable.", "CONFIDENTIAL from r2")))
		as(r2, "POST", "/api/v1/assignments/"+a2+"/review/submit", http.StatusOK)
		as(r1, "GET", "/api/v1/assignments/"+a1+"/reviews", http.StatusOK)
		as(r1, "GET", "/api/v1/assignments/"+a1+"/case", http.StatusOK)
		peers := e.do(t, "GET", "/api/v1/assignments/"+a1+"/reviews", token(r1.token)).want(t, http.StatusOK)
		lacksAny(t, "the other reviews", peers.body, "CONFIDENTIAL", r2.user.Name)

		// Everything the applicant can reach once the decision is out.
		sec := token(e.secretariat)
		e.do(t, "POST", "/api/v1/cases/"+id+"/decision", sec, jsonBody(map[string]any{"decision": "accepted", "note": "Committee only."})).want(t, http.StatusOK)
		e.do(t, "POST", "/api/v1/calls/"+slug+"/decisions/release", sec).want(t, http.StatusOK)
		e.do(t, "POST", "/api/v1/calls/"+slug+"/publish", sec).want(t, http.StatusOK)
		reviewers := []string{"CONFIDENTIAL", "Committee only", r1.user.Name, r2.user.Name, r1.user.Email, r2.user.Email}
		for _, path := range []string{"/api/v1/me", "/api/v1/cases/" + id, "/api/v1/cases/" + id + "/feedback", "/api/v1/cases/" + id + "/screenings",
			"/api/v1/cases/" + id + "/versions", "/api/v1/cases/" + id + "/versions/1", "/api/v1/calls/" + slug + "/cases",
			"/api/v1/me/assignments", "/api/v1/library/cases/" + id} {
			res := e.do(t, "GET", path, token(owner.token))
			if res.status != http.StatusOK {
				t.Errorf("GET %s as the applicant: %d", path, res.status)
			}
			lacksAny(t, "GET "+path+" as the applicant", res.body, reviewers...)
		}
		for _, path := range []string{"/api/v1/assignments/" + a1 + "/case", "/api/v1/assignments/" + a1 + "/reviews", "/api/v1/cases/" + id + "/reviews",
			"/api/v1/calls/" + slug + "/ranking", "/api/v1/calls/" + slug + "/reviewers", "/api/v1/calls/" + slug + "/audit"} {
			res := e.do(t, "GET", path, token(owner.token))
			if res.status != http.StatusNotFound && res.status != http.StatusForbidden {
				t.Errorf("GET %s as the applicant: %d", path, res.status)
			}
			lacksAny(t, "GET "+path+" as the applicant", res.body, reviewers...)
		}
		msgs, err := db.OutboxFor(ctx, owner.user.Email)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			lacksAny(t, "mail "+m.Key, []byte(m.Subject+"\n"+m.Text+"\n"+m.HTML), reviewers...)
		}
		if len(msgs) < 4 { // receipt, screening, decision, publication
			t.Errorf("the applicant got %d messages", len(msgs))
		}
	})
}

package api

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// TestReviewJourney follows a call from screening to publication through
// the API, on SQLite and PostgreSQL: screening (a case returned and
// resubmitted), the panel, automatic assignment with rules, reviews,
// the ranking and its exports, decisions, their release, the applicant's
// feedback and mail, publication, the audit log and the settings.
func TestReviewJourney(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		slug := e.createCall(t, "sme-review", opensAt, closesAt)
		owner := e.newActor(t, "amina@tailors.example", "Amina Owner", store.RoleApplicant)
		other := e.newActor(t, "bo@bakery.example", "Bo Baker", store.RoleApplicant)
		r1 := e.newActor(t, "ruth@uni-one.example", "Ruth Reviewer", store.RoleReviewer)
		r2 := e.newActor(t, "sami@uni-two.example", "Sami Reviewer", store.RoleReviewer)
		r3 := e.newActor(t, "tala@uni-three.example", "Tala Reviewer", store.RoleReviewer)
		sec := token(e.secretariat)

		// Screening: one case eligible before the deadline, one returned.
		a := e.caseWith(t, owner, slug, withOrg("Kisumu Tailors Cooperative", "County SME Office", "https://tailors.example"))
		b := e.caseWith(t, other, slug, withOrg("Bo Bakeries", "Town Council", "https://bakery.example"))
		e.screenEligible(t, a)
		p := e.do(t, "POST", "/api/v1/cases/"+b+"/screening", sec, jsonBody(map[string]any{"outcome": "ineligible",
			"checklist": map[string]bool{"sme_focus": true}})).want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("note", "review.err.note_required") {
			t.Errorf("ineligible without a reason: %v", p.fields())
		}
		e.do(t, "POST", "/api/v1/cases/"+b+"/screening", token(other.token), jsonBody(map[string]any{"outcome": "eligible",
			"checklist": map[string]bool{"sme_focus": true}})).want(t, http.StatusForbidden)
		returnBy := closesAt.Add(72 * time.Hour)
		rec := e.do(t, "POST", "/api/v1/cases/"+b+"/screening", sec, jsonBody(map[string]any{"outcome": "returned",
			"checklist": map[string]bool{"sme_focus": true}, "note": "Add a baseline to each KPI.", "return_by": returnBy.Format(time.RFC3339)})).
			want(t, http.StatusOK).obj(t)
		if rec["state"] != "returned" || rec["deadline"] != returnBy.Format(time.RFC3339) {
			t.Errorf("returned case: state %v, deadline %v", rec["state"], rec["deadline"])
		}
		var screenings struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/cases/"+b+"/screenings", token(other.token)).want(t, http.StatusOK).json(t, &screenings)
		if len(screenings.Items) != 1 || screenings.Items[0]["note"] != "Add a baseline to each KPI." ||
			screenings.Items[0]["checklist"] != nil || screenings.Items[0]["screened_by"] != nil {
			t.Errorf("the applicant's view of screening: %v", screenings.Items)
		}
		// After the call's deadline, before the date set, the case is fixed
		// and submitted again, then found eligible.
		e.clock.Set(closesAt.Add(time.Hour))
		doc := exampleCase(t)
		withOrg("Bo Bakeries", "Town Council", "https://bakery.example")(doc)
		e.do(t, "PUT", "/api/v1/cases/"+b, token(other.token), jsonBody(doc)).want(t, http.StatusOK)
		if v := e.do(t, "POST", "/api/v1/cases/"+b+"/submit", token(other.token)).want(t, http.StatusOK).obj(t); v["version"] != 2.0 {
			t.Errorf("resubmitted version %v", v["version"])
		}
		e.screenEligible(t, b)

		// The panel: three reviewers; declarations changed by a reviewer and
		// by the secretariat.
		for _, r := range []actor{r1, r2, r3} {
			e.join(t, slug, r, 5)
		}
		var panel struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/reviewers", sec).want(t, http.StatusOK).json(t, &panel)
		if len(panel.Items) != 3 || panel.Items[0]["state"] != "accepted" {
			t.Fatalf("panel %v", panel.Items)
		}
		r1ID, r2ID, r3ID := strconv.FormatInt(r1.user.ID, 10), strconv.FormatInt(r2.user.ID, 10), strconv.FormatInt(r3.user.ID, 10)
		m := e.do(t, "PUT", "/api/v1/calls/"+slug+"/reviewers/"+r1ID, token(r1.token), jsonBody(map[string]any{
			"expertise": map[string]any{"wsis": []string{"c7", "C4"}, "regions": []string{"002"}}, "languages": []string{"en", "fr"},
			"conflicts": map[string]any{"organisations": []string{"Acme Consulting"}}})).want(t, http.StatusOK).obj(t)
		if jsonText(m["expertise"].(map[string]any)["wsis"]) != `["C7","C4"]` || jsonText(m["languages"]) != `["en","fr"]` {
			t.Errorf("profile %v", m)
		}
		e.do(t, "PUT", "/api/v1/calls/"+slug+"/reviewers/"+r1ID, token(r2.token), jsonBody(map[string]any{})).want(t, http.StatusNotFound)
		if m := e.do(t, "PATCH", "/api/v1/calls/"+slug+"/reviewers/"+r3ID, sec, jsonBody(map[string]any{"max_load": 0})).
			want(t, http.StatusOK).obj(t); m["max_load"] != 0.0 {
			t.Errorf("max load %v", m["max_load"])
		}
		var mine struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/me/panels", token(r1.token)).want(t, http.StatusOK).json(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0]["call"] != slug {
			t.Errorf("r1's panels %v", mine.Items)
		}

		// Automatic assignment: two reviewers per case (the third is full).
		var run struct {
			Assignments []struct {
				ID, Reviewer int64
				Case         string
				Affinity     int
				Reasons      []map[string]any
				New          bool
			}
			Short []map[string]any
		}
		e.do(t, "POST", "/api/v1/calls/"+slug+"/assignments/auto", sec, jsonBody(map[string]any{"reviewers_per_case": 2})).
			want(t, http.StatusOK).json(t, &run)
		if len(run.Assignments) != 4 || len(run.Short) != 0 {
			t.Fatalf("run: %d assignments, short %v", len(run.Assignments), run.Short)
		}
		for _, x := range run.Assignments {
			if !x.New || x.Affinity <= 0 || len(x.Reasons) == 0 || x.Reviewer == r3.user.ID {
				t.Errorf("assignment %+v", x)
			}
		}
		// Forbidding a pair removes its unstarted assignment; clearing the
		// rule and running again puts it back.
		e.do(t, "PUT", "/api/v1/cases/"+a+"/rules/"+r2ID, sec, jsonBody(map[string]any{"kind": "forbid"})).want(t, http.StatusNoContent)
		var rules struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/rules", sec).want(t, http.StatusOK).json(t, &rules)
		if len(rules.Items) != 1 || rules.Items[0]["kind"] != "forbid" || rules.Items[0]["case"] != a {
			t.Errorf("rules %v", rules.Items)
		}
		var list struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/assignments", sec).want(t, http.StatusOK).json(t, &list)
		if len(list.Items) != 3 {
			t.Errorf("after forbidding: %d assignments", len(list.Items))
		}
		p = e.do(t, "PUT", "/api/v1/cases/"+a+"/rules/"+r2ID, sec, jsonBody(map[string]any{"kind": "maybe"})).want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("kind", "err.unknown_code") {
			t.Errorf("unknown rule kind: %v", p.fields())
		}
		e.do(t, "DELETE", "/api/v1/cases/"+a+"/rules/"+r2ID, sec).want(t, http.StatusNoContent)
		e.do(t, "POST", "/api/v1/calls/"+slug+"/assignments/auto", sec).want(t, http.StatusOK).json(t, &run)
		if len(run.Assignments) != 4 {
			t.Fatalf("re-run: %d assignments", len(run.Assignments))
		}

		// Reviews.
		a1, a2 := e.assignmentOf(t, r1, a), e.assignmentOf(t, r2, a)
		b1, b2 := e.assignmentOf(t, r1, b), e.assignmentOf(t, r2, b)
		rc := e.do(t, "GET", "/api/v1/assignments/"+a1+"/case", token(r1.token), header("Accept-Language", "ar")).want(t, http.StatusOK).obj(t)
		rubric := rc["rubric"].(map[string]any)["criteria"].([]any)
		first := rubric[0].(map[string]any)
		if len(rubric) != 7 || first["label"] != "الأثر والأدلة" || len(first["anchors"].([]any)) != 5 || rc["blind"] != false {
			t.Errorf("the case's rubric in Arabic: %v", first)
		}
		if rc["case"].(map[string]any)["organisation"].(map[string]any)["name"] != "Kisumu Tailors Cooperative" {
			t.Errorf("an open call shows the organisation: %v", rc["case"])
		}
		e.do(t, "PUT", "/api/v1/assignments/"+a1+"/review", token(r1.token), jsonBody(map[string]any{"scores": map[string]int{"impact": 4}})).
			want(t, http.StatusOK)
		p = e.do(t, "POST", "/api/v1/assignments/"+a1+"/review/submit", token(r1.token)).want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("scores.relevance", "err.required") || !p.hasError("recommendation", "err.required") {
			t.Errorf("submitting a partial review: %v", p.fields())
		}
		p = e.do(t, "PUT", "/api/v1/assignments/"+a1+"/review", token(r1.token), jsonBody(map[string]any{"scores": map[string]int{"impact": 9}})).
			want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("scores.impact", "review.err.score_range") {
			t.Errorf("a score of 9: %v", p.fields())
		}
		if p := e.do(t, "GET", "/api/v1/assignments/"+a1+"/reviews", token(r1.token)).want(t, http.StatusConflict).problem(t); p.Code != "review.err.submit_first" {
			t.Errorf("others before one's own: %s", p.Code)
		}
		submit := func(r actor, id string, n int, note string) {
			t.Helper()
			e.do(t, "PUT", "/api/v1/assignments/"+id+"/review", token(r.token), jsonBody(fullReview(n, note, "CONFIDENTIAL "+r.user.Name))).want(t, http.StatusOK)
			v := e.do(t, "POST", "/api/v1/assignments/"+id+"/review/submit", token(r.token)).want(t, http.StatusOK).obj(t)
			if v["state"] != "submitted" || v["total"] != float64(20*n) {
				t.Errorf("submitted review %v", v)
			}
		}
		submit(r1, a1, 5, "Strong evidence of sales growth.")
		submit(r2, a2, 2, "The KPIs need a baseline.")
		submit(r1, b1, 3, "A clear story.")
		submit(r2, b2, 3, "Good partnerships.")
		e.do(t, "PUT", "/api/v1/assignments/"+a1+"/review", token(r1.token), jsonBody(fullReview(1, "", ""))).want(t, http.StatusConflict)
		peers := e.do(t, "GET", "/api/v1/assignments/"+a1+"/reviews", token(r1.token)).want(t, http.StatusOK)
		lacksAny(t, "the other reviews", peers.body, "CONFIDENTIAL", r2.user.Name, r2.user.Email)
		if !bytes.Contains(peers.body, []byte("The KPIs need a baseline.")) {
			t.Errorf("the other review: %s", peers.body)
		}
		// A reviewer never reaches another reviewer's assignment.
		e.do(t, "GET", "/api/v1/assignments/"+a2+"/case", token(r1.token)).want(t, http.StatusNotFound)
		e.do(t, "PUT", "/api/v1/assignments/"+a2+"/review", token(r1.token), jsonBody(fullReview(1, "", ""))).want(t, http.StatusNotFound)
		e.do(t, "GET", "/api/v1/assignments/"+a2+"/reviews", token(r1.token)).want(t, http.StatusNotFound)

		// The ranking: raw and calibrated; A's reviewers disagree.
		var ranking struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking", sec).want(t, http.StatusOK).json(t, &ranking)
		row := map[string]map[string]any{}
		for _, x := range ranking.Items {
			row[x["case"].(string)] = x
		}
		if x := row[a]; len(ranking.Items) != 2 || x["mean"] != 70.0 || x["spread"] != 60.0 || x["disagreement"] != true || x["calibrated"] == nil || x["reviews"] != 2.0 {
			t.Errorf("ranking of A: %v", x)
		}
		e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking?sort=mean&order=asc", sec).want(t, http.StatusOK).json(t, &ranking)
		if ranking.Items[0]["case"] != b {
			t.Errorf("sorted by mean, ascending: %v first", ranking.Items[0]["case"])
		}
		p = e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking?sort=colour", sec).want(t, http.StatusBadRequest).problem(t)
		if !p.hasError("sort", "err.unknown_code") {
			t.Errorf("unknown sort: %v", p.fields())
		}
		csv := e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking/export?format=csv", sec).want(t, http.StatusOK)
		if !strings.HasPrefix(string(csv.body), "\uFEFFrank,case,title") || !strings.Contains(string(csv.body), a) {
			t.Errorf("ranking CSV: %.200s", csv.body)
		}
		if x := e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking/export?format=xlsx", sec).want(t, http.StatusOK); !bytes.HasPrefix(x.body, []byte("PK")) {
			t.Error("ranking XLSX is not a zip file")
		}
		e.do(t, "GET", "/api/v1/calls/"+slug+"/ranking/export", sec).want(t, http.StatusBadRequest)
		var staff struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/cases/"+a+"/reviews", sec).want(t, http.StatusOK).json(t, &staff)
		if len(staff.Items) != 2 || !strings.HasPrefix(staff.Items[0]["comment_to_committee"].(string), "CONFIDENTIAL") || staff.Items[0]["reviewer_name"] == "" {
			t.Errorf("the committee's view: %v", staff.Items)
		}

		// Where reviewers disagree, one more reviewer (after raising her load).
		e.do(t, "POST", "/api/v1/cases/"+a+"/reviewers", sec, jsonBody(map[string]any{"reviewer": r3.user.ID})).want(t, http.StatusUnprocessableEntity)
		e.do(t, "PATCH", "/api/v1/calls/"+slug+"/reviewers/"+r3ID, sec, jsonBody(map[string]any{"max_load": 2})).want(t, http.StatusOK)
		added := e.do(t, "POST", "/api/v1/cases/"+a+"/reviewers", sec, jsonBody(map[string]any{"reviewer": r3.user.ID})).want(t, http.StatusCreated).obj(t)
		if added["source"] != "manual" || added["case"] != a {
			t.Errorf("added reviewer %v", added)
		}
		// A submitted review reopened, corrected and submitted again.
		e.do(t, "POST", "/api/v1/assignments/"+b2+"/review/reopen", sec, jsonBody(map[string]any{"reason": "Check the sustainability score."})).
			want(t, http.StatusNoContent)
		submit(r2, b2, 3, "Good partnerships; sustainable.")
		// Unassigning r3, who has not started.
		e.do(t, "DELETE", "/api/v1/assignments/"+strconv.FormatInt(int64(added["id"].(float64)), 10), sec).want(t, http.StatusNoContent)
		e.do(t, "DELETE", "/api/v1/assignments/"+a1, sec).want(t, http.StatusConflict)

		// Decisions, pending until released.
		e.do(t, "POST", "/api/v1/cases/"+a+"/decision", sec, jsonBody(map[string]any{"decision": "accepted", "note": "Committee note: exemplary."})).want(t, http.StatusOK)
		e.do(t, "POST", "/api/v1/cases/"+b+"/decision", sec, jsonBody(map[string]any{"decision": "rejected"})).want(t, http.StatusOK)
		e.do(t, "POST", "/api/v1/cases/"+b+"/decision", sec, jsonBody(map[string]any{"decision": "maybe"})).want(t, http.StatusUnprocessableEntity)
		fb := e.do(t, "GET", "/api/v1/cases/"+a+"/feedback", token(owner.token)).want(t, http.StatusOK).obj(t)
		if fb["decision"] != nil || len(fb["comments"].([]any)) != 0 {
			t.Errorf("feedback before release: %v", fb)
		}
		rel := e.do(t, "POST", "/api/v1/calls/"+slug+"/decisions/release", sec).want(t, http.StatusOK).obj(t)
		if jsonText(rel["accepted"]) != `["`+a+`"]` || jsonText(rel["rejected"]) != `["`+b+`"]` {
			t.Errorf("release %v", rel)
		}
		e.do(t, "POST", "/api/v1/cases/"+a+"/decision", sec, jsonBody(map[string]any{"decision": "rejected"})).want(t, http.StatusConflict)
		fbr := e.do(t, "GET", "/api/v1/cases/"+a+"/feedback", token(owner.token)).want(t, http.StatusOK)
		fb = fbr.obj(t)
		if fb["decision"] != "accepted" || len(fb["comments"].([]any)) != 2 {
			t.Errorf("feedback %v", fb)
		}
		secrets := []string{"CONFIDENTIAL", "Committee note", r1.user.Name, r2.user.Name, r3.user.Name, r1.user.Email, r2.user.Email}
		lacksAny(t, "the feedback", fbr.body, secrets...)
		e.do(t, "GET", "/api/v1/cases/"+a+"/feedback", token(other.token)).want(t, http.StatusNotFound)
		msgs, err := db.OutboxFor(ctx, owner.user.Email)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(msgs, func(m store.OutboxMessage) bool { return strings.HasPrefix(m.Key, "decision:") })
		if i < 0 {
			t.Fatal("no decision mail to the applicant")
		}
		lacksAny(t, "the decision mail", []byte(msgs[i].Subject+msgs[i].Text+msgs[i].HTML), secrets...)
		if !strings.Contains(msgs[i].Text, "Strong evidence of sales growth.") {
			t.Errorf("the decision mail lacks the comments:\n%s", msgs[i].Text)
		}

		// Publication: one case, taken back, then the whole call.
		if v := e.do(t, "POST", "/api/v1/cases/"+a+"/publish", sec).want(t, http.StatusOK).obj(t); v["state"] != "published" {
			t.Errorf("published %v", v["state"])
		}
		if v := e.do(t, "POST", "/api/v1/cases/"+a+"/unpublish", sec, jsonBody(map[string]any{"reason": "The applicant asked for a correction."})).
			want(t, http.StatusOK).obj(t); v["state"] != "accepted" {
			t.Errorf("unpublished %v", v["state"])
		}
		e.do(t, "POST", "/api/v1/cases/"+b+"/publish", sec).want(t, http.StatusConflict)
		// The whole call: the withdrawn case stays out until published on
		// its own.
		pub := e.do(t, "POST", "/api/v1/calls/"+slug+"/publish", sec).want(t, http.StatusOK).obj(t)
		if jsonText(pub["published"]) != `[]` || jsonText(pub["withdrawn"]) != `["`+a+`"]` {
			t.Errorf("publish call %v", pub)
		}
		if v := e.do(t, "POST", "/api/v1/cases/"+a+"/publish", sec).want(t, http.StatusOK).obj(t); v["state"] != "published" {
			t.Errorf("published again %v", v["state"])
		}

		// The audit log, filtered.
		var audit struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/audit", sec).want(t, http.StatusOK).json(t, &audit)
		actions := map[string]bool{}
		for _, x := range audit.Items {
			actions[x["entity"].(string)+" "+x["action"].(string)] = true
		}
		for _, want := range []string{"case screen", "panel invite", "panel accept", "assignment assign", "assignment unassign",
			"assignment_rule forbid", "review submit", "review reopen", "decision decide", "case release", "case publish", "case unpublish", "call phase"} {
			if !actions[want] {
				t.Errorf("the audit log lacks %q", want)
			}
		}
		e.do(t, "GET", "/api/v1/calls/"+slug+"/audit?entity=case&action=screen", sec).want(t, http.StatusOK).json(t, &audit)
		if len(audit.Items) != 3 {
			t.Errorf("screenings in the log: %d", len(audit.Items))
		}
		e.do(t, "GET", "/api/v1/calls/"+slug+"/audit?actor="+r1ID+"&limit=2", sec).want(t, http.StatusOK).json(t, &audit)
		if len(audit.Items) != 2 || audit.Items[0]["actor"] != float64(r1.user.ID) {
			t.Errorf("r1's entries: %v", audit.Items)
		}
		p = e.do(t, "GET", "/api/v1/calls/"+slug+"/audit?from=yesterday", sec).want(t, http.StatusBadRequest).problem(t)
		if !p.hasError("from", "err.datetime") {
			t.Errorf("bad from: %v", p.fields())
		}
		e.do(t, "GET", "/api/v1/calls/"+slug+"/audit?from=2026-07-01T00:00:00Z&to=2026-06-01T00:00:00Z", sec).want(t, http.StatusUnprocessableEntity)

		// Review settings.
		set := e.do(t, "GET", "/api/v1/calls/"+slug+"/review-settings", sec).want(t, http.StatusOK).obj(t)
		if set["review_visibility"] != "after_own" || set["reveal_reviewers"] != false {
			t.Errorf("default settings %v", set)
		}
		e.do(t, "PUT", "/api/v1/calls/"+slug+"/review-settings", sec, jsonBody(map[string]any{"review_visibility": "sometimes", "reveal_reviewers": true})).
			want(t, http.StatusUnprocessableEntity)
		if set := e.do(t, "PUT", "/api/v1/calls/"+slug+"/review-settings", sec, jsonBody(map[string]any{"review_visibility": "always", "reveal_reviewers": true})).
			want(t, http.StatusOK).obj(t); set["review_visibility"] != "always" {
			t.Errorf("settings %v", set)
		}
	})
}

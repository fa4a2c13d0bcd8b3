package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// TestInvitationAPI answers invitations to review through the API, with
// the rules of the page behind the mailed link, on SQLite and PostgreSQL:
// a new account accepts with a password and gets a token, an existing
// account must authenticate as itself, another account is refused, a
// decline carries a reason and a suggested replacement, and a used,
// expired or unknown link is refused in the reader's language.
func TestInvitationAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug := e.createCall(t, "sme-invite", opensAt, closesAt)
		sec := token(e.secretariat)
		ruth := e.newActor(t, "ruth@uni-one.example", "Ruth Reviewer", store.RoleReviewer)
		invite := func(email, name string) string {
			t.Helper()
			e.do(t, "POST", "/api/v1/calls/"+slug+"/reviewers", sec, jsonBody(map[string]any{"email": email, "name": name,
				"languages": []string{"en"}, "max_load": 4})).want(t, http.StatusCreated)
			return e.inviteToken(t, email)
		}
		inv := func(tok string) string { return "/api/v1/invitations/" + tok }
		fr := header("Accept-Language", "fr")
		frT := func(key string, args ...any) string { return e.app.Cat.Localizer("fr").T(key, args...) }

		// A newcomer: the invitation says how to accept, then a password
		// creates the account, which gets a token.
		nadia := invite("nadia@uni-two.example", "Nadia Newcomer")
		view := e.do(t, "GET", inv(nadia)).want(t, http.StatusOK).obj(t)
		if view["call"] != slug || view["email"] != "nadia@uni-two.example" || view["name"] != "Nadia Newcomer" ||
			view["state"] != "invited" || view["has_account"] != false || view["accept"] != "create" {
			t.Errorf("the newcomer's invitation: %v", view)
		}
		lacksAny(t, "the invitation", e.do(t, "GET", inv(nadia)).body, "max_load", "expertise", "conflicts", "sec@example.org")
		p := e.do(t, "POST", inv(nadia)+"/accept", fr).want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("password", "review.err.password_required") || p.Detail != frT("error.invalid", map[string]any{"Count": 1}) {
			t.Errorf("accept without a password: %+v", p)
		}
		p = e.do(t, "POST", inv(nadia)+"/accept", jsonBody(map[string]any{"password": "short"})).want(t, http.StatusUnprocessableEntity).problem(t)
		if !p.hasError("password", "account.err.password_short") {
			t.Errorf("accept with a short password: %v", p.fields())
		}
		var accepted struct {
			Member  map[string]any
			Account map[string]any
			Token   string
		}
		e.do(t, "POST", inv(nadia)+"/accept", jsonBody(map[string]any{"password": testPassword})).want(t, http.StatusOK).json(t, &accepted)
		if accepted.Member["state"] != "accepted" || accepted.Member["call"] != slug || accepted.Account["role"] != "reviewer" ||
			accepted.Account["email"] != "nadia@uni-two.example" || accepted.Token == "" {
			t.Fatalf("the newcomer accepts: %+v", accepted)
		}
		me := e.do(t, "GET", "/api/v1/me", token(accepted.Token)).want(t, http.StatusOK).obj(t)
		if me["email"] != "nadia@uni-two.example" || me["verified_at"] == nil {
			t.Errorf("the new account: %v", me)
		}
		var panels struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/me/panels", token(accepted.Token)).want(t, http.StatusOK).json(t, &panels)
		if len(panels.Items) != 1 || panels.Items[0]["call"] != slug {
			t.Errorf("the new reviewer's panels: %v", panels.Items)
		}

		// A used link is refused everywhere, in the reader's language.
		for _, tc := range []struct{ method, path string }{
			{"GET", inv(nadia)}, {"POST", inv(nadia) + "/accept"}, {"POST", inv(nadia) + "/decline"},
		} {
			p := e.do(t, tc.method, tc.path, fr).want(t, http.StatusBadRequest).problem(t)
			if p.Code != "review.err.invitation_invalid" || p.Detail != frT("review.err.invitation_invalid") {
				t.Errorf("%s %s with a used link: %+v", tc.method, tc.path, p)
			}
		}

		// An existing account: anonymous callers must authenticate as it,
		// another account is refused, the account itself joins.
		rtok := invite(ruth.user.Email, ruth.user.Name)
		for _, tc := range []struct {
			name string
			opts []opt
			want string
		}{
			{"anonymous", nil, "signin"},
			{"the invited account", []opt{token(ruth.token)}, "link"},
			{"another account", []opt{token(e.applicant)}, "other"},
		} {
			if v := e.do(t, "GET", inv(rtok), tc.opts...).want(t, http.StatusOK).obj(t); v["accept"] != tc.want || v["has_account"] != true {
				t.Errorf("%s: the invitation says %v", tc.name, v)
			}
		}
		r := e.do(t, "POST", inv(rtok)+"/accept", fr, jsonBody(map[string]any{"password": testPassword})).want(t, http.StatusUnauthorized)
		if p := r.problem(t); p.Code != "review.err.invitation_sign_in" || p.Detail != frT("review.err.invitation_sign_in") ||
			r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("an anonymous acceptance for an existing account: %+v", p)
		}
		p = e.do(t, "POST", inv(rtok)+"/accept", token(e.applicant), fr).want(t, http.StatusForbidden).problem(t)
		if p.Code != "review.err.invitation_other_account" || !strings.Contains(p.Detail, ruth.user.Email) ||
			p.Detail != frT("review.err.invitation_other_account", map[string]any{"Email": ruth.user.Email}) {
			t.Errorf("another account accepts: %+v", p)
		}
		accepted.Token = ""
		e.do(t, "POST", inv(rtok)+"/accept", token(ruth.token)).want(t, http.StatusOK).json(t, &accepted)
		if accepted.Member["state"] != "accepted" || accepted.Account["id"] != float64(ruth.user.ID) || accepted.Token != "" {
			t.Errorf("the invited account accepts: %+v", accepted)
		}

		// A decline with a reason and a suggested replacement.
		omar := invite("omar@uni-three.example", "Omar Busy")
		for _, tc := range []struct {
			name   string
			body   any
			status int
			field  string
			code   string
		}{
			{"an unknown field", `{"suggestion": "Ask Lee"}`, http.StatusBadRequest, "suggestion", "error.unknown_field"},
			{"a bad address", map[string]any{"suggested_replacement": map[string]any{"name": "Dr Lee", "email": "lee at poly"}},
				http.StatusUnprocessableEntity, "suggested_replacement.email", "account.err.email_invalid"},
			{"a name only", map[string]any{"suggested_replacement": map[string]any{"name": "Dr Lee"}},
				http.StatusUnprocessableEntity, "suggested_replacement.email", "err.required"},
			{"oneself", map[string]any{"suggested_replacement": map[string]any{"name": "Me", "email": "Omar@Uni-Three.example"}},
				http.StatusUnprocessableEntity, "suggested_replacement.email", "review.err.suggest_self"},
			{"a long reason", map[string]any{"reason": strings.Repeat("x", 1001)}, http.StatusUnprocessableEntity, "reason", "err.too_long_chars"},
		} {
			p := e.do(t, "POST", inv(omar)+"/decline", jsonBody(tc.body)).want(t, tc.status).problem(t)
			if !p.hasError(tc.field, tc.code) {
				t.Errorf("decline with %s: %v", tc.name, p.fields())
			}
		}
		e.do(t, "POST", inv(omar)+"/decline", jsonBody(map[string]any{"reason": "On leave until September.",
			"suggested_replacement": map[string]any{"name": "Dr Lee Min", "email": "Lee@Poly.example"}})).want(t, http.StatusNoContent)
		e.do(t, "POST", inv(omar)+"/accept", jsonBody(map[string]any{"password": testPassword})).want(t, http.StatusBadRequest)
		// A decline needs no body at all.
		e.do(t, "POST", inv(invite("quiet@uni-five.example", "Quiet Person"))+"/decline").want(t, http.StatusNoContent)
		var panel struct{ Items []map[string]any }
		e.do(t, "GET", "/api/v1/calls/"+slug+"/reviewers", sec).want(t, http.StatusOK).json(t, &panel)
		states := map[string]string{}
		for _, m := range panel.Items {
			states[m["email"].(string)] = m["state"].(string)
			if m["email"] == "omar@uni-three.example" {
				rep, _ := m["suggested_replacement"].(map[string]any)
				if m["decline_reason"] != "On leave until September." || rep["name"] != "Dr Lee Min" || rep["email"] != "lee@poly.example" {
					t.Errorf("the declined member: %v", m)
				}
			}
		}
		want := map[string]string{"nadia@uni-two.example": "accepted", ruth.user.Email: "accepted",
			"omar@uni-three.example": "declined", "quiet@uni-five.example": "declined"}
		for email, s := range want {
			if states[email] != s {
				t.Errorf("%s is %q, want %q", email, states[email], s)
			}
		}

		// An expired link, and links that never were.
		late := invite("late@uni-four.example", "Late Reader")
		e.clock.Set(t0.Add(31 * 24 * time.Hour))
		ar := header("Accept-Language", "ar")
		for _, path := range []string{inv(late), inv(strings.Repeat("x", 43)), inv("nothing")} {
			p := e.do(t, "GET", path, ar).want(t, http.StatusBadRequest).problem(t)
			if p.Code != "review.err.invitation_invalid" || p.Detail != e.app.Cat.Localizer("ar").T("review.err.invitation_invalid") {
				t.Errorf("GET %s: %+v", path, p)
			}
		}
		e.do(t, "POST", inv(late)+"/accept", jsonBody(map[string]any{"password": testPassword})).want(t, http.StatusBadRequest)
		e.do(t, "POST", inv(late)+"/decline").want(t, http.StatusBadRequest)
		e.clock.Set(t0)
		// A broken bearer token is refused, whatever the link.
		e.do(t, "GET", inv(late), token("not-a-token")).want(t, http.StatusUnauthorized)
		if _, err := e.app.DB.UserByEmail(context.Background(), "late@uni-four.example"); err == nil {
			t.Error("an expired invitation created an account")
		}
	})
}

// TestReviewSettingsDeadlineAPI sets, keeps and removes a call's review
// deadline through PATCH and PUT.
func TestReviewSettingsDeadlineAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug := e.createCall(t, "sme-deadline", opensAt, closesAt)
		path := "/api/v1/calls/" + slug + "/review-settings"
		sec := token(e.secretariat)
		due := closesAt.Add(21 * 24 * time.Hour).Format(time.RFC3339)
		tests := []struct {
			name   string
			method string
			opts   []opt
			status int
			want   map[string]any // the settings after the request
		}{
			{"set the deadline", "PATCH", []opt{sec, jsonBody(map[string]any{"review_deadline": due})}, http.StatusOK,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": false, "review_deadline": due}},
			{"a merge patch keeps it", "PATCH", []opt{sec, jsonBody(`{"reveal_reviewers": true}`), contentType("application/merge-patch+json")},
				http.StatusOK, map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"before the call closes", "PATCH", []opt{sec, jsonBody(map[string]any{"review_deadline": closesAt.Add(-time.Hour).Format(time.RFC3339)})},
				http.StatusUnprocessableEntity, map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"not a date", "PATCH", []opt{sec, jsonBody(`{"review_deadline": 5}`)}, http.StatusBadRequest,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"an unknown visibility", "PATCH", []opt{sec, jsonBody(`{"review_visibility": "sometimes"}`)}, http.StatusUnprocessableEntity,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"an applicant", "PATCH", []opt{token(e.applicant), jsonBody(`{"review_deadline": null}`)}, http.StatusForbidden,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"anonymous", "PATCH", []opt{jsonBody(`{"review_deadline": null}`)}, http.StatusUnauthorized,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": true, "review_deadline": due}},
			{"null removes it", "PATCH", []opt{sec, jsonBody(`{"review_deadline": null}`)}, http.StatusOK,
				map[string]any{"review_visibility": "after_own", "reveal_reviewers": true}},
			{"PUT sets it", "PUT", []opt{sec, jsonBody(map[string]any{"review_visibility": "always", "reveal_reviewers": false, "review_deadline": due})},
				http.StatusOK, map[string]any{"review_visibility": "always", "reveal_reviewers": false, "review_deadline": due}},
			{"PUT without it removes it", "PUT", []opt{sec, jsonBody(map[string]any{"review_visibility": "always", "reveal_reviewers": false})},
				http.StatusOK, map[string]any{"review_visibility": "always", "reveal_reviewers": false}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				r := e.do(t, tc.method, path, tc.opts...).want(t, tc.status)
				if tc.status == http.StatusUnprocessableEntity {
					if p := r.problem(t); len(p.Errors) != 1 {
						t.Errorf("problem %+v", p)
					}
				}
				got := e.do(t, "GET", path, sec).want(t, http.StatusOK).obj(t)
				if len(got) != len(tc.want) {
					t.Fatalf("settings %v, want %v", got, tc.want)
				}
				for k, v := range tc.want {
					if got[k] != v {
						t.Errorf("%s = %v, want %v", k, got[k], v)
					}
				}
			})
		}
		e.do(t, "PATCH", "/api/v1/calls/nowhere/review-settings", sec, jsonBody(`{}`)).want(t, http.StatusNotFound)
		e.do(t, "PATCH", path, sec, jsonBody(`{}`), contentType("text/plain")).want(t, http.StatusUnsupportedMediaType)
	})
}

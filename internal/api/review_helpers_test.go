package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/store"
)

// actor is an account of the review tests with its API token. Each has
// its own e-mail domain, so that no reviewer shares one with an applicant.
type actor struct {
	user  store.User
	token string
}

// newActor creates a verified account of role and an API token for it.
func (e *env) newActor(t *testing.T, email, name, role string) actor {
	t.Helper()
	ctx := context.Background()
	u, err := e.app.AddUser(ctx, nil, email, name, role, testPassword)
	if err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	tok, err := e.app.IssueToken(ctx, u, "test")
	if err != nil {
		t.Fatal(err)
	}
	return actor{user: u, token: tok}
}

// staff is the secretariat of env as a store.User, for setting up
// fixtures through the app.
func (e *env) staff(t *testing.T) *store.User {
	t.Helper()
	u, err := e.app.TokenUser(context.Background(), e.secretariat)
	if err != nil {
		t.Fatal(err)
	}
	return &u
}

// caseWith creates and submits, as a, the example case changed by edit.
func (e *env) caseWith(t *testing.T, a actor, slug string, edit func(m map[string]any)) string {
	t.Helper()
	doc := exampleCase(t)
	if edit != nil {
		edit(doc)
	}
	id := e.createCase(t, a.token, slug, doc)
	e.do(t, "POST", "/api/v1/cases/"+id+"/submit", token(a.token)).want(t, http.StatusOK)
	return id
}

// withOrg gives a case its own organisation, website, partner and link,
// and mentions them in its summary, as applicants do.
func withOrg(org, partner, site string) func(m map[string]any) {
	return func(m map[string]any) {
		m["organisation"] = map[string]any{"name": org, "type": "sme", "country": "KE", "website": site}
		m["partners"] = []any{map[string]any{"name": partner, "type": "government", "country": "KE"}}
		m["links"] = []any{site + "/story"}
		m["summary"] = m["summary"].(string) + " " + org + " worked with " + partner + "; see " + site + "."
	}
}

var inviteTokenRE = regexp.MustCompile(`/review/invitation\?token=([A-Za-z0-9_-]+)`)

// inviteToken reads the token of the newest invitation mailed to email.
func (e *env) inviteToken(t *testing.T, email string) string {
	t.Helper()
	msgs, err := e.app.DB.OutboxFor(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := inviteTokenRE.FindStringSubmatch(msgs[i].Text); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no invitation mailed to %s", email)
	return ""
}

// join invites a to the panel of slug through the API and accepts the
// mailed invitation (a browser step, done here through the app).
func (e *env) join(t *testing.T, slug string, a actor, maxLoad int) {
	t.Helper()
	e.do(t, "POST", "/api/v1/calls/"+slug+"/reviewers", token(e.secretariat), jsonBody(map[string]any{
		"email": a.user.Email, "name": a.user.Name, "languages": []string{"en"}, "max_load": maxLoad,
		"expertise": map[string]any{"wsis": []string{"C7"}, "technologies": []string{"cloud"}, "sectors": []string{"C"}},
	})).want(t, http.StatusCreated)
	if _, _, err := e.app.AcceptInvitationAs(context.Background(), &a.user, e.inviteToken(t, a.user.Email), ""); err != nil {
		t.Fatalf("accept the invitation of %s: %v", a.user.Email, err)
	}
}

// screenEligible screens a case eligible through the API.
func (e *env) screenEligible(t *testing.T, id string) {
	t.Helper()
	e.do(t, "POST", "/api/v1/cases/"+id+"/screening", token(e.secretariat),
		jsonBody(map[string]any{"outcome": "eligible", "checklist": map[string]bool{"sme_focus": true}})).want(t, http.StatusOK)
}

// fullReview is a complete review with every default criterion at n.
func fullReview(n int, toApplicant, toCommittee string) map[string]any {
	scores := map[string]int{}
	for _, c := range []string{"impact", "relevance", "solution", "replicability", "sustainability", "inclusion", "partnership"} {
		scores[c] = n
	}
	return map[string]any{"scores": scores, "recommendation": "accept", "confidence": 2,
		"comment_to_applicant": toApplicant, "comment_to_committee": toCommittee}
}

// assignmentOf finds the id of a's assignment to case id through the API.
func (e *env) assignmentOf(t *testing.T, a actor, caseID string) string {
	t.Helper()
	var mine struct {
		Items []struct {
			ID   int64
			Case string
		}
	}
	e.do(t, "GET", "/api/v1/me/assignments", token(a.token)).want(t, http.StatusOK).json(t, &mine)
	for _, x := range mine.Items {
		if x.Case == caseID {
			return strconv.FormatInt(x.ID, 10)
		}
	}
	t.Fatalf("%s is not assigned to %s", a.user.Email, caseID)
	return ""
}

// lacksAny fails if body holds any of the secrets, ignoring case. JSON
// bodies are read again without HTML escapes, so that no encoding hides a
// leak.
func lacksAny(t *testing.T, what string, body []byte, secrets ...string) {
	t.Helper()
	text := string(body)
	var v any
	if json.Unmarshal(body, &v) == nil {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) == nil {
			text += "\n" + b.String()
		}
	}
	low := strings.ToLower(text)
	for _, s := range secrets {
		if strings.Contains(low, strings.ToLower(s)) {
			t.Errorf("%s reveals %q", what, s)
		}
	}
}

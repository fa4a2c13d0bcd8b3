package api

import (
	"net/http"
	"slices"
	"strings"
)

// routes lists every endpoint of the API on one screen.
func (s *server) routes() *router {
	rt := &router{s: s, mux: http.NewServeMux(), methods: map[string][]string{}}

	// The contract itself.
	rt.handle("GET /api/openapi.json", s.openAPI)

	// Accounts and tokens.
	rt.handle("POST /api/v1/tokens", s.createToken)
	rt.handle("GET /api/v1/me", s.me)

	// Calls.
	rt.handle("GET /api/v1/calls", s.listCalls)
	rt.handle("POST /api/v1/calls", s.createCall)
	rt.handle("GET /api/v1/calls/{slug}", s.getCall)
	rt.handle("PATCH /api/v1/calls/{slug}", s.updateCall)

	// Cases of a call.
	rt.handle("POST /api/v1/calls/{slug}/cases", s.createCase)
	rt.handle("GET /api/v1/calls/{slug}/cases", s.listCases)
	rt.handle("GET /api/v1/calls/{slug}/export", s.exportCases)

	// One case.
	rt.handle("GET /api/v1/cases/{id}", s.getCase)
	rt.handle("PUT /api/v1/cases/{id}", s.putCase)
	rt.handle("POST /api/v1/cases/{id}/submit", s.submitCase)
	rt.handle("POST /api/v1/cases/{id}/withdraw", s.withdrawCase)
	rt.handle("GET /api/v1/cases/{id}/versions", s.listVersions)
	rt.handle("GET /api/v1/cases/{id}/versions/{n}", s.getVersion)

	// Attachments of a case.
	rt.handle("POST /api/v1/cases/{id}/attachments", s.uploadAttachment)
	rt.handle("GET /api/v1/cases/{id}/attachments", s.listAttachments)
	rt.handle("GET /api/v1/cases/{id}/attachments/{name}", s.downloadAttachment)
	rt.handle("DELETE /api/v1/cases/{id}/attachments/{name}", s.deleteAttachment)

	// Review: screening, the panel, assignment (review.go).
	rt.handle("POST /api/v1/cases/{id}/screening", s.screenCase)
	rt.handle("GET /api/v1/cases/{id}/screenings", s.listScreenings)
	rt.handle("POST /api/v1/calls/{slug}/reviewers", s.inviteReviewer)
	rt.handle("GET /api/v1/calls/{slug}/reviewers", s.listReviewers)
	rt.handle("PUT /api/v1/calls/{slug}/reviewers/{reviewer}", s.putReviewerProfile)
	rt.handle("PATCH /api/v1/calls/{slug}/reviewers/{reviewer}", s.patchReviewer)
	rt.handle("GET /api/v1/me/panels", s.myPanels)
	rt.handle("POST /api/v1/calls/{slug}/assignments/auto", s.autoAssign)
	rt.handle("GET /api/v1/calls/{slug}/assignments", s.listAssignments)
	rt.handle("DELETE /api/v1/assignments/{id}", s.deleteAssignment)
	rt.handle("POST /api/v1/cases/{id}/reviewers", s.addReviewer)
	rt.handle("GET /api/v1/calls/{slug}/rules", s.listRules)
	rt.handle("PUT /api/v1/cases/{id}/rules/{reviewer}", s.putRule)
	rt.handle("DELETE /api/v1/cases/{id}/rules/{reviewer}", s.deleteRule)

	// Review: the reviewer's work (review_reviewer.go).
	rt.handle("GET /api/v1/me/assignments", s.myAssignments)
	rt.handle("GET /api/v1/assignments/{id}/case", s.assignmentCase)
	rt.handle("GET /api/v1/assignments/{id}/case/attachments/{name}", s.assignmentAttachment)
	rt.handle("PUT /api/v1/assignments/{id}/review", s.putReview)
	rt.handle("POST /api/v1/assignments/{id}/review/submit", s.submitReview)
	rt.handle("POST /api/v1/assignments/{id}/review/reopen", s.reopenReview)
	rt.handle("GET /api/v1/assignments/{id}/reviews", s.otherReviews)
	rt.handle("GET /api/v1/cases/{id}/reviews", s.caseReviews)

	// Review: ranking, decisions, publication, feedback, audit (review_decisions.go).
	rt.handle("GET /api/v1/calls/{slug}/ranking", s.ranking)
	rt.handle("GET /api/v1/calls/{slug}/ranking/export", s.exportRanking)
	rt.handle("POST /api/v1/cases/{id}/decision", s.decide)
	rt.handle("POST /api/v1/calls/{slug}/decisions/release", s.releaseDecisions)
	rt.handle("POST /api/v1/cases/{id}/publish", s.publishCase)
	rt.handle("POST /api/v1/cases/{id}/unpublish", s.unpublishCase)
	rt.handle("POST /api/v1/calls/{slug}/publish", s.publishCall)
	rt.handle("GET /api/v1/cases/{id}/feedback", s.feedback)
	rt.handle("GET /api/v1/calls/{slug}/audit", s.callAudit)
	rt.handle("GET /api/v1/calls/{slug}/review-settings", s.getReviewSettings)
	rt.handle("PUT /api/v1/calls/{slug}/review-settings", s.putReviewSettings)
	rt.handle("PATCH /api/v1/calls/{slug}/review-settings", s.patchReviewSettings)

	// Review: invitations, for whoever holds the mailed link (review_invitations.go).
	rt.handle("GET /api/v1/invitations/{token}", s.getInvitation)
	rt.handle("POST /api/v1/invitations/{token}/accept", s.acceptInvitation)
	rt.handle("POST /api/v1/invitations/{token}/decline", s.declineInvitation)

	// The public library (library.go).
	rt.handle("GET /api/v1/library/cases", s.listLibraryCases)
	rt.handle("GET /api/v1/library/cases/{id}", s.getLibraryCase)
	rt.handle("GET /api/v1/library/cases.csv", s.exportLibrary("csv"))
	rt.handle("GET /api/v1/library/cases.jsonl", s.exportLibrary("jsonl"))
	rt.handle("GET /api/v1/library/cases.xlsx", s.exportLibrary("xlsx"))
	rt.handle("GET /api/v1/library/stats", s.getLibraryStats)

	return rt
}

// router registers handlers and answers, as problem documents, a path that
// exists with a method it lacks (405, with Allow) and a path that does not
// exist (404).
type router struct {
	s       *server
	mux     *http.ServeMux
	methods map[string][]string // path pattern → methods
	paths   []string            // path patterns in registration order
}

func (rt *router) handle(pattern string, h handlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	if _, ok := rt.methods[path]; !ok {
		rt.paths = append(rt.paths, path)
	}
	rt.methods[path] = append(rt.methods[path], method)
	rt.mux.Handle(pattern, rt.s.adapt(h))
}

func (rt *router) finish() http.Handler {
	for _, path := range rt.paths {
		allow := rt.methods[path]
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		slices.Sort(allow)
		allowed := strings.Join(allow, ", ")
		rt.mux.Handle(path, rt.s.adapt(func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
			w.Header().Set("Allow", allowed)
			return &requestError{status: http.StatusMethodNotAllowed, key: "api.err.method",
				args: map[string]any{"Method": r.Method, "Allow": allowed}}
		}))
	}
	rt.mux.Handle("/api/", rt.s.adapt(func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
		return &requestError{status: http.StatusNotFound, key: "api.err.no_endpoint", args: map[string]any{"Path": r.URL.Path}}
	}))
	return rt.mux
}

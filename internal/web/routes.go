package web

import "net/http"

// routes is the whole site on one screen. Every page lives under a
// language prefix; h.page resolves the language and the session, and
// renders the errors handlers return.
func (h *Handler) routes(mux *http.ServeMux) {
	// Entry, language and static files
	mux.HandleFunc("GET /{$}", h.root)
	mux.HandleFunc("GET /lang/{to}", h.switchLang)
	mux.HandleFunc("GET /static/{file}", h.serveAsset)
	mux.HandleFunc("GET /sitemap.xml", h.sitemap)
	mux.HandleFunc("GET /robots.txt", h.robots)
	mux.HandleFunc("/", h.redirectToLang) // unprefixed paths, unknown prefixes

	// Public pages
	mux.Handle("GET /{lang}/{$}", h.page(h.home))
	mux.Handle("GET /{lang}/calls/{slug}", h.page(h.callShow))

	// Pages one segment under the language share one pattern: a pattern
	// each ("/{lang}/cases") would conflict with "/lang/{to}" and
	// "/static/{file}", which match the same two-segment paths.
	sections := map[string]handler{
		"cases":  h.librarySearch, // the library (library_search.go)
		"stats":  h.libraryStats,  // the library in figures (library_stats.go)
		"review": h.reviewMine,    // a reviewer's assignments (review_reviewer.go)
	}
	mux.Handle("GET /{lang}/{section}", h.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if fn, ok := sections[r.PathValue("section")]; ok {
			return fn(w, r, rq)
		}
		return errPageNotFound
	}))

	// The library of published cases (library_*.go)
	mux.Handle("GET /{lang}/cases/feed.atom", h.page(h.libraryFeed))
	mux.Handle("GET /{lang}/cases/{id}", h.page(h.libraryCase))
	mux.Handle("GET /{lang}/cases/{id}/attachments/{name}", h.page(h.libraryAttachment))
	mux.Handle("GET /{lang}/cases/{id}/edit", h.page(h.movedToMe)) // old links to the form
	mux.Handle("GET /{lang}/stats/map.svg", h.page(h.libraryMap))

	// Accounts
	mux.Handle("GET /{lang}/account/register", h.page(h.registerForm))
	mux.Handle("POST /{lang}/account/register", h.page(h.registerSave))
	mux.Handle("GET /{lang}/account/verify", h.page(h.verify))
	mux.Handle("GET /{lang}/account/resend", h.page(h.resendForm))
	mux.Handle("POST /{lang}/account/resend", h.page(h.resendSave))
	mux.Handle("GET /{lang}/account/signin", h.page(h.signInForm))
	mux.Handle("POST /{lang}/account/signin", h.page(h.signInSave))
	mux.Handle("POST /{lang}/account/signout", h.page(h.signOut))
	mux.Handle("GET /{lang}/account/forgot", h.page(h.forgotForm))
	mux.Handle("POST /{lang}/account/forgot", h.page(h.forgotSave))
	mux.Handle("GET /{lang}/account/reset", h.page(h.resetForm))
	mux.Handle("POST /{lang}/account/reset", h.page(h.resetSave))
	mux.Handle("GET /{lang}/account/profile", h.page(h.profileForm))
	mux.Handle("POST /{lang}/account/profile", h.page(h.profileSave))

	// Applicants: their cases
	mux.Handle("GET /{lang}/me/cases", h.page(h.myCases))
	mux.Handle("POST /{lang}/calls/{slug}/cases", h.page(h.caseStart))
	mux.Handle("GET /{lang}/me/cases/{id}", h.page(h.caseShow))
	mux.Handle("GET /{lang}/me/cases/{id}/edit", h.page(h.caseEdit))
	mux.Handle("POST /{lang}/me/cases/{id}/edit", h.page(h.caseSave)) // save, submit, add a row, autosave
	mux.Handle("GET /{lang}/me/cases/{id}/withdraw", h.page(h.caseWithdrawConfirm))
	mux.Handle("POST /{lang}/me/cases/{id}/withdraw", h.page(h.caseWithdraw))
	mux.Handle("POST /{lang}/me/cases/{id}/attachments", h.upload(h.attachmentUpload))
	mux.Handle("GET /{lang}/me/cases/{id}/attachments/{name}", h.page(h.attachmentDownload))
	mux.Handle("POST /{lang}/me/cases/{id}/attachments/{name}/delete", h.page(h.attachmentDelete))
	mux.Handle("GET /{lang}/me/cases/{id}/draft", h.page(h.draftDownload))  // the working copy as a file (draftfile.go)
	mux.Handle("POST /{lang}/me/cases/{id}/draft", h.upload(h.draftUpload)) // that file, uploaded again

	// Secretariat
	mux.Handle("GET /{lang}/sec/calls", h.page(h.secCalls))
	mux.Handle("GET /{lang}/sec/calls/new", h.page(h.secCallNew))
	mux.Handle("POST /{lang}/sec/calls/new", h.page(h.secCallCreate))
	mux.Handle("GET /{lang}/sec/calls/{slug}/edit", h.page(h.secCallEdit))
	mux.Handle("POST /{lang}/sec/calls/{slug}/edit", h.page(h.secCallUpdate))
	mux.Handle("GET /{lang}/sec/calls/{slug}/cases", h.page(h.secCases))
	mux.Handle("GET /{lang}/sec/calls/{slug}/export.csv", h.page(h.secExport("csv")))
	mux.Handle("GET /{lang}/sec/calls/{slug}/export.xlsx", h.page(h.secExport("xlsx")))
	mux.Handle("GET /{lang}/sec/calls/{slug}/export.jsonl", h.page(h.secExport("jsonl")))

	// Review: reviewers (review_reviewer.go, review_invitation.go, review_profile.go)
	mux.Handle("GET /{lang}/review/invitation", h.page(h.invitationShow))
	mux.Handle("POST /{lang}/review/invitation", h.page(h.invitationAnswer)) // accept or decline
	mux.Handle("GET /{lang}/review/calls/{slug}/profile", h.page(h.reviewProfileShow))
	mux.Handle("POST /{lang}/review/calls/{slug}/profile", h.page(h.reviewProfileSave))
	mux.Handle("GET /{lang}/review/assignments/{id}", h.page(h.reviewShow))
	mux.Handle("POST /{lang}/review/assignments/{id}", h.page(h.reviewSave)) // save draft, submit
	mux.Handle("GET /{lang}/review/assignments/{id}/attachments/{name}", h.page(h.reviewAttachment))

	// Review: the secretariat's tools for one call (review_sec_*.go and the other review_*.go)
	mux.Handle("GET /{lang}/sec/calls/{slug}/review", h.page(h.secReviewHub))
	mux.Handle("GET /{lang}/sec/calls/{slug}/screening", h.page(h.screeningShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/screening/{id}", h.page(h.screeningSave))
	mux.Handle("GET /{lang}/sec/calls/{slug}/panel", h.page(h.panelShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/panel", h.page(h.panelInvite))
	mux.Handle("POST /{lang}/sec/calls/{slug}/panel/{reviewer}/max-load", h.page(h.panelMaxLoad))
	mux.Handle("GET /{lang}/sec/calls/{slug}/assignments", h.page(h.assignShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/assignments/auto", h.page(h.assignRun))
	mux.Handle("POST /{lang}/sec/calls/{slug}/assignments/rules", h.page(h.assignRule)) // pin, forbid, clear
	mux.Handle("POST /{lang}/sec/calls/{slug}/assignments/{id}/unassign", h.page(h.assignRemove))
	mux.Handle("GET /{lang}/sec/calls/{slug}/ranking", h.page(h.rankingShow))
	mux.Handle("GET /{lang}/sec/calls/{slug}/ranking.csv", h.page(h.rankingExport("csv")))
	mux.Handle("GET /{lang}/sec/calls/{slug}/ranking.xlsx", h.page(h.rankingExport("xlsx")))
	mux.Handle("GET /{lang}/sec/calls/{slug}/cases/{id}", h.page(h.caseReviewsShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/cases/{id}/decision", h.page(h.caseDecide))
	mux.Handle("POST /{lang}/sec/calls/{slug}/cases/{id}/reviewers", h.page(h.caseAddReviewer))
	mux.Handle("POST /{lang}/sec/calls/{slug}/cases/{id}/reopen", h.page(h.caseReopen))
	mux.Handle("GET /{lang}/sec/calls/{slug}/decisions", h.page(h.decisionsShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/decisions", h.page(h.decisionsRelease))
	mux.Handle("GET /{lang}/sec/calls/{slug}/publication", h.page(h.publicationShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/publication", h.page(h.publicationAll))
	mux.Handle("POST /{lang}/sec/calls/{slug}/publication/{id}/publish", h.page(h.publicationOne(true)))
	mux.Handle("POST /{lang}/sec/calls/{slug}/publication/{id}/unpublish", h.page(h.publicationOne(false)))
	mux.Handle("GET /{lang}/sec/calls/{slug}/audit", h.page(h.auditShow))
	mux.Handle("GET /{lang}/sec/calls/{slug}/review-settings", h.page(h.reviewSettingsShow))
	mux.Handle("POST /{lang}/sec/calls/{slug}/review-settings", h.page(h.reviewSettingsSave))

	// Administration
	mux.Handle("GET /{lang}/admin/mail", h.page(h.adminMail))
	mux.Handle("GET /{lang}/admin/mail/{id}", h.page(h.adminMailShow))
	mux.Handle("GET /{lang}/admin/users", h.page(h.adminUsers))
}

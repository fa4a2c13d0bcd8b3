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
	mux.HandleFunc("/", h.redirectToLang) // unprefixed paths, unknown prefixes

	// Public pages
	mux.Handle("GET /{lang}/{$}", h.page(h.home))
	mux.Handle("GET /{lang}/calls/{slug}", h.page(h.callShow))

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
	mux.Handle("GET /{lang}/cases/{id}", h.page(h.caseShow))
	mux.Handle("GET /{lang}/cases/{id}/edit", h.page(h.caseEdit))
	mux.Handle("POST /{lang}/cases/{id}/edit", h.page(h.caseSave)) // save, submit, add a row, autosave
	mux.Handle("GET /{lang}/cases/{id}/withdraw", h.page(h.caseWithdrawConfirm))
	mux.Handle("POST /{lang}/cases/{id}/withdraw", h.page(h.caseWithdraw))
	mux.Handle("POST /{lang}/cases/{id}/attachments", h.upload(h.attachmentUpload))
	mux.Handle("GET /{lang}/cases/{id}/attachments/{name}", h.page(h.attachmentDownload))
	mux.Handle("POST /{lang}/cases/{id}/attachments/{name}/delete", h.page(h.attachmentDelete))

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

	// Administration
	mux.Handle("GET /{lang}/admin/mail", h.page(h.adminMail))
	mux.Handle("GET /{lang}/admin/mail/{id}", h.page(h.adminMailShow))
	mux.Handle("GET /{lang}/admin/users", h.page(h.adminUsers))
}

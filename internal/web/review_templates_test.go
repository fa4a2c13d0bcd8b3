package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
)

// reviewSamples are filled values of the review pages' types, for
// TestTemplatesRender.
func reviewSamples(t *testing.T, e *env, rq *request, b basePage) map[string]any {
	t.Helper()
	sb := secReviewBase{basePage: b, Call: h0callView(e, rq), Tabs: []tabLink{{Href: "/a", Text: "A", Current: true}, {Href: "/b", Text: "B"}}}
	criteria := rubricView(rq, domain.DefaultRubric())
	fe := newFormErrors(rq, "f")
	form := buildReviewForm(rq, criteria, url.Values{"scores.impact": {"4"}, "recommendation": {"accept"}}, fe)
	fe.place(domain.Errors{{Field: "scores.relevance", Key: domain.ErrRequired}})
	total := 72.5
	shown := shownReview(rq, criteria, "Reviewer 1", map[string]int{"impact": 4}, &total, "accept", 2, "Good.", ptr(time.Now()))
	shown.ToCommittee = "Confidential."
	pf := newProfileFields(rq, url.Values{"expertise.wsis": {"C7"}, "languages": {"en", "sw"}, "max_load": {"5"}}, newFormErrors(rq, "p"))
	card := e.h.screenCard(rq, e.call, store.Case{ID: "DX-2026-0001", Title: "T", OrgName: "O", Language: "fr", Version: 1},
		url.Values{"outcome": {"returned"}}, newFormErrors(rq, "s"), "/x", 1)
	f := &formField{ID: "f-x", Name: "x", Kind: kindText, Label: "X", Help: "help", Errors: []string{"wrong"}}
	row := rankRow{Rank: 1, Case: "DX-2026-0001", Href: "/c", Title: "T", State: "S", Reviews: "2 of 3", Mean: "70.0",
		Calibrated: "71.2", Disagreement: true, Decision: "Accepted"}
	return map[string]any{
		"review_mine": &reviewMinePage{basePage: b, Calls: []reviewCallGroup{{Slug: "sme-dx", Title: "Call", TitleLang: "en", Phase: "reviewing",
			Profile: "/p", Done: 1, Items: []reviewItem{{Href: "/r/1", Case: "DX-2026-0001", Title: "T", State: "Draft", Action: "Continue"}}},
			{Slug: "other", Title: "Other"}}},
		"review_assignment": &reviewPage{basePage: b, Case: reviewCaseInfo{ID: "DX-2026-0001", CallTitle: "Call", Version: 1, Submitted: "now", Blind: true},
			Fields: []fieldView{{Label: "L", Value: "V", Lang: "fr"}}, Translations: []translationView{{Lang: "fr", Name: "French", Source: "author",
				Fields: []mail.Field{{Label: "Title", Value: "Titre"}}}}, Attachments: []attachmentRow{{Name: "a.pdf", Href: "/a", Type: "application/pdf", Size: "1 kB"}},
			Criteria: criteria, Writable: true, Action: "/a", Form: form, Summary: fe.Summary, Others: []reviewShown{*shown}, OthersNote: "note"},
		"review_invitation": &invitationPage{basePage: b, Token: "tok", Action: "/a", CallTitle: "Call", Name: "N", Email: "n@x.example",
			Expires: "soon", Mode: app.AcceptCreate, Password: f, Decline: []*formField{f}, Summary: []summaryItem{{"#f-x", "X: wrong"}}},
		"review_profile": &reviewProfilePage{basePage: b, CallTitle: "Call", Action: "/a", Fields: pf, Summary: []summaryItem{{"#f-x", "X"}}},
		"review_sec_hub": &secReviewHubPage{secReviewBase: sb, Counts: []stateCount{{"eligible", 2}}, All: 2, Steps: []hubStep{{Href: "/s", Title: "Screening", Status: "2"}}},
		"review_screening": &screeningPage{secReviewBase: sb, Cards: []screenCard{card}, Summary: []summaryItem{{"#x", "X"}}, Total: 30, Page: 1, Pages: 2,
			Next: "/n", Screened: []stateCount{{"eligible", 1}}, Zone: "Geneva"},
		"review_panel": &panelPage{secReviewBase: sb, Action: "/a", Invite: []*formField{f}, Profile: pf,
			Members: []panelRow{{ID: 1, Name: "R", Email: "r@x", State: "Accepted", Load: "1 of 5", Submitted: 1, MaxLoad: f, MaxLoadAction: "/m"},
				{ID: 2, Name: "S", State: "Declined", Suggestion: "Omar Haddad <omar@uni.example>", Reason: "On leave", Again: []hiddenField{{"email", "s@x"}}, AgainAction: "/a"}}},
		"review_assignments": &assignPage{secReviewBase: sb, RunAction: "/r", K: f, Count: 1,
			Result: &assignResult{New: 1, Kept: 0, Removed: []string{"DX-1 – R"}, Short: []shortRow{{Case: "DX-2", Title: "T", Missing: 1,
				Blocked: []blockedView{{Text: "Language", Count: 2}}}}, Warnings: []string{"w"}},
			Cases: []assignCaseRow{{ID: "DX-1", Title: "T", Href: "/c", Reviewers: []assignRow{{Reviewer: "R", Affinity: "8", Source: "auto", State: "Draft",
				Reasons: []string{"Action line C7"}, New: true, Unassign: "/u"}}}},
			Rules: []ruleRow{{Case: "DX-1", Title: "T", Reviewer: "R", Kind: "Pinned", Clear: []hiddenField{{"kind", "clear"}}}}, RuleAction: "/r", RuleFields: []*formField{f}},
		"review_ranking": &rankingPage{secReviewBase: sb, Columns: []rankCol{{Text: "Rank"}, {Text: "Mean", Href: "/s", AriaSort: "descending"}},
			Rows: []rankRow{row}, Exports: []navLink{{"/x.csv", "CSV"}}},
		"review_case_reviews": &caseReviewsPage{secReviewBase: sb, CaseID: "DX-1", CaseTitle: "T", CaseHref: "/c", State: "Under review", Row: &row,
			Reviews:        []staffReviewView{{Shown: *shown, State: "Submitted", Assignment: 3, Reopen: f}},
			DecisionAction: "/d", DecisionFields: []*formField{f}, AddAction: "/a", AddField: f, ReopenAction: "/r", Summary: []summaryItem{{"#x", "X"}}},
		"review_decisions": &decisionsPage{secReviewBase: sb, Pending: []rankRow{row}, Undecided: []rankRow{row}, Released: []rankRow{row}, Accepted: 1, Action: "/r"},
		"review_publication": &publicationPage{secReviewBase: sb, Accepted: []pubRow{{ID: "DX-1", Title: "T", Href: "/c", Action: "/p"}},
			Published: []pubRow{{ID: "DX-2", Title: "T", Href: "/c", Action: "/u", Published: "today", Reason: f}}, AllAction: "/a",
			Result: &app.PublishResult{Published: []string{"DX-2"}, NoConsent: []string{"DX-3"}}, Summary: []summaryItem{{"#x", "X"}}},
		"review_audit": &auditPage{secReviewBase: sb, Filters: []*formField{f}, Entries: []auditRow{{At: "now", Actor: "A", Entity: "Case", EntityID: "DX-1",
			Action: "Screened", From: "Submitted", To: "Eligible", Reason: "ok"}}, Total: 600, Shown: 500, Zone: "Geneva"},
		"review_settings": &reviewSettingsPage{secReviewBase: sb, Action: "/a", Fields: []*formField{f}},
	}
}

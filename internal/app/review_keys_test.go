package app_test

import (
	"strconv"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/assign"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// TestReviewCatalogueKeys: every label the review workflow builds from a
// code has its text in English and Arabic: the default rubric's criteria
// and anchors, recommendations, confidences, states, settings, the
// constraints of the assignment and the reasons of an assignment.
func TestReviewCatalogueKeys(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range domain.DefaultRubric().Criteria {
		keys = append(keys, c.LabelKey())
		for n := domain.MinScore; n <= domain.MaxScore; n++ {
			keys = append(keys, c.AnchorKey(n))
		}
	}
	for _, r := range domain.Recommendations {
		keys = append(keys, "review.recommendation."+r)
	}
	for n := domain.MinConfidence; n <= domain.MaxConfidence; n++ {
		keys = append(keys, "review.confidence."+strconv.Itoa(n))
	}
	for _, s := range []string{app.AssignmentOpen, domain.ReviewDraft, domain.ReviewSubmitted} {
		keys = append(keys, "review.state."+s)
	}
	for _, v := range domain.Visibilities {
		keys = append(keys, "review.visibility."+v)
	}
	for _, o := range domain.ScreeningOutcomes {
		keys = append(keys, "review.screening."+o, "mail.screening."+o+".subject", "mail.screening."+o+".body",
			"mail.screening.note_label."+o)
	}
	for _, d := range []string{domain.DecisionAccepted, domain.DecisionRejected, "pending"} {
		keys = append(keys, "review.decision."+d)
	}
	for _, d := range []string{domain.DecisionAccepted, domain.DecisionRejected} {
		keys = append(keys, "mail.decision."+d)
	}
	for _, s := range []string{domain.InvitationInvited, domain.InvitationAccepted, domain.InvitationDeclined} {
		keys = append(keys, "review.panel."+s)
	}
	for _, c := range []string{assign.ConflictDeclared, assign.ConflictOrg, assign.ConflictDomain, assign.ConflictPartner,
		assign.Forbidden, assign.Language, assign.LoadFull} {
		keys = append(keys, "review.blocked."+c)
	}
	for _, r := range []string{assign.ReasonWSIS, assign.ReasonTechnology, assign.ReasonSector, assign.ReasonRegion,
		assign.ReasonPinned, assign.ReasonKept} {
		keys = append(keys, "review.reason."+r)
	}
	keys = append(keys, domain.ErrScoreRange, domain.ErrUnknownCrit, domain.ErrConfidence, domain.ErrRecommendation,
		"review.reviewer_label")
	for _, lang := range []string{"en", "ar"} {
		L := cat.Localizer(lang)
		for _, k := range keys {
			if !L.Translated(k) {
				t.Errorf("%s: no text for %s", lang, k)
			}
		}
	}
}

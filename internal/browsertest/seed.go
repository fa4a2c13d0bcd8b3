package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Fixtures are what the site holds besides the demo, for the pages that
// only exist once a review is under way or a case left the library. Page
// paths name them in lower case, as {review} (see values).
type Fixtures struct {
	// Review is a call under review: screened cases, two reviewers on the
	// panel, one case reviewed by both with a decision pending, three the
	// first reviewer has not started, one case not yet screened, and an
	// invitation nobody has answered.
	Review string
	// Decided is a call whose decisions are released: its accepted case
	// waits for publication.
	Decided string
	// Assignment is the first reviewer's assignment with nothing written,
	// for the pages; Fresh are two more, for journeys that review.
	Assignment int64
	Fresh      [2]int64
	// Reviewed is the case of Review both reviewers reviewed.
	Reviewed string
	// DecidedCase is Owner's case in Decided, accepted, with the
	// reviewers' comments released.
	DecidedCase string
	// Invitation is the token of the unanswered invitation.
	Invitation string
	// Published is a case in the library with a translation; Gone one
	// taken out of it.
	Published, Gone string
	// Owner is the applicant whose cases the two calls review: not a
	// demo account, whose address would share its domain with the
	// reviewers' and so bar them as a conflict of interest.
	Owner demo.Account
}

// reviewCalls are the two calls seeded for the review pages, with titles
// in the six languages.
var reviewCalls = []struct {
	slug  string
	title map[string]string
	lines []int // lines of the demo cases file to import into it
}{
	{"payments-2026", map[string]string{
		"en": "Call for Cases: Digital Payments for Small Businesses",
		"fr": "Appel à cas : les paiements numériques au service des petites entreprises",
		"es": "Convocatoria de casos: pagos digitales para las pequeñas empresas",
		"ru": "Призыв к представлению практик: цифровые платежи для малого бизнеса",
		"zh": "案例征集：小企业的数字支付",
		"ar": "دعوة لتقديم الحالات: المدفوعات الرقمية للمنشآت الصغيرة",
	}, []int{15, 22, 36, 3, 29, 8}},
	{"rural-commerce-2026", map[string]string{
		"en": "Call for Cases: E-commerce for Rural Enterprises",
		"fr": "Appel à cas : le commerce électronique pour les entreprises rurales",
		"es": "Convocatoria de casos: comercio electrónico para las empresas rurales",
		"ru": "Призыв к представлению практик: электронная торговля для сельских предприятий",
		"zh": "案例征集：农村企业的电子商务",
		"ar": "دعوة لتقديم الحالات: التجارة الإلكترونية للمنشآت الريفية",
	}, []int{16}},
}

// invitationRE finds the address of an invitation in a mail.
var invitationRE = regexp.MustCompile(`/review/invitation\?token=([A-Za-z0-9_-]+)`)

// seedFixtures adds to the demo what Fixtures describes, through the
// application's own operations, as the secretariat, the reviewers and the
// applicants would.
func (s *Site) seedFixtures(ctx context.Context) (Fixtures, error) {
	var fx Fixtures
	user := func(role string, n int) (store.User, error) {
		for _, a := range s.Accounts {
			if a.Role == role {
				if n == 0 {
					return s.DB.UserByEmail(ctx, a.Email)
				}
				n--
			}
		}
		return store.User{}, fmt.Errorf("no demo account %s #%d", role, n)
	}
	sec, err := user(store.RoleSecretariat, 0)
	if err != nil {
		return fx, err
	}
	fx.Owner = demo.Account{Email: "amara.kouyate@mtaa-pay.example", Name: "Amara Kouyaté", Role: store.RoleApplicant,
		Password: "owner of the reviewed cases", Lang: "fr"}
	applicant, err := s.App.AddUser(ctx, nil, fx.Owner.Email, fx.Owner.Name, fx.Owner.Role, fx.Owner.Password)
	if err != nil {
		return fx, fmt.Errorf("account %s: %w", fx.Owner.Email, err)
	}
	var reviewers [2]store.User
	for i := range reviewers {
		if reviewers[i], err = user(store.RoleReviewer, i); err != nil {
			return fx, err
		}
	}
	spec, err := demo.Call()
	if err != nil {
		return fx, err
	}
	lines := demo.CaseLines()
	now := s.App.Now().UTC()
	cases := map[string][]string{}
	for _, rc := range reviewCalls {
		// Submissions closed yesterday; the cases come in as submitted.
		opens, closes := now.AddDate(0, -2, 0), now.AddDate(0, 0, -1)
		elig := make([]store.EligibilityItem, 0, len(spec.Eligibility))
		for _, e := range spec.Eligibility {
			elig = append(elig, store.EligibilityItem{Code: e.Code, Text: e.Text})
		}
		slug, blind, k := rc.slug, true, 2
		if _, err := s.App.CreateCall(ctx, &sec, app.CallInput{Slug: &slug, Title: rc.title, Description: spec.Description,
			Eligibility: &elig, OpensAt: &opens, ClosesAt: &closes, Timezone: &spec.Timezone, Blind: &blind, ReviewersPerCase: &k}); err != nil {
			return fx, fmt.Errorf("call %s: %w", slug, err)
		}
		var mine [][]byte
		for _, i := range rc.lines {
			mine = append(mine, lines[i])
		}
		rep, err := s.App.Import(ctx, &sec, slug, bytes.NewReader(bytes.Join(mine, []byte("\n"))), app.ImportOptions{Owner: applicant.Email})
		if err != nil {
			return fx, fmt.Errorf("import into %s: %w", slug, err)
		}
		if len(rep.Rejected) > 0 || len(rep.Imported) != len(rc.lines) {
			return fx, fmt.Errorf("import into %s: %d imported, rejected %v", slug, len(rep.Imported), rep.Rejected)
		}
		cases[slug] = rep.Imported
		// Every case eligible but the last of a call with several, left for
		// the screening queue.
		screen := rep.Imported
		if len(screen) > 1 {
			screen = screen[:len(screen)-1]
		}
		yes := map[string]bool{}
		for _, e := range spec.Eligibility {
			yes[e.Code] = true
		}
		for _, id := range screen {
			if _, err := s.App.Screen(ctx, &sec, id, app.ScreeningInput{Outcome: domain.ScreenEligible, Checklist: yes}); err != nil {
				return fx, fmt.Errorf("screen %s: %w", id, err)
			}
		}
		for _, r := range reviewers {
			if err := s.invite(ctx, &sec, slug, r.Email, r.Name); err != nil {
				return fx, err
			}
		}
		res, err := s.App.AutoAssign(ctx, &sec, slug, 2)
		if err != nil {
			return fx, fmt.Errorf("assign %s: %w", slug, err)
		}
		if len(res.Short) > 0 {
			return fx, fmt.Errorf("assign %s: short of reviewers: %+v", slug, res.Short)
		}
	}
	fx.Review, fx.Decided = reviewCalls[0].slug, reviewCalls[1].slug

	// The call under review: its first case reviewed by both, the first
	// reviewer's second assignment left to the pages.
	fx.Reviewed = cases[fx.Review][0]
	if err := s.reviewBoth(ctx, reviewers, fx.Reviewed); err != nil {
		return fx, err
	}
	if _, err := s.App.Decide(ctx, &sec, fx.Reviewed, domain.DecisionAccepted, "Exemplary evidence of results."); err != nil {
		return fx, fmt.Errorf("decide %s: %w", fx.Reviewed, err)
	}
	if fx.Assignment, err = s.assignment(ctx, reviewers[0], cases[fx.Review][1]); err != nil {
		return fx, err
	}
	for i := range fx.Fresh {
		if fx.Fresh[i], err = s.assignment(ctx, reviewers[0], cases[fx.Review][2+i]); err != nil {
			return fx, err
		}
	}
	const invitee = "invitee@university.example"
	if _, err := s.App.InviteReviewer(ctx, &sec, fx.Review, app.Invitation{Email: invitee, Name: "Nomvula Dlamini",
		Expertise: app.Expertise{WSIS: []string{"C7"}}, Languages: []string{"en", "fr"}, MaxLoad: 5}); err != nil {
		return fx, fmt.Errorf("invite %s: %w", invitee, err)
	}
	if fx.Invitation, err = s.invitationToken(ctx, invitee); err != nil {
		return fx, err
	}

	// The decided call: its case accepted and released to the applicant.
	fx.DecidedCase = cases[fx.Decided][0]
	if err := s.reviewBoth(ctx, reviewers, fx.DecidedCase); err != nil {
		return fx, err
	}
	if _, err := s.App.Decide(ctx, &sec, fx.DecidedCase, domain.DecisionAccepted, ""); err != nil {
		return fx, fmt.Errorf("decide %s: %w", fx.DecidedCase, err)
	}
	if _, err := s.App.ReleaseDecisions(ctx, &sec, fx.Decided); err != nil {
		return fx, fmt.Errorf("release %s: %w", fx.Decided, err)
	}

	// The library: a case with a translation, and one taken out.
	res, err := s.App.SearchLibrary(ctx, search.Query{Lang: "en", PerPage: 100})
	if err != nil {
		return fx, err
	}
	for _, it := range res.Items {
		pc, err := s.App.PublicCase(ctx, it.ID)
		if err != nil {
			return fx, err
		}
		switch {
		case fx.Published == "" && len(pc.Doc.Translations) > 0:
			fx.Published = it.ID
		case fx.Gone == "" && len(pc.Doc.Translations) == 0:
			fx.Gone = it.ID
		}
	}
	if fx.Published == "" || fx.Gone == "" {
		return fx, fmt.Errorf("the library lacks a case with a translation (%q) or without (%q)", fx.Published, fx.Gone)
	}
	if _, err := s.App.Unpublish(ctx, &sec, fx.Gone, "The organisation asked for a correction."); err != nil {
		return fx, fmt.Errorf("unpublish %s: %w", fx.Gone, err)
	}
	return fx, nil
}

// invite puts a reviewer with an account on the panel of a call: the
// secretariat invites, the reviewer accepts the mailed link.
func (s *Site) invite(ctx context.Context, sec *store.User, slug, email, name string) error {
	if _, err := s.App.InviteReviewer(ctx, sec, slug, app.Invitation{Email: email, Name: name,
		Expertise: app.Expertise{WSIS: []string{"C7", "C1"}}, Languages: []string{"ar", "zh", "en", "fr", "ru", "es"}, MaxLoad: 10}); err != nil {
		return fmt.Errorf("invite %s to %s: %w", email, slug, err)
	}
	tok, err := s.invitationToken(ctx, email)
	if err != nil {
		return err
	}
	if _, _, err := s.App.AcceptInvitation(ctx, tok, ""); err != nil {
		return fmt.Errorf("%s accepts %s: %w", email, slug, err)
	}
	return nil
}

// invitationToken reads the newest invitation mailed to email.
func (s *Site) invitationToken(ctx context.Context, email string) (string, error) {
	msgs, err := s.DB.OutboxFor(ctx, email)
	if err != nil {
		return "", err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := invitationRE.FindStringSubmatch(msgs[i].Text); m != nil {
			return m[1], nil
		}
	}
	return "", fmt.Errorf("no invitation mailed to %s", email)
}

// assignment finds reviewer's assignment of a case.
func (s *Site) assignment(ctx context.Context, reviewer store.User, caseID string) (int64, error) {
	mine, err := s.App.MyAssignments(ctx, &reviewer)
	if err != nil {
		return 0, err
	}
	for _, x := range mine {
		if x.Case == caseID {
			return x.ID, nil
		}
	}
	return 0, fmt.Errorf("%s is not assigned %s", reviewer.Email, caseID)
}

// reviewBoth has each reviewer write and submit a complete review of a
// case.
func (s *Site) reviewBoth(ctx context.Context, reviewers [2]store.User, caseID string) error {
	comments := [2][2]string{
		{"The results are measured against a clear baseline; say more about the costs after the pilot.",
			"Strong case; the partner's role deserves checking."},
		{"A convincing account of the change; the lessons would help others in the region.",
			"Some figures seem rounded up."},
	}
	for i, r := range reviewers {
		id, err := s.assignment(ctx, r, caseID)
		if err != nil {
			return err
		}
		in := app.ReviewInput{Scores: map[string]int{}, Recommendation: "accept", Confidence: 2 + i,
			CommentToApplicant: comments[i][0], CommentToCommittee: comments[i][1]}
		for j, c := range domain.DefaultRubric().Codes() {
			in.Scores[c] = 3 + (i+j)%3
		}
		if _, err := s.App.SaveReview(ctx, &r, id, in); err != nil {
			return fmt.Errorf("%s reviews %s: %w", r.Email, caseID, err)
		}
		if _, err := s.App.SubmitReview(ctx, &r, id); err != nil {
			return fmt.Errorf("%s submits the review of %s: %w", r.Email, caseID, err)
		}
	}
	return nil
}

// values are the fixtures by the names page paths use.
func (fx Fixtures) values() map[string]string {
	return map[string]string{
		"review": fx.Review, "decided": fx.Decided, "assignment": fmt.Sprint(fx.Assignment), "reviewed": fx.Reviewed,
		"decidedcase": fx.DecidedCase, "invitation": fx.Invitation, "published": fx.Published, "gone": fx.Gone,
	}
}

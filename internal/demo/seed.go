package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Account is a demo account.
type Account struct {
	Email, Name, Role, Password, Lang, Org, OrgType, Country string
}

// Accounts returns the demo's accounts. Their passwords are public on
// purpose: the demo is for trying dxatlas on one's own machine, never for
// real data.
func Accounts() []Account {
	return []Account{
		{"admin@demo.dxatlas.org", "Demo Administrator", store.RoleAdmin, "demo-admin-2026", "en", "", "", ""},
		{"secretariat@demo.dxatlas.org", "Demo Secretariat", store.RoleSecretariat, "demo-secretariat-2026", "en", "", "", ""},
		{"reviewer1@demo.dxatlas.org", "Fatou Diallo", store.RoleReviewer, "demo-reviewer-2026", "fr", "", "", ""},
		{"reviewer2@demo.dxatlas.org", "Hiroshi Tanaka", store.RoleReviewer, "demo-reviewer-2026", "en", "", "", ""},
		{"applicant1@demo.dxatlas.org", "Amina Odhiambo", store.RoleApplicant, "demo-applicant-2026", "en", "Kisumu Tailors Cooperative", "sme", "KE"},
		{"applicant2@demo.dxatlas.org", "ليلى حداد", store.RoleApplicant, "demo-applicant-2026", "ar", "تعاونية الحرفيين في صفاقس", "sme", "TN"},
	}
}

// Seed loads the demo call, accounts and sample cases into a's database,
// once: a second run finds the call and leaves everything as it is. It
// returns the demo accounts.
func Seed(ctx context.Context, a *app.App) ([]Account, error) {
	accounts := Accounts()
	users := map[string]store.User{}
	for _, d := range accounts {
		u, err := a.DB.UserByEmail(ctx, d.Email)
		if errors.Is(err, store.ErrNotFound) {
			if u, err = a.AddUser(ctx, nil, d.Email, d.Name, d.Role, d.Password); err != nil {
				return nil, fmt.Errorf("account %s: %w", d.Email, err)
			}
			u.Language, u.OrgName, u.OrgType, u.OrgCountry = d.Lang, d.Org, d.OrgType, d.Country
			if err := a.DB.UpdateUser(ctx, u); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		users[d.Role+":"+d.Email] = u
	}
	spec, err := Call()
	if err != nil {
		return nil, err
	}
	if _, err := a.DB.CallBySlug(ctx, spec.Slug); err == nil {
		return accounts, nil // loaded before
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	sec := users[store.RoleSecretariat+":secretariat@demo.dxatlas.org"]
	now := a.Now().UTC()
	// The demo call is open whenever someone first runs the demo: it opened
	// a month ago and closes in three months, at 23:59:59 in its time zone.
	loc, err := time.LoadLocation(spec.Timezone)
	if err != nil {
		return nil, fmt.Errorf("demo call time zone: %w", err)
	}
	end := now.In(loc).AddDate(0, 3, 0)
	opens := now.AddDate(0, -1, 0).Truncate(time.Hour)
	closes := time.Date(end.Year(), end.Month(), end.Day(), 23, 59, 59, 0, loc).UTC()
	if _, err := a.CreateCall(ctx, &sec, callInput(spec, opens, closes)); err != nil {
		return nil, fmt.Errorf("demo call: %w", err)
	}
	cases, err := Cases()
	if err != nil {
		return nil, err
	}
	owners := []store.User{users[store.RoleApplicant+":applicant1@demo.dxatlas.org"], users[store.RoleApplicant+":applicant2@demo.dxatlas.org"]}
	for i, c := range cases {
		if !inOpenCall(i) {
			continue // in the past call (seedPastCall)
		}
		owner := owners[i%2]
		v, err := a.CreateCase(ctx, &owner, spec.Slug, c)
		if err != nil {
			return nil, fmt.Errorf("demo case %d: %w", i+1, err)
		}
		if i%3 == 0 {
			continue // two stay drafts, as in a real call
		}
		if _, err := a.Submit(ctx, &owner, v.ID); err != nil {
			return nil, fmt.Errorf("demo case %d (%s): %w", i+1, v.ID, err)
		}
	}
	if err := seedPastCall(ctx, a, sec, owners); err != nil {
		return nil, fmt.Errorf("demo past call: %w", err)
	}
	return accounts, nil
}

func callInput(s CallSpec, opens, closes time.Time) app.CallInput {
	elig := make([]store.EligibilityItem, 0, len(s.Eligibility))
	for _, e := range s.Eligibility {
		elig = append(elig, store.EligibilityItem{Code: e.Code, Text: e.Text})
	}
	return app.CallInput{
		Slug: &s.Slug, Title: s.Title, Description: s.Description, Eligibility: &elig,
		OpensAt: &opens, ClosesAt: &closes, Timezone: &s.Timezone, Blind: &s.Blind, ReviewersPerCase: &s.ReviewersPerCase,
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/store"
)

type demoAccount struct {
	Email, Name, Role, Password, Lang, Org, OrgType, Country string
}

// The demo's accounts. Their passwords are public on purpose: the demo is
// for trying dxatlas on one's own machine, never for real data.
var demoAccounts = []demoAccount{
	{"admin@demo.dxatlas.org", "Demo Administrator", store.RoleAdmin, "demo-admin-2026", "en", "", "", ""},
	{"secretariat@demo.dxatlas.org", "Demo Secretariat", store.RoleSecretariat, "demo-secretariat-2026", "en", "", "", ""},
	{"reviewer1@demo.dxatlas.org", "Fatou Diallo", store.RoleReviewer, "demo-reviewer-2026", "fr", "", "", ""},
	{"reviewer2@demo.dxatlas.org", "Hiroshi Tanaka", store.RoleReviewer, "demo-reviewer-2026", "en", "", "", ""},
	{"applicant1@demo.dxatlas.org", "Amina Odhiambo", store.RoleApplicant, "demo-applicant-2026", "en", "Kisumu Tailors Cooperative", "sme", "KE"},
	{"applicant2@demo.dxatlas.org", "ليلى حداد", store.RoleApplicant, "demo-applicant-2026", "ar", "تعاونية الحرفيين في صفاقس", "sme", "TN"},
}

// seedDemo loads the demo call, accounts and sample cases, once: a second
// start finds the call and leaves everything as it is.
func seedDemo(ctx context.Context, a *app.App) ([]demoAccount, error) {
	users := map[string]store.User{}
	for _, d := range demoAccounts {
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
	spec, err := demo.Call()
	if err != nil {
		return nil, err
	}
	if _, err := a.DB.CallBySlug(ctx, spec.Slug); err == nil {
		return demoAccounts, nil // loaded before
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
	cases, err := demo.Cases()
	if err != nil {
		return nil, err
	}
	owners := []store.User{users[store.RoleApplicant+":applicant1@demo.dxatlas.org"], users[store.RoleApplicant+":applicant2@demo.dxatlas.org"]}
	for i, c := range cases {
		owner := owners[i%2]
		v, err := a.CreateCase(ctx, &owner, spec.Slug, c)
		if err != nil {
			return nil, fmt.Errorf("demo case %d: %w", i+1, err)
		}
		if i%7 == 6 {
			continue // a few stay drafts, as in a real call
		}
		if _, err := a.Submit(ctx, &owner, v.ID); err != nil {
			return nil, fmt.Errorf("demo case %d (%s): %w", i+1, v.ID, err)
		}
	}
	return demoAccounts, nil
}

func callInput(s demo.CallSpec, opens, closes time.Time) app.CallInput {
	elig := make([]store.EligibilityItem, 0, len(s.Eligibility))
	for _, e := range s.Eligibility {
		elig = append(elig, store.EligibilityItem{Code: e.Code, Text: e.Text})
	}
	return app.CallInput{
		Slug: &s.Slug, Title: s.Title, Description: s.Description, Eligibility: &elig,
		OpensAt: &opens, ClosesAt: &closes, Timezone: &s.Timezone, Blind: &s.Blind, ReviewersPerCase: &s.ReviewersPerCase,
	}
}

func printDemo(w io.Writer, baseURL string, accounts []demoAccount) {
	fmt.Fprintf(w, "\ndxatlas demo — open %s\n\nDemo accounts (for trying dxatlas only):\n", baseURL)
	for _, d := range accounts {
		fmt.Fprintf(w, "  %-12s %-32s password: %s\n", d.Role, d.Email, d.Password)
	}
	fmt.Fprintln(w, "\nMail is written to the log and listed for the admin at /en/admin/mail.")
	fmt.Fprintln(w)
}

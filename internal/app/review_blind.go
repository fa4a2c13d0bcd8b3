package app

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
)

// reviewedVersion is the version reviewers see: the last one submitted
// before the case's deadline (the call's closing time or the case's
// extension). A case with no version before its deadline (one imported
// after the call closed) is reviewed as last submitted. ok is false when
// the case was never submitted.
func reviewedVersion(call store.Call, c store.Case, versions []store.CaseVersion) (store.CaseVersion, bool) {
	if len(versions) == 0 {
		return store.CaseVersion{}, false
	}
	dl := deadline(call, c)
	best, last := -1, 0
	for i, v := range versions {
		if v.Version > versions[last].Version {
			last = i
		}
		if v.SubmittedAt.Before(dl) && (best < 0 || v.Version > versions[best].Version) {
			best = i
		}
	}
	if best < 0 {
		best = last
	}
	return versions[best], true
}

func decodeDoc(raw []byte) (domain.Case, error) {
	var d domain.Case
	if len(raw) == 0 {
		return d, nil
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("case document: %w", err)
	}
	return d, nil
}

// redactedMark replaces identifying words that appear in the text of a
// case under blind review.
const redactedMark = "[…]"

// minSecretRunes: shorter names are too likely to be ordinary words.
const minSecretRunes = 3

// blindCase is the case as a reviewer of a blind call may see it: without
// the organisation, partners, links and submitter, and with their names,
// web addresses and the submitter's e-mail removed from every text, so
// that no page or API response can show them.
func blindCase(doc domain.Case, owner store.User) domain.Case {
	var secrets []string
	add := func(s string) {
		if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= minSecretRunes {
			secrets = append(secrets, s)
		}
	}
	addURL := func(s string) {
		add(s)
		if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.Host != "" {
			add(u.Host)
			add(strings.TrimPrefix(u.Host, "www."))
		}
	}
	add(doc.Organisation.Name)
	addURL(doc.Organisation.Website)
	for _, p := range doc.Partners {
		add(p.Name)
	}
	for _, l := range doc.Links {
		addURL(l)
	}
	add(owner.Name)
	add(owner.Email)
	add(owner.OrgName)
	if _, dom, ok := strings.Cut(owner.Email, "@"); ok {
		add(dom)
	}

	doc.Organisation = domain.Organisation{}
	doc.Partners = nil
	doc.Links = nil
	re := secretsRE(secrets)
	if re == nil {
		return doc
	}
	r := func(s string) string {
		// A match consumes the character after it, so a secret right after
		// another needs one more pass.
		for range 8 {
			t := re.ReplaceAllString(s, "${1}"+redactedMark+"${2}")
			if t == s {
				break
			}
			s = t
		}
		return s
	}
	for _, p := range []*string{&doc.Title, &doc.Summary, &doc.Problem, &doc.Solution, &doc.SDGLinkage, &doc.Impact,
		&doc.EnablersConstraints, &doc.SustainabilityReplicability, &doc.Lessons} {
		*p = r(*p)
	}
	if len(doc.KPIs) > 0 {
		kpis := slices.Clone(doc.KPIs)
		for i := range kpis {
			kpis[i].Name, kpis[i].Unit = r(kpis[i].Name), r(kpis[i].Unit)
		}
		doc.KPIs = kpis
	}
	if len(doc.Translations) > 0 {
		ts := make(map[string]domain.Translation, len(doc.Translations))
		for lang, t := range doc.Translations {
			t.Title, t.Summary, t.Problem, t.Solution, t.Impact, t.Lessons =
				r(t.Title), r(t.Summary), r(t.Problem), r(t.Solution), r(t.Impact), r(t.Lessons)
			ts[lang] = t
		}
		doc.Translations = ts
	}
	return doc
}

// secretsRE matches any of the secrets, case-insensitively, as whole
// words: preceded and followed by something other than a letter or digit
// (kept in groups 1 and 2). Longer secrets come first so that a name wins
// over a part of it.
func secretsRE(secrets []string) *regexp.Regexp {
	if len(secrets) == 0 {
		return nil
	}
	slices.SortFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	secrets = slices.Compact(secrets)
	parts := make([]string, len(secrets))
	for i, s := range secrets {
		parts[i] = regexp.QuoteMeta(s)
	}
	return regexp.MustCompile(`(?i)(^|[^\pL\pN])(?:` + strings.Join(parts, "|") + `)([^\pL\pN]|$)`)
}

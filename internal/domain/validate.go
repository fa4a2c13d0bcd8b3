package domain

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limit is the length rule of a text field, exported so that forms can
// show it in their help text.
type Limit struct {
	Field     string // JSON path; "[]" stands for every item of a list
	Words     bool   // Min and Max count words (WordCount), else characters
	Min, Max  int    // Min 0: no minimum
	MaxChars  int    // hard cap in characters, whatever the unit; also applies to translations
	Multiline bool   // line breaks allowed
}

// charsPerWord sets the character cap of word-counted texts: generous for
// any language, yet it stops a single endless "word".
const charsPerWord = 12

func wordLimit(field string, min, max int) Limit {
	return Limit{Field: field, Words: true, Min: min, Max: max, MaxChars: max * charsPerWord, Multiline: true}
}

func charLimit(field string, min, max int) Limit {
	return Limit{Field: field, Min: min, Max: max, MaxChars: max}
}

var (
	limTitle       = charLimit("title", 10, 150)
	limSummary     = wordLimit("summary", 40, 250)
	limOrgName     = charLimit("organisation.name", 2, 200)
	limWebsite     = charLimit("organisation.website", 0, 2000)
	limProblem     = wordLimit("problem", 30, 400)
	limSolution    = wordLimit("solution", 50, 800)
	limSDGLinkage  = wordLimit("sdg_linkage", 20, 250)
	limKPIName     = charLimit("kpis[].name", 0, 200)
	limKPIUnit     = charLimit("kpis[].unit", 0, 50)
	limImpact      = wordLimit("impact", 30, 400)
	limPartnerName = charLimit("partners[].name", 2, 200)
	limEnablers    = wordLimit("enablers_constraints", 20, 300)
	limSustainable = wordLimit("sustainability_replicability", 20, 300)
	limLessons     = wordLimit("lessons", 0, 300)
	limLink        = charLimit("links[]", 0, 2000)
)

// maxDecimalChars caps a KPI number or SME count: anything longer is not
// a number anyone typed.
const maxDecimalChars = 32

// Limits lists the length rules of every text field, in form order.
// Read-only.
var Limits = []Limit{
	limTitle, limSummary, limOrgName, limWebsite, limProblem, limSolution, limSDGLinkage,
	limKPIName, limKPIUnit, limImpact, limPartnerName, limEnablers, limSustainable, limLessons, limLink,
}

// LimitOf returns the length rule of a field, by its path in Limits.
func LimitOf(field string) (Limit, bool) {
	for _, l := range Limits {
		if l.Field == field {
			return l, true
		}
	}
	return Limit{}, false
}

// List sizes and bounds, from the case record's rules.
const (
	MaxCountries      = 60
	MaxTechnologies   = 5
	MaxSecondaryLines = 3
	MaxGoals          = 5
	MaxTargets        = 10
	MaxKPIs           = 10
	MaxPartners       = 20
	MaxLinks          = 5
	// MaxSMECount bounds sme.count well above the world's number of SMEs,
	// to catch typing slips.
	MaxSMECount = 1_000_000_000
)

// Codes the rules single out.
const (
	SizeClassProgramme = "programme"
	StatusOngoing      = "ongoing"
)

const (
	monthLayout        = "2006-01"
	maxShownValueRunes = 40
)

// Validate checks a case for submission against every rule of the case
// record and returns what is wrong, in field order (nil if nothing is).
// It checks the stored form: run Normalize first on what a person typed.
// now decides which months are in the future, in now's location.
func Validate(c *Case, now time.Time) Errors {
	v := &validator{nowMonth: now.Format(monthLayout)}
	v.language("language", c.Language)
	v.text("title", limTitle, c.Title, true)
	v.text("summary", limSummary, c.Summary, true)
	v.organisation(c.Organisation)
	v.codes("countries", c.Countries, isCountry, MaxCountries, true)
	v.enum("scope", c.Scope, scopeSet, true)
	v.enum("status", c.Status, statusSet, true)
	v.period(c.Period, c.Status)
	v.sme(c.SME)
	v.enum("sector", c.Sector, sectorSet, true)
	v.text("problem", limProblem, c.Problem, true)
	v.text("solution", limSolution, c.Solution, true)
	v.codes("technologies", c.Technologies, technologySet.has, MaxTechnologies, true)
	v.wsis(c.WSIS)
	v.sdgs(c.SDGs)
	v.text("sdg_linkage", limSDGLinkage, c.SDGLinkage, true)
	v.kpis(c.KPIs)
	v.text("impact", limImpact, c.Impact, true)
	v.partners(c.Partners)
	v.text("enablers_constraints", limEnablers, c.EnablersConstraints, true)
	v.text("sustainability_replicability", limSustainable, c.SustainabilityReplicability, true)
	v.text("lessons", limLessons, c.Lessons, false)
	v.enum("cost_range", c.CostRange, costRangeSet, false)
	v.codes("funding", c.Funding, fundingSet.has, len(fundingTerms), false)
	v.links(c.Links)
	v.enum("licence", c.Licence, licenceSet, true)
	if !c.ConsentPublish {
		v.add("consent_publish", ErrMustConsent, nil)
	}
	v.translations(c.Translations, c.Language)
	return v.errs
}

func (s codeSet) has(code string) bool { return s[code] }

type validator struct {
	nowMonth string
	errs     Errors
}

func (v *validator) add(field, key string, args map[string]any) {
	v.errs = append(v.errs, FieldError{Field: field, Key: key, Args: args})
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// shown is a value as an error message may quote it: valid UTF-8, without
// control characters, and short.
func shown(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD"))
	if utf8.RuneCountInString(s) > maxShownValueRunes {
		r := []rune(s)
		s = string(r[:maxShownValueRunes-1]) + "…"
	}
	return s
}

// clean reports the encoding problems of a text, which make every other
// check meaningless: invalid UTF-8, control characters other than line
// breaks and tabs (and line breaks too where the field is one line).
func (v *validator) clean(field, s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		v.add(field, ErrInvalidUTF8, nil)
		return false
	}
	breaks := false
	for _, r := range s {
		switch {
		case r == '\n':
			breaks = true
		case r == '\t':
		case unicode.IsControl(r):
			v.add(field, ErrControlChars, nil)
			return false
		}
	}
	if breaks && !multiline {
		v.add(field, ErrLineBreak, nil)
		return false
	}
	return true
}

// text checks a text field against its limit.
func (v *validator) text(field string, lim Limit, s string, required bool) {
	if !v.clean(field, s, lim.Multiline) {
		return
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.add(field, ErrRequired, nil)
		}
		return
	}
	n := utf8.RuneCountInString(s)
	if n > lim.MaxChars {
		v.add(field, ErrTooLongChars, map[string]any{"Max": lim.MaxChars, "Count": n})
		return
	}
	if !lim.Words {
		if n < lim.Min {
			v.add(field, ErrTooShortChars, map[string]any{"Min": lim.Min, "Max": lim.Max, "Count": n})
		}
		return
	}
	switch w := WordCount(s); {
	case w < lim.Min:
		v.add(field, ErrTooFewWords, map[string]any{"Min": lim.Min, "Max": lim.Max, "Count": w})
	case w > lim.Max:
		v.add(field, ErrTooManyWords, map[string]any{"Min": lim.Min, "Max": lim.Max, "Count": w})
	}
}

// capped checks only what any value of a text must meet: clean, and not
// over its hard cap (translations, whose length follows the original).
func (v *validator) capped(field string, lim Limit, s string) {
	if !v.clean(field, s, lim.Multiline) {
		return
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n > lim.MaxChars {
		v.add(field, ErrTooLongChars, map[string]any{"Max": lim.MaxChars, "Count": n})
	}
}

func (v *validator) enum(field, s string, set codeSet, required bool) {
	switch {
	case blank(s):
		if required {
			v.add(field, ErrRequired, nil)
		}
	case !set[s]:
		v.add(field, ErrUnknownCode, map[string]any{"Value": shown(s)})
	}
}

// codes checks a list of codes: its size, each code known, none repeated.
func (v *validator) codes(field string, list []string, known func(string) bool, max int, required bool) {
	if len(list) == 0 {
		if required {
			v.add(field, ErrRequired, nil)
		}
		return
	}
	if len(list) > max {
		v.add(field, ErrTooMany, map[string]any{"Max": max, "Count": len(list)})
	}
	seen := make(map[string]bool, len(list))
	for i, c := range list {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case blank(c):
			v.add(f, ErrRequired, nil)
		case !known(c):
			v.add(f, ErrUnknownCode, map[string]any{"Value": shown(c)})
		case seen[c]:
			v.add(f, ErrDuplicate, map[string]any{"Value": c})
		}
		seen[c] = true
	}
}

// parseLanguage accepts a well-formed BCP 47 tag with an explicit language
// ("und" and private-use-only tags name no language).
func parseLanguage(s string) (language.Tag, bool) {
	tag, err := language.Parse(s)
	if err != nil {
		return language.Und, false
	}
	if _, conf := tag.Base(); conf != language.Exact {
		return language.Und, false
	}
	return tag, true
}

func (v *validator) language(field, s string) {
	if blank(s) {
		v.add(field, ErrRequired, nil)
		return
	}
	if _, ok := parseLanguage(s); !ok {
		v.add(field, ErrBadLanguage, map[string]any{"Value": shown(s)})
	}
}

func (v *validator) organisation(o Organisation) {
	v.text("organisation.name", limOrgName, o.Name, true)
	v.enum("organisation.type", o.Type, orgTypeSet, true)
	v.country("organisation.country", o.Country)
	if o.Website != "" {
		v.url("organisation.website", limWebsite, o.Website)
	}
}

func (v *validator) country(field, s string) {
	switch {
	case blank(s):
		v.add(field, ErrRequired, nil)
	case !isCountry(s):
		v.add(field, ErrUnknownCode, map[string]any{"Value": shown(s)})
	}
}

// isMonth reports whether s is a month written YYYY-MM.
func isMonth(s string) bool {
	if len(s) != len(monthLayout) {
		return false
	}
	_, err := time.Parse(monthLayout, s)
	return err == nil
}

// month checks an optional YYYY-MM value and reports whether it is one.
func (v *validator) month(field, s string) bool {
	if blank(s) {
		return false
	}
	if !isMonth(s) {
		v.add(field, ErrBadMonth, nil)
		return false
	}
	return true
}

func (v *validator) period(p Period, status string) {
	startOK := false
	if blank(p.Start) {
		v.add("period.start", ErrRequired, nil)
	} else if startOK = v.month("period.start", p.Start); startOK && p.Start > v.nowMonth {
		// A case tells what was done: its work has started.
		v.add("period.start", ErrStartFuture, map[string]any{"Value": p.Start, "Now": v.nowMonth})
	}
	if !v.month("period.end", p.End) {
		return
	}
	switch {
	case startOK && p.End < p.Start:
		v.add("period.end", ErrPeriodOrder, map[string]any{"Start": p.Start})
	case p.End > v.nowMonth && status != StatusOngoing:
		v.add("period.end", ErrPeriodFuture, map[string]any{"Value": p.End, "Now": v.nowMonth})
	}
}

func (v *validator) sme(s SME) {
	v.enum("sme.size_class", s.SizeClass, sizeClassSet, true)
	count := strings.TrimSpace(string(s.Count))
	if count == "" {
		if s.SizeClass == SizeClassProgramme {
			v.add("sme.count", ErrRequired, nil)
		}
		return
	}
	n, ok := parseCount(count)
	switch {
	case !ok:
		v.add("sme.count", ErrNotInteger, nil)
	case n < 1:
		v.add("sme.count", ErrTooSmall, map[string]any{"Min": 1})
	case n > MaxSMECount:
		v.add("sme.count", ErrTooLarge, map[string]any{"Max": MaxSMECount})
	}
}

// parseCount reads a whole number typed as digits, allowing a sign and a
// zero fraction ("42.0") since JSON numbers may arrive that way. Values
// beyond int64 saturate, which the caller reports as too large.
func parseCount(s string) (int64, bool) {
	if len(s) > maxDecimalChars || !IsDecimal(s) {
		return 0, false
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if strings.Trim(s[i+1:], "0") != "" {
			return 0, false
		}
		s = s[:i]
	}
	if s == "" || s == "+" || s == "-" {
		return 0, false // ".0"
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return n, true
		}
		return 0, false
	}
	return n, true
}

func (v *validator) decimal(field string, d Decimal, required bool) {
	s := strings.TrimSpace(string(d))
	switch n := utf8.RuneCountInString(s); {
	case s == "":
		if required {
			v.add(field, ErrRequired, nil)
		}
	case n > maxDecimalChars:
		v.add(field, ErrTooLongChars, map[string]any{"Max": maxDecimalChars, "Count": n})
	case !IsDecimal(s):
		v.add(field, ErrNotDecimal, nil)
	}
}

func (v *validator) wsis(w WSIS) {
	v.enum("wsis.primary", w.Primary, actionLineSet, true)
	v.codes("wsis.secondary", w.Secondary, actionLineSet.has, MaxSecondaryLines, false)
	for i, s := range w.Secondary {
		if s != "" && s == w.Primary {
			v.add(fmt.Sprintf("wsis.secondary[%d]", i), ErrSameAsPrimary, map[string]any{"Value": s})
		}
	}
}

func (v *validator) sdgs(s SDGs) {
	switch {
	case len(s.Goals) == 0:
		v.add("sdgs.goals", ErrRequired, nil)
	case len(s.Goals) > MaxGoals:
		v.add("sdgs.goals", ErrTooMany, map[string]any{"Max": MaxGoals, "Count": len(s.Goals)})
	}
	seenGoal := make(map[int]bool, len(s.Goals))
	for i, g := range s.Goals {
		f := fmt.Sprintf("sdgs.goals[%d]", i)
		switch {
		case g < 1 || g > len(goalTerms):
			v.add(f, ErrUnknownCode, map[string]any{"Value": g})
		case seenGoal[g]:
			v.add(f, ErrDuplicate, map[string]any{"Value": g})
		}
		seenGoal[g] = true
	}
	if len(s.Targets) > MaxTargets {
		v.add("sdgs.targets", ErrTooMany, map[string]any{"Max": MaxTargets, "Count": len(s.Targets)})
	}
	seenTarget := make(map[string]bool, len(s.Targets))
	for i, t := range s.Targets {
		f := fmt.Sprintf("sdgs.targets[%d]", i)
		goal, ok := TargetGoal(t)
		switch {
		case blank(t):
			v.add(f, ErrRequired, nil)
		case !ok:
			v.add(f, ErrUnknownCode, map[string]any{"Value": shown(t)})
		case seenTarget[t]:
			v.add(f, ErrDuplicate, map[string]any{"Value": t})
		case !seenGoal[goal]:
			v.add(f, ErrTargetNotUnderGoal, map[string]any{"Value": t, "Goal": goal})
		}
		seenTarget[t] = true
	}
}

func (v *validator) kpis(kpis []KPI) {
	switch {
	case len(kpis) == 0:
		v.add("kpis", ErrRequired, nil)
		return
	case len(kpis) > MaxKPIs:
		v.add("kpis", ErrTooMany, map[string]any{"Max": MaxKPIs, "Count": len(kpis)})
	}
	for i, k := range kpis {
		p := fmt.Sprintf("kpis[%d].", i)
		v.text(p+"name", limKPIName, k.Name, true)
		v.decimal(p+"baseline", k.Baseline, false)
		v.decimal(p+"value", k.Value, true)
		v.text(p+"unit", limKPIUnit, k.Unit, false)
		v.month(p+"date", k.Date)
	}
}

func (v *validator) partners(ps []Partner) {
	if len(ps) > MaxPartners {
		v.add("partners", ErrTooMany, map[string]any{"Max": MaxPartners, "Count": len(ps)})
	}
	for i, p := range ps {
		f := fmt.Sprintf("partners[%d].", i)
		v.text(f+"name", limPartnerName, p.Name, true)
		v.enum(f+"type", p.Type, orgTypeSet, true)
		v.country(f+"country", p.Country)
	}
}

// isHTTPSURL reports whether s is an absolute https URL with a host and no
// user information (which only serves to disguise the real host).
func isHTTPSURL(s string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Hostname() != "" && u.User == nil && u.Opaque == ""
}

func (v *validator) url(field string, lim Limit, s string) {
	if !v.clean(field, s, false) {
		return
	}
	if n := utf8.RuneCountInString(s); n > lim.MaxChars {
		v.add(field, ErrTooLongChars, map[string]any{"Max": lim.MaxChars, "Count": n})
		return
	}
	if !isHTTPSURL(s) {
		v.add(field, ErrNotHTTPSURL, nil)
	}
}

func (v *validator) links(links []string) {
	if len(links) > MaxLinks {
		v.add("links", ErrTooMany, map[string]any{"Max": MaxLinks, "Count": len(links)})
	}
	seen := make(map[string]bool, len(links))
	for i, l := range links {
		f := fmt.Sprintf("links[%d]", i)
		switch {
		case blank(l):
			v.add(f, ErrRequired, nil)
		case seen[l]:
			v.add(f, ErrDuplicate, map[string]any{"Value": shown(l)})
		default:
			v.url(f, limLink, l)
		}
		seen[l] = true
	}
}

// textField is a text with its name and limit.
type textField struct {
	name string
	lim  Limit
	s    string
}

// translationTexts pairs a translation's texts with the limits of the
// fields they translate.
func translationTexts(t Translation) []textField {
	return []textField{
		{"title", limTitle, t.Title},
		{"summary", limSummary, t.Summary},
		{"problem", limProblem, t.Problem},
		{"solution", limSolution, t.Solution},
		{"impact", limImpact, t.Impact},
		{"lessons", limLessons, t.Lessons},
	}
}

func (v *validator) translations(ts map[string]Translation, caseLanguage string) {
	caseTag, caseOK := parseLanguage(caseLanguage)
	keys := make([]string, 0, len(ts))
	for k := range ts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := make(map[language.Tag]bool, len(ts))
	for _, k := range keys {
		t := ts[k]
		p := "translations." + k
		tag, ok := parseLanguage(k)
		switch {
		case !ok:
			v.add(p, ErrBadLanguage, map[string]any{"Value": shown(k)})
			continue
		case caseOK && tag == caseTag:
			v.add(p, ErrSameAsCaseLanguage, map[string]any{"Value": caseLanguage})
		case seen[tag]:
			v.add(p, ErrDuplicate, map[string]any{"Value": shown(k)})
		}
		seen[tag] = true
		hasText := false
		for _, f := range translationTexts(t) {
			v.capped(p+"."+f.name, f.lim, f.s)
			hasText = hasText || !blank(f.s)
		}
		if !hasText {
			v.add(p, ErrTranslationEmpty, nil)
		}
		v.enum(p+".source", t.Source, translationSet, true)
	}
}

package demo

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the call's time zone must resolve without a system zone database
	"unicode"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// validationNow is the "now" the demo cases must be valid at.
var validationNow = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func loadCases(t *testing.T) []domain.Case {
	t.Helper()
	cases, err := Cases()
	if err != nil {
		t.Fatalf("Cases: %v", err)
	}
	return cases
}

func TestCasesValid(t *testing.T) {
	for i, c := range loadCases(t) {
		t.Run(fmt.Sprintf("%02d_%s", i+1, c.Language), func(t *testing.T) {
			for _, fe := range domain.Validate(&c, validationNow) {
				t.Errorf("line %d %q: %s: %s %v", i+1, c.Title, fe.Field, fe.Key, fe.Args)
			}
		})
	}
}

// TestCasesNormalized: the data is in the stored form, so importing it
// stores exactly what the file says.
func TestCasesNormalized(t *testing.T) {
	normalized := loadCases(t) // a separate decoding: Normalize may reuse slices
	for i, c := range loadCases(t) {
		t.Run(fmt.Sprintf("%02d_%s", i+1, c.Language), func(t *testing.T) {
			n := normalized[i]
			domain.Normalize(&n)
			if !reflect.DeepEqual(n, c) {
				t.Errorf("Normalize changes the case:\n got %+v\nwant %+v", n, c)
			}
		})
	}
}

func TestCaseLinesDecode(t *testing.T) {
	lines := CaseLines()
	cases := loadCases(t)
	if len(lines) != len(cases) {
		t.Fatalf("CaseLines has %d lines, Cases %d cases", len(lines), len(cases))
	}
	// The lines are copies: changing one must not change the next call's.
	lines[0][0] = 'X'
	if CaseLines()[0][0] != '{' {
		t.Fatal("CaseLines shares memory with the embedded file")
	}
}

func TestDecodeStrict(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"known field", `{"language":"en"}`, true},
		{"trailing space", "{\"language\":\"en\"}\n", true},
		{"unknown field", `{"langauge":"en"}`, false},
		{"two values", `{"language":"en"}{"language":"fr"}`, false},
		{"trailing brace", `{"language":"en"}}`, false},
		{"not JSON", `language: en`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c domain.Case
			err := decodeStrict([]byte(tt.in), &c)
			if (err == nil) != tt.ok {
				t.Fatalf("decodeStrict(%s) error = %v, want ok = %v", tt.in, err, tt.ok)
			}
		})
	}
}

// caseTexts returns the case's own prose fields by JSON name.
func caseTexts(c domain.Case) map[string]string {
	return map[string]string{
		"title": c.Title, "summary": c.Summary, "problem": c.Problem, "solution": c.Solution,
		"sdg_linkage": c.SDGLinkage, "impact": c.Impact, "enablers_constraints": c.EnablersConstraints,
		"sustainability_replicability": c.SustainabilityReplicability, "lessons": c.Lessons,
	}
}

// translationTexts returns a translation's prose fields by JSON name.
func translationTexts(tr domain.Translation) map[string]string {
	return map[string]string{
		"title": tr.Title, "summary": tr.Summary, "problem": tr.Problem,
		"solution": tr.Solution, "impact": tr.Impact, "lessons": tr.Lessons,
	}
}

// TestTranslationsWithinLimits holds translations to the same length rules
// as the fields they translate (validation only caps their length).
func TestTranslationsWithinLimits(t *testing.T) {
	for i, c := range loadCases(t) {
		for lang, tr := range c.Translations {
			t.Run(fmt.Sprintf("%02d_%s_to_%s", i+1, c.Language, lang), func(t *testing.T) {
				if !slices.Contains(domain.UNLanguages, lang) {
					t.Errorf("translation language %q is not a UN language", lang)
				}
				if !slices.Contains(domain.TranslationSources, tr.Source) {
					t.Errorf("source %q", tr.Source)
				}
				for field, s := range translationTexts(tr) {
					if s == "" {
						continue
					}
					lim, ok := domain.LimitOf(field)
					if !ok {
						t.Fatalf("no limit for %s", field)
					}
					n := len([]rune(s))
					if lim.Words {
						n = domain.WordCount(s)
					}
					if n < lim.Min || n > lim.Max {
						t.Errorf("%s: %d (want %d–%d)", field, n, lim.Min, lim.Max)
					}
				}
			})
		}
	}
}

// count tallies how many cases satisfy each predicate.
func count(cases []domain.Case, pred func(domain.Case) bool) int {
	n := 0
	for _, c := range cases {
		if pred(c) {
			n++
		}
	}
	return n
}

func inGroup(group string) func(domain.Case) bool {
	return func(c domain.Case) bool {
		for _, code := range c.Countries {
			if slices.Contains(domain.Groups(code, validationNow), group) {
				return true
			}
		}
		return false
	}
}

func hasLine(line string) func(domain.Case) bool {
	return func(c domain.Case) bool {
		return c.WSIS.Primary == line || slices.Contains(c.WSIS.Secondary, line)
	}
}

func hasGoal(goal int) func(domain.Case) bool {
	return func(c domain.Case) bool { return slices.Contains(c.SDGs.Goals, goal) }
}

func hasTechnology(tech string) func(domain.Case) bool {
	return func(c domain.Case) bool { return slices.Contains(c.Technologies, tech) }
}

func hasLanguage(lang string) func(domain.Case) bool {
	return func(c domain.Case) bool { return c.Language == lang }
}

func hasSizeClass(s string) func(domain.Case) bool {
	return func(c domain.Case) bool { return c.SME.SizeClass == s }
}

func hasScope(s string) func(domain.Case) bool {
	return func(c domain.Case) bool { return c.Scope == s }
}

func hasStatus(s string) func(domain.Case) bool {
	return func(c domain.Case) bool { return c.Status == s }
}

func hasTranslations(c domain.Case) bool { return len(c.Translations) > 0 }

// crossBorder reports whether a partner comes from outside the case's countries.
func crossBorder(c domain.Case) bool {
	for _, p := range c.Partners {
		if !slices.Contains(c.Countries, p.Country) {
			return true
		}
	}
	return false
}

func TestSpread(t *testing.T) {
	cases := loadCases(t)
	type rule struct {
		name     string
		pred     func(domain.Case) bool
		min, max int
	}
	rules := []rule{
		{"all cases", func(domain.Case) bool { return true }, 42, 42},
		{"group LDC", inGroup("LDC"), 10, 42},
		{"group LLDC", inGroup("LLDC"), 6, 42},
		{"group SIDS", inGroup("SIDS"), 6, 42},
		{"with translations", hasTranslations, 10, 18},
		{"cross-border partners", crossBorder, 5, 42},
		{"size programme", hasSizeClass("programme"), 5, 42},
	}
	for _, lang := range domain.UNLanguages {
		rules = append(rules, rule{"language " + lang, hasLanguage(lang), 7, 7})
	}
	for _, s := range domain.SizeClasses {
		rules = append(rules, rule{"size " + s, hasSizeClass(s), 1, 42})
	}
	for _, s := range domain.Scopes {
		rules = append(rules, rule{"scope " + s, hasScope(s), 1, 42})
	}
	for _, s := range domain.Statuses {
		rules = append(rules, rule{"status " + s, hasStatus(s), 2, 42})
	}
	for _, tech := range domain.Technologies {
		rules = append(rules, rule{"technology " + tech, hasTechnology(tech), 1, 42})
	}
	focusLines := []string{"C1", "C2", "C3", "C4", "C6", "C11"}
	for _, line := range domain.ActionLines {
		min := 1
		if slices.Contains(focusLines, line) {
			min = 6
		}
		rules = append(rules, rule{"action line " + line, hasLine(line), min, 42})
	}
	for _, goal := range []int{8, 9, 16, 17} {
		rules = append(rules, rule{fmt.Sprintf("goal %d", goal), hasGoal(goal), 8, 42})
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if n := count(cases, r.pred); n < r.min || n > r.max {
				t.Errorf("%d cases, want %d–%d", n, r.min, r.max)
			}
		})
	}
}

// TestThemesAcrossLanguages checks that search has material in several
// languages for the themes it is demonstrated with.
func TestThemesAcrossLanguages(t *testing.T) {
	cases := loadCases(t)
	tests := []struct {
		tech      string
		languages []string // each must have a case with tech
		minLangs  int
	}{
		{"payments", []string{"fr", "zh", "en"}, 4},
		{"ecommerce", nil, 3},
		{"ai", nil, 3},
		{"cloud", nil, 3},
		{"skills", nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.tech, func(t *testing.T) {
			langs := map[string]bool{}
			for _, c := range cases {
				if slices.Contains(c.Technologies, tt.tech) {
					langs[c.Language] = true
				}
			}
			for _, l := range tt.languages {
				if !langs[l] {
					t.Errorf("no %s case in %s", tt.tech, l)
				}
			}
			if len(langs) < tt.minLangs {
				t.Errorf("%s cases in %d languages, want ≥ %d", tt.tech, len(langs), tt.minLangs)
			}
		})
	}
}

func TestDiversity(t *testing.T) {
	cases := loadCases(t)
	distinct := func(key func(domain.Case) []string) int {
		seen := map[string]bool{}
		for _, c := range cases {
			for _, k := range key(c) {
				seen[k] = true
			}
		}
		return len(seen)
	}
	regionsOf := func(c domain.Case) []string {
		var out []string
		for _, code := range c.Countries {
			if country, ok := domain.CountryByCode(code); ok {
				out = append(out, country.Region)
			}
		}
		return out
	}
	tests := []struct {
		name string
		key  func(domain.Case) []string
		min  int
	}{
		{"sectors", func(c domain.Case) []string { return []string{c.Sector} }, 12},
		{"regions", regionsOf, len(domain.Regions)},
		{"countries", func(c domain.Case) []string { return c.Countries }, 35},
		{"cost ranges", func(c domain.Case) []string { return []string{c.CostRange} }, len(domain.CostRanges)},
		{"funding sources", func(c domain.Case) []string { return c.Funding }, len(domain.FundingSources)},
		{"licences", func(c domain.Case) []string { return []string{c.Licence} }, len(domain.Licences)},
		{"translation sources", func(c domain.Case) []string {
			var out []string
			for _, tr := range c.Translations {
				out = append(out, tr.Source)
			}
			return out
		}, len(domain.TranslationSources)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := distinct(tt.key); n < tt.min {
				t.Errorf("%d distinct, want ≥ %d", n, tt.min)
			}
		})
	}
}

func TestDistinctTexts(t *testing.T) {
	fields := []string{"title", "summary", "problem", "solution", "impact"}
	cases := loadCases(t)
	for _, f := range fields {
		t.Run(f, func(t *testing.T) {
			seen := map[string]int{}
			for i, c := range cases {
				s := caseTexts(c)[f]
				if j, dup := seen[s]; dup {
					t.Errorf("lines %d and %d share the %s %q", j+1, i+1, f, s)
				}
				seen[s] = i
			}
		})
	}
}

// TestCaseDetails checks what validation leaves open but the demo needs:
// safe example links, a sensible number of KPIs, writing conventions.
func TestCaseDetails(t *testing.T) {
	for i, c := range loadCases(t) {
		t.Run(fmt.Sprintf("%02d_%s", i+1, c.Language), func(t *testing.T) {
			urls := slices.Clone(c.Links)
			if c.Organisation.Website != "" {
				urls = append(urls, c.Organisation.Website)
			}
			for _, u := range urls {
				if !isExampleURL(u) {
					t.Errorf("link %q is not on an example domain", u)
				}
			}
			if n := len(c.KPIs); n < 1 || n > 6 {
				t.Errorf("%d KPIs, want 1–6", n)
			}
			for _, k := range c.KPIs {
				if k.Baseline.IsZero() || k.Unit == "" || k.Date == "" {
					t.Errorf("KPI %q lacks baseline, unit or date", k.Name)
				}
				if k.Date < c.Period.Start || k.Date > validationNow.Format("2006-01") {
					t.Errorf("KPI %q dated %s, outside %s–now", k.Name, k.Date, c.Period.Start)
				}
			}
			for _, p := range c.Partners {
				if p.Name == c.Organisation.Name {
					t.Errorf("organisation %q is its own partner", p.Name)
				}
			}
		})
	}
}

func isExampleURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" {
		return false
	}
	host := u.Hostname()
	for _, d := range []string{"example.org", "example.net", "example.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// TestWritingConventions: Chinese is written without spaces; Arabic cases
// mix in Latin product names, which exercises bidirectional layout.
func TestWritingConventions(t *testing.T) {
	cases := loadCases(t)
	t.Run("zh without spaces", func(t *testing.T) {
		for i, c := range cases {
			if c.Language != "zh" {
				continue
			}
			for f, s := range caseTexts(c) {
				if strings.ContainsFunc(s, unicode.IsSpace) {
					t.Errorf("line %d: %s contains white space", i+1, f)
				}
			}
		}
	})
	t.Run("ar with Latin names", func(t *testing.T) {
		mixed := count(cases, func(c domain.Case) bool {
			if c.Language != "ar" {
				return false
			}
			for _, s := range caseTexts(c) {
				if strings.ContainsFunc(s, func(r rune) bool { return unicode.In(r, unicode.Latin) }) {
					return true
				}
			}
			return false
		})
		if mixed < 4 {
			t.Errorf("%d Arabic cases mix in Latin text, want ≥ 4", mixed)
		}
	})
	t.Run("script matches language", func(t *testing.T) {
		scripts := map[string]*unicode.RangeTable{
			"ar": unicode.Arabic, "zh": unicode.Han, "ru": unicode.Cyrillic,
			"en": unicode.Latin, "fr": unicode.Latin, "es": unicode.Latin,
		}
		check := func(where, lang, s string) {
			if s == "" {
				return
			}
			letters, inScript := 0, 0
			for _, r := range s {
				if unicode.IsLetter(r) {
					letters++
					if unicode.Is(scripts[lang], r) {
						inScript++
					}
				}
			}
			if inScript*10 < letters*8 {
				t.Errorf("%s: only %d of %d letters are in the script of %s", where, inScript, letters, lang)
			}
		}
		for i, c := range cases {
			for f, s := range caseTexts(c) {
				check(fmt.Sprintf("line %d %s", i+1, f), c.Language, s)
			}
			for lang, tr := range c.Translations {
				for f, s := range translationTexts(tr) {
					check(fmt.Sprintf("line %d translations.%s.%s", i+1, lang, f), lang, s)
				}
			}
		}
	})
}

func TestCalls(t *testing.T) {
	tests := []struct {
		name  string
		load  func() (CallSpec, error)
		slug  string
		blind bool
	}{
		{"current", Call, "sme-dx-2026", true},
		{"past", PastCall, "sme-dx-2025", false},
	}
	wantCodes := []string{"sme_focus", "ict_central", "results_reported", "open_publication"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.load()
			if err != nil {
				t.Fatal(err)
			}
			if c.Slug != tt.slug || c.Blind != tt.blind || c.ReviewersPerCase != 3 {
				t.Errorf("slug %q blind %v reviewers %d, want %q %v 3", c.Slug, c.Blind, c.ReviewersPerCase, tt.slug, tt.blind)
			}
			// Geneva keeps Swiss time, whose IANA zone is Europe/Zurich
			// ("Europe/Geneva" is not a zone name and would not load).
			if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone != "Europe/Zurich" {
				t.Errorf("timezone %q: %v", c.Timezone, err)
			}
			allLanguages(t, "title", c.Title, 10, 200)
			allLanguages(t, "description", c.Description, 250, 3000)
			for _, lang := range domain.UNLanguages {
				if paragraphs := strings.Count(strings.TrimSpace(c.Description[lang]), "\n\n") + 1; paragraphs < 2 || paragraphs > 3 {
					t.Errorf("description %s has %d paragraphs, want 2–3", lang, paragraphs)
				}
			}
			var codes []string
			for _, e := range c.Eligibility {
				codes = append(codes, e.Code)
				allLanguages(t, "eligibility "+e.Code, e.Text, 20, 300)
			}
			if !slices.Equal(codes, wantCodes) {
				t.Errorf("eligibility codes %v, want %v", codes, wantCodes)
			}
		})
	}
	t.Run("distinct", func(t *testing.T) {
		cur, err1 := Call()
		past, err2 := PastCall()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		for _, lang := range domain.UNLanguages {
			if cur.Title[lang] == past.Title[lang] || cur.Description[lang] == past.Description[lang] {
				t.Errorf("%s: the two calls share a title or description", lang)
			}
		}
	})
}

// allLanguages checks that texts has exactly the six UN languages, each
// with between min and max characters.
func allLanguages(t *testing.T, what string, texts map[string]string, min, max int) {
	t.Helper()
	if len(texts) != len(domain.UNLanguages) {
		t.Errorf("%s has %d languages, want %d", what, len(texts), len(domain.UNLanguages))
	}
	for _, lang := range domain.UNLanguages {
		n := len([]rune(strings.TrimSpace(texts[lang])))
		if n < min || n > max {
			t.Errorf("%s in %s: %d characters, want %d–%d", what, lang, n, min, max)
		}
	}
}

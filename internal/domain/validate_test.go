package domain

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"
)

// validNow is when the example case is checked: after its period ended.
var validNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func loadExample(t *testing.T) *Case {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c Case
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("unmarshal example: %v", err)
	}
	return &c
}

func nWords(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }

func TestValidateExample(t *testing.T) {
	c := loadExample(t)
	if errs := Validate(c, validNow); len(errs) != 0 {
		t.Fatalf("example case: %v", errs)
	}
	if err := Validate(c, validNow).Err(); err != nil {
		t.Fatalf("Err() = %v, want nil", err)
	}
}

type want struct {
	field, key string
	args       map[string]any // checked when not nil
}

// validateCases mutates the valid example, one rule at a time. An empty
// want list means the mutation is valid.
var validateCases = []struct {
	name   string
	mutate func(c *Case)
	want   []want
}{
	// language
	{"language missing", func(c *Case) { c.Language = "" }, []want{{"language", ErrRequired, nil}}},
	{"language not a tag", func(c *Case) { c.Language = "english" }, []want{{"language", ErrBadLanguage, map[string]any{"Value": "english"}}}},
	{"language und", func(c *Case) { c.Language = "und" }, []want{{"language", ErrBadLanguage, nil}}},
	{"language other than six", func(c *Case) { c.Language = "pt-br" }, nil},
	{"language with script", func(c *Case) { c.Language = "zh-hant" }, nil},

	// title
	{"title missing", func(c *Case) { c.Title = "" }, []want{{"title", ErrRequired, nil}}},
	{"title blank", func(c *Case) { c.Title = "   " }, []want{{"title", ErrRequired, nil}}},
	{"title short", func(c *Case) { c.Title = "Tailoring" }, []want{{"title", ErrTooShortChars, map[string]any{"Min": 10, "Max": 150, "Count": 9}}}},
	{"title 150", func(c *Case) { c.Title = strings.Repeat("é", 150) }, nil},
	{"title 151", func(c *Case) { c.Title = strings.Repeat("é", 151) }, []want{{"title", ErrTooLongChars, map[string]any{"Max": 150, "Count": 151}}}},
	{"title Chinese", func(c *Case) { c.Title = "肯尼亚裁缝作坊的云会计" }, nil},
	{"title line break", func(c *Case) { c.Title = "Cloud accounting\nfor tailors" }, []want{{"title", ErrLineBreak, nil}}},
	{"title control", func(c *Case) { c.Title = "Cloud accounting\x00 for tailors" }, []want{{"title", ErrControlChars, nil}}},
	{"title carriage return", func(c *Case) { c.Title = "Cloud accounting\r for tailors" }, []want{{"title", ErrControlChars, nil}}},
	{"title invalid UTF-8", func(c *Case) { c.Title = "Cloud accounting \xff for tailors" }, []want{{"title", ErrInvalidUTF8, nil}}},

	// summary
	{"summary missing", func(c *Case) { c.Summary = "" }, []want{{"summary", ErrRequired, nil}}},
	{"summary few words", func(c *Case) { c.Summary = "Cloud accounting for tailors." }, []want{{"summary", ErrTooFewWords, map[string]any{"Min": 40, "Max": 250, "Count": 4}}}},
	{"summary 40 words", func(c *Case) { c.Summary = nWords(40) }, nil},
	{"summary 250 words", func(c *Case) { c.Summary = nWords(250) }, nil},
	{"summary many words", func(c *Case) { c.Summary = nWords(251) }, []want{{"summary", ErrTooManyWords, map[string]any{"Min": 40, "Max": 250, "Count": 251}}}},
	{"summary over-long", func(c *Case) { c.Summary = strings.Repeat("x", 3001) }, []want{{"summary", ErrTooLongChars, map[string]any{"Max": 3000, "Count": 3001}}}},
	{"summary Chinese 40 characters", func(c *Case) { c.Summary = strings.Repeat("中小企业数字化转型", 5)[:40*3] }, nil},
	{"summary newlines and tabs", func(c *Case) { c.Summary = nWords(20) + "\n\n\t" + nWords(20) }, nil},
	{"summary control", func(c *Case) { c.Summary = nWords(20) + "\x07" + nWords(20) }, []want{{"summary", ErrControlChars, nil}}},
	{"summary invalid UTF-8", func(c *Case) { c.Summary = nWords(50) + "\xc3" }, []want{{"summary", ErrInvalidUTF8, nil}}},

	// organisation
	{"organisation name missing", func(c *Case) { c.Organisation.Name = "" }, []want{{"organisation.name", ErrRequired, nil}}},
	{"organisation name short", func(c *Case) { c.Organisation.Name = "K" }, []want{{"organisation.name", ErrTooShortChars, nil}}},
	{"organisation name long", func(c *Case) { c.Organisation.Name = strings.Repeat("k", 201) }, []want{{"organisation.name", ErrTooLongChars, nil}}},
	{"organisation type missing", func(c *Case) { c.Organisation.Type = "" }, []want{{"organisation.type", ErrRequired, nil}}},
	{"organisation type unknown", func(c *Case) { c.Organisation.Type = "ngo" }, []want{{"organisation.type", ErrUnknownCode, map[string]any{"Value": "ngo"}}}},
	{"organisation country missing", func(c *Case) { c.Organisation.Country = "" }, []want{{"organisation.country", ErrRequired, nil}}},
	{"organisation country unknown", func(c *Case) { c.Organisation.Country = "XK" }, []want{{"organisation.country", ErrUnknownCode, nil}}},
	{"organisation country lower case", func(c *Case) { c.Organisation.Country = "ke" }, []want{{"organisation.country", ErrUnknownCode, nil}}},
	{"website optional", func(c *Case) { c.Organisation.Website = "" }, nil},
	{"website http", func(c *Case) { c.Organisation.Website = "http://tailors.example.org" }, []want{{"organisation.website", ErrNotHTTPSURL, nil}}},
	{"website relative", func(c *Case) { c.Organisation.Website = "tailors.example.org" }, []want{{"organisation.website", ErrNotHTTPSURL, nil}}},
	{"website no host", func(c *Case) { c.Organisation.Website = "https:///path" }, []want{{"organisation.website", ErrNotHTTPSURL, nil}}},
	{"website user info", func(c *Case) { c.Organisation.Website = "https://bank.example@evil.example" }, []want{{"organisation.website", ErrNotHTTPSURL, nil}}},
	{"website space", func(c *Case) { c.Organisation.Website = "https://tailors.example.org/a b" }, []want{{"organisation.website", ErrNotHTTPSURL, nil}}},
	{"website upper-case scheme", func(c *Case) { c.Organisation.Website = "HTTPS://tailors.example.org" }, nil},
	{"website too long", func(c *Case) { c.Organisation.Website = "https://a.org/" + strings.Repeat("p", 1990) }, []want{{"organisation.website", ErrTooLongChars, nil}}},

	// countries
	{"countries missing", func(c *Case) { c.Countries = nil }, []want{{"countries", ErrRequired, nil}}},
	{"countries 60", func(c *Case) { c.Countries = firstCountries(60) }, nil},
	{"countries 61", func(c *Case) { c.Countries = firstCountries(61) }, []want{{"countries", ErrTooMany, map[string]any{"Max": 60, "Count": 61}}}},
	{"country unknown", func(c *Case) { c.Countries = []string{"KE", "EU"} }, []want{{"countries[1]", ErrUnknownCode, map[string]any{"Value": "EU"}}}},
	{"country repeated", func(c *Case) { c.Countries = []string{"KE", "UG", "KE"} }, []want{{"countries[2]", ErrDuplicate, map[string]any{"Value": "KE"}}}},
	{"country blank entry", func(c *Case) { c.Countries = []string{"KE", ""} }, []want{{"countries[1]", ErrRequired, nil}}},

	// scope, status
	{"scope missing", func(c *Case) { c.Scope = "" }, []want{{"scope", ErrRequired, nil}}},
	{"scope unknown", func(c *Case) { c.Scope = "regional" }, []want{{"scope", ErrUnknownCode, nil}}},
	{"status missing", func(c *Case) { c.Status = "" }, []want{{"status", ErrRequired, nil}}},
	{"status unknown", func(c *Case) { c.Status = "done" }, []want{{"status", ErrUnknownCode, nil}}},

	// period
	{"period start missing", func(c *Case) { c.Period.Start = "" }, []want{{"period.start", ErrRequired, nil}}},
	{"period start not a month", func(c *Case) { c.Period.Start = "2023-2" }, []want{{"period.start", ErrBadMonth, nil}}},
	{"period start month 13", func(c *Case) { c.Period.Start = "2023-13" }, []want{{"period.start", ErrBadMonth, nil}}},
	{"period start a date", func(c *Case) { c.Period.Start = "2023-02-01" }, []want{{"period.start", ErrBadMonth, nil}}},
	{"period start in future", func(c *Case) { c.Period = Period{Start: "2026-12"} }, []want{{"period.start", ErrStartFuture, map[string]any{"Value": "2026-12", "Now": "2026-11"}}}},
	{"period end optional", func(c *Case) { c.Period.End = "" }, nil},
	{"period end bad", func(c *Case) { c.Period.End = "08/2024" }, []want{{"period.end", ErrBadMonth, nil}}},
	{"period end before start", func(c *Case) { c.Period.End = "2023-01" }, []want{{"period.end", ErrPeriodOrder, map[string]any{"Start": "2023-02"}}}},
	{"period end equals start", func(c *Case) { c.Period.End = "2023-02" }, nil},
	{"period end this month", func(c *Case) { c.Period.End = "2026-11" }, nil},
	{"period end in future", func(c *Case) { c.Period.End = "2026-12" }, []want{{"period.end", ErrPeriodFuture, map[string]any{"Value": "2026-12", "Now": "2026-11"}}}},
	{"period end in future, phase completed", func(c *Case) { c.Period.End = "2027-01"; c.Status = "phase_completed" }, []want{{"period.end", ErrPeriodFuture, nil}}},
	{"period end in future, ongoing", func(c *Case) { c.Period.End = "2027-06"; c.Status = "ongoing" }, nil},

	// sme
	{"size class missing", func(c *Case) { c.SME.SizeClass = "" }, []want{{"sme.size_class", ErrRequired, nil}}},
	{"size class unknown", func(c *Case) { c.SME.SizeClass = "large" }, []want{{"sme.size_class", ErrUnknownCode, nil}}},
	{"programme without count", func(c *Case) { c.SME.Count = "" }, []want{{"sme.count", ErrRequired, nil}}},
	{"micro without count", func(c *Case) { c.SME = SME{SizeClass: "micro"} }, nil},
	{"count fraction", func(c *Case) { c.SME.Count = "4.5" }, []want{{"sme.count", ErrNotInteger, nil}}},
	{"count zero fraction", func(c *Case) { c.SME.Count = "42.0" }, nil},
	{"count text", func(c *Case) { c.SME.Count = "forty" }, []want{{"sme.count", ErrNotInteger, nil}}},
	{"count thousands separator", func(c *Case) { c.SME.Count = "1,200" }, []want{{"sme.count", ErrNotInteger, nil}}},
	{"count zero", func(c *Case) { c.SME.Count = "0" }, []want{{"sme.count", ErrTooSmall, map[string]any{"Min": 1}}}},
	{"count negative", func(c *Case) { c.SME.Count = "-3" }, []want{{"sme.count", ErrTooSmall, nil}}},
	{"count huge", func(c *Case) { c.SME.Count = "2000000000" }, []want{{"sme.count", ErrTooLarge, map[string]any{"Max": MaxSMECount}}}},
	{"count beyond int64", func(c *Case) { c.SME.Count = "99999999999999999999" }, []want{{"sme.count", ErrTooLarge, nil}}},

	// sector, problem, solution
	{"sector missing", func(c *Case) { c.Sector = "" }, []want{{"sector", ErrRequired, nil}}},
	{"sector unknown", func(c *Case) { c.Sector = "V" }, []want{{"sector", ErrUnknownCode, nil}}},
	{"problem missing", func(c *Case) { c.Problem = "" }, []want{{"problem", ErrRequired, nil}}},
	{"problem short", func(c *Case) { c.Problem = nWords(29) }, []want{{"problem", ErrTooFewWords, map[string]any{"Min": 30, "Max": 400, "Count": 29}}}},
	{"problem long", func(c *Case) { c.Problem = nWords(401) }, []want{{"problem", ErrTooManyWords, nil}}},
	{"solution short", func(c *Case) { c.Solution = nWords(49) }, []want{{"solution", ErrTooFewWords, map[string]any{"Min": 50, "Max": 800, "Count": 49}}}},
	{"solution long", func(c *Case) { c.Solution = nWords(801) }, []want{{"solution", ErrTooManyWords, nil}}},

	// technologies
	{"technologies missing", func(c *Case) { c.Technologies = nil }, []want{{"technologies", ErrRequired, nil}}},
	{"technologies 5", func(c *Case) { c.Technologies = Technologies[:5] }, nil},
	{"technologies 6", func(c *Case) { c.Technologies = Technologies[:6] }, []want{{"technologies", ErrTooMany, map[string]any{"Max": 5, "Count": 6}}}},
	{"technology unknown", func(c *Case) { c.Technologies = []string{"cloud", "quantum"} }, []want{{"technologies[1]", ErrUnknownCode, nil}}},
	{"technology repeated", func(c *Case) { c.Technologies = []string{"cloud", "cloud"} }, []want{{"technologies[1]", ErrDuplicate, nil}}},

	// wsis
	{"wsis primary missing", func(c *Case) { c.WSIS.Primary = "" }, []want{{"wsis.primary", ErrRequired, nil}}},
	{"wsis primary unknown", func(c *Case) { c.WSIS.Primary = "C12" }, []want{{"wsis.primary", ErrUnknownCode, nil}}},
	{"wsis secondary none", func(c *Case) { c.WSIS.Secondary = nil }, nil},
	{"wsis secondary 3", func(c *Case) { c.WSIS.Secondary = []string{"C1", "C2", "C3"} }, nil},
	{"wsis secondary 4", func(c *Case) { c.WSIS.Secondary = []string{"C1", "C2", "C3", "C4"} }, []want{{"wsis.secondary", ErrTooMany, map[string]any{"Max": 3, "Count": 4}}}},
	{"wsis secondary same as primary", func(c *Case) { c.WSIS.Secondary = []string{"C7"} }, []want{{"wsis.secondary[0]", ErrSameAsPrimary, map[string]any{"Value": "C7"}}}},
	{"wsis secondary repeated", func(c *Case) { c.WSIS.Secondary = []string{"C4", "C4"} }, []want{{"wsis.secondary[1]", ErrDuplicate, nil}}},
	{"wsis secondary unknown", func(c *Case) { c.WSIS.Secondary = []string{"c4"} }, []want{{"wsis.secondary[0]", ErrUnknownCode, nil}}},

	// sdgs
	{"goals missing", func(c *Case) { c.SDGs = SDGs{} }, []want{{"sdgs.goals", ErrRequired, nil}}},
	{"goals 5", func(c *Case) { c.SDGs.Goals = []int{8, 9, 1, 5, 17} }, nil},
	{"goals 6", func(c *Case) { c.SDGs.Goals = []int{8, 9, 1, 5, 16, 17} }, []want{{"sdgs.goals", ErrTooMany, map[string]any{"Max": 5, "Count": 6}}}},
	{"goal 18", func(c *Case) { c.SDGs.Goals = []int{8, 9, 18} }, []want{{"sdgs.goals[2]", ErrUnknownCode, map[string]any{"Value": 18}}}},
	{"goal 0", func(c *Case) { c.SDGs.Goals = []int{0, 8, 9} }, []want{{"sdgs.goals[0]", ErrUnknownCode, nil}}},
	{"goal repeated", func(c *Case) { c.SDGs.Goals = []int{8, 9, 8} }, []want{{"sdgs.goals[2]", ErrDuplicate, nil}}},
	{"targets none", func(c *Case) { c.SDGs.Targets = nil }, nil},
	{"targets 10", func(c *Case) { c.SDGs.Targets = TargetsOf(8)[:10] }, nil},
	{"targets 11", func(c *Case) { c.SDGs.Targets = TargetsOf(8)[:11] }, []want{{"sdgs.targets", ErrTooMany, map[string]any{"Max": 10, "Count": 11}}}},
	{"target unknown", func(c *Case) { c.SDGs.Targets = []string{"8.3", "8.11"} }, []want{{"sdgs.targets[1]", ErrUnknownCode, map[string]any{"Value": "8.11"}}}},
	{"target letter", func(c *Case) { c.SDGs.Targets = []string{"9.c"} }, nil},
	{"target upper-case letter", func(c *Case) { c.SDGs.Targets = []string{"9.C"} }, []want{{"sdgs.targets[0]", ErrUnknownCode, nil}}},
	{"target not under goal", func(c *Case) { c.SDGs.Targets = []string{"8.3", "17.17"} }, []want{{"sdgs.targets[1]", ErrTargetNotUnderGoal, map[string]any{"Value": "17.17", "Goal": 17}}}},
	{"target repeated", func(c *Case) { c.SDGs.Targets = []string{"8.3", "9.3", "8.3"} }, []want{{"sdgs.targets[2]", ErrDuplicate, nil}}},
	{"targets without goals", func(c *Case) { c.SDGs.Goals = nil }, []want{
		{"sdgs.goals", ErrRequired, nil},
		{"sdgs.targets[0]", ErrTargetNotUnderGoal, nil},
		{"sdgs.targets[1]", ErrTargetNotUnderGoal, nil},
		{"sdgs.targets[2]", ErrTargetNotUnderGoal, nil},
	}},
	{"sdg linkage short", func(c *Case) { c.SDGLinkage = nWords(19) }, []want{{"sdg_linkage", ErrTooFewWords, nil}}},
	{"sdg linkage long", func(c *Case) { c.SDGLinkage = nWords(251) }, []want{{"sdg_linkage", ErrTooManyWords, nil}}},

	// kpis
	{"kpis missing", func(c *Case) { c.KPIs = nil }, []want{{"kpis", ErrRequired, nil}}},
	{"kpis 10", func(c *Case) { c.KPIs = repeatKPI(c.KPIs[0], 10) }, nil},
	{"kpis 11", func(c *Case) { c.KPIs = repeatKPI(c.KPIs[0], 11) }, []want{{"kpis", ErrTooMany, map[string]any{"Max": 10, "Count": 11}}}},
	{"kpi name missing", func(c *Case) { c.KPIs[2].Name = "" }, []want{{"kpis[2].name", ErrRequired, nil}}},
	{"kpi name long", func(c *Case) { c.KPIs[0].Name = strings.Repeat("n", 201) }, []want{{"kpis[0].name", ErrTooLongChars, nil}}},
	{"kpi value missing", func(c *Case) { c.KPIs[1].Value = "" }, []want{{"kpis[1].value", ErrRequired, nil}}},
	{"kpi value with unit", func(c *Case) { c.KPIs[2].Value = "61%" }, []want{{"kpis[2].value", ErrNotDecimal, nil}}},
	{"kpi value decimal comma", func(c *Case) { c.KPIs[2].Value = "61,5" }, []want{{"kpis[2].value", ErrNotDecimal, nil}}},
	{"kpi value negative decimal", func(c *Case) { c.KPIs[2].Value = "-0.25" }, nil},
	{"kpi value over-long", func(c *Case) { c.KPIs[0].Value = Decimal(strings.Repeat("9", 33)) }, []want{{"kpis[0].value", ErrTooLongChars, map[string]any{"Max": 32, "Count": 33}}}},
	{"kpi baseline optional", func(c *Case) { c.KPIs[0].Baseline = "" }, nil},
	{"kpi baseline not a number", func(c *Case) { c.KPIs[0].Baseline = "n/a" }, []want{{"kpis[0].baseline", ErrNotDecimal, nil}}},
	{"kpi unit optional", func(c *Case) { c.KPIs[0].Unit = "" }, nil},
	{"kpi unit long", func(c *Case) { c.KPIs[0].Unit = strings.Repeat("u", 51) }, []want{{"kpis[0].unit", ErrTooLongChars, nil}}},
	{"kpi date optional", func(c *Case) { c.KPIs[0].Date = "" }, nil},
	{"kpi date bad", func(c *Case) { c.KPIs[0].Date = "Aug 2024" }, []want{{"kpis[0].date", ErrBadMonth, nil}}},

	// impact, partners
	{"impact short", func(c *Case) { c.Impact = nWords(29) }, []want{{"impact", ErrTooFewWords, nil}}},
	{"impact long", func(c *Case) { c.Impact = nWords(401) }, []want{{"impact", ErrTooManyWords, nil}}},
	{"partners none", func(c *Case) { c.Partners = nil }, nil},
	{"partners 20", func(c *Case) { c.Partners = repeatPartner(c.Partners[0], 20) }, nil},
	{"partners 21", func(c *Case) { c.Partners = repeatPartner(c.Partners[0], 21) }, []want{{"partners", ErrTooMany, map[string]any{"Max": 20, "Count": 21}}}},
	{"partner name missing", func(c *Case) { c.Partners[1].Name = "" }, []want{{"partners[1].name", ErrRequired, nil}}},
	{"partner name short", func(c *Case) { c.Partners[1].Name = "X" }, []want{{"partners[1].name", ErrTooShortChars, map[string]any{"Min": 2, "Max": 200, "Count": 1}}}},
	{"partner name long", func(c *Case) { c.Partners[1].Name = strings.Repeat("x", 201) }, []want{{"partners[1].name", ErrTooLongChars, nil}}},
	{"partner type missing", func(c *Case) { c.Partners[0].Type = "" }, []want{{"partners[0].type", ErrRequired, nil}}},
	{"partner type unknown", func(c *Case) { c.Partners[0].Type = "vendor" }, []want{{"partners[0].type", ErrUnknownCode, nil}}},
	{"partner country missing", func(c *Case) { c.Partners[0].Country = "" }, []want{{"partners[0].country", ErrRequired, nil}}},
	{"partner country unknown", func(c *Case) { c.Partners[0].Country = "ZZ" }, []want{{"partners[0].country", ErrUnknownCode, nil}}},

	// other texts
	{"enablers short", func(c *Case) { c.EnablersConstraints = nWords(19) }, []want{{"enablers_constraints", ErrTooFewWords, nil}}},
	{"enablers long", func(c *Case) { c.EnablersConstraints = nWords(301) }, []want{{"enablers_constraints", ErrTooManyWords, nil}}},
	{"sustainability missing", func(c *Case) { c.SustainabilityReplicability = "" }, []want{{"sustainability_replicability", ErrRequired, nil}}},
	{"sustainability short", func(c *Case) { c.SustainabilityReplicability = nWords(19) }, []want{{"sustainability_replicability", ErrTooFewWords, nil}}},
	{"lessons optional", func(c *Case) { c.Lessons = "" }, nil},
	{"lessons one word", func(c *Case) { c.Lessons = "Listen." }, nil},
	{"lessons long", func(c *Case) { c.Lessons = nWords(301) }, []want{{"lessons", ErrTooManyWords, map[string]any{"Min": 0, "Max": 300, "Count": 301}}}},

	// cost, funding, links, licence, consent
	{"cost optional", func(c *Case) { c.CostRange = "" }, nil},
	{"cost unknown", func(c *Case) { c.CostRange = "cheap" }, []want{{"cost_range", ErrUnknownCode, nil}}},
	{"funding optional", func(c *Case) { c.Funding = nil }, nil},
	{"funding all", func(c *Case) { c.Funding = FundingSources }, nil},
	{"funding unknown", func(c *Case) { c.Funding = []string{"own", "grant"} }, []want{{"funding[1]", ErrUnknownCode, nil}}},
	{"funding repeated", func(c *Case) { c.Funding = []string{"own", "public", "own"} }, []want{{"funding[2]", ErrDuplicate, nil}}},
	{"links optional", func(c *Case) { c.Links = nil }, nil},
	{"links 5", func(c *Case) { c.Links = manyLinks(5) }, nil},
	{"links 6", func(c *Case) { c.Links = manyLinks(6) }, []want{{"links", ErrTooMany, map[string]any{"Max": 5, "Count": 6}}}},
	{"link http", func(c *Case) { c.Links = []string{"https://a.example", "http://b.example"} }, []want{{"links[1]", ErrNotHTTPSURL, nil}}},
	{"link ftp", func(c *Case) { c.Links = []string{"ftp://a.example/file"} }, []want{{"links[0]", ErrNotHTTPSURL, nil}}},
	{"link javascript", func(c *Case) { c.Links = []string{"javascript:alert(1)"} }, []want{{"links[0]", ErrNotHTTPSURL, nil}}},
	{"link repeated", func(c *Case) { c.Links = []string{"https://a.example", "https://a.example"} }, []want{{"links[1]", ErrDuplicate, nil}}},
	{"link blank", func(c *Case) { c.Links = []string{" "} }, []want{{"links[0]", ErrRequired, nil}}},
	{"link control", func(c *Case) { c.Links = []string{"https://a.example/\x1b"} }, []want{{"links[0]", ErrControlChars, nil}}},
	{"licence missing", func(c *Case) { c.Licence = "" }, []want{{"licence", ErrRequired, nil}}},
	{"licence unknown", func(c *Case) { c.Licence = "MIT" }, []want{{"licence", ErrUnknownCode, nil}}},
	{"licence CC0", func(c *Case) { c.Licence = "CC0-1.0" }, nil},
	{"no consent", func(c *Case) { c.ConsentPublish = false }, []want{{"consent_publish", ErrMustConsent, nil}}},

	// translations
	{"translation", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Title: "Comptabilité en nuage pour les ateliers", Source: "author"}}
	}, nil},
	{"translation regional variant of case language", func(c *Case) {
		c.Translations = map[string]Translation{"en-gb": {Title: "Cloud accounting for tailoring workshops", Source: "machine"}}
	}, nil},
	{"translation bad language", func(c *Case) {
		c.Translations = map[string]Translation{"french": {Title: "Comptabilité en nuage", Source: "author"}}
	}, []want{{"translations.french", ErrBadLanguage, map[string]any{"Value": "french"}}}},
	{"translation in case language", func(c *Case) {
		c.Translations = map[string]Translation{"en": {Title: "Cloud accounting", Source: "author"}}
	}, []want{{"translations.en", ErrSameAsCaseLanguage, map[string]any{"Value": "en"}}}},
	{"translation same language twice", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Title: "Un", Source: "author"}, "FR": {Title: "Deux", Source: "author"}}
	}, []want{{"translations.fr", ErrDuplicate, nil}}},
	{"translation source missing", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Title: "Comptabilité en nuage"}}
	}, []want{{"translations.fr.source", ErrRequired, nil}}},
	{"translation source unknown", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Title: "Comptabilité en nuage", Source: "deepl"}}
	}, []want{{"translations.fr.source", ErrUnknownCode, nil}}},
	{"translation empty", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Source: "author"}}
	}, []want{{"translations.fr", ErrTranslationEmpty, nil}}},
	{"translation title line break", func(c *Case) {
		c.Translations = map[string]Translation{"fr": {Title: "Comptabilité\nen nuage", Source: "author"}}
	}, []want{{"translations.fr.title", ErrLineBreak, nil}}},
	{"translation over-long", func(c *Case) {
		c.Translations = map[string]Translation{"ru": {Summary: strings.Repeat("ж", 3001), Source: "secretariat"}}
	}, []want{{"translations.ru.summary", ErrTooLongChars, map[string]any{"Max": 3000, "Count": 3001}}}},
	{"translation invalid UTF-8", func(c *Case) {
		c.Translations = map[string]Translation{"es": {Lessons: "\xffLecciones", Source: "author"}}
	}, []want{{"translations.es.lessons", ErrInvalidUTF8, nil}}},
	{"translation short texts allowed", func(c *Case) {
		c.Translations = map[string]Translation{"zh": {Summary: "云会计。", Source: "machine"}}
	}, nil},
}

func firstCountries(n int) []string {
	var out []string
	for _, c := range Countries()[:n] {
		out = append(out, c.Code)
	}
	return out
}

func repeatKPI(k KPI, n int) []KPI {
	out := make([]KPI, n)
	for i := range out {
		out[i] = k
		out[i].Name = k.Name + " " + strconv.Itoa(i)
	}
	return out
}

func repeatPartner(p Partner, n int) []Partner {
	out := make([]Partner, n)
	for i := range out {
		out[i] = p
		out[i].Name = p.Name + " " + strconv.Itoa(i)
	}
	return out
}

func manyLinks(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "https://example.org/" + strconv.Itoa(i)
	}
	return out
}

// renderStrict renders an error's English message, failing on any
// argument the template needs that the error does not carry.
func renderStrict(t *testing.T, fe FieldError) string {
	t.Helper()
	src, ok := ErrorEnglish[fe.Key]
	if !ok {
		t.Fatalf("%s: no English message for %s", fe.Field, fe.Key)
	}
	tmpl := template.Must(template.New(fe.Key).Option("missingkey=error").Parse(src))
	var b strings.Builder
	args := fe.Args
	if args == nil {
		args = map[string]any{}
	}
	if err := tmpl.Execute(&b, args); err != nil {
		t.Fatalf("%s %s: %v", fe.Field, fe.Key, err)
	}
	return b.String()
}

func TestValidateRules(t *testing.T) {
	emitted := map[string]bool{}
	for _, tc := range validateCases {
		t.Run(tc.name, func(t *testing.T) {
			c := loadExample(t)
			tc.mutate(c)
			got := Validate(c, validNow)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %v", len(got), got, tc.want)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Field != w.field || g.Key != w.key {
					t.Errorf("error %d = %s %s, want %s %s", i, g.Field, g.Key, w.field, w.key)
				}
				if w.args != nil && !reflect.DeepEqual(g.Args, w.args) {
					t.Errorf("error %d args = %v, want %v", i, g.Args, w.args)
				}
				if msg := renderStrict(t, g); msg == "" || strings.Contains(msg, "{{") {
					t.Errorf("error %d renders as %q", i, msg)
				}
				emitted[g.Key] = true
			}
		})
	}
	t.Run("every key is exercised", func(t *testing.T) {
		for _, k := range ErrorKeys {
			if !emitted[k] {
				t.Errorf("no test case makes Validate emit %s", k)
			}
		}
	})
}

func TestValidateEmptyCase(t *testing.T) {
	got := Validate(&Case{}, validNow)
	var fields []string
	for _, e := range got {
		if e.Key != ErrRequired && e.Key != ErrMustConsent {
			t.Errorf("%s: %s, want only required-field errors", e.Field, e.Key)
		}
		fields = append(fields, e.Field)
	}
	want := []string{
		"language", "title", "summary", "organisation.name", "organisation.type", "organisation.country",
		"countries", "scope", "status", "period.start", "sme.size_class", "sector", "problem", "solution",
		"technologies", "wsis.primary", "sdgs.goals", "sdg_linkage", "kpis", "impact",
		"enablers_constraints", "sustainability_replicability", "licence", "consent_publish",
	}
	if !slices.Equal(fields, want) {
		t.Errorf("fields = %v\nwant     %v", fields, want)
	}
}

// TestErrorKeys checks that ErrorKeys and ErrorEnglish agree, and that no
// source file emits a key missing from them.
func TestErrorKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range ErrorKeys {
		if keys[k] {
			t.Errorf("%s listed twice", k)
		}
		keys[k] = true
		msg, ok := ErrorEnglish[k]
		if !ok || strings.TrimSpace(msg) == "" {
			t.Errorf("%s has no English message", k)
			continue
		}
		if _, err := template.New(k).Parse(msg); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	for k := range ErrorEnglish {
		if !keys[k] {
			t.Errorf("ErrorEnglish has %s, which ErrorKeys lacks", k)
		}
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.HasPrefix(s, "err.") {
				return true
			}
			found++
			if !keys[s] {
				t.Errorf("%s: key %q is not in ErrorKeys", fset.Position(lit.Pos()), s)
			}
			return true
		})
	}
	if found < len(ErrorKeys) {
		t.Errorf("found %d key literals in the source, want at least %d", found, len(ErrorKeys))
	}
}

func TestErrorsHelpers(t *testing.T) {
	errs := Errors{
		{Field: "title", Key: ErrTooShortChars, Args: map[string]any{"Min": 10, "Max": 150, "Count": 3}},
		{Field: "kpis[0].value", Key: ErrRequired},
		{Field: "title", Key: ErrLineBreak},
	}
	by := errs.ByField()
	if len(by) != 2 || len(by["title"]) != 2 || by["title"][1].Key != ErrLineBreak || len(by["kpis[0].value"]) != 1 {
		t.Errorf("ByField = %v", by)
	}
	wantMsg := "title: Write at least 10 characters (at most 150); you have written 3.; " +
		"kpis[0].value: Fill this in; it is required.; " +
		"title: Keep this on one line: remove the line breaks."
	if got := errs.Error(); got != wantMsg {
		t.Errorf("Error() = %q\nwant %q", got, wantMsg)
	}
	if errs.Err() == nil {
		t.Error("Err() of non-empty Errors is nil")
	}
	if (Errors{}).Err() != nil || Errors(nil).Err() != nil {
		t.Error("Err() of empty Errors is not nil")
	}
	if got := (FieldError{Field: "x", Key: "err.unheard_of"}).English(); got != "err.unheard_of" {
		t.Errorf("English() of unknown key = %q", got)
	}
}

func TestLimits(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range Limits {
		if seen[l.Field] {
			t.Errorf("%s listed twice", l.Field)
		}
		seen[l.Field] = true
		if l.Max <= 0 || l.Min > l.Max || l.MaxChars < l.Max && !l.Words {
			t.Errorf("%s: inconsistent %+v", l.Field, l)
		}
	}
	tests := []struct {
		field    string
		words    bool
		min, max int
	}{
		{"title", false, 10, 150},
		{"summary", true, 40, 250},
		{"organisation.name", false, 2, 200},
		{"problem", true, 30, 400},
		{"solution", true, 50, 800},
		{"sdg_linkage", true, 20, 250},
		{"impact", true, 30, 400},
		{"partners[].name", false, 2, 200},
		{"enablers_constraints", true, 20, 300},
		{"sustainability_replicability", true, 20, 300},
		{"lessons", true, 0, 300},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			l, ok := LimitOf(tc.field)
			if !ok || l.Words != tc.words || l.Min != tc.min || l.Max != tc.max {
				t.Errorf("LimitOf(%q) = %+v, %v", tc.field, l, ok)
			}
		})
	}
	if _, ok := LimitOf("nonsense"); ok {
		t.Error("LimitOf(nonsense) found a limit")
	}
}

func TestMissing(t *testing.T) {
	all := []string{
		"language", "title", "summary", "organisation", "countries", "scope", "status", "period", "sme",
		"sector", "problem", "solution", "technologies", "wsis", "sdgs", "sdg_linkage", "kpis", "impact",
		"enablers_constraints", "sustainability_replicability", "licence", "consent_publish",
	}
	tests := []struct {
		name   string
		mutate func(c *Case)
		want   []string
	}{
		{"complete", func(c *Case) {}, nil},
		{"empty", func(c *Case) { *c = Case{} }, all},
		{"optional sections empty", func(c *Case) {
			c.Partners, c.Lessons, c.CostRange, c.Funding, c.Links, c.Organisation.Website = nil, "", "", nil, nil, ""
		}, nil},
		{"organisation incomplete", func(c *Case) { c.Organisation.Type = "" }, []string{"organisation"}},
		{"programme without count", func(c *Case) { c.SME.Count = "" }, []string{"sme"}},
		{"kpi rows without value", func(c *Case) {
			for i := range c.KPIs {
				c.KPIs[i].Value = ""
			}
		}, []string{"kpis"}},
		{"blank entries only", func(c *Case) { c.Countries, c.Technologies = []string{""}, []string{" "} }, []string{"countries", "technologies"}},
		{"no consent", func(c *Case) { c.ConsentPublish = false }, []string{"consent_publish"}},
		{"invalid but filled", func(c *Case) { c.Title, c.Sector = "x", "Z" }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := loadExample(t)
			tc.mutate(c)
			if got := Missing(c); !slices.Equal(got, tc.want) {
				t.Errorf("Missing = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Run("example unchanged", func(t *testing.T) {
		c := loadExample(t)
		Normalize(c)
		if !reflect.DeepEqual(c, loadExample(t)) {
			t.Errorf("Normalize changed the valid example: %+v", c)
		}
	})
	t.Run("nil", func(t *testing.T) { Normalize(nil) })

	messy := func(t *testing.T) *Case {
		c := loadExample(t)
		c.Language = " EN "
		c.Title = "  " + c.Title + "\t"
		c.Summary = "\r\n" + strings.ReplaceAll(c.Summary, ". ", ".\r\n") + "  "
		c.Organisation.Country = "ke "
		c.Organisation.Type = "SME"
		c.Countries = []string{"", " ke", "ug", "  "}
		c.Scope = "Local"
		c.Sector = " c"
		c.Technologies = []string{"Cloud", "", "payments "}
		c.WSIS = WSIS{Primary: "c7", Secondary: []string{"c4", "", "C2"}}
		c.SDGs = SDGs{Goals: []int{8, 0, 9}, Targets: []string{"8.3", " ", "9.C "}}
		c.KPIs = append([]KPI{{}}, append(c.KPIs, KPI{Name: " ", Unit: "  "})...)
		c.KPIs[1].Value = " 3 "
		c.Partners = append(c.Partners, Partner{}, Partner{Name: "  "})
		c.Partners[0].Country = "ke"
		c.Funding = []string{"OWN", "", "public"}
		c.Links = []string{" https://tailors.example.org/digital ", ""}
		c.Licence = "cc-by-4.0"
		c.Translations = map[string]Translation{
			"FR":      {Title: " Comptabilité en nuage ", Source: "Author"},
			"es":      {Source: "author"},
			"zh_Hans": {Summary: "云会计。\r\n", Source: "machine"},
		}
		return c
	}
	t.Run("messy input", func(t *testing.T) {
		c := messy(t)
		Normalize(c)
		ex := loadExample(t)
		checks := []struct {
			name      string
			got, want any
		}{
			{"language", c.Language, "en"},
			{"title", c.Title, ex.Title},
			{"summary", c.Summary, strings.ReplaceAll(ex.Summary, ". ", ".\n")},
			{"organisation", c.Organisation, ex.Organisation},
			{"countries", c.Countries, []string{"KE", "UG"}},
			{"scope", c.Scope, "local"},
			{"sector", c.Sector, "C"},
			{"technologies", c.Technologies, []string{"cloud", "payments"}},
			{"wsis", c.WSIS, WSIS{Primary: "C7", Secondary: []string{"C4", "C2"}}},
			{"sdgs", c.SDGs, SDGs{Goals: []int{8, 9}, Targets: []string{"8.3", "9.c"}}},
			{"kpis", c.KPIs, ex.KPIs},
			{"partners", c.Partners, ex.Partners},
			{"funding", c.Funding, []string{"own", "public"}},
			{"links", c.Links, ex.Links},
			{"licence", c.Licence, "CC-BY-4.0"},
			{"translations", c.Translations, map[string]Translation{
				"fr":      {Title: "Comptabilité en nuage", Source: "author"},
				"zh-hans": {Summary: "云会计。", Source: "machine"},
			}},
		}
		for _, ch := range checks {
			if !reflect.DeepEqual(ch.got, ch.want) {
				t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
			}
		}
		if errs := Validate(c, validNow); len(errs) != 0 {
			t.Errorf("normalised messy case: %v", errs)
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		c := messy(t)
		Normalize(c)
		again := cloneCase(t, c)
		Normalize(again)
		if !reflect.DeepEqual(again, c) {
			t.Errorf("second Normalize changed the case")
		}
	})
	t.Run("invalid values kept for Validate", func(t *testing.T) {
		c := &Case{Language: " english ", Sector: "zz", SME: SME{Count: " 1,5 "},
			Translations: map[string]Translation{"fr": {Title: "Un"}, "FR": {Title: "Deux"}}}
		Normalize(c)
		if c.Language != "english" || c.Sector != "ZZ" || c.SME.Count != "1,5" {
			t.Errorf("got %q %q %q", c.Language, c.Sector, c.SME.Count)
		}
		if len(c.Translations) != 2 || c.Translations["fr"].Title != "Un" || c.Translations["FR"].Title != "Deux" {
			t.Errorf("colliding translations = %v, want both kept", c.Translations)
		}
	})
}

func cloneCase(t *testing.T, c *Case) *Case {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out Case
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestJSONRoundTrip checks that an invalid draft value survives storage.
func TestJSONRoundTrip(t *testing.T) {
	c := loadExample(t)
	c.KPIs[0].Value = "about 3"
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Case
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, c) {
		t.Errorf("round trip changed the case")
	}
	if errs := Validate(&back, validNow); len(errs) != 1 || errs[0].Field != "kpis[0].value" || errs[0].Key != ErrNotDecimal {
		t.Errorf("Validate = %v", errs)
	}
}

package assign

import (
	"reflect"
	"strings"
	"testing"
)

func baseCase() Case {
	return Case{
		ID: "c1", Language: "en", WSISPrimary: "C4", Technologies: []string{"cloud"}, Sector: "C", Regions: []string{"002"},
		Org: "Acme Ltd", Domains: []string{"Jane@Acme.org", "gmail.com"}, Partners: []string{"Beta GmbH", "Jane Doe"},
	}
}

func baseReviewer(id string) Reviewer {
	return Reviewer{ID: id, Name: "Sam Roe", Languages: []string{"en"}, MaxLoad: 5, Region: "150", Org: "Gamma", EmailDomain: "gamma.org"}
}

// TestShortfallNamesTheBlocker builds, for each constraint, a call where
// it alone keeps a case from its reviewer.
func TestShortfallNamesTheBlocker(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Problem)
		want   string // constraint
		reason string // text the first reason must contain
	}{
		{"declared case", func(p *Problem) { p.Reviewers[0].ConflictCases = []string{"c1"} }, ConflictDeclared, "declared a conflict"},
		{"declared organisation", func(p *Problem) { p.Reviewers[0].ConflictOrgs = []string{"ACME"} }, ConflictDeclared, "declared a conflict"},
		{"declared partner", func(p *Problem) { p.Reviewers[0].ConflictOrgs = []string{"beta"} }, ConflictDeclared, "declared a conflict"},
		{"same organisation", func(p *Problem) { p.Reviewers[0].Org = "The ACME Limited" }, ConflictOrg, "applicant organisation (Acme Ltd)"},
		{"same domain", func(p *Problem) { p.Reviewers[0].EmailDomain = "acme.org" }, ConflictDomain, "acme.org"},
		{"subdomain", func(p *Problem) { p.Reviewers[0].EmailDomain = "lab.acme.org" }, ConflictDomain, "e-mail domain"},
		{"partner organisation", func(p *Problem) { p.Reviewers[0].Org = "Beta" }, ConflictPartner, "partners"},
		{"partner person", func(p *Problem) { p.Reviewers[0].Name = "Jane  Doe" }, ConflictPartner, "partners"},
		{"forbidden", func(p *Problem) { p.Forbidden = []Pair{{"c1", "r1"}} }, Forbidden, "secretariat"},
		{"language", func(p *Problem) { p.Cases[0].Language = "sw"; p.Reviewers[0].Languages = []string{"en", "fr"} }, Language, "language: no reviewer reads sw"},
		{"translation no one reads", func(p *Problem) {
			p.Cases[0].Language = "sw"
			p.Cases[0].TranslationLangs = []string{"ar"}
		}, Language, "no reviewer reads sw or ar"},
		{"no load", func(p *Problem) { p.Reviewers[0].MaxLoad = 0 }, LoadFull, "maximum load"},
		{"load taken by a locked review", func(p *Problem) {
			p.Reviewers[0].MaxLoad = 1
			p.Cases = append(p.Cases, Case{ID: "c0", Language: "en"})
			p.Existing = []Existing{{Pair: Pair{"c0", "r1"}, Locked: true}}
		}, LoadFull, "maximum load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Problem{K: 1, Cases: []Case{baseCase()}, Reviewers: []Reviewer{baseReviewer("r1")}}
			tt.change(&p)
			res := solveOK(t, p)
			checkResultLoose(t, res)
			var s *Shortfall
			for i := range res.Short {
				if res.Short[i].Case == "c1" {
					s = &res.Short[i]
				}
			}
			if s == nil {
				t.Fatalf("c1 is not short: %+v", res.Assignments)
			}
			if want := map[string]int{tt.want: 1}; !reflect.DeepEqual(s.Blocked, want) || s.Missing != 1 {
				t.Fatalf("blocked %v missing %d, want %v missing 1", s.Blocked, s.Missing, want)
			}
			if len(s.Reasons) != 1 || !strings.HasPrefix(s.Reasons[0], tt.want+":") || !strings.Contains(s.Reasons[0], tt.reason) {
				t.Fatalf("reasons %q, want one %s reason with %q", s.Reasons, tt.want, tt.reason)
			}
		})
	}
}

// checkResultLoose checks what holds for any result: short cases are
// listed once, with reasons.
func checkResultLoose(t *testing.T, res Result) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range res.Short {
		if seen[s.Case] || len(s.Reasons) == 0 {
			t.Fatalf("shortfall %+v repeated or unexplained", s)
		}
		seen[s.Case] = true
	}
}

// TestNotBlockers lists look-alikes of conflicts that must not exclude.
func TestNotBlockers(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Problem)
	}{
		{"both on webmail", func(p *Problem) { p.Reviewers[0].EmailDomain = "GMail.com" }},
		{"national webmail", func(p *Problem) {
			p.Cases[0].Domains = []string{"yahoo.fr"}
			p.Reviewers[0].EmailDomain = "yahoo.fr"
		}},
		{"domain that merely ends alike", func(p *Problem) { p.Reviewers[0].EmailDomain = "notacme.org" }},
		{"author translation", func(p *Problem) {
			p.Cases[0].Language = "sw"
			p.Cases[0].TranslationLangs = []string{"EN"}
		}},
		{"regional language tag", func(p *Problem) { p.Reviewers[0].Languages = []string{"en-GB"} }},
		{"conflict with another case", func(p *Problem) { p.Reviewers[0].ConflictCases = []string{"c9"} }},
		{"organisation with a similar name", func(p *Problem) { p.Reviewers[0].Org = "Acme Foundation" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Problem{K: 1, Cases: []Case{baseCase()}, Reviewers: []Reviewer{baseReviewer("r1")}}
			tt.change(&p)
			res := solveOK(t, p)
			if len(res.Assignments) != 1 || len(res.Short) != 0 {
				t.Fatalf("want c1–r1 assigned, got %+v short %+v", res.Assignments, res.Short)
			}
		})
	}
}

// TestShortfallCountsEachBlocker mixes blockers on one case: each reviewer
// is charged once, to its first constraint, and the reasons come most
// frequent first.
func TestShortfallCountsEachBlocker(t *testing.T) {
	p := Problem{K: 3, Cases: []Case{baseCase()}}
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5", "r6"} {
		p.Reviewers = append(p.Reviewers, baseReviewer(id))
	}
	p.Reviewers[0].Org = "Acme"                      // conflict_org
	p.Reviewers[1].Org = "Acme"                      // conflict_org, and
	p.Reviewers[1].Languages = []string{"zh"}        // language (second: not counted)
	p.Reviewers[2].Languages = []string{"zh"}        // language
	p.Reviewers[3].ConflictCases = []string{"c1"}    // conflict_declared
	p.Reviewers[4].EmailDomain = "acme.org"          // conflict_domain
	p.Forbidden = []Pair{{"c1", "r6"}, {"c1", "r3"}} // forbidden for r6; r3 is language-blocked after forbidden
	res := solveOK(t, p)
	if len(res.Short) != 1 {
		t.Fatalf("short %+v", res.Short)
	}
	s := res.Short[0]
	want := map[string]int{ConflictOrg: 2, Forbidden: 2, ConflictDeclared: 1, ConflictDomain: 1}
	if !reflect.DeepEqual(s.Blocked, want) || s.Missing != 3 {
		t.Fatalf("blocked %v missing %d, want %v missing 3", s.Blocked, s.Missing, want)
	}
	var order []string
	for _, r := range s.Reasons {
		order = append(order, r[:strings.IndexByte(r, ':')])
	}
	if wantOrder := []string{ConflictOrg, Forbidden, ConflictDeclared, ConflictDomain}; !reflect.DeepEqual(order, wantOrder) {
		t.Fatalf("reasons %q, want in order %v", s.Reasons, wantOrder)
	}
}

func TestShortfallPool(t *testing.T) {
	p := Problem{Cases: []Case{baseCase()}, Reviewers: []Reviewer{baseReviewer("r1"), baseReviewer("r2")}}
	res := solveOK(t, p)
	if len(res.Short) != 1 || res.Short[0].Missing != 1 || len(res.Short[0].Blocked) != 0 {
		t.Fatalf("short %+v", res.Short)
	}
	if r := res.Short[0].Reasons; len(r) != 1 || !strings.HasPrefix(r[0], "pool: the call has 2 reviewers, fewer than k = 3") {
		t.Fatalf("reasons %q", r)
	}
}

// TestLoadIsTheBlocker: two cases compete for one reviewer with room for
// one; the other readers of the language are conflicted. The case with the
// better match wins, the other is short because of load, not conflicts.
func TestLoadIsTheBlocker(t *testing.T) {
	c2 := baseCase()
	c2.ID, c2.WSISPrimary = "c2", "C9"
	p := Problem{K: 1, Cases: []Case{baseCase(), c2}, Reviewers: []Reviewer{baseReviewer("r1"), baseReviewer("r2")}}
	p.Reviewers[0].MaxLoad = 1
	p.Reviewers[0].Expertise.WSIS = []string{"C4"}
	p.Reviewers[1].Org = "Acme"
	res := solveOK(t, p)
	want := []Assignment{{Case: "c1", Reviewer: "r1", Affinity: 6, Reasons: []Reason{{ReasonWSIS, "C4", 6}}}}
	if !reflect.DeepEqual(res.Assignments, want) {
		t.Fatalf("assignments %+v", res.Assignments)
	}
	if len(res.Short) != 1 || res.Short[0].Case != "c2" {
		t.Fatalf("short %+v", res.Short)
	}
	if blocked := map[string]int{LoadFull: 1, ConflictOrg: 1}; !reflect.DeepEqual(res.Short[0].Blocked, blocked) {
		t.Fatalf("blocked %v, want %v", res.Short[0].Blocked, blocked)
	}
}

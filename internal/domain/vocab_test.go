package domain

import (
	"slices"
	"strconv"
	"testing"
)

func TestVocabularySizes(t *testing.T) {
	tests := []struct {
		name  string
		codes []string
		n     int
		first string
		last  string
	}{
		{"action lines", ActionLines, 11, "C1", "C11"},
		{"targets", Targets, 169, "1.1", "17.19"},
		{"sectors", Sectors, 21, "A", "U"},
		{"technologies", Technologies, 21, "connectivity", "other"},
		{"size classes", SizeClasses, 4, "micro", "programme"},
		{"organisation types", OrgTypes, 9, "sme", "other"},
		{"scopes", Scopes, 4, "local", "global"},
		{"statuses", Statuses, 3, "completed", "ongoing"},
		{"cost ranges", CostRanges, 4, "lt_10k", "gt_1m"},
		{"funding sources", FundingSources, 6, "own", "other"},
		{"licences", Licences, 3, "CC-BY-4.0", "CC0-1.0"},
		{"translation sources", TranslationSources, 3, "author", "machine"},
		{"regions", Regions, 5, "002", "009"},
		{"sub-regions", SubRegions, 17, "015", "061"},
		{"country groups", CountryGroups, 3, "LDC", "SIDS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.codes) != tc.n || tc.codes[0] != tc.first || tc.codes[len(tc.codes)-1] != tc.last {
				t.Errorf("got %d codes %v, want %d from %s to %s", len(tc.codes), tc.codes, tc.n, tc.first, tc.last)
			}
			seen := map[string]bool{}
			for _, c := range tc.codes {
				if seen[c] {
					t.Errorf("%s repeated", c)
				}
				seen[c] = true
			}
		})
	}
	if len(Goals) != 17 || Goals[0] != 1 || Goals[16] != 17 {
		t.Errorf("Goals = %v", Goals)
	}
}

func TestTargets(t *testing.T) {
	perGoal := map[int]int{1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8, 10: 10, 11: 10, 12: 11, 13: 5, 14: 10, 15: 12, 16: 12, 17: 19}
	total := 0
	for g := 1; g <= 17; g++ {
		ts := TargetsOf(g)
		if len(ts) != perGoal[g] {
			t.Errorf("goal %d has %d targets, want %d", g, len(ts), perGoal[g])
		}
		for _, c := range ts {
			if goal, ok := TargetGoal(c); !ok || goal != g {
				t.Errorf("TargetGoal(%s) = %d, %v", c, goal, ok)
			}
		}
		total += len(ts)
	}
	if total != 169 {
		t.Errorf("%d targets, want 169", total)
	}
	if TargetsOf(0) != nil || TargetsOf(18) != nil {
		t.Error("TargetsOf outside 1…17 is not nil")
	}

	tests := []struct {
		code string
		goal int
		ok   bool
	}{
		{"1.1", 1, true}, {"1.5", 1, true}, {"1.6", 0, false}, {"1.a", 1, true}, {"1.b", 1, true}, {"1.c", 0, false},
		{"3.d", 3, true}, {"3.e", 0, false}, {"8.3", 8, true}, {"8.10", 8, true}, {"8.11", 0, false},
		{"9.c", 9, true}, {"16.10", 16, true}, {"16.b", 16, true}, {"16.c", 0, false},
		{"17.17", 17, true}, {"17.19", 17, true}, {"17.20", 0, false}, {"17.a", 0, false},
		{"18.1", 0, false}, {"0.1", 0, false}, {"08.3", 0, false}, {"8.03", 0, false}, {"8.+3", 0, false},
		{"+8.3", 0, false}, {"8.3 ", 0, false}, {"8", 0, false}, {"8.", 0, false}, {".3", 0, false},
		{"9.C", 0, false}, {"", 0, false}, {"8.3.1", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			goal, ok := TargetGoal(tc.code)
			if goal != tc.goal || ok != tc.ok || IsTarget(tc.code) != tc.ok {
				t.Errorf("TargetGoal(%q) = %d, %v; want %d, %v", tc.code, goal, ok, tc.goal, tc.ok)
			}
		})
	}
}

func TestVocabEnglish(t *testing.T) {
	examples := map[string]string{
		"vocab.technology.payments": "Digital payments and mobile money",
		"vocab.wsis.C7":             "ICT applications (e-government, e-business, e-learning, e-health, e-employment, e-environment, e-agriculture, e-science)",
		"vocab.wsis.C1":             "The role of public governance authorities and all stakeholders in the promotion of ICTs for development",
		"vocab.sdg.8":               "Decent work and economic growth",
		"vocab.sdg.17":              "Partnerships for the goals",
		"vocab.sector.C":            "Manufacturing",
		"vocab.region.002":          "Africa",
		"vocab.subregion.202":       "Sub-Saharan Africa",
		"vocab.subregion.419":       "Latin America and the Caribbean",
		"vocab.group.SIDS":          "Small island developing States",
	}
	for k, v := range examples {
		if VocabEnglish[k] != v {
			t.Errorf("VocabEnglish[%s] = %q, want %q", k, VocabEnglish[k], v)
		}
	}
	n := 0
	for _, v := range Vocabularies() {
		for _, c := range v.Codes {
			n++
			if VocabEnglish[VocabKey(v.Name, c)] == "" {
				t.Errorf("no English title for %s", VocabKey(v.Name, c))
			}
		}
	}
	if n != len(VocabEnglish) {
		t.Errorf("VocabEnglish has %d keys, vocabularies %d codes", len(VocabEnglish), n)
	}
	lists := map[string][]string{
		VocabWSIS: ActionLines, VocabSector: Sectors, VocabTechnology: Technologies, VocabSizeClass: SizeClasses,
		VocabOrgType: OrgTypes, VocabScope: Scopes, VocabStatus: Statuses, VocabCostRange: CostRanges,
		VocabFunding: FundingSources, VocabLicence: Licences, VocabTranslationSource: TranslationSources,
		VocabRegion: Regions, VocabSubRegion: SubRegions, VocabGroup: CountryGroups,
	}
	for _, v := range Vocabularies() {
		want, ok := lists[v.Name]
		if v.Name == VocabSDG {
			for _, g := range Goals {
				want = append(want, strconv.Itoa(g))
			}
			ok = true
		}
		if !ok || !slices.Equal(v.Codes, want) {
			t.Errorf("vocabulary %s = %v, want %v", v.Name, v.Codes, want)
		}
	}
}

func TestSubRegionRegion(t *testing.T) {
	counts := map[string]int{}
	for _, s := range SubRegions {
		r, ok := SubRegionRegion(s)
		if !ok || !slices.Contains(Regions, r) {
			t.Errorf("SubRegionRegion(%s) = %s, %v", s, r, ok)
		}
		counts[r]++
	}
	want := map[string]int{"002": 2, "019": 2, "142": 5, "150": 4, "009": 4}
	for r, n := range want {
		if counts[r] != n {
			t.Errorf("region %s has %d sub-regions, want %d", r, counts[r], n)
		}
	}
	if _, ok := SubRegionRegion("002"); ok {
		t.Error("a region counted as a sub-region")
	}
}

package domain

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestCountries(t *testing.T) {
	cs := Countries()
	if len(cs) != 249 {
		t.Fatalf("%d countries, want 249", len(cs))
	}
	if !slices.IsSortedFunc(cs, func(a, b Country) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("Countries() is not sorted by code")
	}
	for _, c := range cs {
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code || len(c.M49) != 3 {
			t.Errorf("%s: bad codes %+v", c.Code, c)
		}
		for _, l := range UNLanguages {
			if c.Names[l] == "" || strings.HasSuffix(c.Names[l], "*") {
				t.Errorf("%s: name in %s is %q", c.Code, l, c.Names[l])
			}
		}
		if c.Code == "AQ" {
			if c.Region != "" || c.SubRegion != "" {
				t.Errorf("Antarctica has region %q/%q", c.Region, c.SubRegion)
			}
			continue
		}
		if r, ok := SubRegionRegion(c.SubRegion); !ok || r != c.Region {
			t.Errorf("%s: sub-region %s of region %s, want one under %s", c.Code, c.SubRegion, r, c.Region)
		}
	}
}

func TestCountryNames(t *testing.T) {
	tests := []struct {
		code  string
		names map[string]string
	}{
		{"KE", map[string]string{"ar": "كينيا", "zh": "肯尼亚", "en": "Kenya", "fr": "Kenya (le)", "ru": "Кения", "es": "Kenya"}},
		{"CN", map[string]string{"ar": "الصين", "zh": "中国", "en": "China", "fr": "Chine (la)", "ru": "Китай", "es": "China"}},
		{"DZ", map[string]string{"ar": "الجزائر", "zh": "阿尔及利亚", "en": "Algeria", "fr": "Algérie (l')", "ru": "Алжир", "es": "Argelia"}},
		// No UNTERM names: the official names stand in.
		{"AX", map[string]string{"ar": "جزر ألاند", "zh": "奥兰群岛", "en": "Åland Islands", "fr": "Îles d’Åland", "ru": "Аландских островов", "es": "Islas Åland"}},
		// UNTERM's footnote markers are not part of the name.
		{"VA", map[string]string{"en": "Holy See (the)", "zh": "罗马教廷"}},
		// The UN name, not the dataset's official_name_en ("Ivory Coast").
		{"CI", map[string]string{"en": "Côte d’Ivoire", "fr": "Côte d’Ivoire", "es": "Côte d’Ivoire"}},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			c, ok := CountryByCode(tc.code)
			if !ok {
				t.Fatalf("CountryByCode(%s) not found", tc.code)
			}
			for lang, want := range tc.names {
				if c.Names[lang] != want || CountryName(tc.code, lang) != want {
					t.Errorf("name in %s = %q / %q, want %q", lang, c.Names[lang], CountryName(tc.code, lang), want)
				}
			}
		})
	}

	fallbacks := []struct{ code, lang, want string }{
		{"DZ", "fr-CA", "Algérie (l')"},
		{"DZ", "zh-Hant-TW", "阿尔及利亚"},
		{"DZ", "de", "Algeria"},
		{"DZ", "not a tag", "Algeria"},
		{"QQ", "fr", "QQ"},
	}
	for _, tc := range fallbacks {
		if got := CountryName(tc.code, tc.lang); got != tc.want {
			t.Errorf("CountryName(%s, %s) = %q, want %q", tc.code, tc.lang, got, tc.want)
		}
	}

	if _, ok := CountryByCode("ke"); ok {
		t.Error("CountryByCode accepts lower case")
	}
	ke, _ := CountryByCode("KE")
	if ke.M49 != "404" || ke.Region != "002" || ke.SubRegion != "202" || ke.IntermediateRegion != "014" {
		t.Errorf("KE = %+v", ke)
	}
	ke.Names["en"] = "changed"
	if CountryName("KE", "en") != "Kenya" {
		t.Error("changing a returned Country changed the table")
	}
}

func TestSortedCountries(t *testing.T) {
	for _, lang := range UNLanguages {
		t.Run(lang, func(t *testing.T) {
			cs := SortedCountries(lang)
			if len(cs) != 249 {
				t.Fatalf("%d countries", len(cs))
			}
			col := collate.New(language.Make(lang))
			for i := 1; i < len(cs); i++ {
				if col.CompareString(cs[i-1].Name(lang), cs[i].Name(lang)) > 0 {
					t.Errorf("%q sorted before %q", cs[i-1].Name(lang), cs[i].Name(lang))
				}
			}
		})
	}
	pos := func(cs []Country, code string) int {
		return slices.IndexFunc(cs, func(c Country) bool { return c.Code == code })
	}
	fr := SortedCountries("fr")
	// Byte order would put "Égypte" after every unaccented name.
	if !(pos(fr, "DK") < pos(fr, "EG") && pos(fr, "EG") < pos(fr, "SV") && pos(fr, "SV") < pos(fr, "ZW")) {
		t.Errorf("French order: Danemark %d, Égypte %d, El Salvador %d, Zimbabwe %d",
			pos(fr, "DK"), pos(fr, "EG"), pos(fr, "SV"), pos(fr, "ZW"))
	}
	zh := SortedCountries("zh")
	// Pinyin: Aerbaniya (阿尔巴尼亚) before Zhongguo (中国).
	if pos(zh, "AL") > pos(zh, "CN") {
		t.Errorf("Chinese order: 阿尔巴尼亚 %d after 中国 %d", pos(zh, "AL"), pos(zh, "CN"))
	}
	if got := SortedCountries("???"); len(got) != 249 || got[0].Code != "AF" {
		t.Errorf("SortedCountries with a bad tag starts with %s", got[0].Code)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestGroups(t *testing.T) {
	tests := []struct {
		code, at string
		want     []string
	}{
		{"BD", "2026-11-23", []string{"LDC"}},
		{"BD", "2026-11-24", nil},
		{"BD", "2026-11-25", nil},
		{"LA", "2026-11-23", []string{"LDC", "LLDC"}},
		{"LA", "2026-11-25", []string{"LLDC"}},
		{"NP", "2026-11-25", []string{"LLDC"}},
		{"ST", "2024-12-12", []string{"LDC", "SIDS"}},
		{"ST", "2024-12-13", []string{"SIDS"}},
		{"ST", "2025-06-01", []string{"SIDS"}},
		{"AF", "2026-11-26", []string{"LDC", "LLDC"}},
		{"KI", "2026-11-26", []string{"LDC", "SIDS"}},
		{"KE", "2026-11-26", nil},
		{"XX", "2026-11-26", nil},
	}
	for _, tc := range tests {
		t.Run(tc.code+"@"+tc.at, func(t *testing.T) {
			if got := Groups(tc.code, day(tc.at)); !slices.Equal(got, tc.want) {
				t.Errorf("Groups = %v, want %v", got, tc.want)
			}
		})
	}

	g := DefaultGroups()
	counts := []struct {
		group, at string
		n         int
	}{
		{"LDC", "2024-12-01", 45},
		{"LDC", "2025-01-01", 44},
		{"LDC", "2026-11-26", 41},
		{"LLDC", "2026-11-26", 32},
		{"SIDS", "2026-11-26", 53},
	}
	for _, tc := range counts {
		if got := g.Members(tc.group, day(tc.at)); len(got) != tc.n {
			t.Errorf("%s on %s: %d members, want %d", tc.group, tc.at, len(got), tc.n)
		}
	}
	if n := len(g.Memberships()); n != 130 {
		t.Errorf("%d membership rows, want 130", n)
	}
}

func TestParseGroups(t *testing.T) {
	good := "\ufeff# membership as decided\ncountry,group,from,until,source\n" +
		"KE,LDC,2030-01-01,,test\n" +
		"BD,LDC,,2026-11-24,UNGA 76/8\n" +
		"\"BD\", LLDC ,2020-01-01,2021-01-01,\"a, b\"\n"
	tbl, err := ParseGroups(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := tbl.Groups("KE", day("2030-01-01")); !slices.Equal(got, []string{"LDC"}) {
		t.Errorf("KE in 2030 = %v", got)
	}
	if got := tbl.Groups("KE", day("2029-12-31")); got != nil {
		t.Errorf("KE in 2029 = %v", got)
	}
	if got := tbl.Groups("BD", day("2020-06-01")); !slices.Equal(got, []string{"LDC", "LLDC"}) {
		t.Errorf("BD in 2020 = %v", got)
	}
	if ms := tbl.Memberships(); len(ms) != 3 || ms[2].Source != "a, b" || ms[2].Group != "LLDC" {
		t.Errorf("Memberships = %+v", ms)
	}

	bad := []struct{ name, in, msg string }{
		{"empty", "", "header"},
		{"wrong header", "code,group,from,until,source\n", "header"},
		{"unknown country", "country,group,from,until,source\nXX,LDC,,,s\n", `line 2: unknown country code "XX"`},
		{"lower-case country", "country,group,from,until,source\nke,LDC,,,s\n", "unknown country"},
		{"unknown group", "country,group,from,until,source\nKE,G77,,,s\n", `unknown group "G77"`},
		{"bad date", "country,group,from,until,source\nKE,LDC,2026-13-01,,s\n", "bad date"},
		{"short date", "country,group,from,until,source\nKE,LDC,2026-1-1,,s\n", "bad date"},
		{"until before from", "country,group,from,until,source\nKE,LDC,2026-01-01,2025-01-01,s\n", "not after"},
		{"until equals from", "country,group,from,until,source\nKE,LDC,2026-01-01,2026-01-01,s\n", "not after"},
		{"missing field", "country,group,from,until,source\nKE,LDC,,\n", "wrong number of fields"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGroups(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want one mentioning %q", err, tc.msg)
			}
		})
	}
}

func TestEmbeddedFilesParse(t *testing.T) {
	if _, err := parseCountries(bytes.NewReader(countriesCSV)); err != nil {
		t.Errorf("countries.csv: %v", err)
	}
	if _, err := ParseGroups(bytes.NewReader(countryGroupsCSV)); err != nil {
		t.Errorf("country_groups.csv: %v", err)
	}
	if _, err := parseCountries(strings.NewReader("code,m49\nKE,404\n")); err == nil {
		t.Error("parseCountries accepted a wrong header")
	}
	dup := "code,m49,region,subregion,intermediate_region,ar,zh,en,fr,ru,es\n" +
		"KE,404,002,202,014,a,b,c,d,e,f\nKE,404,002,202,014,a,b,c,d,e,f\n"
	if _, err := parseCountries(strings.NewReader(dup)); err == nil {
		t.Error("parseCountries accepted a repeated code")
	}
}

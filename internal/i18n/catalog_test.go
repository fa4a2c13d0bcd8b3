package i18n

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"
	"text/template/parse"
	"time"
	"unicode"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

func mustNew(t *testing.T) *Catalog {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func TestLangs(t *testing.T) {
	if !slices.Equal(Langs, supported[:]) {
		t.Fatalf("Langs = %v, want %v", Langs, supported)
	}
	want := map[string]string{
		"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español",
		"pt": "português", "sw": "Kiswahili", "not a code": "not a code",
	}
	for code, name := range want {
		t.Run(code, func(t *testing.T) {
			if got := LangName(code); got != name {
				t.Errorf("LangName(%q) = %q, want %q", code, got, name)
			}
		})
	}
}

// TestCataloguesValid parses every embedded catalogue with the strict
// parser: valid JSON and UTF-8, no repeated key, only CLDR plural
// categories, every text a valid template.
func TestCataloguesValid(t *testing.T) {
	for _, lang := range supported {
		t.Run(lang, func(t *testing.T) {
			paths, _ := fs.Glob(localeFS, "locales/*/"+lang+".json")
			for _, p := range append([]string{"locales/" + lang + ".json"}, paths...) {
				data, err := localeFS.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				msgs, err := parseCatalogue(data)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				if len(msgs) == 0 {
					t.Fatalf("%s: empty catalogue", p)
				}
			}
		})
	}
	mustNew(t)
}

// TestArabicComplete is the rule that English and Arabic ship together:
// any key used in English must exist in Arabic.
func TestArabicComplete(t *testing.T) {
	c := mustNew(t)
	var missing []string
	for _, key := range sortedKeys(c.messages[sourceLang]) {
		if c.lookup("ar", key) == nil {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d English keys missing in ar.json:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestNoOrphanKeys: English is the source, so a key that exists only in a
// translation is a typo or a leftover.
func TestNoOrphanKeys(t *testing.T) {
	c := mustNew(t)
	for _, lang := range supported {
		t.Run(lang, func(t *testing.T) {
			for _, key := range sortedKeys(c.messages[lang]) {
				if c.lookup(sourceLang, key) == nil {
					t.Errorf("key %q is not in en.json", key)
				}
			}
		})
	}
}

// TestFallbackLanguagesMinimum: languages that still fall back to English
// must at least name the languages, label the switcher and explain the
// fallback in their own words.
func TestFallbackLanguagesMinimum(t *testing.T) {
	c := mustNew(t)
	keys := []string{"nav.language", "lang.fallback_notice"}
	for _, l := range supported {
		keys = append(keys, "lang."+l)
	}
	for _, lang := range supported {
		t.Run(lang, func(t *testing.T) {
			L := c.Localizer(lang)
			for _, key := range keys {
				if !L.Translated(key) {
					t.Errorf("%s has no translation of %q", lang, key)
				}
			}
		})
	}
}

// TestArabicIsArabic catches English text pasted into ar.json: every Arabic
// text must contain Arabic script and differ from the English, except the
// few that are the same in every language.
func TestArabicIsArabic(t *testing.T) {
	same := map[string]bool{"site.name": true, "form.field_error": true}
	c := mustNew(t)
	for _, key := range sortedKeys(c.messages["ar"]) {
		ar, en := c.lookup("ar", key), c.lookup(sourceLang, key)
		if same[key] {
			continue
		}
		for form, s := range messageForms(ar) {
			if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
				t.Errorf("%s [%s]: no Arabic script in %q", key, form, s)
			}
			if en != nil && s == en.Other {
				t.Errorf("%s [%s]: same as English", key, form)
			}
		}
	}
}

// placeholders returns the top-level fields ({{.Name}}) a template uses.
func placeholders(t *testing.T, src string) map[string]bool {
	t.Helper()
	tmpl, err := template.New("m").Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	out := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case nil:
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			out[n.Ident[0]] = true
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	if tmpl.Tree != nil {
		walk(tmpl.Tree.Root)
	}
	return out
}

func setString(m map[string]bool) string {
	return "{" + strings.Join(sortedKeys(m), ", ") + "}"
}

// TestPlaceholdersMatchEnglish: a translation must use the placeholders of
// its English source. A plain message must use exactly the same ones; in a
// plural message a form may spell the number out instead of using it
// ("دقيقة واحدة"), so the union over the forms must equal English's and no
// form may use one English does not have.
func TestPlaceholdersMatchEnglish(t *testing.T) {
	c := mustNew(t)
	for _, lang := range supported {
		if lang == sourceLang {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			for _, key := range sortedKeys(c.messages[lang]) {
				en := c.lookup(sourceLang, key)
				if en == nil {
					continue // reported by TestNoOrphanKeys
				}
				want := map[string]bool{}
				for _, s := range messageForms(en) {
					maps.Copy(want, placeholders(t, s))
				}
				tr := c.lookup(lang, key)
				union := map[string]bool{}
				for form, s := range messageForms(tr) {
					got := placeholders(t, s)
					maps.Copy(union, got)
					if !isPlural(tr) && !maps.Equal(got, want) {
						t.Errorf("%s: placeholders %s, English has %s", key, setString(got), setString(want))
					}
					for p := range got {
						if !want[p] {
							t.Errorf("%s [%s]: placeholder %s is not in English", key, form, p)
						}
					}
				}
				if isPlural(tr) && !maps.Equal(union, want) {
					t.Errorf("%s: placeholders %s, English has %s", key, setString(union), setString(want))
				}
			}
		})
	}
}

// requiredForms returns the plural categories go-i18n's rules select for a
// language, found by asking go-i18n itself, through its public API, to
// choose a form for many numbers: integers, decimals and compact
// exponents. The answer therefore follows whatever CLDR version go-i18n
// ships, and cannot drift from what users see.
func requiredForms(t *testing.T, lang string) map[string]bool {
	t.Helper()
	b := goi18n.NewBundle(language.English)
	probe := &goi18n.Message{ID: "probe", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	if err := b.AddMessages(language.Make(lang), probe); err != nil {
		t.Fatal(err)
	}
	loc := goi18n.NewLocalizer(b, lang)
	samples := []any{1_000_000, 2_000_000, 1_000_001}
	for n := 0; n <= 1000; n++ {
		samples = append(samples, n)
	}
	for _, s := range []string{"0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.5", "10.5", "11.5", "21.5", "100.5", "1000.5", "1e3", "1e6", "1.5e6", "2e6"} {
		samples = append(samples, s)
	}
	forms := map[string]bool{}
	for _, n := range samples {
		s, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "probe", PluralCount: n})
		if err != nil {
			t.Fatalf("%s: plural form of %v: %v", lang, n, err)
		}
		forms[s] = true
	}
	return forms
}

// TestPluralProbe checks the probe against a fact that has held in every
// CLDR version: Arabic distinguishes six categories, Chinese one.
func TestPluralProbe(t *testing.T) {
	if got := requiredForms(t, "ar"); len(got) != 6 {
		t.Errorf("ar: probe found %s, want all six categories", setString(got))
	}
	if got := requiredForms(t, "zh"); !maps.Equal(got, map[string]bool{"other": true}) {
		t.Errorf("zh: probe found %s, want {other}", setString(got))
	}
}

// TestPluralForms: every plural message in every catalogue has exactly the
// plural categories its language needs; a message is plural in a
// translation only if it is plural in English (callers must know to pass a
// count); and Arabic, which must be complete, has every plural key.
func TestPluralForms(t *testing.T) {
	c := mustNew(t)
	for _, lang := range supported {
		t.Run(lang, func(t *testing.T) {
			need := requiredForms(t, lang)
			for _, key := range sortedKeys(c.messages[lang]) {
				m := c.lookup(lang, key)
				en := c.lookup(sourceLang, key)
				if en == nil {
					continue // reported by TestNoOrphanKeys
				}
				have := map[string]bool{}
				for form := range messageForms(m) {
					have[form] = true
				}
				if !isPlural(en) && !isPlural(m) {
					continue
				}
				if !isPlural(en) {
					t.Errorf("%s: plural here but not in English", key)
				}
				if !maps.Equal(have, need) {
					t.Errorf("%s: has forms %s, %s needs %s", key, setString(have), lang, setString(need))
				}
			}
		})
	}
}

// TestVocabularyLabels: every code of the controlled vocabularies has a
// label. The codes are the public contract (JSON, CSV, URLs), listed here
// as such.
func TestVocabularyLabels(t *testing.T) {
	vocab := map[string][]string{
		"wsis":       {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11"},
		"sector":     strings.Split("ABCDEFGHIJKLMNOPQRSTU", ""),
		"technology": {"connectivity", "cloud", "web_social", "ecommerce", "payments", "egov", "erp", "crm", "supply_chain", "collaboration", "analytics", "ai", "iot", "automation", "digital_twin", "cad_3d", "ar_vr", "blockchain", "cybersecurity", "skills", "other"},
		"size":       {"micro", "small", "medium", "programme"},
		"orgtype":    {"sme", "large_enterprise", "solution_provider", "government", "international_organisation", "civil_society", "academia", "technical_community", "other"},
		"scope":      {"local", "national", "multi_country", "global"},
		"status":     {"completed", "phase_completed", "ongoing"},
		"cost":       {"lt_10k", "10k_100k", "100k_1m", "gt_1m"},
		"funding":    {"own", "public", "private_investment", "donor", "loan", "other"},
		"licence":    {"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0"},
		"source":     {"author", "secretariat", "machine"},
		"region":     {"002", "019", "142", "150", "009"},
		"subregion":  {"015", "202", "419", "021", "143", "030", "035", "034", "145", "151", "154", "039", "155", "053", "054", "057", "061"},
		"group":      {"LDC", "LLDC", "SIDS"},
		"sdg":        nil,
	}
	for g := 1; g <= 17; g++ {
		vocab["sdg"] = append(vocab["sdg"], fmt.Sprint(g))
	}
	c := mustNew(t)
	for _, name := range sortedKeys(vocab) {
		t.Run(name, func(t *testing.T) {
			for _, code := range vocab[name] {
				key := "vocab." + name + "." + code
				for _, lang := range []string{"en", "ar"} {
					if c.lookup(lang, key) == nil {
						t.Errorf("%s: no %s label", key, lang)
					}
				}
			}
		})
	}
}

// TestZoneKeys: every "zone.<name>" key names a real IANA time zone, or
// ZoneName could never find it.
func TestZoneKeys(t *testing.T) {
	c := mustNew(t)
	for _, key := range sortedKeys(c.messages[sourceLang]) {
		name, ok := strings.CutPrefix(key, "zone.")
		if !ok {
			continue
		}
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
}

func TestParseCatalogueRejects(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"invalid JSON", `{"a.b": "x",}`, "invalid JSON"},
		{"not an object", `["a.b"]`, "want a JSON object"},
		{"trailing data", `{"a.b": "x"} {}`, "data after the object"},
		{"invalid UTF-8", "{\"a.b\": \"\xff\"}", "UTF-8"},
		{"repeated key", `{"a.b": "x", "a.b": "y"}`, "appears twice"},
		{"key without area", `{"home": "x"}`, "area.name"},
		{"key with space", `{"a. b": "x"}`, "white space"},
		{"number value", `{"a.b": 3}`, "want a string or an object"},
		{"empty text", `{"a.b": " "}`, "empty text"},
		{"unknown plural category", `{"a.b": {"one": "x", "plural": "y", "other": "z"}}`, "not a CLDR plural category"},
		{"plural without other", `{"a.b": {"one": "x"}}`, "needs the form \"other\""},
		{"plural form not a string", `{"a.b": {"one": 1, "other": "z"}}`, "want a string"},
		{"broken template", `{"a.b": "Hello {{.Name"}`, "a.b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCatalogue([]byte(tt.data))
			if err == nil {
				t.Fatalf("parseCatalogue(%q) succeeded", tt.data)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestLoadFailsWithoutALanguage(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, l := range supported {
		if l != "ru" {
			fsys["l/"+l+".json"] = &fstest.MapFile{Data: []byte(`{"a.b": "x"}`)}
		}
	}
	if _, err := load(fsys, "l"); err == nil || !strings.Contains(err.Error(), "ru.json") {
		t.Fatalf("load without ru.json: err = %v", err)
	}
}

// TestAreaCataloguesMerge: locales/<area>/<lang>.json files add keys, and
// a key defined in two files is refused.
func TestAreaCataloguesMerge(t *testing.T) {
	build := func(area string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for _, l := range supported {
			fsys["l/"+l+".json"] = &fstest.MapFile{Data: []byte(`{"a.b": "x"}`)}
			fsys["l/review/"+l+".json"] = &fstest.MapFile{Data: []byte(area)}
		}
		return fsys
	}
	c, err := load(build(`{"review.title": "Review"}`), "l")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Localizer("ar").T("review.title"); got != "Review" {
		t.Errorf("area key = %q", got)
	}
	if _, err := load(build(`{"a.b": "again"}`), "l"); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("duplicate across files: err = %v", err)
	}
}

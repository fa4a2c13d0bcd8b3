package browsertest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// The interface of a page in another language must hold no English: no
// text of the English catalogue that the page's language words
// differently, and no run of words only English uses. What readers wrote
// is left out: the site marks it with the language it is in (lang) or,
// when that is unknown, with dir="auto".

// localesDir is the message catalogues, from this package's directory.
const localesDir = "../i18n/locales"

// uiTextJS collects the interface's words on the page: its text, and the
// attributes people hear or see (title, aria-label, alt, placeholder, the
// value of a button), except in parts marked with a language of their
// own (content, such as a case's texts, even in the page's language) or
// as text a person wrote.
const uiTextJS = `(() => {
	const skip = el => {
		if (!el) return false;
		if (el.closest("script, style, noscript, template, [dir=auto]")) return true;
		const marked = el.closest("[lang]");
		return marked !== null && marked !== document.documentElement;
	};
	// The <title> is left out: it repeats the <h1>, which is checked with
	// its marking (a case's title is the applicant's words).
	const out = [];
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const s = n.nodeValue.replace(/\s+/g, " ").trim();
		if (s && !skip(n.parentElement)) out.push(s);
	}
	for (const el of document.querySelectorAll("[title], [aria-label], [alt], [placeholder], input[type=submit][value], input[type=button][value]")) {
		if (skip(el)) continue;
		for (const a of ["title", "aria-label", "alt", "placeholder", "value"]) {
			if (a === "value" && el.tagName !== "INPUT") continue;
			const v = (el.getAttribute(a) || "").replace(/\s+/g, " ").trim();
			if (v) out.push(v);
		}
	}
	return out;
})()`

// englishDetector finds English in the interface of a page in one
// language.
type englishDetector struct {
	phrases []string        // fragments of English texts of two words or more, longest first
	singles map[string]bool // one-word English texts
	only    map[string]bool // words (lower case) of the English texts that the language's texts never use
	run     int             // how many such words in a row are English
}

var (
	detectorsOnce sync.Once
	detectors     map[string]*englishDetector
	detectorsErr  error
)

// englishDetectors builds a detector per language from the catalogues.
func englishDetectors(t testing.TB) map[string]*englishDetector {
	t.Helper()
	detectorsOnce.Do(func() {
		texts := map[string][]string{}
		for _, lang := range langs {
			texts[lang], detectorsErr = catalogueTexts(lang)
			if detectorsErr != nil {
				return
			}
		}
		detectors = map[string]*englishDetector{}
		for _, lang := range langs {
			if lang != "en" {
				detectors[lang] = newEnglishDetector(lang, texts["en"], texts[lang])
			}
		}
	})
	if detectorsErr != nil {
		t.Fatalf("catalogues: %v", detectorsErr)
	}
	return detectors
}

// catalogueTexts reads every text of a language: the main catalogue and
// the areas' (each plural form is a text).
func catalogueTexts(lang string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(localesDir, "*", lang+".json"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range append([]string{filepath.Join(localesDir, lang+".json")}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		for _, raw := range m {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				out = append(out, s)
				continue
			}
			var forms map[string]string
			if err := json.Unmarshal(raw, &forms); err != nil {
				return nil, err
			}
			for _, s := range forms {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

var (
	placeholderRE = regexp.MustCompile(`\{\{[^}]*\}\}`)
	latinWordRE   = regexp.MustCompile(`[A-Za-z]+(?:['’][A-Za-z]+)?`)
)

func newEnglishDetector(lang string, en, local []string) *englishDetector {
	d := &englishDetector{singles: map[string]bool{}, only: map[string]bool{}, run: 3}
	if lang == "ru" || lang == "zh" || lang == "ar" {
		d.run = 2 // in another script, two English words in a row are enough
	}
	all := strings.Join(local, "\n")
	localWords := map[string]bool{}
	for _, w := range latinWordRE.FindAllString(placeholderRE.ReplaceAllString(all, " "), -1) {
		localWords[strings.ToLower(w)] = true
	}
	localTexts := map[string]bool{}
	for _, s := range local {
		localTexts[strings.TrimSpace(s)] = true
	}
	seen := map[string]bool{}
	for _, s := range en {
		for _, frag := range placeholderRE.Split(s, -1) {
			frag = strings.Join(strings.Fields(frag), " ")
			words := latinWordRE.FindAllString(frag, -1)
			for _, w := range words {
				if lw := strings.ToLower(w); len(lw) >= 3 && !localWords[lw] {
					d.only[lw] = true
				}
			}
			frag = strings.Trim(frag, " .,:;()“”\"'")
			switch {
			case len(words) >= 2 && !seen[frag] && !strings.Contains(all, frag):
				seen[frag] = true
				d.phrases = append(d.phrases, frag)
			case len(words) == 1 && frag == words[0] && len(frag) >= 3 && !placeholderRE.MatchString(s) && !localTexts[frag]:
				d.singles[frag] = true
			}
		}
	}
	slices.SortFunc(d.phrases, func(a, b string) int { return len(b) - len(a) })
	return d
}

// find returns what in text is English, or "".
func (d *englishDetector) find(text string) string {
	if d.singles[text] {
		return text
	}
	for _, p := range d.phrases {
		if i := strings.Index(text, p); i >= 0 && wordEdge(text, i, i+len(p)) {
			return p
		}
	}
	// A run of words only English uses.
	words := latinWordRE.FindAllStringIndex(text, -1)
	start, n := 0, 0
	for i, w := range words {
		lw := strings.ToLower(text[w[0]:w[1]])
		gap := i > 0 && strings.TrimSpace(text[words[i-1][1]:w[0]]) != ""
		if !d.only[lw] || gap {
			n = 0
		}
		if d.only[lw] {
			if n == 0 {
				start = w[0]
			}
			n++
			if n >= d.run {
				return text[start:w[1]]
			}
		}
	}
	return ""
}

// wordEdge reports whether text[i:j] starts and ends at word boundaries.
func wordEdge(text string, i, j int) bool {
	letter := func(s string, last bool) bool {
		if s == "" {
			return false
		}
		r := []rune(s)
		c := r[0]
		if last {
			c = r[len(r)-1]
		}
		return unicode.IsLetter(c) || unicode.IsDigit(c)
	}
	return !letter(text[:i], true) && !letter(text[j:], false)
}

// checkNoEnglish fails t for each piece of English in the interface of
// the tab's page, whose language is lang.
func checkNoEnglish(t *testing.T, tb *Tab, lang string) {
	t.Helper()
	if lang == "en" {
		return
	}
	d := englishDetectors(t)[lang]
	found := map[string]bool{}
	for _, s := range Eval[[]string](t, tb, uiTextJS) {
		if e := d.find(s); e != "" && !found[e] {
			found[e] = true
			t.Errorf("%s: English in the %s page: %q (in %q)", tb.Path(t), lang, e, s)
		}
	}
}

// TestEnglishDetector: the detector finds English interface texts and
// runs of English words, and leaves alone the words a language shares
// with English and text in other scripts.
func TestEnglishDetector(t *testing.T) {
	ds := englishDetectors(t)
	for _, c := range []struct {
		lang, text, want string
	}{
		{"fr", "Enregistrer le brouillon", ""},
		{"fr", "Save draft", "Save draft"},
		{"fr", "Organisation", ""},               // the same word in French
		{"fr", "Impact et résultats", ""},        // a shared word in a French phrase
		{"fr", "Kisumu Tailors Cooperative", ""}, // a name, not catalogue English
		{"es", "Sector", ""},
		{"es", "Guardar borrador · Submit the case", "Submit the case"},
		{"ru", "Сохранить черновик", ""},
		{"ru", "Отправлено: the case", "the case"},
		{"ru", "secretariat@demo.dxatlas.org", ""}, // an address is not a run of words
		{"zh", "保存草稿", ""},
		{"zh", "案例 DX-2026-0001", ""},
		{"ar", "حفظ المسودة", ""},
		{"ar", "تم الحفظ for the call", "for the call"},
	} {
		if got := ds[c.lang].find(c.text); got != c.want {
			t.Errorf("%s %q: found %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

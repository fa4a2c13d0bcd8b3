package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// testCatalog builds a small catalogue through the same loader as New, so
// that fallback behaviour is tested independently of the real texts.
func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	files := map[string]string{
		"en": `{
			"t.hello": "Hello {{.Name}}",
			"t.only_en": "Only English",
			"t.items": {"one": "{{.Count}} item", "other": "{{.Count}} items"},
			"t.broken_fr": "Fine {{.Name}}",
			"t.plain": "Plain"
		}`,
		"fr": `{
			"t.hello": "Bonjour {{.Name}}",
			"t.items": {"one": "{{.Count}} élément", "many": "{{.Count}} d'éléments", "other": "{{.Count}} éléments"},
			"t.broken_fr": "{{.Name.Missing}}"
		}`,
		"ar": `{
			"t.hello": "مرحبًا {{.Name}}",
			"t.items": {"zero": "لا عناصر", "one": "عنصر واحد", "two": "عنصران", "few": "{{.Count}} عناصر", "many": "{{.Count}} عنصرًا", "other": "{{.Count}} عنصر"}
		}`,
	}
	fsys := fstest.MapFS{}
	for _, l := range supported {
		data, ok := files[l]
		if !ok {
			data = "{}"
		}
		fsys["l/"+l+".json"] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := load(fsys, "l")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c
}

type countData struct {
	Count int
	Name  string
}

func TestT(t *testing.T) {
	c := testCatalog(t)
	name := map[string]any{"Name": "Ana"}
	tests := []struct {
		lang, key string
		data      any
		want      string
	}{
		{"en", "t.hello", name, "Hello Ana"},
		{"fr", "t.hello", name, "Bonjour Ana"},
		{"ar", "t.hello", name, "مرحبًا Ana"},
		{"zh", "t.hello", name, "Hello Ana"},                   // no Chinese text: English
		{"fr", "t.only_en", nil, "Only English"},               // missing in French: English
		{"fr", "t.missing", nil, "t.missing"},                  // missing everywhere: the key
		{"en", "t.missing", name, "t.missing"},                 // missing in English too
		{"fr", "t.broken_fr", name, "Fine Ana"},                // French text fails to render: English
		{"en", "t.hello", nil, "Hello <no value>"},             // forgotten data shows, never panics
		{"en", "t.plain", map[string]any{"Count": 2}, "Plain"}, // a count on a plain text is harmless
		{"en", "t.items", map[string]any{"Count": 1}, "1 item"},
		{"en", "t.items", map[string]any{"Count": 0}, "0 items"},
		{"fr", "t.items", map[string]any{"Count": 0}, "0 élément"},
		{"fr", "t.items", map[string]any{"Count": 1_000_000}, "1000000 d'éléments"},
		{"ar", "t.items", map[string]any{"Count": 0}, "لا عناصر"},
		{"ar", "t.items", map[string]any{"Count": 1}, "عنصر واحد"},
		{"ar", "t.items", map[string]any{"Count": 2}, "عنصران"},
		{"ar", "t.items", map[string]any{"Count": 3}, "3 عناصر"},
		{"ar", "t.items", map[string]any{"Count": 11}, "11 عنصرًا"},
		{"ar", "t.items", map[string]any{"Count": 100}, "100 عنصر"},
		{"ar", "t.items", map[string]any{"Count": int64(103)}, "103 عناصر"},
		{"ar", "t.items", map[string]int{"Count": 2}, "عنصران"},
		{"ar", "t.items", countData{Count: 2}, "عنصران"},
		{"ar", "t.items", &countData{Count: 11}, "11 عنصرًا"},
		{"zh", "t.items", map[string]any{"Count": 1}, "1 item"}, // English text, English plural rule
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v", tt.lang, tt.key, tt.data), func(t *testing.T) {
			L := c.Localizer(tt.lang)
			var got string
			if tt.data == nil {
				got = L.T(tt.key)
			} else {
				got = L.T(tt.key, tt.data)
			}
			if got != tt.want {
				t.Errorf("T(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestTn(t *testing.T) {
	c := testCatalog(t)
	tests := []struct {
		lang string
		n    int
		data map[string]any
		want string
	}{
		{"en", 1, nil, "1 item"},
		{"en", 5, nil, "5 items"},
		{"ar", 2, nil, "عنصران"},
		{"ar", 7, map[string]any{"Name": "x"}, "7 عناصر"},
		{"ar", 12, map[string]any{"Count": "twelve"}, "twelve عنصرًا"}, // data's Count wins in the text, n chooses the form
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.lang, tt.n), func(t *testing.T) {
			for range 2 { // the second from the memo, when data is strings
				if got := c.Localizer(tt.lang).Tn("t.items", tt.n, tt.data); got != tt.want {
					t.Errorf("Tn = %q, want %q", got, tt.want)
				}
			}
		})
	}
	// Tn must not change the caller's map.
	data := map[string]any{"Name": "x"}
	c.Localizer("en").Tn("t.items", 3, data)
	if _, ok := data["Count"]; ok {
		t.Error("Tn added Count to the caller's map")
	}
}

// TestTnMemo: the texts Tn keeps are told apart by every value of their
// data, and no more are kept than maxCounted.
func TestTnMemo(t *testing.T) {
	L := testCatalog(t).Localizer("en")
	for _, tt := range []struct {
		n    int
		data map[string]any
		want string
	}{
		{3, map[string]any{"Count": "three"}, "three items"},
		{3, map[string]any{"Count": "THREE"}, "THREE items"},
		{3, map[string]any{"Count": "three", "Name": "x"}, "three items"},
		{3, map[string]any{"Count": "three\"\"Name\"\"x"}, "three\"\"Name\"\"x items"},
		{3, nil, "3 items"},
		{1, map[string]any{"Count": "three"}, "three item"},
	} {
		if got := L.Tn("t.items", tt.n, tt.data); got != tt.want {
			t.Errorf("Tn(%d, %v) = %q, want %q", tt.n, tt.data, got, tt.want)
		}
	}
	for i := range maxCounted + 10 {
		n := strconv.Itoa(i)
		if got := L.Tn("t.items", 5, map[string]any{"Count": n}); got != n+" items" {
			t.Fatalf("Tn(5, %s) = %q", n, got)
		}
	}
	kept := 0
	L.counted.Range(func(any, any) bool { kept++; return true })
	if kept != maxCounted {
		t.Errorf("%d texts kept, want %d", kept, maxCounted)
	}
}

func TestHasAndTranslated(t *testing.T) {
	c := testCatalog(t)
	tests := []struct {
		lang, key       string
		has, translated bool
	}{
		{"fr", "t.hello", true, true},
		{"fr", "t.only_en", true, false},
		{"fr", "t.missing", false, false},
		{"en", "t.only_en", true, true},
		{"ar", "t.items", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key, func(t *testing.T) {
			L := c.Localizer(tt.lang)
			if got := L.Has(tt.key); got != tt.has {
				t.Errorf("Has = %v, want %v", got, tt.has)
			}
			if got := L.Translated(tt.key); got != tt.translated {
				t.Errorf("Translated = %v, want %v", got, tt.translated)
			}
		})
	}
}

func TestLocalizerChoice(t *testing.T) {
	c := mustNew(t)
	tests := []struct{ in, lang, dir string }{
		{"ar", "ar", "rtl"},
		{"AR", "ar", "rtl"},
		{"ar-EG", "ar", "rtl"},
		{"zh-Hant-TW", "zh", "ltr"},
		{"fr", "fr", "ltr"},
		{"ru", "ru", "ltr"},
		{"es-419", "es", "ltr"},
		{"en", "en", "ltr"},
		{"pt", "en", "ltr"},
		{"", "en", "ltr"},
		{"not a language", "en", "ltr"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			L := c.Localizer(tt.in)
			if L.Lang() != tt.lang || L.Dir() != tt.dir {
				t.Errorf("Localizer(%q): lang %q dir %q, want %q %q", tt.in, L.Lang(), L.Dir(), tt.lang, tt.dir)
			}
		})
	}
}

// TestRealTexts checks a few texts of the shipped catalogues as the other
// packages call them.
func TestRealTexts(t *testing.T) {
	c := mustNew(t)
	throttled := func(m int) map[string]any { return map[string]any{"Count": m, "Minutes": m} }
	tests := []struct {
		lang, key string
		data      map[string]any
		want      string
	}{
		{"en", "account.err.throttled", throttled(1), "Too many attempts; try again in 1 minute."},
		{"en", "account.err.throttled", throttled(15), "Too many attempts; try again in 15 minutes."},
		{"ar", "account.err.throttled", throttled(1), "تجاوز عدد المحاولات الحد المسموح به؛ يُرجى إعادة المحاولة بعد دقيقة واحدة."},
		{"ar", "account.err.throttled", throttled(2), "تجاوز عدد المحاولات الحد المسموح به؛ يُرجى إعادة المحاولة بعد دقيقتين."},
		{"ar", "account.err.throttled", throttled(5), "تجاوز عدد المحاولات الحد المسموح به؛ يُرجى إعادة المحاولة بعد 5 دقائق."},
		{"ar", "account.err.throttled", throttled(15), "تجاوز عدد المحاولات الحد المسموح به؛ يُرجى إعادة المحاولة بعد 15 دقيقة."},
		{"en", "case.errors.title", map[string]any{"Count": 1}, "There is a problem"},
		{"en", "case.errors.title", map[string]any{"Count": 3}, "There are 3 problems"},
		{"ar", "case.errors.title", map[string]any{"Count": 4}, "توجد 4 مشكلات"},
		{"ru", "call.days_left", map[string]any{"Count": 21}, "Остался 21 день"},
		{"ru", "call.days_left", map[string]any{"Count": 3}, "Осталось 3 дня"},
		{"ru", "call.days_left", map[string]any{"Count": 11}, "Осталось 11 дней"},
		{"fr", "call.closes", map[string]any{"Date": "30 juin 2026 à 23:59 CEST", "Zone": "Genève"}, "Clôture le 30 juin 2026 à 23:59 CEST (heure de Genève)"},
		{"fr", "case.action.save_draft", nil, "Enregistrer le brouillon"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%v", tt.lang, tt.key, tt.data["Count"]), func(t *testing.T) {
			if got := c.Localizer(tt.lang).T(tt.key, tt.data); got != tt.want {
				t.Errorf("T = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLanguageName(t *testing.T) {
	c := mustNew(t)
	tests := []struct{ lang, code, want string }{
		{"en", "ar", "Arabic"},
		{"ar", "ar", "العربية"},
		{"ar", "en", "الإنكليزية"},
		{"fr", "zh", "chinois"},
		{"en", "pt", "Portuguese"},
		{"ar", "pt", "البرتغالية"},
		{"zh", "sw", "斯瓦希里语"},
		{"en", "pt-BR", "Brazilian Portuguese"},
		{"en", "!!", "!!"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.code, func(t *testing.T) {
			if got := c.Localizer(tt.lang).LanguageName(tt.code); got != tt.want {
				t.Errorf("LanguageName(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestZoneName(t *testing.T) {
	c := mustNew(t)
	tests := []struct{ lang, zone, want string }{
		{"en", "Europe/Zurich", "Geneva"}, // the UN duty station in that zone
		{"ar", "Europe/Zurich", "جنيف"},
		{"zh", "Asia/Bangkok", "曼谷"},
		{"ru", "America/New_York", "Нью-Йорк"},
		{"en", "America/Port_of_Spain", "Port of Spain"},
		{"fr", "Asia/Tokyo", "Tokyo"},
		{"en", "", "UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.zone, func(t *testing.T) {
			var loc *time.Location
			if tt.zone != "" {
				var err error
				if loc, err = time.LoadLocation(tt.zone); err != nil {
					t.Fatal(err)
				}
			}
			if got := c.Localizer(tt.lang).ZoneName(loc); got != tt.want {
				t.Errorf("ZoneName = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConcurrentUse runs localizers from many goroutines; with -race it
// proves that a Catalog and its localizers can be shared by all requests.
func TestConcurrentUse(t *testing.T) {
	c := mustNew(t)
	when := time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			L := c.Localizer(supported[i%len(supported)])
			for n := range 50 {
				s := L.Tn("case.errors.title", n, nil) + L.T("nav.home") + L.FormatDateTime(when, nil) + L.FormatNumber(float64(n)*1.5, 1)
				if strings.Contains(s, "case.errors.title") {
					t.Errorf("%s: missing text", L.Lang())
					return
				}
			}
		})
	}
	wg.Wait()
}

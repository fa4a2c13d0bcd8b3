package i18n

import (
	"math"

	"golang.org/x/text/number"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests need the same zones on every machine
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestFormatDate(t *testing.T) {
	c := mustNew(t)
	geneva := mustZone(t, "Europe/Zurich")
	deadline := time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC) // 23:59 in Geneva
	first := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		when time.Time
		loc  *time.Location
		want string
	}{
		{"en", deadline, geneva, "30 June 2026"},
		{"fr", deadline, geneva, "30 juin 2026"},
		{"fr", first, geneva, "1er juillet 2026"},
		{"es", deadline, geneva, "30 de junio de 2026"},
		{"ru", deadline, geneva, "30 июня 2026\u00a0г."},
		{"zh", deadline, geneva, "2026年6月30日"},
		{"ar", deadline, geneva, "30 يونيه 2026"},
		{"ar", first, geneva, "1 يوليه 2026"},
		{"en", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), geneva, "1 July 2026"}, // the zone decides the day
		{"en", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), nil, "30 June 2026"},   // nil is UTC
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			if got := c.Localizer(tt.lang).FormatDate(tt.when, tt.loc); got != tt.want {
				t.Errorf("FormatDate = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatDateTime(t *testing.T) {
	c := mustNew(t)
	deadline := time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC)
	tests := []struct {
		lang, zone, want string
	}{
		{"en", "Europe/Zurich", "30 June 2026, 23:59 CEST"},
		{"fr", "Europe/Zurich", "30 juin 2026 à 23:59 CEST"},
		{"es", "Europe/Zurich", "30 de junio de 2026, 23:59 CEST"},
		{"ru", "Europe/Zurich", "30 июня 2026\u00a0г., 23:59 CEST"},
		{"zh", "Europe/Zurich", "2026年6月30日 23:59 CEST"},
		{"ar", "Europe/Zurich", "30 يونيه 2026، الساعة 23:59 CEST"},
		{"en", "UTC", "30 June 2026, 21:59 UTC"},
		{"en", "Africa/Nairobi", "1 July 2026, 00:59 EAT"},
		{"en", "Asia/Bangkok", "1 July 2026, 04:59 UTC+7"},
		{"en", "America/Sao_Paulo", "30 June 2026, 18:59 UTC-3"},
		{"en", "Asia/Kathmandu", "1 July 2026, 03:44 UTC+5:45"},
		{"zh", "Asia/Shanghai", "2026年7月1日 05:59 CST"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.zone, func(t *testing.T) {
			if got := c.Localizer(tt.lang).FormatDateTime(deadline, mustZone(t, tt.zone)); got != tt.want {
				t.Errorf("FormatDateTime = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := c.Localizer("en").FormatDateTime(deadline, nil), "30 June 2026, 21:59 UTC"; got != want {
		t.Errorf("FormatDateTime with nil zone = %q, want %q", got, want)
	}
}

func TestFormatMonth(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		lang  string
		month time.Month
		want  string
	}{
		{"en", time.February, "February 2023"},
		{"fr", time.February, "février 2023"},
		{"es", time.February, "febrero de 2023"},
		{"ru", time.February, "февраль 2023\u00a0г."},
		{"zh", time.February, "2023年2月"},
		{"ar", time.February, "فبراير 2023"},
		{"ar", time.June, "يونيه 2023"},
		{"en", 13, "2023-13"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			if got := c.Localizer(tt.lang).FormatMonth(2023, tt.month); got != tt.want {
				t.Errorf("FormatMonth = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		lang     string
		n        float64
		decimals int
		want     string
	}{
		{"en", 1234567.891, 2, "1,234,567.89"},
		{"zh", 1234567.891, 2, "1,234,567.89"},
		{"ar", 1234567.891, 2, "1,234,567.89"}, // Latin digits, deliberately
		{"fr", 1234567.891, 2, "1\u00a0234\u00a0567,89"},
		{"ru", 1234567.891, 2, "1\u00a0234\u00a0567,89"},
		{"es", 1234567.891, 2, "1.234.567,89"},
		{"es", 1234.5, 2, "1234,50"}, // Spanish groups from five digits
		{"es", 12345.5, 1, "12.345,5"},
		{"es", -1234.5, 1, "-1234,5"},
		{"es", 9999.996, 2, "10.000,00"}, // grouped after rounding
		{"en", 0.5, 3, "0.500"},
		{"en", 2.5, 0, "3"}, // halves away from zero
		{"en", -2.5, 0, "-3"},
		{"en", 0.125, 2, "0.13"},
		{"en", 2.75, -1, "3"}, // negative decimals count as none
		{"fr", -12345.5, 1, "-12\u00a0345,5"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			if got := c.Localizer(tt.lang).FormatNumber(tt.n, tt.decimals); got != tt.want {
				t.Errorf("FormatNumber(%v, %d) = %q, want %q", tt.n, tt.decimals, got, tt.want)
			}
		})
	}
}

func TestFormatInt(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 42, "42"},
		{"en", 1234567, "1,234,567"},
		{"ar", 1234567, "1,234,567"},
		{"zh", 1234567, "1,234,567"},
		{"fr", 1234567, "1\u00a0234\u00a0567"},
		{"ru", 1234, "1\u00a0234"},
		{"es", 1234, "1234"},
		{"es", 12345, "12.345"},
		{"en", math.MaxInt64, "9,223,372,036,854,775,807"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			if got := c.Localizer(tt.lang).FormatInt(tt.n); got != tt.want {
				t.Errorf("FormatInt(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

// TestArabicDigits: no Arabic-Indic digit in any Arabic number or date.
func TestArabicDigits(t *testing.T) {
	L := mustNew(t).Localizer("ar")
	out := L.FormatNumber(-9876543.21, 2) + L.FormatInt(1234567890) +
		L.FormatDateTime(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), nil) + L.FormatMonth(2026, time.December)
	if strings.ContainsAny(out, "٠١٢٣٤٥٦٧٨٩٫٬") {
		t.Errorf("Arabic-Indic digits or separators in %q", out)
	}
}

// TestFormatIntFastPath: the fast path of FormatInt writes exactly what
// the language's number printer writes, for every language and size.
func TestFormatIntFastPath(t *testing.T) {
	c := mustNew(t)
	for _, lang := range Langs {
		L := c.Localizer(lang)
		if L.group == "" {
			t.Errorf("%s: no fast path (group separator not found)", lang)
			continue
		}
		for _, n := range []int64{0, 7, 42, 999, 1000, 1234, 9999, 10000, 12345, 99999, 100000, 123456, 1000000, 7654321, 1 << 40, math.MaxInt64} {
			want := L.fixGrouping(L.printer.Sprint(number.Decimal(n)))
			if got := L.FormatInt(n); got != want {
				t.Errorf("%s: FormatInt(%d) = %q, printer %q", lang, n, got, want)
			}
		}
	}
}

// TestTypography: labels and lists are punctuated as each language writes
// them, by the package functions and the localizer alike; lists whose
// items hold commas take the language's semicolon; Chinese sets remarks
// in full-width parentheses.
func TestTypography(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		lang, label, list, semicolon, aside string
	}{
		{"en", "Call: ", ", ", "; ", "Call (2026)"},
		{"fr", "Call\u00a0: ", ", ", "\u202f; ", "Call (2026)"},
		{"es", "Call: ", ", ", "; ", "Call (2026)"},
		{"ru", "Call: ", ", ", "; ", "Call (2026)"},
		{"zh", "Call：", "、", "；", "Call（2026）"},
		{"ar", "Call: ", "، ", "؛ ", "Call (2026)"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			L := c.Localizer(tt.lang)
			if got := Labelled(tt.lang, "Call"); got != tt.label {
				t.Errorf("Labelled = %q, want %q", got, tt.label)
			}
			if got := L.Labelled("Call"); got != tt.label {
				t.Errorf("L.Labelled = %q, want %q", got, tt.label)
			}
			if got := ListSep(tt.lang); got != tt.list {
				t.Errorf("ListSep = %q, want %q", got, tt.list)
			}
			if got := L.ListSep(); got != tt.list {
				t.Errorf("L.ListSep = %q, want %q", got, tt.list)
			}
			if got := ListSemicolon(tt.lang); got != tt.semicolon {
				t.Errorf("ListSemicolon = %q, want %q", got, tt.semicolon)
			}
			if got := L.ListSemicolon(); got != tt.semicolon {
				t.Errorf("L.ListSemicolon = %q, want %q", got, tt.semicolon)
			}
			if got := Aside(tt.lang, "Call", "2026"); got != tt.aside {
				t.Errorf("Aside = %q, want %q", got, tt.aside)
			}
			if got := L.Aside("Call", "2026"); got != tt.aside {
				t.Errorf("L.Aside = %q, want %q", got, tt.aside)
			}
		})
	}
}

// TestTextDir: a text in a known language takes that language's
// direction, whatever its first letters; an unknown one is left to the
// browser.
func TestTextDir(t *testing.T) {
	for lang, want := range map[string]string{
		"ar": "rtl", "fa": "rtl", "he": "rtl", "ur": "rtl", "dv": "rtl", "ar-EG": "rtl", "ku-Arab": "rtl",
		"en": "ltr", "fr": "ltr", "zh": "ltr", "ru": "ltr", "es": "ltr", "sw": "ltr", "hi": "ltr", "pt-BR": "ltr", "az-Latn": "ltr",
		"": "auto", "not a tag": "auto",
	} {
		for range 2 { // the second time from the memo
			if got := TextDir(lang); got != want {
				t.Errorf("TextDir(%q) = %q, want %q", lang, got, want)
			}
		}
	}
}

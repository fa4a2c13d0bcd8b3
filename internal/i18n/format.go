package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/number"
)

// numberTag is the locale used for numbers.
//
// Digits in Arabic: we deliberately write Latin digits (0123456789), not
// Arabic-Indic ones (٠١٢٣٤٥٦٧٨٩), as United Nations Arabic documents do and
// as most of the Arab world reads on the web. CLDR's default for "ar" is
// the Arabic-Indic digits, so the Latin numbering system is requested
// explicitly. Dates use the same digits, so that a deadline, a KPI and a
// case ID all read alike on one Arabic page.
func numberTag(lang string) language.Tag {
	if lang == "ar" {
		return language.MustParse("ar-u-nu-latn")
	}
	return language.Make(lang)
}

// Month names by language, January first.
var (
	monthsEN = [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	monthsFR = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	monthsES = [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	// Russian needs the genitive after a day ("30 июня") and the
	// nominative on its own ("июнь 2026 г.").
	monthsRUGen = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	monthsRUNom = [12]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
	// The month names of United Nations Arabic texts, which use the names
	// derived from the Latin ones throughout the Arab world, with the UN
	// spellings يونيه and يوليه for June and July.
	monthsAR = [12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيه", "يوليه", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"}
)

// nbsp keeps "2026 г." together.
const nbsp = "\u00a0"

// inZone converts t to loc; a nil loc means UTC.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc)
}

// FormatDate writes the calendar date of t in loc (nil means UTC) with the
// month in words: "30 June 2026", "1er juin 2026", "30 de junio de 2026",
// "30 июня 2026 г.", "2026年6月30日", "30 يونيه 2026".
func (l *L) FormatDate(t time.Time, loc *time.Location) string {
	t = inZone(t, loc)
	y, m, d := t.Date()
	i := int(m) - 1
	switch l.lang {
	case "fr":
		day := strconv.Itoa(d)
		if d == 1 {
			day = "1er" // French writes the first day of a month as an ordinal
		}
		return fmt.Sprintf("%s %s %d", day, monthsFR[i], y)
	case "es":
		return fmt.Sprintf("%d de %s de %d", d, monthsES[i], y)
	case "ru":
		return fmt.Sprintf("%d %s %d"+nbsp+"г.", d, monthsRUGen[i], y)
	case "zh":
		return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
	case "ar":
		return fmt.Sprintf("%d %s %d", d, monthsAR[i], y)
	default:
		return fmt.Sprintf("%d %s %d", d, monthsEN[i], y)
	}
}

// FormatDateTime writes the date and the 24-hour time of t in loc (nil
// means UTC), followed by the zone's abbreviation, or its UTC offset where
// the zone has no common abbreviation: "30 June 2026, 23:59 CEST",
// "2026年6月30日 23:59 CEST", "30 يونيه 2026، الساعة 23:59 CEST",
// "1 July 2026, 05:59 UTC+7".
func (l *L) FormatDateTime(t time.Time, loc *time.Location) string {
	t = inZone(t, loc)
	date := l.FormatDate(t, t.Location())
	clock := t.Format("15:04") + " " + zoneAbbrev(t)
	switch l.lang {
	case "fr":
		return date + " à " + clock
	case "zh":
		return date + " " + clock
	case "ar":
		return date + "، الساعة " + clock
	default: // en, es, ru
		return date + ", " + clock
	}
}

// FormatMonth writes a month of a year, as used for case periods and KPI
// dates (YYYY-MM): "June 2026", "juin 2026", "junio de 2026",
// "июнь 2026 г.", "2026年6月", "يونيه 2026".
func (l *L) FormatMonth(year int, month time.Month) string {
	if month < time.January || month > time.December {
		return fmt.Sprintf("%04d-%02d", year, int(month))
	}
	i := int(month) - 1
	switch l.lang {
	case "fr":
		return fmt.Sprintf("%s %d", monthsFR[i], year)
	case "es":
		return fmt.Sprintf("%s de %d", monthsES[i], year)
	case "ru":
		return fmt.Sprintf("%s %d"+nbsp+"г.", monthsRUNom[i], year)
	case "zh":
		return fmt.Sprintf("%d年%d月", year, int(month))
	case "ar":
		return fmt.Sprintf("%s %d", monthsAR[i], year)
	default:
		return fmt.Sprintf("%s %d", monthsEN[i], year)
	}
}

// zoneAbbrev returns the zone abbreviation of t ("CEST", "EAT", "UTC"), or
// "UTC+7" / "UTC-3" / "UTC+5:30" where the time zone database has only a
// numeric one ("+07").
func zoneAbbrev(t time.Time) string {
	name, offset := t.Zone()
	if name != "" && name[0] != '+' && name[0] != '-' {
		return name
	}
	if offset == 0 {
		return "UTC"
	}
	sign := "+"
	if offset < 0 {
		sign = "-"
		offset = -offset
	}
	h, m := offset/3600, offset%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%d", sign, h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

// FormatNumber writes n with exactly decimals fraction digits (a negative
// decimals counts as 0) and the language's separators: 1,234.50 in
// English, Chinese and Arabic; 1 234,50 in French and Russian; 1234,50 and
// 12.345,50 in Spanish. Halves round away from zero (2.5 gives 3), as
// people round by hand, not to even as golang.org/x/text would.
func (l *L) FormatNumber(n float64, decimals int) string {
	if decimals < 0 {
		decimals = 0
	}
	if decimals <= 15 {
		p := math.Pow10(decimals)
		if r := n * p; math.Abs(r) < 1<<53 {
			n = math.Round(r) / p
		}
	}
	return l.fixGrouping(l.printer.Sprint(number.Decimal(n, number.Scale(decimals))))
}

// FormatInt writes an integer with the language's digit grouping.
func (l *L) FormatInt(n int64) string {
	if n >= 0 && l.group != "" {
		return l.groupDigits(strconv.FormatInt(n, 10))
	}
	return l.fixGrouping(l.printer.Sprint(number.Decimal(n)))
}

// groupSeparator is the separator the language's printer puts between
// groups of three digits, or "" if its digits are not ASCII or it groups
// otherwise (then FormatInt always asks the printer).
func groupSeparator(l *L) string {
	rest, ok := strings.CutPrefix(l.printer.Sprint(number.Decimal(1000000)), "1")
	if !ok || len(rest) < 8 || (len(rest)-6)%2 != 0 {
		return ""
	}
	sep := rest[:(len(rest)-6)/2]
	if rest != sep+"000"+sep+"000" {
		return ""
	}
	return sep
}

// groupDigits inserts the group separator into ASCII digits, as the
// printer does but without its cost (a page formats a hundred counts),
// keeping CLDR's minimum grouping digits (see fixGrouping).
func (l *L) groupDigits(d string) string {
	minDigits := 4
	if l.lang == "es" {
		minDigits = 5
	}
	if len(d) < minDigits {
		return d
	}
	var b strings.Builder
	b.Grow(len(d) + len(d)/3*len(l.group))
	first := len(d) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(d[:first])
	for i := first; i < len(d); i += 3 {
		b.WriteString(l.group)
		b.WriteString(d[i : i+3])
	}
	return b.String()
}

// fixGrouping applies CLDR's minimum grouping digits, which
// golang.org/x/text does not: Spanish groups only numbers of five integer
// digits or more ("1234", but "12.345").
func (l *L) fixGrouping(s string) string {
	if l.lang != "es" {
		return s
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ",")
	if len(intPart) == 5 && intPart[1] == '.' {
		intPart = intPart[:1] + intPart[2:]
	}
	if hasFrac {
		return sign + intPart + "," + frac
	}
	return sign + intPart
}

// Labelled returns a label followed by what joins it to its value, as
// lang writes it: "Call: " in English, "Appel\u00a0: " in French (a
// no-break space before the colon), "征集：" in Chinese (a full-width colon
// and no space). Pages and mails use it for every "label: value" they
// build, so that the two never punctuate alike texts differently.
func Labelled(lang, label string) string {
	switch lang {
	case "fr":
		return label + nbsp + ": "
	case "zh":
		return label + "："
	}
	return label + ": "
}

// ListSep separates the items of a list in lang: the Arabic comma in
// Arabic, the enumeration comma in Chinese, a comma elsewhere.
func ListSep(lang string) string {
	switch lang {
	case "ar":
		return "، "
	case "zh":
		return "、"
	}
	return ", "
}

// ListSemicolon separates the items of a list whose items may hold commas
// themselves (an SDG's title, a country's name): the Arabic semicolon in
// Arabic, the full-width one in Chinese, a narrow no-break space before
// the semicolon in French, as the catalogues write it, and "; " elsewhere.
func ListSemicolon(lang string) string {
	switch lang {
	case "ar":
		return "؛ "
	case "zh":
		return "；"
	case "fr":
		return "\u202f; "
	}
	return "; "
}

// Aside appends a parenthetical remark to a text, as lang writes it:
// full-width parentheses with no space before them in Chinese, " (…)"
// elsewhere.
func Aside(lang, text, remark string) string {
	if lang == "zh" {
		return text + "（" + remark + "）"
	}
	return text + " (" + remark + ")"
}

// Aside is [Aside] in this localizer's language.
func (l *L) Aside(text, remark string) string { return Aside(l.lang, text, remark) }

// Labelled is [Labelled] in this localizer's language.
func (l *L) Labelled(label string) string { return Labelled(l.lang, label) }

// ListSep is [ListSep] in this localizer's language.
func (l *L) ListSep() string { return ListSep(l.lang) }

// ListSemicolon is [ListSemicolon] in this localizer's language.
func (l *L) ListSemicolon() string { return ListSemicolon(l.lang) }

// rtlScripts are the scripts written from right to left that a case's
// language may use.
var rtlScripts = map[string]bool{"Arab": true, "Hebr": true, "Syrc": true, "Thaa": true, "Nkoo": true, "Adlm": true, "Rohg": true, "Mand": true, "Samr": true}

// textDirs memoizes TextDir: the languages of cases are few.
var textDirs sync.Map

// TextDir is the direction of a text in the language tagged lang: "rtl"
// for a language written in a right-to-left script (Arabic, Hebrew,
// Dhivehi, …), "ltr" for others, and "auto", which lets the browser read
// the direction from the text's first letters, when lang is empty or
// unknown. A known language is better than "auto": an Arabic title that
// starts with a Latin name («Mwali Stay»: …) is still laid out right to
// left.
func TextDir(lang string) string {
	switch lang {
	case "":
		return "auto"
	case "ar":
		return "rtl"
	case "en", "fr", "es", "ru", "zh":
		return "ltr"
	}
	if d, ok := textDirs.Load(lang); ok {
		return d.(string)
	}
	d := "auto"
	if tag, err := language.Parse(lang); err == nil {
		if script, conf := tag.Script(); conf != language.No {
			d = "ltr"
			if rtlScripts[script.String()] {
				d = "rtl"
			}
		}
	}
	textDirs.Store(lang, d)
	return d
}

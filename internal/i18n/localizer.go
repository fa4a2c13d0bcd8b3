package i18n

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
)

// L gives the texts and formats of one language. It is immutable and safe
// for concurrent use; templates can call its methods directly.
type L struct {
	lang    string
	cat     *Catalog
	loc     *i18n.Localizer // the language, falling back to English
	src     *i18n.Localizer // English only
	printer *message.Printer
	names   display.Namer
	// plain keeps the texts asked for without data: a page asks for the
	// same labels thousands of times a second, and rendering a message
	// through go-i18n costs microseconds each time.
	plain sync.Map // key → string
	// counted keeps the plural texts asked for with string data (the
	// counts of a search page), up to maxCounted of them: data can hold
	// anything, so the memo is bounded rather than keyed by catalogue.
	counted  sync.Map // countedKey(key, n, data) → text
	nCounted atomic.Int64
	group    string // digit group separator, for FormatInt's fast path
}

func newL(c *Catalog, lang string) *L {
	l := &L{
		lang:    lang,
		cat:     c,
		loc:     i18n.NewLocalizer(c.bundle, lang),
		src:     i18n.NewLocalizer(c.bundle, sourceLang),
		printer: message.NewPrinter(numberTag(lang)),
		names:   display.Tags(language.Make(lang)),
	}
	l.group = groupSeparator(l)
	return l
}

// Lang returns the language code, e.g. "ar".
func (l *L) Lang() string { return l.lang }

// Dir returns the text direction for <html dir>: "rtl" for Arabic, "ltr"
// for the other five.
func (l *L) Dir() string {
	if l.lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// T returns the text of key. The optional argument is the template data,
// normally a map[string]any; if it holds an integer Count, Count selects
// the plural form. A key this language lacks gives the English text, and a
// key missing in English too gives the key itself.
func (l *L) T(key string, args ...any) string {
	if len(args) == 0 {
		if s, ok := l.plain.Load(key); ok {
			return s.(string)
		}
		s := l.localize(key, nil, 0, false)
		if s != key { // only catalogue keys, so the memo stays bounded
			l.plain.Store(key, s)
		}
		return s
	}
	data := args[0]
	n, ok := countOf(data)
	return l.localize(key, data, n, ok)
}

// Tn returns the plural form of key for n. data is the template data (may
// be nil); n is also available to the text as {{.Count}} unless data sets
// Count itself.
func (l *L) Tn(key string, n int, data map[string]any) string {
	mk, memo := countedKey(key, n, data)
	if memo {
		if s, ok := l.counted.Load(mk); ok {
			return s.(string)
		}
	}
	d := make(map[string]any, len(data)+1)
	maps.Copy(d, data)
	if _, ok := d["Count"]; !ok {
		d["Count"] = n
	}
	s := l.localize(key, d, int64(n), true)
	if memo && l.nCounted.Add(1) <= maxCounted {
		l.counted.Store(mk, s)
	}
	return s
}

// maxCounted bounds the memo of Tn, per language.
const maxCounted = 4096

// countedKey identifies a call of Tn whose data values are all strings;
// ok is false for other data, whose texts are not kept.
func countedKey(key string, n int, data map[string]any) (k string, ok bool) {
	var b strings.Builder
	b.WriteString(key)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(n))
	for _, name := range slices.Sorted(maps.Keys(data)) {
		v, ok := data[name].(string)
		if !ok {
			return "", false
		}
		// Quoted, so that no value can read as another name and value.
		b.WriteString(strconv.Quote(name))
		b.WriteString(strconv.Quote(v))
	}
	return b.String(), true
}

// Has reports whether key has a text for this localizer, in its language
// or in English; that is, whether T returns more than the key itself.
func (l *L) Has(key string) bool {
	return l.cat.lookup(l.lang, key) != nil || l.cat.lookup(sourceLang, key) != nil
}

// Translated reports whether key has a text in this localizer's own
// language. A page that uses a key for which it is false shows English
// text, and may say so with the text "lang.fallback_notice".
func (l *L) Translated(key string) bool {
	return l.cat.lookup(l.lang, key) != nil
}

// LanguageName returns the name of a language in this localizer's
// language: "lang.<code>" from the catalogue for the six UN languages,
// the CLDR name for any other BCP 47 code (a case may be written in any
// language), or the code itself if it is not valid.
func (l *L) LanguageName(code string) string {
	if c := strings.ToLower(code); isSupported(c) && l.Has("lang."+c) {
		return l.T("lang." + c)
	}
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := l.names.Name(tag); name != "" {
		return name
	}
	return code
}

// ZoneName returns a reader-friendly name of a time zone, for texts such
// as "closes 30 June 2026, 23:59 (Geneva time)": the catalogue's
// "zone.<IANA name>" when there is one, else the city part of the IANA
// name ("America/Port_of_Spain" gives "Port of Spain"). A nil loc is UTC.
//
// The catalogue names the zones of the UN duty stations after the city
// readers know them by, in each language; Geneva has no IANA zone of its
// own, so "zone.Europe/Zurich" reads "Geneva".
func (l *L) ZoneName(loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	name := loc.String()
	if key := "zone." + name; l.Has(key) {
		return l.T(key)
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ReplaceAll(name, "_", " ")
}

// localize renders key with data, using plural count n when counted.
func (l *L) localize(key string, data any, n int64, counted bool) string {
	if data == nil {
		// text/template fails on a field of nil data; an empty map renders a
		// forgotten placeholder visibly instead of losing the whole text.
		data = map[string]any{}
	}
	lc := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if counted {
		lc.PluralCount = n
	}
	// go-i18n falls back to English by itself, reporting the fallback as an
	// error alongside the English text; only an empty result is a failure.
	if s, err := l.loc.Localize(lc); err == nil || s != "" {
		return s
	}
	// The translation exists but could not be rendered: English is better
	// than nothing.
	if l.lang != sourceLang {
		if s, err := l.src.Localize(lc); err == nil || s != "" {
			return s
		}
	}
	return key
}

// countOf returns the integer Count of template data given as a map with
// string keys or a struct (or a pointer to one).
func countOf(data any) (int64, bool) {
	if data == nil {
		return 0, false
	}
	if m, ok := data.(map[string]any); ok {
		return intValue(reflect.ValueOf(m["Count"]))
	}
	v := reflect.ValueOf(data)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return 0, false
		}
		return intValue(v.MapIndex(reflect.ValueOf("Count").Convert(v.Type().Key())))
	case reflect.Struct:
		f, ok := v.Type().FieldByName("Count")
		if !ok || !f.IsExported() {
			return 0, false
		}
		fv, err := v.FieldByIndexErr(f.Index)
		if err != nil {
			return 0, false // Count sits behind a nil embedded pointer
		}
		return intValue(fv)
	}
	return 0, false
}

func intValue(v reflect.Value) (int64, bool) {
	for v.IsValid() && v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0, false
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return 0, false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return int64(v.Uint()), true
	case reflect.Uint64, reflect.Uintptr:
		if u := v.Uint(); u <= 1<<63-1 {
			return int64(u), true
		}
	}
	return 0, false
}

// selfName returns the CLDR autonym of a BCP 47 code, or the code.
func selfName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := display.Self.Name(tag); name != "" {
		return name
	}
	return code
}

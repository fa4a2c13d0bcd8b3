package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Catalogues: locales/<lang>.json holds the site-wide texts; each area of
// the site may keep its own texts in locales/<area>/<lang>.json, merged in
// at load time (a key defined twice is an error).
//
//go:embed locales
var localeFS embed.FS

// Langs lists the six UN languages in the order the language switcher
// shows them. Treat it as read-only; the package keeps its own copy.
var Langs = []string{"en", "fr", "es", "ru", "zh", "ar"}

// supported is the package's own copy of Langs: an array, so a caller that
// changes Langs changes nothing here. English comes first, which makes it
// the default of the Accept-Language matcher.
var supported = [...]string{"en", "fr", "es", "ru", "zh", "ar"}

// sourceLang is the language every catalogue is translated from and falls
// back to.
const sourceLang = "en"

// isSupported reports whether code is exactly one of the six codes.
func isSupported(code string) bool {
	for _, l := range supported {
		if l == code {
			return true
		}
	}
	return false
}

// LangName returns a language's name in that language itself (its
// autonym), as the language switcher shows it: "العربية", "中文",
// "English", "Français", "Русский", "Español". For any other valid BCP 47
// code it returns the CLDR autonym, and otherwise the code unchanged.
func LangName(code string) string {
	switch code {
	case "ar":
		return "العربية"
	case "zh":
		return "中文"
	case "en":
		return "English"
	case "fr":
		return "Français"
	case "ru":
		return "Русский"
	case "es":
		return "Español"
	}
	return selfName(code)
}

// pluralForms are the CLDR plural categories, in CLDR order.
var pluralForms = [...]string{"zero", "one", "two", "few", "many", "other"}

// Catalog holds the messages of the six languages. It is immutable once
// built, and safe for concurrent use.
type Catalog struct {
	bundle   *i18n.Bundle
	messages map[string]map[string]*i18n.Message // language → key → message
	locs     map[string]*L
}

// New loads the six embedded catalogues. It fails if a catalogue is
// missing, is not valid JSON, repeats a key, or holds a text that is not a
// valid template.
func New() (*Catalog, error) {
	return load(localeFS, "locales")
}

// load reads dir/<lang>.json from fsys for each of the six languages.
func load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{
		bundle:   i18n.NewBundle(language.English),
		messages: make(map[string]map[string]*i18n.Message, len(supported)),
		locs:     make(map[string]*L, len(supported)),
	}
	for _, lang := range supported {
		path := dir + "/" + lang + ".json"
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("i18n: read catalogue: %w", err)
		}
		msgs, err := parseCatalogue(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", path, err)
		}
		areas, _ := fs.Glob(fsys, dir+"/*/"+lang+".json")
		for _, ap := range areas {
			data, err := fs.ReadFile(fsys, ap)
			if err != nil {
				return nil, fmt.Errorf("i18n: read catalogue: %w", err)
			}
			more, err := parseCatalogue(data)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", ap, err)
			}
			for k, m := range more {
				if _, dup := msgs[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is already defined", ap, k)
				}
				msgs[k] = m
			}
		}
		list := make([]*i18n.Message, 0, len(msgs))
		for _, m := range msgs {
			list = append(list, m)
		}
		if err := c.bundle.AddMessages(language.Make(lang), list...); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", path, err)
		}
		c.messages[lang] = msgs
	}
	for _, lang := range supported {
		c.locs[lang] = newL(c, lang)
	}
	return c, nil
}

// Localizer returns the localizer of a language. lang is normally one of
// the six codes (see [Match]); a regional variant such as "ar-EG" gets its
// base language, and anything else gets English.
func (c *Catalog) Localizer(lang string) *L {
	if l, ok := c.locs[normalize(lang)]; ok {
		return l
	}
	return c.locs[sourceLang]
}

// normalize maps a language code to one of the six, or "" if none fits.
func normalize(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if isSupported(lang) {
		return lang
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	base, _ := tag.Base()
	if b := base.String(); isSupported(b) {
		return b
	}
	return ""
}

// lookup returns the message of key in lang, or nil.
func (c *Catalog) lookup(lang, key string) *i18n.Message {
	return c.messages[lang][key]
}

// parseCatalogue reads one flat catalogue: an object whose values are
// strings or objects of plural forms. It is stricter than go-i18n, which
// would silently keep the last of two equal keys or accept a typo in a
// plural category, so that a broken catalogue fails at start-up and in the
// tests rather than on a page.
func parseCatalogue(data []byte) (map[string]*i18n.Message, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	top, err := objectMembers(data)
	if err != nil {
		return nil, err
	}
	msgs := make(map[string]*i18n.Message, len(top))
	for _, mem := range top {
		key := mem.key
		if err := checkKey(key); err != nil {
			return nil, err
		}
		m := &i18n.Message{ID: key}
		switch firstByte(mem.value) {
		case '"':
			var s string
			if err := json.Unmarshal(mem.value, &s); err != nil {
				return nil, fmt.Errorf("key %q: %w", key, err)
			}
			m.Other = s
		case '{':
			forms, err := objectMembers(mem.value)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", key, err)
			}
			for _, f := range forms {
				var s string
				if err := json.Unmarshal(f.value, &s); err != nil {
					return nil, fmt.Errorf("key %q, form %q: want a string", key, f.key)
				}
				if !setForm(m, f.key, s) {
					return nil, fmt.Errorf("key %q: %q is not a CLDR plural category (%s)", key, f.key, strings.Join(pluralForms[:], ", "))
				}
			}
			if m.Other == "" {
				return nil, fmt.Errorf("key %q: a plural message needs the form \"other\"", key)
			}
		default:
			return nil, fmt.Errorf("key %q: want a string or an object of plural forms", key)
		}
		for form, src := range messageForms(m) {
			if strings.TrimSpace(src) == "" {
				return nil, fmt.Errorf("key %q, form %q: empty text", key, form)
			}
			if _, err := template.New(key).Option("missingkey=default").Parse(src); err != nil {
				return nil, fmt.Errorf("key %q, form %q: %w", key, form, err)
			}
		}
		msgs[key] = m
	}
	return msgs, nil
}

// checkKey rejects keys that would be awkward in templates and code.
func checkKey(key string) error {
	if key == "" {
		return errors.New("empty key")
	}
	for _, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("key %q: contains white space", key)
		}
	}
	if !strings.Contains(key, ".") || strings.HasPrefix(key, ".") || strings.HasSuffix(key, ".") {
		return fmt.Errorf("key %q: want area.name, such as nav.home", key)
	}
	return nil
}

func setForm(m *i18n.Message, form, s string) bool {
	switch form {
	case "zero":
		m.Zero = s
	case "one":
		m.One = s
	case "two":
		m.Two = s
	case "few":
		m.Few = s
	case "many":
		m.Many = s
	case "other":
		m.Other = s
	default:
		return false
	}
	return true
}

// messageForms returns the non-empty forms of m by category name.
func messageForms(m *i18n.Message) map[string]string {
	out := make(map[string]string, 6)
	for form, s := range map[string]string{
		"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other,
	} {
		if s != "" {
			out[form] = s
		}
	}
	return out
}

// isPlural reports whether m has any form besides "other".
func isPlural(m *i18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

type member struct {
	key   string
	value json.RawMessage
}

// objectMembers decodes a JSON object into its members in order, and fails
// on a repeated key.
func objectMembers(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("want a JSON object")
	}
	var out []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("invalid JSON: want a key")
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("key %q: invalid JSON: %w", key, err)
		}
		out = append(out, member{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return out, nil
}

func firstByte(b []byte) byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

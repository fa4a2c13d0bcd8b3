package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// matcher chooses among the six languages for an Accept-Language header.
// English is first, so it is what the matcher falls back to. A Matcher is
// immutable and safe for concurrent use.
var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(supported))
	for i, l := range supported {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
}()

// Match chooses the language of a request: the URL prefix if it names one
// of the six languages (the reader chose it explicitly), else the language
// cookie, else the best of the six for the Accept-Language header, else
// English. Codes are compared case-insensitively; the result is always one
// of the six lower-case codes.
//
// The header is matched with the CLDR matcher, which knows for instance
// that zh-Hant-TW readers are better served in Chinese than in English,
// but does not treat Portuguese as close to Spanish.
func Match(urlPrefix, cookie, acceptLanguage string) string {
	for _, explicit := range []string{urlPrefix, cookie} {
		if c := strings.ToLower(strings.TrimSpace(explicit)); isSupported(c) {
			return c
		}
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return sourceLang
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return sourceLang
	}
	return supported[i]
}

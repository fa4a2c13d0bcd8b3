package i18n

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		name                   string
		prefix, cookie, accept string
		want                   string
	}{
		{"Accept-Language: Egyptian Arabic", "", "", "ar-EG,ar;q=0.9", "ar"},
		{"Accept-Language: traditional Chinese", "", "", "zh-Hant-TW", "zh"},
		{"Accept-Language: Hong Kong Chinese alone", "", "", "zh-HK", "zh"},
		// CLDR rates Simplified Chinese a weak match for a Traditional-script
		// reader, so an exact second choice wins.
		{"Accept-Language: Hong Kong Chinese, then English", "", "", "zh-HK,en;q=0.5", "en"},
		{"Accept-Language: Portuguese has no close match", "", "", "pt-BR", "en"},
		{"Accept-Language: Canadian French first", "", "", "fr-CA;q=0.8, en;q=0.5", "fr"},
		{"Accept-Language: q values order the choice", "", "", "en;q=0.3, ru;q=0.9", "ru"},
		{"Accept-Language: unsupported first, then Spanish", "", "", "de-DE, es;q=0.7", "es"},
		{"Accept-Language: Latin American Spanish", "", "", "es-419", "es"},
		{"Accept-Language: refused language skipped", "", "", "fr;q=0, es", "es"},
		{"Accept-Language: wildcard", "", "", "*", "en"},
		{"Accept-Language: malformed", "", "", "fr;q=abc", "en"},
		{"nothing at all", "", "", "", "en"},
		{"cookie beats Accept-Language", "", "ru", "ar-EG", "ru"},
		{"cookie is case-insensitive", "", "ZH", "", "zh"},
		{"unknown cookie ignored", "", "pt", "fr", "fr"},
		{"URL prefix beats cookie and header", "es", "ru", "ar", "es"},
		{"unknown URL prefix ignored", "calls", "ar", "fr", "ar"},
		{"regional URL prefix is not a language prefix", "fr-ca", "", "", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.prefix, tt.cookie, tt.accept); got != tt.want {
				t.Errorf("Match(%q, %q, %q) = %q, want %q", tt.prefix, tt.cookie, tt.accept, got, tt.want)
			}
		})
	}
}

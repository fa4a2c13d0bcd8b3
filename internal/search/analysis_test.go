package search

import (
	"slices"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		// Arabic: the article and the prefixes built on it, conjunctions
		// before them, alef and hamza forms, taa marbuta, diacritics,
		// tatweel, alef maqsura and common suffixes all reduce to one stem.
		{"ar article", "ar", "التجارة تجارة", []string{"تجار", "تجار"}},
		{"ar prefixes", "ar", "والتجارة بالتجارة للتجارة كالتجارة فالتجارة", []string{"تجار", "تجار", "تجار", "تجار", "تجار"}},
		{"ar conjunction before preposition", "ar", "وبالتجارة فبالدفع وللتجارة", []string{"تجار", "دفع", "تجار"}},
		{"ar hamza and alef forms", "ar", "إدارة أدارة آدارة ادارة", []string{"ادار", "ادار", "ادار", "ادار"}},
		{"ar taa marbuta and heh", "ar", "مدرسة مدرسه", []string{"مدرس", "مدرس"}},
		{"ar diacritics", "ar", "التِّجَارَةُ", []string{"تجار"}},
		{"ar tatweel", "ar", "التجـــارة", []string{"تجار"}},
		{"ar alef maqsura", "ar", "مستشفى مستشفي", []string{"مستشف", "مستشف"}},
		{"ar plural suffixes", "ar", "المزارعين المزارعون التعاونيات", []string{"مزارع", "مزارع", "تعاون"}},
		{"ar stop words", "ar", "في من على الدفع", []string{"دفع"}},
		{"ar digits", "ar", "عام ٢٠٢٤", []string{"عام", "2024"}},
		{"ar persian letters", "ar", "کتابی", []string{"كتاب"}},

		// Chinese: overlapping bigrams, a lone character alone, Latin and
		// numbers kept as words; fullwidth forms folded.
		{"zh bigrams", "zh", "移动支付", []string{"移动", "动支", "支付"}},
		{"zh mixed", "zh", "用AI视觉质检", []string{"用", "ai", "视觉", "觉质", "质检"}},
		{"zh lone character", "zh", "茶，农", []string{"茶", "农"}},
		{"zh fullwidth", "zh", "ＡＩ质检", []string{"ai", "质检"}},
		{"zh numbers", "zh", "318个摊位", []string{"318", "个摊", "摊位"}},

		// English: Snowball, possessives, stop words, accents folded.
		{"en plural", "en", "cooperatives cooperative", []string{"cooper", "cooper"}},
		{"en possessive", "en", "women's farmers’", []string{"women", "farmer"}},
		{"en stop words", "en", "the role of the payments", []string{"role", "payment"}},
		{"en accents", "en", "café naïve", []string{"cafe", "naiv"}},

		// French: elision, Snowball, accents folded after stemming.
		{"fr elision", "fr", "l'entreprise d’économie qu'il", []string{"entrepris", "econom"}},
		{"fr plural", "fr", "coopératives coopérative", []string{"cooper", "cooper"}},
		{"fr ligature", "fr", "main-d'œuvre", []string{"main", "oeuvr"}},
		{"fr stop words", "fr", "les paiements de la coopérative", []string{"pai", "cooper"}},

		// Spanish: Snowball, accents, a missing accent on -ción restored.
		{"es plural", "es", "cooperativas cooperativa", []string{"cooper", "cooper"}},
		{"es accents", "es", "móviles moviles móvil", []string{"movil", "movil", "movil"}},
		{"es missing accent", "es", "información informacion informaciones", []string{"inform", "inform", "inform"}},

		// Russian: Snowball, ё, and nouns in -ив kept whole so that their
		// case forms meet.
		{"ru cases", "ru", "кооперативов кооператив кооперативы кооперативам", []string{"кооператив", "кооператив", "кооператив", "кооператив"}},
		{"ru yo", "ru", "учёт учет", []string{"учет", "учет"}},
		{"ru adjectives", "ru", "мобильные мобильных платежи платежей", []string{"мобильн", "мобильн", "платеж", "платеж"}},
		{"ru stop words", "ru", "и в на платежи", []string{"платеж"}},

		// Latin words in text of another language are only folded; Cyrillic
		// and Arabic words go through their own pipelines whatever the
		// document's language.
		{"latin in Chinese", "zh", "Mocha Trace", []string{"mocha", "trace"}},
		{"latin in Portuguese", "pt", "Cooperativas móveis", []string{"cooperativas", "moveis"}},
		{"cyrillic in English", "en", "Кооперативы", []string{"кооператив"}},
		{"regional tag", "fr-CA", "coopératives", []string{"cooper"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Terms(tt.lang, tt.text); !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%s, %q) = %q, want %q", tt.lang, tt.text, got, tt.want)
			}
		})
	}
}

func TestQueryPositions(t *testing.T) {
	a := newAnalyzer()
	tests := []struct {
		q        string
		variants [][]string // per position, the distinct terms
		soft     []bool
	}{
		{"cooperatives", [][]string{{"cooper", "cooperativ", "cooperatives"}}, []bool{false}},
		{"paiement mobile", [][]string{{"paiement", "pai"}, {"mobil", "mobile"}}, []bool{false, false}},
		{"pagos en línea", [][]string{{"pago", "pag", "pagos"}, {"en"}, {"line", "linea"}}, []bool{false, true, false}},
		{"the mobile", [][]string{{"the"}, {"mobil", "mobile"}}, []bool{true, false}},
		{"الدفع في", [][]string{{"دفع"}}, []bool{false}},
		{"茶", [][]string{{"茶"}}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			pos := a.queryPositions(tt.q)
			if len(pos) != len(tt.variants) {
				t.Fatalf("%d positions, want %d: %+v", len(pos), len(tt.variants), pos)
			}
			for i, p := range pos {
				got := p.variants()
				slices.Sort(got)
				want := slices.Clone(tt.variants[i])
				slices.Sort(want)
				if !slices.Equal(got, want) || p.soft != tt.soft[i] {
					t.Errorf("position %d: variants %q soft %v, want %q soft %v", i, got, p.soft, want, tt.soft[i])
				}
			}
		})
	}
	if pos := a.queryPositions("茶"); !pos[0].unigram {
		t.Error("a lone Han character is not marked as a unigram")
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q, positive string
		negative    []string
	}{
		{"mobile money", "mobile money", nil},
		{`"mobile money" -kenya`, "mobile money", []string{"kenya"}},
		{"«paiement mobile» -Sénégal -", "paiement mobile -", []string{"Sénégal"}},
		{"e-commerce -e-commerce", "e-commerce", []string{"e-commerce"}},
		{"移动支付 -茶", "移动支付", []string{"茶"}},
	}
	for _, tt := range tests {
		pos, neg := parseQuery(tt.q)
		if pos != tt.positive || !slices.Equal(neg, tt.negative) {
			t.Errorf("parseQuery(%q) = %q, %q; want %q, %q", tt.q, pos, neg, tt.positive, tt.negative)
		}
	}
}

func TestFoldLatin(t *testing.T) {
	for in, want := range map[string]string{
		"coopérative": "cooperative", "œuvre": "oeuvre", "straße": "strasse", "aujourd'hui": "aujourdhui",
		"ñandú": "nandu", "йогурт": "йогурт", "plain": "plain",
	} {
		if got := foldLatin(in); got != want {
			t.Errorf("foldLatin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnalyzerCacheBound(t *testing.T) {
	a := newAnalyzer()
	a.limit = 10
	var words []string
	for i := range 50 {
		words = append(words, "word"+strings.Repeat("x", i))
	}
	for range 2 {
		for _, w := range words {
			if got := a.term(english, []byte(w)); got == "" {
				t.Fatalf("term(%q) is empty", w)
			}
		}
	}
	if a.cached > a.limit {
		t.Errorf("cache holds %d words, limit %d", a.cached, a.limit)
	}
}

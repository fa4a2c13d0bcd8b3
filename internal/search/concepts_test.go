package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

func TestConceptFile(t *testing.T) {
	labels, err := parseConcepts(conceptsFile)
	if err != nil {
		t.Fatal(err)
	}
	have := map[Concept]map[string]int{}
	for _, l := range labels {
		if have[l.Concept] == nil {
			have[l.Concept] = map[string]int{}
		}
		have[l.Concept][l.Lang]++
	}
	a := newAnalyzer()
	for vocab, codes := range conceptVocabs {
		for _, code := range codes {
			if vocab == domain.VocabTechnology && code == "other" {
				continue // "other" names nothing a reader would search for
			}
			k := Concept{vocab, code}
			for _, lang := range domain.UNLanguages {
				if have[k][lang] == 0 {
					t.Errorf("%s has no label in %s", k, lang)
				}
			}
		}
	}
	for _, l := range labels {
		if len(labelTerms(a, l)) == 0 {
			t.Errorf("%s label %q (%s) has no words left after analysis", l.Concept, l.Text, l.Lang)
		}
	}
}

func TestParseConceptsErrors(t *testing.T) {
	for _, bad := range []string{
		"en: orphan label\n",
		"[technology:teleportation]\nen: teleportation\n",
		"[planet:mars]\nen: mars\n",
		"[sdg:8]\nxx: decent work\n",
		"[sdg:8\nen: decent work\n",
	} {
		if _, err := parseConcepts([]byte(bad)); err == nil {
			t.Errorf("parseConcepts(%q) accepted it", bad)
		}
	}
}

func TestFindConcepts(t *testing.T) {
	payments := Concept{"technology", "payments"}
	tests := []struct {
		q    string
		want []Concept
	}{
		{"الدفع عبر الهاتف المحمول", []Concept{payments}},
		{"بالدفع عبر الهاتف المحمول", []Concept{payments}},
		{"الأموال عبر الهاتف المحمول", []Concept{payments}},
		{"移动支付", []Concept{payments}},
		{"农贸市场的移动支付系统", []Concept{payments}},
		{"mobile money", []Concept{payments}},
		{"Mobile Payments", []Concept{payments}},
		{"paiement mobile", []Concept{payments}},
		{"paiements mobiles", []Concept{payments}},
		{"мобильные платежи", []Concept{payments}},
		{"мобильных платежей", []Concept{payments}},
		{"pagos móviles", []Concept{payments}},
		{"pagos moviles", []Concept{payments}},
		{"dinero móvil en Kenia", []Concept{payments}},
		{"comercio en línea", []Concept{{"technology", "ecommerce"}}},
		{"cooperación sur-sur", []Concept{{"wsis", "C11"}}},
		{"cloud ERP", []Concept{{"technology", "cloud"}, {"technology", "erp"}}},
		{"digital skills for women entrepreneurs", []Concept{{"technology", "skills"}, {"sdg", "5"}}},
		{"responsible AI", []Concept{{"wsis", "C10"}}},
		{"artificial intelligence", []Concept{{"technology", "ai"}}},
		{"health", []Concept{{"sdg", "3"}, {"sector", "Q"}}},
		{"SDG 8", []Concept{{"sdg", "8"}}},
		{"ODS 9", []Concept{{"sdg", "9"}}},
		{"C7", []Concept{{"wsis", "C7"}}},
		{"social media", []Concept{{"technology", "web_social"}}},
		{"media", []Concept{{"wsis", "C9"}}},
		{"coffee cooperatives", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := FindConcepts(tt.q)
			slices.SortFunc(got, func(a, b Concept) int { return strings.Compare(a.String(), b.String()) })
			want := slices.Clone(tt.want)
			slices.SortFunc(want, func(a, b Concept) int { return strings.Compare(a.String(), b.String()) })
			if !slices.Equal(got, want) {
				t.Errorf("FindConcepts(%q) = %v, want %v", tt.q, got, want)
			}
		})
	}
}

// TestCatalogueLabelsNameTheirConcepts checks that every facet label the
// site shows, in every language the catalogues translate it into, is
// recognised as its concept when a reader types it: the labels are
// concept labels, but a longer label of another concept could hide one.
func TestCatalogueLabelsNameTheirConcepts(t *testing.T) {
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range domain.UNLanguages {
		l := cat.Localizer(lang)
		for vocab, codes := range conceptVocabs {
			for _, code := range codes {
				key := domain.VocabKey(vocab, code)
				if (vocab == domain.VocabTechnology && code == "other") || !l.Translated(key) {
					continue
				}
				label := l.T(key)
				if !slices.Contains(FindConcepts(label), (Concept{vocab, code})) {
					t.Errorf("%s label %q (%s) is not recognised as %s:%s", lang, label, key, vocab, code)
				}
			}
		}
	}
}

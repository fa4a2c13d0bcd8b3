package search

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/dxatlas/dxatlas/internal/search/synth"
)

// TestWordTokenizerMatchesBleve checks that the tokenizer finds the same
// words with the same types, positions and offsets as Bleve's unicode
// tokenizer it replaces, on synthetic cases in the six languages, the
// relevance corpus and text chosen for the edges of word segmentation:
// the terms stored by earlier versions stay valid.
func TestWordTokenizerMatchesBleve(t *testing.T) {
	texts := []string{
		"", " ", "Now  is the.\n End.", "l'entreprise d’État", "e-commerce, B2B/B2C; 3.5 % of 1,000.25 USD (2024-05)",
		"don't U.S.A. i.e. foo_bar __init__ 12_34 ٣٤٥ ١٢٫٥", "移动支付在肯尼亚的中小企业中普及。2024年，电商平台",
		"サッカー ひらがな カタカナ漢字", "الدفع عبر الهاتف المحمول، والتعاونيات الزراعية: ٢٠٢٤", "Москва — «цифровая» трансформация МСП",
		"pagos móviles; ¿Qué? ¡Sí! año", "emoji 👍🏽 and flags 🇰🇪 mixed", "ﾊﾝｶｸ ＦＵＬＬ　ＷＩＤＴＨ", "2\u202f140 « les\u202f» x\u202f", "\u202f", "a\u00adb soft\u200bzero\u200djoiner",
		"mixed漢字and latin", "טלפון \"א\"ב", "x\u0301\u0302 combining", "tab\tand\r\nnewline",
	}
	for _, c := range synth.Generate(600, 1) {
		texts = append(texts, c.Title, c.Summary, c.Problem, c.Solution, c.Impact, c.Lessons, c.Organisation.Name)
		for _, tr := range c.Translations {
			texts = append(texts, tr.Title, tr.Summary, tr.Problem, tr.Solution)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			texts = append(texts, string(b))
		}
	}
	bleve := unicodetok.NewUnicodeTokenizer()
	for i, text := range texts {
		want := bleve.Tokenize([]byte(text))
		got := wordTokenizer{}.Tokenize([]byte(text))
		for j := range max(len(got), len(want)) {
			var g, w []byte
			if j < len(got) {
				g = describe(got[j])
			}
			if j < len(want) {
				w = describe(want[j])
			}
			if !bytes.Equal(g, w) {
				t.Errorf("text %d %q, word %d: got %s, want %s", i, short(text), j, g, w)
				break
			}
		}
	}
}

// TestWordTokenizerFullWidthDigits: full-width digits are a number, which
// Bleve's tokenizer dropped.
func TestWordTokenizerFullWidthDigits(t *testing.T) {
	ts := wordTokenizer{}.Tokenize([]byte("ＦＵＬＬ １２３"))
	if len(ts) != 2 || string(ts[1].Term) != "１２３" || ts[1].Type != analysis.Numeric {
		t.Fatalf("got %v", ts)
	}
}

func describe(t *analysis.Token) []byte {
	return fmt.Appendf(nil, "%q type %d at %d-%d position %d", t.Term, t.Type, t.Start, t.End, t.Position)
}

func short(s string) string {
	if len(s) > 60 {
		return strings.ToValidUTF8(s[:60], "") + "…"
	}
	return s
}

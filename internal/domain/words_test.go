package domain

import (
	"strings"
	"testing"
)

func TestWordCount(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"blank", " \n\t ", 0},
		{"punctuation only", "… — !! ?", 0},
		{"English", "The cooperative chose an off-the-shelf cloud accounting service.", 10},
		{"English contractions and decimals", "It's 3.5 times cheaper, isn't it?", 6},
		{"English over lines", "Start with\nthe payment flow;\n\ttrain two people.", 8},
		{"French", "L'entreprise a adopté la facturation électronique en 2024.", 8},
		{"French typographic apostrophe", "L’entreprise a adopté la facturation électronique.", 6},
		{"Arabic", "اعتمدت الشركة نظام الدفع عبر الهاتف المحمول.", 7},
		{"Russian", "Кооператив внедрил облачную бухгалтерию и мобильные платежи.", 7},
		{"Spanish", "La cooperativa redujo a un tercio el tiempo de contabilidad.", 10},
		{"Chinese", "合作社采用了云会计和移动支付。", 14},
		{"Chinese with Latin", "使用 ERP 系统", 5},
		{"Japanese", "クラウド会計を導入した", 11},
		{"emoji", "😀 ok 🇰🇪", 1},
		{"invalid UTF-8", "\xff\xfeabc def", 2},
		{"combining mark", "cafe\u0301 ouvert", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := WordCount(tc.text); got != tc.want {
				t.Errorf("WordCount(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
}

func TestWordCountLong(t *testing.T) {
	text := strings.Repeat("word ", 10000) + strings.Repeat("字", 500)
	if got := WordCount(text); got != 10500 {
		t.Errorf("WordCount = %d, want 10500", got)
	}
}

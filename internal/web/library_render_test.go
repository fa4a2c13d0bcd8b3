package web

import (
	"html/template"
	"strings"
	"testing"
)

func TestShorten(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 10, ""},
		{"  short  text\n", 20, "short text"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four five", 14, "one two three…"},
		{"abcdefghijklmnop", 10, "abcdefghij…"},
		{"finit ici, puis la suite", 10, "finit ici…"},
		{"移动支付帮助农民合作社进入新的市场", 8, "移动支付帮助农民…"},
		{"نص  عربي\tطويل جدا للاختبار", 12, "نص عربي طويل…"},
		{long, 280, strings.TrimSpace(long[:280]) + "…"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestRenderItemsEscapes: every value of a result is escaped, in text
// and in attributes, and the case id is isolated for right-to-left pages.
func TestRenderItemsEscapes(t *testing.T) {
	evil := `<script>"x'&`
	out := string(renderItems([]libraryItemView{{ID: "DX-1", Href: `/en/cases/DX-1?a="b"`, Title: evil, Summary: evil,
		Lang: `en"`, OtherLang: evil, Countries: evil, Year: "2026", WSIS: evil}}))
	if strings.Contains(out, "<script>") || strings.Contains(out, `"x'`) || strings.Contains(out, `a="b"`) {
		t.Errorf("unescaped value in %s", out)
	}
	if want := template.HTMLEscapeString(evil); strings.Count(out, want) != 5 {
		t.Errorf("want the escaped value 5 times in %s", out)
	}
	if !strings.Contains(out, "<bdi>DX-1</bdi>") {
		t.Errorf("case id not isolated: %s", out)
	}
	if strings.Contains(out, " ·  · ") {
		t.Errorf("empty separator: %s", out)
	}
}

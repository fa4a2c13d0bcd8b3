package web

import "testing"

// TestTypography: labels, lists and codes are punctuated as each language
// writes them.
func TestTypography(t *testing.T) {
	tests := []struct {
		lang, label, list string
	}{
		{"en", "Call: ", ", "},
		{"fr", "Call\u00a0: ", ", "},
		{"es", "Call: ", ", "},
		{"ru", "Call: ", ", "},
		{"zh", "Call：", "、"},
		{"ar", "Call: ", "، "},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := labelled(tt.lang, "Call"); got != tt.label {
				t.Errorf("labelled = %q, want %q", got, tt.label)
			}
			if got := listSep(tt.lang); got != tt.list {
				t.Errorf("listSep = %q, want %q", got, tt.list)
			}
		})
	}
	if got := isolate("DX-2026-0001"); got != "\u2068DX-2026-0001\u2069" {
		t.Errorf("isolate = %q", got)
	}
	if got := isolate(""); got != "" {
		t.Errorf("isolate of nothing = %q", got)
	}
}

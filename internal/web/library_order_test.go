package web

import (
	"slices"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
)

// TestOrderByLabel: values of equal count follow their labels in the
// reader's language; counts still come first; facets ordered by code
// (action lines, goals, years) keep the index's order.
func TestOrderByLabel(t *testing.T) {
	values := func(pairs ...any) []app.LibraryFacet {
		var out []app.LibraryFacet
		for i := 0; i < len(pairs); i += 3 {
			out = append(out, app.LibraryFacet{Value: pairs[i].(string), Label: pairs[i+1].(string), Count: pairs[i+2].(int)})
		}
		return out
	}
	codes := func(vs []app.LibraryFacet) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Value)
		}
		return out
	}
	tests := []struct {
		lang, facet string
		in          []app.LibraryFacet
		want        []string
	}{
		// China, Armenia, Azerbaijan, Burkina Faso with one case each, in
		// the order of their codes: for an Arabic reader, by their names.
		{"ar", "country", values("KE", "كينيا", 3, "AM", "أرمينيا", 1, "AZ", "أذربيجان", 1, "BF", "بوركينا فاسو", 1, "CN", "الصين", 1),
			[]string{"KE", "AZ", "AM", "CN", "BF"}},
		{"en", "country", values("KE", "Kenya", 3, "AM", "Armenia", 1, "AZ", "Azerbaijan", 1, "BF", "Burkina Faso", 1, "CN", "China", 1),
			[]string{"KE", "AM", "AZ", "BF", "CN"}},
		// Pinyin: Ān, Bā, Zhōng.
		{"zh", "country", values("CN", "中国", 1, "AM", "亚美尼亚", 1, "BF", "布基纳法索", 1, "EG", "埃及", 1),
			[]string{"EG", "BF", "AM", "CN"}},
		// Accents after base letters, quotation marks ignored.
		{"fr", "call", values("b", "« Zèbre »", 2, "a", "Écoles", 2, "c", "Ateliers", 2), []string{"c", "a", "b"}},
		{"en", "wsis", values("C1", "Zed", 1, "C2", "Alpha", 1), []string{"C1", "C2"}},
	}
	for _, tt := range tests {
		orderByLabel(tt.lang, tt.facet, tt.in, 0)
		if got := codes(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("%s %s: %v, want %v", tt.lang, tt.facet, got, tt.want)
		}
	}
	// With 2 shown: the run of equal counts the second ends in is sorted
	// whole, the rest left as the index gave it.
	in := values("KE", "Kenya", 3, "UG", "Uganda", 2, "AM", "Armenia", 2, "ZW", "Zimbabwe", 1, "BF", "Burkina Faso", 1)
	orderByLabel("en", "country", in, 2)
	if got := codes(in); !slices.Equal(got, []string{"KE", "AM", "UG", "ZW", "BF"}) {
		t.Errorf("two shown: %v", got)
	}
}

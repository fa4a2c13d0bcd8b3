package web

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
)

// facetOptions makes n options of a facet, the first chosen of them
// checked.
func facetOptions(facet string, n, chosen int) []facetOption {
	var out []facetOption
	for i := range n {
		v := "v" + strconv.Itoa(i)
		out = append(out, facetOption{ID: facetID(facet, v), Value: v,
			Label: "Value " + strconv.Itoa(i), Count: "1", Checked: i < chosen})
	}
	return out
}

// detailsOpen finds each disclosure's id and whether it starts open.
var detailsOpen = regexp.MustCompile(`<details class="[a-z-]+" id="([a-z-]+)"( open)?>`)

// TestRenderFacets: the filters fold into one panel, closed unless the
// reader is going through a facet's every value; each facet is a
// disclosure, open when first, when a value is chosen or when all its
// values show, whose summary counts the chosen values as the language
// does; its checkboxes keep a fieldset with a legend; every value is
// escaped.
func TestRenderFacets(t *testing.T) {
	rqs := typographyRequests(t)
	evil := `<script>"x'&`
	groups := []facetGroup{
		{Name: "wsis", Legend: "Action line", Options: facetOptions("wsis", 3, 0)},
		{Name: "sdg", Legend: "Goal", Options: facetOptions("sdg", 4, 0), More: "/en/cases?all=sdg#facet-sdg", MoreText: "all"},
		{Name: "region", Legend: "Region"},
		{Name: "sector", Legend: evil, Options: []facetOption{{ID: "f-sector-0", Value: evil, Label: evil, Count: "2", Checked: true}}},
		{Name: "country", Legend: "Country", Options: facetOptions("country", 5, 2)},
	}
	out := string(renderFacets(rqs["en"], groups))
	if strings.Contains(out, "<script>") || strings.Contains(out, `"x'`) {
		t.Errorf("unescaped value in %s", out)
	}
	if want := template.HTMLEscapeString(evil); strings.Count(out, want) != 4 { // summary, legend, value, label
		t.Errorf("want the escaped value 4 times in %s", out)
	}
	var got []string
	for _, m := range detailsOpen.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1]+m[2])
	}
	if want := "filter-panel facet-wsis open facet-sdg facet-sector open facet-country open"; strings.Join(got, " ") != want {
		t.Errorf("disclosures %q, want %q", strings.Join(got, " "), want)
	}
	for _, want := range []string{
		`<summary>Filters <span class="chosen">3 selected</span></summary>`,
		`<summary>Country <span class="chosen">2 selected</span></summary>`,
		"<summary>Action line</summary>\n<fieldset>\n<legend class=\"visually-hidden\">Action line</legend>",
		`<a class="skip-results" href="#results">`,
		`<a href="/en/cases?all=sdg#facet-sdg">all</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in %s", want, out)
		}
	}
	if strings.Count(out, "<fieldset>") != 4 || strings.Count(out, "<legend") != 4 {
		t.Errorf("want a fieldset with a legend for each of the 4 facets with values in %s", out)
	}
	// The button that applies the filters is in the panel, last.
	if !strings.HasSuffix(out, "</button></p>\n</details>\n") {
		t.Errorf("the panel does not end with the apply button: %s", out)
	}

	// A facet showing all its values opens the panel.
	groups[1].Options = facetOptions("sdg", shownFacetValues+1, 0)
	if out := string(renderFacets(rqs["en"], groups)); !strings.Contains(out, `id="filter-panel" open>`) || !strings.Contains(out, `id="facet-sdg" open>`) {
		t.Errorf("a facet with all its values shown: the panel or the facet is closed in %s", out)
	}

	// The count of chosen values, as each language counts.
	for lang, want := range map[string]string{
		"en": "2 selected", "fr": "2 sélectionnés", "es": "2 seleccionados", "ru": "выбрано: 2", "zh": "已选2项", "ar": "قيمتان مختارتان",
	} {
		out := string(renderFacets(rqs[lang], groups[4:]))
		if !strings.Contains(out, `<span class="chosen">`+template.HTMLEscapeString(want)+`</span>`) {
			t.Errorf("%s: no %q in %s", lang, want, out)
		}
	}
}

// checkboxRE finds a facet checkbox's id, name and value, and the id its
// label is for.
var checkboxRE = regexp.MustCompile(`<input type="checkbox" id="([^"]*)" name="([^"]*)" value="([^"]*)"(?: checked)?> <label for="([^"]*)">`)

// TestRenderFacetsIDs: a checkbox's id names its value, not its place in
// the list, so that it stays with the value when the counts reorder the
// list; every value has its own id, valid in HTML and CSS, and its label
// is for it.
func TestRenderFacetsIDs(t *testing.T) {
	for _, tt := range []struct{ facet, value, want string }{
		{"wsis", "C7", "f-wsis-C7"},
		{"country", "KE", "f-country-KE"},
		{"target", "8.2", "f-target-8_2e2"},
		{"call", "sme-dx-2024", "f-call-sme-dx-2024"},
		{"group_now", "LDC", "f-group_now-LDC"},
		{"target", "8_2e2", "f-target-8_5f2e2"},
		{"call", `a "b"`, "f-call-a_20_22b_22"},
		{"call", "é", "f-call-_c3_a9"},
	} {
		if got := facetID(tt.facet, tt.value); got != tt.want {
			t.Errorf("facetID(%q, %q) = %q, want %q", tt.facet, tt.value, got, tt.want)
		}
	}
	// Values that a looser encoding would confuse.
	valid := regexp.MustCompile(`^f-[a-z_]+-[A-Za-z0-9_-]*$`)
	seen := map[string]string{}
	for _, v := range []string{"8.2", "8_2", "8-2", "8_2e2", "8 2", "82", "C7", "c7", "", "_", "-", "__", "é", "e\u0301", "9.c", "9.C", "<x>", "a/b", "a:b", "a#b"} {
		id := facetID("target", v)
		if !valid.MatchString(id) {
			t.Errorf("facetID(%q) = %q: not a plain id", v, id)
		}
		if other, ok := seen[id]; ok {
			t.Errorf("%q and %q share the id %q", v, other, id)
		}
		seen[id] = v
	}

	// The counts change the order of the values; each keeps its id.
	rq := typographyRequests(t)["en"]
	values := []app.LibraryFacet{{Value: "C7", Label: "E-business", Count: 9}, {Value: "C4", Label: "Capacity", Count: 5}, {Value: "C10", Label: "Ethics", Count: 2}}
	reordered := []app.LibraryFacet{values[2], values[0], values[1]}
	ids := func(values []app.LibraryFacet) map[string]string {
		g := new(Handler).facetGroup(rq, "wsis", values, []string{"C4"}, false, "")
		out := map[string]string{}
		for _, m := range checkboxRE.FindAllStringSubmatch(string(renderFacets(rq, []facetGroup{g})), -1) {
			if m[1] != m[4] {
				t.Errorf("the box %q has a label for %q", m[1], m[4])
			}
			out[m[3]] = m[1]
		}
		return out
	}
	before, after := ids(values), ids(reordered)
	if len(before) != len(values) {
		t.Fatalf("boxes %v, want one for each of %d values", before, len(values))
	}
	for v, id := range before {
		if id != facetID("wsis", v) || after[v] != id {
			t.Errorf("%s: id %q, then %q after the counts changed, want %q", v, id, after[v], facetID("wsis", v))
		}
	}
}

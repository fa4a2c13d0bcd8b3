package web

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// facetOptions makes n options of a facet, the first chosen of them
// checked.
func facetOptions(facet string, n, chosen int) []facetOption {
	var out []facetOption
	for i := range n {
		out = append(out, facetOption{ID: "f-" + facet + "-" + strconv.Itoa(i), Value: "v" + strconv.Itoa(i),
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

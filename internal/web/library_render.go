package web

import (
	"html/template"
	"strings"
)

// The two parts of the library's search page that repeat most — the
// result items and the facet options, about 130 elements on every page —
// are written here rather than in library_search.html. Through
// html/template they cost most of an uncached page's time (reflection and
// contextual escaping on every one of a few hundred actions); here they
// cost a few microseconds. Every text and attribute goes through writeEsc, and
// every URL is one the handler built from escaped query parameters.

// writeEsc escapes s for HTML text and double-quoted attribute values.
func writeEsc(b *strings.Builder, s string) {
	b.WriteString(template.HTMLEscapeString(s))
}

// renderItems writes the page's results as list items.
func renderItems(items []libraryItemView) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 640)
	for _, it := range items {
		b.WriteString("\n<li class=\"card\">\n<h3><a href=\"")
		writeEsc(&b, it.Href)
		b.WriteString("\" lang=\"")
		writeEsc(&b, it.Lang)
		b.WriteString("\" dir=\"auto\">")
		writeEsc(&b, it.Title)
		b.WriteString("</a></h3>\n<p class=\"meta muted\"><bdi>")
		writeEsc(&b, it.ID)
		b.WriteString("</bdi>")
		for _, s := range []string{it.Countries, it.Year} {
			if s != "" {
				b.WriteString(" · ")
				writeEsc(&b, s)
			}
		}
		if it.WSIS != "" {
			b.WriteString(" · <span dir=\"ltr\">")
			writeEsc(&b, it.WSIS)
			b.WriteString("</span>")
		}
		if it.OtherLang != "" {
			b.WriteString(" · <span class=\"tag\">")
			writeEsc(&b, it.OtherLang)
			b.WriteString("</span>")
		}
		b.WriteString("</p>\n<p lang=\"")
		writeEsc(&b, it.Lang)
		b.WriteString("\" dir=\"auto\">")
		writeEsc(&b, it.Summary)
		b.WriteString("</p>\n</li>")
	}
	return template.HTML(b.String()) // every value escaped above
}

// renderFacets writes the filter form's facets: a fieldset of checkboxes
// with their counts for each facet that has values, and the button that
// applies them (for readers without JavaScript).
func renderFacets(rq *request, groups []facetGroup) template.HTML {
	var b strings.Builder
	b.Grow(16 << 10)
	b.WriteString("\n<h2 id=\"filters\">")
	writeEsc(&b, rq.T("library.filters"))
	b.WriteString("</h2>")
	for _, g := range groups {
		if len(g.Options) == 0 {
			continue
		}
		b.WriteString("\n<fieldset id=\"facet-")
		writeEsc(&b, g.Name)
		b.WriteString("\">\n<legend>")
		writeEsc(&b, g.Legend)
		b.WriteString("</legend>\n<ul class=\"facet\">")
		for _, o := range g.Options {
			b.WriteString("\n<li><input type=\"checkbox\" id=\"")
			writeEsc(&b, o.ID)
			b.WriteString("\" name=\"")
			writeEsc(&b, g.Name)
			b.WriteString("\" value=\"")
			writeEsc(&b, o.Value)
			b.WriteString("\"")
			if o.Checked {
				b.WriteString(" checked")
			}
			b.WriteString("> <label for=\"")
			writeEsc(&b, o.ID)
			b.WriteString("\">")
			writeEsc(&b, o.Label)
			b.WriteString(" <span class=\"count\">(")
			writeEsc(&b, o.Count)
			b.WriteString(")</span></label></li>")
		}
		b.WriteString("\n</ul>")
		if g.More != "" {
			b.WriteString("<p><a href=\"")
			writeEsc(&b, g.More)
			b.WriteString("\">")
			writeEsc(&b, g.MoreText)
			b.WriteString("</a></p>")
		}
		b.WriteString("\n</fieldset>")
	}
	b.WriteString("\n<p><button type=\"submit\" class=\"secondary\" data-apply>")
	writeEsc(&b, rq.T("library.apply"))
	b.WriteString("</button></p>\n")
	return template.HTML(b.String()) // every value escaped above
}

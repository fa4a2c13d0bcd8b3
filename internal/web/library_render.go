package web

import (
	"bytes"
	"html/template"
	"strconv"
	"sync"

	"github.com/dxatlas/dxatlas/internal/i18n"
)

// The parts of the library's search page that repeat — the result items
// and the facet options, about 130 elements on every page, then the sort
// menu, the pager, the export links and (in pages.go) the language
// switcher — are written here rather than in the templates. Through
// html/template they cost most of an uncached page's time (reflection and
// contextual escaping on every one of a few hundred actions); here they
// cost a few microseconds. Every text and attribute goes through writeEsc, and
// every URL is one the handler built from escaped query parameters.

// writeEsc escapes s for HTML text and double-quoted attribute values,
// as template.HTMLEscapeString does, straight into b. A page writes some
// six hundred values; HTMLEscapeString looked for the special characters
// by building a set on each call, which cost more than writing them.
func writeEsc(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// fragmentBufs are the buffers the parts are written into; the strings
// made of them are copies of their size, which the item cache keeps.
var fragmentBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 32<<10)) }}

// renderItem writes one result as a list item, every value escaped.
func renderItem(it libraryItemView) string {
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	b.WriteString("\n<li class=\"card\">\n<h3><a href=\"")
	writeEsc(b, it.Href)
	b.WriteString("\" lang=\"")
	writeEsc(b, it.Lang)
	b.WriteString("\" dir=\"")
	b.WriteString(i18n.TextDir(it.Lang))
	b.WriteString("\">")
	writeEsc(b, it.Title)
	b.WriteString("</a></h3>\n<p class=\"meta muted\"><bdi>")
	writeEsc(b, it.ID)
	b.WriteString("</bdi>")
	for _, s := range []string{it.Countries, it.Year} {
		if s != "" {
			b.WriteString(" · ")
			writeEsc(b, s)
		}
	}
	if it.WSIS != "" {
		b.WriteString(" · <span dir=\"ltr\">")
		writeEsc(b, it.WSIS)
		b.WriteString("</span>")
	}
	if it.OtherLang != "" {
		b.WriteString(" · <span class=\"tag\">")
		writeEsc(b, it.OtherLang)
		b.WriteString("</span>")
	}
	b.WriteString("</p>\n<p lang=\"")
	writeEsc(b, it.Lang)
	b.WriteString("\" dir=\"")
	b.WriteString(i18n.TextDir(it.Lang))
	b.WriteString("\">")
	writeEsc(b, it.Summary)
	b.WriteString("</p>\n</li>")
	return b.String()
}

// renderFacets writes the filter form's facets and the button that
// applies them (for readers without JavaScript). On a phone the facets
// fold into one panel, closed unless the reader is going through every
// value of a facet, so that the results are a flick away rather than
// under a dozen lists; from 60rem the stylesheet shows the panel's
// content as a sidebar. Each facet is a disclosure of its own, open when
// a value is chosen or all its values are shown, and the first also by
// default; its summary names it and counts the chosen values, and its
// checkboxes are a fieldset whose legend names the group again for
// screen readers.
func renderFacets(rq *request, groups []facetGroup) template.HTML {
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	chosen, browsing := 0, false
	for _, g := range groups {
		chosen += checkedOptions(g)
		// More values than a facet shows by itself: the reader asked for
		// all of them (or chose many), and is choosing.
		browsing = browsing || len(g.Options) > shownFacetValues
	}
	b.WriteString("\n<a class=\"skip-results\" href=\"#results\">")
	writeEsc(b, rq.T("library.skip_results"))
	b.WriteString("</a>\n<h2 id=\"filters\">")
	writeEsc(b, rq.T("library.filters"))
	b.WriteString("</h2>\n<details class=\"filter-panel\" id=\"filter-panel\"")
	if browsing {
		b.WriteString(" open")
	}
	b.WriteString(">\n<summary>")
	writeEsc(b, rq.T("library.filters"))
	writeChosen(b, rq, chosen)
	b.WriteString("</summary>")
	first := true
	for _, g := range groups {
		if len(g.Options) == 0 {
			continue
		}
		n := checkedOptions(g)
		b.WriteString("\n<details class=\"facet-group\" id=\"facet-")
		writeEsc(b, g.Name)
		b.WriteString("\"")
		if first || n > 0 || len(g.Options) > shownFacetValues {
			b.WriteString(" open")
		}
		first = false
		b.WriteString(">\n<summary>")
		writeEsc(b, g.Legend)
		writeChosen(b, rq, n)
		b.WriteString("</summary>\n<fieldset>\n<legend class=\"visually-hidden\">")
		writeEsc(b, g.Legend)
		b.WriteString("</legend>\n<ul class=\"facet\">")
		for _, o := range g.Options {
			b.WriteString("\n<li><input type=\"checkbox\" id=\"")
			writeEsc(b, o.ID)
			b.WriteString("\" name=\"")
			writeEsc(b, g.Name)
			b.WriteString("\" value=\"")
			writeEsc(b, o.Value)
			b.WriteString("\"")
			if o.Checked {
				b.WriteString(" checked")
			}
			b.WriteString("> <label for=\"")
			writeEsc(b, o.ID)
			b.WriteString("\">")
			writeEsc(b, o.Label)
			b.WriteString(" <span class=\"count\">(")
			writeEsc(b, o.Count)
			b.WriteString(")</span></label></li>")
		}
		b.WriteString("\n</ul>")
		if g.More != "" {
			b.WriteString("<p><a href=\"")
			writeEsc(b, g.More)
			b.WriteString("\">")
			writeEsc(b, g.MoreText)
			b.WriteString("</a></p>")
		}
		b.WriteString("\n</fieldset>\n</details>")
	}
	b.WriteString("\n<p><button type=\"submit\" class=\"secondary\" data-apply>")
	writeEsc(b, rq.T("library.apply"))
	b.WriteString("</button></p>\n</details>\n")
	return template.HTML(b.String()) // every value escaped above
}

// checkedOptions counts a facet's chosen values.
func checkedOptions(g facetGroup) int {
	n := 0
	for _, o := range g.Options {
		if o.Checked {
			n++
		}
	}
	return n
}

// writeChosen writes how many values are chosen, in a summary; nothing
// when none is.
func writeChosen(b *bytes.Buffer, rq *request, n int) {
	if n == 0 {
		return
	}
	b.WriteString(" <span class=\"chosen\">")
	writeEsc(b, rq.L.Tn("library.facet.selected", n, map[string]any{"Count": rq.L.FormatInt(int64(n))}))
	b.WriteString("</span>")
}

// renderSortOptions writes the sort menu's options.
func renderSortOptions(opts []option) template.HTML {
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	for _, o := range opts {
		b.WriteString("<option value=\"")
		writeEsc(b, o.Value)
		b.WriteString("\"")
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		writeEsc(b, o.Label)
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // every value escaped above
}

// renderPager writes the links to the other pages of results: nothing
// when there is only one.
func renderPager(rq *request, p pager) template.HTML {
	if len(p.Pages) == 0 {
		return ""
	}
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	b.WriteString("\n<nav class=\"pages\" aria-label=\"")
	writeEsc(b, rq.T("library.pages"))
	b.WriteString("\">\n<p>")
	writeEsc(b, p.Text)
	b.WriteString("</p>\n<ul>")
	if p.Prev != "" {
		b.WriteString("<li><a href=\"")
		writeEsc(b, p.Prev)
		b.WriteString("\" rel=\"prev\">")
		writeEsc(b, rq.T("library.prev"))
		b.WriteString("</a></li>")
	}
	for _, l := range p.Pages {
		b.WriteString("<li>")
		if l.Gap {
			b.WriteString("<span aria-hidden=\"true\">…</span> ")
		}
		b.WriteString("<a href=\"")
		writeEsc(b, l.Href)
		b.WriteString("\"")
		if l.Current {
			b.WriteString(" aria-current=\"page\"")
		}
		b.WriteString(">")
		b.WriteString(strconv.Itoa(l.N))
		b.WriteString("</a></li>")
	}
	if p.Next != "" {
		b.WriteString("<li><a href=\"")
		writeEsc(b, p.Next)
		b.WriteString("\" rel=\"next\">")
		writeEsc(b, rq.T("library.next"))
		b.WriteString("</a></li>")
	}
	b.WriteString("\n</ul>\n</nav>")
	return template.HTML(b.String()) // every value escaped above
}

// renderExportLinks writes the links to the exports, separated by dots.
func renderExportLinks(links []navLink) template.HTML {
	b := fragmentBufs.Get().(*bytes.Buffer)
	defer fragmentBufs.Put(b)
	b.Reset()
	for i, l := range links {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString("<a href=\"")
		writeEsc(b, l.Href)
		b.WriteString("\">")
		writeEsc(b, l.Text)
		b.WriteString("</a>")
	}
	return template.HTML(b.String()) // every value escaped above
}

// Package charts renders the statistics page's charts as inline SVG: bar
// charts and a world choropleth map. They need no JavaScript, no external
// font and no stylesheet rule (the site's Content-Security-Policy forbids
// inline styles, so all styling is in presentation attributes), and they
// stay readable in right-to-left pages.
//
// Each chart is an <svg role="img"> named by its <title> and <desc>.
// Screen readers announce it as one image, so the page must show the same
// data as an HTML table next to it; and an image holds no links (WCAG
// 4.1.2: an image's content is not operable), so the table carries them.
//
// Every text that reaches the output (titles, labels, values) is escaped:
// labels come from translations and from applicants.
package charts

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/bidi"
	"golang.org/x/text/width"
)

// builder accumulates SVG markup.
type builder struct{ strings.Builder }

// text writes s escaped for XML and HTML alike, without the characters
// that XML 1.0 forbids.
func (b *builder) text(s string) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case !xmlChar(r):
		default:
			b.WriteRune(r)
		}
	}
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r == utf8.RuneError:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}

// attr writes ` name="value"` with value escaped.
func (b *builder) attr(name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	b.text(value)
	b.WriteByte('"')
}

// num writes v rounded to one decimal, in its shortest form.
func (b *builder) num(v float64) {
	b.WriteString(formatNum(v))
}

func formatNum(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// numAttr writes ` name="v"`.
func (b *builder) numAttr(name string, v float64) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	b.num(v)
	b.WriteByte('"')
}

// open writes the root element with its accessible name and description.
// The caller adds any further attributes and the closing ">".
func (b *builder) open(id, class, lang, viewBox string) {
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg"`)
	b.attr("class", class)
	b.attr("viewBox", viewBox)
	b.WriteString(` role="img"`)
	b.attr("aria-labelledby", id+"-t "+id+"-d")
	if lang != "" {
		b.attr("lang", lang)
	}
}

// titleDesc writes the <title> and <desc> that aria-labelledby names.
func (b *builder) titleDesc(id, title, desc string) {
	b.WriteString(`<title`)
	b.attr("id", id+"-t")
	b.WriteByte('>')
	b.text(title)
	b.WriteString(`</title><desc`)
	b.attr("id", id+"-d")
	b.WriteByte('>')
	b.text(desc)
	b.WriteString(`</desc>`)
}

// chartID returns id, kept to the letters, digits, "-" and "_" that are
// safe in an id and in a url(#id) reference, or, when that leaves nothing,
// an id derived from the chart's content: stable across renders (so pages
// cache and tests compare), distinct for charts with different titles.
func chartID(id, kind string, parts ...string) string {
	id = strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_') {
			return r
		}
		return -1
	}, id)
	if id != "" {
		if !unicode.IsLetter(rune(id[0])) {
			id = kind + "-" + id
		}
		return id
	}
	h := fnv.New32a()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return fmt.Sprintf("%s-%08x", kind, h.Sum32())
}

// direction returns "rtl" or "ltr".
func direction(dir string) string {
	if strings.EqualFold(strings.TrimSpace(dir), "rtl") {
		return "rtl"
	}
	return "ltr"
}

// numberDir returns the direction a formatted number must be laid out in.
// A number written without right-to-left letters or Arabic-Indic digits
// ("1,234", "2–3", "-5 %") keeps its left-to-right order inside Arabic
// text; otherwise it follows the page.
func numberDir(s, pageDir string) string {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL, bidi.AN:
			return pageDir
		}
	}
	return "ltr"
}

// textAnchor returns the text-anchor that makes text written in textDir
// run from its x position onward in the chart's direction: rightwards in a
// left-to-right chart, leftwards in a right-to-left one.
func textAnchor(chartDir, textDir string) string {
	if chartDir == textDir {
		return "start"
	}
	return "end"
}

// dirAttrs writes the direction of a text element and, when it differs
// from the chart's, isolates it so its own order wins.
func (b *builder) dirAttrs(chartDir, textDir string) {
	b.attr("direction", textDir)
	if textDir != chartDir {
		b.WriteString(` unicode-bidi="embed"`)
	}
	b.attr("text-anchor", textAnchor(chartDir, textDir))
}

// textWidth estimates the rendered width of s in a sans-serif font of the
// given size. The charts carry no font, so this errs on the wide side.
func textWidth(s string, size float64) float64 {
	var w float64
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * size
}

func runeWidth(r rune) float64 {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case wide(r):
		return 1
	case r == ' ' || r == '\u00a0':
		return 0.3
	case strings.ContainsRune("il.,:;'|!()[]{}", r):
		return 0.32
	case strings.ContainsRune("mwMW@%", r):
		return 0.9
	case unicode.IsUpper(r):
		return 0.7
	case unicode.IsDigit(r):
		return 0.58
	}
	return 0.58
}

func wide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// noBreakBefore lists closing punctuation that must not start a line in
// Chinese text; noBreakAfter the opening punctuation that must not end one.
const (
	noBreakBefore = "，。、：；！？）」』】》〉”’…·"
	noBreakAfter  = "（「『【《〈“‘"
)

// wrap breaks s into lines no wider than max, at spaces and between
// ideographs, and keeps at most maxLines of them; it reports whether text
// was cut, the last line then ending in an ellipsis.
func wrap(s string, max, size float64, maxLines int) (lines []string, cut bool) {
	units := breakUnits(strings.Join(strings.Fields(s), " "))
	var raw []string // lines as broken, with their trailing space
	var line strings.Builder
	fits := func(t string) bool { return textWidth(strings.TrimRight(t, " "), size) <= max }
	for i := 0; i < len(units); i++ {
		if fits(line.String() + units[i]) {
			line.WriteString(units[i])
			continue
		}
		if line.Len() == 0 {
			// One unit wider than a line: split it between runes.
			head, tail := splitAt(units[i], max, size)
			line.WriteString(head)
			units[i] = tail
		}
		raw = append(raw, line.String())
		line.Reset()
		i-- // the unit, or what is left of it, starts the next line
		if len(raw) == maxLines {
			last := []rune(raw[len(raw)-1] + strings.Join(units[i+1:], ""))
			raw[len(raw)-1] = ellipsis(last, max, size)
			cut = true
			break
		}
	}
	if !cut && line.Len() > 0 {
		raw = append(raw, line.String())
	}
	for _, l := range raw {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	return lines, cut
}

// ellipsis shortens text until it fits in max with "…" after it.
func ellipsis(text []rune, max, size float64) string {
	for len(text) > 0 {
		candidate := strings.TrimRight(string(text), " ") + "…"
		if textWidth(candidate, size) <= max {
			return candidate
		}
		// Drop the last letter with its combining marks.
		for len(text) > 0 && unicode.In(text[len(text)-1], unicode.Mn, unicode.Me) {
			text = text[:len(text)-1]
		}
		if len(text) > 0 {
			text = text[:len(text)-1]
		}
	}
	return "…"
}

// splitAt returns the longest prefix of s (at least one rune) that fits in
// max, and the rest; combining marks stay with their base.
func splitAt(s string, max, size float64) (string, string) {
	rs := []rune(s)
	n := 1
	for n < len(rs) && (textWidth(string(rs[:n+1]), size) <= max || unicode.In(rs[n], unicode.Mn, unicode.Me)) {
		n++
	}
	return string(rs[:n]), string(rs[n:])
}

// breakUnits splits s into pieces between which a line may break: words
// with their trailing space, and single ideographs.
func breakUnits(s string) []string {
	var units []string
	var cur strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		cur.WriteRune(r)
		if i == len(rs)-1 {
			break
		}
		next := rs[i+1]
		brk := r == ' ' ||
			(wide(r) || wide(next)) && next != ' ' &&
				!strings.ContainsRune(noBreakBefore, next) &&
				!strings.ContainsRune(noBreakAfter, r) &&
				!unicode.In(next, unicode.Mn, unicode.Me)
		if brk {
			units = append(units, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		units = append(units, cur.String())
	}
	return units
}

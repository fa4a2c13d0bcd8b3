package charts

import (
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Bar is one bar of a BarChart.
type Bar struct {
	Label string  // what the bar counts, as the reader reads it
	Value string  // N formatted for the reader; empty: N in plain digits
	N     float64 // the bar's length relative to the others; N ≤ 0 or NaN draws none
}

// BarChart is a horizontal bar chart. Labels sit above their bars, so long
// ones have the chart's full width; those longer than two lines are cut
// with an ellipsis and given whole in a tooltip.
type BarChart struct {
	// ID names the chart's elements; it must be unique in the page. Empty:
	// derived from the title and description.
	ID          string
	Title, Desc string // accessible name and description
	Bars        []Bar
	Dir         string // "ltr" or "rtl": bars grow from the right in "rtl"
	Lang        string // BCP 47 tag of the labels
	// Width is the view box width, which is also the chart's width in CSS
	// pixels at most; the page's max-inline-size: 100% shrinks it, text
	// and all, on narrow screens. 0 means 480, whose 14-unit text stays
	// above 10 px on a 360 px screen.
	Width int
}

// Rows returns a copy of the chart's bars, for the table that must
// accompany the chart.
func (c BarChart) Rows() []Bar { return slices.Clone(c.Bars) }

// Bar chart geometry, in user units (CSS pixels at the natural width).
const (
	barPad      = 8.0
	barFont     = 14.0
	barLineH    = 18.0
	barHeight   = 16.0
	barLabelGap = 4.0
	barRowGap   = 14.0
	barValueGap = 6.0
	barMaxLines = 2
	barFill     = "#2b6cb0" // 5.4:1 on white; WCAG asks 3:1 of graphics
)

type barRow struct {
	lines []string
	cut   bool // the label is cut: its tooltip gives it whole
	value string
	n     float64
	label string
}

// Bars renders c as an inline SVG element. To keep it small, what rows
// share is said once: the labels, the bars and the values are each drawn
// in a group that carries their common attributes.
func Bars(c BarChart) template.HTML {
	dir := direction(c.Dir)
	w := float64(c.Width)
	if c.Width <= 0 {
		w = 480
	}
	w = math.Min(math.Max(w, 240), 2400)
	id := chartID(c.ID, "bars", c.Title, c.Desc, c.Lang)

	rows := make([]barRow, len(c.Bars))
	var maxN, valueW float64
	for i, bar := range c.Bars {
		n := bar.N
		if math.IsNaN(n) || n < 0 {
			n = 0
		}
		v := bar.Value
		if v == "" {
			v = plainNumber(bar.N)
		}
		lines, cut := wrap(bar.Label, w-2*barPad, barFont, barMaxLines)
		rows[i] = barRow{lines: lines, cut: cut, value: v, n: n, label: bar.Label}
		maxN = math.Max(maxN, n)
		valueW = math.Max(valueW, textWidth(v, barFont))
	}
	plot := math.Max(w-2*barPad-valueW-barValueGap, w/3)

	// Each row's top: its label lines, then its bar.
	tops := make([]float64, len(rows))
	h := barPad
	for i, r := range rows {
		if i > 0 {
			h += barRowGap
		}
		tops[i] = h
		h += float64(len(r.lines))*barLineH + barLabelGap + barHeight
	}
	h += barPad
	barTop := func(i int) float64 { return tops[i] + float64(len(rows[i].lines))*barLineH + barLabelGap }
	length := func(r barRow) float64 {
		if maxN > 0 && r.n > 0 {
			return math.Max(r.n/maxN*plot, 1) // a non-zero bar stays visible
		}
		return 0
	}

	var b builder
	b.Grow(512 + 160*len(rows))
	b.open(id, "dx-chart dx-bars", c.Lang, "0 0 "+formatNum(w)+" "+formatNum(h))
	b.numAttr("width", w)
	b.WriteByte('>')
	b.titleDesc(id, c.Title, c.Desc)
	b.WriteString(`<g fill="currentColor"`)
	b.numAttr("font-size", barFont)
	b.attr("direction", dir)
	b.WriteByte('>')

	// The labels, above their bars, at the chart's start.
	labelX := barPad
	if dir == "rtl" {
		labelX = w - barPad
	}
	for i, r := range rows {
		for k, line := range r.lines {
			b.WriteString("<text")
			b.numAttr("x", labelX)
			b.numAttr("y", tops[i]+barFont+float64(k)*barLineH)
			b.WriteByte('>')
			if k == 0 && r.cut {
				b.WriteString("<title>")
				b.text(labelValue(c.Lang, strings.Join(strings.Fields(r.label), " "), r.value))
				b.WriteString("</title>")
			}
			b.text(line)
			b.WriteString("</text>")
		}
	}

	// The bars.
	b.WriteString(`<g fill="` + barFill + `">`)
	for i, r := range rows {
		l := length(r)
		if l == 0 {
			continue
		}
		x := barPad
		if dir == "rtl" {
			x = w - barPad - l
		}
		b.WriteString("<rect")
		b.numAttr("x", x)
		b.numAttr("y", barTop(i))
		b.numAttr("width", l)
		b.numAttr("height", barHeight)
		b.WriteString("/>")
	}
	b.WriteString("</g>")

	// The values, after the bars' ends, grouped by how they are laid
	// out: numbers in Latin digits run left to right even in Arabic.
	for start := 0; start < len(rows); {
		vdir := numberDir(rows[start].value, dir)
		end := start + 1
		for end < len(rows) && numberDir(rows[end].value, dir) == vdir {
			end++
		}
		// direction and text-anchor are inherited; unicode-bidi, which
		// isolates a number from the chart's direction, is not.
		b.WriteString("<g")
		b.attr("direction", vdir)
		b.attr("text-anchor", textAnchor(dir, vdir))
		b.WriteByte('>')
		for i := start; i < end; i++ {
			x := barPad + length(rows[i]) + barValueGap
			if dir == "rtl" {
				x = w - barPad - length(rows[i]) - barValueGap
			}
			b.WriteString("<text")
			if vdir != dir {
				b.WriteString(` unicode-bidi="embed"`)
			}
			b.numAttr("x", x)
			b.numAttr("y", barTop(i)+barHeight/2+barFont*0.35)
			b.WriteByte('>')
			b.text(rows[i].value)
			b.WriteString("</text>")
		}
		b.WriteString("</g>")
		start = end
	}
	b.WriteString("</g></svg>")
	return template.HTML(b.String())
}

// plainNumber formats v in ASCII digits, as short as it is exact.
func plainNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// labelValue joins a label and its value for a tooltip ("Kenya: 4"), with
// the colon each language writes.
func labelValue(lang, label, value string) string {
	switch primary(lang) {
	case "zh", "ja":
		return label + "：" + value
	case "fr":
		return label + "\u00a0: " + value
	}
	return label + ": " + value
}

// primary returns the language subtag of a BCP 47 tag, in lower case.
func primary(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	base, _, _ = strings.Cut(base, "_")
	return strings.ToLower(base)
}

package charts

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// actionLines is a chart as the statistics page draws it: long labels, a
// zero.
func actionLines(lang, dir string) BarChart {
	labels := map[string][]string{
		"en": {
			"C7 ICT applications (e-government, e-business, e-learning, e-health, e-employment, e-environment, e-agriculture, e-science)",
			"C5 Building confidence and security in the use of ICTs",
			"C4 Capacity building",
			"C6 Enabling environment",
		},
		"ar": {
			"C7 تطبيقات تكنولوجيا المعلومات والاتصالات (الحكومة الإلكترونية، والأعمال التجارية الإلكترونية، والتعلّم الإلكتروني، والصحة الإلكترونية، والعمل الإلكتروني)",
			"C5 بناء الثقة والأمن في استعمال تكنولوجيا المعلومات والاتصالات",
			"C4 بناء القدرات",
			"C6 البيئة التمكينية",
		},
	}[lang]
	return BarChart{
		Title: map[string]string{"en": "Cases by WSIS action line", "ar": "الحالات حسب خط عمل القمة العالمية"}[lang],
		Desc:  map[string]string{"en": "Number of published cases for each action line; the table below gives the figures.", "ar": "عدد الحالات المنشورة لكل خط عمل؛ يعرض الجدول أدناه الأرقام."}[lang],
		Dir:   dir,
		Lang:  lang,
		Bars: []Bar{
			{Label: labels[0], Value: "128", N: 128},
			{Label: labels[1], Value: "47 (21%)", N: 47},
			{Label: labels[2], Value: "9", N: 9},
			{Label: labels[3], Value: "0", N: 0},
		},
	}
}

func TestBarsGolden(t *testing.T) {
	tests := []struct{ name, lang, dir string }{
		{"bars-en.svg.golden", "en", "ltr"},
		{"bars-ar.svg.golden", "ar", "rtl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := actionLines(tt.lang, tt.dir)
			out := string(Bars(c))
			root := parseSVG(t, out)
			checkAccessibleName(t, root, c.Title, c.Desc)
			golden(t, tt.name, out)
		})
	}
}

// barGeometry returns the bars' rectangles and the value texts' x
// positions and anchors.
type barGeometry struct {
	width      float64
	rects      [][2]float64 // x, width
	labelX     []float64
	labelDir   string
	valueX     []float64
	valueAttrs []string // direction, unicode-bidi, text-anchor
}

func measureBars(t *testing.T, c BarChart) barGeometry {
	t.Helper()
	root := parseSVG(t, string(Bars(c)))
	g := barGeometry{width: root.num(t, "width")}
	if vb := strings.Fields(root.attr("viewBox")); len(vb) != 4 || vb[2] != root.attr("width") {
		t.Fatalf("viewBox %q does not match width %q", root.attr("viewBox"), root.attr("width"))
	}
	// inherited returns an attribute as an element inherits it.
	inherited := func(n node, path []node, name string) string {
		v := n.attr(name)
		for i := len(path) - 1; i >= 0 && v == ""; i-- {
			v = path[i].attr(name)
		}
		return v
	}
	root.walk(func(n node, path []node) {
		switch n.XMLName.Local {
		case "g":
			if d := n.attr("direction"); d != "" && g.labelDir == "" {
				g.labelDir = d
			}
		case "rect":
			g.rects = append(g.rects, [2]float64{n.num(t, "x"), n.num(t, "width")})
		case "text":
			anchor := inherited(n, path, "text-anchor")
			if anchor == "" {
				g.labelX = append(g.labelX, n.num(t, "x"))
				return
			}
			g.valueX = append(g.valueX, n.num(t, "x"))
			g.valueAttrs = append(g.valueAttrs, inherited(n, path, "direction")+" "+n.attr("unicode-bidi")+" "+anchor)
		}
	})
	return g
}

func TestBarsMirrorInRTL(t *testing.T) {
	c := actionLines("en", "ltr")
	ltr := measureBars(t, c)
	c.Dir = "rtl"
	rtl := measureBars(t, c)

	if ltr.labelDir != "ltr" || rtl.labelDir != "rtl" {
		t.Errorf("text direction %q and %q, want ltr and rtl", ltr.labelDir, rtl.labelDir)
	}
	if len(ltr.rects) != 3 || len(rtl.rects) != 3 {
		t.Fatalf("%d and %d bars drawn, want 3 (the zero draws none)", len(ltr.rects), len(rtl.rects))
	}
	for i := range ltr.rects {
		l, r := ltr.rects[i], rtl.rects[i]
		if l[1] != r[1] {
			t.Errorf("bar %d is %v long in ltr, %v in rtl", i, l[1], r[1])
		}
		if l[0] != barPad {
			t.Errorf("ltr bar %d starts at %v, want the left edge %v", i, l[0], barPad)
		}
		if math.Abs(r[0]+r[1]-(rtl.width-barPad)) > 0.1 {
			t.Errorf("rtl bar %d ends at %v, want the right edge %v", i, r[0]+r[1], rtl.width-barPad)
		}
	}
	for _, x := range ltr.labelX {
		if x != barPad {
			t.Errorf("ltr label at x=%v, want %v", x, barPad)
		}
	}
	for _, x := range rtl.labelX {
		if x != rtl.width-barPad {
			t.Errorf("rtl label at x=%v, want %v", x, rtl.width-barPad)
		}
	}
	for i := range ltr.valueX {
		if math.Abs(ltr.valueX[i]-(rtl.width-rtl.valueX[i])) > 0.1 {
			t.Errorf("value %d at x=%v in ltr but %v in rtl, not mirrored", i, ltr.valueX[i], rtl.valueX[i])
		}
		// Latin digits stay left to right; in rtl they run leftwards from
		// the bar's end, so they are anchored at their end.
		if ltr.valueAttrs[i] != "ltr  start" {
			t.Errorf("ltr value %d: %q", i, ltr.valueAttrs[i])
		}
		if rtl.valueAttrs[i] != "ltr embed end" {
			t.Errorf("rtl value %d: %q", i, rtl.valueAttrs[i])
		}
	}
}

func TestBarsScale(t *testing.T) {
	c := BarChart{Title: "t", Desc: "d", Width: 600, Bars: []Bar{
		{Label: "a", N: 10},
		{Label: "b", N: 5},
		{Label: "c", N: 0.001}, // tiny but not zero: still visible
		{Label: "d", N: math.NaN()},
		{Label: "e", N: -3},
	}}
	g := measureBars(t, c)
	if len(g.rects) != 3 {
		t.Fatalf("%d bars, want 3 (NaN and negative draw none)", len(g.rects))
	}
	if g.rects[0][0]+g.rects[0][1] > 600-barPad {
		t.Errorf("longest bar overflows: ends at %v", g.rects[0][0]+g.rects[0][1])
	}
	if got := g.rects[1][1] / g.rects[0][1]; math.Abs(got-0.5) > 0.01 {
		t.Errorf("bar 5 is %v of bar 10, want 0.5", got)
	}
	if g.rects[2][1] < 1 {
		t.Errorf("a tiny bar is %v wide, want at least 1", g.rects[2][1])
	}
	out := string(Bars(c))
	if !strings.Contains(out, ">10</text>") || !strings.Contains(out, ">0.001</text>") {
		t.Errorf("values without Value are not written in plain digits:\n%s", out)
	}
}

func TestBarsEmpty(t *testing.T) {
	root := parseSVG(t, string(Bars(BarChart{Title: "No cases yet", Desc: "Nothing is published."})))
	checkAccessibleName(t, root, "No cases yet", "Nothing is published.")
	if n := len(root.all("rect")); n != 0 {
		t.Errorf("%d bars in an empty chart", n)
	}
}

func TestBarsLongLabel(t *testing.T) {
	long := actionLines("en", "ltr").Bars[0].Label
	root := parseSVG(t, string(Bars(BarChart{Title: "t", Desc: "d", Width: 360, Bars: []Bar{{Label: long, Value: "3", N: 3}}})))
	var lines []string
	root.walk(func(n node, path []node) {
		if n.XMLName.Local != "text" || slices.ContainsFunc(path, func(g node) bool { return g.attr("text-anchor") != "" }) {
			return // a value
		}
		lines = append(lines, n.Text)
	})
	if len(lines) != barMaxLines || !strings.HasSuffix(lines[len(lines)-1], "…") {
		t.Errorf("label lines %q, want %d ending in an ellipsis", lines, barMaxLines)
	}
	titles := root.all("title")
	if len(titles) != 2 || titles[1].Text != long+": 3" {
		t.Fatalf("titles %v, want the chart's and the cut label's tooltip with the whole label and value", titles)
	}
}

// TestBarsNoLinksFewTooltips: a chart is an image, which holds nothing
// operable, and it repeats in tooltips only the labels it had to cut.
func TestBarsNoLinksFewTooltips(t *testing.T) {
	c := actionLines("en", "ltr")
	root := parseSVG(t, string(Bars(c)))
	if n := len(root.all("a")); n != 0 {
		t.Errorf("%d links in the chart", n)
	}
	var tips []string
	for _, n := range root.all("title")[1:] {
		tips = append(tips, n.Text)
	}
	if len(tips) != 1 || !strings.HasPrefix(tips[0], "C7 ICT applications") {
		t.Errorf("tooltips %q, want only the cut C7 label's", tips)
	}
}

func TestRows(t *testing.T) {
	c := actionLines("en", "ltr")
	rows := c.Rows()
	if len(rows) != len(c.Bars) || rows[0] != c.Bars[0] {
		t.Fatalf("Rows() = %v, want the bars", rows)
	}
	rows[0].Label = "changed"
	if c.Bars[0].Label == "changed" {
		t.Error("Rows() shares the chart's slice")
	}
}

func TestLabelValue(t *testing.T) {
	tests := []struct{ lang, want string }{
		{"en", "Kenya: 4"},
		{"zh-Hans", "Kenya：4"},
		{"fr", "Kenya\u00a0: 4"},
		{"ar", "Kenya: 4"},
		{"", "Kenya: 4"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := labelValue(tt.lang, "Kenya", "4"); got != tt.want {
				t.Errorf("labelValue(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

package charts

import (
	"bytes"
	"compress/gzip"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// realisticValues is a library a few years in: most countries with a case
// or two, a handful with many, many with none.
func realisticValues() map[string]float64 {
	v := map[string]float64{
		"KE": 41, "IN": 63, "CN": 38, "BR": 29, "NG": 33, "ID": 24, "MX": 18, "EG": 15,
		"ZA": 17, "PH": 14, "VN": 12, "BD": 11, "PK": 9, "CO": 8, "PE": 7, "AR": 6,
		"TZ": 7, "UG": 6, "RW": 5, "GH": 6, "SN": 4, "MA": 5, "TN": 3, "JO": 3,
		"FJ": 2, "TV": 1, "NR": 1, "WS": 1, "TO": 1, "BB": 2, "JM": 2, "TT": 1,
		"MU": 3, "SC": 1, "MV": 1, "CV": 1, "LU": 1, "SG": 4, "MT": 1, "BH": 1,
	}
	for i, c := range []string{"FR", "DE", "ES", "IT", "RU", "UA", "KZ", "UZ", "TR", "IR", "SA", "AE", "ET", "CM", "CI", "ML", "BF", "NE", "TD", "SD", "MZ", "ZM", "ZW", "MW", "AO", "CD", "MG", "LK", "NP", "MM", "TH", "KH", "LA", "MN", "KR", "JP", "PG", "CL", "BO", "PY", "UY", "EC", "GT", "HN", "SV", "NI", "CR", "PA", "DO", "HT", "CU", "US", "CA", "GB"} {
		v[c] = float64(1 + i%3)
	}
	return v
}

func realisticMap(lang, dir string) Map {
	return Map{
		Title:  "Published cases by country",
		Desc:   "A world map shaded by the number of published cases in each country; the table below lists them.",
		Values: realisticValues(),
		Label:  func(code string) string { return domain.CountryName(code, lang) },
		Dir:    dir,
		Lang:   lang,
		Legend: "Number of cases",
	}
}

func TestWorldMapGolden(t *testing.T) {
	m := realisticMap("en", "ltr")
	out := string(WorldMap(m))
	root := parseSVG(t, out)
	checkAccessibleName(t, root, m.Title, m.Desc)
	golden(t, "map-en.svg.golden", out)
}

// TestWorldMapSize keeps the map light enough for a page read over 2G.
func TestWorldMapSize(t *testing.T) {
	out := []byte(WorldMap(realisticMap("en", "ltr")))
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(out)
	zw.Close()
	t.Logf("map: %d bytes, %d gzipped; asset %d bytes", len(out), z.Len(), len(worldJSON))
	if z.Len() > 20<<10 {
		t.Errorf("map is %d bytes gzipped, over the 20 KiB budget", z.Len())
	}
	if len(worldJSON) > 120<<10 {
		t.Errorf("asset is %d bytes, over 120 KiB", len(worldJSON))
	}
}

var pathData = regexp.MustCompile(`^(M-?[0-9.]+[ -]?-?[0-9.]+l[-0-9. ]*z)+$`)

func TestAsset(t *testing.T) {
	w, err := parseWorld(worldJSON)
	if err != nil {
		t.Fatal(err)
	}
	codes, nums := map[string]bool{}, map[string]bool{}
	var paths, dots int
	for _, c := range w.Countries {
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code {
			t.Errorf("code %q is not ISO 3166-1 alpha-2", c.Code)
		}
		if _, err := strconv.Atoi(c.Num); err != nil || len(c.Num) != 3 {
			t.Errorf("%s: numeric code %q", c.Code, c.Num)
		}
		if codes[c.Code] || nums[c.Num] {
			t.Errorf("%s (%s) appears twice", c.Code, c.Num)
		}
		codes[c.Code], nums[c.Num] = true, true
		if c.D == "" && c.Dot == nil {
			t.Errorf("%s has neither a shape nor a dot", c.Code)
		}
		if c.D != "" {
			paths++
			if !pathData.MatchString(c.D) {
				t.Errorf("%s: path data %.60q… is not moves and relative lines", c.Code, c.D)
			}
		}
		if c.Dot != nil {
			dots++
			if x, y := c.Dot[0], c.Dot[1]; !(x >= 0 && x <= w.Width && y >= 0 && y <= w.Height) {
				t.Errorf("%s: dot at %v,%v outside the %vx%v map", c.Code, x, y, w.Width, w.Height)
			}
		}
		if d, ok := domain.CountryByCode(c.Code); !ok || d.M49 != c.Num {
			t.Errorf("%s: numeric %s, the country list says %q", c.Code, c.Num, d.M49)
		}
	}
	t.Logf("%d countries: %d shapes, %d dots", len(w.Countries), paths, dots)
	// Every country and territory that a case can name is on the map, but
	// Antarctica.
	for _, c := range domain.Countries() {
		if !codes[c.Code] && c.Code != "AQ" {
			t.Errorf("%s (%s) is not on the map", c.Code, c.Names["en"])
		}
	}
	// The small island states that the 110m data leaves out are dots.
	for _, c := range []string{"TV", "NR", "MV", "KI", "MH", "PW", "SC", "TO", "WS", "KN", "LC", "VC", "GD", "AG", "DM", "BB", "MU", "ST", "CV", "KM", "SG", "BH", "MT"} {
		i := slices.IndexFunc(w.Countries, func(m mapCountry) bool { return m.Code == c })
		if i < 0 || w.Countries[i].Dot == nil {
			t.Errorf("%s has no dot", c)
		}
	}
	if !slices.IsSorted(MapCodes()) || len(MapCodes()) != len(w.Countries) {
		t.Error("MapCodes() is not the sorted list of the asset's codes")
	}
}

// fills returns the fill of each country in a rendered map, by the
// tooltip's label.
func fills(t *testing.T, out string) (fill map[string]string) {
	t.Helper()
	root := parseSVG(t, out)
	fill = map[string]string{}
	root.walk(func(n node, path []node) {
		if n.XMLName.Local != "path" && n.XMLName.Local != "circle" {
			return
		}
		if len(n.Children) != 1 || n.Children[0].XMLName.Local != "title" {
			return // the legend's hatch pattern
		}
		label, _, _ := strings.Cut(strings.ReplaceAll(n.Children[0].Text, "：", ":"), ":")
		label = strings.TrimSpace(label)
		f := ""
		for _, p := range path {
			if v := p.attr("fill"); v != "" {
				f = v
			}
		}
		if prev, ok := fill[label]; ok && prev != f {
			t.Errorf("%s drawn in %s and in %s", label, prev, f)
		}
		fill[label] = f
	})
	return fill
}

func TestWorldMapClasses(t *testing.T) {
	const zero = "url(#m-z)"
	tests := []struct {
		name   string
		values map[string]float64
		want   map[string]string // code → fill; the rest must be zero
		legend []string
	}{
		{"all zero", map[string]float64{}, nil, []string{"0"}},
		{"explicit zeros and junk", map[string]float64{"KE": 0, "FR": -2, "US": math.NaN(), "XX": 5}, nil, []string{"0"}},
		{"one non-zero", map[string]float64{"KE": 3}, map[string]string{"KE": ramp[4]}, []string{"0", "3"}},
		{"two values", map[string]float64{"KE": 1, "TV": 9}, map[string]string{"KE": ramp[0], "TV": ramp[4]}, []string{"0", "1", "9"}},
		{"ties stay together", map[string]float64{"KE": 2, "UG": 2, "TZ": 2, "RW": 2, "BI": 2, "CD": 2, "IN": 7},
			map[string]string{"KE": ramp[0], "UG": ramp[0], "TZ": ramp[0], "RW": ramp[0], "BI": ramp[0], "CD": ramp[0], "IN": ramp[4]},
			[]string{"0", "2", "7"}},
		{"five quantiles", map[string]float64{"KE": 1, "UG": 2, "TZ": 3, "RW": 4, "BI": 5, "CD": 6, "IN": 7, "CN": 8, "BR": 9, "NR": 10},
			map[string]string{"KE": ramp[0], "UG": ramp[0], "TZ": ramp[1], "RW": ramp[1], "BI": ramp[2], "CD": ramp[2], "IN": ramp[3], "CN": ramp[3], "BR": ramp[4], "NR": ramp[4]},
			[]string{"0", "1–2", "3–4", "5–6", "7–8", "9–10"}},
		{"skewed counts", map[string]float64{"KE": 1, "UG": 1, "TZ": 1, "RW": 1, "BI": 1, "CD": 1, "IN": 2, "CN": 3, "BR": 50},
			map[string]string{"KE": ramp[0], "UG": ramp[0], "TZ": ramp[0], "RW": ramp[0], "BI": ramp[0], "CD": ramp[0], "IN": ramp[2], "CN": ramp[2], "BR": ramp[4]},
			[]string{"0", "1", "2–3", "50"}},
		{"fractions", map[string]float64{"KE": 0.5, "UG": 1.25, "TZ": 2.75},
			map[string]string{"KE": ramp[0], "UG": ramp[2], "TZ": ramp[4]},
			[]string{"0", "0.5", "1.25", "2.75"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(WorldMap(Map{ID: "m", Title: "t", Desc: "d", Values: tt.values}))
			fill := fills(t, out)
			if len(fill) != len(MapCodes()) {
				t.Errorf("%d countries drawn, want %d", len(fill), len(MapCodes()))
			}
			for _, code := range MapCodes() {
				want, ok := tt.want[code]
				if !ok {
					want = zero
				}
				if fill[code] != want {
					t.Errorf("%s filled %s, want %s", code, fill[code], want)
				}
			}
			root := parseSVG(t, out)
			var legend []string
			for _, n := range root.all("text") {
				legend = append(legend, n.Text)
			}
			if strings.Join(legend, " ") != strings.Join(tt.legend, " ") {
				t.Errorf("legend %q, want %q", legend, tt.legend)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		values []float64
		want   []class
	}{
		{nil, nil},
		{[]float64{0, 0, -1, math.NaN()}, nil},
		{[]float64{4}, []class{{4, 4, ramp[4]}}},
		{[]float64{4, 4, 4}, []class{{4, 4, ramp[4]}}},
		{[]float64{5, 10, 20}, []class{{5, 5, ramp[0]}, {10, 10, ramp[2]}, {20, 20, ramp[4]}}},
		{[]float64{1, 2, 3, 4}, []class{{1, 1, ramp[0]}, {2, 2, ramp[1]}, {3, 3, ramp[3]}, {4, 4, ramp[4]}}},
		{[]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0}, []class{{1, 2, ramp[0]}, {3, 4, ramp[1]}, {5, 6, ramp[2]}, {7, 8, ramp[3]}, {9, 10, ramp[4]}}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(len(tt.values)), func(t *testing.T) {
			got := classify(tt.values)
			if !slices.Equal(got, tt.want) {
				t.Errorf("classify(%v) = %v, want %v", tt.values, got, tt.want)
			}
			for _, v := range tt.values {
				j := classOf(got, v)
				switch {
				case !(v > 0) && j != -1:
					t.Errorf("%v in class %d, want none", v, j)
				case v > 0 && (j < 0 || v < got[j].min || v > got[j].max):
					t.Errorf("%v in class %d (%v)", v, j, got)
				}
			}
		})
	}
}

// TestWorldMapLabels: each country's tooltip names it in the reader's
// language with its value, in the language's punctuation; nothing is a
// link (a map is one image); a map for an <img> has no tooltips.
func TestWorldMapLabels(t *testing.T) {
	m := realisticMap("fr", "ltr")
	m.Values = map[string]float64{"KE": 4, "TV": 1, "FR": 0}
	out := string(WorldMap(m))
	ke, fr := domain.CountryName("KE", "fr"), domain.CountryName("FR", "fr")
	for _, want := range []string{
		`<title>` + ke + "\u00a0: 4</title>",
		`<title>` + fr + "\u00a0: 0</title>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "<a ") {
		t.Error("the map holds a link")
	}
	m.Format = func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " cas" }
	if out := string(WorldMap(m)); !strings.Contains(out, ke+"\u00a0: 4.0 cas</title>") {
		t.Error("Format is not used for tooltips")
	}
	m.Label, m.Format = nil, nil
	if out := string(WorldMap(m)); !strings.Contains(out, "<title>KE\u00a0: 4</title>") {
		t.Error("without Label the code is not shown")
	}
	m.Image = true
	root := parseSVG(t, string(WorldMap(m)))
	if n := len(root.all("title")); n != 1 {
		t.Errorf("a map for an <img> has %d titles, want only its own", n)
	}
	if n := len(root.all("path")) + len(root.all("circle")); n < len(MapCodes()) {
		t.Errorf("a map for an <img> draws %d shapes, want one per country at least", n)
	}
}

// TestCompactPath: the shapes, rewritten in whole units, keep every point
// within half a unit, keep their rings, and take far fewer bytes.
func TestCompactPath(t *testing.T) {
	tests := []struct {
		name, d, want string
	}{
		{"relative lines", "M10.4 20.6l5.2 0 0 4.9-5.2 0z", "M10 21h6v5h-6z"},
		{"implicit repeats", "M0 0l10 2 10 -1 10 2-30-3z", "M0 0l10 2 10-1 10 2z"},
		{"a point on the line left out", "M0 0l10 0 10 0 0 10z", "M0 0h20v10z"},
		{"merged points", "M0 0l.2.1.1.1 9.7-.2 0 10z", "M0 0h10v10z"},
		{"second ring relative to the first", "M0 0l10 0 0 10zM20.2 0l10 0 0 10z", "M0 0h10v10zm20 0h10v10z"},
		{"absolute commands", "M0 0L10 0H10V10z", "M0 0h10v10z"},
		{"a ring too small is dropped", "M0 0l10 0 0 10zM50 50l.2 0 0 .2z", "M0 0h10v10z"},
		{"a shape too small stays", "M50 50l.2 0 0 .2z", "M50 50l.2 0 0 .2z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compactPath(tt.d); got != tt.want {
				t.Errorf("compactPath(%q) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
	// The whole asset: every point of the compact shapes is an original
	// point rounded.
	raw, err := parseWorld(worldJSON)
	if err != nil {
		t.Fatal(err)
	}
	var before, after int
	for _, c := range raw.Countries {
		if c.D == "" {
			continue
		}
		compact := compactPath(c.D)
		before, after = before+len(c.D), after+len(compact)
		orig := parsePath(c.D)
		var pts [][2]float64
		for _, r := range orig {
			pts = append(pts, r...)
		}
		for _, r := range parsePath(compact) {
			for _, p := range r {
				near := slices.ContainsFunc(pts, func(q [2]float64) bool {
					return math.Abs(p[0]-q[0]) <= 0.5+1e-9 && math.Abs(p[1]-q[1]) <= 0.5+1e-9
				})
				if !near {
					t.Fatalf("%s: compact point %v is no original point rounded", c.Code, p)
				}
			}
		}
		if len(parsePath(compact)) == 0 {
			t.Errorf("%s lost its shape", c.Code)
		}
	}
	t.Logf("path data: %d bytes, %d compact", before, after)
	if after > before/2 {
		t.Errorf("compact path data is %d bytes of %d, want at most half", after, before)
	}
}

// TestWorldMapRTL proves that geography does not flip while the legend
// follows the reader's direction.
func TestWorldMapRTL(t *testing.T) {
	ltr := parseSVG(t, string(WorldMap(realisticMap("ar", "ltr"))))
	rtl := parseSVG(t, string(WorldMap(realisticMap("ar", "rtl"))))
	shapes := func(n node) []string {
		var s []string
		for _, p := range n.all("path") {
			s = append(s, p.attr("d"))
		}
		for _, c := range n.all("circle") {
			s = append(s, c.attr("cx")+","+c.attr("cy"))
		}
		return s
	}
	if !slices.Equal(shapes(ltr), shapes(rtl)) {
		t.Error("the map's shapes differ between ltr and rtl")
	}
	width := 1000.0
	swatches := func(n node) []node {
		var s []node
		for _, r := range n.all("rect") {
			if r.attr("stroke") != "" { // the pattern's rect has none
				s = append(s, r)
			}
		}
		return s
	}
	ls, rs := swatches(ltr), swatches(rtl)
	if len(ls) != 6 || len(rs) != 6 {
		t.Fatalf("%d and %d legend swatches, want 6 (zero and five classes)", len(ls), len(rs))
	}
	for i := range ls {
		lx, rx, w := ls[i].num(t, "x"), rs[i].num(t, "x"), ls[i].num(t, "width")
		if math.Abs(lx-(width-rx-w)) > 0.1 {
			t.Errorf("swatch %d at %v in ltr, %v in rtl: not mirrored", i, lx, rx)
		}
	}
	if rx, lx := rs[0].num(t, "x"), ls[0].num(t, "x"); rx < width/2 || lx > width/2 {
		t.Errorf("the legend starts at x=%v in rtl and %v in ltr", rx, lx)
	}
	for _, g := range rtl.all("g") {
		if g.attr("font-size") != "" && g.attr("direction") != "rtl" {
			t.Errorf("legend direction %q in rtl", g.attr("direction"))
		}
	}
	// Ranges in Latin digits keep their order inside Arabic.
	for _, n := range rtl.all("text") {
		if strings.Contains(n.Text, "–") && (n.attr("direction") != "ltr" || n.attr("unicode-bidi") != "embed") {
			t.Errorf("range %q laid out %q %q", n.Text, n.attr("direction"), n.attr("unicode-bidi"))
		}
	}
}

func BenchmarkWorldMap(b *testing.B) {
	m := realisticMap("en", "ltr")
	b.ReportAllocs()
	for b.Loop() {
		_ = WorldMap(m)
	}
}

func BenchmarkBars(b *testing.B) {
	c := actionLines("en", "ltr")
	b.ReportAllocs()
	for b.Loop() {
		_ = Bars(c)
	}
}

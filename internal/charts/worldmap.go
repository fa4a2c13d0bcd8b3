package charts

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The world map asset: Natural Earth country shapes in the Equal Earth
// projection, made by internal/genmap; data/README.md tells its sources.
//
//go:embed data/world.json
var worldJSON []byte

type mapCountry struct {
	Num  string      `json:"n"` // ISO 3166-1 numeric
	Code string      `json:"a"` // ISO 3166-1 alpha-2
	D    string      `json:"d"` // SVG path data; empty for a dot only
	Dot  *[2]float64 `json:"c"` // dot centre for a country too small to see
}

type worldData struct {
	Width     float64      `json:"width"`
	Height    float64      `json:"height"`
	Countries []mapCountry `json:"countries"`
}

func parseWorld(b []byte) (*worldData, error) {
	var w worldData
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("world map asset: %w", err)
	}
	if w.Width <= 0 || w.Height <= 0 || len(w.Countries) == 0 {
		return nil, fmt.Errorf("world map asset: empty")
	}
	return &w, nil
}

// world is decoded once, its shapes rewritten in whole units
// (compactPath); it is never modified afterwards.
var world = sync.OnceValue(func() *worldData {
	w, err := parseWorld(worldJSON)
	if err != nil {
		panic(err) // the asset is compiled in and tested
	}
	for i := range w.Countries {
		if d := w.Countries[i].D; d != "" {
			w.Countries[i].D = compactPath(d)
		}
	}
	return w
})

// compactPath rewrites path data of moves, lines and closes in whole
// units, which more than halves the map: each point is rounded to the
// nearest unit (half a unit off at most, under a pixel at any width the
// map is shown), points that fall together are merged, points that add
// less than half a unit to the outline are left out (simplify), and a
// ring left with fewer than three points is dropped. A shape too small to keep a
// ring stays as it was. Each ring is written as a move relative to the
// previous ring's start and lines relative to each other, repeating no
// command letter.
func compactPath(d string) string {
	rings := parsePath(d)
	var b strings.Builder
	var pen [2]int // where the previous ring started
	first := true
	for _, ring := range rings {
		pts := make([][2]int, 0, len(ring))
		for _, p := range ring {
			q := [2]int{int(math.Round(p[0])), int(math.Round(p[1]))}
			if len(pts) == 0 || pts[len(pts)-1] != q {
				pts = append(pts, q)
			}
		}
		if len(pts) > 1 && pts[len(pts)-1] == pts[0] {
			pts = pts[:len(pts)-1]
		}
		if len(pts) >= 3 {
			// Simplify the closed ring, from its first point round to it.
			pts = simplify(append(pts, pts[0]), simplifyTolerance)
			pts = pts[:len(pts)-1]
		}
		if len(pts) < 3 {
			continue
		}
		if first {
			b.WriteString("M" + strconv.Itoa(pts[0][0]) + " " + strconv.Itoa(pts[0][1]))
			first = false
		} else {
			b.WriteByte('m')
			writePair(&b, pts[0][0]-pen[0], pts[0][1]-pen[1])
		}
		cmd := byte(0)
		for i := 1; i < len(pts); i++ {
			dx, dy := pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1]
			next := byte('l')
			switch {
			case dy == 0:
				next = 'h'
			case dx == 0:
				next = 'v'
			}
			if next != cmd {
				b.WriteByte(next)
			} else if (next == 'h' && dx >= 0) || (next == 'v' && dy >= 0) || (next == 'l' && dx >= 0) {
				b.WriteByte(' ')
			}
			cmd = next
			switch next {
			case 'h':
				b.WriteString(strconv.Itoa(dx))
			case 'v':
				b.WriteString(strconv.Itoa(dy))
			default:
				writePair(&b, dx, dy)
			}
		}
		b.WriteByte('z')
		pen = pts[0]
	}
	if b.Len() == 0 {
		return d
	}
	return b.String()
}

// simplifyTolerance is how far, in view box units, a simplified outline
// may pass from a point it leaves out: half a unit, under a pixel at the
// map's natural width.
const simplifyTolerance = 0.5

// simplify keeps the points of a polyline that matter to its shape
// (Douglas–Peucker): a point goes when the line between its neighbours
// kept passes within tol of it. The ends always stay.
func simplify(pts [][2]int, tol float64) [][2]int {
	if len(pts) < 3 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		a, b := pts[i], pts[j]
		dx, dy := float64(b[0]-a[0]), float64(b[1]-a[1])
		length := math.Hypot(dx, dy)
		far, at := 0.0, -1
		for k := i + 1; k < j; k++ {
			px, py := float64(pts[k][0]-a[0]), float64(pts[k][1]-a[1])
			d := math.Hypot(px, py) // from a, when a and b coincide
			if length > 0 {
				d = math.Abs(dx*py-dy*px) / length
			}
			if d > far {
				far, at = d, k
			}
		}
		if far > tol {
			keep[at] = true
			rec(i, at)
			rec(at, j)
		}
	}
	rec(0, len(pts)-1)
	out := pts[:0:0]
	for k, p := range pts {
		if keep[k] {
			out = append(out, p)
		}
	}
	return out
}

// writePair writes two numbers of path data, a space between them unless
// the second has its sign.
func writePair(b *strings.Builder, x, y int) {
	b.WriteString(strconv.Itoa(x))
	if y >= 0 {
		b.WriteByte(' ')
	}
	b.WriteString(strconv.Itoa(y))
}

// pathNumber matches a number of path data: "12", "-1.5", ".5", so that
// "1.2.3" reads as 1.2 and .3.
var pathNumber = regexp.MustCompile(`[MmLlHhVvZz]|[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)`)

// parsePath reads path data of moves, lines and closes into rings of
// absolute points.
func parsePath(d string) [][][2]float64 {
	var rings [][][2]float64
	var ring [][2]float64
	var x, y, sx, sy float64
	cmd := byte(0)
	toks := pathNumber.FindAllString(d, -1)
	num := func(i int) float64 {
		if i >= len(toks) {
			return 0
		}
		v, _ := strconv.ParseFloat(toks[i], 64)
		return v
	}
	for i := 0; i < len(toks); {
		if c := toks[i][0]; strings.IndexByte("MmLlHhVvZz", c) >= 0 {
			cmd = c
			i++
			if c == 'Z' || c == 'z' {
				if len(ring) > 0 {
					rings = append(rings, ring)
					ring = nil
				}
				x, y = sx, sy
			}
			continue
		}
		switch cmd {
		case 'M', 'm':
			if len(ring) > 0 {
				rings = append(rings, ring)
			}
			if cmd == 'm' {
				x, y = x+num(i), y+num(i+1)
				cmd = 'l' // further pairs are lines
			} else {
				x, y = num(i), num(i+1)
				cmd = 'L'
			}
			sx, sy = x, y
			ring = [][2]float64{{x, y}}
			i += 2
		case 'L', 'l':
			if cmd == 'l' {
				x, y = x+num(i), y+num(i+1)
			} else {
				x, y = num(i), num(i+1)
			}
			ring = append(ring, [2]float64{x, y})
			i += 2
		case 'H', 'h':
			if cmd == 'h' {
				x += num(i)
			} else {
				x = num(i)
			}
			ring = append(ring, [2]float64{x, y})
			i++
		case 'V', 'v':
			if cmd == 'v' {
				y += num(i)
			} else {
				y = num(i)
			}
			ring = append(ring, [2]float64{x, y})
			i++
		default:
			i++ // a number before any command: ignored
		}
	}
	if len(ring) > 0 {
		rings = append(rings, ring)
	}
	return rings
}

// MapCodes returns the ISO 3166-1 alpha-2 codes of the countries and
// territories that the world map draws, in alphabetical order. Antarctica
// is left off.
func MapCodes() []string {
	w := world()
	codes := make([]string, len(w.Countries))
	for i, c := range w.Countries {
		codes[i] = c.Code
	}
	return codes
}

// Map is a world choropleth of a count per country.
type Map struct {
	// ID names the map's elements; it must be unique in the page. Empty:
	// derived from the title and description.
	ID          string
	Title, Desc string             // accessible name and description
	Values      map[string]float64 // upper-case ISO 3166-1 alpha-2 code → count; missing is 0
	// Label names a country in the reader's language, for its tooltip; nil
	// or "" shows the code.
	Label func(code string) string
	// Image is set for a map shown by an <img> element, which shows no
	// tooltips: it leaves them out.
	Image bool
	// Format writes a value for the reader; nil writes plain digits.
	Format    func(v float64) string
	Dir, Lang string // the legend's direction and language; the map never mirrors
	Legend    string // what the values count, e.g. "Number of cases"
}

// The sequential scale: ColorBrewer's single-hue Blues, readable with
// every common colour vision deficiency, lightest first. Zero is hatched
// grey, so that "none" differs from "few" in lightness and texture too.
var ramp = [5]string{"#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"}

const (
	zeroBase  = "#f4f4f4"
	zeroHatch = "#c4c4c4"
	border    = "#ffffff"
	dotRadius = 3.5
	dotStroke = "#4d4d4d" // rings the dots so islands show on white
)

// Legend geometry, in view box units (the map is 1000 units wide).
const (
	legendPad    = 10.0
	legendFont   = 24.0
	legendSwatch = 24.0
	legendGap    = 8.0  // between a swatch and its label
	legendSpace  = 28.0 // between two entries
	legendLineH  = 34.0
)

// class is one step of the colour scale: the smallest and largest value of
// the countries in it.
type class struct {
	min, max float64
	fill     string
}

// classify cuts the positive values into at most five classes of about
// equal numbers of countries (quantiles), each bounded by values that
// occur, so ties never split and fewer distinct values give fewer classes.
// With fewer than five classes the colours spread over the whole ramp,
// the darkest always marking the largest values.
func classify(values []float64) []class {
	var vs []float64
	for _, v := range values {
		if v > 0 && !math.IsInf(v, 1) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	slices.Sort(vs)
	n := len(vs)
	var cs []class
	lo := 0 // index of the class's smallest value
	for i := 1; i <= len(ramp); i++ {
		hi := (i*n+len(ramp)-1)/len(ramp) - 1 // ceil(i·n/5) − 1
		if hi < lo || (len(cs) > 0 && vs[hi] == cs[len(cs)-1].max) {
			continue
		}
		// Ties with the upper bound belong to this class.
		for hi+1 < n && vs[hi+1] == vs[hi] {
			hi++
		}
		cs = append(cs, class{min: vs[lo], max: vs[hi]})
		lo = hi + 1
		if lo == n {
			break
		}
	}
	for j := range cs {
		k := len(ramp) - 1
		if len(cs) > 1 {
			k = int(math.Round(float64(j) * float64(len(ramp)-1) / float64(len(cs)-1)))
		}
		cs[j].fill = ramp[k]
	}
	return cs
}

// classOf returns the index of v's class, or -1 for zero (and for
// anything not positive).
func classOf(cs []class, v float64) int {
	if !(v > 0) {
		return -1
	}
	for j, c := range cs {
		if v <= c.max {
			return j
		}
	}
	return len(cs) - 1
}

// WorldMap renders m as an SVG element, as wide as its container. Each
// country is a path (or a dot, for those too small to see) with a tooltip
// "Country: value", unless m.Image.
func WorldMap(m Map) template.HTML {
	w := world()
	dir := direction(m.Dir)
	id := chartID(m.ID, "map", m.Title, m.Desc, m.Lang)
	format := m.Format
	if format == nil {
		format = plainNumber
	}
	values := make([]float64, len(w.Countries))
	for i, c := range w.Countries {
		values[i] = m.Values[c.Code]
		if math.IsNaN(values[i]) {
			values[i] = 0
		}
	}
	classes := classify(values)
	legend := legendLayout(classes, m, format, dir, w.Width)
	height := w.Height + legend.height
	zeroFill := "url(#" + id + "-z)"

	var b builder
	b.Grow(len(worldJSON) + 80*len(w.Countries))
	b.open(id, "dx-chart dx-map", m.Lang, "0 0 "+formatNum(w.Width)+" "+formatNum(height))
	b.WriteByte('>')
	b.titleDesc(id, m.Title, m.Desc)
	b.WriteString(`<defs><pattern`)
	b.attr("id", id+"-z")
	b.WriteString(` width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="` + zeroBase + `"/><path d="M0 0v4" stroke="` + zeroHatch + `" stroke-width="1.2"/></pattern></defs>`)

	// fills[f] paints the countries of step f: 0 is zero, then the classes.
	fills := append([]string{zeroFill}, classFills(classes)...)
	step := make([]int, len(w.Countries))
	for i := range w.Countries {
		step[i] = classOf(classes, values[i]) + 1
	}
	country := func(i int, dot bool) {
		c := w.Countries[i]
		if dot {
			b.WriteString("<circle")
			b.numAttr("cx", c.Dot[0])
			b.numAttr("cy", c.Dot[1])
			b.numAttr("r", dotRadius)
		} else {
			// Path data from the asset holds only digits, signs, dots and
			// command letters.
			b.WriteString(`<path d="`)
			b.WriteString(c.D)
			b.WriteByte('"')
		}
		if m.Image {
			b.WriteString("/>")
			return
		}
		b.WriteString("><title>")
		b.text(labelValue(m.Lang, countryLabel(m.Label, c.Code), format(values[i])))
		b.WriteString("</title>")
		if dot {
			b.WriteString("</circle>")
		} else {
			b.WriteString("</path>")
		}
	}
	// Shapes, then dots on top of them; each grouped by fill, which keeps
	// the markup small.
	layer := func(dot bool) {
		for f, fill := range fills {
			var members []int
			for i, c := range w.Countries {
				if step[i] == f && (dot && c.Dot != nil || !dot && c.D != "") {
					members = append(members, i)
				}
			}
			if len(members) == 0 {
				continue
			}
			b.WriteString("<g")
			b.attr("fill", fill)
			b.WriteByte('>')
			for _, i := range members {
				country(i, dot)
			}
			b.WriteString("</g>")
		}
	}
	b.WriteString(`<g stroke="` + border + `" stroke-width=".5" stroke-linejoin="round" fill-rule="evenodd">`)
	layer(false)
	b.WriteString(`</g><g stroke="` + dotStroke + `" stroke-width=".6">`)
	layer(true)
	b.WriteString("</g>")
	legend.write(&b, w.Height, zeroFill)
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func classFills(cs []class) []string {
	fills := make([]string, len(cs))
	for j, c := range cs {
		fills[j] = c.fill
	}
	return fills
}

func countryLabel(label func(string) string, code string) string {
	if label != nil {
		if s := label(code); s != "" {
			return s
		}
	}
	return code
}

// legendEntry is a swatch and its label, placed in the legend.
type legendEntry struct {
	fill, text, dir string
	x, y            float64 // swatch's top left corner
}

type legend struct {
	chartDir string
	title    string
	titleY   float64
	width    float64
	entries  []legendEntry
	height   float64
}

// legendLayout lays the legend out under the map: its title on one line,
// then the swatches in reading order, wrapped onto more lines as needed,
// mirrored in right-to-left pages.
func legendLayout(cs []class, m Map, format func(float64) string, dir string, width float64) legend {
	lg := legend{chartDir: dir, title: m.Legend, width: width}
	y := legendPad
	if m.Legend != "" {
		lg.titleY = y + legendFont
		y += legendLineH + 4
	}
	texts := []string{format(0)}
	fills := []string{""} // zero: the hatch pattern
	for _, c := range cs {
		t := format(c.min)
		if c.max != c.min {
			t += "–" + format(c.max)
		}
		texts = append(texts, t)
		fills = append(fills, c.fill)
	}
	x := legendPad
	for i, t := range texts {
		w := legendSwatch + legendGap + textWidth(t, legendFont)
		if x > legendPad && x+w > width-legendPad {
			x = legendPad
			y += legendLineH
		}
		e := legendEntry{fill: fills[i], text: t, dir: numberDir(t, dir), x: x, y: y}
		if dir == "rtl" {
			e.x = width - x - legendSwatch
		}
		lg.entries = append(lg.entries, e)
		x += w + legendSpace
	}
	lg.height = y + legendSwatch + legendPad
	return lg
}

// write draws the legend below a map of height top.
func (lg legend) write(b *builder, top float64, zeroFill string) {
	b.WriteString(`<g fill="currentColor"`)
	b.numAttr("font-size", legendFont)
	b.attr("direction", lg.chartDir)
	b.WriteByte('>')
	if lg.title != "" {
		x := legendPad
		if lg.chartDir == "rtl" {
			x = lg.width - legendPad
		}
		b.WriteString("<text")
		b.numAttr("x", x)
		b.numAttr("y", top+lg.titleY)
		b.WriteByte('>')
		b.text(lg.title)
		b.WriteString("</text>")
	}
	for _, e := range lg.entries {
		fill := e.fill
		if fill == "" {
			fill = zeroFill
		}
		b.WriteString("<rect")
		b.numAttr("x", e.x)
		b.numAttr("y", top+e.y)
		b.numAttr("width", legendSwatch)
		b.numAttr("height", legendSwatch)
		b.attr("fill", fill)
		b.WriteString(` stroke="#767676" stroke-width=".5"/>`)
		tx := e.x + legendSwatch + legendGap
		if lg.chartDir == "rtl" {
			tx = e.x - legendGap
		}
		b.WriteString("<text")
		b.numAttr("x", tx)
		b.numAttr("y", top+e.y+legendSwatch/2+legendFont*0.35)
		b.dirAttrs(lg.chartDir, e.dir)
		b.WriteByte('>')
		b.text(e.text)
		b.WriteString("</text>")
	}
	b.WriteString("</g>")
}

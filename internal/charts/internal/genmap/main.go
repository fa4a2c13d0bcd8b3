// Command genmap converts Natural Earth country shapes, as redistributed in
// TopoJSON by the npm package world-atlas, into the small world map asset
// that package charts embeds (data/world.json).
//
// It is run by hand, once per change of the source data, never by the
// build:
//
//	go run ./internal/charts/internal/genmap -atlas DIR -out internal/charts/data/world.json
//
// where DIR holds countries-110m.json, countries-50m.json and
// countries-10m.json from world-atlas 2. Country shapes come from the
// 110m file, projected with Equal Earth, quantised to 0.1 unit on a
// 1000-unit-wide view box, and simplified (Visvalingam) arc by arc, so that
// neighbours keep a common border. Countries of the country list that have
// no shape at 110m are drawn as dots at the centre of their largest island,
// taken from the 50m file, else the 10m file.
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	viewWidth = 1000.0 // view box width, in user units
	margin    = 2.0    // empty border around the land, in user units
	// simplifyArea is the Visvalingam threshold: a point whose triangle with
	// its neighbours is smaller than this (in square user units) is dropped.
	simplifyArea = 0.25
	// tinyArea marks countries too small to see or point at: a dot is drawn
	// on top of their shape. One square unit is about 1,200 km².
	tinyArea = 10.0
)

// Shapes of the 110m file that carry no ISO code are drawn as part of the
// ISO 3166-1 country under which the country list records them.
var unnamedParts = map[string]string{
	"N. Cyprus":  "CY",
	"Somaliland": "SO",
	"Kosovo":     "RS",
}

// A box selects polygons by the mean of their vertices, in degrees.
type box struct{ lon0, lat0, lon1, lat1 float64 }

func (b box) has(lon, lat float64) bool {
	return lon >= b.lon0 && lon <= b.lon1 && lat >= b.lat0 && lat <= b.lat1
}

// Polygons of the 110m file that belong to another ISO 3166-1 entry than
// the shape they sit in: overseas parts that the list codes on their own,
// and Crimea, which UN General Assembly resolution 68/262 recognises as part
// of Ukraine.
var reassign = []struct {
	from, to string
	where    box
}{
	{"RU", "UA", box{32, 44, 37, 46.5}},
	{"FR", "GF", box{-55, 1, -51, 6}},
	{"NO", "SJ", box{-10, 74, 35, 82}},
}

// Codes that the 50m and 10m files fold into a larger shape: their dot is
// put at the largest polygon inside the box.
var partBoxes = map[string]box{
	"BQ": {-68.5, 11.9, -62.8, 17.7},   // Bonaire, Sint Eustatius, Saba
	"BV": {3.0, -54.7, 3.7, -54.2},     // Bouvet Island
	"CC": {96.7, -12.3, 97.0, -11.8},   // Cocos (Keeling) Islands
	"CX": {105.5, -10.6, 105.8, -10.3}, // Christmas Island
	"GP": {-61.9, 15.8, -61.0, 16.6},   // Guadeloupe
	"MQ": {-61.3, 14.3, -60.7, 15.0},   // Martinique
	"RE": {55.1, -21.5, 55.9, -20.8},   // Réunion
	"TK": {-172.6, -9.5, -171.1, -8.4}, // Tokelau
	"YT": {44.9, -13.1, 45.4, -12.5},   // Mayotte
}

// Left off the map: Antarctica takes a fifth of a world map's height.
var omitted = map[string]bool{"AQ": true}

func main() {
	atlas := flag.String("atlas", "", "directory holding countries-110m.json, countries-50m.json and countries-10m.json of world-atlas 2")
	list := flag.String("countries", "internal/domain/data/countries.csv", "country list with ISO 3166-1 alpha-2 and numeric (m49) codes")
	out := flag.String("out", "internal/charts/data/world.json", "asset to write")
	flag.Parse()
	if *atlas == "" {
		log.Fatal("genmap: -atlas is required")
	}
	if err := run(*atlas, *list, *out); err != nil {
		log.Fatal(err)
	}
}

func run(atlasDir, listPath, outPath string) error {
	numToAlpha, alphas, err := readCountryList(listPath)
	if err != nil {
		return err
	}
	var topo [3]*topology
	for i, name := range []string{"countries-110m.json", "countries-50m.json", "countries-10m.json"} {
		if topo[i], err = readTopology(filepath.Join(atlasDir, name)); err != nil {
			return err
		}
	}
	w, err := build(topo[0], topo[1], topo[2], numToAlpha, alphas)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := w.write(&buf); err != nil {
		return err
	}
	return os.WriteFile(outPath, buf.Bytes(), 0o644)
}

// readCountryList returns the alpha-2 code of each numeric code, and the
// alpha-2 codes in file order.
func readCountryList(path string) (map[string]string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("country list: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("country list %s: %w", path, err)
	}
	ci, ni := slices.Index(head, "code"), slices.Index(head, "m49")
	if ci < 0 || ni < 0 {
		return nil, nil, fmt.Errorf("country list %s: no code or m49 column", path)
	}
	num := map[string]string{}
	var alphas []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("country list %s: %w", path, err)
		}
		num[rec[ni]] = rec[ci]
		alphas = append(alphas, rec[ci])
	}
	return num, alphas, nil
}

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []geometry `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`

	lonlat [][][2]float64 // arcs decoded to degrees
}

type geometry struct {
	Type       string                `json:"type"`
	ID         string                `json:"id"`
	Properties struct{ Name string } `json:"properties"`
	Arcs       json.RawMessage       `json:"arcs"`
}

// polygons returns the geometry's polygons, each a list of rings of arc
// indices (negative: the arc reversed, as ~i).
func (g geometry) polygons() ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, fmt.Errorf("%s %q: %w", g.Type, g.ID, err)
		}
		return [][][]int{p}, nil
	case "MultiPolygon":
		var mp [][][]int
		if err := json.Unmarshal(g.Arcs, &mp); err != nil {
			return nil, fmt.Errorf("%s %q: %w", g.Type, g.ID, err)
		}
		return mp, nil
	}
	return nil, nil // null geometries have no shape
}

func readTopology(path string) (*topology, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("topology: %w", err)
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("topology %s: %w", path, err)
	}
	// Quantised TopoJSON stores each arc as deltas from the previous point.
	t.lonlat = make([][][2]float64, len(t.Arcs))
	for i, arc := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(arc))
		for j, d := range arc {
			x += d[0]
			y += d[1]
			pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		t.lonlat[i] = pts
	}
	return &t, nil
}

// ring returns the points of a ring of arc indices, in degrees.
func (t *topology) ring(arcs []int) [][2]float64 {
	var pts [][2]float64
	for _, a := range arcs {
		seg := t.lonlat[arcIndex(a)]
		if a < 0 {
			seg = reversed(seg)
		}
		if len(pts) > 0 {
			seg = seg[1:] // the first point repeats the previous arc's last
		}
		pts = append(pts, seg...)
	}
	return pts
}

func arcIndex(a int) int {
	if a < 0 {
		return ^a
	}
	return a
}

func reversed[T any](s []T) []T {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// equalEarth projects longitude and latitude in degrees (Šavrič, Patterson
// and Jenny, 2018), on a sphere of radius 1.
func equalEarth(lon, lat float64) (x, y float64) {
	const a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
	m := math.Sqrt(3) / 2
	lam, phi := lon*math.Pi/180, lat*math.Pi/180
	th := math.Asin(m * math.Sin(phi))
	t2 := th * th
	t6 := t2 * t2 * t2
	x = lam * math.Cos(th) / (m * (a1 + 3*a2*t2 + t6*(7*a3+9*a4*t2)))
	y = th * (a1 + a2*t2 + t6*(a3+a4*t2))
	return x, y
}

// frame maps projected coordinates to view box units, north up.
type frame struct{ minX, maxY, scale float64 }

func (f frame) apply(lon, lat float64) (float64, float64) {
	x, y := equalEarth(lon, lat)
	return margin + (x-f.minX)*f.scale, margin + (f.maxY-y)*f.scale
}

// pt is a point in tenths of a view box unit.
type pt struct{ x, y int }

func (f frame) quantise(lon, lat float64) pt {
	x, y := f.apply(lon, lat)
	return pt{int(math.Round(x * 10)), int(math.Round(y * 10))}
}

type country struct {
	num, alpha string
	rings      [][]pt
	dot        *[2]float64
}

type world struct {
	width, height int
	countries     []*country
}

func build(t110, t50, t10 *topology, numToAlpha map[string]string, alphas []string) (*world, error) {
	// Assign each polygon of the 110m file to an alpha-2 code.
	type poly struct {
		code  string
		rings [][]int
	}
	var polys []poly
	for _, g := range t110.Objects.Countries.Geometries {
		code := numToAlpha[g.ID]
		if g.ID == "" {
			code = unnamedParts[g.Properties.Name]
		}
		if code == "" {
			return nil, fmt.Errorf("110m shape %q (%s) has no code in the country list", g.ID, g.Properties.Name)
		}
		if omitted[code] {
			continue
		}
		ps, err := g.polygons()
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			c := code
			lon, lat := meanPoint(t110.ring(p[0]))
			for _, r := range reassign {
				if r.from == code && r.where.has(lon, lat) {
					c = r.to
				}
			}
			polys = append(polys, poly{c, p})
		}
	}

	// Where the dots of countries without a 110m shape go, in degrees.
	alphaToNum := map[string]string{}
	for n, a := range numToAlpha {
		alphaToNum[a] = n
	}
	hasShape := map[string]bool{}
	for _, p := range polys {
		hasShape[p.code] = true
	}
	dots := map[string][2]float64{}
	for _, code := range alphas {
		if omitted[code] || hasShape[code] {
			continue
		}
		lon, lat, err := dotFor(code, alphaToNum[code], t50, t10)
		if err != nil {
			return nil, err
		}
		dots[code] = [2]float64{lon, lat}
	}

	// Fit the map into the view box: the whole width of the projection,
	// and the latitudes from the northernmost to the southernmost land
	// drawn.
	used := map[int]bool{}
	for _, p := range polys {
		for _, r := range p.rings {
			for _, a := range r {
				used[arcIndex(a)] = true
			}
		}
	}
	maxX, _ := equalEarth(180, 0)
	minX := -maxX
	minY, maxY := math.Inf(1), math.Inf(-1)
	extend := func(lon, lat float64) {
		_, y := equalEarth(lon, lat)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	for i := range used {
		for _, q := range t110.lonlat[i] {
			extend(q[0], q[1])
		}
	}
	for _, d := range dots {
		extend(d[0], d[1])
	}
	fr := frame{minX: minX, maxY: maxY, scale: (viewWidth - 2*margin) / (maxX - minX)}
	w := &world{width: int(viewWidth), height: int(math.Ceil((maxY-minY)*fr.scale + 2*margin))}

	// Project, quantise and simplify each arc once, so shared borders stay
	// shared.
	arcs := make(map[int][]pt, len(used))
	for i := range used {
		var q []pt
		for _, p := range t110.lonlat[i] {
			v := fr.quantise(p[0], p[1])
			if len(q) == 0 || q[len(q)-1] != v {
				q = append(q, v)
			}
		}
		arcs[i] = visvalingam(q, simplifyArea*100) // tenths: area × 100
	}

	byCode := map[string]*country{}
	for _, p := range polys {
		c := byCode[p.code]
		if c == nil {
			c = &country{alpha: p.code}
			byCode[p.code] = c
		}
		for _, r := range p.rings {
			ll := t110.ring(r)
			if !crosses(ll) {
				if ring := assemble(arcs, r); ring != nil {
					c.rings = append(c.rings, ring)
				}
				continue
			}
			// A ring across the antimeridian is cut in two there; it
			// shares no border with another country's ring.
			for _, piece := range cutAntimeridian(ll) {
				var q []pt
				for _, p := range piece {
					q = append(q, fr.quantise(p[0], p[1]))
				}
				if ring := closedRing(q); ring != nil {
					c.rings = append(c.rings, ring)
				}
			}
		}
	}

	for _, code := range alphas {
		if omitted[code] {
			continue
		}
		c := byCode[code]
		if c == nil {
			c = &country{alpha: code}
			byCode[code] = c
		}
		c.num = alphaToNum[code]
		switch {
		case len(c.rings) == 0:
			d, ok := dots[code]
			if !ok {
				// Every ring of its 110m shape vanished when quantised.
				lon, lat, err := dotFor(code, c.num, t50, t10)
				if err != nil {
					return nil, err
				}
				d = [2]float64{lon, lat}
			}
			x, y := fr.apply(d[0], d[1])
			c.dot = &[2]float64{round1(x), round1(y)}
		case area(c.rings) < tinyArea*100:
			x, y := centroid(largest(c.rings))
			c.dot = &[2]float64{round1(x / 10), round1(y / 10)}
		}
		w.countries = append(w.countries, c)
	}
	for code := range byCode {
		if !slices.Contains(alphas, code) {
			return nil, fmt.Errorf("shape for %s, which the country list lacks", code)
		}
	}
	slices.SortFunc(w.countries, func(a, b *country) int { return strings.Compare(a.alpha, b.alpha) })
	return w, nil
}

// assemble joins the simplified arcs of a ring; it returns nil for a ring
// that quantisation reduced to fewer than three points.
func assemble(arcs map[int][]pt, ring []int) []pt {
	var pts []pt
	for _, a := range ring {
		seg := arcs[arcIndex(a)]
		if a < 0 {
			seg = reversed(seg)
		}
		for _, p := range seg {
			if len(pts) == 0 || pts[len(pts)-1] != p {
				pts = append(pts, p)
			}
		}
	}
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	if len(pts) < 3 {
		return nil
	}
	return pts
}

// crosses reports whether a ring jumps across the antimeridian.
func crosses(r [][2]float64) bool {
	for i := 1; i < len(r); i++ {
		if math.Abs(r[i][0]-r[i-1][0]) > 180 {
			return true
		}
	}
	return false
}

// cutAntimeridian splits a ring that crosses longitude ±180° into the part
// west of it and the part east of it, each closed along the map's edge.
func cutAntimeridian(r [][2]float64) [][][2]float64 {
	u := make([][2]float64, len(r)) // longitudes made continuous
	u[0] = r[0]
	lo, hi := r[0][0], r[0][0]
	for i := 1; i < len(r); i++ {
		lon := r[i][0]
		for lon-u[i-1][0] > 180 {
			lon -= 360
		}
		for lon-u[i-1][0] < -180 {
			lon += 360
		}
		u[i] = [2]float64{lon, r[i][1]}
		lo, hi = math.Min(lo, lon), math.Max(hi, lon)
	}
	edge, shift := 180.0, -360.0
	if hi <= 180 {
		edge, shift = -180, 360
	}
	west := clipLon(u, edge, true)
	east := clipLon(u, edge, false)
	for i := range east {
		east[i][0] += shift
	}
	var out [][][2]float64
	for _, piece := range [][][2]float64{west, east} {
		if len(piece) >= 3 {
			out = append(out, piece)
		}
	}
	return out
}

// clipLon keeps the part of a ring west (or east) of the meridian edge
// (Sutherland–Hodgman against one line).
func clipLon(r [][2]float64, edge float64, west bool) [][2]float64 {
	inside := func(p [2]float64) bool {
		if west {
			return p[0] <= edge
		}
		return p[0] >= edge
	}
	cross := func(p, q [2]float64) [2]float64 {
		t := (edge - p[0]) / (q[0] - p[0])
		return [2]float64{edge, p[1] + t*(q[1]-p[1])}
	}
	var out [][2]float64
	for i := range r {
		p, q := r[i], r[(i+1)%len(r)]
		switch {
		case inside(p) && inside(q):
			out = append(out, q)
		case inside(p):
			out = append(out, cross(p, q))
		case inside(q):
			out = append(out, cross(p, q), q)
		}
	}
	return out
}

// closedRing dedupes and simplifies a ring that shares no arc.
func closedRing(q []pt) []pt {
	var d []pt
	for _, p := range q {
		if len(d) == 0 || d[len(d)-1] != p {
			d = append(d, p)
		}
	}
	if len(d) > 0 && d[0] != d[len(d)-1] {
		d = append(d, d[0])
	}
	d = visvalingam(d, simplifyArea*100)
	if len(d) > 1 {
		d = d[:len(d)-1]
	}
	if len(d) < 3 {
		return nil
	}
	return d
}

// visvalingam drops, one at a time, the inner point whose triangle with its
// neighbours has the smallest area, while that area is below min (in the
// square of the points' unit). Endpoints stay, and a closed arc keeps at
// least three distinct points, so no island vanishes.
func visvalingam(p []pt, min float64) []pt {
	keep := 2
	if len(p) > 1 && p[0] == p[len(p)-1] {
		keep = 4
	}
	p = slices.Clone(p)
	for len(p) > keep {
		best, bestArea := -1, min
		for i := 1; i < len(p)-1; i++ {
			if a := triangle(p[i-1], p[i], p[i+1]); a < bestArea {
				best, bestArea = i, a
			}
		}
		if best < 0 {
			break
		}
		p = slices.Delete(p, best, best+1)
	}
	return p
}

func triangle(a, b, c pt) float64 {
	return math.Abs(float64((b.x-a.x)*(c.y-a.y)-(c.x-a.x)*(b.y-a.y))) / 2
}

func signedArea(r []pt) float64 {
	var s float64
	for i, a := range r {
		b := r[(i+1)%len(r)]
		s += float64(a.x*b.y - b.x*a.y)
	}
	return s / 2
}

// area is the area of a country's shape, holes counted as land: enough to
// tell a small country.
func area(rings [][]pt) float64 {
	var s float64
	for _, r := range rings {
		s += math.Abs(signedArea(r))
	}
	return s
}

func largest(rings [][]pt) []pt {
	return slices.MaxFunc(rings, func(a, b []pt) int {
		return cmpFloat(math.Abs(signedArea(a)), math.Abs(signedArea(b)))
	})
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// centroid returns the area centroid of a ring, or the mean of its points
// where the ring has no area.
func centroid(r []pt) (float64, float64) {
	a := signedArea(r)
	if math.Abs(a) < 1e-9 {
		var sx, sy float64
		for _, p := range r {
			sx += float64(p.x)
			sy += float64(p.y)
		}
		return sx / float64(len(r)), sy / float64(len(r))
	}
	var cx, cy float64
	for i, p := range r {
		q := r[(i+1)%len(r)]
		f := float64(p.x*q.y - q.x*p.y)
		cx += float64(p.x+q.x) * f
		cy += float64(p.y+q.y) * f
	}
	return cx / (6 * a), cy / (6 * a)
}

func meanPoint(r [][2]float64) (float64, float64) {
	var sx, sy float64
	for _, p := range r {
		sx += p[0]
		sy += p[1]
	}
	return sx / float64(len(r)), sy / float64(len(r))
}

// dotFor returns where, in degrees, to put the dot of a country without a
// 110m shape: the centre of its largest polygon in the 50m file, else in the
// 10m file, else of the largest polygon inside its box in either.
func dotFor(code, num string, t50, t10 *topology) (lon, lat float64, err error) {
	for _, t := range []*topology{t50, t10} {
		for _, g := range t.Objects.Countries.Geometries {
			if g.ID != num {
				continue
			}
			ps, err := g.polygons()
			if err != nil {
				return 0, 0, err
			}
			if lon, lat, ok := largestCentre(t, ps, nil); ok {
				return lon, lat, nil
			}
		}
	}
	if b, ok := partBoxes[code]; ok {
		for _, t := range []*topology{t50, t10} {
			var all [][][]int
			for _, g := range t.Objects.Countries.Geometries {
				ps, err := g.polygons()
				if err != nil {
					return 0, 0, err
				}
				all = append(all, ps...)
			}
			if lon, lat, ok := largestCentre(t, all, &b); ok {
				return lon, lat, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("no shape for %s (%s) in the 50m or 10m file", code, num)
}

// largestCentre returns the centroid, in degrees, of the largest outer ring
// among the polygons (only those inside b, when b is given). Areas are
// compared in degrees, which is fine among the islands of one country.
func largestCentre(t *topology, polys [][][]int, b *box) (lon, lat float64, ok bool) {
	best := -1.0
	for _, p := range polys {
		r := t.ring(p[0])
		mlon, mlat := meanPoint(r)
		if b != nil && !b.has(mlon, mlat) {
			continue
		}
		var a, cx, cy float64
		for i, u := range r {
			v := r[(i+1)%len(r)]
			f := u[0]*v[1] - v[0]*u[1]
			a += f
			cx += (u[0] + v[0]) * f
			cy += (u[1] + v[1]) * f
		}
		a /= 2
		x, y := mlon, mlat
		if math.Abs(a) > 1e-12 {
			x, y = cx/(6*a), cy/(6*a)
		}
		if math.Abs(a) > best {
			best, lon, lat, ok = math.Abs(a), x, y, true
		}
	}
	return lon, lat, ok
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// write emits the asset: one country per line, so that a change of source
// data reads as a diff by country.
func (w *world) write(out *bytes.Buffer) error {
	fmt.Fprintf(out, "{\"width\":%d,\"height\":%d,\"countries\":[\n", w.width, w.height)
	for i, c := range w.countries {
		type entry struct {
			Num   string      `json:"n"`
			Alpha string      `json:"a"`
			D     string      `json:"d,omitempty"`
			Dot   *[2]float64 `json:"c,omitempty"`
		}
		b, err := json.Marshal(entry{c.num, c.alpha, pathData(c.rings), c.dot})
		if err != nil {
			return fmt.Errorf("country %s: %w", c.alpha, err)
		}
		out.Write(b)
		if i < len(w.countries)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.WriteString("]}\n")
	return nil
}

// pathData writes rings as SVG path data: an absolute move, relative lines,
// and the shortest number syntax the path grammar allows.
func pathData(rings [][]pt) string {
	var b strings.Builder
	for _, r := range rings {
		b.WriteByte('M')
		last := ""
		last = writeNum(&b, last, r[0].x)
		writeNum(&b, last, r[0].y)
		b.WriteByte('l')
		last = ""
		for i := 1; i < len(r); i++ {
			last = writeNum(&b, last, r[i].x-r[i-1].x)
			last = writeNum(&b, last, r[i].y-r[i-1].y)
		}
		b.WriteByte('z')
	}
	return b.String()
}

// writeNum writes v tenths after the number prev, with a separator only
// where the grammar needs one, and returns what it wrote.
func writeNum(b *strings.Builder, prev string, v int) string {
	s := tenths(v)
	if prev != "" {
		switch {
		case s[0] == '-':
		case s[0] == '.' && strings.Contains(prev, "."):
		default:
			b.WriteByte(' ')
		}
	}
	b.WriteString(s)
	return s
}

// tenths formats v/10 without a leading zero or a trailing ".0".
func tenths(v int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.Itoa(v / 10)
	if s == "0" && v%10 != 0 {
		s = ""
	}
	if v%10 != 0 {
		s += "." + strconv.Itoa(v%10)
	}
	if neg {
		s = "-" + s
	}
	return s
}

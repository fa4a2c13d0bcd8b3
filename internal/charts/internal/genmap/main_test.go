package main

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

func TestEqualEarth(t *testing.T) {
	// Extremes of the projection on the unit sphere, from its definition.
	tests := []struct {
		lon, lat, x, y float64
	}{
		{0, 0, 0, 0},
		{180, 0, 2.7066297, 0},
		{-180, 0, -2.7066297, 0},
		{0, 90, 0, 1.3173627},
		{0, -90, 0, -1.3173627},
	}
	for _, tt := range tests {
		x, y := equalEarth(tt.lon, tt.lat)
		if math.Abs(x-tt.x) > 1e-6 || math.Abs(y-tt.y) > 1e-6 {
			t.Errorf("equalEarth(%v, %v) = %v, %v; want %v, %v", tt.lon, tt.lat, x, y, tt.x, tt.y)
		}
	}
}

func TestTenths(t *testing.T) {
	tests := map[int]string{0: "0", 5: ".5", -5: "-.5", 10: "1", -120: "-12", 1234: "123.4", -1001: "-100.1"}
	for v, want := range tests {
		if got := tenths(v); got != want {
			t.Errorf("tenths(%d) = %q, want %q", v, got, want)
		}
	}
}

var number = regexp.MustCompile(`-?(\d+\.?\d*|\.\d+)`)

// TestPathData reads the compact path data back as an SVG parser would
// and finds the points it was given.
func TestPathData(t *testing.T) {
	rings := [][]pt{
		{{5000, 2000}, {5005, 1995}, {4990, 2000}, {4990, 2013}, {5000, 2013}},
		{{1, 2}, {11, 2}, {11, 12}},
	}
	d := pathData(rings)
	var got [][]pt
	for _, sub := range regexp.MustCompile(`M([^l]*)l([^z]*)z`).FindAllStringSubmatch(d, -1) {
		var nums []int
		for _, s := range number.FindAllString(sub[1]+" "+sub[2], -1) {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			nums = append(nums, int(math.Round(f*10)))
		}
		ring := []pt{{nums[0], nums[1]}}
		for i := 2; i+1 < len(nums); i += 2 {
			last := ring[len(ring)-1]
			ring = append(ring, pt{last.x + nums[i], last.y + nums[i+1]})
		}
		got = append(got, ring)
	}
	if !slices.EqualFunc(got, rings, slices.Equal) {
		t.Errorf("pathData(%v) = %q, reads back as %v", rings, d, got)
	}
	if want := "M500 200l.5-.5-1.5.5 0 1.3 1 0zM.1.2l1 0 0 1z"; d != want {
		t.Errorf("pathData = %q, want %q", d, want)
	}
}

func TestVisvalingam(t *testing.T) {
	line := []pt{{0, 0}, {10, 1}, {20, 0}, {30, 40}, {40, 0}}
	got := visvalingam(line, 20)
	want := []pt{{0, 0}, {20, 0}, {30, 40}, {40, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("visvalingam = %v, want %v (only the flat point dropped)", got, want)
	}
	island := []pt{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	if got := visvalingam(island, 1e9); len(got) != 4 {
		t.Errorf("a closed ring kept %v, want three points and the closing one", got)
	}
}

func TestCutAntimeridian(t *testing.T) {
	// A square from 170°E to 170°W, as stored: longitudes jump at ±180.
	ring := [][2]float64{{170, 10}, {180, 10}, {-170, 10}, {-170, -10}, {-180, -10}, {170, -10}, {170, 10}}
	if !crosses(ring) {
		t.Fatal("crosses = false")
	}
	pieces := cutAntimeridian(ring)
	if len(pieces) != 2 {
		t.Fatalf("%d pieces, want 2", len(pieces))
	}
	for i, p := range pieces {
		lo, hi := 1000.0, -1000.0
		for _, q := range p {
			lo, hi = math.Min(lo, q[0]), math.Max(hi, q[0])
		}
		want := [2]float64{170, 180}
		if i == 1 {
			want = [2]float64{-180, -170}
		}
		if lo != want[0] || hi != want[1] {
			t.Errorf("piece %d spans %v..%v, want %v", i, lo, hi, want)
		}
	}
	if crosses([][2]float64{{10, 0}, {20, 0}, {20, 10}}) {
		t.Error("a ring far from 180° crosses")
	}
}

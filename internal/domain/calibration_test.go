package domain

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
)

// order returns the case ids sorted by score, lowest first.
func order(scores map[string]float64) []string {
	ids := slices.Collect(maps.Keys(scores))
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(scores[a], scores[b]), cmp.Compare(a, b)) })
	return ids
}

// TestCalibrationRecoversOrder builds a panel in which each of eight cases
// of known quality is reviewed by two of four reviewers: one lenient (+18
// points), one severe (−18) and two accurate. Raw means put a case seen by
// the lenient reviewer above a better one seen by the severe reviewer;
// calibrated scores recover the true order.
func TestCalibrationRecoversOrder(t *testing.T) {
	quality := map[string]float64{}
	for i := 1; i <= 8; i++ {
		quality[fmt.Sprintf("c%d", i)] = float64(40 + 6*i)
	}
	bias := map[string]float64{"lenient": 18, "severe": -18, "n1": 0, "n2": 0}
	design := map[string][]string{
		"c1": {"lenient", "n1"}, "c2": {"severe", "n2"}, "c3": {"lenient", "n2"}, "c4": {"severe", "n1"},
		"c5": {"lenient", "n1"}, "c6": {"severe", "n2"}, "c7": {"lenient", "n2"}, "c8": {"severe", "n1"},
	}
	var reviews []ScoredReview
	raw := map[string]float64{}
	for _, c := range slices.Sorted(maps.Keys(design)) {
		for _, r := range design[c] {
			x := min(max(quality[c]+bias[r], 20), 100)
			reviews = append(reviews, ScoredReview{Case: c, Reviewer: r, Total: x})
			raw[c] += x / 2
		}
	}
	truth := order(quality)
	if got := order(raw); slices.Equal(got, truth) {
		t.Fatalf("raw means already in the true order %v: the panel does not test anything", got)
	}
	cal := Calibrate(reviews)
	if got := order(cal.Cases); !slices.Equal(got, truth) {
		t.Errorf("calibrated order %v, want %v\nscores %v", got, truth, cal.Cases)
	}
	for id, st := range cal.Reviewers {
		if st.Method != CalibStandardised || st.Reviews != 4 {
			t.Errorf("%s: %+v", id, st)
		}
	}
	// Lenient: 46, 58, 70, 82 (+18) → mean 82; severe: 52, 64, 76, 88 (−18) → 52.
	if l, s := cal.Reviewers["lenient"].Mean, cal.Reviewers["severe"].Mean; l != 82 || s != 52 {
		t.Errorf("reviewer means: lenient %v, severe %v", l, s)
	}
}

// TestCalibrationFormula checks the estimator against hand computation.
func TestCalibrationFormula(t *testing.T) {
	reviews := []ScoredReview{
		{"a", "r", 40}, {"b", "r", 60}, {"c", "r", 80}, // r: mean 60, sd √(800/3)
		{"a", "s", 90}, {"b", "s", 90}, {"c", "s", 90}, // s: sd 0
		{"d", "one", 100}, // one review: shrunk
	}
	cal := Calibrate(reviews)
	var sum float64
	for _, r := range reviews {
		sum += r.Total
	}
	mu := sum / float64(len(reviews))
	var ss float64
	for _, r := range reviews {
		ss += (r.Total - mu) * (r.Total - mu)
	}
	sigma := math.Sqrt(ss / float64(len(reviews)))
	if math.Abs(cal.Mean-mu) > 1e-9 || math.Abs(cal.SD-sigma) > 1e-9 {
		t.Fatalf("scale μ %v σ %v, want %v %v", cal.Mean, cal.SD, mu, sigma)
	}
	sr := math.Sqrt(800.0 / 3)
	want := []float64{
		mu + sigma*(40-60)/sr, mu /* z = 0 */, mu + sigma*(80-60)/sr,
		mu, mu, mu,
		100 - (1.0/3.0)*(100-mu),
	}
	for i, w := range want {
		w = min(max(w, 20), 100)
		if math.Abs(cal.Totals[i]-w) > 1e-9 {
			t.Errorf("review %d: calibrated %v, want %v", i, cal.Totals[i], w)
		}
	}
	if got, w := cal.Cases["a"], (cal.Totals[0]+cal.Totals[3])/2; math.Abs(got-w) > 1e-9 {
		t.Errorf("case a = %v, want %v", got, w)
	}
	if st := cal.Reviewers["one"]; st.Method != CalibShrunk || st.Reviews != 1 {
		t.Errorf("one: %+v", st)
	}
	if st := cal.Reviewers["s"]; st.Method != CalibStandardised || st.SD != 0 {
		t.Errorf("s: %+v", st)
	}
}

// TestCalibrationShrinkageOnly: a reviewer with fewer than three reviews
// is never rescaled. Their totals move by one common offset, a fraction
// n/(n+2) of their distance from the call mean, so the gaps between their
// own totals are kept exactly.
func TestCalibrationShrinkageOnly(t *testing.T) {
	base := []ScoredReview{
		{"a", "x", 50}, {"b", "x", 60}, {"c", "x", 70}, {"d", "x", 80},
		{"a", "y", 45}, {"b", "y", 55}, {"c", "y", 65}, {"d", "y", 75},
	}
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d reviews", n), func(t *testing.T) {
			few := []ScoredReview{{"a", "few", 95}, {"b", "few", 85}}[:n]
			reviews := append(slices.Clone(base), few...)
			cal := Calibrate(reviews)
			st := cal.Reviewers["few"]
			if st.Method != CalibShrunk || st.Reviews != n {
				t.Fatalf("few: %+v", st)
			}
			lambda := float64(n) / (float64(n) + ShrinkagePrior)
			offset := lambda * (st.Mean - cal.Mean)
			for i := range few {
				got := cal.Totals[len(base)+i]
				if want := few[i].Total - offset; math.Abs(got-want) > 1e-9 {
					t.Errorf("review %d: %v, want %v", i, got, want)
				}
				// Shrunk toward the mean, never past it.
				if !(got < few[i].Total && got > cal.Mean) {
					t.Errorf("review %d: %v not between the mean %v and the raw %v", i, got, cal.Mean, few[i].Total)
				}
			}
			if n == 2 {
				if gap := cal.Totals[len(base)] - cal.Totals[len(base)+1]; math.Abs(gap-10) > 1e-9 {
					t.Errorf("gap between the reviewer's totals = %v, want the raw 10", gap)
				}
			}
		})
	}
}

func TestCalibrationEdges(t *testing.T) {
	if cal := Calibrate(nil); !math.IsNaN(cal.Mean) || len(cal.Cases) != 0 {
		t.Errorf("empty: %+v", cal)
	}
	cal := Calibrate([]ScoredReview{{"a", "r", math.NaN()}, {"a", "r", 60}, {"b", "r", 80}, {"c", "r", 100}})
	if !math.IsNaN(cal.Totals[0]) || cal.Reviewers["r"].Reviews != 3 {
		t.Errorf("NaN review: %+v", cal)
	}
	// Calibrated totals stay on the 20–100 scale.
	var reviews []ScoredReview
	for i := range 10 {
		reviews = append(reviews, ScoredReview{fmt.Sprint(i), "flat", 60})
	}
	reviews = append(reviews, ScoredReview{"z", "flat", 100}, ScoredReview{"y", "other", 20}, ScoredReview{"x", "other", 100}, ScoredReview{"w", "other", 60})
	for i, x := range Calibrate(reviews).Totals {
		if x < 20 || x > 100 {
			t.Errorf("review %d: %v off the scale", i, x)
		}
	}
}

package domain

import "math"

// Calibration removes each reviewer's leniency or severity from the
// totals of a call. The estimator, exactly:
//
// Let T be the totals of every submitted review in the call, μ their mean
// and σ their population standard deviation: the call's overall scale.
// For reviewer r with nᵣ reviews in the call, mᵣ and sᵣ are the mean and
// population standard deviation of r's totals. A total x given by r
// becomes
//
//   - when nᵣ ≥ MinReviewsToStandardise and sᵣ > 0: x̂ = μ + σ·(x − mᵣ)/sᵣ,
//     the reviewer's z-score mapped back to the call's scale;
//   - when nᵣ ≥ MinReviewsToStandardise and sᵣ = 0: x̂ = μ, since a
//     reviewer who gave every case the same total says nothing about how
//     the cases compare;
//   - when nᵣ < MinReviewsToStandardise: x̂ = x − λᵣ·(mᵣ − μ) with
//     λᵣ = nᵣ/(nᵣ + ShrinkagePrior). Too few reviews give no usable
//     estimate of a reviewer's spread, so only their offset from the call
//     mean is removed, shrunk toward zero as if ShrinkagePrior more of
//     their reviews had scored exactly μ (the empirical-Bayes estimate of
//     the offset under a normal prior): nothing is rescaled.
//
// x̂ is then clamped to the 20–100 scale. A case's calibrated score is the
// mean of the x̂ of its reviews.
const (
	MinReviewsToStandardise = 3
	ShrinkagePrior          = 2.0
)

// Calibration methods, as ReviewerStats.Method.
const (
	CalibStandardised = "standardised"
	CalibShrunk       = "shrunk"
)

// ScoredReview is one submitted review's total.
type ScoredReview struct {
	Case     string
	Reviewer string
	Total    float64
}

// ReviewerStats describes one reviewer's totals in the call.
type ReviewerStats struct {
	Reviews int
	Mean    float64
	SD      float64 // population standard deviation
	Method  string  // CalibStandardised or CalibShrunk
}

// Calibration is the result of Calibrate.
type Calibration struct {
	Mean, SD  float64 // the call's overall scale: μ and σ
	Reviewers map[string]ReviewerStats
	// Totals holds the calibrated total of each input review, in order.
	Totals []float64
	// Cases holds each case's calibrated score: the mean of its reviews'
	// calibrated totals.
	Cases map[string]float64
}

// Calibrate computes calibrated totals and case scores; reviews with a
// NaN total are ignored (their calibrated total is NaN too).
func Calibrate(reviews []ScoredReview) Calibration {
	cal := Calibration{
		Reviewers: map[string]ReviewerStats{},
		Totals:    make([]float64, len(reviews)),
		Cases:     map[string]float64{},
	}
	type acc struct{ n, sum, sumSq float64 }
	var all acc
	per := map[string]*acc{}
	for _, r := range reviews {
		if math.IsNaN(r.Total) {
			continue
		}
		all.n++
		all.sum += r.Total
		a := per[r.Reviewer]
		if a == nil {
			a = &acc{}
			per[r.Reviewer] = a
		}
		a.n++
		a.sum += r.Total
	}
	if all.n == 0 {
		cal.Mean, cal.SD = math.NaN(), math.NaN()
		for i := range cal.Totals {
			cal.Totals[i] = math.NaN()
		}
		return cal
	}
	cal.Mean = all.sum / all.n
	// Second pass for the deviations: more accurate than Σx² − n·mean².
	for _, r := range reviews {
		if math.IsNaN(r.Total) {
			continue
		}
		d := r.Total - cal.Mean
		all.sumSq += d * d
		a := per[r.Reviewer]
		dr := r.Total - a.sum/a.n
		a.sumSq += dr * dr
	}
	cal.SD = math.Sqrt(all.sumSq / all.n)
	for id, a := range per {
		st := ReviewerStats{Reviews: int(a.n), Mean: a.sum / a.n, SD: math.Sqrt(a.sumSq / a.n), Method: CalibShrunk}
		if st.Reviews >= MinReviewsToStandardise {
			st.Method = CalibStandardised
		}
		cal.Reviewers[id] = st
	}
	sums, counts := map[string]float64{}, map[string]int{}
	for i, r := range reviews {
		if math.IsNaN(r.Total) {
			cal.Totals[i] = math.NaN()
			continue
		}
		st := cal.Reviewers[r.Reviewer]
		var x float64
		switch {
		case st.Method == CalibShrunk:
			lambda := float64(st.Reviews) / (float64(st.Reviews) + ShrinkagePrior)
			x = r.Total - lambda*(st.Mean-cal.Mean)
		case st.SD > 0:
			x = cal.Mean + cal.SD*(r.Total-st.Mean)/st.SD
		default:
			x = cal.Mean
		}
		x = min(max(x, 20), 100)
		cal.Totals[i] = x
		sums[r.Case] += x
		counts[r.Case]++
	}
	for c, s := range sums {
		cal.Cases[c] = s / float64(counts[c])
	}
	return cal
}

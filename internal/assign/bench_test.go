package assign

import (
	"context"
	"fmt"
	"testing"

	"github.com/dxatlas/dxatlas/internal/cputime"
)

// BenchmarkSolve runs first assignments of realistic calls (see
// realisticProblem) at growing sizes: 80 reviewers per 1,000 cases, k = 3,
// capacity about 1.3 times the demand.
func BenchmarkSolve(b *testing.B) {
	for _, n := range []int{1000, 2000, 5000, 10000} {
		p := realisticProblem(1, n)
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			benchSolve(b, p)
		})
	}
}

// BenchmarkRerun re-runs a call after a first assignment: a third of it
// locked (reviews started), the rest existing, a few pairs forbidden. The
// churn tier is then in play, and with it the largest cost weights.
func BenchmarkRerun(b *testing.B) {
	for _, n := range []int{5000, 10000} {
		p := realisticProblem(1, n)
		first, err := Solve(context.Background(), p)
		if err != nil {
			b.Fatal(err)
		}
		for i, a := range first.Assignments {
			pr := Pair{a.Case, a.Reviewer}
			switch i % 30 {
			case 0:
				p.Forbidden = append(p.Forbidden, pr)
			case 1, 4, 7, 10, 13, 16, 19, 22, 25, 28:
				p.Existing = append(p.Existing, Existing{Pair: pr, Locked: true})
			default:
				p.Existing = append(p.Existing, Existing{Pair: pr})
			}
		}
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			benchSolve(b, p)
		})
	}
}

func benchSolve(b *testing.B, p Problem) {
	var res Result
	cpu0 := cputime.Process()
	for b.Loop() {
		var err error
		if res, err = Solve(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(res.Objective.Assignments), "assigned")
	b.ReportMetric(float64(len(res.Short)), "short")
	b.ReportMetric(float64(res.Objective.Affinity)/float64(max(1, res.Objective.Assignments)), "affinity/assignment")
}

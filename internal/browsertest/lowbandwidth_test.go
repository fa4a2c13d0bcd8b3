package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The emulated 2G link: 250 kbit/s each way, 300 ms round trips.
const (
	slowBits = 250_000
	slowRTT  = 300 * time.Millisecond
	slowRuns = 3 // loads per page; the median is reported
)

// slowLoad is one first view over the slow link, in milliseconds from
// the start of navigation.
type slowLoad struct {
	FCP      float64 `json:"fcp"`      // first contentful paint
	DOMReady float64 `json:"domReady"` // DOMContentLoaded
	Load     float64 `json:"load"`     // load event
	Bytes    int     `json:"bytes"`    // transferred, document and resources
}

// slowJS waits for the first contentful paint (the observer also reports
// a paint that happened before it was made) and reads the timings.
const slowJS = `new Promise(resolve => {
	const done = fcp => {
		const nav = performance.getEntriesByType("navigation")[0];
		const bytes = nav.transferSize + performance.getEntriesByType("resource").reduce((n, r) => n + r.transferSize, 0);
		resolve({fcp, domReady: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, bytes});
	};
	new PerformanceObserver(list => {
		for (const e of list.getEntries()) if (e.name === "first-contentful-paint") done(e.startTime);
	}).observe({type: "paint", buffered: true});
	setTimeout(() => done(-1), 10000);
})`

// TestSlowConnection measures the first render of the home page, the
// call page, the library and a published case, in English and Arabic,
// over an emulated 2G link (250 kbit/s, 300 ms RTT) with nothing cached. It only reports: the figures depend on
// the machine. They are logged, and written to low-bandwidth.json in the
// artefacts directory; docs/low-bandwidth.md records them.
func TestSlowConnection(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	dir := artifacts(t, "low-bandwidth")
	results := map[string]slowLoad{}
	var lines []string
	for _, page := range []struct{ name, path string }{{"home", "/"}, {"call", "/calls/{call}"},
		{"library", "/cases"}, {"case", "/cases/{published}"}} {
		for _, lang := range []string{"en", "ar"} {
			var runs []slowLoad
			for range slowRuns {
				tb := NewTab(t, s.browser, s.site, TabOptions{Width: 360, Height: 740, Mobile: true})
				tb.Do(t, Throttle(slowBits, slowRTT))
				tb.Open(t, "/"+lang+s.path(t, page.path))
				r := Eval[slowLoad](t, tb, slowJS)
				if r.FCP <= 0 {
					t.Fatalf("%s %s: no first contentful paint reported", page.name, lang)
				}
				runs = append(runs, r)
			}
			m := medianLoad(runs)
			key := page.name + " " + lang
			results[key] = m
			lines = append(lines, fmt.Sprintf("%-10s first paint %5.0f ms, DOM ready %5.0f ms, load %5.0f ms, %6d bytes",
				key, m.FCP, m.DOMReady, m.Load, m.Bytes))
		}
	}
	t.Logf("2G (%d kbit/s, %v RTT), median of %d cold loads:\n%s", slowBits/1000, slowRTT, slowRuns, strings.Join(lines, "\n"))
	out, _ := json.MarshalIndent(results, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "low-bandwidth.json"), out, 0o644); err != nil {
		t.Error(err)
	}
}

// medianLoad takes the median of each figure separately.
func medianLoad(runs []slowLoad) slowLoad {
	med := func(f func(slowLoad) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return slowLoad{
		FCP:      med(func(r slowLoad) float64 { return r.FCP }),
		DOMReady: med(func(r slowLoad) float64 { return r.DOMReady }),
		Load:     med(func(r slowLoad) float64 { return r.Load }),
		Bytes:    int(med(func(r slowLoad) float64 { return float64(r.Bytes) })),
	}
}

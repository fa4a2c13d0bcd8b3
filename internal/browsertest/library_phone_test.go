package browsertest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// resultsReach is how far down a phone's page the library's first result
// may start, in CSS pixels: about a screen and a third, so that a reader
// sees results after one flick instead of a wall of filters.
const resultsReach = 1000

// filtersLine is how tall the closed filter panel may be on a phone: one
// line of text in a touch-sized box.
const filtersLine = 64

// chipLines is how many lines a chosen filter's chip may take on a phone,
// whatever the length of the title it names.
const chipLines = 2

// layoutJS measures the library page: where its first result and its
// filters start from the top of the page, how tall the filters are (not
// their column, which a grid stretches), and whether the filters sit
// beside the results.
const layoutJS = `(() => {
	const box = e => e ? e.getBoundingClientRect() : null;
	const top = e => e ? Math.round(box(e).top + window.scrollY) : -1;
	const facets = document.querySelector(".facets"), results = document.querySelector(".results");
	const panel = document.querySelector(".filter-panel");
	return {
		firstResult: top(document.querySelector(".results-list > li")),
		filters: top(facets),
		filtersHeight: panel ? Math.round(box(panel).height) : -1,
		page: document.documentElement.scrollHeight,
		beside: !!(facets && results) && box(results).top < box(facets).bottom && box(facets).top < box(results).bottom,
		open: [...document.querySelectorAll(".facets details[open]")].map(d => d.id),
		chipLines: Math.max(0, ...[...document.querySelectorAll(".chips a")].map(a => Math.round(box(a).height / parseFloat(getComputedStyle(a).lineHeight)))),
	};
})()`

// libraryLayout is what layoutJS measures.
type libraryLayout struct {
	FirstResult   int      `json:"firstResult"`
	Filters       int      `json:"filters"`
	FiltersHeight int      `json:"filtersHeight"`
	Page          int      `json:"page"`
	Beside        bool     `json:"beside"`
	Open          []string `json:"open"`
	ChipLines     int      `json:"chipLines"`
}

// libraryPaths are the library pages measured: every case, and a search
// with a facet's value chosen.
var libraryPaths = []string{"/cases", "/cases?q=mobile&wsis=C7"}

// TestLibraryLayout measures the library in the six languages at phone
// and desktop widths. On a 360 px phone the filters fold into one closed
// panel, a line high, with or without a filter chosen, and on the page of
// every case the first result starts within resultsReach of the top of
// the page (a search's chosen filters add their chips above the results,
// each at most chipLines long);
// on a desktop the filters are a sidebar beside the results, the first
// facet and the chosen ones open, and a link lets a keyboard skip them.
// The figures are logged.
func TestLibraryLayout(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	var (
		mu    sync.Mutex
		lines []string
	)
	concurrently(t, langs, func(t *testing.T, _ int, lang string) {
		for _, vp := range viewports {
			phone := vp.o.Width <= 360
			for _, path := range libraryPaths {
				tb := NewTab(t, s.browser, s.site, vp.o)
				expectStatus(t, tb, path, tb.Open(t, "/"+lang+path), http.StatusOK)
				m := Eval[libraryLayout](t, tb, layoutJS)
				mu.Lock()
				lines = append(lines, fmt.Sprintf("%s %4s px %-22s first result at %5d px, filters at %4d px and %5d px tall, page %5d px, open %v, chips of up to %d lines",
					lang, vp.name, path, m.FirstResult, m.Filters, m.FiltersHeight, m.Page, m.Open, m.ChipLines))
				mu.Unlock()
				where := fmt.Sprintf("%s at %s px", tb.Path(t), vp.name)
				switch {
				case m.FirstResult < 0:
					t.Errorf("%s: no result", where)
				case phone && m.FiltersHeight > filtersLine:
					t.Errorf("%s: the filters are %d px tall, want a closed panel of at most %d", where, m.FiltersHeight, filtersLine)
				case phone && path == libraryPaths[0] && m.FirstResult > resultsReach:
					t.Errorf("%s: the first result starts %d px down the page, want at most %d", where, m.FirstResult, resultsReach)
				case phone && m.ChipLines > chipLines:
					t.Errorf("%s: a chip takes %d lines, want at most %d", where, m.ChipLines, chipLines)
				case !phone && !m.Beside:
					t.Errorf("%s: the filters are not beside the results", where)
				}
				// Open on a phone means inside the closed panel: shown
				// once the reader opens it.
				want := []string{"facet-wsis"}
				if !slices.Equal(m.Open, want) {
					t.Errorf("%s: open disclosures %v, want %v", where, m.Open, want)
				}
				if !phone {
					// The panel's content is the sidebar; its summary is gone.
					if n := Eval[int](t, tb, `[...document.querySelectorAll(".facets input[type=checkbox]")].filter(e => e.getBoundingClientRect().height > 0).length`); n == 0 {
						t.Errorf("%s: no checkbox shows in the sidebar", where)
					}
					if Eval[bool](t, tb, `getComputedStyle(document.querySelector(".filter-panel > summary")).display !== "none"`) {
						t.Errorf("%s: the filter panel's summary shows beside the results", where)
					}
					// A keyboard skips the filters: the link shows when
					// focused, and leads to the results.
					k := &keyboard{t: t, tb: tb}
					k.tabTo(".skip-results")
					if h := Eval[float64](t, tb, `document.activeElement.getBoundingClientRect().height`); h < 10 {
						t.Errorf("%s: the focused link to the results is %v px high", where, h)
					}
					if st := k.activate(kb.Enter); st != 0 {
						t.Errorf("%s: the link to the results loaded a page (status %d)", where, st)
					}
					// The focus follows the jump within the page in a task of
					// its own.
					waitFor(t, tb, `document.activeElement.id === "results" || document.activeElement !== document.body`)
					if f := k.checked("#results"); !f.Matches {
						t.Errorf("%s: the link to the results moved the focus to %s", where, f)
					}
				}
			}
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		t.Logf("the library's layout:\n%s", strings.Join(slices.Sorted(slices.Values(lines)), "\n"))
	})
}

// TestLibraryFiltersOnPhone filters the library on a 360 px phone:
//
//   - without JavaScript, with the keyboard (English) and by touch
//     (Arabic): open the filters, open a closed facet, tick a value and
//     apply; the new page has the filter, the panel closed above the
//     results, the facet open with its value ticked and counted;
//   - with JavaScript (English and Arabic): the same filter applies in
//     place, and the filters the reader opened or closed stay so, the
//     focus on the box ticked; Back brings the results back.
//
// axe-core checks the page with its filters open (with JavaScript: it is
// a script).
func TestLibraryFiltersOnPhone(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	axe := LoadAxe(t)
	phone := viewports[0].o
	runs := []struct {
		name, lang string
		noScript   bool
		keys       bool
	}{
		{"noscript_keyboard_en", "en", true, true},
		{"noscript_touch_ar", "ar", true, false},
		{"live_en", "en", false, true},
		{"live_ar", "ar", false, false},
	}
	names := make([]string, len(runs))
	for i, r := range runs {
		names[i] = r.name
	}
	concurrently(t, names, func(t *testing.T, i int, _ string) {
		r := runs[i]
		o := phone
		o.NoScript = r.noScript
		tb := NewTab(t, s.browser, s.site, o)
		k := &keyboard{t: t, tb: tb}
		expectStatus(t, tb, "library", tb.Open(t, "/"+r.lang+"/cases"), http.StatusOK)
		before := Eval[int](t, tb, `document.querySelectorAll(".results-list > li").length`)
		isOpen := func(sel string) bool {
			return Eval[bool](t, tb, `!!document.querySelector(`+strconv.Quote(sel)+`).open`)
		}
		// toggle opens or closes a disclosure, by Enter on its summary or
		// a tap.
		toggle := func(sel string) {
			t.Helper()
			if r.keys {
				k.tabTo(sel + " > summary")
				k.press(kb.Enter)
			} else {
				tb.Do(t, chromedp.Click(chromedp.CSS(sel+" > summary")))
			}
		}
		if isOpen("#filter-panel") {
			t.Fatal("the filter panel is open on a phone before any filter is chosen")
		}
		toggle("#filter-panel")
		if !isOpen("#filter-panel") {
			t.Fatal("the filter panel does not open")
		}
		if !r.noScript { // axe-core is a script
			for _, v := range Axe(t, tb, axe, AxeTags) {
				t.Errorf("%s, filters open: %s", tb.Path(t), v)
			}
		}
		// The first facet, open by default, closed by the reader; a
		// closed one opened.
		toggle("#facet-wsis")
		if isOpen("#facet-wsis") {
			t.Fatal("#facet-wsis does not close")
		}
		const facet = "#facet-technology"
		if isOpen(facet) {
			t.Fatalf("%s is open before it has a value chosen", facet)
		}
		toggle(facet)
		if !isOpen(facet) {
			t.Fatalf("%s does not open", facet)
		}
		box := facet + " input[type=checkbox]"
		name := Eval[string](t, tb, `document.querySelector(`+strconv.Quote(box)+`).name`)
		value := Eval[string](t, tb, `document.querySelector(`+strconv.Quote(box)+`).value`)
		if r.keys {
			k.check(box)
		} else {
			tb.Do(t, chromedp.Click(chromedp.CSS(facet+" label")))
		}
		want := name + "=" + value
		if r.noScript {
			if r.keys {
				k.tabTo(`.facets button[type=submit]`)
				expectStatus(t, tb, "apply the filter", k.activate(kb.Enter), http.StatusOK)
			} else {
				expectStatus(t, tb, "apply the filter", tb.Load(t, chromedp.Click(chromedp.CSS(`.facets button[type=submit]`))), http.StatusOK)
			}
			// A new page: results first, the chosen facet open.
			if isOpen("#filter-panel") {
				t.Error("after applying a filter, the filter panel is open above the results")
			}
			if open, want := openDetails(t, tb), []string{"facet-wsis", "facet-technology"}; !slices.Equal(open, want) {
				t.Errorf("after applying a filter, open disclosures %v, want %v", open, want)
			}
			if m := Eval[libraryLayout](t, tb, layoutJS); m.FiltersHeight > filtersLine {
				t.Errorf("%s: the filters are %d px tall, want a closed panel of at most %d", tb.Path(t), m.FiltersHeight, filtersLine)
			}
		} else {
			waitFor(t, tb, `location.search.includes(`+strconv.Quote(want)+`) && !document.querySelector("[data-live-part][aria-busy=true]")`)
			// In place: what the reader opened and closed stays so.
			if open, want := openDetails(t, tb), []string{"filter-panel", "facet-technology"}; !slices.Equal(open, want) {
				t.Errorf("after the filter applied in place, open disclosures %v, want %v", open, want)
			}
			if r.keys {
				if f := k.checked(facet + ` input[value="` + value + `"]`); !f.Matches {
					t.Errorf("after the filter applied, the focus is on %s, want the box of %s in %s", f, value, facet)
				}
			}
		}
		if p := tb.Path(t); !strings.Contains(p, want) {
			t.Fatalf("the filter led to %s, want %s", p, want)
		}
		if !Eval[bool](t, tb, `!!document.querySelector(`+strconv.Quote(facet+` input[value="`+value+`"]:checked`)+`)`) {
			t.Errorf("%s: %s is not ticked", tb.Path(t), value)
		}
		if n := Eval[int](t, tb, `document.querySelectorAll(`+strconv.Quote(facet+" > summary .chosen")+`).length`); n != 1 {
			t.Errorf("%s: the summary of %s does not count its chosen value", tb.Path(t), facet)
		}
		if n := Eval[int](t, tb, `document.querySelectorAll(".results-list > li").length`); n == 0 || n > before {
			t.Errorf("%s: %d results after filtering %d", tb.Path(t), n, before)
		}
		if !r.noScript {
			// Back: the results follow the address back, in place.
			Eval[bool](t, tb, `history.back(), true`)
			waitFor(t, tb, `!location.search.includes(`+strconv.Quote(want)+`) && !document.querySelector(`+strconv.Quote(facet+" input:checked")+`)`)
			if n := Eval[int](t, tb, `document.querySelectorAll(".results-list > li").length`); n != before {
				t.Errorf("%s: back from the filter, %d results, want %d", tb.Path(t), n, before)
			}
		}
		for _, p := range tb.Problems() {
			t.Errorf("on the way: %s", p)
		}
	})
}

// TestLibraryKeepsFilters filters the library on a phone from a page
// filtered by what the form has no box for (today's country groups and
// the case's language): a value ticked with the keyboard and applied,
// without JavaScript or in place with it, keeps those filters, each with
// its chip; in place, the focus stays on the box ticked.
func TestLibraryKeepsFilters(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	kept := []string{"language=en", "group_now=LDC"}
	concurrently(t, []string{"noscript", "live"}, func(t *testing.T, i int, _ string) {
		o := viewports[0].o
		o.NoScript = i == 0
		tb := NewTab(t, s.browser, s.site, o)
		k := &keyboard{t: t, tb: tb}
		expectStatus(t, tb, "library", tb.Open(t, "/en/cases?"+strings.Join(kept, "&")), http.StatusOK)
		k.tabTo("#filter-panel > summary")
		k.press(kb.Enter)
		const box = "#facet-wsis input[type=checkbox]"
		value := Eval[string](t, tb, `document.querySelector(`+strconv.Quote(box)+`).value`)
		k.check(box)
		want := slices.Concat(kept, []string{"wsis=" + value})
		if o.NoScript {
			k.tabTo(`.facets button[type=submit]`)
			expectStatus(t, tb, "apply the filter", k.activate(kb.Enter), http.StatusOK)
		} else {
			waitFor(t, tb, `location.search.includes(`+strconv.Quote(want[len(want)-1])+`) && !document.querySelector("[data-live-part][aria-busy=true]")`)
			if f := k.checked(`#facet-wsis input[value="` + value + `"]`); !f.Matches {
				t.Errorf("after the filter applied, the focus is on %s, want the box of %s", f, value)
			}
		}
		for _, w := range want {
			if p := tb.Path(t); !strings.Contains(p, w) {
				t.Errorf("the filter led to %s, want %s in it", p, w)
			}
		}
		if n := Eval[int](t, tb, `document.querySelectorAll(".chips a .visually-hidden").length`); n != len(want) {
			t.Errorf("%s: %d chips, want %d", tb.Path(t), n, len(want))
		}
		for _, p := range tb.Problems() {
			t.Errorf("on the way: %s", p)
		}
	})
}

// openDetails lists the ids of the page's open disclosures.
func openDetails(t *testing.T, tb *Tab) []string {
	t.Helper()
	return Eval[[]string](t, tb, `[...document.querySelectorAll("details[open]")].map(d => d.id)`)
}

package browsertest

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// viewports are a small phone and a desktop.
var viewports = []struct {
	name string
	o    TabOptions
}{
	{"360", TabOptions{Width: 360, Height: 740, Mobile: true}},
	{"1280", TabOptions{Width: 1280, Height: 800}},
}

// TestScreenshots saves full-page screenshots of the main pages in English
// and Arabic at 360 and 1280 pixels wide, for people to look at, and
// checks what a machine can see: nothing is wider than a phone's screen
// (WCAG 1.4.10 reflow; wide tables scroll inside their own box), and the
// image is the width of the viewport.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	dir := artifacts(t, "screenshots")
	tabs := s.roleTabs(t)
	// Each language at each width, all at once.
	type run struct {
		lang string
		vp   TabOptions
		w    string
	}
	var runs []run
	var names []string
	for _, lang := range []string{"en", "ar"} {
		for _, vp := range viewports {
			runs = append(runs, run{lang, vp.o, vp.name})
			names = append(names, lang+"_"+vp.name)
		}
	}
	concurrently(t, names, func(t *testing.T, i int, _ string) {
		lang, r := runs[i].lang, runs[i]
		mine := map[string]*Tab{}
		for role, tb := range tabs {
			mine[role] = tb.Sibling(t, r.vp)
		}
		for _, pt := range pageTypes {
			if !pt.shot {
				continue
			}
			t.Run(pt.name, func(t *testing.T) {
				tb := mine[pt.as]
				s.open(t, tb, pt, lang)
				if over := Eval[int](t, tb, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
					t.Errorf("%s at %s px: the page is %d px wider than the screen", tb.Path(t), r.w, over)
				}
				shot := fullPage(t, tb)
				img, err := png.DecodeConfig(bytes.NewReader(shot))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				if want := int(r.vp.Width); img.Width != want {
					t.Errorf("screenshot %d px wide, want %d", img.Width, want)
				}
				name := filepath.Join(dir, pt.name+"-"+lang+"-"+r.w+".png")
				if err := os.WriteFile(name, shot, 0o644); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
	t.Logf("screenshots in %s", dir)
}

// fullPage captures the whole page as PNG: it makes the viewport as tall
// as the page, captures it, and restores the viewport. (Capturing beyond
// the viewport misplaces right-to-left pages.)
func fullPage(t *testing.T, tb *Tab) []byte {
	t.Helper()
	w, h := tb.opts.Width, tb.opts.Height
	if w == 0 {
		w, h = 1280, 800
	}
	var vopts []chromedp.EmulateViewportOption
	if tb.opts.Mobile {
		vopts = append(vopts, chromedp.EmulateMobile)
	}
	full := max(Eval[int64](t, tb, `document.documentElement.scrollHeight`), h)
	tb.Do(t, chromedp.EmulateViewport(w, full, vopts...))
	shot := Run(t, tb, chromedp.CaptureScreenshot())
	tb.Do(t, chromedp.EmulateViewport(w, h, vopts...))
	return shot
}

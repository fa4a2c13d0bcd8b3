package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// weightBudget is what a public page may transfer on first view, with its
// stylesheet, script and images, compressed: a few seconds on a 2G link.
const weightBudget = 30 * 1024

// pageWeight is what a page transferred on its first view, lazy images
// included, from the browser's resource timing.
type pageWeight struct {
	Document  resourceWeight   `json:"document"`
	Resources []resourceWeight `json:"resources"`
	FontFaces int              `json:"fontFaces"` // @font-face rules in the page's style sheets
	Images    []imageInfo      `json:"images"`
}

// resourceWeight is one response: bytes on the wire (headers included),
// the body as sent and as decoded.
type resourceWeight struct {
	Name      string `json:"name"`
	Initiator string `json:"initiator"`
	Transfer  int    `json:"transfer"`
	Encoded   int    `json:"encoded"`
	Decoded   int    `json:"decoded"`
}

// imageInfo is an <img> as written in the page.
type imageInfo struct {
	Src     string `json:"src"`
	Width   string `json:"width"`
	Height  string `json:"height"`
	Loading string `json:"loading"`
}

// total is every byte transferred.
func (w pageWeight) total() int {
	n := w.Document.Transfer
	for _, r := range w.Resources {
		n += r.Transfer
	}
	return n
}

const weightJS = `(() => {
	const entry = e => ({name: e.name, initiator: e.initiatorType || "navigation", transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize});
	let faces = 0;
	for (const sheet of document.styleSheets) {
		for (const rule of sheet.cssRules) if (rule.type === CSSRule.FONT_FACE_RULE) faces++;
	}
	return {
		document: entry(performance.getEntriesByType("navigation")[0]),
		resources: performance.getEntriesByType("resource").map(entry),
		fontFaces: faces,
		images: [...document.images].map(i => ({src: i.getAttribute("src") || "", width: i.getAttribute("width") || "",
			height: i.getAttribute("height") || "", loading: i.getAttribute("loading") || ""})),
	};
})()`

// lazyJS brings every lazily loaded image and frame into view in turn, as
// a reader scrolling through the page does, waits until each has loaded
// and the network has been quiet for half a second, and scrolls back to
// the top: the weight then counts what a reader who scrolls downloads.
const lazyJS = `(async () => {
	const loaded = e => e.complete === true || new Promise(ok => {
		e.addEventListener("load", ok, {once: true});
		e.addEventListener("error", ok, {once: true});
		setTimeout(ok, 10000);
	});
	for (const e of document.querySelectorAll("img[loading=lazy], iframe[loading=lazy]")) {
		e.scrollIntoView({block: "center"});
		await loaded(e);
	}
	window.scrollTo(0, document.documentElement.scrollHeight);
	const count = () => performance.getEntriesByType("resource").length;
	for (let n = -1; n !== count();) {
		n = count();
		await new Promise(ok => setTimeout(ok, 500));
	}
	window.scrollTo(0, 0);
	return true;
})()`

// fontFile matches the address of a web font.
var fontFile = regexp.MustCompile(`(?i)\.(woff2?|ttf|otf|eot)(\?|$)`)

// TestPageWeight loads every public page in the six languages in a fresh
// profile (nothing cached), scrolls through it so that its lazy images
// load too, and checks that the page with its stylesheet, script and
// images transfers at most 30 KB compressed, that text comes
// compressed, that no web font is requested, and that every image has its
// size written and loads lazily.
func TestPageWeight(t *testing.T) {
	t.Parallel()
	s := newSuite(t)
	dir := artifacts(t, "weight")
	var (
		mu      sync.Mutex
		weights = map[string]int{}
	)
	concurrently(t, langs, func(t *testing.T, _ int, lang string) {
		for _, pt := range pageTypes {
			if !pt.public {
				continue
			}
			t.Run(pt.name, func(t *testing.T) {
				tb := NewTab(t, s.browser, s.site, TabOptions{})
				s.open(t, tb, pt, lang)
				Eval[bool](t, tb, lazyJS)
				w := Eval[pageWeight](t, tb, weightJS)
				mu.Lock()
				weights[lang+" "+pt.name] = w.total()
				mu.Unlock()
				if w.total() > weightBudget {
					t.Errorf("%s: %d bytes transferred, budget %d:\n%s", tb.Path(t), w.total(), weightBudget, w.table())
				}
				for _, r := range append([]resourceWeight{w.Document}, w.Resources...) {
					if !strings.HasPrefix(r.Name, s.site.URL) {
						t.Errorf("%s: a request leaves the site: %s", tb.Path(t), r.Name)
					}
					if fontFile.MatchString(r.Name) {
						t.Errorf("%s: a web font is requested: %s", tb.Path(t), r.Name)
					}
					// Text over a kilobyte is sent compressed.
					if r.Decoded > 1024 && r.Encoded >= r.Decoded {
						t.Errorf("%s: %s is sent uncompressed (%d bytes)", tb.Path(t), r.Name, r.Encoded)
					}
				}
				if w.FontFaces > 0 {
					t.Errorf("%s: the style sheets declare %d web fonts", tb.Path(t), w.FontFaces)
				}
				for _, img := range w.Images {
					if img.Width == "" || img.Height == "" || img.Loading != "lazy" {
						t.Errorf("%s: <img src=%q width=%q height=%q loading=%q>: want its size and loading=lazy",
							tb.Path(t), img.Src, img.Width, img.Height, img.Loading)
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		if len(weights) == 0 {
			return
		}
		keys := make([]string, 0, len(weights))
		for k := range weights {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%-24s %6d bytes\n", k, weights[k])
		}
		t.Logf("first view, transferred (budget %d):\n%s", weightBudget, b.String())
		out, _ := json.MarshalIndent(weights, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, "weights.json"), out, 0o644); err != nil {
			t.Error(err)
		}
	})
}

// table lists a page's responses, for a failure message.
func (w pageWeight) table() string {
	var b strings.Builder
	for _, r := range append([]resourceWeight{w.Document}, w.Resources...) {
		fmt.Fprintf(&b, "  %7d  %s\n", r.Transfer, r.Name)
	}
	return b.String()
}

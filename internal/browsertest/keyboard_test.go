package browsertest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusInfo describes the focused element and how its focus shows.
type focusInfo struct {
	Tag          string `json:"tag"`
	ID           string `json:"id"`
	Name         string `json:"name"`
	Class        string `json:"class"`
	Href         string `json:"href"`
	Value        string `json:"value"`
	Text         string `json:"text"`
	OutlineStyle string `json:"outlineStyle"`
	OutlineWidth string `json:"outlineWidth"`
	BoxShadow    string `json:"boxShadow"`
	Matches      bool   `json:"matches"` // matches the selector asked about
}

// String names the element in failures.
func (f focusInfo) String() string {
	var b strings.Builder
	b.WriteString("<" + f.Tag)
	for _, a := range [][2]string{{"id", f.ID}, {"name", f.Name}, {"class", f.Class}, {"href", f.Href}} {
		if a[1] != "" {
			b.WriteString(" " + a[0] + `="` + a[1] + `"`)
		}
	}
	b.WriteString(">")
	if f.Text != "" {
		b.WriteString(" " + f.Text)
	}
	return b.String()
}

// body reports whether nothing is focused.
func (f focusInfo) body() bool { return f.Tag == "body" }

// indicated reports whether the focus is visible: an outline or a box
// shadow is drawn.
func (f focusInfo) indicated() bool {
	outline := f.OutlineStyle != "" && f.OutlineStyle != "none" && f.OutlineWidth != "0px"
	return outline || (f.BoxShadow != "" && f.BoxShadow != "none")
}

// focusJS reads the focused element; SEL is replaced with a selector
// (a JSON string) to test it against.
const focusJS = `(() => {
	const sel = SEL;
	const e = document.activeElement;
	if (!e || e === document.body || e === document.documentElement) return {tag: "body"};
	const cs = getComputedStyle(e);
	return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "", class: e.getAttribute("class") || "",
		href: e.getAttribute("href") || "", value: "value" in e ? String(e.value) : "",
		text: (e.innerText || "").trim().replace(/\s+/g, " ").slice(0, 60),
		outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth, boxShadow: cs.boxShadow,
		matches: sel !== "" && e.matches(sel)};
})()`

// keyboard drives a tab with the keyboard only: Tab, Shift+Tab, Enter,
// Space, arrows and typed text, never the mouse. Every move checks that
// the focused element shows its focus.
type keyboard struct {
	t  *testing.T
	tb *Tab
}

// maxTabs bounds a search for a field by tabbing: more means the field is
// not reachable.
const maxTabs = 400

// focus reads the focused element and whether it matches sel ("" for no
// test).
func (k *keyboard) focus(sel string) focusInfo {
	k.t.Helper()
	q, _ := json.Marshal(sel)
	return Eval[focusInfo](k.t, k.tb, strings.Replace(focusJS, "SEL", string(q), 1))
}

// press sends keys (see package kb) with modifiers, and checks the focus
// that follows.
func (k *keyboard) press(keys string, mods ...chromedp.Modifier) focusInfo {
	k.t.Helper()
	k.tb.Do(k.t, Key(keys, mods...))
	return k.checked("")
}

// checked reads the focus and fails the test if it is not visible.
func (k *keyboard) checked(sel string) focusInfo {
	k.t.Helper()
	f := k.focus(sel)
	if !f.body() && !f.indicated() {
		k.t.Errorf("%s: focus on %s is not visible (outline %s %s, box-shadow %s)",
			k.tb.Path(k.t), f, f.OutlineStyle, f.OutlineWidth, f.BoxShadow)
	}
	return f
}

// tab presses Tab (or Shift+Tab when back) once.
func (k *keyboard) tab(back bool) focusInfo {
	k.t.Helper()
	if back {
		return k.press(kb.Tab, chromedp.ModifierShift)
	}
	return k.press(kb.Tab)
}

// tabTo presses Tab until the element matching sel has the focus.
func (k *keyboard) tabTo(sel string) focusInfo {
	k.t.Helper()
	if f := k.checked(sel); f.Matches {
		return f
	}
	for range maxTabs {
		k.tb.Do(k.t, Key(kb.Tab))
		if f := k.checked(sel); f.Matches {
			return f
		}
	}
	k.t.Fatalf("%s: %s not reached in %d presses of Tab", k.tb.Path(k.t), sel, maxTabs)
	return focusInfo{}
}

// fill tabs to a text field and types text into it.
func (k *keyboard) fill(sel, text string) {
	k.t.Helper()
	k.tabTo(sel)
	k.tb.Do(k.t, Type(text))
}

// choose tabs to a select and moves its choice down n options with the
// arrow key, as a keyboard user picks from a closed list; it returns the
// value chosen.
func (k *keyboard) choose(sel string, n int) string {
	k.t.Helper()
	k.tabTo(sel)
	for range n {
		k.press(kb.ArrowDown)
	}
	f := k.focus(sel)
	if f.Value == "" {
		k.t.Fatalf("%s: %d presses of ArrowDown chose nothing in %s", k.tb.Path(k.t), n, sel)
	}
	return f.Value
}

// chooseValue tabs to a select and presses ArrowDown until value is
// chosen.
func (k *keyboard) chooseValue(sel, value string) {
	k.t.Helper()
	k.tabTo(sel)
	for range maxTabs {
		if f := k.focus(sel); f.Value == value {
			return
		}
		k.press(kb.ArrowDown)
	}
	k.t.Fatalf("%s: %q not reached with ArrowDown in %s", k.tb.Path(k.t), value, sel)
}

// check tabs to a checkbox or radio button and presses Space on it.
func (k *keyboard) check(sel string) {
	k.t.Helper()
	k.tabTo(sel)
	k.press(" ")
	if !Eval[bool](k.t, k.tb, `document.activeElement.checked`) {
		k.t.Fatalf("%s: Space did not check %s", k.tb.Path(k.t), sel)
	}
}

// radio tabs to a group of radio buttons (sel is its first button, where
// Tab lands while none is chosen) and chooses its option n (from 0): Space
// chooses the first, ArrowDown each next one.
func (k *keyboard) radio(sel string, n int) {
	k.t.Helper()
	k.tabTo(sel)
	if n == 0 {
		k.press(" ")
	}
	for range n {
		k.press(kb.ArrowDown)
	}
	name := Eval[string](k.t, k.tb, `document.activeElement.name`)
	checked := Eval[[]string](k.t, k.tb, `[...document.querySelectorAll("input[type=radio]")].filter(r => r.name === document.activeElement.name && r.checked).map(r => r.value)`)
	all := Eval[[]string](k.t, k.tb, `[...document.querySelectorAll("input[type=radio]")].filter(r => r.name === document.activeElement.name).map(r => r.value)`)
	if n >= len(all) || len(checked) != 1 || checked[0] != all[n] {
		k.t.Fatalf("%s: %s has %q chosen, want option %d of %q", k.tb.Path(k.t), name, checked, n, all)
	}
}

// activate presses key (Enter or Space) on the focused element, which
// leads to a new page, and returns its HTTP status.
func (k *keyboard) activate(key string) int {
	k.t.Helper()
	return k.tb.Load(k.t, Key(key))
}

// arrived checks a newly loaded page. Nothing has the focus yet, so the
// first Tab must land on the skip link, visibly, and Enter on it moves the
// focus to the main content, where it is left. A page loaded at a
// fragment (#id) must instead start with the focus on that element.
func (k *keyboard) arrived() {
	k.t.Helper()
	if _, frag, ok := strings.Cut(k.tb.URL(k.t), "#"); ok && frag != "" {
		if f := k.checked("#" + frag); !f.Matches {
			k.t.Fatalf("%s: the page starts with the focus on %s, want #%s", k.tb.Path(k.t), f, frag)
		}
		return
	}
	if f := k.focus(""); !f.body() {
		k.t.Fatalf("%s: a new page starts with the focus on %s", k.tb.Path(k.t), f)
	}
	f := k.tab(false)
	if f.Tag != "a" || f.Href != "#main" {
		k.t.Fatalf("%s: the first Tab lands on %s, want the skip link", k.tb.Path(k.t), f)
	}
	if st := k.activate(kb.Enter); st != 0 {
		k.t.Fatalf("%s: the skip link loaded a page (status %d)", k.tb.Path(k.t), st)
	}
	if f := k.checked("main"); !f.Matches {
		k.t.Errorf("%s: Enter on the skip link moved the focus to %s, want <main>", k.tb.Path(k.t), f)
	}
}

package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// EnvChromium names the variable that may give the browser's path.
const EnvChromium = "DXATLAS_CHROMIUM"

// stepTimeout bounds one browser step, so that a page that never loads
// fails its test instead of hanging the run. It is a safety net, not a
// measurement: the race detector makes the in-process site slow.
const stepTimeout = 60 * time.Second

// ChromiumPath finds the browser: $DXATLAS_CHROMIUM, /usr/bin/chromium
// (Debian's package), or chromium or chromium-browser on PATH.
func ChromiumPath() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvChromium, p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found (install Debian's chromium package, or set " + EnvChromium + ")")
}

// unavailable skips t because something the suite needs is missing, or
// fails it when CI is set: a CI run must never pass without the browser
// suite.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; CI must run the browser tests", msg)
	}
	t.Skip(msg + "; skipping the browser tests")
}

// StartBrowser starts headless Chromium with a fresh profile and returns
// its context; the browser stops when t ends. It skips t when Chromium is
// missing, or fails it when CI is set.
func StartBrowser(t testing.TB) context.Context {
	t.Helper()
	path, err := ChromiumPath()
	if err != nil {
		unavailable(t, "%v", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Containers often have a small /dev/shm, which crashes tabs.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser, bound to ctx: it must not run
	// under a timeout, which would stop the browser when it ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// TabOptions sets up a new tab.
type TabOptions struct {
	NoScript      bool  // JavaScript disabled, as for a reader who turned it off
	Width, Height int64 // viewport; zero: 1280×800
	Mobile        bool  // a phone: the viewport meta tag applies
}

// Tab is one browser tab on a Site.
type Tab struct {
	Ctx  context.Context
	Site *Site
	opts TabOptions

	mu       sync.Mutex
	problems []string // uncaught script errors and console errors, not yet taken
}

// Problems returns the uncaught script exceptions and the errors the
// browser logged (a blocked resource, a Content-Security-Policy
// violation) since the last call. Answers with an error status, which
// forms give on purpose, are not problems.
func (tb *Tab) Problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// record is the tab's event listener; it runs in the tab's event loop and
// must return at once.
func (tb *Tab) record(ev any) {
	var p string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		p = "uncaught: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			p += " " + d.Exception.Description
		}
		if d.URL != "" {
			p += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *log.EventEntryAdded:
		if e.Entry.Level != log.EntryLevelError || e.Entry.Source == log.EntrySourceNetwork {
			return
		}
		p = fmt.Sprintf("console %s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
	default:
		return
	}
	tb.mu.Lock()
	tb.problems = append(tb.problems, p)
	tb.mu.Unlock()
}

// NewTab opens a tab with a profile of its own (no cookies, empty cache)
// in browser, closed when t ends.
func NewTab(t testing.TB, browser context.Context, s *Site, o TabOptions) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return setUpTab(t, ctx, s, o)
}

// Sibling opens another tab in the same profile as tb (its cookies, so
// the same person signed in), with options o.
func (tb *Tab) Sibling(t testing.TB, o TabOptions) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(tb.Ctx)
	t.Cleanup(cancel)
	return setUpTab(t, ctx, tb.Site, o)
}

func setUpTab(t testing.TB, ctx context.Context, s *Site, o TabOptions) *Tab {
	t.Helper()
	tb := &Tab{Ctx: ctx, Site: s, opts: o}
	w, h := o.Width, o.Height
	if w == 0 {
		w, h = 1280, 800
	}
	var vopts []chromedp.EmulateViewportOption
	if o.Mobile {
		vopts = append(vopts, chromedp.EmulateMobile)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(w, h, vopts...),
		// Tabs run side by side; each must behave as the focused window,
		// or :focus would not match in all but one.
		command(emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}),
	}
	if o.NoScript {
		steps = append(steps, command(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}))
	}
	// The first action opens the tab; it must not run under a timeout,
	// which would close the tab when it ends.
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	if err := chromedp.Do(ctx, command(log.Enable, cdp.Empty{})); err != nil {
		t.Fatalf("enable the log: %v", err)
	}
	return tb
}

// command makes an action of one protocol command whose result is not
// needed.
func command[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// Do runs steps in the tab, failing t on error.
func (tb *Tab) Do(t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", tb.location(), err)
	}
}

// Load runs steps that lead to a new page (a navigation, a click on a link
// or a submit button) and waits until it has loaded. It returns the HTTP
// status of the page.
func (tb *Tab) Load(t testing.TB, steps ...chromedp.Action[chromedp.Void]) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: load: %v", tb.location(), err)
	}
	if res == nil {
		return 0 // a jump within the page
	}
	return int(res.Status)
}

// Open navigates to path on the site (e.g. "/en/calls/x") and returns the
// HTTP status.
func (tb *Tab) Open(t testing.TB, path string) int {
	t.Helper()
	return tb.Load(t, chromedp.Navigate(tb.Site.URL+path))
}

// URL is the address of the tab's page.
func (tb *Tab) URL(t testing.TB) string {
	t.Helper()
	return Run(t, tb, chromedp.Location())
}

// Path is the path and query of the tab's page.
func (tb *Tab) Path(t testing.TB) string {
	t.Helper()
	return strings.TrimPrefix(tb.URL(t), tb.Site.URL)
}

// location names the tab's page in failures, without a round trip that
// could fail too.
func (tb *Tab) location() string {
	if c := chromedp.FromContext(tb.Ctx); c != nil && c.Target != nil {
		id := string(c.Target.TargetID)
		return "tab " + id[:min(len(id), 8)]
	}
	return "tab"
}

// Run runs an action with a value in the tab, failing t on error.
func Run[T any](t testing.TB, tb *Tab, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", tb.location(), err)
	}
	return v
}

// Eval evaluates a JavaScript expression in the page (through the
// DevTools protocol, so it works with the page's scripts disabled too)
// and decodes its value.
func Eval[T any](t testing.TB, tb *Tab, expr string) T {
	t.Helper()
	return Run(t, tb, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// Type inserts text into the focused field as a keyboard would (as an
// input method commits it: one event for the whole text, so long texts
// are quick to type).
func Type(text string) chromedp.Action[chromedp.Void] {
	return command(input.InsertText, input.InsertTextParams{Text: text})
}

// Key presses keys as a keyboard does. chromedp.KeyEvent sends a key's
// character as an event of its own after the key went down, so it reaches
// whatever has the focus by then: Enter on a link to a form field would
// also submit the field's form, or type a line break into it. Here the
// key down carries its character, and the browser pairs the two as it
// does for a real key.
func Key(keys string, mods ...chromedp.Modifier) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range keys {
			evs := kb.Encode(r)
			var out []*input.DispatchKeyEventParams
			for _, e := range evs {
				for _, m := range mods {
					e.Modifiers |= int64(m)
				}
				if e.Type == kb.KeyChar {
					if len(out) > 0 && out[0].Type == kb.KeyDown {
						out[0].Text, out[0].UnmodifiedText = e.Text, e.UnmodifiedText
					}
					continue
				}
				out = append(out, e)
			}
			for _, e := range out {
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *e); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Throttle emulates a slow network on every request of the tab: download
// and upload in bits per second, and the round-trip time.
func Throttle(bitsPerSecond float64, rtt time.Duration) chromedp.Action[chromedp.Void] {
	bytes := bitsPerSecond / 8
	return chromedp.Steps(
		command(network.Enable, network.EnableParams{}),
		command(network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
		command(network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{
				Latency: float64(rtt.Milliseconds()), DownloadThroughput: bytes, UploadThroughput: bytes,
			}},
		}),
	)
}

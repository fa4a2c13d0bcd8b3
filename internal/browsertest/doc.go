// Package browsertest checks dxatlas in a real headless Chromium: WCAG 2.2
// AA with axe-core on every page type in the six UN languages, no English
// left in the interface of a page in another language, keyboard-only and
// JavaScript-free journeys (submit a case, review a case, search the
// library), the library's filters on a phone, page weight (lazy images
// included), screenshots at phone and desktop widths, and first render on
// an emulated 2G link.
//
// The tests start the real site in-process (server.Handler over SQLite,
// seeded with the same demo as `dxatlas serve --demo`, and with the
// Fixtures the review and library pages need: calls under review and
// decided, reviews, an open invitation, a case taken out of the library)
// on 127.0.0.1 and drive Chromium through the DevTools protocol with
// chromedp.
//
// What they need:
//
//   - Chromium: /usr/bin/chromium, or the path in DXATLAS_CHROMIUM. Without
//     it the tests skip, except when CI is set: then they fail, so that a CI
//     without a browser cannot pass unnoticed.
//   - axe-core, pinned in package.json here: run `npm ci` in this directory.
//     Missing, it skips or fails like Chromium.
//   - For legible Arabic and Chinese screenshots, the Noto fonts
//     (fonts-noto-core, fonts-noto-cjk on Debian).
//
// Screenshots and measurements go to the directory named by
// DXATLAS_ARTIFACTS (default: a temporary directory of the test).
//
// To check a new page type, add a row to the pageTypes table in
// pages_test.go: its path, who is signed in, and, if the page only appears
// after an action (a form sent with errors), the steps that lead to it. If
// it needs data the demo lacks, seed it in seed.go through the
// application's operations.
package browsertest

package browsertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// AxeTags are the axe-core rule tags the suite enforces: WCAG 2.0, 2.1 and
// 2.2, levels A and AA, and axe's best practices (landmarks, heading
// order, one main heading), which the site meets as well.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// axePath is axe-core as `npm ci` installs it next to this package's
// package.json.
const axePath = "node_modules/axe-core/axe.min.js"

// LoadAxe reads axe-core. It skips t when axe-core is not installed, or
// fails it when CI is set.
func LoadAxe(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if errors.Is(err, fs.ErrNotExist) {
		dir, _ := filepath.Abs(".")
		unavailable(t, "axe-core is not installed (run `npm ci` in %s)", dir)
	}
	if err != nil {
		t.Fatalf("read axe-core: %v", err)
	}
	return string(b)
}

// Violation is one axe rule a page breaks, with the elements that break it.
type Violation struct {
	ID      string        `json:"id"`
	Impact  string        `json:"impact"`
	Help    string        `json:"help"`
	HelpURL string        `json:"helpUrl"`
	Nodes   []AxeNodeInfo `json:"nodes"`
}

// AxeNodeInfo is one element that breaks a rule.
type AxeNodeInfo struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// String shows a violation as a failure message: rule, impact, help, the
// help page, and each element's selector and what is wrong with it.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s\n      %s", strings.Join(n.Target, " "), n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	return b.String()
}

// Axe injects axe-core (src, from LoadAxe) into the tab's page, runs the
// rules tagged tags, and returns the violations.
func Axe(t testing.TB, tb *Tab, src string, tags []string) []Violation {
	t.Helper()
	Eval[bool](t, tb, src+"\n;true")
	tj, _ := json.Marshal(tags)
	raw := Eval[[]byte](t, tb, `axe.run(document, {runOnly: {type: "tag", values: `+string(tj)+`}, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""}))})))`)
	var vs []Violation
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatalf("axe results: %v", err)
	}
	return vs
}

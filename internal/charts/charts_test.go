package charts

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test -update and review the diff)\n got: %.300s…\nwant: %.300s…", path, got, want)
	}
}

// node is an element of a parsed SVG document.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// walk calls f for each element, with its ancestors, root first.
func (n node) walk(f func(n node, path []node)) {
	var rec func(n node, path []node)
	rec = func(n node, path []node) {
		f(n, path)
		path = append(path, n)
		for _, c := range n.Children {
			rec(c, path)
		}
	}
	rec(n, nil)
}

// all returns the elements named local.
func (n node) all(local string) []node {
	var out []node
	n.walk(func(m node, _ []node) {
		if m.XMLName.Local == local {
			out = append(out, m)
		}
	})
	return out
}

// parseSVG proves that out is one well-formed XML element in the SVG
// namespace, and returns it.
func parseSVG(t *testing.T, out string) node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(out))
	d.Strict = true
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed XML: %v\n%.500s", err, out)
		}
	}
	var root node
	if err := xml.NewDecoder(bytes.NewReader([]byte(out))).Decode(&root); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is %v, want svg in the SVG namespace", root.XMLName)
	}
	return root
}

// checkAccessibleName proves that the svg is an image named by its title
// and described by its desc.
func checkAccessibleName(t *testing.T, root node, title, desc string) {
	t.Helper()
	if root.attr("role") != "img" {
		t.Errorf("role = %q, want img", root.attr("role"))
	}
	ids := strings.Fields(root.attr("aria-labelledby"))
	if len(ids) != 2 {
		t.Fatalf("aria-labelledby = %q, want the title's and the desc's ids", root.attr("aria-labelledby"))
	}
	byID := map[string]node{}
	root.walk(func(n node, _ []node) {
		if id := n.attr("id"); id != "" {
			if _, dup := byID[id]; dup {
				t.Errorf("id %q used twice", id)
			}
			byID[id] = n
		}
	})
	if n := byID[ids[0]]; n.XMLName.Local != "title" || n.Text != title {
		t.Errorf("first labelledby id names <%s>%q, want <title>%q", n.XMLName.Local, n.Text, title)
	}
	if n := byID[ids[1]]; n.XMLName.Local != "desc" || n.Text != desc {
		t.Errorf("second labelledby id names <%s>%q, want <desc>%q", n.XMLName.Local, n.Text, desc)
	}
}

func TestEscaping(t *testing.T) {
	const script = `<script>alert(1)</script>`
	const onload = `"onload=alert(1) x='`
	outputs := map[string]string{
		"bars": string(Bars(BarChart{
			ID:    `x" onload="alert(1)`,
			Title: script, Desc: onload, Lang: `en" onload="`,
			Bars: []Bar{
				{Label: script + " " + strings.Repeat("long ", 40), Value: onload, N: 3},
				{Label: onload + " & more", Value: "1", N: 1},
				{Label: "nul\x00and\x1bescape", Value: "2", N: 2},
			},
		})),
		"map": string(WorldMap(Map{
			ID:    `m" onload="alert(1)`,
			Title: script, Desc: onload, Legend: script, Lang: `ar" onload="`, Dir: "rtl",
			Values: map[string]float64{"KE": 4, "FR": 1, "TV": 2},
			Label:  func(code string) string { return script + code },
			Format: func(v float64) string { return onload + strconv.Itoa(int(v)) },
		})),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			for _, bad := range []string{"<script", `"onload=`, `" onload="`, "\x00", "\x1b"} {
				if strings.Contains(out, bad) {
					t.Errorf("output contains %q unescaped", bad)
				}
			}
			for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;onload=alert(1) x=&#39;"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks the escaped %q", want)
				}
			}
			root := parseSVG(t, out)
			// Escaped text reads back as written.
			var texts []string
			root.walk(func(n node, _ []node) {
				if n.XMLName.Local == "title" || n.XMLName.Local == "text" || n.XMLName.Local == "desc" {
					texts = append(texts, n.Text)
				}
			})
			joined := strings.Join(texts, "\n")
			if !strings.Contains(joined, script) || !strings.Contains(joined, onload) {
				t.Errorf("the texts do not read back as given:\n%s", joined)
			}
		})
	}
}

func TestChartID(t *testing.T) {
	tests := []struct {
		name, id, want string
	}{
		{"kept", "cases-by-region", "cases-by-region"},
		{"unsafe characters dropped", `a" b(c)#d`, "abcd"},
		{"must start with a letter", "2026", "bars-2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chartID(tt.id, "bars"); got != tt.want {
				t.Errorf("chartID(%q) = %q, want %q", tt.id, got, tt.want)
			}
		})
	}
	t.Run("derived ids are stable and differ by title", func(t *testing.T) {
		a, b := chartID("", "bars", "By region", "d"), chartID("", "bars", "By sector", "d")
		if a != chartID("", "bars", "By region", "d") || a == b || !strings.HasPrefix(a, "bars-") {
			t.Errorf("derived ids %q, %q", a, b)
		}
	})
}

func TestNumberDir(t *testing.T) {
	tests := []struct {
		s, page, want string
	}{
		{"12", "rtl", "ltr"},
		{"1,234", "rtl", "ltr"},
		{"2–3", "rtl", "ltr"},
		{"4 (33%)", "rtl", "ltr"},
		{"-5", "rtl", "ltr"},
		{"٤٥٪", "rtl", "rtl"},     // Arabic-Indic digits follow the page
		{"١٢ حالة", "rtl", "rtl"}, // words in Arabic too
		{"12 حالة", "rtl", "rtl"}, // a number inside an Arabic phrase
		{"12", "ltr", "ltr"},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := numberDir(tt.s, tt.page); got != tt.want {
				t.Errorf("numberDir(%q, %q) = %q, want %q", tt.s, tt.page, got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name     string
		s        string
		max      float64
		lines    int
		want     []string
		wantsCut bool
	}{
		{"fits", "Kenya", 200, 2, []string{"Kenya"}, false},
		{"collapses spaces", "  Kenya \n  Uganda ", 200, 2, []string{"Kenya Uganda"}, false},
		{"wraps at spaces", "ICT applications for e-government", 150, 2,
			[]string{"ICT applications for", "e-government"}, false},
		{"cuts with an ellipsis", "C7 ICT applications (e-government, e-business, e-learning, e-health)", 150, 2,
			[]string{"C7 ICT applications", "(e-government, e-b…"}, true},
		{"breaks between ideographs, not before a comma", "移动支付，电子商务和电子政务", 90, 3,
			[]string{"移动支付，电", "子商务和电子", "政务"}, false},
		{"splits a word wider than a line", "Telecommunications", 80, 2,
			[]string{"Telecomm", "unications"}, false},
		{"never leaves a lone combining mark", "مُحَمَّدٌ مُحَمَّدٌ مُحَمَّدٌ", 50, 2,
			[]string{"مُحَمَّدٌ", "مُحَمَّدٌ…"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := wrap(tt.s, tt.max, 14, tt.lines)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || cut != tt.wantsCut {
				t.Errorf("wrap(%q, %v) = %q, %v; want %q, %v", tt.s, tt.max, got, cut, tt.want, tt.wantsCut)
			}
			for _, l := range got {
				if w := textWidth(l, 14); w > tt.max && len([]rune(l)) > 1 {
					t.Errorf("line %q is %v wide, more than %v", l, w, tt.max)
				}
			}
		})
	}
}

package web

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func TestShorten(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 10, ""},
		{"  short  text\n", 20, "short text"},
		{"exactly ten", 11, "exactly ten"},
		{"one two three four five", 14, "one two three…"},
		{"abcdefghijklmnop", 10, "abcdefghij…"},
		{"finit ici, puis la suite", 10, "finit ici…"},
		{"移动支付帮助农民合作社进入新的市场", 8, "移动支付帮助农民…"},
		{"نص  عربي\tطويل جدا للاختبار", 12, "نص عربي طويل…"},
		{long, 280, strings.TrimSpace(long[:280]) + "…"},
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestShortenAsRunes checks shorten, which works on bytes, against the
// plain way of writing it with a slice of runes, on texts of every
// length around the cut, with spaces and characters of one to four
// bytes, and past its stack buffer.
func TestShortenAsRunes(t *testing.T) {
	ref := func(s string, n int) string {
		var r []rune
		space := false
		for _, c := range s {
			if unicode.IsSpace(c) {
				space = len(r) > 0
				continue
			}
			if space {
				r = append(r, ' ')
				space = false
			}
			if len(r) > n {
				break
			}
			r = append(r, c)
		}
		if len(r) <= n {
			return string(r)
		}
		cut := n
		for i := n; i > n*3/4; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		return strings.TrimRight(string(r[:cut]), " ,.;:،、，") + "…"
	}
	pieces := []string{"a", "é", "移", "😀", " ", "\t\n", "\v\f\r", "\u00a0", "\u0085", "\u3000", "\u1680", "\u2009", "\u205f", "\u2060", "\u180e", "\x1f", "\xff", ",", "، ", "word"}
	rng := rand.New(rand.NewPCG(7, 11))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(60) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s, n := b.String(), 1+rng.IntN(40)
		if got, want := shorten(s, n), ref(s, n); got != want {
			t.Fatalf("shorten(%q, %d) = %q, want %q", s, n, got, want)
		}
	}
	long := strings.Repeat("移动支付 ", 400)
	for _, n := range []int{280, 500, 1000} {
		if got, want := shorten(long, n), ref(long, n); got != want {
			t.Errorf("shorten(long, %d) = %q, want %q", n, got, want)
		}
	}
}

// TestRenderItemEscapes: every value of a result is escaped, in text
// and in attributes, and the case id is isolated for right-to-left pages.
func TestRenderItemEscapes(t *testing.T) {
	evil := `<script>"x'&`
	out := renderItem(libraryItemView{ID: "DX-1", Href: `/en/cases/DX-1?a="b"`, Title: evil, Summary: evil,
		Lang: `en"`, OtherLang: evil, Countries: evil, Year: "2026", WSIS: evil})
	if strings.Contains(out, "<script>") || strings.Contains(out, `"x'`) || strings.Contains(out, `a="b"`) {
		t.Errorf("unescaped value in %s", out)
	}
	if want := template.HTMLEscapeString(evil); strings.Count(out, want) != 5 {
		t.Errorf("want the escaped value 5 times in %s", out)
	}
	if !strings.Contains(out, "<bdi>DX-1</bdi>") {
		t.Errorf("case id not isolated: %s", out)
	}
	if strings.Contains(out, " ·  · ") {
		t.Errorf("empty separator: %s", out)
	}
}

// TestRenderItemDirection: a result's title and summary take their
// language's direction, so that an Arabic title starting with a Latin
// name is still laid out right to left.
func TestRenderItemDirection(t *testing.T) {
	for lang, dir := range map[string]string{"ar": "rtl", "en": "ltr", "": "auto"} {
		out := renderItem(libraryItemView{ID: "DX-1", Href: "/ar/cases/DX-1", Title: "«Mwali Stay»: سياحة", Summary: "«Mwali Stay» نُزُل", Lang: lang})
		if n := strings.Count(out, `lang="`+lang+`" dir="`+dir+`"`); n != 2 {
			t.Errorf("%q: title and summary marked %q %d times, want 2:\n%s", lang, dir, n, out)
		}
	}
}

// TestItemCache checks that rendered results are kept per language and
// index sequence, and that the cache stays within its bytes.
func TestItemCache(t *testing.T) {
	c := itemCache{maxBytes: 100}
	c.put(1, "en", "DX-1", "<li>one</li>")
	c.put(1, "fr", "DX-1", "<li>un</li>")
	if got := c.get(1, "en", []string{"DX-1", "DX-2"}); got[0] != "<li>one</li>" || got[1] != "" {
		t.Errorf("en: %q", got)
	}
	if got := c.get(1, "fr", []string{"DX-1"}); got[0] != "<li>un</li>" {
		t.Errorf("fr: %q", got)
	}
	// A publication or withdrawal moves the sequence: nothing old is served.
	if got := c.get(2, "en", []string{"DX-1"}); got[0] != "" {
		t.Errorf("after a change: %q", got)
	}
	c.put(2, "en", "DX-1", "<li>new</li>")
	if got := c.get(2, "en", []string{"DX-1"}); got[0] != "<li>new</li>" {
		t.Errorf("after a change: %q", got)
	}
	if c.get(2, "fr", []string{"DX-1"})[0] != "" {
		t.Error("an item of the old sequence survived")
	}
	// A page that read its results before the change comes late.
	c.put(1, "en", "DX-1", "<li>old</li>")
	if got := c.get(2, "en", []string{"DX-1"}); got[0] != "<li>new</li>" {
		t.Errorf("a late item of the old sequence replaced the new: %q", got)
	}
	for i := range 50 {
		c.put(2, "en", "DX-"+strconv.Itoa(i), strings.Repeat("x", 10))
		if c.bytes > c.maxBytes {
			t.Fatalf("%d bytes kept, bound %d", c.bytes, c.maxBytes)
		}
	}
	sum := 0
	for _, v := range c.items {
		sum += len(v)
	}
	if sum != c.bytes || len(c.items) != 10 {
		t.Errorf("%d items, %d bytes, counted %d", len(c.items), sum, c.bytes)
	}
}

// TestRenderLinks: the pager, the sort menu, the exports and the language
// switcher, written without the template, come out as the template wrote
// them, every value escaped.
func TestRenderLinks(t *testing.T) {
	rq := typographyRequests(t)["en"]
	evil := `<b>"x'&`
	esc := template.HTMLEscapeString(evil)
	tests := []struct {
		name string
		got  template.HTML
		want string
	}{
		{"pager", renderPager(rq, pager{Text: evil, Prev: "/en/cases?q=a&b", Next: "/en/cases?page=3&q=a&b", Pages: []pageLink{
			{N: 1, Href: "/en/cases?q=a&b"}, {N: 2, Href: `/"2`, Current: true}, {N: 9, Href: "/9", Gap: true}}}),
			"\n<nav class=\"pages\" aria-label=\"Pages of results\">\n<p>" + esc + "</p>\n<ul>" +
				`<li><a href="/en/cases?q=a&amp;b" rel="prev">Previous</a></li>` +
				`<li><a href="/en/cases?q=a&amp;b">1</a></li>` +
				`<li><a href="/&#34;2" aria-current="page">2</a></li>` +
				`<li><span aria-hidden="true">…</span> <a href="/9">9</a></li>` +
				`<li><a href="/en/cases?page=3&amp;q=a&amp;b" rel="next">Next</a></li>` + "\n</ul>\n</nav>"},
		{"one page", renderPager(rq, pager{}), ""},
		{"sort", renderSortOptions([]option{{Value: "relevance", Label: evil, Selected: true}, {Value: `"t`, Label: "Title"}}),
			`<option value="relevance" selected>` + esc + `</option><option value="&#34;t">Title</option>`},
		{"exports", renderExportLinks([]navLink{{Href: "/a.csv?q=x&y", Text: "CSV"}, {Href: "/b", Text: evil}}),
			`<a href="/a.csv?q=x&amp;y">CSV</a> · <a href="/b">` + esc + `</a>`},
		{"languages", renderLangSwitch([]langLink{{Code: "ar", Name: "العربية", Href: "/lang/ar?next=%2F"}, {Code: "en", Name: evil, Href: `/"`, Current: true}}),
			"\n" + `<li><a href="/lang/ar?next=%2F" lang="ar" hreflang="ar">العربية</a></li>` +
				"\n" + `<li><a href="/&#34;" lang="en" hreflang="en" aria-current="true">` + esc + `</a></li>`},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
	}
}

// TestWriteEsc: writeEsc writes what template.HTMLEscapeString returns.
func TestWriteEsc(t *testing.T) {
	pieces := []string{"a", "é", "移", "<", ">", "&", "'", `"`, "\x00", "\xff", "&amp;", " ", "ب"}
	rng := rand.New(rand.NewPCG(3, 5))
	var b bytes.Buffer
	for range 3000 {
		var s strings.Builder
		for range rng.IntN(12) {
			s.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.Reset()
		writeEsc(&b, s.String())
		if want := template.HTMLEscapeString(s.String()); b.String() != want {
			t.Fatalf("writeEsc(%q) = %q, want %q", s.String(), b.String(), want)
		}
	}
}

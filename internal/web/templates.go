package web

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/dxatlas/dxatlas/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// common templates are parsed into every page: the layout and the
// partials (form fields, error summary…).
var commonTemplates = []string{"layout.html", "partials.html", "review_partials.html"}

// templateSet holds one parsed template per page. Each request executes a
// clone whose functions are bound to the reader's language, so two readers
// rendering the same page at once never share a localizer.
type templateSet struct {
	dev   bool
	pages map[string]*template.Template
	// bound holds, per page and language, the clone bound to that
	// language's functions: they depend on nothing else, and a template
	// may execute concurrently, so each is made once, not per request.
	bound sync.Map // name + "\x00" + lang → *template.Template
}

// loadTemplates parses every page. Each templates/<name>.html must have
// an entry in pageTypes and each entry a file, or New fails.
func loadTemplates(dev bool) (*templateSet, error) {
	fsys := fs.FS(templateFS)
	if dev {
		if st, err := os.Stat(devDir + "/templates"); err == nil && st.IsDir() {
			fsys = os.DirFS(devDir)
		}
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	set := &templateSet{dev: dev, pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if isCommon(name + ".html") {
			continue
		}
		if _, ok := pageTypes[name]; !ok {
			return nil, fmt.Errorf("template %s has no page type in pageTypes", f)
		}
		paths := []string{f}
		for _, c := range commonTemplates {
			paths = append(paths, "templates/"+c)
		}
		t, err := template.New(name).Funcs(funcs(nil)).ParseFS(fsys, paths...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("template %s defines no \"content\"", f)
		}
		set.pages[name] = t
	}
	for name := range pageTypes {
		if set.pages[name] == nil {
			return nil, fmt.Errorf("page %s has no template templates/%s.html", name, name)
		}
	}
	return set, nil
}

func isCommon(file string) bool {
	for _, c := range commonTemplates {
		if c == file {
			return true
		}
	}
	return false
}

// execute renders page name with data for the request rq. data must be a
// pointer to the page's registered type.
func (s *templateSet) execute(w io.Writer, name string, rq *request, data any) error {
	return s.executeBlock(w, name, "layout", rq, data)
}

// executeBlock renders one template defined in page name's files (the
// layout for a whole page, or a fragment) for the request rq.
func (s *templateSet) executeBlock(w io.Writer, name, block string, rq *request, data any) error {
	if s.dev {
		fresh, err := loadTemplates(true)
		if err != nil {
			return err
		}
		s = fresh
	}
	base := s.pages[name]
	if base == nil {
		return fmt.Errorf("no page %q", name)
	}
	if want := reflect.TypeOf(pageTypes[name]); block == "layout" && reflect.TypeOf(data) != want {
		return fmt.Errorf("page %q renders %v, not %T", name, want, data)
	}
	key := name + "\x00" + rq.lang
	if t, ok := s.bound.Load(key); ok {
		return t.(*template.Template).ExecuteTemplate(w, block, data)
	}
	t, err := base.Clone()
	if err != nil {
		return err
	}
	fm := funcs(&request{lang: rq.lang, L: rq.L})
	t = t.Funcs(fm)
	foldConstants(t, fm)
	if !s.dev {
		s.bound.Store(key, t)
	}
	return t.ExecuteTemplate(w, block, data)
}

// foldConstants replaces, in every template of t, each call of t or url
// on a constant ({{t "nav.home"}}, {{url "/cases"}}) by its result from
// fm, the functions bound to one language, whose results never change. A page makes dozens of such calls,
// each through reflection; the constant is still escaped for where it
// stands, since t has not been executed (and so escaped) yet.
func foldConstants(t *template.Template, fm template.FuncMap) {
	var fold func(n parse.Node)
	foldPipe := func(p *parse.PipeNode) {
		if p == nil {
			return
		}
		for i, c := range p.Cmds {
			// Only a pipeline's first command: a later one is also given
			// the value piped into it.
			if s, ok := constantCall(c, fm); i == 0 && ok {
				c.Args = []parse.Node{s}
				continue
			}
			for _, a := range c.Args {
				fold(a)
			}
		}
	}
	fold = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					fold(c)
				}
			}
		case *parse.ActionNode:
			foldPipe(n.Pipe)
		case *parse.PipeNode:
			foldPipe(n)
		case *parse.IfNode:
			foldPipe(n.Pipe)
			fold(n.List)
			fold(n.ElseList)
		case *parse.RangeNode:
			foldPipe(n.Pipe)
			fold(n.List)
			fold(n.ElseList)
		case *parse.WithNode:
			foldPipe(n.Pipe)
			fold(n.List)
			fold(n.ElseList)
		case *parse.TemplateNode:
			foldPipe(n.Pipe)
		}
	}
	for _, x := range t.Templates() {
		if x.Tree != nil {
			fold(x.Tree.Root)
		}
	}
}

// constantCall returns the result of a command {{t "key"}} or
// {{url "/path"}} as a string constant.
func constantCall(c *parse.CommandNode, fm template.FuncMap) (*parse.StringNode, bool) {
	if len(c.Args) != 2 {
		return nil, false
	}
	fn, ok := c.Args[0].(*parse.IdentifierNode)
	arg, ok2 := c.Args[1].(*parse.StringNode)
	if !ok || !ok2 {
		return nil, false
	}
	var v string
	switch fn.Ident {
	case "t":
		v = fm["t"].(func(string, ...any) string)(arg.Text)
	case "url":
		v = fm["url"].(func(string) string)(arg.Text)
	default:
		return nil, false
	}
	s := *arg
	s.Text, s.Quoted = v, strconv.Quote(v)
	return &s, true
}

// funcs returns the template functions bound to one request's language.
// With rq nil they are placeholders for parsing.
func funcs(rq *request) template.FuncMap {
	lang := "en"
	var L *i18n.L
	if rq != nil {
		lang, L = rq.lang, rq.L
	}
	t := func(key string, pairs ...any) string {
		if rq == nil {
			return key
		}
		switch len(pairs) {
		case 0:
			return rq.T(key) // memoized
		case 1:
			return rq.T(key, pairs[0])
		}
		return rq.T(key, dict(pairs...))
	}
	return template.FuncMap{
		// t renders a catalogue text: {{t "key"}}, {{t "key" "Count" 3}},
		// or {{t "key" .Args}} with a map.
		"t": t,
		// url prefixes a path with the reader's language.
		"url":      func(p string) string { return "/" + lang + p },
		"dict":     func(pairs ...any) map[string]any { return dict(pairs...) },
		"state":    func(s string) string { return t("state." + s) },
		"phase":    func(p string) string { return t("phase." + p) },
		"langName": func(code string) string { return languageName(L, code) },
		// label writes a label with the punctuation that joins it to what
		// follows: {{label (t "case.meta.call")}}<a …>.
		"label": func(s string) string { return labelled(lang, s) },
		// sep separates the items of a list: {{if $i}}{{sep}}{{end}}.
		"sep": func() string { return listSep(lang) },
		// isolate keeps a code (a case id) in its own direction inside
		// a text in another script.
		"isolate": isolate,
		// textDir is the direction of a text in a language: dir="{{textDir .Lang}}".
		"textDir": i18n.TextDir,
	}
}

// labelled returns a label followed by what joins it to its value in
// lang ("Appel\u00a0: ", "征集："); the rules are in package i18n, so
// that pages and mails share them.
func labelled(lang, label string) string { return i18n.Labelled(lang, label) }

// listSep separates the items of a list in lang ("، " in Arabic, "、" in
// Chinese).
func listSep(lang string) string { return i18n.ListSep(lang) }

// isolate wraps s in Unicode's first-strong isolate and pop directional
// isolate, so that a Latin code such as a case id keeps its own order
// inside a right-to-left sentence, and the sentence its own around it.
// It works in plain text too: a <title>, a message.
func isolate(s string) string {
	if s == "" {
		return ""
	}
	return "\u2068" + s + "\u2069"
}

// dict makes a map from key/value pairs, for texts and partials.
func dict(pairs ...any) map[string]any {
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, _ := pairs[i].(string)
		m[k] = pairs[i+1]
	}
	return m
}

func languageName(L *i18n.L, code string) string {
	if L == nil {
		return code
	}
	return L.LanguageName(code)
}

package search

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// Concept search: a query that names a vocabulary term (technology,
// sector, WSIS action line or SDG) in any of the six languages also
// matches the cases tagged with it, whatever their language. The names and
// synonyms are in concepts.txt; the cases' tags are their facet values, so
// a concept is a facet value (Vocab is the facet, Code the value).

//go:embed concepts.txt
var conceptsFile []byte

// Concept is a vocabulary term: Vocab is the facet ("technology", "sector",
// "wsis" or "sdg") and Code its value ("payments", "A", "C7", "8").
type Concept struct {
	Vocab string `json:"vocab"`
	Code  string `json:"code"`
}

// String returns "vocab:code".
func (c Concept) String() string { return c.Vocab + ":" + c.Code }

// conceptVocabs are the vocabularies concepts come from, with their codes.
var conceptVocabs = map[string][]string{
	domain.VocabTechnology: domain.Technologies,
	domain.VocabSector:     domain.Sectors,
	domain.VocabWSIS:       domain.ActionLines,
	domain.VocabSDG:        goalCodes(),
}

func goalCodes() []string {
	out := make([]string, len(domain.Goals))
	for i, g := range domain.Goals {
		out[i] = strconv.Itoa(g)
	}
	return out
}

// Label is one name of a concept in one language.
type Label struct {
	Concept Concept
	Lang    string
	Text    string
}

// labelTerm is one word of an analysed label: the pipeline whose analysis
// of a query word must equal term.
type labelTerm struct {
	p    pipeline
	term string
}

type conceptLabel struct {
	concept int
	terms   []labelTerm
}

// conceptMatcher finds concept labels in analysed queries.
type conceptMatcher struct {
	concepts []Concept
	labels   []conceptLabel
	byFirst  map[string][]int // first term → labels starting with it
}

// parseConcepts reads the concept file format described at its top.
func parseConcepts(b []byte) ([]Label, error) {
	var (
		out  []Label
		cur  *Concept
		line int
	)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "[") {
			inner, ok := strings.CutSuffix(s[1:], "]")
			vocab, code, ok2 := strings.Cut(inner, ":")
			if !ok || !ok2 {
				return nil, fmt.Errorf("concepts: line %d: want [vocabulary:code], got %q", line, s)
			}
			if codes, known := conceptVocabs[vocab]; !known || !slices.Contains(codes, code) {
				return nil, fmt.Errorf("concepts: line %d: unknown concept %s", line, inner)
			}
			cur = &Concept{Vocab: vocab, Code: code}
			continue
		}
		lang, labels, ok := strings.Cut(s, ":")
		if !ok || cur == nil {
			return nil, fmt.Errorf("concepts: line %d: want \"lang: label | label\" after a [vocabulary:code] line", line)
		}
		lang = strings.TrimSpace(lang)
		if !slices.Contains(domain.UNLanguages, lang) {
			return nil, fmt.Errorf("concepts: line %d: language %q is not one of %v", line, lang, domain.UNLanguages)
		}
		for _, l := range strings.Split(labels, "|") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, Label{Concept: *cur, Lang: lang, Text: l})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("concepts: %w", err)
	}
	return out, nil
}

// codeLabels names action lines and goals by their codes, as readers
// write them: "C7", "SDG 8", "ODD 8", "ODS 8", "ЦУР 8", "目标8".
func codeLabels() []Label {
	var out []Label
	for _, c := range domain.ActionLines {
		k := Concept{Vocab: domain.VocabWSIS, Code: c}
		out = append(out, Label{k, "en", c}, Label{k, "en", "action line " + c}, Label{k, "fr", "grande orientation " + c},
			Label{k, "es", "línea de acción " + c}, Label{k, "ru", "направление деятельности " + c})
	}
	for _, g := range goalCodes() {
		k := Concept{Vocab: domain.VocabSDG, Code: g}
		out = append(out, Label{k, "en", "SDG " + g}, Label{k, "en", "goal " + g}, Label{k, "fr", "ODD " + g},
			Label{k, "es", "ODS " + g}, Label{k, "ru", "ЦУР " + g}, Label{k, "zh", "可持续发展目标" + g},
			Label{k, "ar", "الهدف " + g})
	}
	return out
}

// catalogueLabels are the names the site shows for the concepts' codes
// (facet labels from the message catalogues), in every language they are
// translated into: a reader who copies a facet's name into the search box
// finds its concept.
func catalogueLabels(cat *i18n.Catalog) []Label {
	var out []Label
	for _, lang := range domain.UNLanguages {
		l := cat.Localizer(lang)
		for _, vocab := range slices.Sorted(maps.Keys(conceptVocabs)) {
			for _, code := range conceptVocabs[vocab] {
				if key := domain.VocabKey(vocab, code); l.Translated(key) {
					out = append(out, Label{Concept: Concept{vocab, code}, Lang: lang, Text: l.T(key)})
				}
			}
		}
	}
	return out
}

// Labels returns every concept label: those of concepts.txt, the code
// labels and the catalogue labels.
func Labels() []Label {
	ls := conceptData().labels
	return slices.Clone(ls)
}

type conceptSet struct {
	labels  []Label
	matcher *conceptMatcher
}

// conceptData parses and analyses the labels once; the result is only
// read afterwards.
var conceptData = sync.OnceValue(func() conceptSet {
	labels, err := parseConcepts(conceptsFile)
	if err != nil {
		panic(err) // the file is compiled in: a test guards it
	}
	cat, err := i18n.New()
	if err != nil {
		panic(err) // compiled in too, and guarded by the catalogue's tests
	}
	labels = append(labels, codeLabels()...)
	labels = append(labels, catalogueLabels(cat)...)
	return conceptSet{labels: labels, matcher: newConceptMatcher(newAnalyzer(), labels)}
})

func newConceptMatcher(a *analyzer, labels []Label) *conceptMatcher {
	m := &conceptMatcher{byFirst: make(map[string][]int)}
	index := make(map[Concept]int)
	for _, l := range labels {
		ci, ok := index[l.Concept]
		if !ok {
			ci = len(m.concepts)
			index[l.Concept] = ci
			m.concepts = append(m.concepts, l.Concept)
		}
		terms := labelTerms(a, l)
		if len(terms) == 0 {
			continue
		}
		m.byFirst[terms[0].term] = append(m.byFirst[terms[0].term], len(m.labels))
		m.labels = append(m.labels, conceptLabel{concept: ci, terms: terms})
	}
	return m
}

// labelTerms analyses a label as text of its language: each word with
// the pipeline a query word's analysis must agree in.
func labelTerms(a *analyzer, l Label) []labelTerm {
	var out []labelTerm
	for _, t := range a.tokens(l.Text, latinPipeline(l.Lang)) {
		if s := a.term(t.p, t.word); s != "" {
			out = append(out, labelTerm{t.p, s})
		}
	}
	return out
}

// span is a run of query positions [start, end) that names concepts.
type span struct {
	start, end int
	concepts   []int
}

// match finds concept labels in a query, left to right, taking the longest
// label at each position; labels of the same length found at the same
// place all count.
func (m *conceptMatcher) match(pos []position) []span {
	var out []span
	for i := 0; i < len(pos); {
		best := i
		var found []int
		for _, t := range pos[i].variants() {
			for _, li := range m.byFirst[t] {
				l := &m.labels[li]
				end := l.matchAt(pos, i)
				if end < 0 || end < best {
					continue
				}
				if end > best {
					best, found = end, found[:0]
				}
				if !slices.Contains(found, l.concept) {
					found = append(found, l.concept)
				}
			}
		}
		if best == i {
			i++
			continue
		}
		slices.Sort(found)
		out = append(out, span{start: i, end: best, concepts: found})
		i = best
	}
	return out
}

// matchAt reports where the label ends if it starts at pos[i], or -1. A
// soft query word that the label's language drops as a stop word is
// passed over ("comercio en línea" names "comercio en línea", analysed
// as comerci, line).
func (l *conceptLabel) matchAt(pos []position, i int) int {
	for k, t := range l.terms {
		for k > 0 && i < len(pos) && pos[i].soft && pos[i].terms[t.p] == "" {
			i++
		}
		if i >= len(pos) || pos[i].terms[t.p] != t.term {
			return -1
		}
		i++
	}
	return i
}

// FindConcepts returns the concepts a query names, in query order.
func FindConcepts(q string) []Concept {
	cs := conceptData()
	var out []Concept
	for _, s := range cs.matcher.match(newAnalyzer().queryPositions(q)) {
		for _, c := range s.concepts {
			if k := cs.matcher.concepts[c]; !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"golang.org/x/text/unicode/norm"
)

// Text analysis turns text into index terms, the same way for documents
// and queries and whatever the database, so that SQLite and PostgreSQL
// store the same terms and return the same results.
//
// Text is split into words by Unicode word segmentation (UAX #29), lower
// cased, and each word goes through the pipeline of its script:
//
//   - Han, Hiragana and Katakana: overlapping bigrams of adjacent
//     characters (a lone character stays a unigram), so that a query of
//     two to four characters finds them inside longer unspaced text;
//   - Arabic script: normalisation (alef and hamza forms, alef maqsura,
//     taa marbuta, diacritics, tatweel) and light stemming (prefixes such
//     as ال, وال, بال, لل and common suffixes);
//   - Cyrillic: Snowball Russian;
//   - Latin: Snowball English, French or Spanish in text written in that
//     language, then accents folded; in other text only folded;
//   - numbers: Arabic-Indic digits written as ASCII digits.
//
// Stop words of the pipeline's language are dropped. A query word in
// Latin script is analysed with every Latin pipeline (the reader may type
// English in a French interface), and it matches a document if any of its
// analyses does.

// pipeline is the analysis one word goes through.
type pipeline uint8

const (
	plain   pipeline = iota // lower case, accents folded, no stemming
	english                 // Snowball English
	french                  // Snowball French
	spanish                 // Snowball Spanish
	russian                 // Snowball Russian
	arabic                  // Arabic normalisation and light stemming
	cjkGram                 // Han and Kana bigrams
	nPipelines
)

// latinPipelines are the analyses a Latin-script query word gets.
var latinPipelines = [...]pipeline{english, french, spanish, plain}

// latinPipeline is the pipeline of Latin-script words in text written in
// lang (a BCP 47 code).
func latinPipeline(lang string) pipeline {
	switch baseLanguage(lang) {
	case "en":
		return english
	case "fr":
		return french
	case "es":
		return spanish
	}
	return plain
}

// baseLanguage is the lower-case primary subtag of a BCP 47 code:
// "fr-CA" → "fr".
func baseLanguage(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

// filters are Bleve's stateless token filters and stop lists, built once
// and only read afterwards.
type filters struct {
	tokenizer  wordTokenizer
	width      *cjk.CJKWidthFilter
	lower      *lowercase.LowerCaseFilter
	bigram     *cjk.CJKBigramFilter
	possessive *en.PossessiveFilter
	elision    *elision.ElisionFilter
	arNorm     *ar.ArabicNormalizeFilter
	arStem     *ar.ArabicStemmerFilter
	stemmers   [nPipelines]analysis.TokenFilter
	stops      [nPipelines]*stop.StopTokensFilter
}

var shared = newFilters()

func newFilters() *filters {
	stopList := func(b []byte) *stop.StopTokensFilter {
		m := analysis.NewTokenMap()
		if err := m.LoadBytes(b); err != nil {
			panic("search: stop list: " + err.Error())
		}
		return stop.NewStopTokensFilter(m)
	}
	articles := analysis.NewTokenMap()
	if err := articles.LoadBytes(fr.FrenchArticles); err != nil {
		panic("search: French articles: " + err.Error())
	}
	f := &filters{
		width:      cjk.NewCJKWidthFilter(),
		lower:      lowercase.NewLowerCaseFilter(),
		bigram:     cjk.NewCJKBigramFilter(false),
		possessive: en.NewPossessiveFilter(),
		elision:    elision.NewElisionFilter(articles),
		arNorm:     ar.NewArabicNormalizeFilter(),
		arStem:     ar.NewArabicStemmerFilter(),
	}
	f.stemmers[english] = en.NewEnglishStemmerFilter()
	f.stemmers[french] = fr.NewFrenchStemmerFilter()
	f.stemmers[spanish] = es.NewSpanishStemmerFilter()
	f.stemmers[russian] = ru.NewRussianStemmerFilter()
	f.stops[english] = stopList(en.EnglishStopWords)
	f.stops[french] = stopList(fr.FrenchStopWords)
	f.stops[spanish] = stopList(es.SpanishStopWords)
	f.stops[russian] = stopList(ru.RussianStopWords)
	f.stops[arabic] = stopList(ar.ArabicStopWords)
	return f
}

// Bounds of an analyzer's cache of analysed words: large for indexing,
// small for the pooled analyzers of queries.
const (
	maxCachedWords  = 1 << 17
	queryCacheWords = 1 << 12
)

// analyzer analyses text. Word frequencies follow Zipf's law, so it
// remembers each word's analysis; it is therefore not safe for concurrent
// use: give each goroutine its own.
type analyzer struct {
	f      *filters
	cache  [nPipelines]map[string]string // word → term; "" for a stop word
	cached int
	limit  int
	counts [nFields]map[string]int // encode's term counts, reused
	one    [1]*analysis.Token
	tok    analysis.Token
}

func newAnalyzer() *analyzer {
	a := &analyzer{f: shared, limit: maxCachedWords}
	a.resetCache()
	return a
}

func (a *analyzer) resetCache() {
	for i := range a.cache {
		a.cache[i] = make(map[string]string)
	}
	a.cached = 0
}

// token is one analysed word: its pipeline and the word as segmented and
// lower cased (for cjkGram, the bigram or lone character itself).
type token struct {
	p    pipeline
	word []byte
}

// tokens segments text and returns its words with their pipelines; latin
// is the pipeline for Latin-script words.
func (a *analyzer) tokens(text string, latin pipeline) []token {
	if text == "" {
		return nil
	}
	stream := a.f.tokenizer.Tokenize([]byte(text))
	hasIdeo := false
	for _, t := range stream {
		if needsWidth(t.Term) {
			a.one[0] = t
			a.f.width.Filter(a.one[:])
		}
		if t.Type == analysis.Ideographic {
			hasIdeo = true
		}
	}
	a.f.lower.Filter(stream)
	if hasIdeo {
		stream = a.f.bigram.Filter(stream)
	}
	out := make([]token, 0, len(stream))
	for _, t := range stream {
		switch t.Type {
		case analysis.Single, analysis.Double, analysis.Ideographic:
			out = append(out, token{cjkGram, t.Term})
		case analysis.Numeric:
			out = append(out, token{plain, t.Term})
		default:
			out = append(out, token{scriptPipeline(t.Term, latin), t.Term})
		}
	}
	return out
}

// needsWidth reports whether a word holds fullwidth or halfwidth forms
// (U+FF01–U+FFEF, encoded EF BC 81 – EF BF AF).
func needsWidth(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xEF && b[i+1] >= 0xBC && b[i+1] <= 0xBF {
			return true
		}
	}
	return false
}

// scriptPipeline picks the pipeline of a word by the script of its first
// letter.
func scriptPipeline(word []byte, latin pipeline) pipeline {
	for len(word) > 0 {
		r, n := utf8.DecodeRune(word)
		word = word[n:]
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' {
				return latin
			}
		case unicode.Is(unicode.Arabic, r):
			return arabic
		case unicode.Is(unicode.Cyrillic, r):
			return russian
		case unicode.Is(unicode.Latin, r):
			return latin
		case unicode.IsLetter(r):
			return plain
		}
	}
	return latin
}

// term returns the index term of a word in pipeline p, or "" if the word
// is a stop word or nothing is left of it.
func (a *analyzer) term(p pipeline, word []byte) string {
	if p == cjkGram {
		if t, ok := a.cache[p][string(word)]; ok {
			return t
		}
		return a.remember(p, word, string(word))
	}
	if t, ok := a.cache[p][string(word)]; ok {
		return t
	}
	return a.remember(p, word, a.analyse(p, word))
}

func (a *analyzer) remember(p pipeline, word []byte, t string) string {
	if a.cached >= a.limit {
		a.resetCache()
	}
	a.cache[p][string(word)] = t
	a.cached++
	return t
}

// analyse runs one word through its pipeline's Bleve filters and the
// corrections below.
func (a *analyzer) analyse(p pipeline, word []byte) string {
	a.tok = analysis.Token{Term: append([]byte(nil), word...), Type: analysis.AlphaNumeric}
	a.one[0] = &a.tok
	s := analysis.TokenStream(a.one[:])
	if p == plain {
		return foldLatin(digitsASCII(string(a.tok.Term)))
	}
	if p == arabic {
		a.tok.Term = norm.NFKC.Bytes(a.tok.Term)
	}
	s = a.f.stops[p].Filter(s)
	if len(s) == 0 {
		return ""
	}
	switch p {
	case english:
		a.f.possessive.Filter(s)
		s = a.f.stops[p].Filter(s) // "it's" → "it"
		if len(s) == 0 {
			return ""
		}
		a.f.stemmers[p].Filter(s)
		return foldLatin(string(a.tok.Term))
	case french:
		a.f.elision.Filter(s)
		s = a.f.stops[p].Filter(s) // "qu'il" → "il"
		if len(s) == 0 || len(a.tok.Term) == 0 {
			return ""
		}
		a.f.stemmers[p].Filter(s)
		return foldLatin(string(a.tok.Term))
	case spanish:
		a.tok.Term = restoreSpanishAccent(a.tok.Term)
		a.f.stemmers[p].Filter(s)
		return foldLatin(string(a.tok.Term))
	case russian:
		a.tok.Term = []byte(strings.ReplaceAll(string(a.tok.Term), "ё", "е"))
		if russianNounInV(a.tok.Term) {
			return string(a.tok.Term)
		}
		a.f.stemmers[p].Filter(s)
		return string(a.tok.Term)
	case arabic:
		a.tok.Term = preNormalizeArabic(a.tok.Term)
		a.f.arNorm.Filter(s)
		a.tok.Term = stripConjunction(a.tok.Term)
		a.f.arStem.Filter(s)
		return digitsASCII(string(a.tok.Term))
	}
	return string(a.tok.Term)
}

// restoreSpanishAccent writes the accent a reader often leaves out of the
// endings -ción and -sión, which Snowball Spanish only recognises with it
// ("informacion" → "información").
func restoreSpanishAccent(w []byte) []byte {
	s := string(w)
	for _, e := range [...]string{"cion", "sion"} {
		if strings.HasSuffix(s, e) && len(s) > len(e)+1 {
			return []byte(s[:len(s)-2] + "ón")
		}
	}
	return w
}

// russianNounInV reports a word ending in -ав, -яв, -ив or -ыв. Snowball
// Russian reads these as perfective gerunds and cuts them ("кооператив" →
// "кооперат"), while the other forms of the same nouns keep the ending
// ("кооперативов" → "кооператив"). Such nouns (архив, актив, кооператив,
// устав, состав) are far more common in case texts than gerunds, so the
// word is kept whole.
func russianNounInV(w []byte) bool {
	s := string(w)
	if utf8.RuneCountInString(s) < 4 {
		return false
	}
	for _, e := range [...]string{"ав", "яв", "ив", "ыв"} {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// preNormalizeArabic completes Bleve's Arabic normalisation: alef wasla,
// the Persian forms of yeh and kaf, and combining marks it leaves (dagger
// alef, Quranic annotation signs, combining hamza and madda).
func preNormalizeArabic(w []byte) []byte {
	s := string(w)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 'ٱ':
			r = 'ا'
		case r == 'ی':
			r = 'ي'
		case r == 'ک':
			r = 'ك'
		case r >= 0x0610 && r <= 0x061A, r >= 0x0653 && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06ED:
			continue
		}
		b.WriteRune(r)
	}
	return []byte(b.String())
}

// conjunctionPrefixes are the article and preposition prefixes that a
// conjunction و or ف may precede; Bleve's light stemmer strips one prefix
// only, so "وبالدفع" and "وللتجارة" would keep theirs.
var conjunctionPrefixes = [...]string{"بال", "كال", "لل", "ال"}

// stripConjunction removes a leading و or ف before an article prefix, so
// that the light stemmer can strip the prefix itself.
func stripConjunction(w []byte) []byte {
	s := string(w)
	if !strings.HasPrefix(s, "و") && !strings.HasPrefix(s, "ف") {
		return w
	}
	rest := s[len("و"):]
	for _, p := range conjunctionPrefixes {
		if strings.HasPrefix(rest, p) && utf8.RuneCountInString(rest)-utf8.RuneCountInString(p) >= 2 {
			return []byte(rest)
		}
	}
	return w
}

// digitsASCII writes Arabic-Indic and Eastern Arabic-Indic digits as
// ASCII digits.
func digitsASCII(s string) string {
	if !strings.ContainsFunc(s, isIndicDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		}
		return r
	}, s)
}

func isIndicDigit(r rune) bool { return (r >= '٠' && r <= '٩') || (r >= '۰' && r <= '۹') }

// latinLigatures are the Latin letters that do not decompose into a base
// letter and marks.
var latinLigatures = map[rune]string{
	'œ': "oe", 'æ': "ae", 'ß': "ss", 'ø': "o", 'đ': "d", 'ł': "l", 'ı': "i", 'þ': "th", 'ð': "d",
}

// foldLatin removes accents from Latin letters ("coopérative" →
// "cooperative", "œuvre" → "oeuvre") and apostrophes; letters of other
// scripts are left alone (Cyrillic й is a letter, not и with a mark).
func foldLatin(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] == '\'' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '＇':
			continue
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case latinLigatures[r] != "":
			b.WriteString(latinLigatures[r])
		case unicode.Is(unicode.Latin, r):
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(d)
				}
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// termCounts analyses text written in lang and adds each term's count to
// counts; it returns the number of terms.
func (a *analyzer) termCounts(lang, text string, counts map[string]int) int {
	n := 0
	for _, t := range a.tokens(text, latinPipeline(lang)) {
		if s := a.term(t.p, t.word); s != "" {
			counts[s]++
			n++
		}
	}
	return n
}

// Terms returns the index terms of text written in lang (a BCP 47 code),
// in text order. It shows what the index stores, for tests and for
// explaining results.
func Terms(lang, text string) []string {
	a := newAnalyzer()
	var out []string
	for _, t := range a.tokens(text, latinPipeline(lang)) {
		if s := a.term(t.p, t.word); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// position is one word of a query with its analyses: the term in each
// pipeline that applies (empty where none does or where the word is a
// stop word).
type position struct {
	terms [nPipelines]string
	// unigram marks a lone Han or Kana character, which the index holds
	// only inside bigrams.
	unigram bool
	// soft marks a Latin-script word that is a stop word in some of the
	// Latin languages ("de", "en", "sur"): documents in those languages
	// do not index it, so it is not required to match, but it may score
	// and it may be part of a concept's name.
	soft bool
}

// variants returns the distinct terms of a position.
func (p *position) variants() []string {
	var out []string
	for _, t := range p.terms {
		if t != "" && !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// queryPositions analyses query text. A Latin-script word is analysed in
// every Latin pipeline; one that some of them take for a stop word is
// soft (see position).
func (a *analyzer) queryPositions(text string) []position {
	var out []position
	for _, t := range a.tokens(text, english) {
		var p position
		switch {
		case t.p == cjkGram:
			p.terms[cjkGram] = a.term(cjkGram, t.word)
			p.unigram = utf8.RuneCount(t.word) == 1
		case t.p == english:
			for _, lp := range latinPipelines {
				p.terms[lp] = a.term(lp, t.word)
				p.soft = p.soft || p.terms[lp] == ""
			}
		default:
			s := a.term(t.p, t.word)
			if s == "" {
				continue
			}
			p.terms[t.p] = s
		}
		out = append(out, p)
	}
	return out
}

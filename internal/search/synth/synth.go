// Package synth generates realistic, valid case records in the six UN
// languages, for demonstrations and for measuring dxatlas at scale
// (`dxatlas demo generate --cases N`, the search benchmarks). Texts are
// assembled from phrase banks written per language, around the case's
// own sector, technologies, countries and figures, so that search,
// facets and concept tags behave as they would on real cases. Every
// generated case passes domain.Validate on its publication date.
//
// Generation is deterministic: Make(seed, i) is always the same record,
// so callers may generate in parallel or resume.
package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// Record is a generated published case with its public identity.
type Record struct {
	ID          string
	Call        string // call slug, "sme-dx-<year of publication>"
	PublishedAt time.Time
	Case        domain.Case
}

// First and last publication dates of generated cases.
var (
	firstPublication = time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	lastPublication  = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
)

// Generate returns n cases made with seed.
func Generate(n int, seed int64) []domain.Case {
	out := make([]domain.Case, 0, n)
	for r := range Records(n, seed) {
		out = append(out, r.Case)
	}
	return out
}

// Records yields n records made with seed, in order, without holding
// them all in memory.
func Records(n int, seed int64) iter.Seq[Record] {
	return func(yield func(Record) bool) {
		for i := range n {
			if !yield(Make(seed, i)) {
				return
			}
		}
	}
}

// languageShare is how often each language is drawn, in percent.
var languageShare = []struct {
	lang  string
	share int
}{{"en", 28}, {"fr", 16}, {"es", 16}, {"ar", 13}, {"ru", 13}, {"zh", 14}}

// Make returns the i-th record of seed.
func Make(seed int64, i int) Record {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)))
	g := &gen{r: r}
	lang := g.language()
	b := banks[lang]
	g.b = b

	published := firstPublication.Add(time.Duration(r.Int64N(int64(lastPublication.Sub(firstPublication)))))
	published = published.Truncate(time.Minute)
	c := domain.Case{Language: lang, Licence: domain.DefaultLicence, ConsentPublish: true}
	g.countries(&c)
	g.facts(&c, published)
	g.fill(&c)
	g.translate(&c, seed, i)
	domain.Normalize(&c)
	return Record{
		ID:          domain.FormatCaseID(published.Year(), i+1),
		Call:        "sme-dx-" + strconv.Itoa(published.Year()),
		PublishedAt: published,
		Case:        c,
	}
}

// gen holds one case's random choices, shared by every text of it so
// that a translation tells the same story.
type gen struct {
	r        *rand.Rand
	b        *bank
	country  string
	sector   string
	techs    []string
	product  int
	org      string
	partner  string
	numbers  map[string]string
	orgStyle int
}

func (g *gen) language() string {
	n := g.r.IntN(100)
	for _, l := range languageShare {
		if n < l.share {
			return l.lang
		}
		n -= l.share
	}
	return "en"
}

// pick returns a random element.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// sample returns k distinct elements in random order.
func sample[T any](r *rand.Rand, xs []T, k int) []T {
	idx := r.Perm(len(xs))[:min(k, len(xs))]
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// weighted draws a key by weight.
func weighted(r *rand.Rand, ws []weight) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.code
		}
		n -= w.w
	}
	return ws[len(ws)-1].code
}

type weight struct {
	code string
	w    int
}

// Sectors with their relative frequency in the library.
var sectorWeights = []weight{
	{"A", 22}, {"C", 16}, {"G", 14}, {"I", 8}, {"H", 5}, {"K", 6}, {"P", 5}, {"Q", 4},
	{"J", 5}, {"M", 4}, {"E", 3}, {"F", 2}, {"S", 3}, {"R", 2}, {"N", 1}, {"D", 2},
}

var wsisWeights = []weight{
	{"C7", 40}, {"C4", 12}, {"C2", 8}, {"C6", 8}, {"C1", 6}, {"C3", 6}, {"C11", 6},
	{"C5", 5}, {"C8", 4}, {"C9", 3}, {"C10", 2},
}

var goalWeights = []weight{
	{"8", 60}, {"9", 30}, {"1", 14}, {"5", 14}, {"17", 18}, {"2", 10}, {"12", 10}, {"10", 8},
	{"4", 7}, {"11", 6}, {"16", 6}, {"13", 5}, {"3", 5}, {"7", 4}, {"14", 3}, {"15", 3}, {"6", 2},
}

// countries draws the countries where the case took place.
func (g *gen) countries(c *domain.Case) {
	list := []string{pick(g.r, placeCodes)}
	if g.r.IntN(100) < 15 {
		for _, cc := range sample(g.r, placeCodes, 1+g.r.IntN(4)) {
			if !slices.Contains(list, cc) {
				list = append(list, cc)
			}
		}
	}
	c.Countries = list
	g.country = list[0]
	switch {
	case len(list) > 1:
		c.Scope = "multi_country"
	case g.r.IntN(2) == 0:
		c.Scope = "local"
	default:
		c.Scope = "national"
	}
}

// facts draws the coded facts: sector, technologies, action lines,
// goals, size, dates, organisation.
func (g *gen) facts(c *domain.Case, published time.Time) {
	r := g.r
	g.sector = weighted(r, sectorWeights)
	c.Sector = g.sector
	g.product = r.IntN(len(sectorTexts[g.sector].products))
	techs := sectorTechs[g.sector]
	g.techs = sample(r, techs, 1+r.IntN(min(4, len(techs))))
	if r.IntN(5) == 0 {
		extra := pick(r, domain.Technologies[:len(domain.Technologies)-1])
		if !slices.Contains(g.techs, extra) {
			g.techs = append(g.techs, extra)
		}
	}
	c.Technologies = g.techs

	c.WSIS.Primary = weighted(r, wsisWeights)
	for range r.IntN(3) {
		s := weighted(r, wsisWeights)
		if s != c.WSIS.Primary && !slices.Contains(c.WSIS.Secondary, s) {
			c.WSIS.Secondary = append(c.WSIS.Secondary, s)
		}
	}
	goals := []int{}
	for range 1 + r.IntN(4) {
		gl, _ := strconv.Atoi(weighted(r, goalWeights))
		if !slices.Contains(goals, gl) {
			goals = append(goals, gl)
		}
	}
	c.SDGs.Goals = goals
	for _, gl := range goals {
		if r.IntN(2) == 0 {
			c.SDGs.Targets = append(c.SDGs.Targets, pick(r, domain.TargetsOf(gl)))
		}
	}

	switch n := r.IntN(100); {
	case n < 25:
		c.SME.SizeClass = "micro"
	case n < 50:
		c.SME.SizeClass = "small"
	case n < 65:
		c.SME.SizeClass = "medium"
	default:
		c.SME.SizeClass = domain.SizeClassProgramme
		c.SME.Count = domain.Decimal(strconv.Itoa(20 + r.IntN(4980)))
	}

	// The work started 6 to 72 months before publication; a finished one
	// ended at least a month before it.
	lastMonth := published.AddDate(0, -1, 0)
	start := published.AddDate(0, -(6 + r.IntN(67)), 0)
	c.Period.Start = start.Format("2006-01")
	switch n := r.IntN(100); {
	case n < 60:
		c.Status = "completed"
	case n < 75:
		c.Status = "phase_completed"
	default:
		c.Status = domain.StatusOngoing
	}
	if c.Status != domain.StatusOngoing {
		months := int(lastMonth.Sub(start).Hours()/24/30) + 1
		end := start.AddDate(0, r.IntN(max(1, months)), 0)
		if end.After(lastMonth) {
			end = lastMonth
		}
		c.Period.End = end.Format("2006-01")
	}

	g.orgStyle = r.IntN(len(g.b.orgPatterns))
	g.org = g.b.orgName(g, syllableName(r))
	c.Organisation = domain.Organisation{
		Name:    g.org,
		Type:    pick(r, []string{"sme", "sme", "sme", "civil_society", "solution_provider", "government", "academia"}),
		Country: g.country,
	}
	if r.IntN(3) == 0 {
		c.Organisation.Website = "https://" + strings.ToLower(syllableName(r)) + ".example.org"
	}
	if r.IntN(2) == 0 {
		g.partner = g.b.partnerName(g, syllableName(r))
		c.Partners = []domain.Partner{{Name: g.partner, Type: pick(r, domain.OrgTypes), Country: g.country}}
	}
	if r.IntN(3) == 0 {
		c.CostRange = pick(r, domain.CostRanges)
	}
	if r.IntN(2) == 0 {
		c.Funding = sample(r, domain.FundingSources, 1+r.IntN(2))
	}
	g.numbers = map[string]string{
		"n":      strconv.Itoa(20 + r.IntN(2000)),
		"n2":     strconv.Itoa(3 + r.IntN(60)),
		"pct":    strconv.Itoa(10 + r.IntN(70)),
		"pct2":   strconv.Itoa(5 + r.IntN(40)),
		"months": strconv.Itoa(3 + r.IntN(21)),
		"year":   strconv.Itoa(start.Year()),
	}
	c.KPIs = g.kpis(published)
}

func (g *gen) kpis(published time.Time) []domain.KPI {
	r := g.r
	var out []domain.KPI
	for _, name := range sample(r, g.b.kpis, 1+r.IntN(3)) {
		base := 5 + r.IntN(200)
		k := domain.KPI{
			Name:  name,
			Value: domain.Decimal(strconv.Itoa(base + r.IntN(300))),
			Date:  published.AddDate(0, -1-r.IntN(6), 0).Format("2006-01"),
		}
		if r.IntN(3) > 0 {
			k.Baseline = domain.Decimal(strconv.Itoa(base))
		}
		out = append(out, k)
	}
	return out
}

// syllableName makes up a pronounceable proper name, which gives the
// library the long tail of rare words real names give it.
func syllableName(r *rand.Rand) string {
	onsets := []string{"b", "d", "k", "l", "m", "n", "r", "s", "t", "z", "ka", "ma", "ny", "sh", "ta", "ba"}
	vowels := []string{"a", "e", "i", "o", "u", "ai", "ou"}
	var b strings.Builder
	for range 2 + r.IntN(2) {
		b.WriteString(pick(r, onsets))
		b.WriteString(pick(r, vowels))
	}
	if r.IntN(2) == 0 {
		b.WriteString(pick(r, []string{"n", "r", "l", "ko", "ra"}))
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// Word limits the generated texts aim for, inside the record's limits.
var targets = map[string][2]int{
	"summary":  {50, 120},
	"problem":  {45, 130},
	"solution": {80, 220},
	"impact":   {40, 120},
	"sdg":      {25, 70},
	"enablers": {25, 70},
	"sustain":  {25, 70},
	"lessons":  {0, 60},
}

// fill writes the case's texts in its language.
func (g *gen) fill(c *domain.Case) {
	b := g.b
	c.Title = g.title(b)
	c.Summary = g.text(b, b.summary, "summary")
	c.Problem = g.text(b, b.problem, "problem")
	c.Solution = g.text(b, b.solution, "solution")
	c.Impact = g.text(b, b.impact, "impact")
	c.SDGLinkage = g.text(b, b.sdg, "sdg")
	c.EnablersConstraints = g.text(b, b.enablers, "enablers")
	c.SustainabilityReplicability = g.text(b, b.sustain, "sustain")
	if g.r.IntN(2) == 0 {
		c.Lessons = g.text(b, b.lessons, "lessons")
	}
}

// translate adds, to some cases, the title and summary in another
// language, told with the same facts.
func (g *gen) translate(c *domain.Case, seed int64, i int) {
	if g.r.IntN(100) >= 18 {
		return
	}
	to := "en"
	if c.Language == "en" {
		to = pick(g.r, []string{"fr", "es", "ar", "ru", "zh"})
	}
	// A separate stream, so that the original's choices stay the same
	// whether or not it is translated.
	tg := *g
	tg.r = rand.New(rand.NewPCG(uint64(seed)^0x9e3779b97f4a7c15, uint64(i)))
	tg.b = banks[to]
	tg.org = c.Organisation.Name
	t := domain.Translation{
		Title:   tg.title(tg.b),
		Summary: tg.text(tg.b, tg.b.summary, "summary"),
		Source:  pick(g.r, []string{"author", "secretariat", "machine"}),
	}
	c.Translations = map[string]domain.Translation{to: t}
}

func (g *gen) title(b *bank) string {
	for range 20 {
		t := capitalize(g.expand(b, pick(g.r, b.titles)))
		if n := utf8.RuneCountInString(t); n >= 10 && n <= 150 {
			return t
		}
	}
	return capitalize(g.expand(b, b.titles[0]))
}

// text draws sentences without repetition until the section's word
// target is met, and joins them in the bank's order, which tells the
// story in a sensible sequence.
func (g *gen) text(b *bank, sentences []string, section string) string {
	lo, hi := targets[section][0], targets[section][1]
	goal := lo + g.r.IntN(hi-lo+1)
	if goal == 0 {
		return ""
	}
	var chosen []int
	texts := make(map[int]string)
	words := 0
	for _, i := range g.r.Perm(len(sentences)) {
		if words >= goal {
			break
		}
		s := capitalize(g.expand(b, sentences[i]))
		texts[i] = s
		chosen = append(chosen, i)
		words += countWords(s)
	}
	slices.Sort(chosen)
	parts := make([]string, len(chosen))
	for k, i := range chosen {
		parts[k] = texts[i]
	}
	return strings.Join(parts, b.sep)
}

// countWords counts words as runs of letters and digits, each Han or
// Kana character a word of its own; apostrophes, periods and the like do
// not end a run ("aujourd'hui", "3,5"). It never counts more than
// domain.WordCount, so a text long enough by this count is long enough
// for validation, and it is much cheaper than word segmentation.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
				if !in {
					n++
				}
				in = true
			case strings.ContainsRune("'.,:;", r):
			default:
				in = false
			}
		case r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			n++
			in = false
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			if !in {
				n++
			}
			in = true
		case strings.ContainsRune("'’.,:;·", r):
			// a joiner inside a word in Unicode word segmentation
		default:
			in = false
		}
	}
	return n
}

// expand fills a template's {slots}.
func (g *gen) expand(b *bank, t string) string {
	var out strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			out.WriteString(t)
			return out.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			out.WriteString(t)
			return out.String()
		}
		out.WriteString(t[:i])
		out.WriteString(g.slot(b, t[i+1:i+j]))
		t = t[i+j+1:]
	}
}

func (g *gen) slot(b *bank, name string) string {
	if v, ok := g.numbers[name]; ok {
		return v
	}
	st := sectorTexts[g.sector]
	switch name {
	case "org":
		return g.org
	case "partner":
		if g.partner != "" {
			return g.partner
		}
		return b.partnerName(g, syllableName(g.r))
	case "in_place":
		return places[g.country].in[b.lang]
	case "place":
		return places[g.country].name(b.lang)
	case "people":
		return st.people[b.lang][0]
	case "people_gen":
		p := st.people[b.lang]
		return p[len(p)-1]
	case "product":
		return st.products[g.product][b.lang]
	case "tech":
		return techTexts[g.techs[0]][b.lang]
	case "tech2":
		if len(g.techs) < 2 {
			return b.generic
		}
		return techTexts[g.techs[len(g.techs)-1]][b.lang]
	case "tech_any":
		return techTexts[pick(g.r, g.techs)][b.lang]
	}
	panic(fmt.Sprintf("synth: unknown slot {%s}", name))
}

// capitalize writes the first letter in upper case (no effect on scripts
// without case).
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

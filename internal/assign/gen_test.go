package assign

import (
	"fmt"
	"math/rand/v2"
)

// Vocabularies of the realistic generator.
var (
	genWSIS    = []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11"}
	genTech    = []string{"connectivity", "cloud", "web_social", "ecommerce", "payments", "egov", "erp", "crm", "supply_chain", "collaboration", "analytics", "ai", "iot", "automation", "digital_twin", "cad_3d", "ar_vr", "blockchain", "cybersecurity", "skills", "other"}
	genSectors = []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"}
	genRegions = []string{"002", "019", "142", "150", "009"}
)

// weighted draws an index with the given relative weights.
func weighted(r *rand.Rand, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	x := r.Float64() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// pick draws n distinct items, favouring the first ones when skew > 0.
func pick(r *rand.Rand, from []string, n int, skew float64) []string {
	w := make([]float64, len(from))
	for i := range w {
		w[i] = 1 / (1 + skew*float64(i))
	}
	var out []string
	for len(out) < n && len(out) < len(from) {
		i := weighted(r, w)
		out = append(out, from[i])
		w[i] = 0
	}
	return out
}

// realisticProblem builds a call of n cases with 80 reviewers per 1,000
// cases, k = 3 and total capacity about 1.3 times the demand. Languages
// follow what UN calls see: cases mostly in English, then French and
// Spanish, some Arabic, Chinese and Russian; most reviewers read English,
// many French or Spanish, some Arabic, Chinese or Russian. About 2 % of
// case–reviewer pairs are in conflict, declared or inferred (organisations
// come from a pool of 500, so solution providers recur across cases).
func realisticProblem(seed uint64, n int) Problem {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	const k = 3
	nr := max(4, n*80/1000)
	langs := []string{"en", "fr", "es", "ar", "zh", "ru"}
	caseLang := []float64{0.52, 0.15, 0.15, 0.07, 0.06, 0.05}
	reads := []float64{0.88, 0.38, 0.33, 0.12, 0.10, 0.12}
	regionW := []float64{0.28, 0.22, 0.27, 0.18, 0.05}
	const orgs = 500
	orgName := func(i int) string { return fmt.Sprintf("Organisation %d Ltd", i) }
	orgDomain := func(i int) string { return fmt.Sprintf("org%d.example", i) }

	p := Problem{K: k}
	for i := range n {
		c := Case{ID: fmt.Sprintf("case-%05d", i)}
		c.Language = langs[weighted(r, caseLang)]
		if c.Language != "en" && r.Float64() < 0.3 {
			c.TranslationLangs = []string{"en"}
		}
		ws := pick(r, genWSIS, 1+r.IntN(4), 0.3)
		c.WSISPrimary, c.WSISSecondary = ws[0], ws[1:]
		c.Technologies = pick(r, genTech, 1+r.IntN(5), 0.1)
		c.Sector = genSectors[r.IntN(len(genSectors))]
		c.Regions = []string{genRegions[weighted(r, regionW)]}
		if r.Float64() < 0.15 {
			c.Regions = pick(r, genRegions, 2, 0)
		}
		o := r.IntN(orgs)
		c.Org = orgName(o)
		c.Domains = []string{orgDomain(o)}
		if r.Float64() < 0.3 {
			c.Domains = append(c.Domains, "gmail.com")
		}
		for range r.IntN(3) {
			c.Partners = append(c.Partners, orgName(r.IntN(orgs)))
		}
		p.Cases = append(p.Cases, c)
	}
	capacity := 1.3 * float64(k*n) / float64(nr)
	for i := range nr {
		rv := Reviewer{ID: fmt.Sprintf("rev-%04d", i), Name: fmt.Sprintf("Reviewer %d", i)}
		for j, l := range langs {
			if r.Float64() < reads[j] {
				rv.Languages = append(rv.Languages, l)
			}
		}
		if len(rv.Languages) == 0 {
			rv.Languages = []string{"en"}
		}
		rv.Expertise = Expertise{
			WSIS:         pick(r, genWSIS, 2+r.IntN(4), 0.3),
			Technologies: pick(r, genTech, 3+r.IntN(6), 0.1),
			Sectors:      pick(r, genSectors, 2+r.IntN(4), 0),
			Regions:      pick(r, genRegions, 1+r.IntN(3), 0),
		}
		rv.Region = genRegions[weighted(r, regionW)]
		rv.MaxLoad = max(1, int(capacity*(0.5+r.Float64())))
		if r.Float64() < 0.6 {
			o := r.IntN(orgs)
			rv.Org = orgName(o)
			rv.EmailDomain = orgDomain(o)
		} else {
			rv.Org = fmt.Sprintf("University %d", i)
			rv.EmailDomain = "gmail.com"
		}
		for range 1 + r.IntN(5) {
			rv.ConflictOrgs = append(rv.ConflictOrgs, orgName(r.IntN(orgs)))
		}
		for range r.IntN(3) {
			rv.ConflictCases = append(rv.ConflictCases, p.Cases[r.IntN(n)].ID)
		}
		p.Reviewers = append(p.Reviewers, rv)
	}
	return p
}

package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// Controlled vocabularies. Codes are the contract (JSON, CSV, URLs,
// filters); labels live in the message catalogues under the key
// VocabKey(vocabulary, code). The exported lists are read-only tables:
// validation works on private copies, so a caller that changes one cannot
// change what is valid.

// Vocabulary names, the middle part of a label key "vocab.<name>.<code>".
const (
	VocabWSIS              = "wsis"
	VocabSDG               = "sdg"
	VocabSector            = "sector"
	VocabTechnology        = "technology"
	VocabSizeClass         = "size"
	VocabOrgType           = "orgtype"
	VocabScope             = "scope"
	VocabStatus            = "status"
	VocabCostRange         = "cost"
	VocabFunding           = "funding"
	VocabLicence           = "licence"
	VocabTranslationSource = "source"
	VocabRegion            = "region"
	VocabSubRegion         = "subregion"
	VocabGroup             = "group"
)

// VocabKey is the message-catalogue key of a code's label, e.g.
// VocabKey(VocabTechnology, "payments") = "vocab.technology.payments".
func VocabKey(vocab, code string) string { return "vocab." + vocab + "." + code }

// term is a code with its English title.
type term struct{ code, en string }

var wsisTerms = []term{
	{"C1", "The role of public governance authorities and all stakeholders in the promotion of ICTs for development"},
	{"C2", "Information and communication infrastructure"},
	{"C3", "Access to information and knowledge"},
	{"C4", "Capacity building"},
	{"C5", "Building confidence and security in the use of ICTs"},
	{"C6", "Enabling environment"},
	{"C7", "ICT applications (e-government, e-business, e-learning, e-health, e-employment, e-environment, e-agriculture, e-science)"},
	{"C8", "Cultural diversity and identity, linguistic diversity and local content"},
	{"C9", "Media"},
	{"C10", "Ethical dimensions of the Information Society"},
	{"C11", "International and regional cooperation"},
}

var goalTerms = []term{
	{"1", "No poverty"},
	{"2", "Zero hunger"},
	{"3", "Good health and well-being"},
	{"4", "Quality education"},
	{"5", "Gender equality"},
	{"6", "Clean water and sanitation"},
	{"7", "Affordable and clean energy"},
	{"8", "Decent work and economic growth"},
	{"9", "Industry, innovation and infrastructure"},
	{"10", "Reduced inequalities"},
	{"11", "Sustainable cities and communities"},
	{"12", "Responsible consumption and production"},
	{"13", "Climate action"},
	{"14", "Life below water"},
	{"15", "Life on land"},
	{"16", "Peace, justice and strong institutions"},
	{"17", "Partnerships for the goals"},
}

var sectorTerms = []term{
	{"A", "Agriculture, forestry and fishing"},
	{"B", "Mining and quarrying"},
	{"C", "Manufacturing"},
	{"D", "Electricity, gas, steam and air conditioning supply"},
	{"E", "Water supply; sewerage, waste management and remediation activities"},
	{"F", "Construction"},
	{"G", "Wholesale and retail trade; repair of motor vehicles and motorcycles"},
	{"H", "Transportation and storage"},
	{"I", "Accommodation and food service activities"},
	{"J", "Information and communication"},
	{"K", "Financial and insurance activities"},
	{"L", "Real estate activities"},
	{"M", "Professional, scientific and technical activities"},
	{"N", "Administrative and support service activities"},
	{"O", "Public administration and defence; compulsory social security"},
	{"P", "Education"},
	{"Q", "Human health and social work activities"},
	{"R", "Arts, entertainment and recreation"},
	{"S", "Other service activities"},
	{"T", "Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use"},
	{"U", "Activities of extraterritorial organizations and bodies"},
}

var technologyTerms = []term{
	{"connectivity", "Connectivity and devices"},
	{"cloud", "Cloud services"},
	{"web_social", "Website and social media"},
	{"ecommerce", "E-commerce and marketplaces"},
	{"payments", "Digital payments and mobile money"},
	{"egov", "Online government services"},
	{"erp", "Business management software (ERP, accounting)"},
	{"crm", "Customer relationship and service"},
	{"supply_chain", "Supply chain and e-invoicing"},
	{"collaboration", "Collaboration tools"},
	{"analytics", "Data analytics and business intelligence"},
	{"ai", "Artificial intelligence (including generative AI)"},
	{"iot", "IoT and sensors"},
	{"automation", "Robotics and automation"},
	{"digital_twin", "Digital twins and simulation"},
	{"cad_3d", "CAD/CAM and 3D printing"},
	{"ar_vr", "Augmented and virtual reality"},
	{"blockchain", "Blockchain"},
	{"cybersecurity", "Cybersecurity"},
	{"skills", "Digital skills and e-learning"},
	{"other", "Other"},
}

var sizeClassTerms = []term{
	{"micro", "Micro (1–9 employees)"},
	{"small", "Small (10–49 employees)"},
	{"medium", "Medium (50–249 employees)"},
	{"programme", "Programme that reached many SMEs"},
}

var orgTypeTerms = []term{
	{"sme", "SME"},
	{"large_enterprise", "Large enterprise"},
	{"solution_provider", "Solution provider"},
	{"government", "Government"},
	{"international_organisation", "International organisation"},
	{"civil_society", "Civil society"},
	{"academia", "Academia"},
	{"technical_community", "Technical community"},
	{"other", "Other"},
}

var scopeTerms = []term{
	{"local", "Local"},
	{"national", "National"},
	{"multi_country", "Several countries"},
	{"global", "Global"},
}

var statusTerms = []term{
	{"completed", "Completed"},
	{"phase_completed", "Phase completed"},
	{"ongoing", "Ongoing"},
}

var costRangeTerms = []term{
	{"lt_10k", "Less than US$10,000"},
	{"10k_100k", "US$10,000 to US$100,000"},
	{"100k_1m", "US$100,000 to US$1 million"},
	{"gt_1m", "More than US$1 million"},
}

var fundingTerms = []term{
	{"own", "Own funds"},
	{"public", "Public funding"},
	{"private_investment", "Private investment"},
	{"donor", "Donor funding"},
	{"loan", "Loan"},
	{"other", "Other"},
}

var licenceTerms = []term{
	{"CC-BY-4.0", "Creative Commons Attribution 4.0 (CC BY 4.0)"},
	{"CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"},
	{"CC0-1.0", "Creative Commons Zero 1.0 (CC0, public domain)"},
}

var translationSourceTerms = []term{
	{"author", "Translated by the author"},
	{"secretariat", "Translated by the secretariat"},
	{"machine", "Machine translation"},
}

// UN M49 regions, in the order the vocabulary lists them.
var regionTerms = []term{
	{"002", "Africa"},
	{"019", "Americas"},
	{"142", "Asia"},
	{"150", "Europe"},
	{"009", "Oceania"},
}

// subRegion is an M49 sub-region and the region it belongs to.
type subRegion struct{ code, region, en string }

var subRegionTerms = []subRegion{
	{"015", "002", "Northern Africa"},
	{"202", "002", "Sub-Saharan Africa"},
	{"419", "019", "Latin America and the Caribbean"},
	{"021", "019", "Northern America"},
	{"143", "142", "Central Asia"},
	{"030", "142", "Eastern Asia"},
	{"035", "142", "South-eastern Asia"},
	{"034", "142", "Southern Asia"},
	{"145", "142", "Western Asia"},
	{"151", "150", "Eastern Europe"},
	{"154", "150", "Northern Europe"},
	{"039", "150", "Southern Europe"},
	{"155", "150", "Western Europe"},
	{"053", "009", "Australia and New Zealand"},
	{"054", "009", "Melanesia"},
	{"057", "009", "Micronesia"},
	{"061", "009", "Polynesia"},
}

var groupTerms = []term{
	{"LDC", "Least developed countries"},
	{"LLDC", "Landlocked developing countries"},
	{"SIDS", "Small island developing States"},
}

// targetShape gives, per SDG, the number of its outcome targets (numbered
// 1…n) and the letters of its means-of-implementation targets, as in the
// UN global indicator framework: 169 targets in all.
var targetShape = [...]struct {
	outcomes int
	means    string
}{
	1:  {5, "ab"},
	2:  {5, "abc"},
	3:  {9, "abcd"},
	4:  {7, "abc"},
	5:  {6, "abc"},
	6:  {6, "ab"},
	7:  {3, "ab"},
	8:  {10, "ab"},
	9:  {5, "abc"},
	10: {7, "abc"},
	11: {7, "abc"},
	12: {8, "abc"},
	13: {3, "ab"},
	14: {7, "abc"},
	15: {9, "abc"},
	16: {10, "ab"},
	17: {19, ""},
}

func codes(ts []term) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.code
	}
	return out
}

// The code lists, in the order of the vocabularies.
var (
	ActionLines        = codes(wsisTerms)              // WSIS action lines C1…C11
	Goals              = goalNumbers()                 // SDGs 1…17
	Targets            = allTargets()                  // the 169 SDG target codes, goal by goal
	Sectors            = codes(sectorTerms)            // ISIC Rev.4 sections A…U
	Technologies       = codes(technologyTerms)        // technology codes
	SizeClasses        = codes(sizeClassTerms)         // sme.size_class
	OrgTypes           = codes(orgTypeTerms)           // organisation.type, partners[].type
	Scopes             = codes(scopeTerms)             // scope
	Statuses           = codes(statusTerms)            // status (of the case's work, not its review state)
	CostRanges         = codes(costRangeTerms)         // cost_range
	FundingSources     = codes(fundingTerms)           // funding
	Licences           = codes(licenceTerms)           // licence
	TranslationSources = codes(translationSourceTerms) // translations.*.source
	Regions            = codes(regionTerms)            // M49 regions
	SubRegions         = subRegionCodes()              // the 17 M49 sub-regions
	CountryGroups      = codes(groupTerms)             // LDC, LLDC, SIDS
)

// DefaultLicence is the licence a new case starts with.
const DefaultLicence = "CC-BY-4.0"

func goalNumbers() []int {
	out := make([]int, 0, len(goalTerms))
	for g := 1; g <= len(goalTerms); g++ {
		out = append(out, g)
	}
	return out
}

func subRegionCodes() []string {
	out := make([]string, len(subRegionTerms))
	for i, s := range subRegionTerms {
		out[i] = s.code
	}
	return out
}

func targetsOf(goal int) []string {
	if goal < 1 || goal >= len(targetShape) {
		return nil
	}
	shape := targetShape[goal]
	out := make([]string, 0, shape.outcomes+len(shape.means))
	for n := 1; n <= shape.outcomes; n++ {
		out = append(out, fmt.Sprintf("%d.%d", goal, n))
	}
	for _, l := range shape.means {
		out = append(out, fmt.Sprintf("%d.%c", goal, l))
	}
	return out
}

func allTargets() []string {
	var out []string
	for g := 1; g < len(targetShape); g++ {
		out = append(out, targetsOf(g)...)
	}
	return out
}

// IsTarget reports whether code is an official SDG target code such as
// "8.3" or "9.c".
func IsTarget(code string) bool {
	_, ok := TargetGoal(code)
	return ok
}

// TargetGoal returns the goal an SDG target code belongs to.
func TargetGoal(code string) (int, bool) {
	g, rest, ok := strings.Cut(code, ".")
	if !ok || !digits(g) || g[0] == '0' || rest == "" {
		return 0, false
	}
	goal, err := strconv.Atoi(g)
	if err != nil || goal < 1 || goal >= len(targetShape) {
		return 0, false
	}
	shape := targetShape[goal]
	if len(rest) == 1 && rest[0] >= 'a' && rest[0] <= 'z' {
		if strings.IndexByte(shape.means, rest[0]) < 0 {
			return 0, false
		}
		return goal, true
	}
	if !digits(rest) || rest[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > shape.outcomes {
		return 0, false
	}
	return goal, true
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// TargetsOf returns the target codes of a goal (nil for a goal outside
// 1…17), outcome targets first.
func TargetsOf(goal int) []string { return targetsOf(goal) }

// SubRegionRegion returns the M49 region a sub-region belongs to.
func SubRegionRegion(subregion string) (string, bool) {
	for _, s := range subRegionTerms {
		if s.code == subregion {
			return s.region, true
		}
	}
	return "", false
}

// Vocabulary is one controlled list: its name (the middle part of its
// label keys) and its codes in display order.
type Vocabulary struct {
	Name  string
	Codes []string
}

// Vocabularies lists every vocabulary whose codes have labels in the
// message catalogues. SDG targets are shown by their codes and have none.
func Vocabularies() []Vocabulary {
	out := make([]Vocabulary, 0, len(vocabTables))
	for _, v := range vocabTables {
		out = append(out, Vocabulary{Name: v.name, Codes: codes(v.terms)})
	}
	return out
}

var vocabTables = []struct {
	name  string
	terms []term
}{
	{VocabWSIS, wsisTerms},
	{VocabSDG, goalTerms},
	{VocabSector, sectorTerms},
	{VocabTechnology, technologyTerms},
	{VocabSizeClass, sizeClassTerms},
	{VocabOrgType, orgTypeTerms},
	{VocabScope, scopeTerms},
	{VocabStatus, statusTerms},
	{VocabCostRange, costRangeTerms},
	{VocabFunding, fundingTerms},
	{VocabLicence, licenceTerms},
	{VocabTranslationSource, translationSourceTerms},
	{VocabRegion, regionTerms},
	{VocabSubRegion, subRegionAsTerms()},
	{VocabGroup, groupTerms},
}

func subRegionAsTerms() []term {
	out := make([]term, len(subRegionTerms))
	for i, s := range subRegionTerms {
		out[i] = term{s.code, s.en}
	}
	return out
}

// VocabEnglish maps every label key (VocabKey) to its English title, so
// that the message catalogues can be checked against it. Read-only.
var VocabEnglish = func() map[string]string {
	m := make(map[string]string)
	for _, v := range vocabTables {
		for _, t := range v.terms {
			m[VocabKey(v.name, t.code)] = t.en
		}
	}
	return m
}()

// codeSet is a private lookup table built from a vocabulary.
type codeSet map[string]bool

func setOf(list []string) codeSet {
	s := make(codeSet, len(list))
	for _, c := range list {
		s[c] = true
	}
	return s
}

// canonical returns the known code that equals s ignoring case, or s.
func (s codeSet) canonical(v string) string {
	if s[v] {
		return v
	}
	for c := range s {
		if strings.EqualFold(c, v) {
			return c
		}
	}
	return v
}

var (
	actionLineSet  = setOf(ActionLines)
	sectorSet      = setOf(Sectors)
	technologySet  = setOf(Technologies)
	sizeClassSet   = setOf(SizeClasses)
	orgTypeSet     = setOf(OrgTypes)
	scopeSet       = setOf(Scopes)
	statusSet      = setOf(Statuses)
	costRangeSet   = setOf(CostRanges)
	fundingSet     = setOf(FundingSources)
	licenceSet     = setOf(Licences)
	translationSet = setOf(TranslationSources)
	groupSet       = setOf(CountryGroups)
)

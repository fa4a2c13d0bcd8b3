package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
)

// caseFormView is the case form laid out in sections.
type caseFormView struct {
	Sections []formSection
}

// formSection is one titled part of a long form.
type formSection struct {
	ID, Title string
	Blocks    []formBlock
}

// formBlock is one field, a group of fields under a legend, or a group of
// repeatable rows.
type formBlock struct {
	Field *formField
	Group *fieldGroup
	Rows  *rowGroup
}

// fieldGroup is several fields under one legend (an object of the record,
// such as organisation).
type fieldGroup struct {
	ID, Legend, Help string
	Fields           []*formField
	anchor           *formField // receives errors on the object as a whole
}

// Errors are the errors on the group as a whole.
func (g *fieldGroup) Errors() []string { return g.anchor.Errors }

// rowGroup is a list of rows (KPIs, partners, translations): every filled
// row plus blank ones, and a button that adds a row.
type rowGroup struct {
	ID, Name, Legend, Help string
	Required               bool
	Rows                   []formRow
	Max                    int
	AddAction, AddLabel    string
	anchor                 *formField
}

// Errors are the errors on the list as a whole.
func (g *rowGroup) Errors() []string { return g.anchor.Errors }

// formRow is one row of a rowGroup.
type formRow struct {
	Legend string
	Fields []*formField
}

// maxTranslations bounds the translation rows: one per UN language.
const maxTranslations = 6

// rowsAsked is how many rows of each repeatable group the reader asked
// for with "add a row".
type rowsAsked struct{ KPIs, Partners, Translations int }

func askedRows(q url.Values) rowsAsked {
	n := func(k string) int { i, _ := strconv.Atoi(q.Get(k)); return min(max(i, 0), 100) }
	return rowsAsked{KPIs: n("kpi_rows"), Partners: n("partner_rows"), Translations: n("translation_rows")}
}

// extraLanguages are offered for the language of a case besides the six UN
// languages; any other valid code typed through the API is kept too.
var extraLanguages = []string{"pt", "de", "it", "sw", "am", "ha", "hi", "bn", "ur", "fa", "tr", "id", "ms", "vi", "th", "ja", "ko", "uk", "pl", "nl"}

// caseForm builds the case form from form values (as caseToForm writes
// them, or as posted) and places errs beside their fields.
type caseForm struct {
	rq   *request
	v    url.Values
	errs *formErrors
	ro   bool
}

func buildCaseForm(rq *request, v url.Values, asked rowsAsked, errs domain.Errors, readOnly bool) (*caseFormView, *formErrors) {
	b := &caseForm{rq: rq, v: v, errs: newFormErrors(rq, "case-form"), ro: readOnly}
	T := rq.T
	lang := rq.lang
	countries := countryOptions(lang)
	orgTypes := vocabOptions(rq, domain.VocabOrgType, domain.OrgTypes, false)

	view := &caseFormView{}
	section := func(id string, blocks ...formBlock) {
		view.Sections = append(view.Sections, formSection{ID: "section-" + id, Title: T("case.section." + id), Blocks: blocks})
	}
	fld := func(f *formField) formBlock { return formBlock{Field: f} }

	var langs []option
	for _, l := range append(append([]string{}, domain.UNLanguages...), extraLanguages...) {
		langs = append(langs, option{Value: l, Label: languageName(rq.L, l)})
	}
	section("organisation",
		fld(b.choice("language", kindSelect, true, blankOption(rq, langs))),
		fld(b.field("title", kindText, true)),
		fld(b.field("summary", kindTextarea, true)),
		formBlock{Group: b.group("organisation",
			b.field("organisation.name", kindText, true),
			b.choice("organisation.type", kindSelect, true, blankOption(rq, orgTypes)),
			b.choice("organisation.country", kindSelect, true, blankOption(rq, countries)),
			b.field("organisation.website", kindURL, false),
		)},
		fld(b.choice("countries", kindMulti, true, countries)),
		fld(b.choice("scope", kindRadios, true, vocabOptions(rq, domain.VocabScope, domain.Scopes, false))),
		fld(b.choice("status", kindRadios, true, vocabOptions(rq, domain.VocabStatus, domain.Statuses, false))),
		formBlock{Group: b.group("period",
			b.field("period.start", kindMonth, true),
			b.field("period.end", kindMonth, false),
		)},
		formBlock{Group: b.group("sme",
			b.choice("sme.size_class", kindRadios, true, vocabOptions(rq, domain.VocabSizeClass, domain.SizeClasses, false)),
			b.field("sme.count", kindNumber, false),
		)},
		fld(b.choice("sector", kindSelect, true, blankOption(rq, vocabOptions(rq, domain.VocabSector, domain.Sectors, true)))),
	)
	section("problem_solution",
		fld(b.field("problem", kindTextarea, true)),
		fld(b.field("solution", kindTextarea, true)),
	)
	goals := make([]string, len(domain.Goals))
	for i, g := range domain.Goals {
		goals[i] = strconv.Itoa(g)
	}
	targets := b.field("sdgs.targets", kindText, false)
	targets.UserText = false
	section("technologies_alignment",
		fld(b.choice("technologies", kindChecks, true, vocabOptions(rq, domain.VocabTechnology, domain.Technologies, false))),
		fld(b.choice("wsis.primary", kindSelect, true, blankOption(rq, vocabOptions(rq, domain.VocabWSIS, domain.ActionLines, true)))),
		fld(b.choice("wsis.secondary", kindChecks, false, vocabOptions(rq, domain.VocabWSIS, domain.ActionLines, true))),
		fld(b.choice("sdgs.goals", kindChecks, true, vocabOptions(rq, domain.VocabSDG, goals, true))),
		fld(targets),
		fld(b.field("sdg_linkage", kindTextarea, true)),
	)
	section("results",
		formBlock{Rows: b.rows("kpis", true, asked.KPIs, domain.MaxKPIs, "add_kpi", func(p string) []*formField {
			return []*formField{
				b.field(p+"name", kindText, true),
				b.field(p+"baseline", kindNumber, false),
				b.field(p+"value", kindNumber, true),
				b.field(p+"unit", kindText, false),
				b.field(p+"date", kindMonth, false),
			}
		})},
		fld(b.field("impact", kindTextarea, true)),
	)
	section("partners_sustainability",
		formBlock{Rows: b.rows("partners", false, asked.Partners, domain.MaxPartners, "add_partner", func(p string) []*formField {
			return []*formField{
				b.field(p+"name", kindText, true),
				b.choice(p+"type", kindSelect, false, blankOption(rq, orgTypes)),
				b.choice(p+"country", kindSelect, false, blankOption(rq, countries)),
			}
		})},
		fld(b.field("enablers_constraints", kindTextarea, true)),
		fld(b.field("sustainability_replicability", kindTextarea, true)),
		fld(b.field("lessons", kindTextarea, false)),
		fld(b.choice("cost_range", kindSelect, false, blankOption(rq, vocabOptions(rq, domain.VocabCostRange, domain.CostRanges, false)))),
		fld(b.choice("funding", kindChecks, false, vocabOptions(rq, domain.VocabFunding, domain.FundingSources, false))),
		fld(b.field("links", kindTextLines, false)),
	)
	var tlangs []option
	for _, l := range i18n.Langs {
		tlangs = append(tlangs, option{Value: l, Label: languageName(rq.L, l)})
	}
	trows := b.rows("translations", false, asked.Translations, maxTranslations, "add_translation", func(p string) []*formField {
		return []*formField{
			b.choice(p+"language", kindSelect, true, blankOption(rq, tlangs)),
			b.choice(p+"source", kindSelect, false, blankOption(rq, vocabOptions(rq, domain.VocabTranslationSource, domain.TranslationSources, false))),
			b.field(p+"title", kindText, false),
			b.field(p+"summary", kindTextarea, false),
			b.field(p+"problem", kindTextarea, false),
			b.field(p+"solution", kindTextarea, false),
			b.field(p+"impact", kindTextarea, false),
			b.field(p+"lessons", kindTextarea, false),
		}
	})
	// Errors name a translation by its language; rows are numbered.
	for _, i := range rowIndexes(v, "translations") {
		if l := strings.TrimSpace(v.Get("translations." + i + ".language")); l != "" {
			if _, taken := b.errs.alias["translations."+l]; !taken {
				b.errs.alias["translations."+l] = "translations." + i
			}
		}
	}
	section("translations", formBlock{Rows: trows})
	licence := b.choice("licence", kindRadios, true, vocabOptions(rq, domain.VocabLicence, domain.Licences, false))
	consent := b.field("consent_publish", kindCheckbox, true)
	consent.Checked = v.Get("consent_publish") == "true"
	section("consent", fld(licence), fld(consent))

	b.errs.place(errs)
	return view, b.errs
}

// labelPath drops row numbers from a field name, for its catalogue keys:
// "kpis.0.name" gives "kpis.name".
func labelPath(name string) string {
	parts := strings.Split(name, ".")
	out := parts[:0]
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

// limitPath is a field name as domain.Limits writes it: "kpis.0.name"
// gives "kpis[].name".
func limitPath(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			parts[i-1] += "[]"
			parts = append(parts[:i], parts[i+1:]...)
			break
		}
	}
	return strings.Join(parts, ".")
}

// limitText says a field's length rule, e.g. "Number of words: 40 to 250".
func limitText(rq *request, lim domain.Limit) string {
	args := map[string]any{"Min": lim.Min, "Max": lim.Max}
	switch {
	case lim.Words && lim.Min > 0:
		return rq.T("form.limit.words", args)
	case lim.Words:
		return rq.T("form.limit.words_max", args)
	case lim.Min > 0:
		return rq.T("form.limit.chars", args)
	default:
		return rq.T("form.limit.chars_max", args)
	}
}

// itemLimits are the list sizes the form states.
var itemLimits = map[string][2]int{
	"countries":      {1, domain.MaxCountries},
	"technologies":   {1, domain.MaxTechnologies},
	"wsis.secondary": {0, domain.MaxSecondaryLines},
	"sdgs.goals":     {1, domain.MaxGoals},
	"sdgs.targets":   {0, domain.MaxTargets},
	"kpis":           {1, domain.MaxKPIs},
	"partners":       {0, domain.MaxPartners},
	"links":          {0, domain.MaxLinks},
}

func itemsText(rq *request, name string) string {
	lim, ok := itemLimits[name]
	if !ok {
		return ""
	}
	if lim[0] > 0 {
		return rq.T("form.limit.items", map[string]any{"Min": lim[0], "Max": lim[1]})
	}
	return rq.T("form.limit.items_max", map[string]any{"Max": lim[1]})
}

// field makes one input named name, with its label, help and limit.
func (b *caseForm) field(name, kind string, required bool) *formField {
	path := labelPath(name)
	f := &formField{ID: fieldID(name), Name: name, Kind: kind, Required: required, Value: b.v.Get(name), Disabled: b.ro,
		Label: b.rq.T("case.field." + path + ".label"), Help: b.rq.T("case.field." + path + ".help")}
	switch kind {
	case kindText, kindTextarea:
		f.UserText = true
	case kindTextLines:
		f.Value = strings.Join(b.v[name], "\n")
	}
	if kind == kindTextarea {
		f.Rows = 8
	}
	if lim, ok := domain.LimitOf(limitPath(name)); ok && kind != kindTextLines {
		f.Limit = limitText(b.rq, lim)
	} else if t := itemsText(b.rq, name); t != "" {
		f.Limit = t
	}
	b.errs.add(f)
	return f
}

// choice makes a select, checkbox group or radio group.
func (b *caseForm) choice(name, kind string, required bool, opts []option) *formField {
	f := b.field(name, kind, required)
	f.UserText = false
	f.Options = choose(opts, b.v[name]...)
	if kind == kindChecks || kind == kindRadios {
		f.Options = withIDs(f.ID, f.Options)
	}
	return f
}

// group puts fields under the legend of the object they belong to.
func (b *caseForm) group(name string, fields ...*formField) *fieldGroup {
	anchor := &formField{ID: fieldID(name), Name: name}
	b.errs.add(anchor)
	return &fieldGroup{ID: anchor.ID, Legend: b.rq.T("case.field." + name + ".label"), Help: b.rq.T("case.field." + name + ".help"),
		Fields: fields, anchor: anchor}
}

// rows makes a repeatable group: the filled rows and blank ones.
func (b *caseForm) rows(name string, required bool, asked, limit int, add string, mk func(prefix string) []*formField) *rowGroup {
	anchor := &formField{ID: fieldID(name), Name: name}
	b.errs.add(anchor)
	g := &rowGroup{ID: anchor.ID, Name: name, Required: required, Max: limit, anchor: anchor,
		Legend: b.rq.T("case.field." + name + ".label"), Help: b.rq.T("case.field."+name+".help") + " " + itemsText(b.rq, name)}
	if !b.ro {
		g.AddAction, g.AddLabel = add, b.rq.T("case.action."+add)
	}
	n := rowCount(b.v, name, asked, limit)
	if b.ro {
		n = len(rowIndexes(b.v, name))
	}
	for i := 0; i < n; i++ {
		p := name + "." + strconv.Itoa(i) + "."
		fields := mk(p)
		// An error on a whole row ("kpis[2]") goes to its first field.
		b.errs.byName[name+"."+strconv.Itoa(i)] = fields[0]
		g.Rows = append(g.Rows, formRow{Legend: b.rq.T("form.rows.legend", map[string]any{"Group": g.Legend, "Number": i + 1}), Fields: fields})
	}
	return g
}

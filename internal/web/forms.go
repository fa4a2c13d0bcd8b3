package web

import (
	"regexp"
	"sort"
	"strings"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
)

// Field kinds the "field" partial knows how to draw.
const (
	kindText      = "text"
	kindEmail     = "email"
	kindPassword  = "password"
	kindURL       = "url"
	kindMonth     = "month"
	kindNumber    = "number" // a text input with inputmode=decimal: what was typed is kept, even if not a number
	kindDateTime  = "datetime-local"
	kindTextarea  = "textarea"
	kindSelect    = "select"
	kindMulti     = "multiselect"
	kindChecks    = "checks" // a group of checkboxes with one name
	kindCheckbox  = "checkbox"
	kindHidden    = "hidden"
	kindRadios    = "radios"
	kindTextLines = "lines" // a textarea holding one value per line
)

// option is one choice of a select, checkbox group or radio group.
type option struct {
	Value, Label string
	Selected     bool
	ID           string // element id, for checkboxes and radios
	Lang         string // lang attribute when the label is in a fixed language
}

// formField is one input with everything the page needs to show it
// accessibly: its label tied to it, its help and errors tied with
// aria-describedby, and aria-invalid when it has errors.
type formField struct {
	ID, Name     string
	Kind         string
	Label, Help  string
	Limit        string // e.g. "40–250 words"
	Value        string
	Options      []option
	Checked      bool
	Errors       []string
	Required     bool
	Autocomplete string
	UserText     bool   // typed by a person: dir="auto"
	Lang         string // lang attribute, for text in a known language
	Short        bool
	Rows         int
	Disabled     bool
}

// Invalid reports whether the field has errors.
func (f *formField) Invalid() bool { return len(f.Errors) > 0 }

// HelpID and ErrorID name the elements aria-describedby points to.
func (f *formField) HelpID() string  { return f.ID + "-help" }
func (f *formField) ErrorID() string { return f.ID + "-error" }

// DescribedBy is the aria-describedby value.
func (f *formField) DescribedBy() string {
	var ids []string
	if f.Help != "" || f.Limit != "" {
		ids = append(ids, f.HelpID())
	}
	if f.Invalid() {
		ids = append(ids, f.ErrorID())
	}
	return strings.Join(ids, " ")
}

// fieldID is the element id of a form field name: "kpis.0.value" gives
// "f-kpis-0-value".
func fieldID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(name)
}

// bracketIndex matches list indexes written as [2] in error paths.
var bracketIndex = regexp.MustCompile(`\[(\d+)\]`)

// errorPath turns an error's JSON path ("kpis[2].value") into the
// form-name notation ("kpis.2.value").
func errorPath(p string) string { return bracketIndex.ReplaceAllString(p, ".$1") }

// summaryItem is one entry of the error summary: a link to a field.
type summaryItem struct {
	Href, Text string
}

// formErrors assigns errors to fields. An error goes to the field whose
// name is its path, else to the nearest enclosing field (an error on
// "technologies.3" goes to "technologies"); errors that fit no field are
// shown in the summary only, linked to the form's top.
type formErrors struct {
	rq      *request
	byName  map[string]*formField
	alias   map[string]string // error path → field name, for paths that differ
	top     string            // id the summary links unplaced errors to
	Summary []summaryItem
}

func newFormErrors(rq *request, top string) *formErrors {
	return &formErrors{rq: rq, byName: map[string]*formField{}, alias: map[string]string{}, top: top}
}

// add registers fields so that errors can find them.
func (fe *formErrors) add(fields ...*formField) {
	for _, f := range fields {
		fe.byName[f.Name] = f
	}
}

// place puts each error beside its field and in the summary, in order.
func (fe *formErrors) place(errs domain.Errors) {
	for _, e := range errs {
		msg := fe.rq.T(e.Key, e.Args)
		f := fe.find(errorPath(e.Field))
		if f == nil {
			fe.Summary = append(fe.Summary, summaryItem{Href: "#" + fe.top, Text: msg})
			continue
		}
		f.Errors = append(f.Errors, msg)
		text := msg
		if f.Label != "" {
			text = labelled(fe.rq.lang, f.Label) + msg
		}
		fe.Summary = append(fe.Summary, summaryItem{Href: "#" + f.ID, Text: text})
	}
}

// message adds a summary line that belongs to no field.
func (fe *formErrors) message(text string) {
	fe.Summary = append(fe.Summary, summaryItem{Href: "#" + fe.top, Text: text})
}

func (fe *formErrors) find(path string) *formField {
	for from, to := range fe.alias {
		if path == from || strings.HasPrefix(path, from+".") {
			path = to + path[len(from):]
			break
		}
	}
	for p := path; p != ""; {
		if f := fe.byName[p]; f != nil {
			return f
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return nil
}

// fieldErrors returns the per-field errors of err, or nil if err is not
// an invalid-content failure.
func fieldErrors(err error) domain.Errors {
	if ae := app.AsError(err); ae != nil && ae.Kind == app.KindInvalid {
		return ae.Fields
	}
	return nil
}

// choose marks the options whose values are in selected, and appends as
// options the selected values the list does not know, so that a value
// that came from elsewhere (an import, the API) is shown and kept rather
// than silently dropped on the next save.
func choose(opts []option, selected ...string) []option {
	out := make([]option, len(opts), len(opts)+1)
	copy(out, opts)
	for _, s := range selected {
		if s == "" {
			continue
		}
		found := false
		for i := range out {
			if out[i].Value == s {
				out[i].Selected, found = true, true
			}
		}
		if !found {
			out = append(out, option{Value: s, Label: s, Selected: true})
		}
	}
	return out
}

// withIDs gives each option of a checkbox or radio group an element id:
// the first gets the group's id, so that an error link focuses it.
func withIDs(id string, opts []option) []option {
	for i := range opts {
		if i == 0 {
			opts[i].ID = id
		} else {
			opts[i].ID = id + "-" + strings.NewReplacer(".", "-", " ", "-").Replace(opts[i].Value)
		}
	}
	return opts
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// vocabOptions lists a vocabulary's codes with their labels.
func vocabOptions(rq *request, vocab string, codes []string, withCode bool) []option {
	out := make([]option, 0, len(codes))
	for _, c := range codes {
		label := rq.T(domain.VocabKey(vocab, c))
		if withCode {
			label = c + " – " + label
		}
		out = append(out, option{Value: c, Label: label})
	}
	return out
}

// countryOptions lists every country by name in the reader's language,
// in that language's alphabetical order.
func countryOptions(lang string) []option {
	cs := domain.SortedCountries(lang)
	out := make([]option, 0, len(cs))
	for _, c := range cs {
		out = append(out, option{Value: c.Code, Label: c.Name(lang)})
	}
	return out
}

// blankOption starts a single-choice list with "choose one".
func blankOption(rq *request, opts []option) []option {
	return append([]option{{Value: "", Label: rq.T("form.choose")}}, opts...)
}

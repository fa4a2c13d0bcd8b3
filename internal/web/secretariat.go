package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the time zone pick list must work on hosts without zoneinfo

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/store"
)

// requireStaff refuses everyone but the secretariat and administrators.
// The operations check again; this only spares building a page that would
// fail.
func requireStaff(rq *request) error {
	switch {
	case rq.user == nil:
		return &app.Error{Kind: app.KindUnauthenticated, Key: "error.unauthenticated"}
	case rq.user.Role != store.RoleSecretariat && rq.user.Role != store.RoleAdmin:
		return &app.Error{Kind: app.KindForbidden, Key: "error.forbidden"}
	}
	return nil
}

// secCallsPage lists every call with its cases counted by state.
type secCallsPage struct {
	basePage
	Calls []secCallRow
}

type secCallRow struct {
	callView
	Counts []stateCount
	Total  int
}

type stateCount struct {
	State string
	N     int
}

func countsOf(m map[string]int) ([]stateCount, int) {
	var out []stateCount
	total := 0
	for _, s := range domain.CaseStates {
		if n := m[s]; n > 0 {
			out = append(out, stateCount{s, n})
			total += n
		}
	}
	return out, total
}

func (h *Handler) secCalls(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	calls, err := h.app.Calls(r.Context(), rq.user)
	if err != nil {
		return err
	}
	p := secCallsPage{basePage: h.base(r, rq, rq.T("sec.calls.title"))}
	for _, c := range calls {
		counts, err := h.app.CaseCounts(r.Context(), rq.user, c.Slug)
		if err != nil {
			return err
		}
		row := secCallRow{callView: h.callView(rq, c)}
		row.Counts, row.Total = countsOf(counts)
		p.Calls = append(p.Calls, row)
	}
	h.render(w, r, rq, http.StatusOK, "sec_calls", &p)
	return nil
}

// timeZones is the pick list of call time zones: the common zone of each
// region where calls are usually run, plus UTC.
var timeZones = []string{
	"UTC", "Europe/Zurich", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Moscow", "Europe/Istanbul",
	"Africa/Abidjan", "Africa/Accra", "Africa/Addis_Ababa", "Africa/Cairo", "Africa/Casablanca", "Africa/Dakar", "Africa/Johannesburg",
	"Africa/Kinshasa", "Africa/Lagos", "Africa/Nairobi", "Africa/Tunis",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Mexico_City", "America/Bogota",
	"America/Lima", "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Port_of_Spain",
	"Asia/Amman", "Asia/Beirut", "Asia/Riyadh", "Asia/Dubai", "Asia/Tehran", "Asia/Kabul", "Asia/Karachi", "Asia/Kolkata",
	"Asia/Kathmandu", "Asia/Dhaka", "Asia/Almaty", "Asia/Bangkok", "Asia/Jakarta", "Asia/Shanghai", "Asia/Singapore",
	"Asia/Manila", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland", "Pacific/Fiji", "Pacific/Port_Moresby",
}

// localLayout is the value format of a datetime-local input.
const localLayout = "2006-01-02T15:04"

// callToForm writes a call as the call form's values.
func callToForm(c store.Call) url.Values {
	v := url.Values{"slug": {c.Slug}, "timezone": {c.Timezone}, "reviewers_per_case": {strconv.Itoa(c.ReviewersPerCase)}}
	for l, s := range c.Title {
		v.Set("title."+l, s)
	}
	for l, s := range c.Description {
		v.Set("description."+l, s)
	}
	for i, e := range c.Eligibility {
		p := "eligibility." + strconv.Itoa(i) + "."
		v.Set(p+"code", e.Code)
		for l, s := range e.Text {
			v.Set(p+"text."+l, s)
		}
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		loc = time.UTC
	}
	if !c.OpensAt.IsZero() {
		v.Set("opens_at", c.OpensAt.In(loc).Format(localLayout))
	}
	if !c.ClosesAt.IsZero() {
		v.Set("closes_at", c.ClosesAt.In(loc).Format(localLayout))
	}
	if c.Blind {
		v.Set("blind", "true")
	}
	return v
}

// formToCall reads the call form. Times are read in the chosen zone;
// what cannot be read is reported as problems.
func formToCall(v url.Values) (app.CallInput, domain.Errors) {
	var in app.CallInput
	var problems domain.Errors
	slug := strings.TrimSpace(v.Get("slug"))
	tz := strings.TrimSpace(v.Get("timezone"))
	in.Slug, in.Timezone = &slug, &tz
	in.Title, in.Description = store.LocalText{}, store.LocalText{}
	for _, l := range i18n.Langs {
		in.Title[l] = v.Get("title." + l)
		in.Description[l] = v.Get("description." + l)
	}
	elig := []store.EligibilityItem{}
	for _, i := range rowIndexes(v, "eligibility") {
		p := "eligibility." + i + "."
		e := store.EligibilityItem{Code: strings.TrimSpace(v.Get(p + "code")), Text: store.LocalText{}}
		for _, l := range i18n.Langs {
			if s := strings.TrimSpace(v.Get(p + "text." + l)); s != "" {
				e.Text[l] = s
			}
		}
		if e.Code == "" && len(e.Text) == 0 {
			continue
		}
		elig = append(elig, e)
	}
	in.Eligibility = &elig
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC // the operation reports the zone itself
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"opens_at", &in.OpensAt}, {"closes_at", &in.ClosesAt}} {
		s := strings.TrimSpace(v.Get(f.name))
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation(localLayout, s, loc)
		if err != nil {
			t, err = time.ParseInLocation(localLayout+":05", s, loc)
		}
		if err != nil {
			problems = append(problems, domain.FieldError{Field: f.name, Key: "err.datetime"})
			continue
		}
		*f.dst = &t
	}
	blind := v.Get("blind") == "true"
	in.Blind = &blind
	if s := strings.TrimSpace(v.Get("reviewers_per_case")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			problems = append(problems, domain.FieldError{Field: "reviewers_per_case", Key: domain.ErrNotInteger})
		} else {
			in.ReviewersPerCase = &n
		}
	}
	return in, problems
}

// callFormPage creates or edits a call.
type callFormPage struct {
	basePage
	Action  string
	Fields  []*formField // slug
	Titles  []*formField
	Descs   []*formField
	Elig    *rowGroup
	Times   []*formField
	Review  []*formField
	Summary []summaryItem
	Rows    int
}

func (h *Handler) renderCallForm(w http.ResponseWriter, r *http.Request, rq *request, status int, slug string, v url.Values, rows int, errs domain.Errors, msg string) {
	fe := newFormErrors(rq, "call-form")
	mk := func(name, kind, labelKey string, required bool, args map[string]any) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kind, Required: required, Value: v.Get(name),
			Label: rq.T("sec.call.field."+labelKey+".label", args), Help: rq.T("sec.call.field."+labelKey+".help", args)}
		fe.add(f)
		return f
	}
	p := callFormPage{}
	if slug == "" {
		p.basePage = h.base(r, rq, rq.T("sec.call.new_title"))
		p.Action = h.path(rq, "/sec/calls/new")
	} else {
		p.basePage = h.base(r, rq, rq.T("sec.call.edit_title", map[string]any{"Call": isolate(slug)}))
		p.Action = h.path(rq, "/sec/calls/"+url.PathEscape(slug)+"/edit")
	}
	p.Fields = []*formField{mk("slug", kindText, "slug", true, nil)}
	for _, l := range i18n.Langs {
		args := map[string]any{"Language": rq.L.LanguageName(l)}
		t := mk("title."+l, kindText, "title", l == "en", args)
		d := mk("description."+l, kindTextarea, "description", false, args)
		t.Lang, d.Lang, t.UserText, d.UserText = l, l, true, true
		if l != "en" {
			t.Help, d.Help = "", ""
		}
		p.Titles, p.Descs = append(p.Titles, t), append(p.Descs, d)
	}
	anchor := &formField{ID: "f-eligibility", Name: "eligibility"}
	fe.add(anchor)
	p.Rows = max(rows, rowCount(v, "eligibility", 0, 0))
	p.Elig = &rowGroup{ID: anchor.ID, Name: "eligibility", Legend: rq.T("sec.call.field.eligibility.label"),
		Help: rq.T("sec.call.field.eligibility.help"), anchor: anchor, Max: 50,
		AddAction: "add_elig", AddLabel: rq.T("sec.call.eligibility.add")}
	for i := 0; i < p.Rows; i++ {
		n := "eligibility." + strconv.Itoa(i) + "."
		fields := []*formField{mk(n+"code", kindText, "eligibility_code", true, nil)}
		for _, l := range i18n.Langs {
			f := mk(n+"text."+l, kindText, "eligibility_text", l == "en", map[string]any{"Language": rq.L.LanguageName(l)})
			f.Lang, f.UserText = l, true
			if l != "en" {
				f.Help = ""
			}
			fields = append(fields, f)
		}
		fe.byName["eligibility."+strconv.Itoa(i)] = fields[0]
		p.Elig.Rows = append(p.Elig.Rows, formRow{Legend: rq.T("form.rows.legend", map[string]any{"Group": p.Elig.Legend, "Number": i + 1}), Fields: fields})
	}
	tz := mk("timezone", kindSelect, "timezone", true, nil)
	var zones []option
	for _, z := range timeZones {
		loc, _ := time.LoadLocation(z)
		zones = append(zones, option{Value: z, Label: z + " – " + rq.L.ZoneName(loc)})
	}
	tz.Options = choose(blankOption(rq, zones), v.Get("timezone"))
	p.Times = []*formField{mk("opens_at", kindDateTime, "opens_at", true, nil), mk("closes_at", kindDateTime, "closes_at", true, nil), tz}
	blind := mk("blind", kindCheckbox, "blind", false, nil)
	blind.Checked = v.Get("blind") == "true"
	rev := mk("reviewers_per_case", kindNumber, "reviewers_per_case", true, nil)
	p.Review = []*formField{blind, rev}
	if msg != "" {
		fe.message(msg)
	}
	fe.place(errs)
	p.Summary = fe.Summary
	h.render(w, r, rq, status, "sec_call_form", &p)
}

func (h *Handler) secCallNew(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	h.renderCallForm(w, r, rq, http.StatusOK, "", url.Values{"timezone": {"Europe/Zurich"}, "reviewers_per_case": {"3"}}, 0, nil, "")
	return nil
}

func (h *Handler) secCallEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	c, err := h.app.Call(r.Context(), rq.user, r.PathValue("slug"))
	if err != nil {
		return err
	}
	h.renderCallForm(w, r, rq, http.StatusOK, c.Slug, callToForm(c), 0, nil, "")
	return nil
}

func (h *Handler) secCallCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.secCallSave(w, r, rq, "")
}

func (h *Handler) secCallUpdate(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.secCallSave(w, r, rq, r.PathValue("slug"))
}

// secCallSave creates (slug "") or updates a call from the call form.
func (h *Handler) secCallSave(w http.ResponseWriter, r *http.Request, rq *request, slug string) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	v, err := readForm(r)
	if err != nil {
		return err
	}
	rows := atoi(v.Get("elig_rows"))
	if !h.csrfOK(r, rq, v) {
		h.renderCallForm(w, r, rq, http.StatusForbidden, slug, v, rows, nil, rq.T("error.csrf"))
		return nil
	}
	if v.Get("action") == "add_elig" {
		// Nothing is saved: the form comes back with one more row.
		h.renderCallForm(w, r, rq, http.StatusOK, slug, v, max(rows, rowCount(v, "eligibility", 0, 0))+1, nil, "")
		return nil
	}
	in, problems := formToCall(v)
	if len(problems) > 0 {
		h.renderCallForm(w, r, rq, http.StatusUnprocessableEntity, slug, v, rows, problems, "")
		return nil
	}
	var c store.Call
	if slug == "" {
		c, err = h.app.CreateCall(r.Context(), rq.user, in)
	} else {
		c, err = h.app.UpdateCall(r.Context(), rq.user, slug, in)
	}
	if errs := fieldErrors(err); errs != nil {
		h.renderCallForm(w, r, rq, http.StatusUnprocessableEntity, slug, v, rows, errs, "")
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, h.path(rq, "/sec/calls")+"?done=call#call-"+c.Slug)
	return nil
}

// secCasesPage lists a call's cases with filters and paging.
type secCasesPage struct {
	basePage
	Call     callView
	Filters  []*formField
	Cases    []caseRow
	Total    int
	Counts   []stateCount
	All      int
	Page     int
	Pages    int
	Prev     string
	Next     string
	Exports  []navLink
	Filtered bool
}

const casesPerPage = 50

// listFilter reads the case filters of a query string; a parameter may
// repeat (OR within a filter, AND across filters).
func listFilter(q url.Values) app.ListFilter {
	clean := func(k string) []string { return list(q[k]) }
	return app.ListFilter{States: clean("state"), Countries: clean("country"), Regions: clean("region"),
		WSIS: clean("wsis"), Technologies: clean("technology")}
}

func (h *Handler) secCases(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := requireStaff(rq); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	c, err := h.app.Call(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := listFilter(q)
	f.Page, f.PerPage = max(atoi(q.Get("page")), 1), casesPerPage
	cases, total, err := h.app.Cases(r.Context(), rq.user, slug, f)
	if err != nil {
		return err
	}
	counts, err := h.app.CaseCounts(r.Context(), rq.user, slug)
	if err != nil {
		return err
	}
	cv := h.callView(rq, c)
	p := secCasesPage{basePage: h.base(r, rq, rq.T("sec.cases.title", map[string]any{"Call": isolate(cv.Title)})), Call: cv,
		Total: total, Page: f.Page, Pages: max((total+casesPerPage-1)/casesPerPage, 1)}
	p.Counts, p.All = countsOf(counts)
	p.Filtered = len(f.States)+len(f.Countries)+len(f.Regions)+len(f.WSIS)+len(f.Technologies) > 0
	for _, cs := range cases {
		row := caseRow{ID: cs.ID, Title: cs.Title, State: cs.State, OrgName: cs.OrgName, Language: cs.Language,
			Updated: rq.L.FormatDateTime(cs.UpdatedAt, time.UTC)}
		if cs.SubmittedAt != nil {
			row.Submitted = rq.L.FormatDateTime(*cs.SubmittedAt, time.UTC)
		}
		p.Cases = append(p.Cases, row)
	}
	sel := func(name, label string, opts []option) *formField {
		f := &formField{ID: fieldID(name), Name: name, Kind: kindSelect, Label: label, Required: true,
			Options: choose(append([]option{{Value: "", Label: rq.T("sec.filter.any")}}, opts...), q[name]...)}
		return f
	}
	var states, regions []option
	for _, s := range domain.CaseStates {
		states = append(states, option{Value: s, Label: rq.T("state." + s)})
	}
	regions = vocabOptions(rq, domain.VocabRegion, domain.Regions, false)
	p.Filters = []*formField{
		sel("state", rq.T("sec.filter.state"), states),
		sel("country", rq.T("sec.filter.country"), countryOptions(rq.lang)),
		sel("region", rq.T("sec.filter.region"), regions),
		sel("wsis", rq.T("sec.filter.wsis"), vocabOptions(rq, domain.VocabWSIS, domain.ActionLines, true)),
		sel("technology", rq.T("sec.filter.technology"), vocabOptions(rq, domain.VocabTechnology, domain.Technologies, false)),
	}
	base := h.path(rq, "/sec/calls/"+url.PathEscape(slug))
	fq := url.Values{}
	for _, k := range []string{"state", "country", "region", "wsis", "technology"} {
		if vals := list(q[k]); len(vals) > 0 {
			fq[k] = vals
		}
	}
	page := func(n int) string {
		pq := url.Values{}
		for k, vs := range fq {
			pq[k] = vs
		}
		pq.Set("page", strconv.Itoa(n))
		return base + "/cases?" + pq.Encode()
	}
	if p.Page > 1 {
		p.Prev = page(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = page(p.Page + 1)
	}
	suffix := ""
	if len(fq) > 0 {
		suffix = "?" + fq.Encode()
	}
	for _, format := range app.ExportFormats {
		p.Exports = append(p.Exports, navLink{Href: base + "/export." + format + suffix, Text: rq.T("sec.export." + format)})
	}
	h.render(w, r, rq, http.StatusOK, "sec_cases", &p)
	return nil
}

// exportTypes are the media types of the export formats.
var exportTypes = map[string]string{
	"csv":   "text/csv; charset=utf-8",
	"xlsx":  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"jsonl": "application/x-ndjson; charset=utf-8",
}

// lazyHeader sets a download's headers at its first byte, so that a
// failure before any output still gets a proper error page.
type lazyHeader struct {
	w       http.ResponseWriter
	set     func(http.Header)
	written bool
}

func (l *lazyHeader) Write(b []byte) (int, error) {
	if !l.written {
		l.set(l.w.Header())
		l.written = true
	}
	return l.w.Write(b)
}

// secExport streams a call's cases, with the list's filters.
func (h *Handler) secExport(format string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		if err := requireStaff(rq); err != nil {
			return err
		}
		slug := r.PathValue("slug")
		lw := &lazyHeader{w: w, set: func(hd http.Header) {
			hd.Set("Content-Type", exportTypes[format])
			hd.Set("Content-Disposition", `attachment; filename="`+slug+`-cases.`+format+`"`)
			hd.Set("Cache-Control", "private, no-store")
		}}
		err := h.app.Export(r.Context(), rq.user, slug, format, listFilter(r.URL.Query()), lw)
		if err != nil && lw.written {
			// Too late for an error page: the download is cut short.
			h.log.ErrorContext(r.Context(), "web: export", "call", slug, "format", format, "err", err)
			return nil
		}
		if err == nil && !lw.written {
			lw.Write(nil)
		}
		return err
	}
}

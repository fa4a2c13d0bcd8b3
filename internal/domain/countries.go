package domain

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Country data comes from the public dataset datasets/country-codes (file
// data/country-codes.csv, commit caa72d1, 2026-05-15, licence
// ODC-PDDL-1.0), reduced by internal/gencountries to what dxatlas needs.
// The provenance is repeated at the top of each embedded file.

//go:embed data/countries.csv
var countriesCSV []byte

//go:embed data/country_groups.csv
var countryGroupsCSV []byte

// UNLanguages are the six UN languages, in the order the UN lists them;
// country names are known in each.
var UNLanguages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// Country is a country or territory with an ISO 3166-1 alpha-2 code.
// M49 codes have three digits ("002"); Region, SubRegion and
// IntermediateRegion are empty where M49 assigns none (Antarctica has no
// region). Names holds the UNTERM short name in each UN language.
type Country struct {
	Code, M49, Region, SubRegion, IntermediateRegion string
	Names                                            map[string]string
}

// Name returns the country's name in lang (a BCP 47 tag; "fr-CA" uses the
// French name), falling back to English.
func (c Country) Name(lang string) string {
	if n, ok := c.Names[lang]; ok {
		return n
	}
	if tag, err := language.Parse(lang); err == nil {
		base, _ := tag.Base()
		if n, ok := c.Names[base.String()]; ok {
			return n
		}
	}
	return c.Names["en"]
}

func (c Country) clone() Country {
	c.Names = maps.Clone(c.Names)
	return c
}

// countryTable is parsed once from the embedded file and never changed.
var countryTable = mustParseCountries(countriesCSV)

type countries struct {
	list   []Country // sorted by code
	byCode map[string]int
}

func mustParseCountries(b []byte) countries {
	t, err := parseCountries(bytes.NewReader(b))
	if err != nil {
		panic(fmt.Sprintf("domain: embedded countries.csv: %v", err))
	}
	return t
}

func parseCountries(r io.Reader) (countries, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	header, err := cr.Read()
	if err != nil {
		return countries{}, fmt.Errorf("header: %w", err)
	}
	want := append([]string{"code", "m49", "region", "subregion", "intermediate_region"}, UNLanguages...)
	if !slices.Equal(header, want) {
		return countries{}, fmt.Errorf("header is %v, want %v", header, want)
	}
	t := countries{byCode: make(map[string]int)}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return countries{}, err
		}
		c := Country{Code: rec[0], M49: rec[1], Region: rec[2], SubRegion: rec[3], IntermediateRegion: rec[4],
			Names: make(map[string]string, len(UNLanguages))}
		for i, l := range UNLanguages {
			c.Names[l] = rec[5+i]
		}
		if _, dup := t.byCode[c.Code]; dup {
			return countries{}, fmt.Errorf("duplicate country %s", c.Code)
		}
		t.byCode[c.Code] = len(t.list)
		t.list = append(t.list, c)
	}
	slices.SortFunc(t.list, func(a, b Country) int { return strings.Compare(a.Code, b.Code) })
	for i, c := range t.list {
		t.byCode[c.Code] = i
	}
	return t, nil
}

// Countries returns every country and territory, sorted by code.
func Countries() []Country {
	out := make([]Country, len(countryTable.list))
	for i, c := range countryTable.list {
		out[i] = c.clone()
	}
	return out
}

// CountryByCode returns the country with that ISO 3166-1 alpha-2 code
// (upper case, as stored).
func CountryByCode(code string) (Country, bool) {
	i, ok := countryTable.byCode[code]
	if !ok {
		return Country{}, false
	}
	return countryTable.list[i].clone(), true
}

// isCountry reports whether code is a known country code, without copying.
func isCountry(code string) bool {
	_, ok := countryTable.byCode[code]
	return ok
}

// CountryName returns the name of a country in lang, falling back to
// English; for an unknown code it returns the code itself, so that a page
// always shows something.
func CountryName(code, lang string) string {
	i, ok := countryTable.byCode[code]
	if !ok {
		return code
	}
	return countryTable.list[i].Name(lang)
}

// SortedCountries returns every country sorted by its name in lang, with
// that language's collation rules (so "Égypte" sorts with the E's in
// French).
func SortedCountries(lang string) []Country {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	// A Collator keeps per-call buffers, so each call gets its own.
	col := collate.New(tag)
	out := Countries()
	keys := make(map[string][]byte, len(out))
	var buf collate.Buffer
	for _, c := range out {
		keys[c.Code] = slices.Clone(col.KeyFromString(&buf, c.Name(lang)))
		buf.Reset()
	}
	slices.SortStableFunc(out, func(a, b Country) int {
		if c := bytes.Compare(keys[a.Code], keys[b.Code]); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// GroupMembership is one row of a country-group table: country belongs to
// group from From (inclusive) until Until (exclusive). Dates are civil
// dates YYYY-MM-DD; an empty From or Until is open-ended.
type GroupMembership struct {
	Country, Group, From, Until, Source string
}

// in reports whether the membership holds on the civil date day
// (YYYY-MM-DD, which sorts as text).
func (m GroupMembership) in(day string) bool {
	return (m.From == "" || m.From <= day) && (m.Until == "" || day < m.Until)
}

// GroupTable holds membership of the UN country groups (LDC, LLDC, SIDS)
// with effective dates, so that a case is counted in the groups its
// countries belonged to at the date asked for.
type GroupTable struct {
	rows []GroupMembership
}

var defaultGroups = mustParseGroups(countryGroupsCSV)

func mustParseGroups(b []byte) GroupTable {
	t, err := ParseGroups(bytes.NewReader(b))
	if err != nil {
		panic(fmt.Sprintf("domain: embedded country_groups.csv: %v", err))
	}
	return t
}

// DefaultGroups returns the group table embedded in dxatlas.
func DefaultGroups() GroupTable { return defaultGroups }

// ParseGroups reads a country-group table, so that an administrator can
// replace the embedded one when membership changes. The format is CSV in
// UTF-8; lines starting with # are comments; the first other line is the
// header
//
//	country,group,from,until,source
//
// followed by one row per membership period: an ISO 3166-1 alpha-2 code
// known to Countries, a group (LDC, LLDC or SIDS), the first day of
// membership and the first day after it as YYYY-MM-DD (either may be empty
// for "open-ended"), and a free-text source. For example
//
//	BD,LDC,,2026-11-24,UN General Assembly resolution 76/8
//
// says Bangladesh is an LDC until it graduates on 24 November 2026.
func ParseGroups(r io.Reader) (GroupTable, error) {
	// Spreadsheet programs often start a UTF-8 file with a byte-order mark.
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.FieldsPerRecord = 5
	header, err := cr.Read()
	if err != nil {
		return GroupTable{}, fmt.Errorf("country groups: header: %w", err)
	}
	if want := []string{"country", "group", "from", "until", "source"}; !slices.Equal(header, want) {
		return GroupTable{}, fmt.Errorf("country groups: header is %q, want %q", strings.Join(header, ","), strings.Join(want, ","))
	}
	var t GroupTable
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return GroupTable{}, fmt.Errorf("country groups: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		m := GroupMembership{Country: rec[0], Group: rec[1], From: rec[2], Until: rec[3], Source: rec[4]}
		if err := m.check(); err != nil {
			return GroupTable{}, fmt.Errorf("country groups: line %d: %w", line, err)
		}
		t.rows = append(t.rows, m)
	}
	return t, nil
}

func (m GroupMembership) check() error {
	if !isCountry(m.Country) {
		return fmt.Errorf("unknown country code %q", m.Country)
	}
	if !groupSet[m.Group] {
		return fmt.Errorf("unknown group %q (want one of %s)", m.Group, strings.Join(CountryGroups, ", "))
	}
	for _, d := range []string{m.From, m.Until} {
		if d == "" {
			continue
		}
		if t, err := time.Parse(time.DateOnly, d); err != nil || t.Format(time.DateOnly) != d {
			return fmt.Errorf("bad date %q (want YYYY-MM-DD)", d)
		}
	}
	if m.From != "" && m.Until != "" && m.Until <= m.From {
		return fmt.Errorf("until %s is not after from %s", m.Until, m.From)
	}
	return nil
}

// Memberships returns the table's rows in file order.
func (t GroupTable) Memberships() []GroupMembership { return slices.Clone(t.rows) }

// Groups returns the groups a country belonged to on at's date (in at's
// location), in the order of CountryGroups.
func (t GroupTable) Groups(code string, at time.Time) []string {
	day := at.Format(time.DateOnly)
	var out []string
	for _, g := range CountryGroups {
		for _, m := range t.rows {
			if m.Country == code && m.Group == g && m.in(day) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// Members returns the countries in group on at's date, sorted by code.
func (t GroupTable) Members(group string, at time.Time) []string {
	day := at.Format(time.DateOnly)
	var out []string
	for _, m := range t.rows {
		if m.Group == group && m.in(day) && !slices.Contains(out, m.Country) {
			out = append(out, m.Country)
		}
	}
	slices.Sort(out)
	return out
}

// Groups returns the groups a country belonged to on at's date, from the
// embedded table.
func Groups(code string, at time.Time) []string { return defaultGroups.Groups(code, at) }

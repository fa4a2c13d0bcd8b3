// Package domain holds dxatlas's types and rules with no I/O: the case
// record and its validation, vocabularies, call phases and case states.
package domain

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Case is the author's document, as case.md defines it. Its JSON names are
// the external contract (API, JSON Lines import and export, CSV columns).
//
// A draft may hold any subset of fields, even invalid values, so number
// fields that a person types (KPI values, SME count) are kept as Decimal,
// which remembers the text as typed.
type Case struct {
	Language                    string                 `json:"language,omitempty"`
	Title                       string                 `json:"title,omitempty"`
	Summary                     string                 `json:"summary,omitempty"`
	Organisation                Organisation           `json:"organisation"`
	Countries                   []string               `json:"countries,omitempty"`
	Scope                       string                 `json:"scope,omitempty"`
	Status                      string                 `json:"status,omitempty"`
	Period                      Period                 `json:"period"`
	SME                         SME                    `json:"sme"`
	Sector                      string                 `json:"sector,omitempty"`
	Problem                     string                 `json:"problem,omitempty"`
	Solution                    string                 `json:"solution,omitempty"`
	Technologies                []string               `json:"technologies,omitempty"`
	WSIS                        WSIS                   `json:"wsis"`
	SDGs                        SDGs                   `json:"sdgs"`
	SDGLinkage                  string                 `json:"sdg_linkage,omitempty"`
	KPIs                        []KPI                  `json:"kpis,omitempty"`
	Impact                      string                 `json:"impact,omitempty"`
	Partners                    []Partner              `json:"partners,omitempty"`
	EnablersConstraints         string                 `json:"enablers_constraints,omitempty"`
	SustainabilityReplicability string                 `json:"sustainability_replicability,omitempty"`
	Lessons                     string                 `json:"lessons,omitempty"`
	CostRange                   string                 `json:"cost_range,omitempty"`
	Funding                     []string               `json:"funding,omitempty"`
	Links                       []string               `json:"links,omitempty"`
	Licence                     string                 `json:"licence,omitempty"`
	ConsentPublish              bool                   `json:"consent_publish"`
	Translations                map[string]Translation `json:"translations,omitempty"`
}

// Organisation is the organisation behind a case.
type Organisation struct {
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	Country string `json:"country,omitempty"`
	Website string `json:"website,omitempty"`
}

// Period is when the case ran, as YYYY-MM months.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// SME describes the enterprises the case concerns.
type SME struct {
	SizeClass string  `json:"size_class,omitempty"`
	Count     Decimal `json:"count,omitempty"`
}

// WSIS holds the WSIS action lines a case serves.
type WSIS struct {
	Primary   string   `json:"primary,omitempty"`
	Secondary []string `json:"secondary,omitempty"`
}

// SDGs holds the goals and targets a case advances.
type SDGs struct {
	Goals   []int    `json:"goals,omitempty"`
	Targets []string `json:"targets,omitempty"`
}

// KPI is one key performance indicator.
type KPI struct {
	Name     string  `json:"name,omitempty"`
	Baseline Decimal `json:"baseline,omitempty"`
	Value    Decimal `json:"value,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Date     string  `json:"date,omitempty"`
}

// Partner is an organisation that worked on the case.
type Partner struct {
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	Country string `json:"country,omitempty"`
}

// Translation is the case's text in another language.
type Translation struct {
	Title    string `json:"title,omitempty"`
	Summary  string `json:"summary,omitempty"`
	Problem  string `json:"problem,omitempty"`
	Solution string `json:"solution,omitempty"`
	Impact   string `json:"impact,omitempty"`
	Lessons  string `json:"lessons,omitempty"`
	Source   string `json:"source,omitempty"` // author, secretariat or machine
}

// Decimal is a number as a person typed it. It marshals as a JSON number
// when the text is a valid decimal and as a JSON string otherwise, so an
// invalid draft value survives a round trip unchanged.
type Decimal string

// IsZero reports whether nothing was typed (used by omitempty-like checks).
func (d Decimal) IsZero() bool { return strings.TrimSpace(string(d)) == "" }

// MarshalJSON implements json.Marshaler.
func (d Decimal) MarshalJSON() ([]byte, error) {
	s := strings.TrimSpace(string(d))
	if s == "" {
		return []byte("null"), nil
	}
	// A decimal as typed ("+5", ".5", "007") is not always a JSON number;
	// only text that is both is written bare, so the document stays valid
	// JSON and round-trips to the same text.
	if IsDecimal(s) && json.Valid([]byte(s)) {
		return []byte(s), nil
	}
	return json.Marshal(string(d))
}

// UnmarshalJSON implements json.Unmarshaler: it accepts a number, a string
// or null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*d = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Decimal(s)
		return nil
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*d = Decimal(n.String())
		return nil
	}
}

// IsDecimal reports whether s is a plain decimal number such as -12, 3.5
// or 0.25 (no exponent, no thousands separators).
func IsDecimal(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

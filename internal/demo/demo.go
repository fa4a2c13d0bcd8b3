// Package demo holds dxatlas's demo content: the sample call a newcomer
// sees on first run, an earlier call, and realistic sample cases written
// in the six UN languages. The content is embedded, so `serve --demo` and
// the tests need nothing on disk.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/dxatlas/dxatlas/internal/domain"
)

//go:embed data
var files embed.FS

// File names inside the embedded data directory.
const (
	casesFile    = "data/cases.jsonl"
	callFile     = "data/call.json"
	pastCallFile = "data/past_call.json"
)

// CallSpec is a call as the secretariat would create it: texts keyed by
// language code, with the call's review settings. Dates are left to the
// loader, which places the demo call around the day it runs.
type CallSpec struct {
	Slug        string            `json:"slug"`
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Eligibility []struct {
		Code string            `json:"code"`
		Text map[string]string `json:"text"`
	} `json:"eligibility"`
	Timezone         string `json:"timezone"`
	Blind            bool   `json:"blind"`
	ReviewersPerCase int    `json:"reviewers_per_case"`
}

// mustRead returns an embedded file. The files are compiled in, so a
// failure is a build defect, not a runtime condition.
func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("demo: embedded %s: %v", name, err))
	}
	return b
}

// CaseLines returns the sample cases as raw JSON Lines, one case record
// per element, in file order (as `dxatlas import` would read them). The
// slices are fresh copies the caller may keep or change.
func CaseLines() [][]byte {
	var lines [][]byte
	for line := range bytes.Lines(mustRead(casesFile)) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lines = append(lines, bytes.Clone(line))
	}
	return lines
}

// Cases decodes the sample cases. Unknown fields are an error, so the
// demo data cannot drift from the case record without a failing test.
func Cases() ([]domain.Case, error) {
	lines := CaseLines()
	cases := make([]domain.Case, 0, len(lines))
	for i, line := range lines {
		var c domain.Case
		if err := decodeStrict(line, &c); err != nil {
			return nil, fmt.Errorf("demo cases: line %d: %w", i+1, err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// Call returns the demo call, open on first run.
func Call() (CallSpec, error) { return readCall(callFile) }

// PastCall returns an earlier call, so that the library and the
// statistics show more than one call.
func PastCall() (CallSpec, error) { return readCall(pastCallFile) }

func readCall(name string) (CallSpec, error) {
	var c CallSpec
	if err := decodeStrict(mustRead(name), &c); err != nil {
		return CallSpec{}, fmt.Errorf("demo %s: %w", name, err)
	}
	return c, nil
}

// decodeStrict decodes exactly one JSON value, rejecting unknown fields
// and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

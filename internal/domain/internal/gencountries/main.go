// Command gencountries derives dxatlas's compact country tables from the
// public dataset datasets/country-codes (its file data/country-codes.csv):
//
//	go run ./internal/domain/internal/gencountries -src country-codes.csv -out internal/domain/data
//
// It writes countries.csv (ISO code, M49 codes, names in the six UN
// languages) and country_groups.csv (LDC, LLDC and SIDS membership with
// effective dates). The build does not run it; its output is committed.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "", "path to the dataset's country-codes.csv (required)")
	out := flag.String("out", "internal/domain/data", "directory to write countries.csv and country_groups.csv into")
	provenance := flag.String("provenance", "datasets/country-codes, file data/country-codes.csv, commit caa72d1, 2026-05-15, licence ODC-PDDL-1.0",
		"provenance line written at the top of the outputs")
	source := flag.String("source", "datasets/country-codes caa72d1 (2026-05-15)",
		"source column value for group memberships taken from the dataset's flags")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "gencountries: -src is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(*src, *out, *provenance, *source); err != nil {
		fmt.Fprintln(os.Stderr, "gencountries:", err)
		os.Exit(1)
	}
}

func generate(src, outDir, provenance, source string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	rows, err := readSource(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	if err := writeFile(filepath.Join(outDir, "countries.csv"), func(w io.Writer) error {
		return writeCountries(w, rows, provenance)
	}); err != nil {
		return err
	}
	return writeFile(filepath.Join(outDir, "country_groups.csv"), func(w io.Writer) error {
		return writeGroups(w, rows, provenance, source)
	})
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// languages lists the six UN languages with the source columns to try, in
// order, for a country's name in that language.
var languages = []struct {
	code    string
	columns []string
}{
	{"ar", []string{"UNTERM Arabic Short", "official_name_ar", "CLDR display name"}},
	{"zh", []string{"UNTERM Chinese Short", "official_name_cn", "CLDR display name"}},
	{"en", []string{"UNTERM English Short", "official_name_en", "CLDR display name"}},
	{"fr", []string{"UNTERM French Short", "official_name_fr", "CLDR display name"}},
	{"ru", []string{"UNTERM Russian Short", "official_name_ru", "CLDR display name"}},
	{"es", []string{"UNTERM Spanish Short", "official_name_es", "CLDR display name"}},
}

// groupFlags maps each group to its flag column ("x" marks a member).
var groupFlags = []struct{ group, column string }{
	{"LDC", "Least Developed Countries (LDC)"},
	{"LLDC", "Land Locked Developing Countries (LLDC)"},
	{"SIDS", "Small Island Developing States (SIDS)"},
}

// correction records a membership change the dataset does not show yet.
type correction struct{ country, group, from, until, source string }

var corrections = []correction{
	{"ST", "LDC", "", "2024-12-13", "UN DESA: graduated from the LDC category on 2024-12-13"},
	{"BD", "LDC", "", "2026-11-24", "UN General Assembly resolution 76/8 (2021): graduation on 2026-11-24"},
	{"LA", "LDC", "", "2026-11-24", "UN General Assembly resolution 76/8 (2021): graduation on 2026-11-24"},
	{"NP", "LDC", "", "2026-11-24", "UN General Assembly resolution 76/8 (2021): graduation on 2026-11-24"},
}

// nameCorrection gives a country's name in one language where the
// dataset's fallbacks give a name the United Nations does not use.
type nameCorrection struct{ country, lang, name string }

var nameCorrections = []nameCorrection{
	// The dataset has no UNTERM names for CI, and its official_name_en is
	// "Ivory Coast"; UNTERM's short name is Côte d'Ivoire in English as in
	// French and Spanish, written here with the typographic apostrophe of
	// the French and Spanish names the dataset gives.
	{"CI", "en", "Côte d’Ivoire"},
}

type sourceRow map[string]string

func readSource(r io.Reader) ([]sourceRow, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	need := []string{"ISO3166-1-Alpha-2", "M49", "Region Code", "Sub-region Code", "Intermediate Region Code"}
	for _, l := range languages {
		need = append(need, l.columns...)
	}
	for _, g := range groupFlags {
		need = append(need, g.column)
	}
	for _, n := range need {
		if !slices.Contains(header, n) {
			return nil, fmt.Errorf("missing column %q", n)
		}
	}
	var rows []sourceRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		row := make(sourceRow, len(header))
		for i, h := range header {
			// The dataset uses no-break spaces for "no value" in places.
			row[h] = strings.TrimSpace(strings.ReplaceAll(rec[i], "\u00a0", " "))
		}
		code := row["ISO3166-1-Alpha-2"]
		if len(code) != 2 {
			return nil, fmt.Errorf("line %d: bad ISO code %q", len(rows)+2, code)
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b sourceRow) int {
		return strings.Compare(a["ISO3166-1-Alpha-2"], b["ISO3166-1-Alpha-2"])
	})
	return rows, nil
}

// m49 pads an M49 code to its usual three digits ("2" → "002").
func m49(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 999 {
		return "", fmt.Errorf("bad M49 code %q", s)
	}
	return fmt.Sprintf("%03d", n), nil
}

// cleanName drops UNTERM's trailing footnote markers (" *", " **"), which
// refer to notes that are not part of the name.
func cleanName(s string) string {
	return strings.TrimSpace(strings.TrimRight(s, "*"))
}

func writeCountries(w io.Writer, rows []sourceRow, provenance string) error {
	fmt.Fprintf(w, "# Source: %s.\n", provenance)
	fmt.Fprintf(w, "# Names: UNTERM short names; where UNTERM has none, official_name_*, then the CLDR display name; a few corrected to the UNTERM name (see gencountries). Generated by gencountries.\n")
	cw := csv.NewWriter(w)
	header := []string{"code", "m49", "region", "subregion", "intermediate_region"}
	for _, l := range languages {
		header = append(header, l.code)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range rows {
		code := row["ISO3166-1-Alpha-2"]
		rec := []string{code}
		for _, col := range []string{"M49", "Region Code", "Sub-region Code", "Intermediate Region Code"} {
			v, err := m49(row[col])
			if err != nil {
				return fmt.Errorf("%s %s: %w", code, col, err)
			}
			rec = append(rec, v)
		}
		for _, l := range languages {
			name := ""
			for _, col := range l.columns {
				if name = cleanName(row[col]); name != "" {
					break
				}
			}
			for _, c := range nameCorrections {
				if c.country == code && c.lang == l.code {
					name = c.name
				}
			}
			if name == "" {
				return fmt.Errorf("%s: no %s name", code, l.code)
			}
			rec = append(rec, name)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeGroups(w io.Writer, rows []sourceRow, provenance, source string) error {
	fmt.Fprintf(w, "# Source: flags from %s, with the corrections named in the source column.\n", provenance)
	fmt.Fprintf(w, "# Dates are YYYY-MM-DD; from is inclusive, until exclusive; empty means open-ended. Generated by gencountries.\n")
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"country", "group", "from", "until", "source"}); err != nil {
		return err
	}
	type key struct{ country, group string }
	done := make(map[key]bool)
	var out [][]string
	for _, row := range rows {
		code := row["ISO3166-1-Alpha-2"]
		for _, g := range groupFlags {
			if !strings.EqualFold(row[g.column], "x") {
				continue
			}
			rec := []string{code, g.group, "", "", source}
			for _, c := range corrections {
				if c.country == code && c.group == g.group {
					rec = []string{code, g.group, c.from, c.until, c.source}
				}
			}
			done[key{code, g.group}] = true
			out = append(out, rec)
		}
	}
	// A correction whose country the dataset no longer flags still records
	// the membership it ended.
	for _, c := range corrections {
		if !done[key{c.country, c.group}] {
			out = append(out, []string{c.country, c.group, c.from, c.until, c.source})
		}
	}
	slices.SortStableFunc(out, func(a, b []string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	if err := cw.WriteAll(out); err != nil {
		return err
	}
	return cw.Error()
}

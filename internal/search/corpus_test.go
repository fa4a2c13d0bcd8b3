package search

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/domain"
)

// corpusRecord is one line of testdata/corpus.jsonl: a published case.
type corpusRecord struct {
	ID          string      `json:"id"`
	Call        string      `json:"call"`
	PublishedAt time.Time   `json:"published_at"`
	Case        domain.Case `json:"case"`
}

func loadCorpus(t testing.TB) []corpusRecord {
	t.Helper()
	b, err := os.ReadFile("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var r corpusRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("corpus line %d: %v", line, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func corpusDocs(t testing.TB) []Doc {
	t.Helper()
	var docs []Doc
	for _, r := range loadCorpus(t) {
		c := r.Case
		docs = append(docs, DocFromCase(r.ID, r.Call, &c, domain.DefaultGroups(), r.PublishedAt))
	}
	return docs
}

func TestCorpusIsValid(t *testing.T) {
	recs := loadCorpus(t)
	if len(recs) < 40 {
		t.Fatalf("corpus has %d cases, want at least 40", len(recs))
	}
	seen := map[string]bool{}
	langs := map[string]int{}
	for _, r := range recs {
		if seen[r.ID] {
			t.Errorf("duplicate id %s", r.ID)
		}
		seen[r.ID] = true
		if _, _, err := domain.ParseCaseID(r.ID); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
		c := r.Case
		domain.Normalize(&c)
		if errs := domain.Validate(&c, r.PublishedAt); errs != nil {
			t.Errorf("%s is not valid: %v", r.ID, errs)
		}
		langs[c.Language]++
	}
	for _, l := range domain.UNLanguages {
		if langs[l] < 5 {
			t.Errorf("corpus has %d cases in %s, want at least 5", langs[l], l)
		}
	}
}

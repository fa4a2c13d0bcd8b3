package search

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// The relevance suite: testdata/relevance.txt holds queries over the
// corpus with what they must return, one per line:
//
//	query | options | expectations
//
// Options are space-separated: a facet filter facet=value (repeat for
// OR), sort=relevance|newest|title, lang=xx (the reader's language).
// Expectations are separated by ';':
//
//	first: ID          the first result
//	order: ID ID …     the results begin with exactly these, in order
//	topN: ID ID …      each is among the first N results
//	all: ID ID …       the results are exactly these, in any order
//	includes: ID …     each is a result
//	excludes: ID …     none is a result
//	count: N           N results
//	none               no result
//	concepts: v:c …    the query names exactly these concepts
//	anyword            no case matched every word (results match some)
//
// The corpus is written into each database with Put and the index built
// from it by Sync, so the same expectations hold on SQLite and
// PostgreSQL.

// relevanceNow is the day group_now is computed for, fixed so that the
// suite does not change when a country leaves a group.
var relevanceNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

type relevanceCase struct {
	line   int
	text   string
	query  Query
	expect []string
}

func loadRelevance(t *testing.T) []relevanceCase {
	t.Helper()
	f, err := os.Open("testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 3 {
			t.Fatalf("relevance.txt:%d: want 'query | options | expectations', got %q", n, line)
		}
		q := Query{Q: strings.TrimSpace(parts[0]), PerPage: MaxPerPage, Filters: map[string][]string{}}
		for _, opt := range strings.Fields(parts[1]) {
			k, v, ok := strings.Cut(opt, "=")
			if !ok {
				t.Fatalf("relevance.txt:%d: bad option %q", n, opt)
			}
			switch k {
			case "sort":
				q.Sort = v
			case "lang":
				q.Lang = v
			default:
				if !slices.Contains(Facets, k) {
					t.Fatalf("relevance.txt:%d: unknown facet %q", n, k)
				}
				q.Filters[k] = append(q.Filters[k], v)
			}
		}
		var expect []string
		for _, e := range strings.Split(parts[2], ";") {
			if e = strings.TrimSpace(e); e != "" {
				expect = append(expect, e)
			}
		}
		if len(expect) == 0 {
			t.Fatalf("relevance.txt:%d: no expectation", n)
		}
		out = append(out, relevanceCase{line: n, text: line, query: q, expect: expect})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRelevance(t *testing.T) {
	cases := loadRelevance(t)
	if len(cases) < 60 {
		t.Fatalf("relevance.txt has %d queries, want at least 60", len(cases))
	}
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		putCorpusInto(t, db)
		ix := New(Options{Now: func() time.Time { return relevanceNow }})
		if err := ix.Sync(t.Context(), db); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%d_%s", c.line, c.query.Q), func(t *testing.T) {
				res := ix.Search(c.query)
				for _, e := range c.expect {
					if msg := check(e, res); msg != "" {
						t.Errorf("relevance.txt:%d: %s\n  query: %s\n  got %d: %s", c.line, msg, c.text, res.Total, hitIDs(res))
					}
				}
			})
		}
	})
}

// putCorpusInto writes the corpus one document at a time, as publication
// does.
func putCorpusInto(t testing.TB, db *store.DB) {
	t.Helper()
	for _, d := range corpusDocs(t) {
		if err := Put(t.Context(), db, d); err != nil {
			t.Fatal(err)
		}
	}
}

func hitIDs(res Result) string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return strings.Join(ids, " ")
}

// check returns what is wrong with res for one expectation, or "".
func check(e string, res Result) string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	kind, arg, _ := strings.Cut(e, ":")
	kind = strings.TrimSpace(kind)
	want := strings.Fields(arg)
	switch {
	case kind == "none":
		if res.Total != 0 || res.AnyWord {
			return "want no result, and no claim that some words matched"
		}
	case kind == "anyword":
		if !res.AnyWord {
			return "want the any-word fallback"
		}
	case kind == "count":
		n, err := strconv.Atoi(strings.TrimSpace(arg))
		if err != nil {
			return "bad count " + arg
		}
		if res.Total != n {
			return fmt.Sprintf("want %d results", n)
		}
	case kind == "first":
		if len(ids) == 0 || ids[0] != strings.TrimSpace(arg) {
			return "want first " + arg
		}
	case kind == "order":
		if len(ids) < len(want) || !slices.Equal(ids[:len(want)], want) {
			return "want order " + arg
		}
	case strings.HasPrefix(kind, "top"):
		n, err := strconv.Atoi(strings.TrimPrefix(kind, "top"))
		if err != nil {
			return "bad expectation " + e
		}
		top := ids[:min(n, len(ids))]
		for _, id := range want {
			if !slices.Contains(top, id) {
				return fmt.Sprintf("want %s in the first %d", id, n)
			}
		}
	case kind == "all":
		got := slices.Sorted(slices.Values(ids))
		if res.Total != len(ids) || !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			return "want exactly " + arg
		}
	case kind == "includes":
		for _, id := range want {
			if !slices.Contains(ids, id) {
				return "want " + id + " among the results"
			}
		}
	case kind == "excludes":
		for _, id := range want {
			if slices.Contains(ids, id) {
				return "want " + id + " not among the results"
			}
		}
	case kind == "concepts":
		var got []string
		for _, c := range res.Concepts {
			got = append(got, c.String())
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			return fmt.Sprintf("want concepts %s, got %s", arg, strings.Join(got, " "))
		}
	default:
		return "unknown expectation " + e
	}
	return ""
}

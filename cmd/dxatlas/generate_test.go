package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/search/synth"
	"github.com/dxatlas/dxatlas/internal/store"
)

// openApp opens the database a command line test uses, as the commands do.
func openApp(t *testing.T, args []string) *app.App {
	t.Helper()
	var d dbFlags
	fs := newFlags("test", &bytes.Buffer{})
	d.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	a, closeDB, err := d.open(context.Background(), newLogger(&bytes.Buffer{}, "error"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeDB)
	return a
}

func TestDemoGenerate(t *testing.T) {
	const seed = 5
	for name, args := range dbArgs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := cli{t: t, args: args}
			a := openApp(t, args)

			// Another case already has the id of the fourth generated one.
			taken := synth.Make(seed, 3)
			if _, _, err := c.run("", "migrate"); err != nil {
				t.Fatal(err)
			}
			owner := store.User{Email: "someone@example.org", Name: "Someone", Role: store.RoleApplicant}
			if err := a.DB.CreateUser(ctx, &owner); err != nil {
				t.Fatal(err)
			}
			call := store.Call{Slug: "other-call", Title: store.LocalText{"en": "Other"}, Description: store.LocalText{}, Timezone: "UTC",
				OpensAt: taken.PublishedAt, ClosesAt: taken.PublishedAt, ReviewersPerCase: 3}
			if err := a.DB.CreateCall(ctx, &call); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.CreateCase(ctx, &store.Case{ID: taken.ID, CallID: call.ID, OwnerID: owner.ID, State: domain.StateDraft}, nil); err != nil {
				t.Fatal(err)
			}

			out, errOut, err := c.run("", "demo", "generate", "--cases", "120", "--seed", strconv.Itoa(seed), "--batch", "50")
			if err != nil {
				t.Fatalf("generate: %v\n%s", err, errOut)
			}
			if !strings.Contains(out, "119 cases generated and published") || !strings.Contains(out, "1 skipped") {
				t.Errorf("output %q", out)
			}
			if !strings.Contains(errOut, "100% 120/120 cases") {
				t.Errorf("no progress bar: %q", errOut)
			}

			counts, err := a.DB.CountCasesByState(ctx, 0)
			if err != nil || counts[domain.StatePublished] != 119 || counts[domain.StateDraft] != 1 {
				t.Fatalf("cases by state %v %v", counts, err)
			}

			// Every case is indexed already: preparing the library at
			// start-up has nothing to repair.
			reindexed, removed, err := a.PrepareLibrary(ctx)
			if err != nil || reindexed != 0 || removed != 0 || a.Library.Len() != 119 {
				t.Fatalf("prepare: %d reindexed, %d removed, %d indexed, %v", reindexed, removed, a.Library.Len(), err)
			}

			// The library counts what was generated, call by call and
			// language by language.
			want := map[string]map[string]int{search.FacetCall: {}, search.FacetLanguage: {}}
			maxSeq := map[int]int{}
			for i := range 120 {
				r := synth.Make(seed, i)
				if r.ID == taken.ID {
					continue
				}
				want[search.FacetCall][r.Call]++
				want[search.FacetLanguage][r.Case.Language]++
				y, n, _ := domain.ParseCaseID(r.ID)
				maxSeq[y] = max(maxSeq[y], n)
			}
			res := a.Library.Search(search.Query{PerPage: 1, Facets: []string{search.FacetCall, search.FacetLanguage}})
			for facet, byValue := range want {
				got := map[string]int{}
				for _, v := range res.Facets[facet] {
					got[v.Value] = v.Count
				}
				if !reflect.DeepEqual(got, byValue) {
					t.Errorf("%s: %v, want %v", facet, got, byValue)
				}
			}

			// Each call is a past call with its results published.
			for slug := range want[search.FacetCall] {
				c, err := a.DB.CallBySlug(ctx, slug)
				if err != nil || a.Phase(c) != domain.PhasePublished || c.Title["zh"] == "" {
					t.Errorf("call %s: phase %s, %v", slug, a.Phase(c), err)
				}
			}

			// The public record is the generated case.
			r := synth.Make(seed, 7)
			p, err := a.PublicCase(ctx, r.ID)
			if err != nil || !reflect.DeepEqual(p.Doc, r.Case) || !p.PublishedAt.Equal(r.PublishedAt) || p.Call != r.Call {
				t.Errorf("public case %s: %v", r.ID, err)
			}

			// The platform never hands out a number a generated case took.
			for y, n := range maxSeq {
				next, err := a.DB.NextCaseSeq(ctx, y)
				if err != nil || next <= n {
					t.Errorf("year %d: next number %d, highest generated %d (%v)", y, next, n, err)
				}
			}

			// Running again resumes: only the new cases are written.
			out, _, err = c.run("", "demo", "generate", "--cases", "150", "--seed", strconv.Itoa(seed), "--quiet")
			if err != nil || !strings.Contains(out, "30 cases generated") || !strings.Contains(out, "119 were there already") {
				t.Errorf("second run: %q %v", out, err)
			}

			// Taken back, a generated case leaves a tombstone.
			sec, err := a.AddUser(ctx, nil, "sec@example.org", "Secretariat", store.RoleSecretariat, "a strong passphrase")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Unpublish(ctx, &sec, r.ID, "takedown request"); err != nil {
				t.Fatal(err)
			}
			if _, err := a.PublicCase(ctx, r.ID); !app.IsKind(err, app.KindGone) {
				t.Errorf("unpublished generated case: %v", err)
			}
		})
	}
}

// TestDemoGenerateOut writes records that import as they are.
func TestDemoGenerateOut(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cases.jsonl")
	c := cli{t: t, args: []string{"--data", dir}}
	out, _, err := c.run("", "demo", "generate", "--cases", "30", "--seed", "9", "--out", file, "--quiet")
	if err != nil || !strings.Contains(out, "30 case records written") {
		t.Fatalf("generate --out: %q %v", out, err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		if !bytes.HasPrefix(sc.Bytes(), []byte(`{"language":`)) {
			t.Fatalf("line %d: %.60s", lines+1, sc.Bytes())
		}
	}
	if lines != 30 {
		t.Fatalf("%d lines", lines)
	}
	if err := seedWith(t, c.args); err != nil {
		t.Fatal(err)
	}
	out, _, err = c.run("", "import", "--call", "sme-dx-2026", "--publish", "--quiet", file)
	if err != nil || !strings.Contains(out, "30 cases imported, 0 lines rejected") {
		t.Errorf("import: %q %v", out, err)
	}
	for _, bad := range [][]string{
		{"demo"},
		{"demo", "generate"},
		{"demo", "generate", "--cases", "0"},
		{"demo", "explode"},
	} {
		if _, _, err := c.run("", bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

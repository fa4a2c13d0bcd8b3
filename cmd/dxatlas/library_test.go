package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// dbArgs are the database flags of a fresh SQLite and, when configured,
// a fresh PostgreSQL database.
func dbArgs(t *testing.T) map[string][]string {
	dbs := map[string][]string{"sqlite": {"--data", t.TempDir()}}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dbs["postgres"] = []string{"--database", storetest.PostgresURL(t)}
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI: " + storetest.EnvPostgres + " must be set")
	}
	return dbs
}

// libraryApp opens the database named by args, as the server would.
func libraryApp(t *testing.T, args []string) *app.App {
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

// TestDemoLibrary: the demo lands a newcomer on a living library — the
// past call's 36 cases, six per language, published and searchable — and
// leaves the open call six cases in progress.
func TestDemoLibrary(t *testing.T) {
	for name, args := range dbArgs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for range 2 { // a second start changes nothing
				if err := seedWith(t, args); err != nil {
					t.Fatal(err)
				}
			}
			a := libraryApp(t, args)
			// Every published case was indexed as it was published.
			if reindexed, removed, err := a.PrepareLibrary(ctx); err != nil || reindexed != 0 || removed != 0 {
				t.Fatalf("PrepareLibrary = %d, %d, %v", reindexed, removed, err)
			}
			p, err := a.SearchLibrary(ctx, search.Query{Lang: "en", Facets: []string{search.FacetLanguage, search.FacetCall}})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 36 {
				t.Errorf("library holds %d cases, want 36", p.Total)
			}
			for _, v := range p.Facets[search.FacetLanguage] {
				if v.Count != 6 {
					t.Errorf("%s: %d cases, want 6", v.Value, v.Count)
				}
			}
			if len(p.Facets[search.FacetLanguage]) != 6 || len(p.Facets[search.FacetCall]) != 1 || p.Facets[search.FacetCall][0].Value != "sme-dx-2025" {
				t.Errorf("facets %+v", p.Facets)
			}
			past, err := a.DB.CallBySlug(ctx, "sme-dx-2025")
			if err != nil || a.Phase(past) != domain.PhasePublished {
				t.Errorf("past call: %v, phase %s", err, a.Phase(past))
			}
			open, err := a.DB.CallBySlug(ctx, "sme-dx-2026")
			if err != nil || a.Phase(open) != domain.PhaseOpen {
				t.Fatalf("open call: %v", err)
			}
			counts, err := a.DB.CountCasesByState(ctx, open.ID)
			if err != nil || counts[domain.StateSubmitted] != 4 || counts[domain.StateDraft] != 2 {
				t.Errorf("open call cases: %v %v", counts, err)
			}
			// The demo applicants own every case, in both calls.
			cases, _, err := a.DB.ListCases(ctx, store.CaseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			owners := map[int64]bool{}
			for _, c := range cases {
				owners[c.OwnerID] = true
			}
			for _, email := range []string{"applicant1@demo.dxatlas.org", "applicant2@demo.dxatlas.org"} {
				u, err := a.DB.UserByEmail(ctx, email)
				if err != nil || !owners[u.ID] {
					t.Errorf("%s owns no case: %v", email, err)
				}
				delete(owners, u.ID)
			}
			if len(cases) != 42 || len(owners) != 0 {
				t.Errorf("%d cases, other owners %v", len(cases), owners)
			}
		})
	}
}

// TestImportPublishIndexes: `dxatlas import --publish` puts the cases in
// the library's index, in the import's transactions.
func TestImportPublishIndexes(t *testing.T) {
	for name, args := range dbArgs(t) {
		t.Run(name, func(t *testing.T) {
			c := cli{t: t, args: args}
			if err := seedWith(t, args); err != nil {
				t.Fatal(err)
			}
			lines := demo.CaseLines()
			file := filepath.Join(t.TempDir(), "cases.jsonl")
			if err := os.WriteFile(file, bytes.Join(lines[:3], []byte("\n")), 0o600); err != nil {
				t.Fatal(err)
			}
			out, _, err := c.run("", "import", "--call", "sme-dx-2026", "--publish", "--quiet", file)
			if err != nil || !strings.Contains(out, "3 cases imported") {
				t.Fatalf("import: %q %v", out, err)
			}
			a := libraryApp(t, args)
			ctx := context.Background()
			if reindexed, _, err := a.PrepareLibrary(ctx); err != nil || reindexed != 0 {
				t.Fatalf("imported cases were not indexed: %d, %v", reindexed, err)
			}
			ids, err := a.LibraryIDs(ctx, search.Query{Filters: map[string][]string{search.FacetCall: {"sme-dx-2026"}}})
			if err != nil || len(ids) != 3 {
				t.Fatalf("library of the open call: %v %v", ids, err)
			}
			pc, err := a.PublicCase(ctx, ids[0])
			if err != nil || !slices.ContainsFunc(demo.CaseLines()[:3], func(l []byte) bool { return bytes.Contains(l, []byte(pc.Doc.Title)) }) {
				t.Errorf("public case: %v %q", err, pc.Doc.Title)
			}
		})
	}
}

package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// importedRows is what an import wrote for a case, but the search
// document's sequence number.
func importedRows(t *testing.T, db *store.DB, id string) (tags []store.Tag, search string) {
	t.Helper()
	ctx := context.Background()
	tags, err := db.CaseTags(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var titles, texts, facets, tt, st, bt, lang, call string
	var published any
	err = db.QueryRow(ctx, `SELECT call_slug, language, published_at, titles, texts, facets, title_terms, summary_terms, body_terms
		FROM search_docs WHERE id = ?`, id).Scan(&call, &lang, &published, &titles, &texts, &facets, &tt, &st, &bt)
	if err != nil {
		t.Fatal(err)
	}
	return tags, strings.Join([]string{call, lang, fmt.Sprint(published), titles, texts, facets, tt, st, bt}, "|")
}

// TestImportPipeline: however the lines fall into batches, the cases are
// numbered in the order of the file, every rejected line is reported in
// order, and each published case has the tags and the search document
// that publishing it one by one gives.
func TestImportPipeline(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		var lines []string
		var bad []int
		for i := range 11 {
			c := example(t)
			c.Title = fmt.Sprintf("Case number %d of the import", i+1)
			if i%4 == 3 {
				c.ConsentPublish = false // rejected
				bad = append(bad, len(lines)+1)
			}
			b, _ := json.Marshal(c)
			lines = append(lines, string(b))
			if i == 5 {
				lines = append(lines, "") // a blank line counts, and is not a case
			}
		}
		for _, batch := range []int{1, 2, 3, 500} {
			t.Run(fmt.Sprintf("batches of %d", batch), func(t *testing.T) {
				rep, err := f.a.Import(ctx, nil, f.call.Slug, strings.NewReader(strings.Join(lines, "\n")),
					app.ImportOptions{Publish: true, Batch: batch})
				if err != nil {
					t.Fatal(err)
				}
				var rejected []int
				for _, r := range rep.Rejected {
					rejected = append(rejected, r.Line)
				}
				if rep.Lines != len(lines) || !slices.Equal(rejected, bad) || len(rep.Imported) != 11-len(bad) {
					t.Fatalf("%d lines, rejected %v (want %v), %d imported", rep.Lines, rejected, bad, len(rep.Imported))
				}
				if !slices.IsSorted(rep.Imported) {
					t.Errorf("ids not in the order of the file: %v", rep.Imported)
				}
				for _, id := range rep.Imported {
					c, err := db.CaseByID(ctx, id)
					if err != nil || c.State != domain.StatePublished {
						t.Fatalf("case %s: %s %v", id, c.State, err)
					}
					tags, search := importedRows(t, db, id)
					// Publishing the case again, one by one, changes nothing.
					rollBack := errors.New("roll back")
					err = db.Transact(ctx, func(tx *store.DB) error {
						var doc domain.Case
						if err := json.Unmarshal(c.Doc, &doc); err != nil {
							return err
						}
						if err := tx.SaveCase(ctx, c, f.a.Tags(&doc)); err != nil {
							return err
						}
						if err := f.a.IndexCase(ctx, tx, id); err != nil {
							return err
						}
						wantTags, wantSearch := importedRows(t, tx, id)
						if !slices.Equal(tags, wantTags) {
							t.Errorf("case %s: tags %v, one by one %v", id, tags, wantTags)
						}
						if search != wantSearch {
							t.Errorf("case %s: search document\n%.200s\none by one\n%.200s", id, search, wantSearch)
						}
						return rollBack
					})
					if !errors.Is(err, rollBack) {
						t.Fatal(err)
					}
				}
			})
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
)

var errRollBack = errors.New("roll back")

// dumpRows returns every row of a query, each formatted as one string.
func dumpRows(t *testing.T, db *store.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dumpCases is every row InsertCases and CreateCase write.
func dumpCases(t *testing.T, db *store.DB) map[string][]string {
	return map[string][]string{
		"cases":         dumpRows(t, db, `SELECT * FROM cases ORDER BY id`),
		"case_tags":     dumpRows(t, db, `SELECT case_id, facet, value FROM case_tags ORDER BY case_id, facet, value`),
		"case_versions": dumpRows(t, db, `SELECT * FROM case_versions ORDER BY case_id, version`),
	}
}

// TestInsertCasesSameRows: InsertCases writes exactly the rows that
// CreateCase and AddCaseVersion write one case at a time.
func TestInsertCasesSameRows(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := mkUser(t, db, "bulk@example.org")
		call := mkCall(t, db, "bulk")
		local := time.FixedZone("UTC+3", 3*3600)
		submitted := t0.In(local).Add(123456 * time.Nanosecond) // normalised to UTC milliseconds
		published := t0.Add(48 * time.Hour)
		mk := func(n int, tags int, withVersion bool) []store.NewCase {
			out := make([]store.NewCase, n)
			for i := range out {
				id := fmt.Sprintf("DX-2026-%05d", i+1)
				doc := []byte(fmt.Sprintf(`{"title": "Case %d", "summary": "é\u00e9 \"quoted\""}`, i))
				c := store.Case{ID: id, CallID: call.ID, OwnerID: owner.ID, State: "published", Doc: doc, Version: 1,
					SubmittedAt: &submitted, CreatedAt: t0, Title: fmt.Sprintf("Case %d", i), Language: "fr", OrgName: "Org"}
				if i%2 == 0 {
					c.PublishedAt, c.UpdatedAt = &published, published
				}
				nc := store.NewCase{Case: c}
				for k := range tags {
					nc.Tags = append(nc.Tags, store.Tag{Facet: fmt.Sprintf("facet%d", k%4), Value: fmt.Sprintf("v%d", k)})
				}
				if withVersion {
					vdoc := doc
					if i%3 == 0 {
						vdoc = []byte(fmt.Sprintf(`{"title":"Version of case %d"}`, i)) // not the case's document
					}
					nc.Version = &store.CaseVersion{CaseID: id, Version: 1, Doc: vdoc, SubmittedAt: submitted, SubmittedBy: owner.ID}
				}
				out[i] = nc
			}
			return out
		}
		tests := []struct {
			name        string
			cases       int
			tags        int
			withVersion bool
		}{
			{"one case, no tags, no version", 1, 0, false},
			{"a few cases with tags and versions", 7, 5, true},
			// More rows than one statement takes on SQLite, for each table.
			{"many cases", 230, 3, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var want, got map[string][]string
				var wantCases []store.Case
				err := db.Transact(ctx, func(tx *store.DB) error {
					for _, nc := range mk(tt.cases, tt.tags, tt.withVersion) {
						c := nc.Case
						if err := tx.CreateCase(ctx, &c, nc.Tags); err != nil {
							return err
						}
						wantCases = append(wantCases, c)
						if nc.Version != nil {
							if err := tx.AddCaseVersion(ctx, *nc.Version); err != nil {
								return err
							}
						}
					}
					want = dumpCases(t, tx)
					return errRollBack
				})
				if !errors.Is(err, errRollBack) {
					t.Fatal(err)
				}
				bulk := mk(tt.cases, tt.tags, tt.withVersion)
				err = db.Transact(ctx, func(tx *store.DB) error {
					if err := tx.InsertCases(ctx, bulk); err != nil {
						return err
					}
					got = dumpCases(t, tx)
					return errRollBack
				})
				if !errors.Is(err, errRollBack) {
					t.Fatal(err)
				}
				if len(want["cases"]) != tt.cases || len(want["case_tags"]) != tt.cases*tt.tags {
					t.Fatalf("one by one wrote %d cases and %d tags", len(want["cases"]), len(want["case_tags"]))
				}
				for table := range want {
					if !reflect.DeepEqual(got[table], want[table]) {
						t.Errorf("%s differ:\n got %.300q\nwant %.300q", table, got[table], want[table])
					}
				}
				// The cases are normalised in place, as CreateCase does.
				for i, nc := range bulk {
					if !reflect.DeepEqual(nc.Case, wantCases[i]) {
						t.Errorf("case %d: %+v, want %+v", i, nc.Case, wantCases[i])
					}
				}
			})
		}
	})
}

func TestInsertCasesRefuses(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := mkUser(t, db, "bulk@example.org")
		call := mkCall(t, db, "bulk")
		mkCase(t, db, "DX-2026-00002", call, owner)
		mkNew := func(id, doc string) store.NewCase {
			return store.NewCase{Case: store.Case{ID: id, CallID: call.ID, OwnerID: owner.ID, State: "submitted", Doc: []byte(doc)},
				Tags: []store.Tag{{Facet: "sector", Value: "retail"}}}
		}
		tests := []struct {
			name     string
			cases    []store.NewCase
			conflict bool
		}{
			{"a taken id", []store.NewCase{mkNew("DX-2026-00001", "{}"), mkNew("DX-2026-00002", "{}")}, true},
			{"the same id twice", []store.NewCase{mkNew("DX-2026-00003", "{}"), mkNew("DX-2026-00003", "{}")}, true},
			{"a document that is not JSON", []store.NewCase{mkNew("DX-2026-00004", "{not json")}, false},
			{"a version without a document", []store.NewCase{{Case: mkNew("DX-2026-00005", "{}").Case,
				Version: &store.CaseVersion{CaseID: "DX-2026-00005", Version: 1}}}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := db.InsertCases(ctx, tt.cases)
				if err == nil || errors.Is(err, store.ErrConflict) != tt.conflict {
					t.Fatalf("InsertCases: %v, want an error (conflict: %v)", err, tt.conflict)
				}
				if rows := dumpCases(t, db); len(rows["cases"]) != 1 || len(rows["case_tags"]) != 0 {
					t.Errorf("rows written after a refusal: %v", rows)
				}
			})
		}
	})
}

// TestNextCaseSeqs: reserving n numbers at once gives the numbers n calls
// of NextCaseSeq would give.
func TestNextCaseSeqs(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, step := range []struct{ year, n, first int }{
			{2026, 3, 1}, {2026, 1, 4}, {2025, 500, 1}, {2026, 10, 5},
		} {
			first, err := db.NextCaseSeqs(ctx, step.year, step.n)
			if err != nil || first != step.first {
				t.Fatalf("NextCaseSeqs(%d, %d) = %d, %v; want %d", step.year, step.n, first, err, step.first)
			}
		}
		if next, err := db.NextCaseSeq(ctx, 2026); err != nil || next != 15 {
			t.Errorf("NextCaseSeq after the reservations = %d, %v; want 15", next, err)
		}
		if _, err := db.NextCaseSeqs(ctx, 2026, 0); err == nil {
			t.Error("NextCaseSeqs(0) gave no error")
		}
	})
}

// TestBulkLoad: the settings of a bulk load hold until restored, and
// never touch what makes a commit durable.
func TestBulkLoad(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Transact(ctx, func(tx *store.DB) error {
			_, err := tx.BulkLoad(ctx)
			return err
		}); err == nil {
			t.Error("BulkLoad inside a transaction gave no error")
		}
		pragma := func(name string) string {
			var v string
			if err := db.SQL().QueryRowContext(ctx, `PRAGMA `+name).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		names := []string{"cache_size", "temp_store", "wal_autocheckpoint", "journal_mode", "synchronous"}
		before := map[string]string{}
		if db.Dialect() == store.DialectSQLite {
			for _, n := range names {
				before[n] = pragma(n)
			}
		}
		restore, err := db.BulkLoad(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.DialectSQLite {
			during := map[string]string{}
			for _, n := range names {
				during[n] = pragma(n)
			}
			want := map[string]string{"cache_size": "-65536", "temp_store": "2", "wal_autocheckpoint": "8192",
				"journal_mode": before["journal_mode"], "synchronous": before["synchronous"]}
			if !reflect.DeepEqual(during, want) {
				t.Errorf("during the load: %v, want %v", during, want)
			}
		}
		// Writes work as usual during the load.
		mkCase(t, db, "DX-2026-00001", mkCall(t, db, "bulk"), mkUser(t, db, "bulk@example.org"))
		if err := restore(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.DialectSQLite {
			for _, n := range names {
				if v := pragma(n); v != before[n] {
					t.Errorf("%s = %s after the load, want %s", n, v, before[n])
				}
			}
		}
	})
}

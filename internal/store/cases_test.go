package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func TestNextCaseSeq(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		steps := []struct {
			year, want int
		}{{2026, 1}, {2026, 2}, {2027, 1}, {2026, 3}}
		for _, s := range steps {
			n, err := db.NextCaseSeq(ctx, s.year)
			if err != nil || n != s.want {
				t.Errorf("NextCaseSeq(%d) = %d, %v; want %d", s.year, n, err, s.want)
			}
		}
		// A rolled-back transaction gives its number back: no case has it.
		_ = db.Transact(ctx, func(tx *store.DB) error {
			if _, err := tx.NextCaseSeq(ctx, 2026); err != nil {
				t.Fatal(err)
			}
			return errors.New("abandon")
		})
		if n, err := db.NextCaseSeq(ctx, 2026); err != nil || n != 4 {
			t.Errorf("after rollback: %d, %v; want 4", n, err)
		}
	})
}

func TestNextCaseSeqConcurrent(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 20
		got := make(chan int, n)
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				var seq int
				err := db.Transact(ctx, func(tx *store.DB) error {
					var err error
					seq, err = tx.NextCaseSeq(ctx, 2026)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				got <- seq
			})
		}
		wg.Wait()
		close(got)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var seqs []int
		for s := range got {
			seqs = append(seqs, s)
		}
		slices.Sort(seqs)
		// Committed numbers are 1..n: none lost, none handed out twice.
		for i, s := range seqs {
			if s != i+1 {
				t.Fatalf("committed numbers %v, want 1..%d", seqs, n)
			}
		}
		if len(seqs) != n {
			t.Errorf("%d numbers committed, want %d", len(seqs), n)
		}
	})
}

func TestCases(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "c")
		owner := mkUser(t, db, "owner@example.org")
		ext := t0.Add(72 * time.Hour)
		c := store.Case{
			ID: "DX-2026-0001", CallID: call.ID, OwnerID: owner.ID, State: "draft",
			Doc:           json.RawMessage(`{"title": "Paiement mobile", "language": "fr", "countries": ["SN", "ML"]}`),
			ExtendedUntil: &ext, CreatedAt: t0,
			Title: "Paiement mobile", Language: "fr", OrgName: "Coop",
		}
		tags := []store.Tag{{"country", "SN"}, {"country", "ML"}, {"wsis", "C7"}, {"country", "SN"}}
		if err := db.CreateCase(ctx, &c, tags); err != nil {
			t.Fatal(err)
		}
		if !c.UpdatedAt.Equal(t0) {
			t.Errorf("UpdatedAt = %v, want CreatedAt", c.UpdatedAt)
		}

		equal := func(t *testing.T, got, want store.Case) {
			t.Helper()
			if !jsonEqual(t, got.Doc, want.Doc) {
				t.Errorf("Doc = %s, want %s", got.Doc, want.Doc)
			}
			got.Doc, want.Doc = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("case = %+v\nwant %+v", got, want)
			}
		}

		t.Run("read back", func(t *testing.T) {
			got, err := db.CaseByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, got, c)
			gotTags, err := db.CaseTags(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []store.Tag{{"country", "ML"}, {"country", "SN"}, {"wsis", "C7"}}
			if !reflect.DeepEqual(gotTags, want) {
				t.Errorf("CaseTags = %v, want %v", gotTags, want)
			}
		})

		t.Run("not found and conflict", func(t *testing.T) {
			if _, err := db.CaseByID(ctx, "DX-2026-9999"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CaseByID = %v", err)
			}
			if err := db.SaveCase(ctx, store.Case{ID: "DX-2026-9999", State: "draft"}, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SaveCase = %v", err)
			}
			dup := store.Case{ID: c.ID, CallID: call.ID, OwnerID: owner.ID, State: "draft"}
			if err := db.CreateCase(ctx, &dup, nil); !errors.Is(err, store.ErrConflict) {
				t.Errorf("CreateCase duplicate = %v", err)
			}
			bad := store.Case{ID: "DX-2026-0002", CallID: call.ID, OwnerID: owner.ID, State: "draft", Doc: json.RawMessage(`{"title":`)}
			if err := db.CreateCase(ctx, &bad, nil); err == nil {
				t.Error("CreateCase with invalid JSON succeeded")
			}
		})

		t.Run("save replaces fields and tags", func(t *testing.T) {
			sub, pub := t0.Add(time.Hour), t0.Add(2*time.Hour)
			s := c
			s.Doc = json.RawMessage(`{"title": "移动支付", "language": "zh"}`)
			s.Title, s.Language, s.OrgName = "移动支付", "zh", "合作社"
			s.State, s.Version = "submitted", 1
			s.SubmittedAt, s.PublishedAt, s.ExtendedUntil = &sub, &pub, nil
			s.UpdatedAt = t0.Add(3 * time.Hour)
			s.OwnerID = owner.ID + 1000 // not a saved field
			if err := db.SaveCase(ctx, s, []store.Tag{{"country", "CN"}}); err != nil {
				t.Fatal(err)
			}
			got, err := db.CaseByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			s.OwnerID = owner.ID
			equal(t, got, s)
			gotTags, err := db.CaseTags(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := []store.Tag{{"country", "CN"}}; !reflect.DeepEqual(gotTags, want) {
				t.Errorf("CaseTags = %v, want %v", gotTags, want)
			}
		})

		t.Run("count by state", func(t *testing.T) {
			other := mkCall(t, db, "other")
			mkCase(t, db, "DX-2026-0003", call, owner)
			mkCase(t, db, "DX-2026-0004", other, owner)
			got, err := db.CountCasesByState(ctx, call.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"submitted": 1, "draft": 1}; !reflect.DeepEqual(got, want) {
				t.Errorf("CountCasesByState(call) = %v, want %v", got, want)
			}
			all, err := db.CountCasesByState(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]int{"submitted": 1, "draft": 2}; !reflect.DeepEqual(all, want) {
				t.Errorf("CountCasesByState(all) = %v, want %v", all, want)
			}
			none, err := db.CountCasesByState(ctx, other.ID+1)
			if err != nil || len(none) != 0 {
				t.Errorf("CountCasesByState(unknown) = %v, %v", none, err)
			}
		})
	})
}

func TestCaseVersions(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "v")
		owner := mkUser(t, db, "v@example.org")
		c := mkCase(t, db, "DX-2026-0001", call, owner)
		versions := []store.CaseVersion{
			{CaseID: c.ID, Version: 1, Doc: json.RawMessage(`{"title":"v1"}`), SubmittedAt: t0, SubmittedBy: owner.ID},
			{CaseID: c.ID, Version: 2, Doc: json.RawMessage(`{"title":"v2"}`), SubmittedAt: t0.Add(time.Hour), SubmittedBy: owner.ID},
		}
		for _, v := range versions {
			if err := db.AddCaseVersion(ctx, v); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("duplicate is a conflict", func(t *testing.T) {
			again := versions[0]
			again.Doc = json.RawMessage(`{"title":"rewritten"}`)
			if err := db.AddCaseVersion(ctx, again); !errors.Is(err, store.ErrConflict) {
				t.Errorf("AddCaseVersion duplicate = %v, want ErrConflict", err)
			}
		})

		t.Run("database refuses updates", func(t *testing.T) {
			if _, err := db.Exec(ctx, `UPDATE case_versions SET doc = ? WHERE case_id = ?`, `{"title":"forged"}`, c.ID); err == nil {
				t.Error("UPDATE of a case version succeeded")
			}
		})

		t.Run("read", func(t *testing.T) {
			all, err := db.CaseVersions(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 2 {
				t.Fatalf("CaseVersions = %d versions, want 2", len(all))
			}
			for i, v := range all {
				if !jsonEqual(t, v.Doc, versions[i].Doc) {
					t.Errorf("version %d doc = %s", i+1, v.Doc)
				}
				v.Doc, versions[i].Doc = nil, nil
				if !reflect.DeepEqual(v, versions[i]) {
					t.Errorf("version %d = %+v, want %+v", i+1, v, versions[i])
				}
			}
			v2, err := db.CaseVersion(ctx, c.ID, 2)
			if err != nil || v2.Version != 2 || !v2.SubmittedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("CaseVersion(2) = %+v, %v", v2, err)
			}
			if _, err := db.CaseVersion(ctx, c.ID, 3); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("CaseVersion(3) = %v, want ErrNotFound", err)
			}
			none, err := db.CaseVersions(ctx, "DX-2026-0404")
			if err != nil || len(none) != 0 {
				t.Errorf("CaseVersions(unknown) = %v, %v", none, err)
			}
		})
	})
}

// TestListCasesOrder checks that cases list in the order of their
// numbers, past the fourth digit of the sequence and across years.
func TestListCasesOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "big")
		owner := mkUser(t, db, "owner@example.org")
		want := []string{"DX-2025-0007", "DX-2025-10001", "DX-2026-0002", "DX-2026-9999", "DX-2026-10000", "DX-2026-100000"}
		for _, i := range []int{4, 1, 5, 3, 0, 2} {
			c := store.Case{ID: want[i], CallID: call.ID, OwnerID: owner.ID, State: "draft", Doc: json.RawMessage(`{}`)}
			if err := db.CreateCase(ctx, &c, nil); err != nil {
				t.Fatal(err)
			}
		}
		var paged []string
		for page := 1; page <= 4; page++ {
			items, _, err := db.ListCases(ctx, store.CaseFilter{CallID: call.ID, Page: page, PerPage: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range items {
				paged = append(paged, c.ID)
			}
		}
		var streamed []string
		if err := db.ListCasesWithDocs(ctx, store.CaseFilter{}, func(c store.Case) error {
			streamed = append(streamed, c.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(paged, want) || !slices.Equal(streamed, want) {
			t.Errorf("pages %v, stream %v\nwant %v", paged, streamed, want)
		}
	})
}

// TestListCasesFilter checks the SQL filter against a brute-force count
// over random cases and random filters.
func TestListCasesFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(1, 2))
		calls := []store.Call{mkCall(t, db, "one"), mkCall(t, db, "two")}
		owners := []store.User{mkUser(t, db, "a@example.org"), mkUser(t, db, "b@example.org"), mkUser(t, db, "c@example.org")}
		states := []string{"draft", "submitted", "eligible", "published"}
		facets := map[string][]string{
			"country":    {"KE", "UG", "SN", "CN", "PE"},
			"wsis":       {"C1", "C6", "C7"},
			"technology": {"mobile_money", "cloud", "ecommerce", "ai"},
		}
		type rec struct {
			c    store.Case
			tags map[string]map[string]bool
		}
		var all []rec
		for i := range 80 {
			call, owner := calls[rng.IntN(len(calls))], owners[rng.IntN(len(owners))]
			c := store.Case{
				ID:     fmt.Sprintf("DX-2026-%04d", i+1),
				CallID: call.ID, OwnerID: owner.ID, State: states[rng.IntN(len(states))],
				Doc: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)), Title: fmt.Sprint("case ", i),
			}
			r := rec{c: c, tags: map[string]map[string]bool{}}
			var tags []store.Tag
			for facet, values := range facets {
				r.tags[facet] = map[string]bool{}
				for _, v := range values {
					if rng.IntN(3) == 0 {
						tags = append(tags, store.Tag{Facet: facet, Value: v})
						r.tags[facet][v] = true
					}
				}
			}
			if err := db.CreateCase(ctx, &c, tags); err != nil {
				t.Fatal(err)
			}
			all = append(all, r)
		}
		matches := func(r rec, f store.CaseFilter) bool {
			if f.CallID != 0 && r.c.CallID != f.CallID || f.OwnerID != 0 && r.c.OwnerID != f.OwnerID {
				return false
			}
			if len(f.States) > 0 && !slices.Contains(f.States, r.c.State) {
				return false
			}
			for facet, values := range f.Tags {
				if len(values) == 0 {
					continue
				}
				if !slices.ContainsFunc(values, func(v string) bool { return r.tags[facet][v] }) {
					return false
				}
			}
			return true
		}
		pick := func(values []string) []string {
			var out []string
			for _, v := range values {
				if rng.IntN(2) == 0 {
					out = append(out, v)
				}
			}
			return out
		}

		filters := []store.CaseFilter{
			{},
			{CallID: calls[0].ID},
			{OwnerID: owners[1].ID, States: []string{"draft"}},
			{Tags: map[string][]string{"country": {"KE", "UG"}}},
			{Tags: map[string][]string{"country": {"KE"}, "wsis": {"C7"}}},
			{Tags: map[string][]string{"country": {}}}, // an empty facet does not filter
			{Tags: map[string][]string{"country": {"XX"}}},
		}
		for range 60 {
			f := store.CaseFilter{Tags: map[string][]string{}}
			if rng.IntN(2) == 0 {
				f.CallID = calls[rng.IntN(len(calls))].ID
			}
			if rng.IntN(3) == 0 {
				f.OwnerID = owners[rng.IntN(len(owners))].ID
			}
			f.States = pick(states)
			for facet, values := range facets {
				if rng.IntN(2) == 0 {
					f.Tags[facet] = pick(values)
				}
			}
			filters = append(filters, f)
		}
		for i, f := range filters {
			var want []string
			for _, r := range all {
				if matches(r, f) {
					want = append(want, r.c.ID)
				}
			}
			items, total, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range items {
				got = append(got, c.ID)
			}
			if total != len(want) || !slices.Equal(got, want) {
				t.Errorf("filter %d %+v: total %d, ids %v\nwant total %d, ids %v", i, f, total, got, len(want), want)
			}
		}

		t.Run("paging", func(t *testing.T) {
			f := store.CaseFilter{CallID: calls[0].ID}
			_, total, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for page := 1; ; page++ {
				f.Page, f.PerPage = page, 7
				items, n, err := db.ListCases(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if n != total {
					t.Errorf("page %d total = %d, want %d", page, n, total)
				}
				if len(items) == 0 {
					break
				}
				if len(items) > 7 {
					t.Fatalf("page %d has %d items", page, len(items))
				}
				for _, c := range items {
					if c.Doc != nil {
						t.Errorf("ListCases returned a document for %s", c.ID)
					}
					ids = append(ids, c.ID)
				}
			}
			if len(ids) != total || !slices.IsSorted(ids) {
				t.Errorf("pages gave %d sorted=%v ids, want %d", len(ids), slices.IsSorted(ids), total)
			}
		})

		t.Run("stream with documents", func(t *testing.T) {
			f := store.CaseFilter{Tags: map[string][]string{"wsis": {"C6"}}}
			items, _, err := db.ListCases(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var streamed []string
			err = db.ListCasesWithDocs(ctx, f, func(c store.Case) error {
				var doc struct{ N int }
				if err := json.Unmarshal(c.Doc, &doc); err != nil {
					return err
				}
				if want := fmt.Sprintf("DX-2026-%04d", doc.N+1); c.ID != want {
					t.Errorf("case %s carries the document of %s", c.ID, want)
				}
				streamed = append(streamed, c.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(streamed) != len(items) {
				t.Errorf("streamed %d cases, listed %d", len(streamed), len(items))
			}
			stop := errors.New("stop")
			calls := 0
			err = db.ListCasesWithDocs(ctx, store.CaseFilter{}, func(store.Case) error {
				calls++
				return stop
			})
			if !errors.Is(err, stop) || calls != 1 {
				t.Errorf("stopping: err %v after %d calls", err, calls)
			}
		})
	})
}

// TestConcurrentDraftSaves saves drafts from 50 goroutines at once: every
// save must succeed (no SQLITE_BUSY) and be there afterwards.
func TestConcurrentDraftSaves(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		call := mkCall(t, db, "busy")
		owner := mkUser(t, db, "busy@example.org")
		const writers, saves = 50, 5
		ids := make([]string, writers)
		errs := make(chan error, writers*saves)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				// Create, as the service does: number and case in one transaction.
				err := db.Transact(ctx, func(tx *store.DB) error {
					seq, err := tx.NextCaseSeq(ctx, 2026)
					if err != nil {
						return err
					}
					c := store.Case{ID: fmt.Sprintf("DX-2026-%04d", seq), CallID: call.ID, OwnerID: owner.ID, State: "draft"}
					ids[w] = c.ID
					return tx.CreateCase(ctx, &c, nil)
				})
				if err != nil {
					errs <- err
					return
				}
				for s := 1; s <= saves; s++ {
					err := db.Transact(ctx, func(tx *store.DB) error {
						c, err := tx.CaseByID(ctx, ids[w])
						if err != nil {
							return err
						}
						c.Doc = json.RawMessage(fmt.Sprintf(`{"writer":%d,"save":%d}`, w, s))
						c.Title = fmt.Sprintf("writer %d save %d", w, s)
						return tx.SaveCase(ctx, c, []store.Tag{{Facet: "save", Value: fmt.Sprint(s)}})
					})
					if err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for w, id := range ids {
			c, err := db.CaseByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("writer %d save %d", w, saves); c.Title != want {
				t.Errorf("case %s title %q, want %q", id, c.Title, want)
			}
			var doc struct{ Writer, Save int }
			if err := json.Unmarshal(c.Doc, &doc); err != nil || doc.Writer != w || doc.Save != saves {
				t.Errorf("case %s doc %s", id, c.Doc)
			}
		}
		_, total, err := db.ListCases(ctx, store.CaseFilter{Tags: map[string][]string{"save": {fmt.Sprint(saves)}}})
		if err != nil || total != writers {
			t.Errorf("cases with the last save's tag = %d, %v; want %d", total, err, writers)
		}
	})
}

// TestCaseReadModifyWrite increments a counter in one case's document from
// many goroutines, each reading and saving in a transaction: no increment
// may be lost.
func TestCaseReadModifyWrite(t *testing.T) {
	eachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := mkCase(t, db, "DX-2026-0001", mkCall(t, db, "rmw"), mkUser(t, db, "rmw@example.org"))
		const goroutines, increments = 10, 10
		var wg sync.WaitGroup
		errs := make(chan error, goroutines*increments)
		for range goroutines {
			wg.Go(func() {
				for range increments {
					errs <- db.Transact(ctx, func(tx *store.DB) error {
						cur, err := tx.CaseByID(ctx, c.ID)
						if err != nil {
							return err
						}
						var doc struct{ N int }
						if err := json.Unmarshal(cur.Doc, &doc); err != nil {
							return err
						}
						cur.Doc = json.RawMessage(fmt.Sprintf(`{"n":%d}`, doc.N+1))
						return tx.SaveCase(ctx, cur, nil)
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		got, err := db.CaseByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ N int }
		if err := json.Unmarshal(got.Doc, &doc); err != nil || doc.N != goroutines*increments {
			t.Errorf("counter = %d (%v), want %d", doc.N, err, goroutines*increments)
		}
	})
}

// BenchmarkSaveDraftParallel measures autosaves from parallel writers on
// SQLite, each a read-modify-write transaction on its own case.
func BenchmarkSaveDraftParallel(b *testing.B) {
	db := storetest.OpenSQLite(b)
	ctx := context.Background()
	call := mkCall(b, db, "bench")
	owner := mkUser(b, db, "bench@example.org")
	var seq atomic.Int64
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		c := store.Case{ID: fmt.Sprintf("DX-2026-%05d", seq.Add(1)), CallID: call.ID, OwnerID: owner.ID, State: "draft"}
		if err := db.CreateCase(ctx, &c, nil); err != nil {
			b.Error(err)
			return
		}
		for i := 0; pb.Next(); i++ {
			err := db.Transact(ctx, func(tx *store.DB) error {
				cur, err := tx.CaseByID(ctx, c.ID)
				if err != nil {
					return err
				}
				cur.Doc = json.RawMessage(fmt.Sprintf(`{"title":"draft %d","summary":"%0500d"}`, i, i))
				return tx.SaveCase(ctx, cur, []store.Tag{{Facet: "country", Value: "KE"}})
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

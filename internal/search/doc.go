// Package search is the search engine of dxatlas's open case library:
// full text in the six UN languages, concept search across them, facets
// with counts, and sorting, over the published cases.
//
// # Design
//
// Text is analysed in Go (analysis.go), with Bleve's tokenizer, filters
// and Snowball stemmers, so the analysis is the same whatever the
// database. The database stays the only source of truth: search_docs holds,
// per case, its analysed terms per field, facet values, titles and
// summaries, publication date and a change sequence number. Each node
// keeps an in-memory inverted index built from it (index.go): a term
// dictionary with integer ids, delta-coded postings with field-weighted
// term frequencies scored by BM25F, and facet bitmaps (roaring). Identical
// analysis and identical stored terms give identical results on SQLite and
// PostgreSQL; testdata/relevance.txt checks that on both.
//
// # Use
//
// Publishing a case writes its document in the publication's transaction,
// and unpublishing deletes it the same way:
//
//	err := db.Transact(ctx, func(tx *store.DB) error {
//		// … publish the case …
//		return search.Put(ctx, tx, search.DocFromCase(id, call, &c, groups, publishedAt))
//	})
//
// A node builds its index with Sync and keeps it current: Sync right after
// its own publications (so that they show at once), Refresh before serving
// a query (to see other nodes' changes, at most every maxAge):
//
//	ix := search.New(search.Options{})
//	err := ix.Sync(ctx, db)
//	…
//	_ = ix.Refresh(ctx, db, time.Second)
//	res := ix.Search(search.Query{Q: "mobile money", Lang: "fr",
//		Filters: map[string][]string{"region": {"002"}}, Facets: []string{"sector", "sdg"}})
//	docs, err := search.Load(ctx, db, ids) // titles and summaries of the hits
//
// PutAll indexes a whole collection at once; AllIDs lists a whole result
// set for exports; Stats counts the statistics page's facets.
//
// # Matching
//
// Every word of a query must match, in the title, summary or body of a
// case in its language or a translation; if no case matches every word,
// cases matching some are returned (Result.AnyWord). A run of words that
// names a vocabulary term in any of the six languages ("mobile money",
// «الدفع عبر الهاتف المحمول», «移动支付») is also satisfied by the cases
// tagged with that term, which rank first. See Query for the details and
// concepts.txt for the names.
package search

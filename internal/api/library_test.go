package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// libraryCase is the example case moved elsewhere: another language,
// countries, action lines, goals, technologies and sector.
func libraryCase(t *testing.T, lang, title string, countries []string, wsis string, goals []int, techs []string, sector string) domain.Case {
	t.Helper()
	b, err := os.ReadFile("testdata/case.json")
	if err != nil {
		t.Fatal(err)
	}
	var c domain.Case
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	c.Language, c.Title, c.Countries, c.Sector, c.Technologies = lang, title, countries, sector, techs
	c.WSIS = domain.WSIS{Primary: wsis}
	c.SDGs = domain.SDGs{Goals: goals}
	if len(countries) > 1 {
		c.Scope = "multi_country"
	}
	return c
}

// published is a case the tests published, with its search document for
// counting by brute force.
type published struct {
	id  string
	doc search.Doc
}

// publish imports cases into slug as published, as a migration does.
func (e *env) publish(t *testing.T, slug string, cases ...domain.Case) []published {
	t.Helper()
	var in bytes.Buffer
	for i := range cases {
		b, err := json.Marshal(&cases[i])
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(b, '\n'))
	}
	rep, err := e.app.Import(context.Background(), nil, slug, &in, app.ImportOptions{Publish: true})
	if err != nil || len(rep.Rejected) > 0 || len(rep.Imported) != len(cases) {
		t.Fatalf("import: %+v %v", rep.Rejected, err)
	}
	out := make([]published, len(cases))
	for i, id := range rep.Imported {
		c := cases[i]
		domain.Normalize(&c)
		out[i] = published{id: id, doc: search.DocFromCase(id, slug, &c, e.app.Groups, e.clock.Now())}
	}
	return out
}

// secretariat returns the secretariat's account, to act through the app.
func (e *env) secretariatUser(t *testing.T) store.User {
	t.Helper()
	u, err := e.app.DB.UserByEmail(context.Background(), "sec@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type libraryListDoc struct {
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Items   []struct {
		ID, Call, Title, Summary, Language, URL, Sector string
		Countries, WSIS, Technologies                   []string
		SDGs                                            []int
		Year                                            int
	} `json:"items"`
	Facets   map[string][]app.LibraryFacet `json:"facets"`
	AnyWord  bool                          `json:"any_word"`
	Concepts []libraryConcept              `json:"concepts"`
}

func (l libraryListDoc) ids() []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.ID)
	}
	return out
}

// libraryFixture publishes six cases in the six languages.
func libraryFixture(t *testing.T, e *env) (string, []published) {
	t.Helper()
	slug := e.createCall(t, "sme-dx-2026", opensAt, closesAt)
	fiji := libraryCase(t, "ar", "تعاونية صيد الأسماك في فيجي تعتمد الدفع عبر الهاتف المحمول", []string{"FJ"}, "C2", []int{9, 14}, []string{"payments", "connectivity"}, "A")
	fiji.Translations = map[string]domain.Translation{"fr": {Title: "Une coopérative de pêche à Fidji adopte le paiement mobile",
		Summary: "Résumé en français de la coopérative de pêche de Fidji.", Source: "secretariat"}}
	kisumu := libraryCase(t, "en", "Cloud accounting for tailoring workshops in Kisumu", []string{"KE"}, "C7", []int{8, 9}, []string{"cloud", "payments"}, "C")
	kisumu.SDGs.Targets = []string{"8.3", "9.3"}
	lima := libraryCase(t, "es", "Formación digital para tiendas de barrio en Lima", []string{"PE"}, "C4", []int{4, 8}, []string{"skills"}, "G")
	lima.SDGs.Targets = []string{"4.4", "8.3"}
	return slug, e.publish(t, slug,
		kisumu,
		fiji,
		libraryCase(t, "fr", "Des guides de trek népalais vendent en ligne leurs circuits", []string{"NP", "IN"}, "C7", []int{8}, []string{"ecommerce"}, "I"),
		lima,
		libraryCase(t, "ru", "Электронные закупки для малых подрядчиков в Казахстане", []string{"KZ"}, "C6", []int{17}, []string{"egov", "supply_chain"}, "F"),
		libraryCase(t, "zh", "云南茶农合作社借助电子商务平台拓展销路", []string{"CN"}, "C7", []int{1, 8}, []string{"ecommerce", "payments"}, "A"),
	)
}

// bruteFacets counts, for each facet, the published cases that match
// every filter except that facet's, by value.
func bruteFacets(docs []published, filters map[string][]string) map[string]map[string]int {
	matches := func(d search.Doc, skip string) bool {
		for f, vs := range filters {
			if f == skip {
				continue
			}
			if !slices.ContainsFunc(vs, func(v string) bool { return slices.Contains(d.Facets[f], v) }) {
				return false
			}
		}
		return true
	}
	out := map[string]map[string]int{}
	for _, f := range app.LibraryFacets {
		out[f] = map[string]int{}
		for _, d := range docs {
			if matches(d.doc, f) {
				for _, v := range d.doc.Facets[f] {
					out[f][v]++
				}
			}
		}
	}
	return out
}

func TestLibrarySearchAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		slug, docs := libraryFixture(t, e)
		id := func(i int) string { return docs[i].id }
		list := func(t *testing.T, query string) libraryListDoc {
			t.Helper()
			var l libraryListDoc
			e.do(t, "GET", "/api/v1/library/cases?"+query).want(t, http.StatusOK).json(t, &l)
			return l
		}

		t.Run("everything", func(t *testing.T) {
			l := list(t, "")
			if l.Total != 6 || len(l.Items) != 6 || l.Page != 1 || l.PerPage != search.DefaultPerPage {
				t.Fatalf("total %d, %d items, page %d per %d", l.Total, len(l.Items), l.Page, l.PerPage)
			}
			for _, f := range app.LibraryFacets {
				if _, ok := l.Facets[f]; !ok {
					t.Errorf("facet %s missing", f)
				}
			}
		})

		// Facet counts equal a brute-force count, for filters combined as
		// the contract says: OR within a facet, AND across facets.
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"", []string{id(0), id(1), id(2), id(3), id(4), id(5)}},
			{"wsis=C7", []string{id(0), id(2), id(5)}},
			{"wsis=C7&wsis=C2", []string{id(0), id(1), id(2), id(5)}},
			{"wsis=C7,C2", []string{id(0), id(1), id(2), id(5)}},
			{"wsis=c7&sdg=1", []string{id(5)}},
			{"technology=payments&sector=A", []string{id(1), id(5)}},
			{"group=SIDS", []string{id(1)}},
			{"group=LLDC", []string{id(2), id(4)}},
			{"group=LDC&country=IN", []string{id(2)}},
			{"region=142", []string{id(2), id(4), id(5)}},
			{"region=142&subregion=030", []string{id(5)}},
			{"target=8.3&sdg=4", []string{id(3)}},
			{"target=8.3", []string{id(0), id(3)}},
			{"year=2023&call=" + slug, []string{id(0), id(1), id(2), id(3), id(4), id(5)}},
			{"size=programme&language=fr", []string{id(2)}},
			{"country=FR", nil},
		} {
			t.Run("filter "+tc.query, func(t *testing.T) {
				l := list(t, tc.query+"&per_page=100")
				got := l.ids()
				slices.Sort(got)
				if l.Total != len(tc.want) || !slices.Equal(got, tc.want) {
					t.Fatalf("total %d, ids %v, want %v", l.Total, got, tc.want)
				}
				q, _ := url.ParseQuery(tc.query)
				filters, probs := libraryQuery(q, &reqCtx{lang: "en"}, false, false)
				if len(probs) > 0 {
					t.Fatal(probs)
				}
				brute := bruteFacets(docs, filters.Filters)
				for _, f := range app.LibraryFacets {
					got := map[string]int{}
					for _, v := range l.Facets[f] {
						if v.Count > 0 {
							got[v.Value] = v.Count
						}
						if v.Label == "" {
							t.Errorf("%s %s has no label", f, v.Value)
						}
					}
					if !reflect.DeepEqual(got, brute[f]) {
						t.Errorf("facet %s: %v, brute force %v", f, got, brute[f])
					}
				}
				// A selected value is listed even without cases.
				for f, vs := range filters.Filters {
					if !slices.Contains(app.LibraryFacets, f) {
						continue // filtered on, not counted
					}
					for _, v := range vs {
						if !slices.ContainsFunc(l.Facets[f], func(x app.LibraryFacet) bool { return x.Value == v }) {
							t.Errorf("selected %s=%s not listed", f, v)
						}
					}
				}
			})
		}

		t.Run("text in any language, concepts across languages", func(t *testing.T) {
			for _, tc := range []struct{ q, want string }{
				{"Kisumu", id(0)},
				{"فيجي", id(1)},
				{"trek", id(2)},
				{"Казахстане", id(4)},
				{"电子商务", id(5)},
			} {
				l := list(t, "q="+url.QueryEscape(tc.q))
				if len(l.Items) == 0 || l.Items[0].ID != tc.want {
					t.Errorf("q=%s: %v, want %s first", tc.q, l.ids(), tc.want)
				}
			}
		})

		t.Run("concepts and partial matches", func(t *testing.T) {
			// «移动支付» (mobile payment) names the technology "payments":
			// the cases tagged with it match, whatever their language.
			l := list(t, "lang=fr&q="+url.QueryEscape("移动支付"))
			label := ""
			for _, v := range l.Facets["technology"] {
				if v.Value == "payments" {
					label = v.Label
				}
			}
			if len(l.Concepts) != 1 || l.Concepts[0] != (libraryConcept{Facet: "technology", Value: "payments", Label: label}) || label == "" {
				t.Errorf("concepts %+v", l.Concepts)
			}
			got := l.ids()
			slices.Sort(got)
			if want := []string{id(0), id(1), id(5)}; !slices.Equal(got, want) {
				t.Errorf("concept search: %v, want %v", got, want)
			}
			if l := list(t, "q=Kisumu+zzyzx"); !l.AnyWord || len(l.Items) == 0 || l.Items[0].ID != id(0) {
				t.Errorf("partial match: any_word %v, %v", l.AnyWord, l.ids())
			}
			if l := list(t, "q=Kisumu"); l.AnyWord {
				t.Error("any_word set for a full match")
			}
		})

		t.Run("reader's language", func(t *testing.T) {
			l := list(t, "lang=fr&group=SIDS")
			it := l.Items[0]
			if it.Title != "Une coopérative de pêche à Fidji adopte le paiement mobile" || it.Language != "fr" {
				t.Errorf("title %q in %s", it.Title, it.Language)
			}
			if it.URL != "http://dxatlas.test/fr/cases/"+id(1) || it.Call != slug || it.Sector != "A" || it.Year != 2023 ||
				!slices.Equal(it.Countries, []string{"FJ"}) || !slices.Equal(it.SDGs, []int{9, 14}) {
				t.Errorf("item %+v", it)
			}
			if l := list(t, "group=SIDS"); l.Items[0].Language != "ar" {
				t.Errorf("without a translation into the reader's language: %s", l.Items[0].Language)
			}
			// The lang parameter wins over Accept-Language, which is the default.
			var viaHeader libraryListDoc
			e.do(t, "GET", "/api/v1/library/cases?wsis=C2", header("Accept-Language", "fr-CH, en;q=0.5")).want(t, http.StatusOK).json(t, &viaHeader)
			if viaHeader.Items[0].Language != "fr" || viaHeader.Facets["wsis"][0].Label == list(t, "wsis=C2&lang=en").Facets["wsis"][0].Label {
				t.Errorf("Accept-Language: %+v", viaHeader.Items[0])
			}
		})

		t.Run("sort and paging", func(t *testing.T) {
			byTitle := list(t, "sort=title&lang=en&per_page=100").ids()
			var firstTwo []string
			for p := 1; p <= 3; p++ {
				l := list(t, "sort=title&lang=en&per_page=2&page="+strconv.Itoa(p))
				if l.Total != 6 || len(l.Items) != 2 || l.Page != p {
					t.Fatalf("page %d: %+v", p, l)
				}
				firstTwo = append(firstTwo, l.ids()...)
			}
			if !slices.Equal(firstTwo, byTitle) {
				t.Errorf("pages %v, whole list %v", firstTwo, byTitle)
			}
			if l := list(t, "per_page=5&page=3"); len(l.Items) != 0 || l.Total != 6 {
				t.Errorf("past the end: %+v", l)
			}
		})

		t.Run("bad parameters", func(t *testing.T) {
			for _, tc := range []struct{ query, field, code string }{
				{"wsis=C99", "wsis", domain.ErrUnknownCode},
				{"sdg=18", "sdg", domain.ErrUnknownCode},
				{"target=8.99", "target", domain.ErrUnknownCode},
				{"region=999", "region", domain.ErrUnknownCode},
				{"subregion=002", "subregion", domain.ErrUnknownCode},
				{"group=G77", "group", domain.ErrUnknownCode},
				{"country=XX", "country", domain.ErrUnknownCode},
				{"sector=Z", "sector", domain.ErrUnknownCode},
				{"technology=teleportation", "technology", domain.ErrUnknownCode},
				{"size=huge", "size", domain.ErrUnknownCode},
				{"year=23", "year", domain.ErrUnknownCode},
				{"call=No%20Such%20Call", "call", domain.ErrUnknownCode},
				{"call=no-such-call", "call", domain.ErrUnknownCode},
				{"language=english", "language", domain.ErrUnknownCode},
				{"lang=de", "lang", domain.ErrUnknownCode},
				{"sort=best", "sort", domain.ErrUnknownCode},
				{"page=0", "page", domain.ErrTooSmall},
				{"per_page=101", "per_page", domain.ErrTooLarge},
				{"per_page=100&page=101", "page", domain.ErrTooLarge},
				{"per_page=99999999999999999999", "per_page", domain.ErrTooLarge},
				{"page=-99999999999999999999", "page", domain.ErrTooSmall},
				{"q=" + strings.Repeat("x", 1001), "q", domain.ErrTooLongChars},
			} {
				t.Run(tc.query[:min(len(tc.query), 30)], func(t *testing.T) {
					p := e.do(t, "GET", "/api/v1/library/cases?"+tc.query).want(t, http.StatusBadRequest).problem(t)
					if !p.hasError(tc.field, tc.code) {
						t.Errorf("errors %v, want %s %s", p.fields(), tc.field, tc.code)
					}
					// The exports and the statistics read the same filters.
					if strings.Contains(tc.query, "page") || strings.HasPrefix(tc.query, "sort") || strings.HasPrefix(tc.query, "q=") {
						return
					}
					for _, path := range []string{"/api/v1/library/cases.csv?", "/api/v1/library/stats?"} {
						if p := e.do(t, "GET", path+tc.query).want(t, http.StatusBadRequest).problem(t); !p.hasError(tc.field, tc.code) {
							t.Errorf("%s: errors %v, want %s %s", path, p.fields(), tc.field, tc.code)
						}
					}
				})
			}
			// A broken token is refused even on a public endpoint.
			e.do(t, "GET", "/api/v1/library/cases", token("nope")).want(t, http.StatusUnauthorized)
		})
	})
}

func TestLibraryCaseAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		slug, docs := libraryFixture(t, e)
		fiji := docs[1].id
		if err := e.app.DB.AddAttachment(ctx, &store.Attachment{CaseID: fiji, Name: "rapport annuel.pdf", ContentType: "application/pdf",
			Size: int64(len(pdfFile)), CreatedAt: t0}, pdfFile); err != nil {
			t.Fatal(err)
		}

		var rec map[string]any
		r := e.do(t, "GET", "/api/v1/library/cases/"+fiji+"?lang=fr").want(t, http.StatusOK)
		r.json(t, &rec)
		for k, want := range map[string]any{"id": fiji, "call": slug, "language": "ar", "url": "http://dxatlas.test/fr/cases/" + fiji} {
			if rec[k] != want {
				t.Errorf("%s = %v, want %v", k, rec[k], want)
			}
		}
		if jsonText(rec["regions"]) != `["009"]` || jsonText(rec["groups"]) != `["SIDS"]` || jsonText(rec["subregions"]) != `["054"]` {
			t.Errorf("derived: %v %v %v", rec["regions"], rec["subregions"], rec["groups"])
		}
		if rec["call_title"].(map[string]any)["en"] != "SME digital transformation 2026" {
			t.Errorf("call_title %v", rec["call_title"])
		}
		atts := rec["attachments"].([]any)
		if len(atts) != 1 || atts[0].(map[string]any)["url"] != "http://dxatlas.test/fr/cases/"+fiji+"/attachments/rapport%20annuel.pdf" {
			t.Errorf("attachments %v", atts)
		}
		for _, private := range []string{"owner", "owner_id", "email", "state", "version", "submitted_at"} {
			if _, ok := rec[private]; ok {
				t.Errorf("the public record shows %s", private)
			}
		}

		// Revalidation: the same answer while nothing changes.
		etag := r.header.Get("ETag")
		if etag == "" || r.header.Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("ETag %q, Cache-Control %q", etag, r.header.Get("Cache-Control"))
		}
		e.do(t, "GET", "/api/v1/library/cases/"+fiji+"?lang=fr", header("If-None-Match", etag)).want(t, http.StatusNotModified)
		if other := e.do(t, "GET", "/api/v1/library/cases/"+fiji+"?lang=en").want(t, http.StatusOK).header.Get("ETag"); other == etag {
			t.Error("the ETag ignores the language")
		}

		e.do(t, "GET", "/api/v1/library/cases/DX-2026-9999").want(t, http.StatusNotFound)
		// A case that is not published is not in the library.
		draft := e.createCase(t, e.applicant, slug, exampleCase(t))
		e.do(t, "GET", "/api/v1/library/cases/"+draft).want(t, http.StatusNotFound)
		e.do(t, "GET", "/api/v1/library/cases/"+fiji+"?lang=xx").want(t, http.StatusBadRequest)

		// Taken out of the library: a tombstone, and the old copy no
		// longer revalidates.
		sec := e.secretariatUser(t)
		if _, err := e.app.Unpublish(ctx, &sec, fiji, "takedown request"); err != nil {
			t.Fatal(err)
		}
		gone := e.do(t, "GET", "/api/v1/library/cases/"+fiji+"?lang=fr", header("If-None-Match", etag)).want(t, http.StatusGone)
		if p := gone.problem(t); p.Status != http.StatusGone || p.Detail == "" {
			t.Errorf("problem %+v", p)
		}
		if gone.header.Get("ETag") != "" || gone.header.Get("Cache-Control") != "no-store" {
			t.Errorf("a tombstone is cached: ETag %q, Cache-Control %q", gone.header.Get("ETag"), gone.header.Get("Cache-Control"))
		}
	})
}

func TestLibraryStatsAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, docs := libraryFixture(t, e)
		var s struct {
			Total  int                           `json:"total"`
			Facets map[string][]app.LibraryFacet `json:"facets"`
		}
		r := e.do(t, "GET", "/api/v1/library/stats?lang=es").want(t, http.StatusOK)
		r.json(t, &s)
		if s.Total != 6 {
			t.Errorf("total %d", s.Total)
		}
		for _, f := range search.StatsFacets {
			if _, ok := s.Facets[f]; !ok {
				t.Errorf("no counts by %s", f)
			}
		}
		count := func(f, v string) int {
			for _, x := range s.Facets[f] {
				if x.Value == v {
					return x.Count
				}
			}
			return 0
		}
		if count("wsis", "C7") != 3 || count("sdg", "8") != 4 || count("region", "142") != 3 || count("group", "LLDC") != 2 {
			t.Errorf("counts: %v", s.Facets)
		}
		e.do(t, "GET", "/api/v1/library/stats?lang=es", header("If-None-Match", r.header.Get("ETag"))).want(t, http.StatusNotModified)

		e.do(t, "GET", "/api/v1/library/stats?wsis=C7").want(t, http.StatusOK).json(t, &s)
		if s.Total != 3 || count("sector", "A") != 1 {
			t.Errorf("filtered: total %d, %v", s.Total, s.Facets["sector"])
		}
		e.do(t, "GET", "/api/v1/library/stats?region=Mars").want(t, http.StatusBadRequest)

		// Publishing changes the answer and its ETag.
		old := r.header.Get("ETag")
		e.publish(t, docs[0].doc.Call, libraryCase(t, "en", "Solar-powered cold rooms for Ugandan fish traders", []string{"UG"}, "C7", []int{8}, []string{"iot"}, "A"))
		r = e.do(t, "GET", "/api/v1/library/stats?lang=es", header("If-None-Match", old)).want(t, http.StatusOK)
		r.json(t, &s)
		if s.Total != 7 || r.header.Get("ETag") == old {
			t.Errorf("after publishing: total %d, ETag %s", s.Total, r.header.Get("ETag"))
		}
	})
}

func TestLibraryExportAPI(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db)
		_, docs := libraryFixture(t, e)
		today := time.Now().UTC().Format("20060102")

		t.Run("jsonl", func(t *testing.T) {
			r := e.do(t, "GET", "/api/v1/library/cases.jsonl?wsis=C7&sort=newest").want(t, http.StatusOK)
			if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "dxatlas-library-"+today+".jsonl") {
				t.Errorf("Content-Disposition %q", cd)
			}
			var ids []string
			sc := bufio.NewScanner(bytes.NewReader(r.body))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var rec struct{ ID string }
				if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, rec.ID)
			}
			slices.Sort(ids)
			if want := []string{docs[0].id, docs[2].id, docs[5].id}; !slices.Equal(ids, want) {
				t.Errorf("ids %v, want %v", ids, want)
			}
		})

		t.Run("csv", func(t *testing.T) {
			r := e.do(t, "GET", "/api/v1/library/cases.csv?q=Lima").want(t, http.StatusOK)
			if !bytes.HasPrefix(r.body, []byte("\uFEFF")) || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %.20q", r.header.Get("Content-Type"), r.body)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\uFEFF")))).ReadAll()
			if err != nil || len(rows) != 2 || rows[1][0] != docs[3].id || !slices.Equal(rows[0], app.LibraryExportColumns) {
				t.Fatalf("rows %v %v", rows, err)
			}
		})

		t.Run("xlsx", func(t *testing.T) {
			r := e.do(t, "GET", "/api/v1/library/cases.xlsx?group=LLDC").want(t, http.StatusOK)
			x, err := excelize.OpenReader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("Cases")
			if err != nil || len(rows) != 3 {
				t.Fatalf("%d rows %v", len(rows), err)
			}
		})

		t.Run("empty", func(t *testing.T) {
			r := e.do(t, "GET", "/api/v1/library/cases.jsonl?country=FR").want(t, http.StatusOK)
			if len(r.body) != 0 || r.header.Get("Content-Disposition") == "" {
				t.Errorf("%d bytes, %v", len(r.body), r.header)
			}
		})

		t.Run("bad filter", func(t *testing.T) {
			p := e.do(t, "GET", "/api/v1/library/cases.csv?sector=ZZ").want(t, http.StatusBadRequest).problem(t)
			if !p.hasError("sector", domain.ErrUnknownCode) {
				t.Errorf("errors %v", p.fields())
			}
		})

		t.Run("unpublished at once", func(t *testing.T) {
			sec := e.secretariatUser(t)
			if _, err := e.app.Unpublish(ctx, &sec, docs[0].id, "takedown request"); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/api/v1/library/cases.jsonl", "/api/v1/library/cases.csv", "/api/v1/library/cases?per_page=100"} {
				if body := e.do(t, "GET", path).want(t, http.StatusOK).body; bytes.Contains(body, []byte(docs[0].id)) {
					t.Errorf("%s still lists %s", path, docs[0].id)
				}
			}
			var s struct{ Total int }
			e.do(t, "GET", "/api/v1/library/stats").want(t, http.StatusOK).json(t, &s)
			if s.Total != 5 {
				t.Errorf("stats total %d", s.Total)
			}
			// Nor in the spreadsheet, the search by its words or its
			// country's facet count; its record is gone.
			x, err := excelize.OpenReader(bytes.NewReader(e.do(t, "GET", "/api/v1/library/cases.xlsx").want(t, http.StatusOK).body))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("Cases")
			if err != nil || len(rows) != 1+5 || slices.ContainsFunc(rows, func(r []string) bool { return slices.Contains(r, docs[0].id) }) {
				t.Errorf("the spreadsheet has %d rows (%v), or lists %s", len(rows), err, docs[0].id)
			}
			var l struct {
				Items  []struct{ ID string }
				Facets map[string][]app.LibraryFacet
			}
			e.do(t, "GET", "/api/v1/library/cases?q=Kisumu").want(t, http.StatusOK).json(t, &l)
			if slices.ContainsFunc(l.Items, func(it struct{ ID string }) bool { return it.ID == docs[0].id }) {
				t.Errorf("its words still find it")
			}
			e.do(t, "GET", "/api/v1/library/cases").want(t, http.StatusOK).json(t, &l)
			if slices.ContainsFunc(l.Facets["country"], func(f app.LibraryFacet) bool { return f.Value == "KE" }) {
				t.Errorf("the country facet still counts Kenya: %v", l.Facets["country"])
			}
			e.do(t, "GET", "/api/v1/library/cases/"+docs[0].id).want(t, http.StatusGone)
		})
	})
}

// TestOpenAPILibrary checks the library's part of the document against
// the code: its code lists, its facet names and its filter parameters.
func TestOpenAPILibrary(t *testing.T) {
	doc := theContract().doc
	comps := doc["components"].(map[string]any)
	params := comps["parameters"].(map[string]any)
	var documented []string
	for _, p := range doc["paths"].(map[string]any)["/api/v1/library/cases"].(map[string]any)["get"].(map[string]any)["parameters"].([]any) {
		ref := p.(map[string]any)["$ref"].(string)
		documented = append(documented, params[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)["name"].(string))
	}
	var served []string
	for _, f := range libraryFilters {
		served = append(served, f.param)
	}
	served = append(append([]string{"q", "lang"}, served...), "sort", "page", "per_page")
	var facetNames []any
	for _, f := range app.LibraryFacets {
		facetNames = append(facetNames, f)
	}
	facetNames = append(facetNames, search.FacetLanguage)
	for _, tc := range []struct {
		name      string
		doc, want any
	}{
		{"SubRegion", documentedEnum(t, "SubRegion"), domain.SubRegions},
		{"CountryGroup", documentedEnum(t, "CountryGroup"), domain.CountryGroups},
		{"facet names", schemaAt(t, "LibraryFacets")["propertyNames"].(map[string]any)["enum"], facetNames},
		{"search parameters", documented, served},
		{"per_page", params["lib_per_page"].(map[string]any)["schema"].(map[string]any)["maximum"], search.MaxPerPage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want any
			if err := json.Unmarshal([]byte(jsonText(tc.want)), &want); err != nil {
				t.Fatal(err)
			}
			var got any
			if err := json.Unmarshal([]byte(jsonText(tc.doc)), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("document %v\ncode     %v", got, want)
			}
		})
	}
}

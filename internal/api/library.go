package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/domain"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
	"github.com/dxatlas/dxatlas/internal/store"
)

// The public library: anyone may search it, read its cases, take its
// data and count it. Answers carry an ETag derived from the library's
// version (which changes whenever a case is published or unpublished),
// the reader's language and the query, so that clients and caches
// revalidate cheaply.

// libraryCacheControl lets any cache keep an answer, but not serve it
// again without revalidating it with its ETag (a cheap 304 while the
// library is unchanged): a case taken out of the library leaves every
// answer at once, as it leaves the pages.
const libraryCacheControl = "public, no-cache"

// libraryFilters are the library's filter parameters, in the order of the
// OpenAPI document, and the facets they filter. app.CanonFilter reads
// their values.
var libraryFilters = []struct{ param, facet string }{
	{"wsis", search.FacetWSIS}, {"sdg", search.FacetSDG}, {"target", search.FacetTarget},
	{"region", search.FacetRegion}, {"subregion", search.FacetSubRegion}, {"group", search.FacetGroup},
	{"country", search.FacetCountry}, {"sector", search.FacetSector}, {"technology", search.FacetTechnology},
	{"size", search.FacetSize}, {"year", search.FacetYear}, {"call", search.FacetCall}, {"language", search.FacetLanguage},
}

// libraryQuery reads a library query from the URL: the reader's language
// (the lang parameter, else Accept-Language), the filters (repeated or
// comma-separated values: OR within a facet, AND across facets), and, as
// asked, the text, the sort and the page.
func libraryQuery(q url.Values, rc *reqCtx, text, paging bool) (search.Query, []fieldProblem) {
	var probs []fieldProblem
	out := search.Query{Lang: rc.lang, Filters: map[string][]string{}}
	if l := q.Get("lang"); l != "" {
		if !slices.Contains(i18n.Langs, l) {
			probs = append(probs, fieldProblem{field: "lang", key: domain.ErrUnknownCode, args: map[string]any{"Value": l}})
		}
		out.Lang = l
	}
	for _, f := range libraryFilters {
		for _, v := range q[f.param] {
			for _, c := range strings.Split(v, ",") {
				if c = strings.TrimSpace(c); c == "" {
					continue
				}
				canon, ok := app.CanonFilter(f.facet, c)
				if !ok {
					probs = append(probs, fieldProblem{field: f.param, key: domain.ErrUnknownCode, args: map[string]any{"Value": c}})
					continue
				}
				if !slices.Contains(out.Filters[f.facet], canon) {
					out.Filters[f.facet] = append(out.Filters[f.facet], canon)
				}
			}
		}
	}
	if !text {
		return out, probs
	}
	out.Q = q.Get("q")
	if n := len([]rune(out.Q)); n > app.MaxQueryChars {
		probs = append(probs, fieldProblem{field: "q", key: domain.ErrTooLongChars, args: map[string]any{"Max": app.MaxQueryChars, "Count": n}})
	}
	switch out.Sort = q.Get("sort"); out.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortTitle:
	default:
		probs = append(probs, fieldProblem{field: "sort", key: domain.ErrUnknownCode, args: map[string]any{"Value": out.Sort}})
	}
	if paging {
		out.PerPage = pageParam(q, "per_page", search.DefaultPerPage, search.MaxPerPage, &probs)
		// Paging reaches the first MaxResults results; exports have all.
		out.Page = pageParam(q, "page", 1, max(1, search.MaxResults/out.PerPage), &probs)
	}
	return out, probs
}

// libraryRequest is libraryQuery for a request, refused as a bad query
// when a filter names no existing call, as for any unknown value.
func (s *server) libraryRequest(r *http.Request, rc *reqCtx, text, paging bool) (search.Query, error) {
	q, probs := libraryQuery(r.URL.Query(), rc, text, paging)
	if len(probs) == 0 {
		errs, err := s.app.CheckLibraryFilters(r.Context(), q.Filters)
		if err != nil {
			return q, err
		}
		for _, fe := range errs {
			probs = append(probs, fieldProblem{field: fe.Field, key: fe.Key, args: fe.Args})
		}
	}
	if len(probs) > 0 {
		return q, queryProblem(probs)
	}
	return q, nil
}

// libraryETag is the entity tag of a library answer: the library's
// version, then a digest of what else shapes the answer.
func (s *server) libraryETag(r *http.Request, lang string) (string, error) {
	v, err := s.app.LibraryVersion(r.Context())
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(lang + "\x00" + r.URL.Path + "\x00" + r.URL.RawQuery))
	return `"` + v + "-" + hex.EncodeToString(h[:8]) + `"`, nil
}

// notModified answers 304 when the client holds the current answer, and
// otherwise sets the headers that let it revalidate the one it gets.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", libraryCacheControl)
	for _, tag := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t := strings.TrimPrefix(strings.TrimSpace(tag), "W/"); t == etag || t == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// uncached takes back the caching headers notModified set, for an
// answer that turned out to be an error.
func uncached(w http.ResponseWriter, err error) error {
	w.Header().Del("ETag")
	w.Header().Set("Cache-Control", "no-store")
	return err
}

// libraryList is one page of the library.
type libraryList struct {
	Total   int                           `json:"total"`
	Page    int                           `json:"page"`
	PerPage int                           `json:"per_page"`
	Items   []app.LibraryItem             `json:"items"`
	Facets  map[string][]app.LibraryFacet `json:"facets"`
	// AnyWord says that no case matched every word of the query, so the
	// items match some of them.
	AnyWord bool `json:"any_word"`
	// Concepts are the vocabulary terms the query names; the cases tagged
	// with them match whatever their language.
	Concepts []libraryConcept `json:"concepts"`
}

// libraryConcept is a vocabulary term a query names: a value of a facet.
type libraryConcept struct {
	Facet string `json:"facet"`
	Value string `json:"value"`
	Label string `json:"label"`
}

// listLibraryCases searches the library.
func (s *server) listLibraryCases(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q, err := s.libraryRequest(r, rc, true, true)
	if err != nil {
		return err
	}
	etag, err := s.libraryETag(r, q.Lang)
	if err != nil {
		return err
	}
	if notModified(w, r, etag) {
		return nil
	}
	p, err := s.app.SearchLibrary(r.Context(), q)
	if err != nil {
		return uncached(w, err)
	}
	out := libraryList{Total: p.Total, Page: p.Page, PerPage: p.PerPage, Items: p.Items, Facets: p.Facets,
		AnyWord: p.AnyWord, Concepts: []libraryConcept{}}
	for _, c := range p.Concepts {
		facet, value, _ := strings.Cut(c.Value, ":")
		out.Concepts = append(out.Concepts, libraryConcept{Facet: facet, Value: value, Label: c.Label})
	}
	if out.Items == nil {
		out.Items = []app.LibraryItem{}
	}
	for i := range out.Items {
		out.Items[i].URL = s.app.CaseURL(q.Lang, out.Items[i].ID)
		out.Items[i].PublishedAt = out.Items[i].PublishedAt.UTC()
	}
	out.Facets = nonNilFacets(out.Facets)
	return writeJSON(w, http.StatusOK, out)
}

func nonNilFacets(fs map[string][]app.LibraryFacet) map[string][]app.LibraryFacet {
	if fs == nil {
		return map[string][]app.LibraryFacet{}
	}
	for k, v := range fs {
		if v == nil {
			fs[k] = []app.LibraryFacet{}
		}
	}
	return fs
}

// publicAttachment is a file of a published case, with its address.
type publicAttachment struct {
	attachmentJSON
	URL string `json:"url"`
}

// publicCase is the public record of a case.
type publicCase struct {
	app.LibraryRecord
	CallTitle   store.LocalText    `json:"call_title"`
	Attachments []publicAttachment `json:"attachments"`
}

// getLibraryCase answers a published case's public record; a case taken
// out of the library answers 410.
func (s *server) getLibraryCase(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q, probs := libraryQuery(url.Values{"lang": r.URL.Query()["lang"]}, rc, false, false)
	if len(probs) > 0 {
		return queryProblem(probs)
	}
	etag, err := s.libraryETag(r, q.Lang)
	if err != nil {
		return err
	}
	// The check runs before the case is read: a case taken out of the
	// library changes the version, so an old copy never revalidates.
	if notModified(w, r, etag) {
		return nil
	}
	p, err := s.app.PublicCase(r.Context(), r.PathValue("id"))
	if err != nil {
		return uncached(w, err)
	}
	out := publicCase{LibraryRecord: s.app.LibraryRecordOf(p, q.Lang), CallTitle: p.CallTitle, Attachments: []publicAttachment{}}
	if out.CallTitle == nil {
		out.CallTitle = store.LocalText{}
	}
	for _, att := range p.Attachments {
		out.Attachments = append(out.Attachments, publicAttachment{attachmentJSON: attachment(att),
			URL: strings.TrimSuffix(s.app.CaseURL(q.Lang, p.ID), "/") + "/attachments/" + url.PathEscape(att.Name)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// exportLibrary streams the whole result set of a library query in one
// format.
func (s *server) exportLibrary(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
		q, err := s.libraryRequest(r, rc, true, false)
		if err != nil {
			return err
		}
		t := exportTypes[format]
		name := "dxatlas-library-" + time.Now().UTC().Format("20060102") + "." + t.ext
		lw := &lazyWriter{w: w, start: func(h http.Header) {
			h.Set("Content-Type", t.mediaType)
			h.Set("Content-Disposition", attachmentDisposition(name))
		}}
		err = s.app.ExportLibrary(r.Context(), q, format, lw)
		if err != nil && lw.started {
			// The status line is gone: cut the response short so that the
			// client sees a broken transfer, not a complete file.
			s.log.ErrorContext(r.Context(), "api: library export failed mid-stream", "format", format, "err", err)
			panic(http.ErrAbortHandler)
		}
		if err != nil {
			return err
		}
		if !lw.started {
			lw.Write(nil) // an empty export is still a file
		}
		return nil
	}
}

// libraryStats is the library's counts.
type libraryStats struct {
	Total  int                           `json:"total"`
	Facets map[string][]app.LibraryFacet `json:"facets"`
}

// getLibraryStats counts the published cases by the statistics facets.
func (s *server) getLibraryStats(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q, err := s.libraryRequest(r, rc, false, false)
	if err != nil {
		return err
	}
	etag, err := s.libraryETag(r, q.Lang)
	if err != nil {
		return err
	}
	if notModified(w, r, etag) {
		return nil
	}
	facets, err := s.app.LibraryStats(r.Context(), q.Filters, q.Lang)
	if err != nil {
		return uncached(w, err)
	}
	// The total, with no facet counted and no case listed.
	p, err := s.app.SearchLibrary(r.Context(), search.Query{Filters: q.Filters, Lang: q.Lang, PerPage: 1, Facets: []string{}})
	if err != nil {
		return uncached(w, err)
	}
	return writeJSON(w, http.StatusOK, libraryStats{Total: p.Total, Facets: nonNilFacets(facets)})
}

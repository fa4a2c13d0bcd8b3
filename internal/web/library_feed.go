package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/dxatlas/dxatlas/internal/search"
)

// feedEntries is how many of the newest cases the Atom feed carries.
const feedEntries = 50

// Atom 1.0 (RFC 4287) documents.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
}

type atomText struct {
	Lang string `xml:"xml:lang,attr,omitempty"`
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Summary    atomText       `xml:"summary"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
}

// libraryFeed is the Atom feed of the newest published cases, with the
// library's filters and text query.
func (h *Handler) libraryFeed(w http.ResponseWriter, r *http.Request, rq *request) error {
	return h.servePublic(w, r, false, func() (publicPage, error) {
		q := libraryQuery(rq, r.URL.Query(), feedEntries)
		q.Sort, q.Page, q.Facets = search.SortNewest, 1, []string{}
		res, err := h.app.SearchLibrary(r.Context(), q)
		if err != nil {
			return publicPage{}, err
		}
		base := strings.TrimRight(h.app.BaseURL, "/")
		self := base + r.URL.Path
		if r.URL.RawQuery != "" {
			self += "?" + r.URL.RawQuery
		}
		html := base + hrefWith(h.path(rq, "/cases"), withParam(r.URL.Query(), "sort", search.SortNewest))
		f := atomFeed{Lang: rq.lang, ID: self, Title: rq.T("library.feed.title"), Author: atomPerson{Name: rq.T("site.name")},
			Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: html}}}
		updated := time.Unix(0, 0).UTC()
		for _, it := range res.Items {
			if it.PublishedAt.After(updated) {
				updated = it.PublishedAt
			}
			at := it.PublishedAt.UTC().Format(time.RFC3339)
			e := atomEntry{ID: h.app.CaseURL("en", it.ID), Updated: at, Published: at,
				Title:   atomText{Lang: it.Language, Type: "text", Text: it.Title},
				Summary: atomText{Lang: it.Language, Type: "text", Text: it.Summary},
				Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: base + it.URL, Hreflang: rq.lang}}}
			for _, c := range it.WSIS {
				e.Categories = append(e.Categories, atomCategory{Term: c, Scheme: base + h.path(rq, "/cases") + "?" + search.FacetWSIS + "=",
					Label: h.app.FacetLabel(r.Context(), rq.lang, search.FacetWSIS, c)})
			}
			for _, c := range it.Countries {
				e.Categories = append(e.Categories, atomCategory{Term: c, Scheme: base + h.path(rq, "/cases") + "?" + search.FacetCountry + "=",
					Label: h.app.FacetLabel(r.Context(), rq.lang, search.FacetCountry, c)})
			}
			f.Entries = append(f.Entries, e)
		}
		f.Updated = updated.UTC().Format(time.RFC3339)
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", " ")
		if err := enc.Encode(f); err != nil {
			return publicPage{}, err
		}
		return publicPage{status: http.StatusOK, contentType: "application/atom+xml; charset=utf-8", lang: rq.lang, body: buf.Bytes()}, nil
	})
}

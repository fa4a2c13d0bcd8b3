package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/search"
)

// sitemapCases is how many cases one sitemap part lists: each in the six
// languages with its seven alternates, which keeps a part near 2 MB,
// well under the protocol's limits (50,000 URLs, 50 MB).
const sitemapCases = 500

// Sitemaps (sitemaps.org) with hreflang alternates (xhtml:link).
type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string       `xml:"xmlns:xhtml,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string        `xml:"loc"`
	LastMod string        `xml:"lastmod,omitempty"`
	Links   []sitemapLink `xml:"xhtml:link"`
}

type sitemapLink struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

// sitemap lists the public pages — the home page, the library, the
// statistics and every published case — each in the six languages, with
// its alternates. Beyond sitemapCases cases, /sitemap.xml is an index of
// parts (/sitemap.xml?part=N).
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) {
	err := h.servePublic(w, r, false, func() (publicPage, error) {
		ids, err := h.app.LibraryIDs(r.Context(), search.Query{Sort: search.SortNewest})
		if err != nil {
			return publicPage{}, err
		}
		base := strings.TrimRight(h.app.BaseURL, "/")
		parts := max(1, (len(ids)+sitemapCases-1)/sitemapCases)
		partParam := r.URL.Query().Get("part")
		if partParam == "" && parts > 1 {
			idx := sitemapIndex{}
			for n := 1; n <= parts; n++ {
				idx.Sitemaps = append(idx.Sitemaps, sitemapLoc{Loc: base + "/sitemap.xml?part=" + strconv.Itoa(n)})
			}
			return xmlPage(idx)
		}
		part := 1
		if partParam != "" {
			if part, err = strconv.Atoi(partParam); err != nil || part < 1 || part > parts {
				return publicPage{status: http.StatusNotFound, contentType: "text/plain; charset=utf-8", body: []byte("no such sitemap part\n")}, nil
			}
		}
		set := sitemapURLSet{XHTML: "http://www.w3.org/1999/xhtml"}
		add := func(path string) {
			var links []sitemapLink
			for _, l := range i18n.Langs {
				links = append(links, sitemapLink{Rel: "alternate", Hreflang: l, Href: base + "/" + l + path})
			}
			links = append(links, sitemapLink{Rel: "alternate", Hreflang: "x-default", Href: base + "/en" + path})
			for _, l := range i18n.Langs {
				set.URLs = append(set.URLs, sitemapURL{Loc: base + "/" + l + path, Links: links})
			}
		}
		if part == 1 {
			for _, p := range []string{"/", "/cases", "/stats"} {
				add(p)
			}
		}
		from := (part - 1) * sitemapCases
		for _, id := range ids[from:min(from+sitemapCases, len(ids))] {
			add("/cases/" + id)
		}
		return xmlPage(set)
	})
	if err != nil {
		h.log.ErrorContext(r.Context(), "web: sitemap", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// xmlPage encodes an XML document.
func xmlPage(v any) (publicPage, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return publicPage{}, fmt.Errorf("encode XML: %w", err)
	}
	buf.WriteByte('\n')
	return publicPage{status: http.StatusOK, contentType: "application/xml; charset=utf-8", body: buf.Bytes()}, nil
}

// robots points crawlers to the sitemap and keeps them out of accounts,
// the applicants' and the secretariat's pages.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, l := range i18n.Langs {
		for _, p := range []string{"/account/", "/me/", "/sec/", "/admin/", "/review"} {
			fmt.Fprintf(&b, "Disallow: /%s%s\n", l, p)
		}
	}
	b.WriteString("Disallow: /lang/\nDisallow: /api/\n\n")
	fmt.Fprintf(&b, "Sitemap: %s/sitemap.xml\n", strings.TrimRight(h.app.BaseURL, "/"))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write([]byte(b.String()))
}

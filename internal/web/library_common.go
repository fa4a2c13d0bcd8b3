package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/search"
)

// The library's public pages (the search, a case, the statistics, the
// feed, the sitemap) are the same for every anonymous reader of a
// language, and change only when a case is published or unpublished or a
// call is edited. So they carry an ETag made of that library version, the
// site's build and the URL — known before anything is rendered, so a
// revalidation costs no rendering — and each rendered page is kept in
// memory, compressed, until the library changes.

// libraryWeb is the library pages' state: the page cache and the build
// fingerprint that ETags include.
type libraryWeb struct {
	build string
	cache pageCache
	items itemCache
}

// newLibraryWeb fingerprints the build: the templates, the static files
// and the binary's module and version-control stamps, so that a new
// release never answers 304 with an old page.
func newLibraryWeb(h *Handler) *libraryWeb {
	sum := sha256.New()
	fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := fs.ReadFile(templateFS, p); err == nil {
				sum.Write([]byte(p))
				sum.Write(b)
			}
		}
		return nil
	})
	for _, name := range []string{"app.css", "app.js"} {
		sum.Write([]byte(h.assets.url(name)))
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		sum.Write([]byte(bi.Main.Version))
		for _, s := range bi.Settings {
			if strings.HasPrefix(s.Key, "vcs.") {
				sum.Write([]byte(s.Key + "=" + s.Value))
			}
		}
	}
	size := app.CacheBytes(debug.SetMemoryLimit(-1))
	return &libraryWeb{build: hex.EncodeToString(sum.Sum(nil)[:8]), cache: pageCache{max: 1000, maxBytes: size},
		items: itemCache{maxBytes: size}}
}

// cachedPage is a rendered public page, kept compressed and plain.
type cachedPage struct {
	status      int
	contentType string
	lang        string // Content-Language; "" for none
	// gz is nil when the page is too small to compress; plain is nil in
	// the cache when gz is not.
	plain, gz []byte
}

// pageCache holds rendered pages of one library version; a new version
// empties it. It is bounded in entries and bytes: when full, an arbitrary
// entry makes room (any URL can be asked for, so no order is worth
// keeping).
type pageCache struct {
	mu       sync.Mutex
	version  string
	pages    map[string]*cachedPage
	bytes    int
	max      int
	maxBytes int
}

func (c *pageCache) get(version, key string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return nil
	}
	return c.pages[key]
}

func (c *pageCache) put(version, key string, p *cachedPage) {
	size := len(p.plain) + len(p.gz)
	if size > c.maxBytes/8 {
		return // one huge page (a sitemap part) must not evict the others
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.version, c.pages, c.bytes = version, map[string]*cachedPage{}, 0
	}
	for k, old := range c.pages {
		if len(c.pages) < c.max && c.bytes+size <= c.maxBytes {
			break
		}
		delete(c.pages, k)
		c.bytes -= len(old.plain) + len(old.gz)
	}
	if old, ok := c.pages[key]; ok {
		c.bytes -= len(old.plain) + len(old.gz)
	}
	c.pages[key] = p
	c.bytes += size
}

// itemCache holds results as the search page lists them, rendered for a
// reader's language, for one index sequence (a publication or withdrawal
// empties it). A search page is twenty of them; a popular case is on
// many pages, in every sort and filter that finds it, so that rendering
// it once saves reading and decoding its texts each time. It is bounded
// in bytes: when full, arbitrary entries make room.
type itemCache struct {
	mu       sync.Mutex
	seq      int64
	items    map[itemKey]string
	bytes    int
	maxBytes int
}

type itemKey struct{ lang, id string }

// get returns the rendered items of ids, "" for those it lacks.
func (c *itemCache) get(seq int64, lang string, ids []string) []string {
	out := make([]string, len(ids))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq != seq {
		return out
	}
	for i, id := range ids {
		out[i] = c.items[itemKey{lang, id}]
	}
	return out
}

func (c *itemCache) put(seq int64, lang, id, html string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq < c.seq {
		return // rendered before a change another page has seen
	}
	if c.seq != seq || c.items == nil {
		c.seq, c.items, c.bytes = seq, make(map[itemKey]string), 0
	}
	k := itemKey{lang, id}
	for old, v := range c.items {
		if c.bytes+len(html) <= c.maxBytes {
			break
		}
		delete(c.items, old)
		c.bytes -= len(v)
	}
	c.bytes += len(html) - len(c.items[k])
	c.items[k] = html
}

// publicPage is a page built by a library handler.
type publicPage struct {
	status      int
	contentType string
	lang        string
	body        []byte
	// buf, if set, holds body and goes back to renderBufs once the page
	// is sent.
	buf *bytes.Buffer
}

// renderBufs are the buffers pages render into: a search page is 36 KB,
// which a fresh buffer reaches by doubling, allocating twice that.
var renderBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// release returns the page's buffer to the pool.
func (p *publicPage) release() {
	if p.buf != nil {
		putRenderBuf(p.buf)
	}
	p.buf, p.body = nil, nil
}

// putRenderBuf returns a buffer to renderBufs, unless it grew large (a
// sitemap part) and would pin its memory there.
func putRenderBuf(buf *bytes.Buffer) {
	if buf.Cap() <= 256<<10 {
		renderBufs.Put(buf)
	}
}

// servePublic answers a GET of a public library page. For anonymous
// readers (personal false) the page carries an ETag of the library
// version, the build and the URL, is answered 304 when the reader has it
// and is served from memory when rendered before; build runs only on a
// miss. For a signed-in reader it is built each time and never cached.
func (h *Handler) servePublic(w http.ResponseWriter, r *http.Request, personal bool, build func() (publicPage, error)) error {
	hd := w.Header()
	if personal {
		p, err := build()
		if err != nil {
			return err
		}
		hd.Set("Cache-Control", "no-store")
		h.writePage(w, r, &cachedPage{status: p.status, contentType: p.contentType, lang: p.lang, plain: p.body, gz: h.gzipped(p.body)})
		p.release()
		return nil
	}
	version, err := h.app.LibraryVersion(r.Context())
	if err != nil {
		return err
	}
	key := r.URL.Path + "?" + r.URL.RawQuery
	tag := sha256.Sum256([]byte(h.lib.build + "\x00" + version + "\x00" + key))
	etag := `W/"` + hex.EncodeToString(tag[:12]) + `"`
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", "Cookie, Accept-Encoding")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if cp := h.lib.cache.get(version, key); cp != nil {
		h.writePage(w, r, cp)
		return nil
	}
	p, err := build()
	if err != nil {
		hd.Del("ETag")
		hd.Del("Cache-Control")
		return err
	}
	cp := &cachedPage{status: p.status, contentType: p.contentType, lang: p.lang, plain: p.body, gz: h.gzipped(p.body)}
	h.writePage(w, r, cp)
	// Nearly every reader accepts gzip: the cache keeps only the
	// compressed page, which is a third of the plain one or less.
	kept := *cp
	if kept.gz != nil {
		kept.plain = nil
	} else {
		kept.plain = slices.Clone(kept.plain) // p's buffer is reused
	}
	h.lib.cache.put(version, key, &kept)
	p.release()
	return nil
}

// gzipped compresses a page worth compressing, or returns nil.
func (h *Handler) gzipped(body []byte) []byte {
	if len(body) <= 1024 {
		return nil
	}
	buf := renderBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer putRenderBuf(buf)
	zw := h.gzips.Get().(*gzip.Writer)
	defer h.gzips.Put(zw)
	zw.Reset(buf)
	zw.Write(body)
	if zw.Close() != nil {
		return nil
	}
	// The cache keeps the page: a copy of its size, not a buffer with
	// room to spare.
	return bytes.Clone(buf.Bytes())
}

// gunzip returns the plain page of a cached page kept compressed only,
// for the rare reader that does not accept gzip.
func gunzip(gz []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil // not reached: the cache holds what gzipped wrote
	}
	plain, _ := io.ReadAll(zr)
	return plain
}

// writePage sends a page, compressed if the reader accepts it.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	hd := w.Header()
	hd.Set("Content-Type", p.contentType)
	if p.lang != "" {
		hd.Set("Content-Language", p.lang)
	}
	if hd.Get("Vary") == "" {
		hd.Set("Vary", "Accept-Encoding")
	}
	body := p.plain
	if p.gz != nil && acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip")
		body = p.gz
	} else if body == nil {
		body = gunzip(p.gz)
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// renderPage renders an HTML page of the library into bytes.
func (h *Handler) renderPage(rq *request, status int, name string, data any) (publicPage, error) {
	buf := renderBufs.Get().(*bytes.Buffer)
	buf.Reset()
	if err := h.tmpl.execute(buf, name, rq, data); err != nil {
		putRenderBuf(buf)
		return publicPage{}, err
	}
	return publicPage{status: status, contentType: "text/html; charset=utf-8", lang: rq.lang, body: buf.Bytes(), buf: buf}, nil
}

// personal reports whether a page is rendered for one reader (signed in,
// or with a session that just ended) and so must not be shared.
func (rq *request) personal() bool { return rq.user != nil || rq.stale }

// libraryParams are the query parameters that filter the library: one
// per facet, repeated to accept several values.
var libraryParams = append(slices.Clone(app.LibraryFacets), search.FacetGroupNow, search.FacetLanguage)

// libraryFilters reads the facet filters of a library URL, each value
// as the index writes it (c7 is C7), so that pages tick its box and name
// its chip; a value no case can have is kept as it is, for the checks to
// name.
func libraryFilters(q url.Values) map[string][]string {
	out := map[string][]string{}
	for _, f := range libraryParams {
		for _, v := range q[f] {
			if c, ok := app.CanonFilter(f, v); ok {
				v = c
			}
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(out[f], v) {
				out[f] = append(out[f], v)
			}
		}
	}
	return out
}

// filterQuery writes filters back as URL parameters, in facet order.
func filterQuery(filters map[string][]string) url.Values {
	q := url.Values{}
	for _, f := range libraryParams {
		for _, v := range filters[f] {
			q.Add(f, v)
		}
	}
	return q
}

// withParam returns q with one parameter set (or removed, if v is "").
func withParam(q url.Values, k, v string) url.Values {
	out := url.Values{}
	for key, vs := range q {
		out[key] = slices.Clone(vs)
	}
	if v == "" {
		out.Del(k)
	} else {
		out.Set(k, v)
	}
	return out
}

// hrefWith is path with the query q (and no "?" when q is empty).
func hrefWith(path string, q url.Values) string {
	if e := q.Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// libraryHref is the library's search page filtered on one value of a
// facet, in the reader's language.
func (h *Handler) libraryHref(rq *request, facet, value string) string {
	return hrefWith(h.path(rq, "/cases"), url.Values{facet: {value}})
}

// primaryLang is the primary subtag of a BCP 47 code: "zh" for "zh-Hans".
func primaryLang(code string) string {
	base, _, _ := strings.Cut(code, "-")
	return strings.ToLower(base)
}

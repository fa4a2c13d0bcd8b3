package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// devDir is where DevAssets reads templates and static files from: the
// package directory, relative to the repository root.
const devDir = "internal/web"

// asset is one static file, served at a content-hashed URL.
type asset struct {
	name        string // e.g. app.css
	url         string // e.g. /static/app.3f2a9c1b7d.css
	contentType string
	data        []byte
	gz          []byte // gzip-compressed data, made once at start-up
}

// assetSet holds the static files by URL path.
type assetSet struct {
	dev    bool
	byURL  map[string]*asset
	byName map[string]*asset
}

var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
}

// staticFiles returns the file system static files come from.
func staticFiles(dev bool) fs.FS {
	if dev {
		if st, err := os.Stat(devDir + "/static"); err == nil && st.IsDir() {
			return os.DirFS(devDir)
		}
	}
	return staticFS
}

// loadAssets reads, hashes and compresses every static file.
func loadAssets(dev bool) (*assetSet, error) {
	fsys := staticFiles(dev)
	s := &assetSet{dev: dev, byURL: map[string]*asset{}, byName: map[string]*asset{}}
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("read static files: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("read static file: %w", err)
		}
		ext := path.Ext(e.Name())
		ct, ok := assetTypes[ext]
		if !ok {
			return nil, fmt.Errorf("static file %s: unknown type", e.Name())
		}
		sum := sha256.Sum256(data)
		a := &asset{name: e.Name(), contentType: ct, data: data,
			url: "/static/" + strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress %s: %w", e.Name(), err)
		}
		a.gz = buf.Bytes()
		s.byURL[a.url] = a
		s.byName[a.name] = a
	}
	for _, need := range []string{"app.css", "app.js"} {
		if s.byName[need] == nil {
			return nil, fmt.Errorf("static file %s is missing", need)
		}
	}
	return s, nil
}

// url returns the hashed URL of a static file.
func (s *assetSet) url(name string) string {
	if a := s.byName[name]; a != nil {
		return a.url
	}
	return ""
}

// serve answers GET /static/{file}. A hashed URL never changes content, so
// it is cached for a year; an unknown or outdated hash is not found.
func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	set := h.assets
	if set.dev {
		// Re-read on every request, so that an edit shows on reload.
		if fresh, err := loadAssets(true); err == nil {
			set = fresh
		}
	}
	a := set.byURL[r.URL.Path]
	if a == nil && set.dev {
		// Pages rendered before an edit still name the old hash.
		name := path.Base(r.URL.Path)
		if i := strings.IndexByte(name, '.'); i > 0 {
			a = set.byName[name[:i]+path.Ext(name)]
		}
	}
	if a == nil {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Vary", "Accept-Encoding")
	if set.dev {
		hd.Set("Cache-Control", "no-cache")
	} else {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	body := a.data
	if acceptsGzip(r) {
		hd.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	hd.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// acceptsGzip reports whether the client accepts gzip (and did not refuse
// it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

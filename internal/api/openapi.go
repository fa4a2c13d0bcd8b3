package api

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPIDoc is the OpenAPI 3.1 description of this API. It is written by
// hand; the tests check every response they receive against it, and its
// vocabulary enums against package domain.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *server) openAPI(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDoc)))
	h.Set("Cache-Control", "public, max-age=3600")
	h.Del("Vary")
	h.Del("Content-Language")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(openAPIDoc)
	}
	return nil
}

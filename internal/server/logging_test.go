package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestLoggedPath: invitation tokens answered through the API never reach
// the log.
func TestLoggedPath(t *testing.T) {
	for in, want := range map[string]string{
		"/en/cases":                               "/en/cases",
		"/api/v1/invitations/SECRETtoken":         "/api/v1/invitations/…",
		"/api/v1/invitations/SECRETtoken/accept":  "/api/v1/invitations/…/accept",
		"/api/v1/invitations/SECRETtoken/decline": "/api/v1/invitations/…/decline",
		"/api/v1/calls/sme-dx/assignments/auto":   "/api/v1/calls/sme-dx/assignments/auto",
	} {
		if got := loggedPath(in); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRequestStatus: metrics and the log record the status each request
// was answered with: 499 when the client went away before anything was
// written, and 500 for a panic, which recovery answers.
func TestRequestStatus(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	entered := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("GET /silent", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /teapot", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("GET /gone", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	})
	ts := httptest.NewServer(m.wrap(log, mux))
	for _, tc := range []struct {
		path string
		code int
	}{{"/ok", 200}, {"/silent", 200}, {"/teapot", 418}, {"/panic", 500}} {
		resp, err := http.Get(ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.code {
			t.Errorf("%s answered %d, want %d", tc.path, resp.StatusCode, tc.code)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/gone", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a cancelled request got an answer")
	}
	ts.Close() // waits for every handler, /gone included

	counts := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "dxatlas_http_requests_total" {
			continue
		}
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "code" {
					counts[l.GetValue()] += metric.GetCounter().GetValue()
				}
			}
		}
	}
	if want := map[string]float64{"200": 2, "418": 1, "500": 1, "499": 1}; !maps.Equal(counts, want) {
		t.Errorf("requests by code = %v, want %v", counts, want)
	}
	for _, want := range []string{"path=/gone status=499", "path=/panic status=500", "path=/silent status=200", "msg=panic"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logged.String())
		}
	}
}

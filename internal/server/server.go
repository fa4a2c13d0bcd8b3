// Package server composes dxatlas's HTTP surface: the web pages, the JSON
// API and the operational endpoints, behind logging, metrics and panic
// recovery.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dxatlas/dxatlas/internal/api"
	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/web"
)

// Options configures the handler.
type Options struct {
	Secure     bool // cookies marked Secure (served behind TLS)
	TrustProxy bool // take the client address from X-Forwarded-For
}

// Handler returns the whole site.
func Handler(a *app.App, o Options) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)

	w, err := web.New(a, web.Options{Secure: o.Secure, TrustProxy: o.TrustProxy})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		if ok, err := a.DB.MigrationsCurrent(ctx); err != nil || !ok {
			http.Error(w, "migrations pending", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/api/", api.New(a))
	mux.Handle("/", w)
	return m.wrap(a.Log, mux), nil
}

// wrap puts h behind the metrics, the request log and panic recovery. The
// recovery is innermost, so a panic is counted and logged as the 500 it
// answers.
func (m *metrics) wrap(log *slog.Logger, h http.Handler) http.Handler {
	return m.instrument(logRequests(log, recoverer(log, h)))
}

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dxatlas_http_requests_total", Help: "HTTP requests by method, area and status code.",
		}, []string{"method", "area", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dxatlas_http_request_duration_seconds", Help: "HTTP request latency by area.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"area"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// area groups paths coarsely, so label cardinality stays bounded whatever
// URLs clients invent.
func area(p string) string {
	switch {
	case len(p) >= 5 && p[:5] == "/api/":
		return "api"
	case len(p) >= 8 && p[:8] == "/static/":
		return "static"
	case p == "/healthz" || p == "/readyz" || p == "/metrics":
		return "ops"
	}
	return "web"
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// clientClosed is the status recorded, as nginx does, for a request whose
// client went away before anything was written.
const clientClosed = 499

// status is the code the response was given, for metrics and the log.
func (s *statusWriter) status(r *http.Request) int {
	switch {
	case s.code != 0:
		return s.code
	case r.Context().Err() != nil:
		return clientClosed
	}
	return http.StatusOK
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
			w = sw
		}
		next.ServeHTTP(w, r)
		ar := area(r.URL.Path)
		m.requests.WithLabelValues(r.Method, ar, strconv.Itoa(sw.status(r))).Inc()
		m.duration.WithLabelValues(ar).Observe(time.Since(start).Seconds())
	})
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		next.ServeHTTP(sw, r)
		code := sw.status(r)
		lvl := slog.LevelDebug
		if code >= 500 {
			lvl = slog.LevelError
		}
		log.Log(r.Context(), lvl, "request", "method", r.Method, "path", loggedPath(r.URL.Path), "status", code,
			"bytes", sw.bytes, "duration", time.Since(start))
	})
}

// loggedPath is a request path as the log may keep it: the one-time
// token of an invitation answered through the API is a secret, so it is
// replaced by "…". (Tokens in query strings are never logged: the log
// keeps only the path.)
func loggedPath(p string) string {
	const invitations = "/api/v1/invitations/"
	rest, ok := strings.CutPrefix(p, invitations)
	if !ok {
		return p
	}
	if _, action, found := strings.Cut(rest, "/"); found {
		return invitations + "…/" + action
	}
	return invitations + "…"
}

func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "path", loggedPath(r.URL.Path), "panic", v)
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve runs srv until ctx is done, then shuts down gracefully: it stops
// accepting connections and waits up to grace for in-flight requests.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

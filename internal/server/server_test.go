package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/server"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

func newApp(t *testing.T, db *store.DB) *app.App {
	t.Helper()
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return app.New(db, cat, app.Options{})
}

func TestOperationalEndpoints(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		h, err := server.Handler(newApp(t, db), server.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(h)
		defer ts.Close()
		get := func(path string) (int, string) {
			resp, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
			t.Errorf("healthz = %d %q", code, body)
		}
		if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "ready") {
			t.Errorf("readyz = %d %q", code, body)
		}
		get("/en/")
		get("/api/v1/calls")
		code, body := get("/metrics")
		if code != 200 {
			t.Fatalf("metrics = %d", code)
		}
		for _, want := range []string{`dxatlas_http_requests_total{area="web",code="200",method="GET"}`, `dxatlas_http_requests_total{area="api"`, "go_goroutines"} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// A closed database is not ready.
		db.Close()
		if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("readyz on a closed database = %d", code)
		}
	})
}

// TestGracefulShutdown: a request in flight when the server is asked to
// stop still gets its whole answer.
func TestGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, &http.Server{Handler: h}, ln, 5*time.Second) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	stop() // shutdown begins while the request is in flight
	time.Sleep(50 * time.Millisecond)
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

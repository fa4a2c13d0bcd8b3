package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the demo call's time zone must resolve without a system zone database

	"github.com/dxatlas/dxatlas/internal/app"
	"github.com/dxatlas/dxatlas/internal/demo"
	"github.com/dxatlas/dxatlas/internal/i18n"
	"github.com/dxatlas/dxatlas/internal/server"
	"github.com/dxatlas/dxatlas/internal/store"
)

// Site is a running dxatlas: the real HTTP handler over a fresh SQLite
// database loaded with the demo, listening on 127.0.0.1.
type Site struct {
	URL      string // http://127.0.0.1:port, no trailing slash
	App      *app.App
	DB       *store.DB
	Accounts []demo.Account
	Fixtures Fixtures // what the demo lacks, for the review and library pages
}

// StartSite starts a site for t, with the demo and the Fixtures, and
// stops it when t ends.
func StartSite(t testing.TB) *Site {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	cat, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{URL: "http://" + ln.Addr().String(), DB: db}
	log := slog.New(slog.NewTextHandler(newTestWriter(t), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s.App = app.New(db, cat, app.Options{BaseURL: s.URL, Log: log})
	if s.Accounts, err = demo.Seed(ctx, s.App); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if s.Fixtures, err = s.seedFixtures(ctx); err != nil {
		t.Fatalf("fixtures: %v", err)
	}
	h, err := server.Handler(s.App, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server: %v", err)
		}
	})
	return s
}

// Account returns the first demo account with the role.
func (s *Site) Account(t testing.TB, role string) demo.Account {
	t.Helper()
	for _, a := range s.Accounts {
		if a.Role == role {
			return a
		}
	}
	t.Fatalf("no demo account with role %q", role)
	return demo.Account{}
}

// verifyLinkRE finds the address of a verification link in a mail.
var verifyLinkRE = regexp.MustCompile(`https?://[^\s]+/account/verify\?token=[A-Za-z0-9_-]+`)

// VerifyLink reads the e-mail verification link sent to email from the
// outbox, as the person would from their mail.
func (s *Site) VerifyLink(ctx context.Context, email string) (string, error) {
	msgs, err := s.DB.OutboxFor(ctx, email)
	if err != nil {
		return "", fmt.Errorf("outbox for %s: %w", email, err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if link := verifyLinkRE.FindString(msgs[i].Text); link != "" {
			return link, nil
		}
	}
	return "", fmt.Errorf("no verification link among %d messages to %s", len(msgs), email)
}

// testWriter writes the site's warnings and errors to the test log, and
// drops what comes after the test ends (a request finishing late).
type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func newTestWriter(t testing.TB) io.Writer {
	w := &testWriter{t: t}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return w
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log("site: " + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

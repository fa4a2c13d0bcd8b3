package app_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/dxatlas/dxatlas/internal/app"
	imail "github.com/dxatlas/dxatlas/internal/mail"
	"github.com/dxatlas/dxatlas/internal/store"
	"github.com/dxatlas/dxatlas/internal/store/storetest"
)

// smtpSink is a real SMTP server (go-smtp) on 127.0.0.1 that keeps what
// it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs []string
	addr string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct{ s *smtpSink }

func (x *sinkSession) Reset()                               {}
func (x *sinkSession) Logout() error                        { return nil }
func (x *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (x *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, string(b))
	x.s.mu.Unlock()
	return nil
}

func startSink(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink := &smtpSink{addr: ln.Addr().String()}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return sink
}

// plainText extracts the decoded text/plain part of a raw message.
func plainText(t *testing.T, raw string) (subject, text string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	var walk func(ct string, body io.Reader, enc string) string
	walk = func(ct string, body io.Reader, enc string) string {
		mt, params, _ := mime.ParseMediaType(ct)
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return ""
				}
				if s := walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding")); s != "" {
					return s
				}
			}
		}
		if mt != "text/plain" {
			return ""
		}
		if strings.EqualFold(enc, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		return string(b)
	}
	return subject, walk(m.Header.Get("Content-Type"), m.Body, m.Header.Get("Content-Transfer-Encoding"))
}

func TestRegisterVerifySignInOverRealSMTP(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sink := startSink(t)
		host, port, _ := net.SplitHostPort(sink.addr)
		p := 0
		for _, c := range port {
			p = p*10 + int(c-'0')
		}
		tr, err := imail.NewSMTP(imail.SMTPConfig{Host: host, Port: p, TLS: "none", From: "dxatlas <no-reply@dx.test>"})
		if err != nil {
			t.Fatal(err)
		}
		w := imail.NewWorker(db, tr, f.clk.Now, slog.New(slog.DiscardHandler))

		reg := app.Registration{Email: " Layla@Example.ORG ", Name: "ليلى حداد", Password: "a long passphrase", Password2: "a long passphrase",
			Lang: "ar", OrgName: "تعاونية الحرفيين", OrgType: "sme", OrgCountry: "tn"}
		u, err := f.a.Register(ctx, reg)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "layla@example.org" || u.VerifiedAt != nil || u.Role != store.RoleApplicant {
			t.Fatalf("registered %+v", u)
		}
		// The same address again is refused, on the e-mail field.
		if _, err := f.a.Register(ctx, reg); kind(err) != app.KindInvalid || app.AsError(err).Fields[0].Field != "email" {
			t.Fatalf("duplicate register: %v", err)
		}
		// Unverified accounts cannot sign in yet.
		if _, err := f.a.Authenticate(ctx, reg.Email, reg.Password, "192.0.2.1"); kind(err) != app.KindForbidden {
			t.Fatalf("unverified sign-in: %v", err)
		}
		// The worker sends the verification mail once, in Arabic.
		for i := 0; i < 3; i++ {
			if _, err := w.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		sink.mu.Lock()
		msgs := append([]string(nil), sink.msgs...)
		sink.mu.Unlock()
		if len(msgs) != 1 {
			t.Fatalf("received %d messages, want 1", len(msgs))
		}
		subject, text := plainText(t, msgs[0])
		if !regexp.MustCompile(`\p{Arabic}`).MatchString(subject + text) {
			t.Errorf("verification mail not in Arabic: %q", subject)
		}
		m := regexp.MustCompile(`http://dx\.test/ar/account/verify\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("no verification link in %q", text)
		}
		if _, err := f.a.VerifyEmail(ctx, m[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.VerifyEmail(ctx, m[1]); kind(err) != app.KindBadRequest {
			t.Fatalf("reused link: %v", err)
		}
		if _, err := f.a.Authenticate(ctx, "LAYLA@example.org", reg.Password, "192.0.2.1"); err != nil {
			t.Fatalf("sign in: %v", err)
		}
	})
}

func TestSignInThrottleAndReset(t *testing.T) {
	storetest.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for i := 0; i < 5; i++ {
			if _, err := f.a.Authenticate(ctx, f.alice.Email, "wrong password", "198.51.100.7"); kind(err) != app.KindUnauthenticated {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// The sixth try is refused even with the right password.
		if _, err := f.a.Authenticate(ctx, f.alice.Email, "correct horse battery", "198.51.100.8"); kind(err) != app.KindThrottled {
			t.Fatalf("throttle: %v", err)
		}
		// An unknown account answers exactly like a wrong password.
		if _, err := f.a.Authenticate(ctx, "nobody@nowhere.example", "x", "198.51.100.9"); kind(err) != app.KindUnauthenticated {
			t.Fatalf("unknown account: %v", err)
		}
		// The window passes.
		f.clk.Set(t0.Add(16 * time.Minute))
		if _, err := f.a.Authenticate(ctx, f.alice.Email, "correct horse battery", "198.51.100.8"); err != nil {
			t.Fatalf("after the window: %v", err)
		}

		// Password reset by mailed link signs every session out.
		cookie, _, err := f.a.NewSession(ctx, f.alice)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.RequestPasswordReset(ctx, f.alice.Email); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RequestPasswordReset(ctx, "nobody@nowhere.example"); err != nil {
			t.Fatal("reset for an unknown address must look the same", err)
		}
		msgs, _ := db.OutboxFor(ctx, f.alice.Email)
		var tok string
		for _, m := range msgs {
			if s := regexp.MustCompile(`/account/reset\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(m.Text); s != nil {
				tok = s[1]
			}
		}
		if tok == "" {
			t.Fatal("no reset link mailed")
		}
		if _, err := f.a.ResetPassword(ctx, tok, "short", "short"); kind(err) != app.KindInvalid {
			t.Fatalf("short password: %v", err)
		}
		if _, err := f.a.ResetPassword(ctx, tok, "a brand new passphrase", "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.a.SessionUser(ctx, cookie); kind(err) != app.KindUnauthenticated {
			t.Fatalf("old session after reset: %v", err)
		}
		if _, err := f.a.Authenticate(ctx, f.alice.Email, "a brand new passphrase", "198.51.100.8"); err != nil {
			t.Fatal(err)
		}
		// Sessions expire.
		cookie, _, _ = f.a.NewSession(ctx, f.alice)
		f.clk.Set(t0.Add(app.SessionLifetime + time.Hour))
		if _, _, err := f.a.SessionUser(ctx, cookie); kind(err) != app.KindUnauthenticated {
			t.Fatalf("stale session: %v", err)
		}
	})
}

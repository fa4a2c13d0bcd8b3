package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// decoded is a received message taken apart.
type decoded struct {
	Header  netmail.Header
	Subject string
	Text    string
	HTML    string
}

// decodeMIME parses raw DATA with the standard library alone: RFC 2047
// subject, multipart/alternative (or a single text/plain part),
// quoted-printable or base64 bodies, UTF-8.
func decodeMIME(t *testing.T, raw []byte) decoded {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	var d decoded
	d.Header = m.Header
	d.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		d.Text = decodePart(t, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
		return d
	}
	if mediaType != "multipart/alternative" {
		t.Fatalf("content type %s, want multipart/alternative", mediaType)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		// NextRawPart leaves the transfer encoding to us.
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		ct := p.Header.Get("Content-Type")
		body := decodePart(t, ct, p.Header.Get("Content-Transfer-Encoding"), p)
		switch pt, _, _ := mime.ParseMediaType(ct); pt {
		case "text/plain":
			d.Text = body
		case "text/html":
			d.HTML = body
		default:
			t.Fatalf("unexpected part %s", ct)
		}
	}
	return d
}

func decodePart(t *testing.T, contentType, encoding string, r io.Reader) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if cs := strings.ToLower(params["charset"]); cs != "utf-8" {
		t.Fatalf("charset %q, want UTF-8", cs)
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "", "7bit", "8bit":
	default:
		t.Fatalf("unexpected transfer encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode body: %v", err)
	}
	// SMTP carries lines ending in CRLF; the message was written with LF.
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// withEOL ends s with a line break, as every body on the wire ends (SMTP
// DATA ends with CRLF "." CRLF).
func withEOL(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func newSMTP(t *testing.T, cfg SMTPConfig) *SMTP {
	t.Helper()
	s, err := NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

func TestSMTPDeliversUnicodeIntact(t *testing.T) {
	arReceipt := newTestComposer().Receipt("ar", receiptFixtures[1].to, receiptFixtures[1].name, receiptFixtures[1].data)
	tests := []struct {
		name string
		m    Message
	}{
		{name: "Arabic receipt from the composer", m: arReceipt},
		{name: "Chinese", m: Message{
			To:      "wang.fang@example.cn",
			Subject: "已收到案例 DX-2026-0108：移动支付助力农贸市场",
			Text:    "王芳女士：\n\n我们已收到您提交的案例《移动支付助力农贸市场》（第1版）。这是一段很长的中文文字，用来检验在可打印字符引用编码下超过七十六个字符的行会被正确折行并在接收端原样还原，不会丢失或损坏任何一个字符。\n\n此致\ndxatlas秘书处\n",
			HTML:    "<!DOCTYPE html><html lang=\"zh\" dir=\"ltr\"><body><p>王芳女士：</p><p>我们已收到您提交的案例《移动支付助力农贸市场》。</p></body></html>",
			Key:     "receipt:DX-2026-0108:v1:0123456789abcdef",
		}},
		{name: "mixed scripts, long lines, trailing spaces, a lone dot line", m: Message{
			To:      "ops@example.org",
			Subject: "Отчёт · تقرير · 报告 · Informe · Rapport — ✓",
			Text:    "Строка с пробелом в конце \n.\nالنص العربي مع English words و أرقام 2026 في سطر واحد طويل جدًا يتجاوز ستة وسبعين حرفًا بكثير حتى نتأكد من الالتفاف الصحيح.\n=3D is not an escape here.",
			Key:     "reset:ffeeddccbbaa99887766554433221100",
		}},
	}
	ts := startServer(t, serverOptions{})
	s := newSMTP(t, ts.config())
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Send(t.Context(), tt.m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := ts.messages()
			if len(got) != i+1 {
				t.Fatalf("server has %d messages, want %d", len(got), i+1)
			}
			r := got[i]
			if r.From != "noreply@dxatlas.example.org" || len(r.To) != 1 || r.To[0] != tt.m.To {
				t.Errorf("envelope %s → %v", r.From, r.To)
			}
			if r.HELO != "node1.dxatlas.test" {
				t.Errorf("HELO %q", r.HELO)
			}
			d := decodeMIME(t, r.Data)
			if d.Subject != tt.m.Subject {
				t.Errorf("subject\n got %q\nwant %q", d.Subject, tt.m.Subject)
			}
			if d.Text != withEOL(tt.m.Text) {
				t.Errorf("text\n got %q\nwant %q", d.Text, tt.m.Text)
			}
			if d.HTML != tt.m.HTML {
				t.Errorf("html\n got %q\nwant %q", d.HTML, tt.m.HTML)
			}
			if want := "<" + MessageID(tt.m.Key, "dxatlas.example.org") + ">"; d.Header.Get("Message-Id") != want {
				t.Errorf("Message-ID %q, want %q", d.Header.Get("Message-Id"), want)
			}
			if _, err := d.Header.Date(); err != nil {
				t.Errorf("Date header %q: %v", d.Header.Get("Date"), err)
			}
			from, err := d.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Address != "noreply@dxatlas.example.org" || from[0].Name != "dxatlas" {
				t.Errorf("From %v (%v)", from, err)
			}
			if d.Header.Get("Auto-Submitted") != "auto-generated" {
				t.Errorf("Auto-Submitted %q", d.Header.Get("Auto-Submitted"))
			}
		})
	}
}

func TestSMTPFailures(t *testing.T) {
	reject := func(stage string, code int) func(string, int) error {
		return func(s string, _ int) error {
			if s == stage {
				return smtpError(code, "test reply")
			}
			return nil
		}
	}
	msg := Message{To: "user@example.org", Subject: "s", Text: "t", Key: "k:1"}
	tests := []struct {
		name          string
		opts          serverOptions
		cfg           func(SMTPConfig) SMTPConfig
		m             Message
		wantPermanent bool
		wantInErr     string
	}{
		{name: "550 to RCPT", opts: serverOptions{reject: reject("rcpt", 550)}, m: msg, wantPermanent: true, wantInErr: "550"},
		{name: "553 to MAIL FROM", opts: serverOptions{reject: reject("mail", 553)}, m: msg, wantPermanent: true, wantInErr: "553"},
		{name: "554 after DATA", opts: serverOptions{reject: reject("data", 554)}, m: msg, wantPermanent: true, wantInErr: "554"},
		{name: "451 to RCPT", opts: serverOptions{reject: reject("rcpt", 451)}, m: msg, wantInErr: "451"},
		{name: "452 after DATA", opts: serverOptions{reject: reject("data", 452)}, m: msg, wantInErr: "452"},
		{name: "421 to MAIL FROM", opts: serverOptions{reject: reject("mail", 421)}, m: msg, wantInErr: "421"},
		{
			name: "malformed recipient", m: Message{To: "not an address", Subject: "s", Text: "t", Key: "k:2"},
			wantPermanent: true, wantInErr: "recipient",
		},
		{
			name: "wrong password (535) is ours to fix, not the message's",
			opts: serverOptions{users: map[string]string{"dx": "right"}},
			cfg: func(c SMTPConfig) SMTPConfig {
				c.Username, c.Password = "dx", "wrong"
				return c
			},
			m: msg, wantInErr: "535",
		},
		{
			name: "STARTTLS required but not offered",
			cfg: func(c SMTPConfig) SMTPConfig {
				c.TLS = TLSStartTLS
				return c
			},
			m: msg, wantInErr: "STARTTLS",
		},
		{
			name: "self-signed certificate not accepted without InsecureSkipVerify",
			opts: serverOptions{cert: selfSigned(t)},
			cfg: func(c SMTPConfig) SMTPConfig {
				c.InsecureSkipVerify = false
				return c
			},
			m: msg, wantInErr: "certificate",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.opts)
			cfg := ts.config()
			if tt.cfg != nil {
				cfg = tt.cfg(cfg)
			}
			err := newSMTP(t, cfg).Send(t.Context(), tt.m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q lacks %q", err, tt.wantInErr)
			}
			if got := IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", got, tt.wantPermanent, err)
			}
			if n := len(ts.messages()); n != 0 {
				t.Errorf("server accepted %d messages", n)
			}
		})
	}
}

func TestSMTPUnreachable(t *testing.T) {
	// A port that was just free: the connection is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	_ = l.Close()
	p, _ := strconv.Atoi(port)
	s := newSMTP(t, SMTPConfig{Host: "127.0.0.1", Port: p, TLS: TLSNone, From: "noreply@dxatlas.example.org"})
	err = s.Send(t.Context(), Message{To: "user@example.org", Subject: "s", Text: "t", Key: "k"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v; want a temporary error", err)
	}
}

func TestSMTPCancelled(t *testing.T) {
	ts := startServer(t, serverOptions{})
	s := newSMTP(t, ts.config())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Send(ctx, Message{To: "user@example.org", Subject: "s", Text: "t", Key: "k"})
	if err == nil || IsPermanent(err) {
		t.Fatalf("Send = %v; want a temporary error", err)
	}
	if n := len(ts.messages()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}
}

func TestSMTPSecurity(t *testing.T) {
	cert := selfSigned(t)
	users := map[string]string{"dxatlas": "s3cret pass"}
	tests := []struct {
		name     string
		opts     serverOptions
		user     string
		wantTLS  bool
		wantUser string
	}{
		{name: "STARTTLS", opts: serverOptions{cert: cert}, wantTLS: true},
		{name: "implicit TLS", opts: serverOptions{cert: cert, implicit: true}, wantTLS: true},
		{name: "AUTH PLAIN over STARTTLS", opts: serverOptions{cert: cert, users: users}, user: "dxatlas", wantTLS: true, wantUser: "dxatlas"},
		{name: "AUTH PLAIN over implicit TLS", opts: serverOptions{cert: cert, implicit: true, users: users}, user: "dxatlas", wantTLS: true, wantUser: "dxatlas"},
		{name: "AUTH PLAIN to localhost without TLS", opts: serverOptions{users: users}, user: "dxatlas", wantUser: "dxatlas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.opts)
			cfg := ts.config()
			if tt.user != "" {
				cfg.Username, cfg.Password = tt.user, users[tt.user]
			}
			m := Message{To: "user@example.org", Subject: "Проверка", Text: "Текст", Key: "k:" + tt.name}
			if err := newSMTP(t, cfg).Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := ts.messages()
			if len(got) != 1 {
				t.Fatalf("server has %d messages, want 1", len(got))
			}
			if got[0].TLS != tt.wantTLS || got[0].User != tt.wantUser {
				t.Errorf("session TLS=%v user=%q; want TLS=%v user=%q", got[0].TLS, got[0].User, tt.wantTLS, tt.wantUser)
			}
			if d := decodeMIME(t, got[0].Data); d.Subject != m.Subject || d.Text != withEOL(m.Text) {
				t.Errorf("got %q / %q", d.Subject, d.Text)
			}
		})
	}
}

func TestNewSMTPChecksConfig(t *testing.T) {
	tests := []struct {
		name     string
		cfg      SMTPConfig
		wantErr  bool
		wantPort int
	}{
		{name: "defaults to STARTTLS on 587", cfg: SMTPConfig{Host: "smtp.example.org", From: "a@example.org"}, wantPort: 587},
		{name: "none on 25", cfg: SMTPConfig{Host: "smtp.example.org", TLS: "none", From: "a@example.org"}, wantPort: 25},
		{name: "tls on 465", cfg: SMTPConfig{Host: "smtp.example.org", TLS: "tls", From: "a@example.org"}, wantPort: 465},
		{name: "explicit port", cfg: SMTPConfig{Host: "smtp.example.org", Port: 2525, From: "a@example.org"}, wantPort: 2525},
		{name: "no host", cfg: SMTPConfig{From: "a@example.org"}, wantErr: true},
		{name: "bad from", cfg: SMTPConfig{Host: "smtp.example.org", From: "nobody"}, wantErr: true},
		{name: "unknown TLS mode", cfg: SMTPConfig{Host: "smtp.example.org", TLS: "ssl", From: "a@example.org"}, wantErr: true},
		{name: "port out of range", cfg: SMTPConfig{Host: "smtp.example.org", Port: 70000, From: "a@example.org"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSMTP(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && s.cfg.Port != tt.wantPort {
				t.Errorf("port %d, want %d", s.cfg.Port, tt.wantPort)
			}
		})
	}
}

func TestMessageID(t *testing.T) {
	// RFC 5322 msg-id with a dot-atom-text left part.
	atext := `[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+`
	valid := regexp.MustCompile(`^` + atext + `(\.` + atext + `)*@[A-Za-z0-9.-]+$`)
	long := strings.Repeat("x", 300)
	tests := []struct {
		key, domain, want string
	}{
		{key: "verify:0123abcd", domain: "example.org", want: "verify=3A0123abcd@example.org"},
		{key: "receipt:DX-2026-0042:v2:ab12", domain: "example.org", want: "receipt=3ADX-2026-0042=3Av2=3Aab12@example.org"},
		{key: "a=b", domain: "example.org", want: "a=3Db@example.org"},
		{key: "a.b c", domain: "", want: "a=2Eb=20c@localhost"},
		{key: "مفتاح", domain: "example.org", want: "=D9=85=D9=81=D8=AA=D8=A7=D8=AD@example.org"},
		{key: long, domain: "example.org"}, // hashed: checked below
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.key[:min(len(tt.key), 20)], func(t *testing.T) {
			got := MessageID(tt.key, tt.domain)
			if tt.key == long {
				if !strings.HasPrefix(got, "=s") || len(got) != 2+64+len("@example.org") {
					t.Errorf("long key → %q; want the hashed form", got)
				}
			} else if got != tt.want {
				t.Errorf("MessageID(%q) = %q, want %q", tt.key, got, tt.want)
			}
			if !valid.MatchString(got) {
				t.Errorf("%q is not a valid msg-id", got)
			}
			if got != MessageID(tt.key, tt.domain) {
				t.Error("not stable")
			}
			if other, dup := seen[got]; dup {
				t.Errorf("%q and %q share %q", tt.key, other, got)
			}
			seen[got] = tt.key
		})
	}
}

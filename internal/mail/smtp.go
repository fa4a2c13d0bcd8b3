package mail

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of SMTPConfig.
const (
	TLSNone     = "none"     // plain SMTP (a relay on localhost, a test server)
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, which is then mandatory
	TLSImplicit = "tls"      // TLS from the first byte ("SMTPS", usually port 465)
)

// SMTPConfig configures the SMTP transport.
type SMTPConfig struct {
	Host     string
	Port     int // 0 = 25, 587 or 465 by TLS mode
	Username string
	Password string // used when Username is set
	// TLS is "none", "starttls" (the default when empty) or "tls".
	TLS string
	// InsecureSkipVerify accepts any server certificate (self-signed test
	// servers). Never in production.
	InsecureSkipVerify bool
	// From is the sender, "dxatlas <noreply@example.org>" or a bare address.
	From string
	// HELO is the name announced in EHLO; empty = this machine's host name.
	HELO string
}

// SMTP delivers messages to an SMTP server, one connection per message.
// It is safe for concurrent use.
type SMTP struct {
	cfg  SMTPConfig
	from *netmail.Address
	// idDomain is the right-hand side of every Message-ID.
	idDomain string
}

// NewSMTP checks cfg and returns a transport for it.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("smtp: tls mode %q: want %q, %q or %q", cfg.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSNone:
			cfg.Port = gomail.DefaultPort
		case TLSStartTLS:
			cfg.Port = gomail.DefaultPortTLS
		case TLSImplicit:
			cfg.Port = gomail.DefaultPortSSL
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", cfg.Port)
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: from address %q: %w", cfg.From, err)
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	s := &SMTP{cfg: cfg, from: from, idDomain: domain}
	// Build one client now so that a bad option fails at start-up, not at
	// the first message.
	if _, err := s.client(context.Background()); err != nil {
		return nil, err
	}
	return s, nil
}

// Send delivers m. A failure the server reports as permanent (a 5xx reply to
// MAIL FROM, RCPT TO or DATA) and a malformed recipient are marked
// Permanent; everything else, including a 5xx during greeting, STARTTLS or
// AUTH (a configuration problem of ours that a fix will cure), is
// temporary.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return Permanent(fmt.Errorf("smtp: message %q: %w", m.Key, err))
	}
	// Cancelling ctx closes the connection (see client), and this cancel
	// releases that hook once the exchange is over.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := s.client(ctx)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	err = c.DialAndSendWithContext(ctx, msg)
	if err == nil || msg.IsDelivered() {
		// Delivered: a failure after the server accepted the data (RSET,
		// QUIT) must not cause a second delivery.
		return nil
	}
	err = fmt.Errorf("smtp: send %q to %s:%d: %w", m.Key, s.cfg.Host, s.cfg.Port, err)
	var se *gomail.SendError
	if errors.As(err, &se) && messageRefused(se) {
		return Permanent(err)
	}
	return err
}

// messageRefused reports whether the server refused this message for good.
func messageRefused(se *gomail.SendError) bool {
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return true
	case gomail.ErrSMTPMailFrom, gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		code := se.ErrorCode()
		return code >= 500 && code < 600
	}
	return false
}

// client returns a go-mail client whose connections close when ctx is done,
// so that cancelling a send really stops it instead of waiting for the
// per-command timeouts.
func (s *SMTP) client(ctx context.Context) (*gomail.Client, error) {
	tlsConf := &tls.Config{
		ServerName:         s.cfg.Host,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify, // opt-in, for self-signed test servers
		MinVersion:         tls.VersionTLS12,
	}
	implicit := s.cfg.TLS == TLSImplicit
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		nd := &net.Dialer{}
		var conn net.Conn
		var err error
		if implicit {
			// A *tls.Conn, unwrapped: the SMTP client recognises it and
			// allows credentials over it.
			conn, err = (&tls.Dialer{NetDialer: nd, Config: tlsConf}).DialContext(dctx, network, addr)
		} else {
			conn, err = nd.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTLSConfig(tlsConf),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		// The first mechanism the server offers wins. PLAIN and LOGIN refuse
		// to send the password over an unencrypted connection to anything
		// but localhost.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s: %w", s.cfg.Host, err)
	}
	return c, nil
}

// build turns m into a MIME message: UTF-8, quoted-printable, plain text
// with an HTML alternative, a Date and a Message-ID derived from the key.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(strings.TrimSpace(m.To)); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(oneLine(m.Subject))
	if m.Key != "" {
		msg.SetMessageIDWithValue(MessageID(m.Key, s.idDomain))
	} else {
		msg.SetMessageID()
	}
	msg.SetDate()
	// RFC 3834: tells auto-responders (out-of-office) not to answer.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// maxIDLocal bounds the readable form of a Message-ID's left part; longer
// keys are hashed.
const maxIDLocal = 200

// MessageID returns the Message-ID (without angle brackets) for key:
// "<local>@<domain>", where local is key with every byte other than
// A–Z, a–z, 0–9, '-' and '_' written as "=XX" (so distinct keys never
// share an id and the result is a valid RFC 5322 dot-atom), or, for very
// long keys, "=s" and the SHA-256 of the key in hex (the escape never
// yields "=s", so the two forms cannot meet).
func MessageID(key, domain string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	local := b.String()
	if len(local) > maxIDLocal {
		sum := sha256.Sum256([]byte(key))
		local = "=s" + hex.EncodeToString(sum[:])
	}
	if domain == "" {
		domain = "localhost"
	}
	return local + "@" + domain
}

// oneLine folds line breaks into spaces: a header value never spans lines.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as a test SMTP server got it.
type received struct {
	From string
	To   []string
	Data []byte
	HELO string
	TLS  bool   // the session was encrypted
	User string // the authenticated user, if any
}

// serverOptions shapes a test SMTP server.
type serverOptions struct {
	// cert enables TLS: STARTTLS, or TLS from the first byte if implicit.
	cert     *tls.Certificate
	implicit bool
	// users enables AUTH PLAIN with these username → password pairs, and
	// then requires it.
	users map[string]string
	// reject, if set, may refuse a stage ("mail", "rcpt", "data") of a
	// transaction; n counts the transactions that reached that stage, from 1.
	reject func(stage string, n int) error
}

// testServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 that records what it accepts.
type testServer struct {
	Host string
	Port int

	opts serverOptions

	mu       sync.Mutex
	got      []received
	attempts map[string]int
	// delivered receives every accepted message, for tests that wait for
	// one.
	delivered chan received
}

func startServer(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	ts := &testServer{opts: o, attempts: map[string]int{}, delivered: make(chan received, 1000)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{srv: ts, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // AUTH is tested over plain connections to 127.0.0.1 too
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	var err error
	if o.cert != nil {
		conf := &tls.Config{Certificates: []tls.Certificate{*o.cert}, MinVersion: tls.VersionTLS12}
		if o.implicit {
			l, err = tls.Listen("tcp", "127.0.0.1:0", conf)
		} else {
			srv.TLSConfig = conf
			l, err = net.Listen("tcp", "127.0.0.1:0")
		}
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// Serve may not have registered l with the server yet.
		_ = l.Close()
		<-done
	})
	host, port, _ := net.SplitHostPort(l.Addr().String())
	ts.Host = host
	ts.Port, _ = strconv.Atoi(port)
	return ts
}

// messages returns what the server accepted so far.
func (ts *testServer) messages() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.got...)
}

// config is an SMTPConfig pointing at the server.
func (ts *testServer) config() SMTPConfig {
	c := SMTPConfig{Host: ts.Host, Port: ts.Port, TLS: TLSNone, From: "dxatlas <noreply@dxatlas.example.org>", HELO: "node1.dxatlas.test"}
	if ts.opts.cert != nil {
		c.TLS = TLSStartTLS
		if ts.opts.implicit {
			c.TLS = TLSImplicit
		}
		c.InsecureSkipVerify = true
	}
	return c
}

func (ts *testServer) check(stage string) error {
	ts.mu.Lock()
	ts.attempts[stage]++
	n := ts.attempts[stage]
	ts.mu.Unlock()
	if ts.opts.reject == nil {
		return nil
	}
	return ts.opts.reject(stage, n)
}

type testSession struct {
	srv  *testServer
	conn *smtp.Conn
	user string
	cur  received
}

func (s *testSession) AuthMechanisms() []string {
	if s.srv.opts.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || s.srv.opts.users == nil {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		want, ok := s.srv.opts.users[username]
		if !ok || want != password {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	if err := s.srv.check("mail"); err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.cur = received{From: from, HELO: s.conn.Hostname(), TLS: isTLS, User: s.user}
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.srv.check("rcpt"); err != nil {
		return err
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.srv.check("data"); err != nil {
		return err
	}
	s.cur.Data = data
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, s.cur)
	s.srv.mu.Unlock()
	s.srv.delivered <- s.cur
	return nil
}

func (s *testSession) Reset()        { s.cur = received{} }
func (s *testSession) Logout() error { return nil }

// smtpError is a server reply for reject functions.
func smtpError(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
}

// selfSigned makes a certificate for 127.0.0.1 and localhost that no one
// trusts.
func selfSigned(t *testing.T) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "dxatlas test SMTP"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

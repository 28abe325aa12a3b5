// Package smtptest is a real SMTP server for tests (github.com/emersion/
// go-smtp's), on a loopback port: STARTTLS (or TLS from the start) with a
// certificate made for the test, AUTH PLAIN only once the connection is
// secure, every message recorded with its envelope, and replies on
// command — 421 to a connection, 451 or 550 to one recipient, 451 or 554
// to a message's data — for the tests of what the bot does with them.
package smtptest

import (
	"bytes"
	"context"
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
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string   // MAIL FROM
	To   []string // RCPT TO the server accepted, in order
	Data []byte   // the message as sent (RFC 5322)
	TLS  bool     // the connection was secured
	User string   // who authenticated ("" for nobody)
}

// Header parses the message's headers (mail.ReadMessage).
func (m Message) Header() mail.Header {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return mail.Header{}
	}
	return msg.Header
}

// Server is the test server.
type Server struct {
	Host string
	Port int
	// Username and Password are the only credentials AUTH accepts; with a
	// Username set, MAIL FROM needs AUTH first.
	Username, Password string

	pool *x509.CertPool
	srv  *smtp.Server

	mu       sync.Mutex
	messages []Message
	rules    map[string][]*rule // "connect", "data", or "rcpt:<address>"
	changed  chan struct{}
}

// rule is a reply the server gives a number of times (forever when
// times is 0).
type rule struct {
	code  int
	text  string
	times int
}

// Option changes the server.
type Option func(*config)

type config struct {
	implicitTLS, noTLS bool
	username, password string
}

// WithoutTLS makes a server that offers no STARTTLS (a relay).
func WithoutTLS() Option { return func(c *config) { c.noTLS = true } }

// ImplicitTLS makes the server speak TLS from the first byte (smtps).
func ImplicitTLS() Option { return func(c *config) { c.implicitTLS = true } }

// Auth makes the server require AUTH with these credentials.
func Auth(username, password string) Option {
	return func(c *config) { c.username, c.password = username, password }
}

// Start runs a server until the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	cert, pool, err := certificate()
	if err != nil {
		tb.Fatalf("smtptest: certificate: %v", err)
	}
	s := &Server{Username: c.username, Password: c.password, pool: pool, rules: map[string][]*rule{}, changed: make(chan struct{})}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if !c.noTLS {
		srv.TLSConfig = tc // STARTTLS offered
	}
	srv.AllowInsecureAuth = false
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	if c.implicitTLS {
		l, err = tls.Listen("tcp", "127.0.0.1:0", tc)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port, s.srv = "127.0.0.1", addr.Port, srv
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// ClientTLS is a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until the server has accepted n messages (or ctx ends) and
// returns them.
func (s *Server) Wait(ctx context.Context, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		got, ch := len(s.messages), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages(), nil
		}
		select {
		case <-ctx.Done():
			return s.Messages(), ctx.Err()
		case <-ch:
		}
	}
}

// RefuseConnect answers the next times connections (every one when times
// is 0) with code and text at EHLO ("421 4.3.2 try later").
func (s *Server) RefuseConnect(code int, text string, times int) { s.add("connect", code, text, times) }

// RefuseRcpt answers RCPT TO the address with code and text, the next
// times it is asked (always when times is 0).
func (s *Server) RefuseRcpt(addr string, code int, text string, times int) {
	s.add("rcpt:"+strings.ToLower(addr), code, text, times)
}

// RefuseData answers the end of the next times messages' data with code
// and text.
func (s *Server) RefuseData(code int, text string, times int) { s.add("data", code, text, times) }

func (s *Server) add(key string, code int, text string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules[key] = append(s.rules[key], &rule{code: code, text: text, times: times})
}

// reply returns the error a rule gives now, if one does.
func (s *Server) reply(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.rules[key]
	if len(rs) == 0 {
		return nil
	}
	r := rs[0]
	if r.times > 0 {
		r.times--
		if r.times == 0 {
			s.rules[key] = rs[1:]
		}
	}
	enh := smtp.EnhancedCode{r.code / 100, 0, 0}
	return &smtp.SMTPError{Code: r.code, EnhancedCode: enh, Message: r.text}
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if err := b.s.reply("connect"); err != nil {
		return nil, err
	}
	return &session{s: b.s, conn: c}, nil
}

// session is one connection's state.
type session struct {
	s    *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if x.s.Username == "" || username != x.s.Username || password != x.s.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		x.user = username
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.Username != "" && x.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	x.from, x.to = from, nil
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := x.s.reply("rcpt:" + strings.ToLower(to)); err != nil {
		return err
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	buf, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := x.s.reply("data"); err != nil {
		return err
	}
	_, secure := x.conn.TLSConnectionState()
	x.s.record(Message{From: x.from, To: append([]string(nil), x.to...), Data: buf, TLS: secure, User: x.user})
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and localhost,
// and a pool that trusts it.
func certificate() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

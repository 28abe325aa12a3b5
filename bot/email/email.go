// Package email sends the bot's emails through an SMTP server: it is the
// outbox's bot.Chat for bot.PlatformEmail. Messages are written with
// github.com/wneessen/go-mail (RFC 5322 headers, RFC 2047 encoded words
// for names and subjects outside ASCII, quoted-printable UTF-8 bodies), and
// go-mail's client connects: STARTTLS required, TLS from the start, or no
// TLS for a relay nearby, and SMTP AUTH (the best mechanism the server
// offers, never a password in the clear). The mail transaction itself is
// driven here, one RCPT at a time, so that a server that refuses some
// recipients still delivers to the others, and each refusal is reported
// with the server's answer.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The security of the connection to the server.
const (
	StartTLS = "starttls" // plain connection, STARTTLS required before anything else
	TLS      = "tls"      // TLS from the first byte (smtps, port 465)
	NoTLS    = "none"     // no TLS (a relay on the same host or network); no AUTH
)

// Sender sends emails through one SMTP server.
type Sender struct {
	Host     string
	Port     int
	Security string // StartTLS, TLS or NoTLS
	Username string // "" for no AUTH
	Password string
	// HELO is the name the client gives in EHLO (the host name when "").
	HELO string
	// TLSConfig, if set, is used for STARTTLS and TLS (tests trust their
	// own certificate with it); else the system's roots and Host.
	TLSConfig *tls.Config
	// Timeout bounds the connection and each command (30s when 0).
	Timeout time.Duration
}

var _ bot.Chat = (*Sender)(nil)

// Platform is bot.PlatformEmail.
func (s *Sender) Platform() string { return bot.PlatformEmail }

// client is go-mail's client for the server.
func (s *Sender) client() (*gomail.Client, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	helo := s.HELO
	if helo == "" {
		helo, _ = os.Hostname()
	}
	if helo == "" {
		helo = "localhost"
	}
	tc := s.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(timeout), gomail.WithHELO(helo), gomail.WithTLSConfig(tc)}
	switch s.Security {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp: unknown security %q", s.Security)
	}
	if s.Username != "" {
		if s.Security == NoTLS {
			return nil, errors.New("smtp: no AUTH without TLS (a password is never sent in the clear)")
		}
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	return gomail.NewClient(s.Host, opts...)
}

// dial connects, says EHLO, secures the connection and authenticates.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	c, err := s.client()
	if err != nil {
		return nil, err
	}
	cl, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	return cl, nil
}

func (s *Sender) addr() string { return s.Host + ":" + strconv.Itoa(s.Port) }

// Check connects to the server, says EHLO and authenticates, and sends
// nothing: "config check --online". It says what it found.
func (s *Sender) Check(ctx context.Context) (string, error) {
	cl, err := s.dial(ctx)
	if err != nil {
		return "", err
	}
	defer cl.Close()
	what := "EHLO ok"
	if st, err := cl.GetTLSConnectionState(); err == nil && st.HandshakeComplete {
		what += ", " + tls.VersionName(st.Version)
	} else {
		what += ", no TLS"
	}
	if s.Username != "" {
		what += ", AUTH ok as " + s.Username
	}
	if err := cl.Quit(); err != nil {
		return "", fmt.Errorf("smtp %s: QUIT: %w", s.addr(), err)
	}
	return what + " at " + s.addr(), nil
}

// Deliver sends d.Mail to its recipients in one mail transaction. A
// recipient the server refuses is reported in Delivered.Refused (with
// its answer; Permanent for a 5xx) while the others get the message; when
// it refuses every recipient for the moment only (4xx), or the connection,
// MAIL FROM or DATA fails, Deliver fails with a bot.DeliveryError that
// says whether retrying can help.
func (s *Sender) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	if d.Mail == nil {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_message", Permanent: true, Err: errors.New("no email in the delivery")}
	}
	msg, err := Compose(d.Mail)
	if err != nil {
		return bot.Delivered{}, &bot.DeliveryError{Code: "compose", Permanent: true, Err: err}
	}
	rcpts := d.Mail.Recipients()
	if len(rcpts) == 0 {
		return bot.Delivered{}, &bot.DeliveryError{Code: "no_recipients", Permanent: true, Err: errors.New("the email has no recipient")}
	}
	cl, err := s.dial(ctx)
	if err != nil {
		return bot.Delivered{}, smtpError("connect", err)
	}
	defer cl.Close()
	// The transaction must end when ctx does (the dispatcher's timeout).
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	if err := cl.Mail(d.Mail.From.Email); err != nil {
		return bot.Delivered{}, smtpError("MAIL FROM", err)
	}
	var refused []bot.MailRefusal
	accepted := 0
	for _, r := range rcpts {
		if err := cl.Rcpt(r); err != nil {
			code, answer := reply(err)
			if code == 0 {
				return bot.Delivered{}, smtpError("RCPT TO", err)
			}
			refused = append(refused, bot.MailRefusal{Address: r, Answer: answer, Permanent: code >= 500})
			continue
		}
		accepted++
	}
	if accepted == 0 {
		_ = cl.Reset()
		permanent := false
		for _, r := range refused {
			permanent = permanent || r.Permanent
		}
		if !permanent {
			// Every recipient deferred: try the whole message again later.
			return bot.Delivered{}, &bot.DeliveryError{Code: "smtp_rcpt_deferred", Err: errors.New(refusedText(refused))}
		}
		_ = cl.Quit()
		return bot.Delivered{Refused: refused}, nil
	}
	w, err := cl.Data()
	if err != nil {
		return bot.Delivered{}, smtpError("DATA", err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return bot.Delivered{}, smtpError("DATA", err)
	}
	if err := w.Close(); err != nil {
		return bot.Delivered{}, smtpError("end of DATA", err)
	}
	_ = cl.Quit()
	return bot.Delivered{MessageID: d.Mail.MessageID, Refused: refused}, nil
}

// reply is the server's code and answer in an error ("550 5.1.1 no such
// user"), or 0 when the error is not a server's reply.
func reply(err error) (int, string) {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code, strings.Join(strings.Fields(strconv.Itoa(te.Code)+" "+te.Msg), " ")
	}
	return 0, err.Error()
}

// smtpError turns a failure into a DeliveryError: a 5xx answer to the
// message (MAIL FROM, DATA) is permanent; anything else (4xx, a
// connection that failed or was cut, and a refused connection, STARTTLS
// or AUTH, which are the configuration's to fix) is worth retrying until
// the outbox gives up. Code is "smtp_<code>" ("smtp_421") or
// "smtp_<stage>".
func smtpError(stage string, err error) *bot.DeliveryError {
	code, _ := reply(err)
	if code == 0 {
		c := "smtp_" + strings.ToLower(strings.ReplaceAll(stage, " ", "_"))
		return &bot.DeliveryError{Code: c, Err: fmt.Errorf("%s: %w", stage, err)}
	}
	return &bot.DeliveryError{Code: "smtp_" + strconv.Itoa(code), Permanent: code >= 500 && stage != "connect", Err: fmt.Errorf("%s: %w", stage, err)}
}

func refusedText(rs []bot.MailRefusal) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.Address + ": " + r.Answer
	}
	return strings.Join(s, "; ")
}

// Compose writes the message with go-mail: From, Reply-To, To, Cc (never
// Bcc: those are only in the envelope), Subject, Date, Message-ID,
// In-Reply-To and References; a text/plain UTF-8 body in quoted-printable.
// Names and the subject outside ASCII are RFC 2047 encoded words.
func Compose(m *bot.Email) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	addr := func(b bot.Mailbox) (*mail.Address, error) {
		a, err := mail.ParseAddress(b.Email)
		if err != nil {
			return nil, fmt.Errorf("%q is not an email address: %w", b.Email, err)
		}
		return &mail.Address{Name: b.Name, Address: a.Address}, nil
	}
	list := func(bs []bot.Mailbox) ([]*mail.Address, error) {
		var out []*mail.Address
		for _, b := range bs {
			a, err := addr(b)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	}
	from, err := addr(m.From)
	if err != nil {
		return nil, err
	}
	msg.FromMailAddress(from)
	for _, h := range []struct {
		h  gomail.AddrHeader
		bs []bot.Mailbox
	}{{gomail.HeaderReplyTo, m.ReplyTo}, {gomail.HeaderTo, m.To}, {gomail.HeaderCc, m.Cc}} {
		if len(h.bs) == 0 {
			continue
		}
		as, err := list(h.bs)
		if err != nil {
			return nil, err
		}
		msg.SetAddrHeaderFromMailAddress(h.h, as...)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(m.Date)
	msg.SetMessageIDWithValue(m.MessageID)
	if m.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+m.InReplyTo+">")
	}
	if len(m.References) > 0 {
		refs := make([]string, len(m.References))
		for i, r := range m.References {
			refs[i] = "<" + r + ">"
		}
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return msg, nil
}

// Render is the message as it goes over the wire (RFC 5322).
func Render(m *bot.Email) ([]byte, error) {
	msg, err := Compose(m)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

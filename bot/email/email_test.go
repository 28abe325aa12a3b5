package email_test

import (
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/email"
	"github.com/ietf-tools/liaisonbot/bot/email/smtptest"
)

func sender(s *smtptest.Server, security string) *email.Sender {
	return &email.Sender{Host: s.Host, Port: s.Port, Security: security, Username: s.Username, Password: s.Password,
		HELO: "bot.example.org", TLSConfig: s.ClientTLS(), Timeout: 10 * time.Second}
}

func message() *bot.Email {
	return &bot.Email{
		Kind: bot.MailPosted, MessageID: "ls-12.posted.34.1764924000@example.org",
		Date:      time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC),
		From:      bot.Mailbox{Name: "Liaison Statements", Email: "liaisons@example.org"},
		ReplyTo:   []bot.Mailbox{{Name: "Jürgen Schönwälder", Email: "j.schoenwaelder@example.org"}},
		To:        []bot.Mailbox{{Name: "Håkon Ødegård", Email: "hakon@3gpp.example"}, {Email: "ct@3gpp.example"}},
		Cc:        []bot.Mailbox{{Name: "IAB liaison coordinators", Email: "liaison-coordination@iab.org"}},
		Bcc:       []bot.Mailbox{{Email: "archive@example.org"}},
		Subject:   `New Liaison Statement, "Réponse sur les modèles YANG — 第二版"`,
		InReplyTo: "ls-9.posted.20.1764000000@example.org", References: []string{"ls-9.posted.20.1764000000@example.org"},
		Body: "Title: Réponse sur les modèles YANG — 第二版\nPurpose: For Action\nBody: Merci.\n",
	}
}

func decode(t *testing.T, s string) string {
	t.Helper()
	out, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return out
}

func body(t *testing.T, m smtptest.Message) string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatal(err)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Fatalf("Content-Transfer-Encoding = %q", cte)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func TestSender_StartTLSAuthEnvelopeHeadersAndBody(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Auth("bot", "s3cret"))
	res, err := sender(srv, email.StartTLS).Deliver(context.Background(), bot.Delivery{Mail: message()})
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID != "ls-12.posted.34.1764924000@example.org" || len(res.Refused) != 0 {
		t.Fatalf("delivered %+v", res)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if !m.TLS || m.User != "bot" || m.From != "liaisons@example.org" {
		t.Fatalf("TLS %v, user %q, from %q", m.TLS, m.User, m.From)
	}
	want := []string{"hakon@3gpp.example", "ct@3gpp.example", "liaison-coordination@iab.org", "archive@example.org"}
	if !reflect.DeepEqual(m.To, want) {
		t.Fatalf("envelope %v, want %v", m.To, want)
	}
	h := m.Header()
	raw := string(m.Data)
	if strings.Contains(raw, "archive@example.org") {
		t.Fatalf("the Bcc address is in the message:\n%s", raw)
	}
	if got := decode(t, h.Get("Subject")); got != message().Subject {
		t.Fatalf("Subject %q", got)
	}
	if !strings.Contains(h.Get("Subject"), "=?UTF-8?") {
		t.Fatalf("Subject not RFC 2047 encoded: %q", h.Get("Subject"))
	}
	to, err := h.AddressList("To")
	if err != nil {
		t.Fatal(err)
	}
	if to[0].Name != "Håkon Ødegård" || to[0].Address != "hakon@3gpp.example" || to[1].Address != "ct@3gpp.example" {
		t.Fatalf("To %v", to)
	}
	if strings.Contains(h.Get("To"), "Håkon") {
		t.Fatalf("non-ASCII name sent raw: %q", h.Get("To"))
	}
	rt, err := h.AddressList("Reply-To")
	if err != nil || rt[0].Name != "Jürgen Schönwälder" {
		t.Fatalf("Reply-To %v %v", rt, err)
	}
	from, err := h.AddressList("From")
	if err != nil || from[0].String() != `"Liaison Statements" <liaisons@example.org>` {
		t.Fatalf("From %v %v", from, err)
	}
	for k, v := range map[string]string{
		"Message-Id":  "<ls-12.posted.34.1764924000@example.org>",
		"In-Reply-To": "<ls-9.posted.20.1764000000@example.org>",
		"References":  "<ls-9.posted.20.1764000000@example.org>",
		"Date":        "Sat, 05 Dec 2026 10:00:00 +0000",
		"Cc":          `"IAB liaison coordinators" <liaison-coordination@iab.org>`,
	} {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := body(t, m); got != message().Body {
		t.Fatalf("body %q", got)
	}
}

func TestSender_ImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.ImplicitTLS(), smtptest.Auth("bot", "pw"))
	if _, err := sender(srv, email.TLS).Deliver(context.Background(), bot.Delivery{Mail: message()}); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || !m[0].TLS || m[0].User != "bot" {
		t.Fatalf("%+v", m)
	}
}

func TestSender_StartTLSIsRequired(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutTLS())
	_, err := sender(srv, email.StartTLS).Deliver(context.Background(), bot.Delivery{Mail: message()})
	de := bot.AsDeliveryError(err)
	if err == nil || de.Permanent || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("sent without TLS")
	}
}

func TestSender_NoPasswordWithoutTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithoutTLS())
	s := sender(srv, email.NoTLS)
	s.Username, s.Password = "bot", "pw"
	if _, err := s.Deliver(context.Background(), bot.Delivery{Mail: message()}); err == nil {
		t.Fatal("a password would have gone without TLS")
	}
	s.Username, s.Password = "", ""
	if _, err := s.Deliver(context.Background(), bot.Delivery{Mail: message()}); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].TLS {
		t.Fatalf("%+v", m)
	}
}

func TestSender_OneRecipientRefusedOthersGetIt(t *testing.T) {
	srv := smtptest.Start(t)
	srv.RefuseRcpt("ct@3gpp.example", 550, "no such user", 0)
	srv.RefuseRcpt("liaison-coordination@iab.org", 451, "greylisted, try again", 1)
	res, err := sender(srv, email.StartTLS).Deliver(context.Background(), bot.Delivery{Mail: message()})
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.MailRefusal{
		{Address: "ct@3gpp.example", Answer: "550 5.0.0 no such user", Permanent: true},
		{Address: "liaison-coordination@iab.org", Answer: "451 4.0.0 greylisted, try again"},
	}
	if !reflect.DeepEqual(res.Refused, want) {
		t.Fatalf("refused %+v", res.Refused)
	}
	m := srv.Messages()
	if len(m) != 1 || !reflect.DeepEqual(m[0].To, []string{"hakon@3gpp.example", "archive@example.org"}) {
		t.Fatalf("%+v", m)
	}
}

func TestSender_Failures(t *testing.T) {
	everyone := func(srv *smtptest.Server, code int, text string) {
		for _, a := range message().Recipients() {
			srv.RefuseRcpt(a, code, text, 1)
		}
	}
	for _, tc := range []struct {
		name      string
		setup     func(*smtptest.Server)
		code      string
		permanent bool
	}{
		{"421 at connection", func(s *smtptest.Server) { s.RefuseConnect(421, "too busy", 2) }, "smtp_421", false},
		{"451 for every recipient", func(s *smtptest.Server) { everyone(s, 451, "try later") }, "smtp_rcpt_deferred", false},
		{"451 at data", func(s *smtptest.Server) { s.RefuseData(451, "local error", 1) }, "smtp_451", false},
		{"554 at data", func(s *smtptest.Server) { s.RefuseData(554, "rejected as spam", 1) }, "smtp_554", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			tc.setup(srv)
			_, err := sender(srv, email.StartTLS).Deliver(context.Background(), bot.Delivery{Mail: message()})
			if err == nil {
				t.Fatal("delivered")
			}
			de := bot.AsDeliveryError(err)
			if de.Code != tc.code || de.Permanent != tc.permanent {
				t.Fatalf("code %q permanent %v: %v", de.Code, de.Permanent, err)
			}
			if len(srv.Messages()) != 0 {
				t.Fatal("a message was accepted")
			}
		})
	}
}

func TestSender_EveryRecipientRefusedForGood(t *testing.T) {
	srv := smtptest.Start(t)
	for _, a := range message().Recipients() {
		srv.RefuseRcpt(a, 550, "unknown", 0)
	}
	res, err := sender(srv, email.StartTLS).Deliver(context.Background(), bot.Delivery{Mail: message()})
	if err != nil || len(res.Refused) != 4 || res.MessageID != "" {
		t.Fatalf("%+v %v", res, err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("accepted")
	}
}

func TestSender_Check(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Auth("bot", "right"))
	s := sender(srv, email.StartTLS)
	got, err := s.Check(context.Background())
	if err != nil || !strings.Contains(got, "AUTH ok as bot") || !strings.Contains(got, "TLS") {
		t.Fatalf("%q %v", got, err)
	}
	s.Password = "wrong"
	if _, err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("wrong password: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Fatal("check sent a message")
	}
}

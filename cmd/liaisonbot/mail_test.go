package main

import (
	"context"
	"mime"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/email/smtptest"
)

func TestConfigCheck_OnlineTriesTheSMTPServerWithoutSending(t *testing.T) {
	relay := smtptest.Start(t, smtptest.WithoutTLS())
	env := testEnv(t)
	env["LIAISONBOT_SMTP_URL"] = "smtp://127.0.0.1:" + strconv.Itoa(relay.Port)
	env["LIAISONBOT_MAIL_FROM"] = "IETF Liaisons <liaisons@example.org>"
	code, out, errs := run(t, env, "", "config", "check", "--online")
	if code != 0 || !regexp.MustCompile(`smtp\s+ok\s+EHLO ok, no TLS at 127\.0\.0\.1:\d+ \(no message sent\)`).MatchString(out) {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	// STARTTLS required, and the server has none: reported, exit 1.
	env["LIAISONBOT_SMTP_URL"] = "smtp+starttls://bot:pw@127.0.0.1:" + strconv.Itoa(relay.Port)
	code, out, errs = run(t, env, "", "config", "check", "--online")
	if code != 1 || !regexp.MustCompile(`smtp\s+FAILED\s+LIAISONBOT_SMTP_URL: .*STARTTLS`).MatchString(out) || strings.Contains(out, "pw@") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	if len(relay.Messages()) != 0 {
		t.Fatal("config check sent a message")
	}
	// A password over smtp:// is refused before anything is tried.
	env["LIAISONBOT_SMTP_URL"] = "smtp://bot:pw@127.0.0.1:" + strconv.Itoa(relay.Port)
	if code, _, errs := run(t, env, "", "config", "check"); code == 0 || !strings.Contains(errs, "LIAISONBOT_SMTP_URL") || !strings.Contains(errs, "never sent without") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestConsole_PostWithoutSMTPGivesTheMessageToSendByHand(t *testing.T) {
	env := testEnv(t)
	code, out, errs := run(t, env, `submit from=opsawg to=3GPP purpose=info title="Réponse" body="Merci." to-contact=ct@3gpp.example approved=yes`+"\n", "console")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"No email was sent: no SMTP server is configured (LIAISONBOT_SMTP_URL)", "To: ct@3gpp.example",
		`Subject: New Liaison Statement, "Réponse"`, "Body: Merci."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = run(t, env, "", "outbox")
	if !strings.Contains(out, "0 pending, 0 failed") {
		t.Errorf("an email was queued without SMTP:\n%s", out)
	}
}

// The console writes the email with the change; serve's dispatcher sends
// it through the configured relay, once.
func TestServe_SendsTheEmailsAnyProcessWrote(t *testing.T) {
	relay := smtptest.Start(t, smtptest.WithoutTLS())
	fake := newFakeSlack(t)
	env := serveEnv(t, fake)
	env["LIAISONBOT_SMTP_URL"] = "smtp://127.0.0.1:" + strconv.Itoa(relay.Port)
	env["LIAISONBOT_MAIL_FROM"] = "IETF Liaisons <liaisons@example.org>"
	env["LIAISONBOT_MAIL_BCC"] = "archive@example.org"
	env["LIAISONBOT_ADMINS"] = "console:local"
	code, out, errs := run(t, env, `submit from=opsawg to=3GPP purpose=info title="Réponse sur YANG" body="Merci." to-contact="Håkon Ødegård <hakon@3gpp.example>, The 3GPP CT chair" approved=yes`+"\n", "console")
	if code != 0 || !strings.Contains(out, "Emailing the statement — To: Håkon Ødegård <hakon@3gpp.example>; Cc: IAB liaison coordinators <liaison-coordination@iab.org>; Bcc: archive@example.org.") ||
		!strings.Contains(out, "No address on record for The 3GPP CT chair: they do not get it.") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	_, out, _ = run(t, env, "", "outbox")
	if !strings.Contains(out, "email:hakon@3gpp.example,liaison-coordination@iab.org,archive@example.org") {
		t.Errorf("outbox:\n%s", out)
	}

	s := startServe(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := relay.Wait(ctx, 1)
	if err != nil {
		t.Fatalf("no email arrived: %v\n%s", err, s.log.String())
	}
	m := msgs[0]
	if !reflect.DeepEqual(m.To, []string{"hakon@3gpp.example", "liaison-coordination@iab.org", "archive@example.org"}) || m.From != "liaisons@example.org" {
		t.Errorf("envelope %q → %v", m.From, m.To)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header().Get("Subject"))
	if subject != `New Liaison Statement, "Réponse sur YANG"` {
		t.Errorf("subject %q", subject)
	}
	if to, err := m.Header().AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Håkon Ødegård" || !strings.Contains(m.Header().Get("To"), "=?utf-8?") {
		t.Errorf("To %q: %v %v", m.Header().Get("To"), to, err)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	if n := len(relay.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	if !strings.Contains(s.log.String(), "email=smtp://127.0.0.1:") {
		t.Errorf("the start-up line does not say email:\n%s", s.log.String())
	}
}

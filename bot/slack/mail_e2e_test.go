package slack

import (
	"context"
	"mime"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/email"
	"github.com/ietf-tools/liaisonbot/bot/email/smtptest"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
)

// A statement submitted with a signed slash command, approved and posted
// the same way, arrives at the SMTP server (STARTTLS, AUTH) as the
// Datatracker sends it; its approval request went to the coordinators
// (3GPP's manager has no address on record).
func TestEndToEnd_SubmittedApprovedPostedArrivesBySMTP(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Auth("liaisonbot", "s3cret"))
	e := newTestEnv(t)
	aud := bot.Audience{Platforms: []string{bot.PlatformSlack}, Liaison: map[string]string{bot.PlatformSlack: "CLIAISON"},
		Mail: bot.MailPolicy{Send: true, From: bot.Mailbox{Name: "IETF Liaisons", Email: "liaisons@example.org"},
			PublicURL: "https://liaisons.example.org", Location: time.UTC}}
	e.router.Audience = aud

	w := e.slash("USUB", "C1", `submit to=3GPP from=opsawg purpose=info title="Réponse sur les modèles YANG" `+
		`body="Please find our answer." to-contact=hakon@3gpp.example response-contact=sub@example.org`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "LS-1") || !strings.Contains(w.Body.String(), "Approval request emailed to IAB liaison coordinators") {
		t.Fatalf("submit answered %d %s", w.Code, w.Body)
	}
	if w := e.slash("UADMIN", "C1", "approve LS-1"); w.Code != 200 || !strings.Contains(w.Body.String(), "approved") {
		t.Fatalf("approve answered %d %s", w.Code, w.Body)
	}
	w = e.slash("UADMIN", "C1", "post LS-1")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Emailing the statement — To: hakon@3gpp.example; Cc: sub@example.org, IAB liaison coordinators &lt;liaison-coordination@iab.org&gt;.") {
		t.Fatalf("post answered %d %s", w.Code, w.Body)
	}

	d := &outbox.Dispatcher{Store: e.db, Audience: aud, Logger: quietLogger(), Chats: map[string]bot.Chat{
		bot.PlatformSlack: e.adapter,
		bot.PlatformEmail: &email.Sender{Host: srv.Host, Port: srv.Port, Security: email.StartTLS, Username: "liaisonbot", Password: "s3cret",
			TLSConfig: srv.ClientTLS(), Timeout: 10 * time.Second},
	}}
	for i := 0; i < 100; i++ {
		st, err := e.db.OutboxStats(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending == 0 {
			break
		}
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages arrived", len(msgs))
	}
	byKind := map[string]smtptest.Message{}
	for _, m := range msgs {
		id := m.Header().Get("Message-Id")
		switch {
		case strings.HasPrefix(id, "<ls-1.approval."):
			byKind["approval"] = m
		case strings.HasPrefix(id, "<ls-1.posted."):
			byKind["posted"] = m
		}
	}
	if m := byKind["approval"]; !reflect.DeepEqual(m.To, []string{"liaison-coordination@iab.org"}) {
		t.Errorf("approval request to %v", m.To)
	}
	p := byKind["posted"]
	if !reflect.DeepEqual(p.To, []string{"hakon@3gpp.example", "sub@example.org", "liaison-coordination@iab.org"}) ||
		p.From != "liaisons@example.org" || !p.TLS || p.User != "liaisonbot" {
		t.Fatalf("posted: from %q to %v TLS %v user %q", p.From, p.To, p.TLS, p.User)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(p.Header().Get("Subject"))
	if subject != `New Liaison Statement, "Réponse sur les modèles YANG"` {
		t.Errorf("subject %q", subject)
	}
	if got := p.Header().Get("Reply-To"); got != "<sub@example.org>" {
		t.Errorf("Reply-To %q", got)
	}
	// The chat heard about it too, as before.
	if len(e.fake.Calls("chat.postMessage")) == 0 {
		t.Error("no notice in Slack")
	}
}

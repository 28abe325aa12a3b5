package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

func mailHarness(t *testing.T, send bool) *harness {
	h := newHarness(t)
	h.router.PublicURL = "https://liaisons.example.org"
	h.router.Audience = bot.Audience{Mail: bot.MailPolicy{Send: send, From: bot.Mailbox{Name: "IETF Liaisons", Email: "liaisons@example.org"},
		Bcc: []bot.Mailbox{{Email: "archive@example.org"}}, PublicURL: "https://liaisons.example.org"}}
	return h
}

func TestPreview_TheExactMessageBeforePosting(t *testing.T) {
	h := mailHarness(t, true)
	out := h.do(as(""), `submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Réponse sur les modèles YANG" body="Voir ci-joint." to-contact=ct@3gpp.example cc=cc@example.org technical-contact=tech@example.org`)
	mustContain(t, out, "Submitted LS-1", "Approval request emailed to IAB liaison coordinators <liaison-coordination@iab.org>.")
	out = h.do(as("someone@example.org"), "preview LS-1")
	mustContain(t, out,
		"The email “post LS-1” sends:",
		"From: IETF Liaisons <liaisons@example.org>",
		"To: ct@3gpp.example",
		"Cc: cc@example.org, tech@example.org, IAB liaison coordinators <liaison-coordination@iab.org>",
		"Bcc: archive@example.org",
		`Subject: New Liaison Statement, "Réponse sur les modèles YANG"`,
		"Title: Réponse sur les modèles YANG",
		"URL of the IETF Web page: https://liaisons.example.org/statements/LS-1",
		"Please reply by 2027-01-15",
		"Technical Contact: tech@example.org",
		"Body: Voir ci-joint.")
	if strings.Contains(out, "Message-ID") || strings.Contains(out, "No SMTP server") {
		t.Errorf("preview:\n%s", out)
	}
	// Previewing wrote nothing.
	list, err := h.db.OutboxList(context.Background(), 100)
	if err != nil || len(list) != 1 {
		t.Fatalf("outbox after preview: %d rows %v", len(list), err)
	}
	// Posting sends exactly that, and says to whom.
	h.do(as(""), "approve LS-1")
	out = h.do(as(""), "post LS-1")
	mustContain(t, out, "Emailing the statement — To: ct@3gpp.example; Cc: cc@example.org, tech@example.org, IAB liaison coordinators <liaison-coordination@iab.org>; Bcc: archive@example.org.")
	list, _ = h.db.OutboxList(context.Background(), 100)
	if len(list) != 2 || list[1].Kind != bot.NoticeMail || strings.Join(list[1].Recipients, " ") != "ct@3gpp.example cc@example.org tech@example.org liaison-coordination@iab.org archive@example.org" {
		t.Fatalf("outbox after post: %+v", list)
	}
}

func TestPreview_IncomingAndUnknown(t *testing.T) {
	h := mailHarness(t, false)
	h.do(as(""), `submit from=3GPP to=opsawg purpose=info title="Incoming" body="x"`)
	mustContain(t, h.do(as(""), "preview LS-1"), "LS-1 is incoming")
	mustContain(t, h.do(as(""), "preview LS-99"), "LS-99")
	mustContain(t, h.do(as(""), "preview"), "Usage: preview LS-<n>")
	h.do(as(""), `submit to=3GPP from=opsawg purpose=info title="Out" body="x"`)
	mustContain(t, h.do(as(""), "preview LS-2"), "No SMTP server is configured (LIAISONBOT_SMTP_URL): “post” will not send it")
}

func TestReopen_AsksTheApproversAgain(t *testing.T) {
	h := mailHarness(t, true)
	h.do(as(""), `submit to=3GPP from=opsawg purpose=info title="Again" body="x"`)
	h.do(as(""), "kill LS-1 wrong group")
	mustContain(t, h.do(as(""), "reopen LS-1"), "Approval request emailed to")
	list, _ := h.db.OutboxList(context.Background(), 100)
	n := 0
	for _, e := range list {
		if e.Kind == bot.NoticeMail {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d approval requests, want 2 (submission, reopening)", n)
	}
}

func TestPost_SaysWhenNobodyIsInTo(t *testing.T) {
	h := mailHarness(t, true)
	// BBF has no contact point on record in the bundled directory; the
	// To contact is a role without an address.
	out := h.do(as(""), `submit to=BBF from=opsawg purpose=info title="Hello" body="x" to-contact="The BBF liaison" approved=yes`)
	mustContain(t, out, "Emailing the statement — To: nobody; Cc: IAB liaison coordinators <liaison-coordination@iab.org>; Bcc: archive@example.org.",
		"No address on record for The BBF liaison: they do not get it.", "Nobody is in To")
}

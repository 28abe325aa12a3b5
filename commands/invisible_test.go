package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// hasInvisible reports whether s still holds a bidi control or a
// zero-width character.
func hasInvisible(s string) bool { return strings.IndexFunc(s, bot.Invisible) >= 0 }

// The report: a title like "abc\u202egnp.exe" was stored as it was
// typed and shown as "abcexe.png". Titles, names and organization names
// lose their invisible characters before validation, on every way in.
func TestInvisibleCharacters_RemovedFromStatements(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	// Inline, from the console.
	mustContain(t, h.do(admin, "submit to=\"BBF\u200b\" from=ops\u2060awg purpose=info title=\"Minutes of the TR-069 call\u202egnp.exe\" body=\"See the attachment.\" response-contact=\"\ufeffbbf-liaison@ietf.org\""),
		"Submitted LS-1 “Minutes of the TR-069 callgnp.exe”")
	// A title of nothing but invisible characters is no title.
	out := h.do(admin, "submit to=BBF from=opsawg purpose=info title=\"\u200b\u202e\" body=x")
	mustContain(t, out, "Title? (required)")
	h.do(admin, "cancel")

	// A Slack modal from a user whose display name carries an override.
	resp := h.router.Handle(ctx, &bot.Request{Platform: bot.PlatformSlack, Modal: true,
		Actor: bot.Actor{Platform: bot.PlatformSlack, UserID: "U0MALLORY", Name: "Mallory\u202e yrellaM", Email: "mallory@example.org"},
		Submit: &bot.FormSubmission{Key: "V1", Values: map[string]string{bot.FDirection: "incoming", bot.FOrg: "\u2066BBF\u2069",
			bot.FGroup: "opsawg", bot.FPurpose: "info", bot.FTitle: "\u202bTR-181 Issue 2 Amendment 18\u202c", bot.FBody: "For information."}}})
	if resp.Outcome != "" {
		t.Fatalf("modal submission: %q\n%s", resp.Outcome, renderResp(resp))
	}
	for id, want := range map[int64]string{1: "Minutes of the TR-069 callgnp.exe", 2: "TR-181 Issue 2 Amendment 18"} {
		s := h.statement(id)
		if s.Title != want || s.To != "BBF" && s.From != "BBF" || hasInvisible(s.SubmitterName) || hasInvisible(s.ResponseContacts.String()) {
			t.Errorf("LS-%d stored as %q from %q to %q by %q, contacts %q", id, s.Title, s.From, s.To, s.SubmitterName, s.ResponseContacts)
		}
		events, _ := h.db.Events(ctx, id)
		for _, e := range events {
			if hasInvisible(e.By) {
				t.Errorf("LS-%d: event by %q", id, e.By)
			}
		}
	}
	if got := h.statement(2).SubmitterName; got != "Mallory yrellaM" {
		t.Errorf("submitter name %q", got)
	}

	// Admin edits of the directory.
	h.mustChange(admin, "admin org add \"ACME\u200b\" \"Acme\u202e Standards Organization\"")
	h.mustChange(admin, "admin manager add ACME \"Jane\u200d Doe\" jane\u200b@acme.example")
	acme := h.org("ACME")
	if acme == nil || acme.Name != "Acme Standards Organization" || len(acme.Managers) != 1 ||
		acme.Managers[0].Name != "Jane Doe" || acme.Managers[0].Email != "jane@acme.example" {
		t.Fatalf("ACME as stored: %+v", acme)
	}
	// "ACME" with a zero-width joiner is the same acronym, not a second one.
	h.mustRefuse(admin, "admin org add \"AC\u200dME\" Another", bot.ECONFLICT, "“ACME” already names")
}

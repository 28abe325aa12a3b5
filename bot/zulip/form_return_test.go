package zulip

import (
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// In a Zulip DM with a form open: a mention of the bot makes the line a
// command, a command where the line is no answer runs and says the form
// waits, and a DM after a pause is told first where the form stands.
func TestAdapter_DMFormLetsCommandsThroughAndGreetsAReturningUser(t *testing.T) {
	h := newBotHarness(t)
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example"})
	h.start()
	h.router.Now = h.now
	wantQuestion(t, h.dm(alice, "submit 3gpp", 1)[0], "Direction")
	wantQuestion(t, h.dm(alice, "outgoing", 1)[0], "IETF groups")

	// "list" is no IETF group: it runs, and the form waits.
	got := h.dm(alice, "list", 2)
	if !strings.Contains(got[0].Content, "Open statements") || !strings.Contains(got[1].Content, "still open at question 3 of 15 (IETF groups)") {
		t.Fatalf("list mid-form:\n%s\n---\n%s", got[0].Content, got[1].Content)
	}
	wantQuestion(t, h.dm(alice, "opsawg", 1)[0], "Title")
	// At the title a bare line is the title; a mention makes it a command.
	got = h.dm(alice, "@**"+h.srv.Bot.FullName+"** contact w3c", 2)
	if !strings.Contains(got[0].Content, "World Wide Web Consortium") || !strings.Contains(got[1].Content, "still open at question 4 of 15 (Title)") {
		t.Fatalf("a mention mid-form:\n%s\n---\n%s", got[0].Content, got[1].Content)
	}

	// Two hours later: the first DM gets one line about the form first.
	h.advance(2 * time.Hour)
	got = h.dm(alice, "contact 3gpp", 2)
	want := "You have an unfinished statement to 3GPP (question 4 of 15, started 2 hours ago): answer it, “form” to see it, or “cancel”."
	if got[0].Content != want {
		t.Fatalf("returning user's first line:\n%q\nwant\n%q", got[0].Content, want)
	}
	if !strings.Contains(got[1].Content, "3rd Generation Partnership Project") {
		t.Fatalf("the command after the line:\n%s", got[1].Content)
	}
	// Told once: the next line is the title.
	wantQuestion(t, h.dm(alice, "Review of YANG models", 1)[0], "Purpose")
}

package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/commands"
)

// FuzzCommandLine feeds arbitrary command lines to the real router (on a
// real database): it always answers, never with an internal error.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"contact 3gpp", "/liaison who ITU T", "help submit", "list overdue org 3GPP page 2", "show LS-1",
		`submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="x" body=y`, "approve LS-1 ok", "kill LS-1",
		"search \"yang", "snooze LS-1 9999", "nudge LS-0", "subscribe all", "\x00\xff", "list page -1", "reply LS-99999999999999999999",
	} {
		f.Add(s)
	}
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, line string) {
		resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: as(""), Channel: bot.Channel{DM: true}, Text: line})
		if resp == nil || len(resp.Messages) == 0 && resp.Form == nil {
			t.Fatalf("%q: no answer", line)
		}
		if resp.Outcome == bot.EINTERNAL {
			t.Fatalf("%q: internal error", line)
		}
		// Leave no form open for the next input.
		h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: as(""), Channel: bot.Channel{DM: true}, Text: "cancel"})
	})
}

func FuzzSplitCommand(f *testing.F) {
	for _, s := range []string{"/liaison contact 3gpp", "liaison", "LIAISON   help", "  ", "\r\n\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clean := commands.Sanitize(s)
		word, rest := commands.SplitCommand(clean)
		if strings.ContainsAny(word, " \t\n") {
			t.Fatalf("SplitCommand(%q) word %q has spaces", s, word)
		}
		if len(word)+len(rest) > len(clean) {
			t.Fatalf("SplitCommand(%q) grew the input", s)
		}
	})
}

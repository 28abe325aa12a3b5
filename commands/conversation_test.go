package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
)

// A script line: "# wait 2h" moves the clock, "# new session" is a console
// session starting (the adapter's Returning request), anything else is
// typed by jo.
func runScript(t *testing.T, h *harness, who bot.Actor, lines []string) string {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "# wait "):
			d, err := time.ParseDuration(strings.TrimPrefix(l, "# wait "))
			if err != nil {
				t.Fatal(err)
			}
			h.now = h.now.Add(d)
			b.WriteString(l + "\n\n")
			continue
		case l == "# new session":
			resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: who, Channel: bot.Channel{DM: true}, Returning: true})
			b.WriteString("# new session\n" + console.Render(resp.Messages) + "\n")
			continue
		}
		b.WriteString("> " + l + "\n")
		b.WriteString(h.do(who, l))
		b.WriteString("\n")
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./commands -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("the transcript differs from %s (go test ./commands -update rewrites it):\n%s", golden, got)
	}
}

// TestTranscript_CommandsDuringTheForm interleaves commands with the form
// at every kind of question (a choice, an organization, a group, a free
// text, a date, addresses, yes/no, the summary), asks for help, and comes
// back to the form after a pause and in a new session
// (testdata/form_commands.txt).
func TestTranscript_CommandsDuringTheForm(t *testing.T) {
	h := newHarness(t)
	h.do(admin, `submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="LS on YANG models" body="Please review."`)
	jo := as("jo.example@example.org")
	got := runScript(t, h, jo, []string{
		"submit",
		"contact w3c", // a choice: a command runs, the form waits
		"outgoing",
		"show LS-1", // an organization
		"3gpp",
		"list", // a group: “list” is no IETF group
		"opsawg",
		"/liaison list", // free text: only with the prefix
		"help",
		"Review of the YANG models",
		"orgs", // a choice
		"action",
		"search yang", // a date
		"show",        // no command with valid arguments: the date's error
		"keep",
		"2027-02-01",
		"skip", // the body: attachments alone
		"skip", // the attachments may not be skipped then
		"https://www.ietf.org/lib/dt/documents/LIAISON/review.pdf",
		"list mine", // addresses
		"jo.example@example.org",
		"skip", "skip", "skip", "skip",
		"version", // yes/no
		"no",
		"list", // the summary
		"# wait 2h",
		"contact 3gpp", // back after a pause: told where the form stands
		"# new session",
		"form",
		"submit",
		"# new session",
		"submit 3gpp",
		"# wait 1h",
		"# new session",
		"/liaison cancel",
		"# new session",
	})
	checkGolden(t, "form_commands.txt", got)
	if n, _ := h.stored(); n != 2 {
		t.Fatalf("%d statements stored, want 2", n)
	}
	s := h.statement(2)
	if s.To != "3GPP" || s.From != "opsawg" || s.Title != "Review of the YANG models" || s.Body != "" || len(s.Attachments) != 1 {
		t.Fatalf("the statement as stored: %+v", s)
	}
}

// Rule 1 and 2, checked one by one: nothing a command says becomes an
// answer.
func TestConversation_CommandsAreNeverTakenAsAnswers(t *testing.T) {
	h := newHarness(t)
	jo := as("jo.example@example.org")
	h.do(jo, "submit 3gpp")
	h.do(jo, "outgoing")
	out := h.do(jo, "list")
	mustContain(t, out, "The statement form is still open at question 3 of 15 (IETF groups)")
	out = h.do(jo, "opsawg")
	mustContain(t, out, "question 4 of 15", "Title?")
	// At the title, a bare line is the title; the prefix makes it a command.
	out = h.do(jo, "/liaison contact 3gpp")
	mustContain(t, out, "3rd Generation Partnership Project", "still open at question 4 of 15 (Title)")
	// A command that opens a form does not throw this one away.
	out = h.do(jo, "/liaison submit w3c")
	mustContain(t, out, "You have an unfinished statement to 3GPP (question 4 of 15, started just now)")
	out = h.do(jo, "edit group")
	mustContain(t, out, "IETF groups?", "Current: opsawg")
	out = h.do(jo, "not a group!")
	mustContain(t, out, "⚠ IETF group", "Current: opsawg")
	out = h.do(jo, "keep")
	mustContain(t, out, "Title?")
	resp := h.resp(jo, "/liaison frobnicate")
	if resp.Outcome != bot.EINVALID || !resp.FormOpen {
		t.Fatalf("unknown prefixed command: outcome %q, form open %v", resp.Outcome, resp.FormOpen)
	}
}

// The form's own buttons arrive with the prefix on Slack: the summary's
// Submit submits, a choice answers.
func TestConversation_PrefixedButtonsOfTheFormAnswerIt(t *testing.T) {
	h := newHarness(t)
	jo := as("jo.example@example.org")
	pressed := func(line string) *bot.Response {
		return h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: jo, Channel: bot.Channel{DM: true}, Text: line, Prefixed: true})
	}
	h.do(jo, "submit 3gpp")
	out := console.Render(pressed("incoming").Messages) // a choice
	mustContain(t, out, "IETF groups?")
	for _, b := range []string{"opsawg", "Buttons", "info", "skip", "x", "skip", "skip", "skip", "skip", "skip", "skip", "skip"} {
		out = h.do(jo, b)
	}
	mustContain(t, out, "check and submit")
	out = console.Render(pressed("submit").Messages)
	mustContain(t, out, "Submitted LS-1")
}

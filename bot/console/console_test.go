package console_test

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fixedNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// session runs lines through a console on a fresh database with a fixed
// clock, as the given identity, and returns the output.
type session struct {
	t      *testing.T
	db     *storage.DB
	router *commands.Router
	now    time.Time
}

func newSession(t *testing.T) *session {
	s := &session{t: t, now: fixedNow}
	clock := func() time.Time { return s.now }
	s.db = storagetest.Open(t, storagetest.Now(clock))
	s.router = commands.New(s.db, nil)
	s.router.Now = clock
	return s
}

func (s *session) run(as string, lines ...string) string {
	s.t.Helper()
	var out strings.Builder
	c := &console.Console{Handler: s.router, In: strings.NewReader(strings.Join(lines, "\n") + "\n"), Out: &out}
	if as != "" {
		c.Actor = console.ActorFor(as)
	}
	if err := c.Run(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return out.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (-update accepts):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
}

func TestConsole_OutgoingLifecycle(t *testing.T) {
	s := newSession(t)
	// Submitted by an ordinary user, approved and posted by the local admin.
	out := s.run("alice@example.org",
		`submit to=3GPP from=opsawg purpose=action deadline=2027-01-15 title="Reply on YANG models" body="Dear colleagues, ..." response-contact=alice@example.org`)
	mustContain(t, out, "Submitted LS-1 “Reply on YANG models” (Outgoing: opsawg → 3GPP). State: pending · action required.",
		"Waiting for approval by: Gonzalo Camarillo, IAB liaison coordinators <liaison-coordination@iab.org>")
	out = s.run("alice@example.org", "approve LS-1")
	mustContain(t, out, "Only the liaison manager for 3GPP (Gonzalo Camarillo), the IAB liaison coordinators or an admin can approve LS-1.")
	s.now = s.now.Add(2 * time.Hour)
	out = s.run("", "approve LS-1 fine by me", "approve LS-1", "post LS-1", "taken LS-1 3GPP replied at their plenary")
	mustContain(t, out, "LS-1 “Reply on YANG models”: pending → approved · action required.",
		"LS-1 is approved (action required), so it cannot be approved. What you can do: “post LS-1”, “kill LS-1”.",
		"LS-1 “Reply on YANG models”: approved → posted · action required.",
		"LS-1 “Reply on YANG models” is marked action taken.")
	golden(t, "show_outgoing.golden", s.run("", "show LS-1"))
}

func TestConsole_IncomingActionAnsweredByReply(t *testing.T) {
	s := newSession(t)
	out := s.run("",
		"submit from=ITU-T to=ccamp purpose=action deadline=2026-12-10 title=\"LS on OTN YANG\" attachments=https://www.itu.int/md/T22-SG15-LS-0001.pdf response-contact=tsbsg15@itu.int")
	mustContain(t, out, "Submitted LS-1 “LS on OTN YANG” (Incoming: ITU-T → ccamp). State: posted · action required.")
	// reply opens the form pre-filled as the Datatracker does.
	out = s.run("", "reply LS-1")
	mustContain(t, out, "Reply to LS-1", "Deadline? (optional")
	out = s.run("", "skip", "We have looked at it.", "skip", "skip", "skip", "skip", "skip", "skip", "skip")
	mustContain(t, out, "Reply to LS-1: check and submit", "Direction:", "outgoing", "IETF groups:", "ccamp",
		"Organization:", "ITU-T", "Purpose:", "In Response", "In response to:", "LS-1", "To contacts:", "tsbsg15@itu.int", "Title:", "Re: LS on OTN YANG")
	out = s.run("", "submit")
	mustContain(t, out, "Submitted LS-2 “Re: LS on OTN YANG” (Outgoing: ccamp → ITU-T). State: pending.")
	out = s.run("", "post LS-2")
	mustContain(t, out, "LS-1 is now marked action taken: LS-2 answers it.")
	orig, err := s.db.Statement(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if !orig.ActionTaken || orig.ActionRequired {
		t.Fatalf("LS-1 after the reply was posted: %+v", orig)
	}
	golden(t, "show_answered.golden", s.run("", "show LS-1"))
	golden(t, "list_all.golden", s.run("", "list all"))
}

func TestConsole_FormSurvivesRestartAndCancel(t *testing.T) {
	s := newSession(t)
	s.run("", "submit W3C", "outgoing", "httpbis")
	// A new router on the same database: the form goes on.
	s.router = commands.New(s.db, nil)
	s.router.Now = func() time.Time { return s.now }
	out := s.run("", "Fetch metadata")
	mustContain(t, out, "Purpose? (required)")
	out = s.run("", "cancel", "show LS-1")
	mustContain(t, out, "Cancelled: nothing was submitted.", "There is no statement LS-1.")
}

func TestConsole_ListFiltersAndPaging(t *testing.T) {
	s := newSession(t)
	for i := 0; i < 12; i++ {
		s.run("", `submit from=opsawg to=3GPP purpose=info title="Info `+string(rune('A'+i))+`" body=x`)
	}
	s.run("bob@example.org", `submit from=ITU-T SG15 to=ccamp purpose=action deadline=2026-12-01 title="Overdue soon" body=x`)
	s.now = s.now.Add(10 * 24 * time.Hour)
	out := s.run("", "list overdue")
	mustContain(t, out, "Overdue statements", "LS-13", "5 days overdue")
	out = s.run("", "list pending")
	mustContain(t, out, "Pending statements", "More: list pending page 2")
	out = s.run("", "list pending page 2")
	mustContain(t, out, "(page 2)", "LS-1 ")
	out = s.run("bob@example.org", "list mine")
	mustContain(t, out, "Your open statements", "LS-13")
	if strings.Contains(out, "LS-1 ") {
		t.Errorf("list mine shows somebody else's statement:\n%s", out)
	}
	out = s.run("", "list open org itu-t sg15")
	mustContain(t, out, "Open statements with ITU-T SG15", "LS-13")
	out = s.run("", "search overdue soon", "search nothing-like-this")
	mustContain(t, out, "Statements matching “overdue soon”", "LS-13", "None.")
}

func TestConsole_NudgeLimitSnoozeAndEscalationHistory(t *testing.T) {
	s := newSession(t)
	s.run("", `submit from=3GPP to=opsawg purpose=action deadline=2026-12-10 title="LS on 5G" body=x`)
	out := s.run("alice@example.org", "nudge LS-1 please look", "nudge LS-1 again")
	mustContain(t, out, "Nudged LS-1: Gonzalo Camarillo.",
		"no chat platform is configured here, so nobody was messaged",
		"LS-1 was nudged by alice@example.org moments ago. To spare busy people, a statement can be nudged once a day")
	// Admins (and coordinators) are not limited.
	out = s.run("", "nudge LS-1 from the admin")
	mustContain(t, out, "Nudged LS-1")
	// A day later Alice may nudge again.
	s.now = s.now.Add(25 * time.Hour)
	mustContain(t, s.run("alice@example.org", "nudge LS-1 one more"), "Nudged LS-1")
	// Snooze: refused to a stranger, recorded for the admin.
	mustContain(t, s.run("alice@example.org", "snooze LS-1 7"), "Only the people responsible for LS-1")
	mustContain(t, s.run("", "snooze LS-1 20", "snooze LS-1 400"), "paused until 2026-12-17", "from 0 to 90")
	// The sweep (as serve runs it) escalates at 3 days overdue despite
	// the snooze; show lists it in the history.
	sw := &reminders.Sweeper{Store: s.db, Schedule: bot.DefaultSchedule(), Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 12, 13, 10, 0, 0, 0, time.UTC) }}
	if n, err := sw.Sweep(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	out = s.run("", "show LS-1")
	mustContain(t, out, "nudged by alice@example.org: please look", "reminders snoozed by local user: until 2026-12-17",
		"reminded: LS-1 is 3 days overdue: escalated to the IAB liaison coordinators")
}

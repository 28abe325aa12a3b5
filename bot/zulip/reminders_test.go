package zulip

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// Nudge limit, snooze and escalation on Zulip, end to end: commands by DM,
// notices through the dispatcher to DMs and the liaison channel's topic.
func TestReminders_NudgeSnoozeEscalationOnZulip(t *testing.T) {
	h := newBotHarness(t)
	h.srv.AddChannel("liaison")
	h.router.Audience = bot.Audience{Platforms: []string{bot.PlatformZulip}, Liaison: map[string]string{bot.PlatformZulip: "liaison"}}
	alice := h.srv.AddUser(zuliptest.User{FullName: "Alice Example", DeliveryEmail: "alice@example.com"})
	david := h.srv.AddUser(zuliptest.User{FullName: "David Sinicrope", DeliveryEmail: "bbf-liaison@ietf.org"})
	h.start()
	ctx := context.Background()
	disp := &outbox.Dispatcher{Store: h.db, Chats: map[string]bot.Chat{bot.PlatformZulip: h.a}, Now: h.now, Logger: slog.New(slog.DiscardHandler)}
	deliver := func() {
		t.Helper()
		for i := 0; i < 20; i++ {
			if n, err := disp.RunOnce(ctx); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				return
			}
		}
	}
	h.dm(david, "version", 1) // David's first command ties him to the directory (BBF's manager)

	got := h.dm(alice, `submit from=BBF to=opsawg purpose=action deadline=2026-12-10 title="LS on TR-181" body="Please review."`, 1)
	if !strings.Contains(got[0].Content, "Submitted") || !strings.Contains(got[0].Content, "LS-1") || !strings.Contains(got[0].Content, "State: pending") {
		t.Fatalf("submit: %s", got[0].Content)
	}
	// Alice speaks for nobody at BBF: David, BBF's liaison manager, records it.
	got = h.dm(david, "approve LS-1", 1)
	if !strings.Contains(got[0].Content, "pending → posted") {
		t.Fatalf("approve: %s", got[0].Content)
	}
	deliver()
	before := len(h.srv.Messages())

	// Alice nudges: David gets a DM with her message.
	got = h.dm(alice, "nudge LS-1 the plenary is next week", 1)
	if !strings.Contains(got[0].Content, "Nudged LS-1") {
		t.Fatalf("nudge: %s", got[0].Content)
	}
	deliver()
	var toDavid []zuliptest.SentMessage
	for _, m := range h.srv.Messages()[before:] {
		if m.IsDM() && len(m.To) == 1 && m.To[0] == david.ID {
			toDavid = append(toDavid, m)
		}
	}
	if len(toDavid) != 1 || !strings.Contains(toDavid[0].Content, "nudges LS-1") || !strings.Contains(toDavid[0].Content, "the plenary is next week") {
		t.Fatalf("David's DMs after the nudge: %+v", toDavid)
	}
	// A second nudge within a day: refused, with the reason.
	got = h.dm(alice, "nudge LS-1 again", 1)
	if !strings.Contains(got[0].Content, "once a day") {
		t.Fatalf("second nudge: %s", got[0].Content)
	}
	// Alice may not snooze; David (responsible) may.
	got = h.dm(alice, "snooze LS-1 7", 1)
	if !strings.Contains(got[0].Content, "Only") {
		t.Fatalf("snooze by Alice: %s", got[0].Content)
	}
	got = h.dm(david, "snooze LS-1 30", 1)
	if !strings.Contains(got[0].Content, "paused until") {
		t.Fatalf("snooze by David: %s", got[0].Content)
	}

	// Three days overdue: the escalation goes out despite the snooze, to the
	// liaison channel (the coordinators are not linked), in the topic.
	h.advance(time.Date(2026, 12, 13, 10, 0, 0, 0, time.UTC).Sub(h.now()))
	sw := &reminders.Sweeper{Store: h.db, Schedule: bot.DefaultSchedule(), Now: h.now, Logger: slog.New(slog.DiscardHandler),
		Audience: h.router.Audience}
	n, err := sw.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sweep sent %d (%v), want the escalation only", n, err)
	}
	before = len(h.srv.Messages())
	deliver()
	var esc []zuliptest.SentMessage
	for _, m := range h.srv.Messages()[before:] {
		if m.Channel == "liaison" && strings.Contains(m.Content, "escalated to the IAB liaison coordinators") {
			esc = append(esc, m)
		}
	}
	if len(esc) != 1 || esc[0].Topic != "LS-1: LS on TR-181" {
		t.Fatalf("escalation messages %+v", esc)
	}
	// A second sweep sends nothing more.
	if n, _ := sw.Sweep(ctx); n != 0 {
		t.Fatalf("second sweep sent %d", n)
	}
}

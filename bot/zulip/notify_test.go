package zulip

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// The notification path end to end: real storage, the real dispatcher, this
// adapter as its Chat, the fake Zulip failing with 500, then 429, then
// working.
func TestNotices_ZulipFailsThenDeliversOnceInOrderInTheTopic(t *testing.T) {
	a, srv, sl := newDeliverHarness(t)
	srv.AddChannel("liaison")
	ctx := context.Background()
	c := storagetest.NewClock(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	clock := c.Now
	db := storagetest.Open(t, storagetest.Now(clock))
	aud := bot.Audience{Platforms: []string{bot.PlatformZulip}, Liaison: map[string]string{bot.PlatformZulip: "liaison"}}
	d, _ := db.Directory(ctx)
	admin := bot.Actor{Platform: "zulip", UserID: "1", Admin: true, Name: "Ada"}
	s := &bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: d.OrgByAcronym("3GPP").ID,
		Title: "LS on YANG", Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2027, M: 1, D: 15}, Body: "x"}
	n, evs, _ := bot.NewStatement(s, admin, nil, nil, clock())
	if err := aud.Update(ctx, db, func(tx bot.Tx) error { _, err := tx.Create(n, "", evs...); return err }); err != nil {
		t.Fatal(err)
	}
	if err := aud.Update(ctx, db, func(tx bot.Tx) error {
		cur, _ := tx.Statement(n.ID)
		x, evs, err := bot.ApplyMove(cur, bot.MoveTaken, admin, "answered", clock())
		if err != nil {
			return err
		}
		return tx.Save(x, evs...)
	}); err != nil {
		t.Fatal(err)
	}
	srv.FailNext("/api/v1/messages", 1, 500)
	srv.RateLimitNext("/api/v1/messages", 1, "0.5")
	disp := &outbox.Dispatcher{Store: db, Chats: map[string]bot.Chat{bot.PlatformZulip: a}, Now: clock,
		Logger: slog.New(slog.DiscardHandler), BackoffBase: time.Second, BackoffMax: 2 * time.Second}
	for i := 0; i < 100; i++ {
		st, _ := db.OutboxStats(ctx, clock())
		if st.Pending == 0 {
			break
		}
		if k, err := disp.RunOnce(ctx); err != nil {
			t.Fatal(err)
		} else if k == 0 {
			c.Add(time.Second)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages delivered, want 2 (submitted, action taken)", len(msgs))
	}
	if !strings.Contains(msgs[0].Content, "Submitted and posted") || !strings.Contains(msgs[1].Content, "Marked action taken") {
		t.Errorf("notices out of order:\n%s\n---\n%s", msgs[0].Content, msgs[1].Content)
	}
	for _, m := range msgs {
		if m.Topic != "LS-1: LS on YANG" || m.Channel != "liaison" {
			t.Errorf("notice in %q/%q, want liaison/LS-1: LS on YANG", m.Channel, m.Topic)
		}
	}
	// The 429's Retry-After of 0.5 s was honoured (by the client).
	waited := false
	for _, d := range sl.all() {
		if d >= 500*time.Millisecond {
			waited = true
		}
	}
	if !waited {
		t.Errorf("no wait of Retry-After 0.5s; sleeps %v", sl.all())
	}
}

package zulip

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/digest"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// The weekly digest end to end on Zulip: real storage, the digest on a
// fixed clock, the real dispatcher, this adapter, the fake Zulip.
func TestDigest_WeeklyOnZulip(t *testing.T) {
	a, srv, _ := newDeliverHarness(t)
	srv.AddChannel("liaison")
	srv.AddChannel("ops")
	ctx := context.Background()
	// Monday 2026-12-07, 09:00 in Paris.
	c := storagetest.NewClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	db := storagetest.Open(t, storagetest.Now(c.Now))
	aud := bot.Audience{Platforms: []string{bot.PlatformZulip}, Liaison: map[string]string{bot.PlatformZulip: "liaison"}}
	d, _ := db.Directory(ctx)
	if _, err := db.Subscribe(ctx, bot.PlatformZulip, "ops", d.OrgByAcronym("ITU-T").ID, "test"); err != nil {
		t.Fatal(err)
	}
	admin := bot.Actor{Platform: "zulip", UserID: "1", Admin: true, Name: "Ada"}
	for _, s := range []*bot.Statement{
		{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: d.OrgByAcronym("3GPP").ID, Title: "LS on **YANG** @**all**",
			Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 12, D: 1}, Body: "x"},
		{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: d.OrgByAcronym("3GPP").ID, Title: "LS on NETCONF",
			Purpose: bot.PurposeComment, Deadline: bot.Date{Y: 2026, M: 12, D: 18}, Body: "x"},
	} {
		n, evs, _ := bot.NewStatement(s, admin, nil, nil, c.Now().Add(-30*24*time.Hour))
		if err := aud.Update(ctx, db, func(tx bot.Tx) error { _, err := tx.Create(n, "", evs...); return err }); err != nil {
			t.Fatal(err)
		}
	}
	disp := &outbox.Dispatcher{Store: db, Chats: map[string]bot.Chat{bot.PlatformZulip: a}, Now: c.Now,
		Logger: slog.New(slog.DiscardHandler), PublicURL: "https://liaisons.example.org"}
	drain := func() {
		for i := 0; i < 100; i++ {
			st, _ := db.OutboxStats(ctx, c.Now())
			if st.Pending == 0 {
				return
			}
			if k, err := disp.RunOnce(ctx); err != nil {
				t.Fatal(err)
			} else if k == 0 {
				c.Add(time.Second)
			}
		}
	}
	drain()
	before := len(srv.Messages())

	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err) // the zone data is embedded (time/tzdata)
	}
	sender := &digest.Sender{Store: db, Audience: aud, Now: c.Now, Logger: slog.New(slog.DiscardHandler),
		Schedule: bot.DigestSchedule{Day: time.Monday, Hour: 9, Location: paris}}
	if n, err := sender.Send(ctx); err != nil || n != 1 {
		t.Fatalf("Send: %d, %v; want 1 digest (the ITU-T channel has nothing to hear)", n, err)
	}
	drain()
	msgs := srv.Messages()[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d digests delivered, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Channel != "liaison" || m.Topic != "Weekly liaison digest" {
		t.Errorf("digest in %q/%q", m.Channel, m.Topic)
	}
	for _, want := range []string{"Weekly liaison digest — week of 2026-12-07", "1 overdue · 1 due in the next 14 days.",
		"**Overdue (1)**", "[LS-1](https://liaisons.example.org/statements/LS-1)", "2026-12-01 (6 days overdue)",
		"**Due in the next 14 days (1)**", "LS-2", "2026-12-18 (in 11 days)", "[the board](https://liaisons.example.org/)"} {
		if !strings.Contains(m.Content, want) {
			t.Errorf("the digest lacks %q:\n%s", want, m.Content)
		}
	}
	if strings.Contains(m.Content, "@**all**") || strings.Contains(m.Content, "**YANG**") {
		t.Errorf("user text reached Zulip unescaped:\n%s", m.Content)
	}
	// Once a week.
	c.Add(time.Hour)
	if n, err := (&digest.Sender{Store: db, Audience: aud, Now: c.Now, Schedule: sender.Schedule}).Send(ctx); err != nil || n != 0 {
		t.Fatalf("a second process wrote %d more digests (%v)", n, err)
	}
}

package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// outboxWithChannels makes n statements, each with one notice for each of
// three Slack channels and the Zulip liaison stream.
func outboxWithChannels(t *testing.T, n int) (*DB, time.Time) {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	aud := bot.Audience{Platforms: []string{"slack", "zulip"}, Liaison: map[string]string{"slack": "C1", "zulip": "liaison"}}
	for _, ch := range []string{"C2", "C3"} {
		if _, err := db.Subscribe(ctx, "slack", ch, 0, "slack:UADMIN"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	for i := range n {
		mustCreateFor(t, db, aud, newTestStatement(i, d.OrgByAcronym("3GPP")), now)
	}
	return db, now.Add(time.Second)
}

func TestOutbox_ClaimKeepsToTheLimits(t *testing.T) {
	db, now := outboxWithChannels(t, 5)
	ctx := context.Background()
	lim := bot.ClaimLimits{Rows: 100, Channels: 3, PerChannel: map[string]int{"slack": 2}}
	items, err := db.ClaimNotices(ctx, "d1", now, time.Minute, lim, nil)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, it := range items {
		per[it.Target.ChannelKey()]++
	}
	if len(per) != 3 {
		t.Errorf("claimed from %d channels %v, want 3", len(per), per)
	}
	for ch, n := range per {
		want := 2
		if strings.HasPrefix(ch, "zulip|") {
			want = 1 // no limit given for Zulip: one
		}
		if n != want {
			t.Errorf("%s: %d rows claimed, want %d", ch, n, want)
		}
	}
	// The rest goes to another dispatcher; the claimed rows do not.
	more, err := db.ClaimNotices(ctx, "d2", now, time.Minute, bot.ClaimLimits{Rows: 100, Channels: 10, PerChannel: map[string]int{"slack": 100, "zulip": 100}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(items)+len(more) != 20 {
		t.Errorf("%d + %d rows claimed, want all 20", len(items), len(more))
	}
	for _, a := range items {
		for _, b := range more {
			if a.ID == b.ID {
				t.Fatalf("row %d claimed by both", a.ID)
			}
		}
	}
	// The total is capped too.
	db2, now2 := outboxWithChannels(t, 5)
	few, err := db2.ClaimNotices(ctx, "d1", now2, time.Minute, bot.ClaimLimits{Rows: 3, Channels: 10, PerChannel: map[string]int{"slack": 10, "zulip": 10}}, nil)
	if err != nil || len(few) != 3 {
		t.Errorf("Rows 3: %d rows, %v", len(few), err)
	}
}

func TestOutbox_RenewClaimOnlyByTheHolderBeforeItRunsOut(t *testing.T) {
	db, now := outboxWithChannels(t, 1)
	ctx := context.Background()
	lim := bot.ClaimLimits{Rows: 1, Channels: 1, PerChannel: map[string]int{"slack": 1, "zulip": 1}}
	items, err := db.ClaimNotices(ctx, "d1", now, time.Minute, lim, nil)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %v", items, err)
	}
	id := items[0].ID
	for _, c := range []struct {
		owner string
		at    time.Duration
		held  bool
	}{
		{"d2", 10 * time.Second, false},  // not the holder
		{"d1", 50 * time.Second, true},   // renewed: now until 1m50s
		{"d1", 100 * time.Second, true},  // within the renewed lease
		{"d1", 161 * time.Second, false}, // ran out at 2m40s
		{"d1", 10 * time.Minute, false},  // and stays out
	} {
		held, err := db.RenewClaim(ctx, id, c.owner, now.Add(c.at), time.Minute)
		if err != nil || held != c.held {
			t.Errorf("%s at +%s: held=%v err=%v, want %v", c.owner, c.at, held, err, c.held)
		}
	}
	// A row given back (or sent) is not renewed either.
	db2, now2 := outboxWithChannels(t, 1)
	items, _ = db2.ClaimNotices(ctx, "d1", now2, time.Minute, lim, nil)
	if err := db2.Release(ctx, items[0].ID, "d1", now2); err != nil {
		t.Fatal(err)
	}
	if held, _ := db2.RenewClaim(ctx, items[0].ID, "d1", now2, time.Minute); held {
		t.Error("a released row was renewed")
	}
}

func TestOutbox_ProductionClaimQueryUsesIndexes(t *testing.T) {
	db, now := outboxWithChannels(t, 3)
	q, args := claimQuery(now, bot.ClaimLimits{Rows: 24, Channels: 8, PerChannel: map[string]int{"slack": 3, "zulip": 2}},
		[]string{"slack|C9"})
	plan := explain(t, db, q, args...)
	if strings.Contains(plan, "SCAN o\n") || strings.Contains(plan, "SCAN p\n") {
		t.Errorf("claim scans the outbox:\n%s", plan)
	}
}

func TestOutbox_OneHomeRefreshWaitsPerPerson(t *testing.T) {
	db, now := outboxWithChannels(t, 2)
	ctx := context.Background()
	home := func(id int64) {
		t.Helper()
		if err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
			s, err := tx.Statement(id)
			if err != nil {
				return err
			}
			return tx.Enqueue(s, bot.Notice{Kind: bot.NoticeHome, Targets: []bot.Target{{Platform: "slack", User: "UJANE"}, {Platform: "slack", User: "UBOB"}}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	homes := func() int {
		t.Helper()
		var n int
		if err := db.r.GetContext(ctx, &n, `SELECT COUNT(*) FROM outbox WHERE kind = 'home' AND status = 'pending'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Two changes, two statements: one refresh waits for each person (it
	// renders the home view as it is when delivered).
	home(1)
	home(2)
	if n := homes(); n != 2 {
		t.Fatalf("%d home refreshes wait, want one per person", n)
	}
	// One is claimed (being delivered, maybe rendered already): a later
	// change needs a refresh of its own after it.
	items, err := db.ClaimNotices(ctx, "d1", now, time.Minute, bot.ClaimLimits{Rows: 100, Channels: 100, PerChannel: map[string]int{"slack": 100, "zulip": 100}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	claimed := 0
	for _, it := range items {
		if it.Kind == bot.NoticeHome {
			claimed++
		}
	}
	if claimed != 2 {
		t.Fatalf("claimed %d home refreshes, want 2", claimed)
	}
	home(2)
	if n := homes(); n != 4 {
		t.Fatalf("%d home refreshes pending after a change during delivery, want 4", n)
	}
}

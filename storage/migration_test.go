package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// A database written before events had their tag and reminder key in
// columns of their own ("<tag>: <note>", "<key> <subject>" in the note)
// reads the same afterwards, with the fields apart.
func TestMigration_EventFieldsComeOutOfTheNote(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := MustOpenDBAt(t, path)
	d := MustSeed(t, db)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := mustCreate(t, db, newTestStatement(3, d.OrgByAcronym("3GPP")), now)
	// Back to the old schema, with the old notes.
	for _, q := range []string{
		`ALTER TABLE statement_events DROP COLUMN tag`,
		`ALTER TABLE statement_events DROP COLUMN reminder`,
		`DELETE FROM migrations WHERE name = 'migrations/0010_event_fields.sql'`,
		`DELETE FROM statement_events`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, e := range []struct{ typ, note string }{
		{"tagged", "action-required"},
		{"tagged", "action-taken: answered by LS-9: see the list"},
		{"untagged", "action-required"},
		{"reminded", "overdue:2027-01-20 LS-3: deadline passed 2 days ago (2 days overdue)"},
		{"comment", "a: b c"},
	} {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO statement_events (statement_id, time, type, note) VALUES (?, ?, ?, ?)`,
			s.ID, now.UnixMilli(), e.typ, e.note); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	db = MustOpenDBAt(t, path)
	events, err := db.Events(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Event{
		{Type: bot.EventTagged, Tag: bot.TagActionRequired},
		{Type: bot.EventTagged, Tag: bot.TagActionTaken, Note: "answered by LS-9: see the list"},
		{Type: bot.EventUntagged, Tag: bot.TagActionRequired},
		{Type: bot.EventReminded, Reminder: "overdue:2027-01-20", Note: "LS-3: deadline passed 2 days ago (2 days overdue)"},
		{Type: bot.EventComment, Note: "a: b c"},
	}
	if len(events) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(events), len(want), events)
	}
	for i, w := range want {
		e := events[i]
		if e.Type != w.Type || e.Tag != w.Tag || e.Reminder != w.Reminder || e.Note != w.Note {
			t.Errorf("event %d: %s tag %q reminder %q note %q, want %s tag %q reminder %q note %q",
				i, e.Type, e.Tag, e.Reminder, e.Note, w.Type, w.Tag, w.Reminder, w.Note)
		}
	}
}

// The outbox written before digests (every row about a statement) keeps
// its rows, pending and sent, through the rebuild that lets a row be about
// no statement; they are claimed and marked as before.
func TestMigration_OutboxKeepsItsRowsWhenDigestsArrive(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := MustOpenDBAt(t, path)
	d := MustSeed(t, db)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	aud := bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "C1"}}
	s := mustCreateFor(t, db, aud, newTestStatement(3, d.OrgByAcronym("3GPP")), now)
	// Back to the schema before 0011 (statement_id NOT NULL).
	for _, q := range []string{
		`DROP TABLE digests_sent`,
		`CREATE TABLE outbox_old AS SELECT * FROM outbox`,
		`DROP TABLE outbox`,
		`CREATE TABLE outbox (id INTEGER PRIMARY KEY, statement_id INTEGER NOT NULL REFERENCES statements (id), kind TEXT NOT NULL,
			data TEXT NOT NULL, platform TEXT NOT NULL, channel TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '',
			stream TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', claimed_by TEXT NOT NULL DEFAULT '',
			claimed_until INTEGER NOT NULL DEFAULT 0, sent_at INTEGER NOT NULL DEFAULT 0, message_id TEXT NOT NULL DEFAULT '')`,
		`INSERT INTO outbox SELECT * FROM outbox_old`,
		`DROP TABLE outbox_old`,
		`DELETE FROM migrations WHERE name = 'migrations/0011_digest.sql'`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var before int
	if err := db.r.GetContext(ctx, &before, `SELECT COUNT(*) FROM outbox WHERE statement_id = ?`, s.ID); err != nil || before == 0 {
		t.Fatalf("no outbox row to migrate (%v)", err)
	}
	db.Close()

	db = MustOpenDBAt(t, path)
	db.Now = func() time.Time { return now }
	items, err := db.ClaimNotices(ctx, "d1", now.Add(time.Second), time.Minute, bot.ClaimLimits{Rows: 100, Channels: 10, PerChannel: map[string]int{"slack": 10}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != before || items[0].Statement != s.ID || items[0].Kind != bot.NoticeChange {
		t.Fatalf("after the migration claimed %+v, want the %d row(s) of LS-%d", items, before, s.ID)
	}
	if err := db.MarkSent(ctx, items[0].ID, "d1", bot.Delivered{MessageID: "1.2", Thread: "1.2"}, now); err != nil {
		t.Fatal(err)
	}
	// And a digest row, about no statement, fits now.
	if err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		ok, err := tx.MarkDigest("digest:2026-11-30", now)
		if err != nil || !ok {
			return fmt.Errorf("MarkDigest: %v %v", ok, err)
		}
		return tx.Enqueue(nil, bot.Notice{Kind: bot.NoticeDigest, Data: bot.NoticeData{Digest: &bot.Digest{Open: []int64{s.ID}}},
			Targets: []bot.Target{{Platform: "slack", Channel: "C1"}}})
	}); err != nil {
		t.Fatal(err)
	}
	list, err := db.OutboxList(ctx, 10)
	if err != nil || len(list) != 1 || list[0].Kind != bot.NoticeDigest || list[0].Statement != 0 {
		t.Fatalf("outbox after a digest: %+v %v", list, err)
	}
}

package storage

import (
	"context"
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

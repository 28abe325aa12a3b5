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

// A statement written before issue 14 (bare-address contacts, attachments
// as strings, no recorded time, no action holders) reads the same
// afterwards: the contacts as address lists, the URLs and document names
// as attachments, recorded equal to submitted.
func TestMigration_StatementFieldsOfIssue14(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := MustOpenDBAt(t, path)
	d := MustSeed(t, db)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := mustCreate(t, db, newTestStatement(3, d.OrgByAcronym("3GPP")), now)
	for _, q := range []string{
		`ALTER TABLE statements DROP COLUMN action_holder_contacts`,
		`ALTER TABLE statements DROP COLUMN recorded`,
		`DELETE FROM migrations WHERE name IN ('migrations/0011_statement_fields.sql', 'migrations_postgres/0011_statement_fields.sql')`,
		`UPDATE statements SET attachments = '["https://www.3gpp.org/ftp/tsg_sa/S2-2401234.zip","liaison-2012-05-31-3gpp-mmusic-attachment-1"]',
			response_contacts = '["a@example.org","Hui-Lan Lu"]', cc = '["The IETF Chair <chair@ietf.org>"]'`,
	} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	db = MustOpenDBAt(t, path)
	got, err := db.Statement(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAtt := bot.Attachments{{URL: "https://www.3gpp.org/ftp/tsg_sa/S2-2401234.zip"}, {Title: "liaison-2012-05-31-3gpp-mmusic-attachment-1"}}
	if len(got.Attachments) != 2 || got.Attachments[0] != wantAtt[0] || got.Attachments[1] != wantAtt[1] {
		t.Errorf("attachments = %+v, want %+v", got.Attachments, wantAtt)
	}
	if !got.ResponseContacts.Equal(bot.AddressList{{Addr: "a@example.org"}, {Name: "Hui-Lan Lu"}}) ||
		!got.CC.Equal(bot.AddressList{{Name: "The IETF Chair", Addr: "chair@ietf.org"}}) || len(got.ActionHolders) != 0 {
		t.Errorf("contacts = %+v, cc %+v, action holders %+v", got.ResponseContacts, got.CC, got.ActionHolders)
	}
	if !got.Recorded.Equal(got.Submitted) || !got.Submitted.Equal(now) {
		t.Errorf("submitted %v, recorded %v; want both %v", got.Submitted, got.Recorded, now)
	}
}

package dtsync_test

import (
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker/datatrackertest"
)

// What the Datatracker says is stored without bidi controls and zero-width
// characters too: a person's name, a group's name, a statement's title and
// the names on its history.
func TestSync_InvisibleCharactersRemoved(t *testing.T) {
	f := newFixture(t, true)
	f.withNotices()
	f.srv.SetManager(datatrackertest.GroupBBF, datatrackertest.Person{ID: 900050, Name: "Robin\u200b New\u202emanager"}, "robin\u200b@example.org")
	f.srv.RenamePerson(datatrackertest.PersonBlake, "Blake\u2066 Sample\u2069", "Blake Sample")
	f.syncDirectory(false)
	bbf := f.org(datatrackertest.GroupBBF)
	if len(bbf.Managers) != 1 || bbf.Managers[0].Name != "Robin Newmanager" || bbf.Managers[0].Email != "robin@example.org" {
		t.Fatalf("BBF's managers after the sync: %+v", bbf.Managers)
	}
	if strings.IndexFunc(f.export(), bot.Invisible) >= 0 {
		t.Errorf("the stored directory holds invisible characters")
	}

	f.syncStatements()
	ident := "LIAISE-\u2060123"
	id := f.srv.AddStatement(datatrackertest.Statement{Title: "Liaison on TR-181 \u202efdp.exe", FromGroups: []int64{datatrackertest.GroupBBF},
		ToGroups: []int64{datatrackertest.GroupIAB}, FromContact: "BBF\u200b Officer <officer@example.org>", Purpose: "info", State: "posted",
		OtherIdentifiers: &ident})
	f.srv.AddEvent(datatrackertest.Event{Time: "2026-11-20T10:00:00Z", Type: "submitted", By: datatrackertest.PersonBlake, StatementID: id})
	f.srv.AddEvent(datatrackertest.Event{Time: "2026-11-20T10:00:01Z", Type: "posted", By: datatrackertest.PersonBlake, StatementID: id})
	f.syncStatements()
	s := f.statementByDT(id)
	if s.Title != "Liaison on TR-181 fdp.exe" || s.SubmitterName != "BBF Officer" || s.Identifiers != "LIAISE-123" {
		t.Errorf("synced statement: title %q, submitter %q, identifiers %q", s.Title, s.SubmitterName, s.Identifiers)
	}
	for _, e := range f.events(s.ID) {
		if strings.IndexFunc(e.By, bot.Invisible) >= 0 {
			t.Errorf("event by %q", e.By)
		}
	}
}

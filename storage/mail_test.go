package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/storagetest/dbdump"
)

// mailRow writes a statement with one email (to three recipients) and
// claims it for owner.
func mailRow(t *testing.T, db *DB, owner string) (bot.OutboxItem, time.Time) {
	t.Helper()
	ctx := context.Background()
	d := MustSeed(t, db)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	s := mustCreate(t, db, newTestStatement(1, d.OrgByAcronym("3GPP")), now)
	m := bot.Email{Kind: bot.MailPosted, MessageID: "ls-1.posted.2.3@example.org", Subject: "S",
		To: []bot.Mailbox{{Email: "a@example.org"}, {Email: "b@example.org"}, {Email: "c@example.org"}}}
	err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		return tx.Enqueue(s, bot.Notice{Kind: bot.NoticeMail, Data: bot.NoticeData{Mail: &m},
			Targets: []bot.Target{{Platform: bot.PlatformEmail, Channel: m.MessageID}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.ClaimNotices(ctx, owner, now, time.Minute, bot.ClaimLimits{Rows: 10, Channels: 10}, nil)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %v", items, err)
	}
	return items[0], now
}

func part(it bot.OutboxItem, status string, envelope ...string) bot.OutboxPart {
	m := *it.Data.Mail
	m.Envelope = envelope
	d := it.Data
	d.Mail = &m
	return bot.OutboxPart{Status: status, Data: d, LastError: status}
}

func TestSettle_SplitsTheRowAndWritesTheNoticesTogether(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	it, now := mailRow(t, db, "d1")
	if id, err := db.statementMailID(ctx, it.Statement); err != nil || id != "ls-1.posted.2.3@example.org" {
		t.Fatalf("MailMessageID %q %v", id, err)
	}
	pending := part(it, bot.OutboxPending, "b@example.org")
	pending.Next = now.Add(time.Minute)
	n := bot.Notice{Kind: bot.NoticeMailProblem, Data: bot.NoticeData{MailProblem: &bot.MailProblem{Kind: bot.MailPosted}},
		Targets: []bot.Target{{Platform: "slack", User: "UJANE"}}}
	woke := 0
	db.OnNotice = func() { woke++ }
	err := db.Settle(ctx, it.ID, "d1", []bot.OutboxPart{part(it, bot.OutboxSent, "a@example.org"), pending, part(it, bot.OutboxFailed, "c@example.org")},
		[]bot.Notice{n}, now)
	if err != nil {
		t.Fatal(err)
	}
	list, err := db.OutboxList(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		status, kind string
		to           []string
	}
	var got []row
	for _, e := range list {
		got = append(got, row{e.Status, e.Kind, e.Recipients})
	}
	want := []row{{"pending", bot.NoticeMail, []string{"b@example.org"}}, {"failed", bot.NoticeMail, []string{"c@example.org"}}, {"pending", bot.NoticeMailProblem, nil}}
	if !reflect.DeepEqual(got, want) || woke != 1 {
		t.Fatalf("rows %+v (woke %d), want %+v", got, woke, want)
	}
	if list[0].NextTry != now.Add(time.Minute).UTC() || list[0].Attempts != 1 || list[0].Created != it.Created {
		t.Errorf("the pending part: %+v", list[0])
	}
}

func TestSettle_RefusedOnAClaimLostChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	it, now := mailRow(t, db, "d1")
	before := dbdump.Dump(t, db.Path)
	err := db.Settle(ctx, it.ID, "d2", []bot.OutboxPart{part(it, bot.OutboxSent, "a@example.org"), part(it, bot.OutboxFailed, "b@example.org")}, nil, now)
	if err == nil {
		t.Fatal("settled by a dispatcher that does not hold the row")
	}
	if after := dbdump.Dump(t, db.Path); after != before {
		t.Error("a refused settle changed the database")
	}
}

// statementMailID reads MailMessageID in a transaction.
func (db *DB) statementMailID(ctx context.Context, id int64) (string, error) {
	var out string
	err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		var err error
		out, err = tx.MailMessageID(id, bot.MailPosted)
		return err
	})
	return out, err
}

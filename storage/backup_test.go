package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestBackup_ConsistentCopyWhileWriting(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	for i := 0; i < 50; i++ {
		mustCreate(t, db, newTestStatement(i, d.OrgByAcronym("3GPP")), time.Now())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			mustCreate(t, db, newTestStatement(i, d.OrgByAcronym("3GPP")), time.Now())
		}
	}()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := db.Backup(ctx, path); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	cp, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	list, _, err := cp.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll, PageSize: 1000})
	if err != nil || len(list) < 50 {
		t.Fatalf("copy holds %d statements (%v), want at least 50", len(list), err)
	}
	var events int
	cp.r.Get(&events, `SELECT COUNT(*) FROM statement_events`)
	var want int
	cp.r.Get(&want, `SELECT COUNT(*) FROM statement_events e JOIN statements s ON s.id = e.statement_id`)
	if events != want || events == 0 {
		t.Fatalf("copy has %d events, %d with their statement", events, want)
	}
	cd, _ := cp.Directory(ctx)
	if cd.OrgByAcronym("3GPP") == nil {
		t.Fatal("copy lacks the directory")
	}
}

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

func TestOutboxCommand_ListsFailedAndRetries(t *testing.T) {
	env := testEnv(t)
	ctx := context.Background()
	db := storagetest.Open(t, storagetest.Path(env["LIAISONBOT_DB"]))
	aud := bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "CLIAISON"}}
	n, evs, _ := bot.NewStatement(&bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "T", Purpose: bot.PurposeInfo, Body: "x"},
		bot.Actor{Platform: "console", UserID: "local"}, nil, nil, time.Now())
	if err := aud.Update(ctx, db, func(tx bot.Tx) error { _, err := tx.Create(n, "", evs...); return err }); err != nil {
		t.Fatal(err)
	}
	items, err := db.ClaimNotices(ctx, "test", time.Now(), time.Minute, bot.ClaimLimits{Rows: 10, Channels: 10}, nil)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %v", items, err)
	}
	if err := db.MarkFailed(ctx, items[0].ID, "test", "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errs := run(t, env, "", "outbox")
	if code != 0 {
		t.Fatalf("outbox: exit %d: %s", code, errs)
	}
	for _, want := range []string{"0 pending, 1 failed", "failed", "LS-1", "slack:#CLIAISON", "channel_not_found"} {
		if !strings.Contains(out, want) {
			t.Errorf("outbox output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, env, "", "outbox", "retry")
	if code != 0 || !strings.Contains(out, "1 failed notice(s) queued again") {
		t.Fatalf("outbox retry: exit %d: %s", code, out)
	}
	_, out, _ = run(t, env, "", "outbox")
	if !strings.Contains(out, "1 pending, 0 failed") {
		t.Errorf("after retry:\n%s", out)
	}
	// Ids it does not know, or that are not failed, are named; exit 1.
	code, out, errs = run(t, env, "", "outbox", "retry", "999")
	if code != 1 || !strings.Contains(errs, "no notice 999") || strings.Contains(out, "queued again") {
		t.Errorf("retry 999: exit %d: %q %q", code, out, errs)
	}
	code, _, errs = run(t, env, "", "outbox", "retry", "1", "999")
	if code != 1 || !strings.Contains(errs, "notice 1 is pending, not failed") || !strings.Contains(errs, "no notice 999") {
		t.Errorf("retry 1 999: exit %d: %q", code, errs)
	}
	if code, _, errs := run(t, env, "", "outbox", "retry", "abc"); code != 2 || !strings.Contains(errs, "not a notice id") {
		t.Errorf("bad id: exit %d: %s", code, errs)
	}
}

func TestBackupCommand(t *testing.T) {
	env := testEnv(t)
	run(t, env, "submit from=opsawg to=W3C purpose=info title=Hello body=x\n", "console")
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	code, out, errs := run(t, env, "", "backup", copyPath)
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: exit %d: %s %s", code, out, errs)
	}
	env2 := map[string]string{"LIAISONBOT_DB": copyPath, "LIAISONBOT_LOG_LEVEL": "warn"}
	_, out, _ = run(t, env2, "show LS-1\n", "console")
	if !strings.Contains(out, "LS-1: Hello") {
		t.Fatalf("the copy lacks the statement:\n%s", out)
	}
	if code, _, _ := run(t, env, "", "backup", copyPath); code == 0 {
		t.Error("backup over an existing file succeeded")
	}
}

package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestZulipUser_SaveAndRead(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, _, _, _, _, err := db.ZulipUser(ctx, 42); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("uncached user: err = %v, want ENOTFOUND", err)
	}
	if err := db.SaveZulipUser(ctx, 42, "user42@zulip.example.org", "jane@example.com", "Jane Doe", false, at); err != nil {
		t.Fatal(err)
	}
	email, delivery, name, isBot, fetched, err := db.ZulipUser(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if email != "user42@zulip.example.org" || delivery != "jane@example.com" || name != "Jane Doe" || isBot || !fetched.Equal(at) {
		t.Fatalf("got %q %q %q bot=%v %v", email, delivery, name, isBot, fetched)
	}
	// A second save replaces the entry.
	later := at.Add(48 * time.Hour)
	if err := db.SaveZulipUser(ctx, 42, "user42@zulip.example.org", "", "Jane Q. Doe", true, later); err != nil {
		t.Fatal(err)
	}
	_, delivery, name, isBot, fetched, err = db.ZulipUser(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if delivery != "" || name != "Jane Q. Doe" || !isBot || !fetched.Equal(later) {
		t.Fatalf("after update: %q %q bot=%v %v", delivery, name, isBot, fetched)
	}
}

func TestZulipUser_RejectsBadID(t *testing.T) {
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	if err := db.SaveZulipUser(context.Background(), 0, "a@b.c", "", "", false, time.Now()); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}

func TestZulipUserByEmail_RealEmailWinsAndCaseIsIgnored(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// User 7's API email is another user's real address (visibility
	// "everyone" on one, restricted on the other): the real email wins.
	if err := db.SaveZulipUser(ctx, 7, "jane@example.com", "", "Old", false, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveZulipUser(ctx, 8, "user8@zulip.example.org", "Jane@Example.com", "Jane", false, at); err != nil {
		t.Fatal(err)
	}
	id, fetched, err := db.ZulipUserByEmail(ctx, "JANE@example.COM")
	if err != nil {
		t.Fatal(err)
	}
	if id != 8 || !fetched.Equal(at) {
		t.Fatalf("got %d %v, want 8", id, fetched)
	}
	if id, _, err := db.ZulipUserByEmail(ctx, "user8@zulip.example.org"); err != nil || id != 8 {
		t.Fatalf("by API email: %d %v", id, err)
	}
	if _, _, err := db.ZulipUserByEmail(ctx, "nobody@example.com"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("unknown: err = %v, want ENOTFOUND", err)
	}
	if _, _, err := db.ZulipUserByEmail(ctx, " "); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("empty: err = %v, want ENOTFOUND", err)
	}
}

func TestZulipUser_SurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "z.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := db.SaveZulipUser(ctx, 9, "user9@zulip.example.org", "", "Nine", false, at); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = MustOpenDBAt(t, path)
	if _, _, name, _, _, err := db.ZulipUser(ctx, 9); err != nil || name != "Nine" {
		t.Fatalf("after reopen: %q %v", name, err)
	}
}

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
	if _, _, _, _, _, _, err := db.ZulipUser(ctx, 42); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("uncached user: err = %v, want ENOTFOUND", err)
	}
	if err := db.SaveZulipUser(ctx, 42, "user42@zulip.example.org", "jane@example.com", "Jane Doe", false, true, at); err != nil {
		t.Fatal(err)
	}
	email, delivery, name, isBot, active, fetched, err := db.ZulipUser(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if email != "user42@zulip.example.org" || delivery != "jane@example.com" || name != "Jane Doe" || isBot || !active || !fetched.Equal(at) {
		t.Fatalf("got %q %q %q bot=%v active=%v %v", email, delivery, name, isBot, active, fetched)
	}
	// A second save replaces the entry.
	later := at.Add(48 * time.Hour)
	if err := db.SaveZulipUser(ctx, 42, "user42@zulip.example.org", "", "Jane Q. Doe", true, false, later); err != nil {
		t.Fatal(err)
	}
	_, delivery, name, isBot, active, fetched, err = db.ZulipUser(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if delivery != "" || name != "Jane Q. Doe" || !isBot || active || !fetched.Equal(later) {
		t.Fatalf("after update: %q %q bot=%v active=%v %v", delivery, name, isBot, active, fetched)
	}
}

func TestZulipUser_RejectsBadID(t *testing.T) {
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	if err := db.SaveZulipUser(context.Background(), 0, "a@b.c", "", "", false, true, time.Now()); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
}

func TestZulipUserByEmail_RealEmailWinsAndCaseIsIgnored(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// User 7's API email is another user's real address (visibility
	// "everyone" on one, restricted on the other): the real email wins.
	if err := db.SaveZulipUser(ctx, 7, "jane@example.com", "", "Old", false, true, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveZulipUser(ctx, 8, "user8@zulip.example.org", "Jane@Example.com", "Jane", false, true, at); err != nil {
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
	db, err := Open(ctx, storePath(t, path))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if err := db.SaveZulipUser(ctx, 9, "user9@zulip.example.org", "", "Nine", false, true, at); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = MustOpenDBAt(t, path)
	if _, _, name, _, _, _, err := db.ZulipUser(ctx, 9); err != nil || name != "Nine" {
		t.Fatalf("after reopen: %q %v", name, err)
	}
}

func TestZulipUserByEmail_OnlyActiveHumans(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDBAt(t, filepath.Join(t.TempDir(), "z.db"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// A deactivated account and a bot with the address, then the person's
	// active account with it as API email.
	for _, u := range []struct {
		id            int64
		api, delivery string
		bot, active   bool
	}{
		{21, "user21@zulip.example.org", "kim@example.org", false, false},
		{22, "kim-bot@zulip.example.org", "kim@example.org", true, true},
	} {
		if err := db.SaveZulipUser(ctx, u.id, u.api, u.delivery, "Kim", u.bot, u.active, at); err != nil {
			t.Fatal(err)
		}
	}
	if id, _, err := db.ZulipUserByEmail(ctx, "kim@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("got user %d (%v); a deactivated account or a bot is nobody's", id, err)
	}
	if err := db.SaveZulipUser(ctx, 23, "kim@example.org", "", "Kim", false, true, at); err != nil {
		t.Fatal(err)
	}
	if id, _, err := db.ZulipUserByEmail(ctx, "Kim@Example.org"); err != nil || id != 23 {
		t.Fatalf("got %d %v, want the active account 23", id, err)
	}
}

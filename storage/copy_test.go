package storage

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

func TestCopy_SQLiteToPostgres(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run")
	}
	target := pgtest.Schema(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	src, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	d := MustSeed(t, src)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	src.Now = func() time.Time { return now }
	aud := bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "C1"}}
	var first *bot.Statement
	for i := range 30 {
		s := newTestStatement(i, d.OrgByAcronym("3GPP"))
		s.Title = "Réponse n°" + s.Title + " — ÄÖÜ"
		if first != nil && i%5 == 0 {
			s.Related = first.ID
		}
		c := mustCreateFor(t, src, aud, s, now)
		if first == nil {
			first = c
		}
	}
	if _, err := src.Subscribe(ctx, "slack", "C2", 0, "slack:U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.LinkChat(ctx, "slack", "U1", "jane@example.org", "Jane Doe", "slack:U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SeenSlackEvent(ctx, "Ev1", now); err != nil {
		t.Fatal(err)
	}
	src.Close()

	counts, err := Copy(ctx, path, target)
	if err != nil {
		t.Fatal(err)
	}
	byTable := map[string]CopyCount{}
	for _, c := range counts {
		byTable[c.Table] = c
	}
	if c := byTable["statements"]; c.Target != 30 || byTable["statement_events"].Target < 30 || byTable["outbox"].Target == 0 || byTable["statements_fts"].Target != 30 {
		t.Errorf("counts: %+v", counts)
	}

	src = MustOpenDBAt(t, path)
	dst := MustOpenDBAt(t, target)
	for _, q := range []bot.ListQuery{{Filter: bot.ListAll, PageSize: 100}, {Filter: bot.ListOpen, PageSize: 100}, {Filter: bot.ListAll, Words: "réponse", PageSize: 100}} {
		a, _, err := src.ListStatements(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := dst.ListStatements(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("list %+v differs after the copy", q)
		}
	}
	ea, _ := src.Events(ctx, first.ID)
	eb, _ := dst.Events(ctx, first.ID)
	if len(ea) == 0 || !reflect.DeepEqual(ea, eb) {
		t.Errorf("history differs: %v vs %v", ea, eb)
	}
	da, _ := src.Directory(ctx)
	db, _ := dst.Directory(ctx)
	if len(da.Orgs) != len(db.Orgs) || db.OrgByAcronym("3GPP") == nil {
		t.Errorf("directory: %d orgs, copied %d", len(da.Orgs), len(db.Orgs))
	}
	if p, err := dst.PersonByChat(ctx, "slack", "U1"); err != nil || p.Email != "jane@example.org" {
		t.Errorf("chat link: %+v %v", p, err)
	}
	if seen, err := dst.SeenSlackEvent(ctx, "Ev1", now); err != nil || !seen {
		t.Errorf("Slack event: seen=%v %v", seen, err)
	}
	// New rows continue after the copied ids.
	next := mustCreate(t, dst, newTestStatement(99, d.OrgByAcronym("3GPP")), now)
	if next.ID != 31 {
		t.Errorf("the next statement is LS-%d, want LS-31", next.ID)
	}
	// A target holding statements is refused, and left as it was.
	if _, err := Copy(ctx, path, target); err == nil || !strings.Contains(err.Error(), "already holds 31 statements") {
		t.Errorf("second copy: %v", err)
	}
	if got, _, _ := dst.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll, PageSize: 100}); len(got) != 31 {
		t.Errorf("after the refused copy: %d statements", len(got))
	}
}

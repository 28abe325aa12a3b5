package digest_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/digest"
	"github.com/ietf-tools/liaisonbot/internal/pgtest"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

type env struct {
	t    testing.TB
	db   *storage.DB
	aud  bot.Audience
	time *storagetest.Clock
	dir  *bot.Directory
}

// sunday is Sunday 2026-12-06, noon UTC; the digest is due on Monday
// 2026-12-07 at 09:00 UTC.
var sunday = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, opts ...storagetest.Option) *env {
	e := &env{t: t, time: storagetest.NewClock(sunday)}
	e.db = storagetest.Open(t, append([]storagetest.Option{storagetest.Now(e.time.Now)}, opts...)...)
	e.aud = bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "CLIAISON"}}
	e.dir, _ = e.db.Directory(context.Background())
	return e
}

func (e *env) sender() *digest.Sender {
	return &digest.Sender{Store: e.db, Audience: e.aud, Now: e.time.Now, Logger: slog.New(slog.DiscardHandler),
		Schedule: bot.DigestSchedule{Day: time.Monday, Hour: 9, Location: time.UTC}}
}

func (e *env) create(s *bot.Statement) *bot.Statement {
	e.t.Helper()
	n, events, _ := bot.NewStatement(s, bot.Actor{Platform: "console", UserID: "local", Admin: true}, nil, nil, e.time.Now())
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		_, err := tx.Create(n, "", events...)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// digests lists the digest rows of the outbox: "target overdue soon open".
func (e *env) digests() []string {
	e.t.Helper()
	rows, err := e.db.OutboxList(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Kind == bot.NoticeDigest {
			if r.Statement != 0 {
				e.t.Errorf("a digest row is about LS-%d", r.Statement)
			}
			out = append(out, r.Target.String())
		}
	}
	sort.Strings(out)
	return out
}

func (e *env) send(s *digest.Sender) int {
	e.t.Helper()
	n, err := s.Send(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestDigest_MondaysOnceWhateverRestartsAndSecondProcesses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org := e.dir.OrgByAcronym("3GPP")
	if _, err := e.db.Subscribe(ctx, "slack", "C3GPP", org.ID, "test"); err != nil {
		t.Fatal(err)
	}
	e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: org.ID, Title: "LS on 5G YANG models",
		Purpose: bot.PurposeAction, Deadline: bot.Date{Y: 2026, M: 12, D: 15}, Body: "x"})
	itu := e.dir.OrgByAcronym("ITU-T")
	e.create(&bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "ITU-T", OrgID: itu.ID, Title: "Reply on SG15",
		Purpose: bot.PurposeInfo, Body: "y"})

	a := e.sender()
	// Sunday: last Monday's moment is more than a day ago.
	if n := e.send(a); n != 0 {
		t.Fatalf("Sunday: %d digests", n)
	}
	e.time.Set(time.Date(2026, 12, 7, 8, 59, 0, 0, time.UTC))
	if n := e.send(a); n != 0 {
		t.Fatalf("Monday 08:59: %d digests", n)
	}
	// Monday 09:00: the liaison channel gets both statements, the 3GPP
	// channel its own.
	e.time.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	if n := e.send(a); n != 2 {
		t.Fatalf("Monday 09:00: %d digests, want 2", n)
	}
	if got := fmt.Sprint(e.digests()); got != "[slack:#C3GPP slack:#CLIAISON]" {
		t.Fatalf("digests to %s", got)
	}
	// Again, a second process, a restart: nothing more.
	e.time.Add(5 * time.Minute)
	for name, s := range map[string]*digest.Sender{"the same sender": a, "another process": e.sender()} {
		if n := e.send(s); n != 0 {
			t.Errorf("%s wrote %d more digests", name, n)
		}
	}
	if got := len(e.digests()); got != 2 {
		t.Fatalf("%d digest rows, want 2", got)
	}

	// Next Monday, two processes at once: the digest goes out once.
	e.time.Set(time.Date(2026, 12, 14, 9, 1, 0, 0, time.UTC))
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Go(func() {
			n, err := e.sender().Send(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2] + counts[3]; total != 2 {
		t.Errorf("four processes wrote %v digests, want 2 in all", counts)
	}
	if got := len(e.digests()); got != 4 {
		t.Errorf("%d digest rows after two Mondays, want 4", got)
	}
}

func TestDigest_NothingToSayNothingSent(t *testing.T) {
	e := newEnv(t)
	e.time.Set(time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC))
	if n := e.send(e.sender()); n != 0 {
		t.Fatalf("%d digests with no open statement", n)
	}
	if got := e.digests(); len(got) != 0 {
		t.Fatalf("digest rows %v", got)
	}
	// Off when no platform delivers (the console alone).
	e.aud = bot.Audience{}
	e.create(&bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "T", Purpose: bot.PurposeInfo, Body: "x"})
	e.time.Set(time.Date(2026, 12, 14, 9, 30, 0, 0, time.UTC))
	if n := e.send(e.sender()); n != 0 {
		t.Fatalf("%d digests without a platform", n)
	}
}

// Three replicas on one PostgreSQL database (LIAISONBOT_TEST_POSTGRES),
// each with its own connections, look for the digest at the same moment:
// it goes out once.
func TestDigest_OnceAcrossPostgresReplicas(t *testing.T) {
	url := pgtest.Schema(t)
	e := newEnv(t, storagetest.Path(url))
	e.create(&bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", Title: "T", Purpose: bot.PurposeInfo, Body: "x"})
	e.time.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	senders := []*digest.Sender{e.sender()}
	for range 2 {
		db, err := storage.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s := e.sender()
		s.Store = db
		senders = append(senders, s)
	}
	counts := make([]int, len(senders))
	var wg sync.WaitGroup
	for i, s := range senders {
		wg.Go(func() {
			n, err := s.Send(context.Background())
			if err != nil {
				t.Error(err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2]; total != 1 {
		t.Errorf("the replicas wrote %v digests, want 1 in all", counts)
	}
	if got := e.digests(); len(got) != 1 {
		t.Errorf("digest rows %v, want one to the liaison channel", got)
	}
}

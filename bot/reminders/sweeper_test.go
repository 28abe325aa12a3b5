package reminders_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
	"github.com/ietf-tools/liaisonbot/internal/pgtest"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

type env struct {
	t    testing.TB
	db   *storage.DB
	aud  bot.Audience
	time *storagetest.Clock
	org  *bot.Organization
	dir  *bot.Directory
}

func newEnv(t testing.TB, opts ...storagetest.Option) *env {
	ctx := context.Background()
	e := &env{t: t, time: storagetest.NewClock(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))}
	db := storagetest.Open(t, append([]storagetest.Option{storagetest.Now(e.clock)}, opts...)...)
	e.db = db
	e.aud = bot.Audience{Platforms: []string{"slack"}, Liaison: map[string]string{"slack": "CLIAISON"}}
	e.dir, _ = db.Directory(ctx)
	e.org = e.dir.OrgByAcronym("3GPP")
	return e
}

func (e *env) clock() time.Time { return e.time.Now() }
func (e *env) set(t time.Time)  { e.time.Set(t) }

func (e *env) sweeper() *reminders.Sweeper {
	return &reminders.Sweeper{Store: e.db, Schedule: bot.DefaultSchedule(), Now: e.clock, Logger: slog.New(slog.DiscardHandler),
		Audience: e.aud}
}

func (e *env) create(s *bot.Statement) *bot.Statement {
	n, events, _ := bot.NewStatement(s, bot.Actor{Platform: "console", UserID: "local", Admin: true}, nil, nil, e.clock())
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		_, err := tx.Create(n, "", events...)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// reminded lists the reminder keys recorded in the statement's history.
func (e *env) reminded(id int64) []string {
	events, err := e.db.Events(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range events {
		if ev.Type == bot.EventReminded {
			out = append(out, ev.Reminder)
		}
	}
	return out
}

func expectedSeries(deadline bot.Date) []string {
	var want []string
	for _, d := range []int{14, 7, 4, 3, 2, 1, 0} {
		want = append(want, "before:"+deadline.AddDays(-d).String())
	}
	for k := 1; k <= 14; k++ {
		want = append(want, "overdue:"+deadline.AddDays(k).String())
		if k == 3 {
			want = append(want, "escalation:"+deadline.AddDays(3).String())
		}
	}
	return want
}

func TestSweep_DayByDayWithRestarts(t *testing.T) {
	e := newEnv(t)
	deadline := bot.Date{Y: 2027, M: 2, D: 10}
	s := e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: "LS on YANG",
		Purpose: bot.PurposeAction, Deadline: deadline, Body: "x"})
	info := e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: "FYI",
		Purpose: bot.PurposeInfo, Deadline: deadline, Body: "x"})
	start := deadline.Time(time.UTC).AddDate(0, 0, -20)
	sw := e.sweeper()
	for now, i := start, 0; now.Before(deadline.Time(time.UTC).AddDate(0, 0, 21)); now, i = now.Add(2*time.Hour), i+1 {
		e.set(now)
		if i%5 == 0 {
			sw = e.sweeper() // a restart
		}
		if _, err := sw.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	got := e.reminded(s.ID)
	if fmt.Sprint(got) != fmt.Sprint(expectedSeries(deadline)) {
		t.Fatalf("reminders:\n got %v\nwant %v", got, expectedSeries(deadline))
	}
	if r := e.reminded(info.ID); len(r) != 0 {
		t.Errorf("For Information statement reminded: %v", r)
	}
	// Each reminder left outbox rows: to the liaison channel (the manager
	// is not linked to a Slack user) — one per reminder.
	st, err := e.db.OutboxStats(context.Background(), e.clock())
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending < len(got) {
		t.Errorf("%d outbox rows for %d reminders", st.Pending, len(got))
	}
}

func TestSweep_RacingSweepsSendOnce(t *testing.T) {
	e := newEnv(t)
	deadline := bot.Date{Y: 2027, M: 1, D: 8}
	var ids []int64
	for i := 0; i < 30; i++ {
		s := e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: fmt.Sprint("S", i),
			Purpose: bot.PurposeAction, Deadline: deadline, Body: "x"})
		ids = append(ids, s.ID)
	}
	e.set(deadline.Time(time.UTC).AddDate(0, 0, -1).Add(10 * time.Hour))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.sweeper().Sweep(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if r := e.reminded(id); len(r) != 1 || r[0] != "before:2027-01-07" {
			t.Fatalf("%s: %v, want one reminder", bot.Ref(id), r)
		}
	}
}

func TestSweep_DownFiveDaysOneCatchUp(t *testing.T) {
	e := newEnv(t)
	deadline := bot.Date{Y: 2027, M: 1, D: 20}
	s := e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: "X",
		Purpose: bot.PurposeAction, Deadline: deadline, Body: "x"})
	sw := e.sweeper()
	// Up until 4 days before, then down for 5 days, back at 08:00 on day +1.
	for now := deadline.Time(time.UTC).AddDate(0, 0, -6); now.Before(deadline.Time(time.UTC).AddDate(0, 0, -4).Add(12 * time.Hour)); now = now.Add(time.Hour) {
		e.set(now)
		sw.Sweep(context.Background())
	}
	before := len(e.reminded(s.ID))
	e.set(deadline.Time(time.UTC).AddDate(0, 0, 1).Add(8 * time.Hour))
	n, err := e.sweeper().Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := e.reminded(s.ID)[before:]
	if n != 1 || len(got) != 1 || got[0] != "before:2027-01-20" {
		t.Fatalf("after 5 days down: sent %d: %v, want one catch-up (today's deadline reminder)", n, got)
	}
}

func TestSweep_SnoozeAndTakenStop(t *testing.T) {
	e := newEnv(t)
	deadline := bot.Date{Y: 2027, M: 1, D: 20}
	s := e.create(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: "X",
		Purpose: bot.PurposeAction, Deadline: deadline, Body: "x"})
	// Snoozed until after the deadline: nothing before; escalation still goes.
	e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		cur, _ := tx.Statement(s.ID)
		cur.SnoozedUntil = deadline.AddDays(5)
		return tx.Save(cur)
	})
	for now := deadline.Time(time.UTC).AddDate(0, 0, -15); now.Before(deadline.Time(time.UTC).AddDate(0, 0, 4)); now = now.Add(3 * time.Hour) {
		e.set(now)
		e.sweeper().Sweep(context.Background())
	}
	if got := e.reminded(s.ID); fmt.Sprint(got) != "[escalation:2027-01-23]" {
		t.Fatalf("snoozed: %v, want only the escalation", got)
	}
	// Action taken: nothing more.
	e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		cur, _ := tx.Statement(s.ID)
		n, evs, err := bot.ApplyMove(cur, bot.MoveTaken, bot.Actor{Admin: true}, "", e.clock())
		if err != nil {
			return err
		}
		return tx.Save(n, evs...)
	})
	e.set(deadline.Time(time.UTC).AddDate(0, 0, 6).Add(10 * time.Hour))
	if n, _ := e.sweeper().Sweep(context.Background()); n != 0 {
		t.Fatalf("action taken, yet %d reminders", n)
	}
}

// BenchmarkSweep: 100,000 statements, of which 1,000 have a reminder due,
// on SQLite and on PostgreSQL (LIAISONBOT_TEST_POSTGRES).
func BenchmarkSweep(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchSweep(b, "") })
	b.Run("postgres", func(b *testing.B) { benchSweep(b, pgtest.Schema(b)) })
}

func benchSweep(b *testing.B, url string) {
	var opts []storagetest.Option
	if url != "" {
		opts = append(opts, storagetest.Path(url))
	}
	e := newEnv(b, opts...)
	ctx := context.Background()
	today := bot.Date{Y: 2027, M: 3, D: 1}
	e.set(today.Time(time.UTC).Add(10 * time.Hour))
	for start := 0; start < 100_000; start += 5000 {
		err := e.aud.Update(ctx, e.db, func(tx bot.Tx) error {
			for i := start; i < start+5000; i++ {
				s := &bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID, Title: fmt.Sprint("S", i),
					Purpose: bot.PurposeAction, Body: "x"}
				switch {
				case i%100 == 0: // 1,000 due: deadline in a week
					s.Deadline = today.AddDays(7)
				case i%2 == 0: // far in the future
					s.Deadline = today.AddDays(200 + i%100)
				default: // long past, or no deadline
					s.Purpose = bot.PurposeInfo
				}
				n, events, _ := bot.NewStatement(s, bot.Actor{Platform: "console", UserID: "local", Admin: true}, nil, nil, e.clock().AddDate(0, 0, -30))
				if _, err := tx.Create(n, "", events...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// A second connection to the same file, to forget what was sent so that
	// every run sends the 1,000 again.
	raw, err := sql.Open("sqlite3", e.db.Path+"?_busy_timeout=10000")
	if url != "" {
		raw, err = sql.Open("pgx", url)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := raw.Exec(`DELETE FROM reminders_sent; DELETE FROM outbox; DELETE FROM statement_events WHERE type = 'reminded'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := e.sweeper().Sweep(ctx)
		if err != nil || n != 1000 {
			b.Fatalf("sent %d, %v", n, err)
		}
	}
}

// An incoming statement recorded pending (its submitter's word does not
// record it) is not forgotten: on the approval schedule it reminds those
// who may record it — the liaison manager, the organization's contacts and
// the coordinators — by DM where they are linked, else in the liaison
// channel, once per reminder.
func TestSweep_PendingIncomingRemindsWhoMayRecordIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// 3GPP's liaison manager, with an address to link his Slack account to.
	if _, err := e.db.ApplyDirectory(ctx, bot.DirectoryEdit{By: "test", Edit: func(d *bot.Directory) (*bot.Directory, error) {
		d.OrgByAcronym("3GPP").Managers[0].Email = "gonzalo@example.org"
		return d, nil
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.LinkChat(ctx, "slack", "UGONZALO", "gonzalo@example.org", "Gonzalo Camarillo", "test"); err != nil {
		t.Fatal(err)
	}
	dir, err := e.db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.org = dir.OrgByAcronym("3GPP")
	stranger := bot.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice Example", Email: "alice@example.org"}
	submitted := time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC)
	e.set(submitted)
	in, events, err := bot.NewStatement(&bot.Statement{Direction: bot.Incoming, From: "3GPP", To: "opsawg", OrgID: e.org.ID,
		Title: "LS on user plane security", Purpose: bot.PurposeInfo, Body: "x"}, stranger, e.org, dir, submitted)
	if err != nil || in.State != bot.StatePending {
		t.Fatalf("submitted %v, %v; want pending", in, err)
	}
	if err := e.aud.Update(ctx, e.db, func(tx bot.Tx) error { _, err := tx.Create(in, "", events...); return err }); err != nil {
		t.Fatal(err)
	}

	e.set(submitted.AddDate(0, 0, 3).Add(-5 * time.Hour)) // 2027-01-07 10:00, after send_at
	if n, err := e.sweeper().Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d reminders, %v; want the approval reminder", n, err)
	}
	if got := e.reminded(in.ID); len(got) != 1 || got[0] != "approval:2027-01-07" {
		t.Fatalf("reminded %v", got)
	}
	if n, _ := e.sweeper().Sweep(ctx); n != 0 {
		t.Errorf("a second sweep sent %d more", n)
	}
	rows, err := e.db.OutboxList(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, r := range rows {
		if r.Kind == bot.NoticeReminder {
			targets = append(targets, r.Target.String())
		}
	}
	// The manager is linked: a DM; the contacts and the coordinators are
	// not: the liaison channel, which names them.
	if got := strings.Join(targets, " "); got != "slack:@UGONZALO slack:#CLIAISON" {
		t.Errorf("reminder went to %s", got)
	}
	cur, _ := e.db.Statement(ctx, in.ID)
	msg := bot.ReminderNotice(bot.Reminder{Kind: bot.RemindApproval, Days: 3}, cur, e.org, dir, bot.Date{Y: 2027, M: 1, D: 7})
	var text strings.Builder
	for _, b := range msg.Blocks {
		if p, ok := b.(bot.Paragraph); ok {
			text.WriteString(p.Text.PlainString() + "\n")
		}
	}
	for _, want := range []string{"LS-1 has waited 3 days for approval", "For: Gonzalo Camarillo", "Georg Mayer", "IAB liaison coordinators"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the reminder lacks %q:\n%s", want, text.String())
		}
	}
}

package storage

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/internal/pgtest"
)

var stressFor = flag.Duration("stress", 10*time.Second, "how long TestStatements_ConcurrentWriters runs (-short: 1s)")

var testActor = bot.Actor{Platform: "console", UserID: "local", Name: "Tester", Admin: true}

func newTestStatement(i int, org *bot.Organization) *bot.Statement {
	s := &bot.Statement{
		Direction: bot.Outgoing, From: "opsawg", To: org.Acronym, OrgID: org.ID,
		Title: fmt.Sprintf("Statement number %d on YANG models", i), Purpose: bot.PurposeInfo,
		Body: "Body text " + fmt.Sprint(i), ResponseContacts: bot.MustParseAddressList("a@example.org"),
	}
	if i%3 == 0 {
		s.Purpose = bot.PurposeAction
		s.Deadline = bot.Date{Y: 2026, M: 1 + i%12, D: 1 + i%28}
	}
	return s
}

func mustCreate(t testing.TB, db *DB, s *bot.Statement, now time.Time) *bot.Statement {
	t.Helper()
	return mustCreateFor(t, db, bot.Audience{}, s, now)
}

// mustCreateFor creates s announced to aud.
func mustCreateFor(t testing.TB, db *DB, aud bot.Audience, s *bot.Statement, now time.Time) *bot.Statement {
	t.Helper()
	n, events, _ := bot.NewStatement(s, testActor, nil, nil, now)
	err := aud.Update(context.Background(), db, func(tx bot.Tx) error {
		_, err := tx.Create(n, "", events...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStatement_CreateReadEventsAndIndex(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := newTestStatement(3, d.OrgByAcronym("3GPP"))
	s.Identifiers = "S2-2401234"
	s.Attachments = bot.Attachments{{Title: "LS on YANG (PDF)", URL: "https://example.org/a.pdf"}}
	n := mustCreate(t, db, s, now)
	got, err := db.Statement(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != s.Title || got.Deadline != s.Deadline || got.State != bot.StatePending || !got.ActionRequired ||
		got.Attachments[0] != s.Attachments[0] || !got.Submitted.Equal(now) || got.Version != 1 {
		t.Fatalf("read back %+v", got)
	}
	events, err := db.Events(ctx, n.ID)
	if err != nil || len(events) != 2 || events[0].Type != bot.EventSubmitted || events[1].Tag != bot.TagActionRequired || events[1].Note != "" {
		t.Fatalf("events = %+v, %v", events, err)
	}
	for _, q := range []string{"yang", "S2-2401234", "a@example.org", "statem numb"} {
		list, _, err := db.SearchStatements(ctx, q, 1, 10)
		if err != nil || len(list) != 1 {
			t.Errorf("search %q: %d results, %v", q, len(list), err)
		}
	}
	// FTS syntax from users is neutralised.
	for _, q := range []string{`"`, `yang OR`, `NEAR(`, `*`, `title:x`, `-yang`} {
		if _, _, err := db.SearchStatements(ctx, q, 1, 10); err != nil && bot.ErrorCode(err) == bot.EINTERNAL {
			t.Errorf("search %q: internal error %v", q, err)
		}
	}
}

func TestStatement_SaveDetectsConcurrentChange(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	n := mustCreate(t, db, newTestStatement(1, d.OrgByAcronym("3GPP")), time.Now())
	stale := *n
	err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		s, _ := tx.Statement(n.ID)
		s.State = bot.StateApproved
		return tx.Save(s)
	})
	if err != nil {
		t.Fatal(err)
	}
	stale.State = bot.StateDead
	err = db.UpdateStatements(ctx, func(tx bot.StatementTx) error { return tx.Save(&stale) })
	if bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("saving a stale copy: %v, want ECONFLICT", err)
	}
	got, _ := db.Statement(ctx, n.ID)
	if got.State != bot.StateApproved {
		t.Fatalf("stale save changed the statement: %s", got.State)
	}
}

func TestStatement_CreateIsIdempotentByKey(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	s := newTestStatement(1, d.OrgByAcronym("3GPP"))
	var ids []int64
	for i := 0; i < 2; i++ {
		n, events, _ := bot.NewStatement(s, testActor, nil, nil, time.Now())
		err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
			id, err := tx.Create(n, "view-V123", events...)
			ids = append(ids, id)
			if i == 1 && bot.ErrorCode(err) == bot.ECONFLICT {
				return nil
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if ids[0] != ids[1] {
		t.Fatalf("same key created %v", ids)
	}
	list, _, _ := db.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll})
	if len(list) != 1 {
		t.Fatalf("%d statements, want 1", len(list))
	}
}

func TestStatement_FailedTransactionWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	n, events, _ := bot.NewStatement(newTestStatement(1, d.OrgByAcronym("3GPP")), testActor, nil, nil, time.Now())
	err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
		if _, err := tx.Create(n, "", events...); err != nil {
			return err
		}
		return bot.Errorf(bot.EINVALID, "changed my mind")
	})
	if bot.ErrorCode(err) != bot.EINVALID {
		t.Fatal(err)
	}
	var count, evs, fts int
	db.r.Get(&count, `SELECT COUNT(*) FROM statements`)
	db.r.Get(&evs, `SELECT COUNT(*) FROM statement_events`)
	db.r.Get(&fts, `SELECT COUNT(*) FROM statements_fts`)
	if count+evs+fts != 0 {
		t.Fatalf("rolled back transaction left %d statements, %d events, %d index rows", count, evs, fts)
	}
}

// TestStatements_ConcurrentWriters runs 8 goroutines submitting and moving
// statements: no SQLITE_BUSY, no lost event.
func TestStatements_ConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	org := d.OrgByAcronym("3GPP")
	dur := *stressFor
	if testing.Short() {
		dur = time.Second
	}
	deadline := time.Now().Add(dur)
	var created, moved, killed, wantEvents atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				n, events, _ := bot.NewStatement(newTestStatement(i, org), testActor, nil, nil, time.Now())
				var id int64
				err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
					var err error
					id, err = tx.Create(n, "", events...)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				created.Add(1)
				wantEvents.Add(int64(len(events)))
				// Move it, and also an older one some other goroutine made
				// (which may have moved already: conflicts are fine).
				for _, target := range []int64{id, max(1, id/2)} {
					var nev int
					var kill bool
					err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
						s, err := tx.Statement(target)
						if err != nil {
							return err
						}
						moves := bot.AllowedMoves(s)
						if len(moves) == 0 {
							return nil
						}
						// Every allowed move in turn, kills included.
						m := moves[(g+i+int(target))%len(moves)]
						kill = m == bot.MoveKill
						note := ""
						if m == bot.MoveKill {
							note = "stress"
						}
						ns, evs, err := bot.ApplyMove(s, m, testActor, note, time.Now())
						if err != nil {
							return err
						}
						nev = len(evs)
						return tx.Save(ns, evs...)
					})
					if err != nil && bot.ErrorCode(err) != bot.ECONFLICT {
						errs <- err
						return
					}
					if err == nil && nev > 0 {
						moved.Add(1)
						wantEvents.Add(int64(nev))
						if kill {
							killed.Add(1)
						}
					}
				}
				// Readers run alongside.
				if _, _, err := db.ListStatements(ctx, bot.ListQuery{Filter: bot.ListOpen, PageSize: 10}); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if IsBusy(err) {
			t.Fatalf("SQLITE_BUSY: %v", err)
		}
		t.Fatal(err)
	}
	var nStatements, nEvents int64
	db.r.Get(&nStatements, `SELECT COUNT(*) FROM statements`)
	db.r.Get(&nEvents, `SELECT COUNT(*) FROM statement_events`)
	if nStatements != created.Load() || nEvents != wantEvents.Load() {
		t.Fatalf("%d statements (want %d), %d events (want %d)", nStatements, created.Load(), nEvents, wantEvents.Load())
	}
	if killed.Load() == 0 {
		t.Errorf("no statement was killed in %d moves: the stress test does not run every move", moved.Load())
	}
	t.Logf("%s: %d statements created, %d moves (%d kills), %d events", dur, created.Load(), moved.Load(), killed.Load(), nEvents)
}

// listQueries are the queries "list" and "search" run, for the plan test
// and the benchmarks.
func listQueries(today bot.Date, org int64) map[string]bot.ListQuery {
	return map[string]bot.ListQuery{
		"open":    {Filter: bot.ListOpen, PageSize: 10},
		"pending": {Filter: bot.ListPending, PageSize: 10},
		"overdue": {Filter: bot.ListOverdue, Today: today, PageSize: 10},
		"mine":    {Filter: bot.ListMine, MineKey: "slack:U7", MineMail: "m@example.org", MineOrgs: []int64{org}, PageSize: 10},
		"all":     {Filter: bot.ListAll, PageSize: 10},
		"org":     {Filter: bot.ListOpen, OrgID: org, PageSize: 10},
	}
}

func TestListStatements_UseIndexes(t *testing.T) {
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	org := d.OrgByAcronym("3GPP")
	for i := 0; i < 200; i++ {
		mustCreate(t, db, newTestStatement(i, org), time.Now())
	}
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	// The queries ListStatements and SearchStatements run, as they run
	// them (page 2, so that the offset is there too).
	for name, q := range listQueries(bot.Date{Y: 2026, M: 6, D: 1}, org.ID) {
		q.Page = 2
		query, args := listQuery(dialectSQLite, q)
		plan := explain(t, db, query, args...)
		if strings.Contains(plan, "SCAN statements") && !strings.Contains(plan, "USING INDEX") && !strings.Contains(plan, "USING COVERING INDEX") {
			t.Errorf("list %s scans the table:\n%s", name, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") && name != "mine" {
			t.Errorf("list %s sorts without an index:\n%s", name, plan)
		}
	}
	plan := explain(t, db, searchQuery(dialectSQLite), ftsQuery("yang"), 11, 10)
	if !strings.Contains(plan, "VIRTUAL TABLE INDEX") || strings.Contains(plan, "SCAN statements ") || strings.Contains(plan, "SCAN statements\n") {
		t.Errorf("search does not use the full-text index:\n%s", plan)
	}
}

func explain(t testing.TB, db *DB, q string, args ...any) string {
	sqliteOnly(t) // PostgreSQL plans its queries its own way
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}

// BenchmarkSubmit measures statement creation (row, events, full-text
// index, one transaction each): statements per second, with the default
// synchronous=FULL and with NORMAL (LIAISONBOT_DB_SYNCHRONOUS=normal), and
// on PostgreSQL (LIAISONBOT_TEST_POSTGRES; its commits wait for the disk,
// as FULL does).
func BenchmarkSubmit(b *testing.B) {
	for _, mode := range []string{SyncFull, SyncNormal, "postgres"} {
		name := "sqlite/synchronous=" + mode
		if mode == "postgres" {
			name = "postgres"
		}
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			opts := []Option{WithSynchronous(mode)}
			if mode == "postgres" {
				path, opts = strings.Replace(pgtest.Schema(b), "synchronous_commit=off", "synchronous_commit=on", 1), nil
			}
			db, err := Open(context.Background(), path, opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			d := MustSeed(b, db)
			org := d.OrgByAcronym("3GPP")
			now := time.Now()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				mustCreate(b, db, newTestStatement(i, org), now)
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "statements/s")
		})
	}
}

// BenchmarkList runs list overdue, list mine and search over 100,000
// statements (on PostgreSQL: LIAISONBOT_TEST_STORE=postgres, with
// LIAISONBOT_TEST_POSTGRES).
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	d := MustSeed(b, db)
	orgs := d.Orgs
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	const total = 100_000
	for start := 0; start < total; start += 5000 {
		err := db.UpdateStatements(ctx, func(tx bot.StatementTx) error {
			for i := start; i < start+5000; i++ {
				s := newTestStatement(i, orgs[i%len(orgs)])
				n, events, _ := bot.NewStatement(s, bot.Actor{Platform: "slack", UserID: fmt.Sprintf("U%d", i%500)}, nil, nil, now.Add(-time.Duration(i)*time.Minute))
				if i%7 == 0 {
					n.State = bot.StatePosted
				}
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
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	qs := listQueries(bot.Date{Y: 2026, M: 11, D: 26}, d.OrgByAcronym("3GPP").ID)
	mine := qs["mine"]
	mine.MineKey = "slack:U7"
	for _, name := range []string{"overdue", "mine", "open", "org"} {
		q := qs[name]
		if name == "mine" {
			q = mine
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.ListStatements(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("search", func(b *testing.B) {
		for b.Loop() {
			list, _, err := db.SearchStatements(ctx, "yang models", 1, 10)
			if err != nil || len(list) != 10 {
				b.Fatal(len(list), err)
			}
		}
	})
	b.Run("search-rare", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := db.SearchStatements(ctx, "99999", 1, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestReminderCandidates_UseIndexes(t *testing.T) {
	db := MustOpenDB(t)
	d := MustSeed(t, db)
	for i := 0; i < 200; i++ {
		mustCreate(t, db, newTestStatement(i, d.OrgByAcronym("3GPP")), time.Now())
	}
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	sent, sentArgs, err := sqlx.In(remindersSentQuery, []int64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		query string
		args  []any
	}{
		{dueQuery, []any{"2026-01-01", "2026-02-01"}},
		{awaitingApprovalQuery, nil},
		{sent, sentArgs},
	} {
		plan := explain(t, db, q.query, q.args...)
		if strings.Contains(plan, "SCAN ") && !strings.Contains(plan, "INDEX") {
			t.Errorf("query scans a table:\n%s\n%s", q.query, plan)
		}
	}
	got, err := db.ReminderCandidates(context.Background(), bot.Date{Y: 2026, M: 1, D: 1}, bot.Date{Y: 2026, M: 12, D: 31})
	if err != nil || len(got) == 0 {
		t.Fatalf("candidates: %d, %v", len(got), err)
	}
}

func TestOutbox_ClaimQueryUsesIndexes(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	// The claims the dispatcher makes: limits for each platform or for
	// none, skipping channels or not.
	for _, lim := range []bot.ClaimLimits{
		{Rows: 50, Channels: 8},
		{Rows: 50, Channels: 8, PerChannel: map[string]int{"slack": 4, "zulip": 2}},
	} {
		for _, skip := range [][]string{nil, {"slack|CLIAISON", "zulip|liaison"}} {
			query, args := claimQuery(now, lim, skip)
			plan := explain(t, db, query, args...)
			if strings.Contains(plan, "SCAN o\n") || strings.Contains(plan, "SCAN p\n") || !strings.Contains(plan, "outbox_due") {
				t.Errorf("claim (limits %+v, skipping %v) scans the outbox:\n%s", lim, skip, plan)
			}
		}
	}
}

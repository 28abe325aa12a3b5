package storage

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Several replicas on one PostgreSQL database: what each must do once is
// done once, whichever does it, and what one changes the others hear of.
// Each test opens its stores on one schema of its own (mustOpenReplicas),
// and skips without LIAISONBOT_TEST_POSTGRES.

// waitFor polls cond until it holds or a generous deadline passes (no
// timing is asserted: the deadline only keeps a broken run from hanging).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestReplicas_ClaimEachNoticeOnce(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 3)
	ctx := context.Background()
	d := MustSeed(t, dbs[0])
	aud := bot.Audience{Platforms: []string{"slack", "zulip"}, Liaison: map[string]string{"slack": "C1", "zulip": "liaison"}}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, db := range dbs {
		db.Now = func() time.Time { return now }
	}
	const statements = 40
	for i := range statements {
		mustCreateFor(t, dbs[i%3], aud, newTestStatement(i, d.OrgByAcronym("3GPP")), now)
	}
	// Each replica's dispatchers claim, deliver (MarkSent) and claim again
	// until nothing is left, all at once.
	var mu sync.Mutex
	sent := map[int64]string{}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for r := range 3 {
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("replica%d/%d", r, w)
				lim := bot.ClaimLimits{Rows: 5, Channels: 5, PerChannel: map[string]int{"slack": 5, "zulip": 5}}
				for {
					items, err := dbs[r].ClaimNotices(ctx, owner, now.Add(time.Second), time.Minute, lim, nil)
					if err != nil {
						errs <- err
						return
					}
					if len(items) == 0 {
						return
					}
					for _, it := range items {
						mu.Lock()
						if prev, ok := sent[it.ID]; ok {
							mu.Unlock()
							errs <- fmt.Errorf("notice %d claimed by %s and by %s", it.ID, prev, owner)
							return
						}
						sent[it.ID] = owner
						mu.Unlock()
						if err := dbs[r].MarkSent(ctx, it.ID, owner, bot.Delivered{MessageID: "m"}, now.Add(time.Second)); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := dbs[1].OutboxStats(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || len(sent) != statements*2 {
		t.Errorf("%d notices sent, %d pending; want %d sent, none pending", len(sent), st.Pending, statements*2)
	}
	owners := map[string]bool{}
	for _, o := range sent {
		owners[o[:8]] = true
	}
	t.Logf("%d notices delivered once each, by %d replicas", len(sent), len(owners))
}

func TestReplicas_ReminderOnceWhicheverSweeps(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 3)
	d := MustSeed(t, dbs[0])
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := mustCreate(t, dbs[0], newTestStatement(3, d.OrgByAcronym("3GPP")), now)
	var marked atomic.Int32
	var wg sync.WaitGroup
	for i := range 9 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := dbs[i%3].UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
				ok, err := tx.MarkReminded(s.ID, "deadline-7:2026-11-26", now)
				if ok {
					marked.Add(1)
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if marked.Load() != 1 {
		t.Errorf("the reminder was marked %d times, want once", marked.Load())
	}
}

func TestReplicas_DirectoryChangeReachesTheOthers(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 2)
	ctx := context.Background()
	MustSeed(t, dbs[0])
	var heard atomic.Int32
	dbs[1].OnChange(func(topic string) {
		if topic == ChangeDirectory {
			heard.Add(1)
		}
	})
	before, err := dbs[1].Directory(ctx) // cached from now on
	if err != nil {
		t.Fatal(err)
	}
	if before.OrgByAcronym("NEWORG") != nil {
		t.Fatal("NEWORG before it was added")
	}
	if _, err := dbs[0].ApplyDirectory(ctx, bot.DirectoryEdit{By: "test", Edit: addOrg("NEWORG", "test", time.Now())}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the other replica hears of the change", func() bool { return heard.Load() > 0 })
	after, err := dbs[1].Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.OrgByAcronym("NEWORG") == nil {
		t.Error("the other replica still serves the directory from before the change")
	}
}

func TestReplicas_OneLeaderAndATakeover(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 3)
	var leading atomic.Int32
	var overlap atomic.Bool
	var mu sync.Mutex
	var leaders []int
	stop := make([]context.CancelFunc, 3)
	done := make([]chan struct{}, 3)
	for i := range dbs {
		ctx, cancel := context.WithCancel(context.Background())
		stop[i], done[i] = cancel, make(chan struct{})
		go func() {
			defer close(done[i])
			dbs[i].Lead(ctx, "zulip events", func(ctx context.Context) error {
				if leading.Add(1) > 1 {
					overlap.Store(true)
				}
				mu.Lock()
				leaders = append(leaders, i)
				mu.Unlock()
				<-ctx.Done()
				leading.Add(-1)
				return nil
			}, nil)
		}()
	}
	t.Cleanup(func() {
		for i := range stop {
			stop[i]()
			<-done[i]
		}
	})
	current := func() int {
		mu.Lock()
		defer mu.Unlock()
		if len(leaders) == 0 {
			return -1
		}
		return leaders[len(leaders)-1]
	}
	waitFor(t, "a leader", func() bool { return leading.Load() == 1 })
	first := current()
	// The leader's database session dies (as when its process is killed):
	// the server drops its lock, a survivor takes the lead, and the old
	// leader, finding its lead lost, stops its work.
	if _, err := dbs[(first+1)%3].w.Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objid = (?::bigint & 4294967295)::oid AND classid = ((?::bigint >> 32) & 4294967295)::oid`,
		lockKey(dbs[0].schema, "lead:zulip events"), lockKey(dbs[0].schema, "lead:zulip events")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "another leader", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(leaders) >= 2 && leading.Load() == 1
	})
	// The leader stops (a clean shutdown): another takes over.
	second := current()
	stop[second]()
	<-done[second]
	waitFor(t, "a third leadership", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(leaders) >= 3 && leading.Load() == 1
	})
	if overlap.Load() {
		t.Error("two replicas led at once")
	}
	mu.Lock()
	t.Logf("leaders in turn: %v", leaders)
	if slices.Contains(leaders[2:], second) {
		t.Errorf("the stopped replica led again: %v", leaders)
	}
	mu.Unlock()
}

func TestReplicas_SlackDeliveryHandledOnce(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 3)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	// Slack retries a delivery; the load balancer sends each try to
	// another replica, at the same moment.
	var first atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			seen, err := dbs[i%3].SeenSlackEvent(context.Background(), "Ev0123RETRY", now)
			if err != nil {
				t.Error(err)
			}
			if !seen {
				first.Add(1)
			}
		})
	}
	wg.Wait()
	if first.Load() != 1 {
		t.Errorf("the delivery was handled %d times, want once", first.Load())
	}
}

func TestReplicas_NudgeLimitHoldsAcrossReplicas(t *testing.T) {
	if onPostgres() {
		t.Skip("runs in the SQLite run, on replicas of its own")
	}
	dbs := mustOpenReplicas(t, 3)
	d := MustSeed(t, dbs[0])
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := mustCreate(t, dbs[0], newTestStatement(1, d.OrgByAcronym("3GPP")), now)
	stranger := bot.Actor{Platform: "slack", UserID: "USTRANGER", Name: "Stranger"}
	// The nudge's read-check-write, as commands/nudge.go runs it, from
	// three replicas at once: one gets through, the others are refused.
	var nudged, limited atomic.Int32
	var wg sync.WaitGroup
	for i := range 9 {
		wg.Go(func() {
			err := dbs[i%3].UpdateStatements(context.Background(), func(tx bot.StatementTx) error {
				st, err := tx.Statement(s.ID)
				if err != nil {
					return err
				}
				history, err := tx.Events(s.ID)
				if err != nil {
					return err
				}
				if err := bot.MayNudge(stranger, st, d.Org(st.OrgID), d, history, now); err != nil {
					return err
				}
				return tx.AddEvents(bot.Event{Statement: s.ID, Time: now, Type: bot.EventNudged, ByKey: stranger.Key(), By: "Stranger"})
			})
			switch {
			case err == nil:
				nudged.Add(1)
			case bot.ErrorCode(err) == bot.ELIMIT:
				limited.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if nudged.Load() != 1 || limited.Load() != 8 {
		t.Errorf("%d nudges went through and %d were limited; want 1 and 8", nudged.Load(), limited.Load())
	}
}

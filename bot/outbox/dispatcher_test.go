package outbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// fakeChat records deliveries; fail decides, per call, whether to fail.
type fakeChat struct {
	platform string
	mu       sync.Mutex
	got      []bot.Delivery
	ids      int
	fail     func(n int, d bot.Delivery) error
	calls    int
	threads  bool // answer with a thread id, like Slack
}

func (f *fakeChat) Platform() string { return f.platform }

func (f *fakeChat) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		if err := f.fail(f.calls, d); err != nil {
			return bot.Delivered{}, err
		}
	}
	f.ids++
	f.got = append(f.got, d)
	id := fmt.Sprintf("m%d", f.ids)
	res := bot.Delivered{MessageID: id}
	if f.threads {
		res.Thread = d.Thread
		if d.Thread == "" {
			res.Thread = id
		}
	}
	return res, nil
}

func (f *fakeChat) deliveries() []bot.Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Delivery(nil), f.got...)
}

type env struct {
	t     *testing.T
	db    *storage.DB
	aud   bot.Audience
	clock *storagetest.Clock
	org   *bot.Organization
}

func newEnv(t *testing.T, platforms ...string) *env {
	ctx := context.Background()
	c := storagetest.NewClock(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	db := storagetest.Open(t, storagetest.Now(c.Now))
	aud := bot.Audience{Platforms: platforms, Liaison: map[string]string{}}
	for _, p := range platforms {
		aud.Liaison[p] = "liaison"
	}
	d, _ := db.Directory(ctx)
	return &env{t: t, db: db, aud: aud, clock: c, org: d.OrgByAcronym("3GPP")}
}

var admin = bot.Actor{Platform: "console", UserID: "local", Name: "Admin", Admin: true}

// submit creates a pending outgoing statement (one notice per target).
func (e *env) submit(title string) *bot.Statement {
	s := &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", OrgID: e.org.ID, Title: title, Purpose: bot.PurposeInfo, Body: "x"}
	n, events, _ := bot.NewStatement(s, admin, nil, nil, e.clock.Now())
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		_, err := tx.Create(n, "", events...)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// move applies a move (one more notice per target).
func (e *env) move(id int64, m bot.Move) {
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		s, err := tx.Statement(id)
		if err != nil {
			return err
		}
		n, evs, err := bot.ApplyMove(s, m, admin, "", e.clock.Now())
		if err != nil {
			return err
		}
		return tx.Save(n, evs...)
	}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) dispatcher(chats ...*fakeChat) *outbox.Dispatcher {
	m := map[string]bot.Chat{}
	for _, c := range chats {
		m[c.platform] = c
	}
	return &outbox.Dispatcher{Store: e.db, Chats: m, Now: e.clock.Now, BackoffBase: time.Second, BackoffMax: 4 * time.Second, Logger: slog.New(slog.DiscardHandler)}
}

// drain runs cycles, moving the clock on when nothing is due, until the
// outbox is empty.
func (e *env) drain(d *outbox.Dispatcher, maxCycles int) {
	for i := 0; i < maxCycles; i++ {
		st, err := e.db.OutboxStats(context.Background(), e.clock.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		if st.Pending == 0 {
			return
		}
		n, err := d.RunOnce(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			e.clock.Add(time.Second)
		}
	}
	e.t.Fatal("outbox did not drain")
}

// summaries lists, per target, the statement refs and what happened, in
// delivery order.
func byTarget(ds []bot.Delivery) map[string][]string {
	out := map[string][]string{}
	for _, d := range ds {
		out[d.Target.String()] = append(out[d.Target.String()], d.Message.Summary)
	}
	return out
}

func TestDispatcher_FailuresThenSuccess_OnceInOrder(t *testing.T) {
	e := newEnv(t, "slack", "zulip")
	a := e.submit("Alpha")
	e.move(a.ID, bot.MoveApprove)
	e.move(a.ID, bot.MovePost)
	b := e.submit("Beta")
	// Slack: 500 on the first two calls, then 429 with Retry-After, then fine.
	slack := &fakeChat{platform: "slack", fail: func(n int, _ bot.Delivery) error {
		switch n {
		case 1, 2:
			return &bot.DeliveryError{Code: "http_500"}
		case 3:
			return &bot.DeliveryError{Code: "ratelimited", RetryAfter: 3 * time.Second}
		}
		return nil
	}}
	zulip := &fakeChat{platform: "zulip", fail: func(n int, _ bot.Delivery) error {
		if n == 1 {
			return &bot.DeliveryError{Code: "RATE_LIMIT_HIT", RetryAfter: 500 * time.Millisecond}
		}
		return nil
	}}
	e.drain(e.dispatcher(slack, zulip), 200)
	for _, c := range []*fakeChat{slack, zulip} {
		got := byTarget(c.deliveries())
		k := bot.Target{Platform: c.platform, Channel: "liaison"}.String()
		var alpha, beta []string
		for _, s := range got[k] {
			switch {
			case len(s) > 0 && s[:4] == "LS-1":
				alpha = append(alpha, s)
			default:
				beta = append(beta, s)
			}
		}
		// Notices are rendered when delivered: "now" is the state then.
		want := []string{"LS-1: Submitted (now posted) — Alpha", "LS-1: Pending → approved (now posted) — Alpha", "LS-1: Approved → posted (now posted) — Alpha"}
		if fmt.Sprint(alpha) != fmt.Sprint(want) {
			t.Errorf("%s: LS-1 notices %q, want %q once each in order", c.platform, alpha, want)
		}
		if len(beta) != 1 || beta[0] != "LS-2: Submitted (now pending) — Beta" {
			t.Errorf("%s: LS-2 notices %q", c.platform, beta)
		}
	}
	if st, _ := e.db.OutboxStats(context.Background(), e.clock.Now()); st.Pending != 0 || st.Failed != 0 {
		t.Fatalf("outbox left %+v", st)
	}
	_ = b
}

func TestDispatcher_RestartMidQueueNoDuplicates(t *testing.T) {
	e := newEnv(t, "slack")
	for i := 0; i < 5; i++ {
		s := e.submit(fmt.Sprintf("S%d", i))
		e.move(s.ID, bot.MoveApprove)
	}
	chat := &fakeChat{platform: "slack"}
	first := e.dispatcher(chat)
	first.Batch = 3
	for range 3 {
		if _, err := first.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(chat.deliveries()); n == 0 || n >= 10 {
		t.Fatalf("first dispatcher delivered %d, want some of the 10", n)
	}
	// "Restart": a new dispatcher (another owner) on the same database.
	second := e.dispatcher(chat)
	e.drain(second, 100)
	seen := map[string]int{}
	for _, d := range chat.deliveries() {
		seen[d.Message.Summary]++
	}
	if len(seen) != 10 {
		t.Errorf("%d distinct notices delivered, want 10", len(seen))
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("%q delivered %d times", s, n)
		}
	}
}

func TestDispatcher_TwoDispatchersNeverDeliverARowTwice(t *testing.T) {
	e := newEnv(t, "slack", "zulip")
	for i := 0; i < 40; i++ {
		s := e.submit(fmt.Sprintf("S%d", i))
		e.move(s.ID, bot.MoveApprove)
	}
	chat := &fakeChat{platform: "slack"}
	zchat := &fakeChat{platform: "zulip"}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		d := e.dispatcher(chat, zchat)
		d.Batch = 7
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if _, err := d.RunOnce(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range []*fakeChat{chat, zchat} {
		seen := map[string]int{}
		for _, d := range c.deliveries() {
			seen[d.Message.Summary]++
		}
		if len(seen) != 80 {
			t.Errorf("%s: %d distinct notices, want 80", c.platform, len(seen))
		}
		for s, n := range seen {
			if n != 1 {
				t.Errorf("%s: %q delivered %d times", c.platform, s, n)
			}
		}
	}
}

func TestDispatcher_SlackThread(t *testing.T) {
	e := newEnv(t, "slack")
	s := e.submit("Threaded")
	e.move(s.ID, bot.MoveApprove)
	e.move(s.ID, bot.MovePost)
	chat := &fakeChat{platform: "slack", threads: true}
	e.drain(e.dispatcher(chat), 50)
	ds := chat.deliveries()
	if len(ds) != 3 {
		t.Fatalf("%d deliveries, want 3", len(ds))
	}
	if ds[0].Thread != "" || ds[0].Parent != nil {
		t.Errorf("first notice should start the thread: %+v", ds[0])
	}
	for _, d := range ds[1:] {
		if d.Thread != "m1" {
			t.Errorf("later notice not in the thread m1: %q", d.Thread)
		}
		if d.Parent == nil {
			t.Errorf("later notice does not update the parent")
		}
	}
	if p := ds[2].Parent; p == nil || p.Summary != "LS-1: Threaded (posted)" {
		t.Errorf("parent not brought to the current state: %+v", p)
	}
}

func TestDispatcher_ParksAfterGiveUpAndPermanent(t *testing.T) {
	e := newEnv(t, "slack", "zulip")
	e.submit("Doomed")
	slack := &fakeChat{platform: "slack", fail: func(int, bot.Delivery) error { return &bot.DeliveryError{Code: "http_503"} }}
	zulip := &fakeChat{platform: "zulip", fail: func(int, bot.Delivery) error {
		return &bot.DeliveryError{Code: "STREAM_NOT_FOUND", Permanent: true}
	}}
	d := e.dispatcher(slack, zulip)
	d.GiveUp = time.Minute
	for i := 0; i < 200; i++ {
		d.RunOnce(context.Background())
		e.clock.Add(2 * time.Second)
	}
	st, _ := e.db.OutboxStats(context.Background(), e.clock.Now())
	if st.Failed != 2 || st.Pending != 0 {
		t.Fatalf("outbox %+v, want both rows parked", st)
	}
	if zulip.calls != 1 {
		t.Errorf("permanent failure retried: %d calls", zulip.calls)
	}
	list, _ := e.db.OutboxList(context.Background(), 10)
	if len(list) != 2 || list[0].LastError == "" {
		t.Fatalf("failed rows %+v", list)
	}
	n, err := e.db.OutboxRetry(context.Background(), nil)
	if err != nil || n != 2 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	slack.fail, zulip.fail = nil, nil
	e.drain(d, 50)
	if len(slack.deliveries()) != 1 || len(zulip.deliveries()) != 1 {
		t.Fatalf("after retry: %d slack, %d zulip", len(slack.deliveries()), len(zulip.deliveries()))
	}
}

// slowStore is the store with time spent, on the test's clock, preparing
// each delivery: reading its statement to render it (render[i] for the
// i-th) and renewing its claim (renew[i]).
type slowStore struct {
	outbox.Store
	clock         *storagetest.Clock
	render, renew []time.Duration
	mu            sync.Mutex
	nr, nn        int
}

func (s *slowStore) Statement(ctx context.Context, id int64) (*bot.Statement, error) {
	s.mu.Lock()
	if s.nr < len(s.render) {
		s.clock.Add(s.render[s.nr])
	}
	s.nr++
	s.mu.Unlock()
	return s.Store.Statement(ctx, id)
}

func (s *slowStore) RenewClaim(ctx context.Context, id int64, owner string, now time.Time, lease time.Duration) (bool, error) {
	s.mu.Lock()
	if s.nn < len(s.renew) {
		s.clock.Add(s.renew[s.nn])
		now = s.clock.Now()
	}
	s.nn++
	s.mu.Unlock()
	return s.Store.RenewClaim(ctx, id, owner, now, lease)
}

// Two messages to one channel are never handed to the platform closer
// than its pace, however long preparing each took: the pace is measured
// from one hand-over to the next, on the dispatcher's clock (a test clock
// that its waits move; no real time is involved).
func TestDispatcher_PacePerChannel(t *testing.T) {
	const pace = 50 * time.Millisecond
	e := newEnv(t, "slack")
	for i := 0; i < 4; i++ {
		e.submit(fmt.Sprintf("P%d", i))
	}
	chat := &fakeChat{platform: "slack"}
	d := e.dispatcher(chat)
	// The first message takes long to prepare, the next ones no time: a
	// slot booked before the preparing would let the second go out
	// right after the first.
	d.Store = &slowStore{Store: e.db, clock: e.clock,
		render: []time.Duration{30 * time.Millisecond, 0, 5 * time.Millisecond, 0},
		renew:  []time.Duration{15 * time.Millisecond, 0, 0, 40 * time.Millisecond}}
	d.Pace = map[string]time.Duration{"slack": pace}
	d.Timeout = time.Second // the first claim takes every row of the channel
	var waited []time.Duration
	d.Sleep = func(ctx context.Context, w time.Duration) error {
		waited = append(waited, w)
		e.clock.Add(w)
		return ctx.Err()
	}
	var times []time.Time
	chat.fail = func(int, bot.Delivery) error { times = append(times, e.clock.Now()); return nil }
	for cycles := 0; len(chat.deliveries()) < 4; cycles++ {
		if cycles == 10 {
			t.Fatalf("%d of 4 delivered after %d cycles", len(chat.deliveries()), cycles)
		}
		n, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			e.clock.Add(pace / 5)
		}
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < pace {
			t.Errorf("messages %d and %d to one channel %s apart, pace is %s", i-1, i, gap, pace)
		}
	}
	if len(waited) == 0 {
		t.Error("the dispatcher never waited for the pace")
	}
}

// blockingChat never answers until its context ends.
type blockingChat struct{ started chan struct{} }

func (b *blockingChat) Platform() string { return "slack" }
func (b *blockingChat) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	close(b.started)
	<-ctx.Done()
	return bot.Delivered{}, &bot.DeliveryError{Code: "timeout", Err: ctx.Err()}
}

func TestDispatcher_ShutdownAbandonsAHungDeliveryAfterGrace(t *testing.T) {
	e := newEnv(t, "slack")
	e.submit("Hung")
	chat := &blockingChat{started: make(chan struct{})}
	d := &outbox.Dispatcher{Store: e.db, Chats: map[string]bot.Chat{"slack": chat}, Now: e.clock.Now,
		Logger: slog.New(slog.DiscardHandler), Timeout: time.Hour, Grace: 20 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	<-chat.started
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return: a hung delivery held the shutdown")
	}
	// The notice is still there for the next run.
	if st, _ := e.db.OutboxStats(context.Background(), e.clock.Now()); st.Pending != 1 {
		t.Fatalf("outbox %+v, want the notice still pending", st)
	}
}

// slowChat is a platform that takes per, on the shared clock, to answer
// every call, and counts the deliveries of each notice.
type slowChat struct {
	clock *storagetest.Clock
	per   time.Duration
	mu    sync.Mutex
	got   map[string]int
}

func (c *slowChat) Platform() string { return "slack" }

func (c *slowChat) Deliver(ctx context.Context, d bot.Delivery) (bot.Delivered, error) {
	c.clock.Add(c.per)
	// Let the other dispatcher run while this call is "in flight", as it
	// would while a slow platform thinks.
	time.Sleep(time.Millisecond)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got[d.Message.Summary]++
	return bot.Delivered{MessageID: fmt.Sprintf("m%d", len(c.got))}, nil
}

// The scenario of issue 12: a slow platform (5 s a call), 20 notices for
// one channel, two dispatchers with the defaults (a 1-minute lease, Slack's
// pace of one message a second) on one database. Before, one claimed all 20
// and, past the lease, the other claimed and sent the rest again.
func TestDispatcher_SlowPlatformTwoDispatchersDeliverEveryNoticeOnce(t *testing.T) {
	e := newEnv(t, "slack")
	for i := 0; i < 20; i++ {
		e.submit(fmt.Sprintf("Slow platform notice %02d", i))
	}
	chat := &slowChat{clock: e.clock, per: 5 * time.Second, got: map[string]int{}}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 2 {
		d := &outbox.Dispatcher{Store: e.db, Chats: map[string]bot.Chat{"slack": chat}, Now: e.clock.Now,
			Pace: map[string]time.Duration{"slack": time.Second}, Logger: slog.New(slog.DiscardHandler)}
		wg.Go(func() {
			for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
				st, err := e.db.OutboxStats(ctx, e.clock.Now())
				if err != nil {
					t.Error(err)
					return
				}
				if st.Pending == 0 {
					return
				}
				n, err := d.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					time.Sleep(time.Millisecond) // nothing claimable: the other holds it
				}
			}
			t.Error("the outbox did not drain")
		})
	}
	wg.Wait()
	chat.mu.Lock()
	defer chat.mu.Unlock()
	if len(chat.got) != 20 {
		t.Errorf("%d distinct notices delivered, want 20", len(chat.got))
	}
	for summary, n := range chat.got {
		if n != 1 {
			t.Errorf("%q delivered %d times", summary, n)
		}
	}
	if st, _ := e.db.OutboxStats(ctx, e.clock.Now()); st.Pending != 0 || st.Failed != 0 {
		t.Errorf("outbox left %+v", st)
	}
}

// A claim that ran out is not delivered on, even by the dispatcher that
// made it: the row is left to whoever holds it since.
func TestDispatcher_NoDeliveryOnAnExpiredClaim(t *testing.T) {
	e := newEnv(t, "slack")
	e.submit("Expired claim")
	ctx := context.Background()
	lim := bot.ClaimLimits{Rows: 10, Channels: 10, PerChannel: map[string]int{"slack": 10}}
	items, err := e.db.ClaimNotices(ctx, "first", e.clock.Now(), time.Minute, lim, nil)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim: %v %v", items, err)
	}
	// The first dispatcher stalls past its lease; another claims the row.
	e.clock.Add(time.Minute + time.Second)
	if held, err := e.db.RenewClaim(ctx, items[0].ID, "first", e.clock.Now(), time.Minute); err != nil || held {
		t.Fatalf("renewing an expired claim: held=%v err=%v, want false", held, err)
	}
	again, err := e.db.ClaimNotices(ctx, "second", e.clock.Now(), time.Minute, lim, nil)
	if err != nil || len(again) != 1 || again[0].ID != items[0].ID {
		t.Fatalf("second claim: %v %v", again, err)
	}
	if held, _ := e.db.RenewClaim(ctx, items[0].ID, "first", e.clock.Now(), time.Minute); held {
		t.Fatal("the first dispatcher renewed a row the second holds")
	}
	if held, err := e.db.RenewClaim(ctx, items[0].ID, "second", e.clock.Now(), time.Minute); err != nil || !held {
		t.Fatalf("the holder could not renew: %v %v", held, err)
	}
}

// A claim is sized to be delivered within half the lease: before any
// delivery is seen, at the delivery timeout; then at the platform's
// slowest recent delivery or the channel's pace.
func TestDispatcher_BatchFitsWellInsideTheLease(t *testing.T) {
	e := newEnv(t, "slack")
	for i := 0; i < 40; i++ {
		e.submit(fmt.Sprintf("Batch %02d", i))
	}
	chat := &slowChat{clock: e.clock, per: 5 * time.Second, got: map[string]int{}}
	d := &outbox.Dispatcher{Store: e.db, Chats: map[string]bot.Chat{"slack": chat}, Now: e.clock.Now,
		Pace: map[string]time.Duration{"slack": time.Second}, Logger: slog.New(slog.DiscardHandler)}
	ctx := context.Background()
	var sizes []int
	for range 4 {
		start := e.clock.Now()
		n, err := d.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, n)
		if took := e.clock.Now().Sub(start); took > 30*time.Second {
			t.Errorf("a batch of %d took %s of a 1m lease", n, took)
		}
	}
	// The default timeout (20 s) allows one row in half a minute; 5 s
	// deliveries allow six.
	if sizes[0] != 1 || sizes[1] != 6 || sizes[2] != 6 {
		t.Errorf("batch sizes %v, want 1, then 6 a batch", sizes)
	}
}

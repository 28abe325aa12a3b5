package zulip

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// run starts l in the background; stop cancels it and returns Run's error.
func run(t *testing.T, l *Listener) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("listener did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// seen collects handled events for the test goroutine.
type seen struct {
	mu     sync.Mutex
	events []Event
	ch     chan Event
}

func newSeen() *seen { return &seen{ch: make(chan Event, 100)} }

func (s *seen) add(ev Event) {
	s.mu.Lock()
	s.events = append(s.events, ev)
	s.mu.Unlock()
	s.ch <- ev
}

// next returns the next handled event.
func (s *seen) next(t *testing.T) Event {
	t.Helper()
	select {
	case ev := <-s.ch:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for an event")
		return Event{}
	}
}

func (s *seen) all() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

func TestListener_FullRun(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.SetHeartbeat(time.Minute) // only the heartbeat pushed below, so that event IDs are known
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	c, _ := newTestClient(t, s)
	got := newSeen()
	l := &Listener{Client: c, Params: RegisterParams{Narrow: [][]string{{"is", "dm"}}}, Handle: func(ctx context.Context, ev Event) {
		got.add(ev)
		if ev.Message == nil || ev.Message.SenderID == s.Bot.ID {
			return // the echo of the bot's own reply
		}
		if _, err := c.SendMessage(ctx, ev.Message.Reply("pong: "+ev.Message.Content)); err != nil {
			t.Errorf("reply: %v", err)
		}
	}}
	stop := run(t, l)

	s.WaitRegistrations(1)
	s.PushHeartbeat()
	// The heartbeat (event 0) is acknowledged although never handled.
	s.WaitRequest("a poll acknowledging the heartbeat", func(r zuliptest.Request) bool {
		return r.Path == "/api/v1/events" && r.Query.Get("last_event_id") == "0"
	})
	s.PushChannelMessage(alice.ID, "elsewhere", "t", "not for the DM narrow")
	s.PushDM(alice.ID, "ping")

	ev := got.next(t)
	if ev.Type != EventMessage || ev.ID != 1 || ev.Message.SenderID != alice.ID || ev.Message.Content != "ping" || !ev.Message.IsDM() {
		t.Fatalf("first handled event = %+v", ev)
	}
	reply := s.WaitMessages(1)[0]
	if !reply.IsDM() || len(reply.To) != 2 || reply.Content != "pong: ping" {
		t.Errorf("reply = %+v, want a DM to alice and the bot", reply)
	}
	if echo := got.next(t); echo.Message == nil || echo.Message.SenderID != s.Bot.ID {
		t.Errorf("second handled event = %+v, want the echo of the reply", echo)
	}
	if err := stop(); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	for _, ev := range got.all() {
		if ev.Type == EventHeartbeat {
			t.Error("a heartbeat reached the handler")
		}
	}
	queues := s.Deleted()
	if len(queues) != 1 || l.Registrations() != 1 {
		t.Errorf("deleted queues %v after %d registrations, want the one queue deleted", queues, l.Registrations())
	}
	if n := len(got.all()); n != 2 {
		t.Errorf("handled %d events, want 2", n)
	}
}

func TestListener_ReregistersOnBadEventQueue(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	c, sl := newTestClient(t, s)
	got := newSeen()
	var mu sync.Mutex
	var hooks []bool
	l := &Listener{Client: c, Handle: func(_ context.Context, ev Event) { got.add(ev) },
		OnRegister: func(q *Queue, reregistered bool) {
			mu.Lock()
			hooks = append(hooks, reregistered)
			mu.Unlock()
		}}
	stop := run(t, l)

	s.PushDM(alice.ID, "one")
	if ev := got.next(t); ev.Message.Content != "one" {
		t.Fatalf("got %q", ev.Message.Content)
	}
	expired := s.ExpireQueues()
	s.PushDM(alice.ID, "two")
	s.PushDM(alice.ID, "three")
	for _, want := range []string{"two", "three"} {
		if ev := got.next(t); ev.Message.Content != want {
			t.Fatalf("got %q, want %q", ev.Message.Content, want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var contents []string
	for _, ev := range got.all() {
		contents = append(contents, ev.Message.Content)
	}
	if len(contents) != 3 {
		t.Errorf("handled %q, want each message once", contents)
	}
	mu.Lock()
	defer mu.Unlock()
	if l.Registrations() != 2 || len(hooks) != 2 || hooks[0] || !hooks[1] {
		t.Errorf("%d registrations, OnRegister calls %v; want 2, [false true]", l.Registrations(), hooks)
	}
	for _, id := range s.Deleted() {
		if id == expired[0] {
			t.Error("deleted the expired queue")
		}
	}
	if len(s.Deleted()) != 1 {
		t.Errorf("Deleted() = %v, want the new queue", s.Deleted())
	}
	if waits := sl.all(); len(waits) != 0 {
		t.Errorf("waits = %v, want an immediate re-registration", waits)
	}
}

func TestListener_BacksOffOnErrors(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	s.FailNext("/api/v1/register", 2, http.StatusServiceUnavailable)
	s.FailNextHTML("/api/v1/events", 1, http.StatusBadGateway)
	// One attempt per call: the listener's own backoff handles the errors.
	c, sl := newTestClient(t, s, WithRetry(RetryPolicy{MaxAttempts: 1, BaseBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}))
	got := newSeen()
	stop := run(t, &Listener{Client: c, Handle: func(_ context.Context, ev Event) { got.add(ev) }})

	s.PushDM(alice.ID, "after the outage")
	if ev := got.next(t); ev.Message.Content != "after the outage" {
		t.Fatalf("got %+v", ev)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	waits := sl.all()
	if len(waits) != 3 {
		t.Fatalf("waits = %v, want 3 backoffs (2 register failures, 1 poll failure)", waits)
	}
	// The two register failures are consecutive: the second wait may be
	// up to twice as long as the first.
	for i, w := range waits {
		if w <= 0 || w > 4*time.Millisecond {
			t.Errorf("wait %d = %v, outside (0, 4ms]", i, w)
		}
	}
}

func TestListener_StopsOnUnauthorized(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, err := New(s.URL, s.Bot.Email, "0123456789abcdef0123456789abcdef", WithHTTPClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = c.Listen(ctx, RegisterParams{}, func(context.Context, Event) {})
	if !IsUnauthorized(err) {
		t.Fatalf("Listen() = %v, want an unauthorized error", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestListener_SurvivesBadEventsAndPanics(t *testing.T) {
	s := zuliptest.NewServer(t)
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	c, _ := newTestClient(t, s)
	got := newSeen()
	stop := run(t, &Listener{Client: c, Handle: func(_ context.Context, ev Event) {
		got.add(ev)
		if ev.Message.Content == "boom" {
			panic("handler bug")
		}
	}})
	s.PushEvent("message", map[string]any{"message": "not an object", "flags": []string{}})
	s.PushDM(alice.ID, "boom")
	s.PushDM(alice.ID, "fine")
	for _, want := range []string{"boom", "fine"} {
		if ev := got.next(t); ev.Message.Content != want {
			t.Fatalf("got %q, want %q", ev.Message.Content, want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(got.all()); n != 2 {
		t.Errorf("handled %d events, want 2 (the undecodable one skipped)", n)
	}
}

func TestListener_DeletesQueueOnShutdown(t *testing.T) {
	s := zuliptest.NewServer(t)
	c, _ := newTestClient(t, s)
	l := &Listener{Client: c, Handle: func(context.Context, Event) {}}
	stop := run(t, l)
	ids := s.WaitRegistrations(1)
	// Wait until the listener is polling, so that shutdown interrupts a
	// long-poll in flight.
	s.WaitRequest("a poll", func(r zuliptest.Request) bool { return r.Path == "/api/v1/events" && r.Method == http.MethodGet })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	deleted := s.Deleted()
	if len(deleted) != 1 || deleted[0] != ids[0] {
		t.Fatalf("Deleted() = %v, want %v", deleted, ids)
	}
	reqs := s.RequestsTo(http.MethodDelete, "/api/v1/events")
	if len(reqs) != 1 || reqs[0].Form.Get("queue_id") != ids[0] {
		t.Errorf("DELETE requests = %+v", reqs)
	}
	if len(s.Queues()) != 0 {
		t.Errorf("live queues after shutdown: %v", s.Queues())
	}
}

func TestListener_AcknowledgesInOrder(t *testing.T) {
	s := zuliptest.NewServer(t)
	s.SetHeartbeat(time.Minute) // no heartbeat among the messages, so that event IDs are known
	alice := s.AddUser(zuliptest.User{FullName: "Alice"})
	c, _ := newTestClient(t, s)
	got := newSeen()
	stop := run(t, &Listener{Client: c, Handle: func(_ context.Context, ev Event) { got.add(ev) }})
	const n = 20
	for i := range n {
		s.PushDM(alice.ID, strconv.Itoa(i))
	}
	for i := range n {
		if ev := got.next(t); ev.Message.Content != strconv.Itoa(i) || ev.ID != int64(i) {
			t.Fatalf("event %d: ID %d content %q", i, ev.ID, ev.Message.Content)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	last := int64(-2)
	for _, r := range s.RequestsTo(http.MethodGet, "/api/v1/events") {
		id, err := strconv.ParseInt(r.Query.Get("last_event_id"), 10, 64)
		if err != nil || id < last {
			t.Fatalf("last_event_id %q after %d", r.Query.Get("last_event_id"), last)
		}
		last = id
	}
}

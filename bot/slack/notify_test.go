package slack

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/outbox"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// notifyEnv is the notification path end to end: real storage, the real
// dispatcher, this adapter as its Chat, a fake Slack.
type notifyEnv struct {
	*testEnv
	aud  bot.Audience
	time *storagetest.Clock
}

func newNotifyEnv(t *testing.T) *notifyEnv {
	e := &notifyEnv{testEnv: newTestEnv(t), time: storagetest.NewClock(routerNow)}
	e.db.Now = e.clock
	e.aud = bot.Audience{Platforms: []string{bot.PlatformSlack}, Liaison: map[string]string{bot.PlatformSlack: "CLIAISON"}}
	return e
}

func (e *notifyEnv) clock() time.Time     { return e.time.Now() }
func (e *notifyEnv) tick(d time.Duration) { e.time.Add(d) }

func (e *notifyEnv) dispatcher() *outbox.Dispatcher {
	return &outbox.Dispatcher{Store: e.db, Chats: map[string]bot.Chat{bot.PlatformSlack: e.adapter}, Now: e.clock,
		Logger: quietLogger(), BackoffBase: time.Second, BackoffMax: 2 * time.Second}
}

func (e *notifyEnv) submit(title string) int64 {
	d, _ := e.db.Directory(context.Background())
	s := &bot.Statement{Direction: bot.Outgoing, From: "opsawg", To: "3GPP", OrgID: d.OrgByAcronym("3GPP").ID, Title: title,
		Purpose: bot.PurposeInfo, Body: "x"}
	n, evs, _ := bot.NewStatement(s, bot.Actor{Platform: "slack", UserID: "UADMIN", Admin: true}, nil, nil, e.clock())
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		_, err := tx.Create(n, "", evs...)
		return err
	}); err != nil {
		e.t.Fatal(err)
	}
	return n.ID
}

func (e *notifyEnv) move(id int64, m bot.Move) {
	if err := e.aud.Update(context.Background(), e.db, func(tx bot.Tx) error {
		s, err := tx.Statement(id)
		if err != nil {
			return err
		}
		n, evs, err := bot.ApplyMove(s, m, bot.Actor{Platform: "slack", UserID: "UADMIN", Admin: true}, "", e.clock())
		if err != nil {
			return err
		}
		return tx.Save(n, evs...)
	}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *notifyEnv) drain(d *outbox.Dispatcher) {
	for i := 0; i < 500; i++ {
		st, err := e.db.OutboxStats(context.Background(), e.clock())
		if err != nil {
			e.t.Fatal(err)
		}
		if st.Pending == 0 {
			return
		}
		if n, err := d.RunOnce(context.Background()); err != nil {
			e.t.Fatal(err)
		} else if n == 0 {
			e.tick(500 * time.Millisecond)
		}
	}
	e.t.Fatal("the outbox did not drain")
}

func TestNotices_SlackFailsThenDeliversOnceInOrder(t *testing.T) {
	e := newNotifyEnv(t)
	a := e.submit("Alpha")
	e.move(a, bot.MoveApprove)
	e.move(a, bot.MovePost)
	// 500, then 429 with Retry-After, then Slack works.
	e.fake.FailNext("chat.postMessage", 500, 429)
	e.drain(e.dispatcher())
	var texts []string
	for _, c := range e.fake.Calls("chat.postMessage") {
		texts = append(texts, c.Form.Get("text"))
	}
	if len(texts) != 5 {
		t.Fatalf("%d chat.postMessage calls (%q), want 2 failures + 3 notices", len(texts), texts)
	}
	want := []string{"Submitted", "Pending → approved", "Approved → posted"}
	for i, w := range want {
		if got := texts[2+i]; !strings.Contains(got, "LS-1: "+w) {
			t.Errorf("notice %d = %q, want LS-1: %s…", i, got, w)
		}
	}
	if texts[0] != texts[2] || texts[1] != texts[2] {
		t.Errorf("the failed attempts were not the first notice: %q", texts[:3])
	}
}

func TestNotices_SlackThreadParentUpdated(t *testing.T) {
	e := newNotifyEnv(t)
	id := e.submit("Threaded")
	e.move(id, bot.MoveApprove)
	e.move(id, bot.MovePost)
	e.drain(e.dispatcher())
	posts := e.fake.Calls("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("%d posts, want 3", len(posts))
	}
	parent := posts[0]
	if parent.Form.Get("thread_ts") != "" || parent.Form.Get("channel") != "CLIAISON" {
		t.Fatalf("first notice %v should start a thread in the liaison channel", parent.Form)
	}
	for _, p := range posts[1:] {
		if p.Form.Get("thread_ts") != parent.TS {
			t.Errorf("reply not in the thread %s: %v", parent.TS, p.Form)
		}
	}
	updates := e.fake.Calls("chat.update")
	if len(updates) != 2 {
		t.Fatalf("%d chat.update calls, want 2 (the parent, on each reply)", len(updates))
	}
	last := updates[len(updates)-1]
	if last.Form.Get("ts") != parent.TS || !strings.Contains(last.Form.Get("text"), "(posted)") {
		t.Errorf("parent not brought to the current state: %v", last.Form)
	}
}

func TestNotices_DispatcherRestartNoDuplicates(t *testing.T) {
	e := newNotifyEnv(t)
	for i := 0; i < 6; i++ {
		e.submit(fmt.Sprintf("S%d", i))
	}
	first := e.dispatcher()
	first.Batch = 2
	first.RunOnce(context.Background())
	e.drain(e.dispatcher()) // a new dispatcher: another process, or after a restart
	seen := map[string]int{}
	for _, c := range e.fake.Calls("chat.postMessage") {
		seen[c.Form.Get("text")]++
	}
	if len(seen) != 6 {
		t.Fatalf("%d distinct notices, want 6", len(seen))
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("%q posted %d times", s, n)
		}
	}
}

package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/digest"
)

// The weekly digest end to end on Slack: real storage, the digest on a
// fixed clock (Monday 2026-06-01, 12:00 UTC), the real dispatcher, this
// adapter, the fake Slack.
func TestDigest_WeeklyOnSlack(t *testing.T) {
	e := newNotifyEnv(t)
	ctx := context.Background()
	d, _ := e.db.Directory(ctx)
	if _, err := e.db.Subscribe(ctx, "slack", "C3GPP", d.OrgByAcronym("3GPP").ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Subscribe(ctx, "slack", "CIEEE", d.OrgByAcronym("IEEE").ID, "test"); err != nil {
		t.Fatal(err)
	}
	e.submit("<!channel> *Reply* on YANG models")
	e.submit("Reply on SG15")
	disp := e.dispatcher()
	disp.PublicURL = "https://liaisons.example.org"
	e.drain(disp)
	before := len(e.fake.Calls("chat.postMessage"))

	sender := &digest.Sender{Store: e.db, Audience: e.aud, Now: e.clock, Logger: quietLogger(),
		Schedule: bot.DigestSchedule{Day: time.Monday, Hour: 9, Location: time.UTC}}
	if n, err := sender.Send(ctx); err != nil || n != 2 {
		t.Fatalf("Send: %d, %v; want 2 (the liaison channel and the 3GPP one; IEEE's has nothing)", n, err)
	}
	e.drain(disp)
	posts := e.fake.Calls("chat.postMessage")[before:]
	if len(posts) != 2 {
		t.Fatalf("%d digests posted, want 2", len(posts))
	}
	for _, p := range posts {
		ch := p.Form.Get("channel")
		blocks := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(p.Blocks())
		if ch != "CLIAISON" && ch != "C3GPP" {
			t.Errorf("a digest went to %s", ch)
		}
		if p.Form.Get("thread_ts") != "" {
			t.Errorf("the digest in %s went into a thread", ch)
		}
		for _, want := range []string{"Weekly liaison digest — week of 2026-06-01", "2 other open statements.", "*Other open statements (2)*",
			"<https://liaisons.example.org/statements/LS-1|LS-1>", "LS-2", "Reply on SG15", "pending"} {
			if !strings.Contains(blocks, want) {
				t.Errorf("the digest in %s lacks %q: %s", ch, want, blocks)
			}
		}
		if strings.Contains(blocks, "<!channel>") {
			t.Errorf("user text pinged the channel: %s", blocks)
		}
		if !strings.Contains(p.Form.Get("text"), "Weekly liaison digest") {
			t.Errorf("notification text %q", p.Form.Get("text"))
		}
	}
	// A later change of LS-1 starts (or continues) LS-1's own thread, never
	// the digest's.
	e.move(1, bot.MoveApprove)
	e.drain(disp)
	for _, p := range e.fake.Calls("chat.postMessage")[before+2:] {
		for _, dg := range posts {
			if p.Form.Get("thread_ts") == dg.TS {
				t.Errorf("a notice of LS-1 replied in the digest's thread")
			}
		}
	}
}

package slack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func notice(text string) bot.Message {
	return bot.Message{Statement: 4, Summary: text, Blocks: []bot.Block{bot.Paragraph{Text: bot.Words(text)}}}
}

func TestDeliver_ChannelStartsAThreadThenRepliesInIt(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) { cfg.Channel = "CLIAISON" })
	ctx := context.Background()
	first, err := e.adapter.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "slack"}, Message: notice("LS-4 submitted")})
	if err != nil {
		t.Fatal(err)
	}
	p := e.fake.Calls("chat.postMessage")[0]
	if p.Form.Get("channel") != "CLIAISON" || p.Form.Get("thread_ts") != "" || first.Thread != first.MessageID || first.MessageID != p.TS {
		t.Fatalf("first notice: %+v to %s", first, p.Form.Get("channel"))
	}
	parent := notice("LS-4 approved (current state)")
	second, err := e.adapter.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "slack", Channel: "CLIAISON"},
		Message: notice("LS-4 approved"), Thread: first.Thread, Parent: &parent})
	if err != nil {
		t.Fatal(err)
	}
	u := e.fake.Calls("chat.update")
	if len(u) != 1 || u[0].Form.Get("ts") != first.Thread || !strings.Contains(u[0].Blocks(), "current state") {
		t.Fatalf("parent not updated: %v", u)
	}
	p = e.fake.Calls("chat.postMessage")[1]
	if p.Form.Get("thread_ts") != first.Thread || second.Thread != first.Thread {
		t.Fatalf("reply not in the thread: %s, %+v", p.Form.Get("thread_ts"), second)
	}
}

func TestDeliver_PersonGetsADirectMessage(t *testing.T) {
	e := newTestEnv(t)
	got, err := e.adapter.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "slack", User: "USUB"}, Message: notice("reminder")})
	if err != nil || got.MessageID == "" {
		t.Fatalf("%+v, %v", got, err)
	}
	if ch := e.fake.Calls("chat.postMessage")[0].Form.Get("channel"); ch != "USUB" {
		t.Fatalf("posted to %s", ch)
	}
}

func TestDeliver_FailuresAreClassifiedAndNotRetried(t *testing.T) {
	e := newTestEnv(t, func(cfg *Config) { cfg.Channel = "CLIAISON" })
	ctx := context.Background()
	d := bot.Delivery{Target: bot.Target{Platform: "slack"}, Message: notice("x")}

	e.fake.FailNext("chat.postMessage", 429)
	_, err := e.adapter.Deliver(ctx, d)
	de := bot.AsDeliveryError(err)
	if de.Code != "ratelimited" || de.RetryAfter != time.Second || de.Permanent {
		t.Fatalf("429: %+v", de)
	}
	e.fake.FailNext("chat.postMessage", 502)
	de = bot.AsDeliveryError(func() error { _, err := e.adapter.Deliver(ctx, d); return err }())
	if de.Code != "http_502" || de.Permanent {
		t.Fatalf("502: %+v", de)
	}
	e.fake.RefuseNext("chat.postMessage", "channel_not_found")
	de = bot.AsDeliveryError(func() error { _, err := e.adapter.Deliver(ctx, d); return err }())
	if de.Code != "channel_not_found" || !de.Permanent {
		t.Fatalf("channel_not_found: %+v", de)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 3 {
		t.Fatalf("%d calls for three failed deliveries, want 3 (no retries)", n)
	}
	if _, err := e.adapter.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "x"}, Message: notice("x")}); !bot.AsDeliveryError(err).Permanent {
		t.Fatalf("wrong platform: %v", err)
	}
}

func TestDeliver_NoChannelIsPermanent(t *testing.T) {
	e := newTestEnv(t)
	_, err := e.adapter.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "slack"}, Message: notice("x")})
	if de := bot.AsDeliveryError(err); de.Code != "no_channel" || !de.Permanent {
		t.Fatalf("%+v", de)
	}
}

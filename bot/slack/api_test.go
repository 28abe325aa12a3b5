package slack

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func TestPost_RetriesServerErrorsWithBackoff(t *testing.T) {
	e := newTestEnv(t)
	e.fake.FailNext("chat.postMessage", 500, 503)
	ts, err := e.adapter.Post(context.Background(), "C1", bot.Say(bot.Plain("hello")), "")
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if calls := e.fake.Calls("chat.postMessage"); len(calls) != 3 || ts != calls[2].TS {
		t.Fatalf("%d calls, ts %q", len(calls), ts)
	}
}

func TestPost_GivesUpAfterMaxAttempts(t *testing.T) {
	e := newTestEnv(t)
	e.fake.FailNext("chat.postMessage", 500, 500, 500, 500, 500)
	_, err := e.adapter.Post(context.Background(), "C1", bot.Say(bot.Plain("hello")), "")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Method != "chat.postMessage" || ae.Code != "http_500" {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 4 {
		t.Fatalf("%d attempts, want 4", n)
	}
}

func TestPost_RateLimitWaitsRetryAfter(t *testing.T) {
	e := newTestEnv(t)
	e.fake.FailNext("chat.postMessage", 429) // Retry-After: 1
	if _, err := e.adapter.Post(context.Background(), "C1", bot.Say(bot.Plain("hello")), ""); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 2 {
		t.Fatalf("%d calls, want 2", n)
	}
}

func TestWithoutRetry_ReturnsTheRateLimitToTheCaller(t *testing.T) {
	e := newTestEnv(t)
	e.fake.FailNext("chat.update", 429)
	err := e.adapter.Update(WithoutRetry(context.Background()), "C1", "1.1", bot.Say(bot.Plain("hello")))
	wait, ok := RetryAfter(err)
	if !ok || wait != time.Second {
		t.Fatalf("RetryAfter(%v) = %v, %v", err, wait, ok)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Method != "chat.update" || ae.Code != "ratelimited" {
		t.Fatalf("err = %#v", err)
	}
	if n := len(e.fake.Calls("chat.update")); n != 1 {
		t.Fatalf("%d calls without retry, want 1", n)
	}
	e.fake.FailNext("chat.postMessage", 503)
	if _, _, err := e.adapter.DirectMessage(WithoutRetry(context.Background()), "USUB", bot.Say(bot.Plain("x"))); err == nil {
		t.Fatal("a 503 without retry succeeded")
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d calls without retry, want 1", n)
	}
}

func TestDirectMessage_PostsToTheUser(t *testing.T) {
	e := newTestEnv(t)
	ch, ts, err := e.adapter.DirectMessage(context.Background(), "USUB", bot.Say(bot.Plain("hi")))
	if err != nil || ch != "DSUB" || ts == "" {
		t.Fatalf("DirectMessage = %q, %q, %v", ch, ts, err)
	}
	if got := e.fake.Calls("chat.postMessage")[0].Form.Get("channel"); got != "USUB" {
		t.Fatalf("posted to %q", got)
	}
}

func TestUserByEmail_CachesHitsAndMisses(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	id, err := e.adapter.UserByEmail(ctx, "sub@example.org")
	if err != nil || id != "USUB" {
		t.Fatalf("UserByEmail = %q, %v", id, err)
	}
	if _, err := e.adapter.UserByEmail(ctx, "nobody@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("unknown address: %v, want ENOTFOUND", err)
	}
	e.adapter.UserByEmail(ctx, "SUB@example.org")
	e.adapter.UserByEmail(ctx, "nobody@example.org")
	if n := len(e.fake.Calls("users.lookupByEmail")); n != 2 {
		t.Fatalf("%d lookups, want 2 (one per address)", n)
	}
	e.drain() // restart: the database remembers
	if id, err := e.adapter.UserByEmail(ctx, "sub@example.org"); err != nil || id != "USUB" {
		t.Fatalf("after restart: %q, %v", id, err)
	}
	if n := len(e.fake.Calls("users.lookupByEmail")); n != 2 {
		t.Fatalf("looked up again after a restart")
	}
}

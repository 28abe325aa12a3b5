package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
	"github.com/ietf-tools/liaisonbot/storage/storagetest"
)

// fixedNow is the tests' clock: deadlines and ages are computed from it.
var fixedNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

type harness struct {
	t      testing.TB
	db     *storage.DB
	router *commands.Router
	now    time.Time
}

func newHarness(tb testing.TB) *harness {
	tb.Helper()
	h := &harness{t: tb, now: fixedNow}
	clock := func() time.Time { return h.now }
	h.db = storagetest.Open(tb, storagetest.Now(clock))
	h.router = commands.New(h.db, nil)
	h.router.Now = clock
	return h
}

// as returns a console actor for a directory email ("" for the local admin).
func as(email string) bot.Actor {
	if email == "" {
		return console.LocalActor()
	}
	return console.ActorFor(email)
}

// do runs one command line as the actor and returns the rendered reply.
func (h *harness) do(a bot.Actor, line string) string {
	h.t.Helper()
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: a, Channel: bot.Channel{DM: true}, Text: line})
	return console.Render(resp.Messages)
}

// resp runs one command and returns the response itself.
func (h *harness) resp(a bot.Actor, line string) *bot.Response {
	return h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformConsole, Actor: a, Channel: bot.Channel{DM: true}, Text: line})
}

func mustContain(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
}

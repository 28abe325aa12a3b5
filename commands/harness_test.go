package commands_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
	"github.com/ietf-tools/liaisonbot/commands"
	"github.com/ietf-tools/liaisonbot/storage"
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
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(tb.TempDir(), "bot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Seed(ctx); err != nil {
		tb.Fatal(err)
	}
	h := &harness{t: tb, db: db, now: fixedNow}
	h.router = commands.New(db, nil)
	h.router.Now = func() time.Time { return h.now }
	db.Now = h.router.Now
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

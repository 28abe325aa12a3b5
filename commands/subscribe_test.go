package commands_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
)

// in runs a command line in a channel of a platform.
func (h *harness) in(platform string, ch bot.Channel, line string) (*bot.Response, string) {
	h.t.Helper()
	a := bot.Actor{Platform: platform, UserID: "U0ASA", Name: "Åsa Lindqvist"}
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: platform, Actor: a, Channel: ch, Text: line})
	return resp, console.Render(resp.Messages)
}

func TestSubscriptions_ListWhatTheChannelFollows(t *testing.T) {
	h := newHarness(t)
	h.router.Liaison = map[string]string{bot.PlatformSlack: "C0LIAISON", bot.PlatformZulip: "liaison"}
	watch := bot.Channel{ID: "C0WATCH", Name: "3gpp-watch"}
	list := func(ch bot.Channel, wants ...string) {
		t.Helper()
		resp, out := h.in(bot.PlatformSlack, ch, "subscriptions")
		if resp.Outcome != "" {
			t.Fatalf("subscriptions: outcome %q:\n%s", resp.Outcome, out)
		}
		mustContain(t, out, wants...)
	}

	list(watch, "This channel gets no notices.", "subscribe <organization>", "subscribe all")
	for _, line := range []string{"subscribe 3GPP", "subscribe ITU-T SG15", "subscribe CableLabs"} {
		if resp, out := h.in(bot.PlatformSlack, watch, line); resp.Outcome != "" {
			t.Fatalf("%s: %s", line, out)
		}
	}
	list(watch, "This channel follows statements with: 3GPP, CableLabs, ITU-T SG15.")

	// An organization removed from the directory stays listed, by its id.
	id := h.org("CableLabs").ID
	h.mustChange(admin, "admin org remove CableLabs")
	_, out := h.in(bot.PlatformSlack, watch, "subscriptions")
	mustContain(t, out, fmt.Sprintf("This channel follows statements with: (removed organization %d), 3GPP, ITU-T SG15.", id))

	// "all" is said first; the organizations followed one by one after.
	h.in(bot.PlatformSlack, watch, "subscribe all")
	list(watch, "This channel follows statements with every organization.", "Also listed one by one: ")
	h.in(bot.PlatformSlack, watch, "unsubscribe all")
	h.in(bot.PlatformSlack, watch, "unsubscribe 3GPP")
	list(watch, "This channel follows statements with: ")

	// The liaison channel hears everything, subscribed or not.
	list(bot.Channel{ID: "C0LIAISON", Name: "liaison"}, "This is the liaison channel: it gets every notice.")
	// Zulip channels are streams, named: the same name on Slack is another
	// channel.
	resp, out := h.in(bot.PlatformZulip, bot.Channel{Name: "liaison", Topic: "LS-1"}, "subscriptions")
	if resp.Outcome != "" {
		t.Fatal(out)
	}
	mustContain(t, out, "This is the liaison channel")
	_, out = h.in(bot.PlatformZulip, bot.Channel{Name: "C0WATCH"}, "subscriptions")
	mustContain(t, out, "This channel gets no notices.")

	// Subscriptions belong to channels.
	for _, ch := range []bot.Channel{{ID: "D0ASA", DM: true}, {}} {
		resp, out := h.in(bot.PlatformSlack, ch, "subscriptions")
		if resp.Outcome != bot.EINVALID {
			t.Errorf("subscriptions in %+v: outcome %q:\n%s", ch, resp.Outcome, out)
		}
	}
	if resp := h.resp(admin, "subscriptions"); resp.Outcome != bot.EINVALID {
		t.Errorf("subscriptions on the console: outcome %q", resp.Outcome)
	}
}

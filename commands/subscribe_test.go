package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/console"
)

// inChannel runs a command as a Slack user in a channel.
func (h *harness) inChannel(user bot.Actor, channel, line string) *bot.Response {
	h.t.Helper()
	return h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Actor: user,
		Channel: bot.Channel{ID: channel, Name: "liaison-bbf", Key: channel}, Text: line})
}

func slackUser(id, name, email string) bot.Actor {
	return bot.Actor{Platform: bot.PlatformSlack, UserID: id, Name: name, Email: email}
}

// Changing what a channel is notified about is for admins, the IAB
// liaison coordinators and the IETF liaison managers; everyone may list it.
func TestSubscribe_OnlyAdminsCoordinatorsAndManagersChangeIt(t *testing.T) {
	h := newHarness(t)
	h.router.Admins = map[string]bool{"slack:U0ADMIN": true}
	h.mustChange(admin, "admin coordinator add Warren Kumari warren@kumari.net")
	const ch = "C0BBF"
	var (
		alice  = slackUser("U0ALICE", "Alice Example", "alice@example.org")
		georg  = slackUser("U0GEORG", "Georg Mayer", "georg.mayer.huawei@gmx.com") // a 3GPP contact: not the IETF's manager
		david  = slackUser("U0DAVID", "David Sinicrope", "bbf-liaison@ietf.org")   // BBF's liaison manager
		warren = slackUser("U0WARREN", "Warren Kumari", "warren@kumari.net")       // coordinator
		root   = slackUser("U0ADMIN", "Ops", "")                                   // configured admin
	)
	subs := func() []int64 {
		t.Helper()
		ids, err := h.db.Subscriptions(context.Background(), bot.PlatformSlack, ch)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	refused := func(who bot.Actor, line string) {
		t.Helper()
		before := subs()
		resp := h.inChannel(who, ch, line)
		out := renderResp(resp)
		if resp.Outcome != bot.EFORBIDDEN {
			t.Fatalf("%s %q: outcome %q\n%s", who.Name, line, resp.Outcome, out)
		}
		mustContain(t, out, "Only an admin, the IAB liaison coordinators or an IETF liaison manager can change what this channel is notified about", "“subscriptions”")
		if after := subs(); len(after) != len(before) {
			t.Fatalf("%s %q changed the subscriptions: %v → %v", who.Name, line, before, after)
		}
	}
	allowed := func(who bot.Actor, line, want string) {
		t.Helper()
		resp := h.inChannel(who, ch, line)
		if resp.Outcome != "" {
			t.Fatalf("%s %q: outcome %q\n%s", who.Name, line, resp.Outcome, renderResp(resp))
		}
		mustContain(t, renderResp(resp), want)
	}

	refused(alice, "subscribe BBF")
	refused(alice, "subscribe all")
	refused(georg, "subscribe 3GPP")
	allowed(alice, "subscriptions", "This channel gets no notices.")

	allowed(david, "subscribe BBF", "This channel now gets a notice")
	allowed(alice, "subscriptions", "This channel follows statements with: BBF.")
	refused(alice, "unsubscribe BBF")
	refused(georg, "unsubscribe all")
	allowed(warren, "subscribe 3GPP", "statements with 3GPP")
	allowed(root, "unsubscribe BBF", "no longer gets notices about statements with BBF")
	if got := subs(); len(got) != 1 {
		t.Fatalf("subscriptions at the end: %v, want 3GPP only", got)
	}
	// The help says who may.
	if out := h.do(alice, "help subscribe"); !strings.Contains(out, "liaison managers") {
		t.Errorf("help subscribe does not say who may:\n%s", out)
	}
}

// in runs a command line in a channel of a platform as Åsa Lindqvist, who
// is nobody in the directory.
func (h *harness) in(platform string, ch bot.Channel, line string) (*bot.Response, string) {
	h.t.Helper()
	return h.inAs(bot.Actor{Platform: platform, UserID: "U0ASA", Name: "Åsa Lindqvist"}, ch, line)
}

// inAs runs a command line in a channel as the actor, on its platform.
func (h *harness) inAs(a bot.Actor, ch bot.Channel, line string) (*bot.Response, string) {
	h.t.Helper()
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: a.Platform, Actor: a, Channel: ch, Text: line})
	return resp, console.Render(resp.Messages)
}

func TestSubscriptions_ListWhatTheChannelFollows(t *testing.T) {
	h := newHarness(t)
	h.router.Audience = bot.Audience{Liaison: map[string]string{bot.PlatformSlack: "C0LIAISON", bot.PlatformZulip: "liaison"}}
	// Åsa lists; an admin changes what the channel follows.
	h.router.Admins = map[string]bool{"slack:U0ADMIN": true}
	root := slackUser("U0ADMIN", "Ops", "")
	watch := bot.Channel{ID: "C0WATCH", Name: "3gpp-watch", Key: "C0WATCH"}
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
		if resp, out := h.inAs(root, watch, line); resp.Outcome != "" {
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
	h.inAs(root, watch, "subscribe all")
	list(watch, "This channel follows statements with every organization.", "Also listed one by one: ")
	h.inAs(root, watch, "unsubscribe all")
	h.inAs(root, watch, "unsubscribe 3GPP")
	list(watch, "This channel follows statements with: ")

	// The liaison channel hears everything, subscribed or not.
	list(bot.Channel{ID: "C0LIAISON", Name: "liaison", Key: "C0LIAISON"}, "This is the liaison channel: it gets every notice.")
	// Zulip channels are streams, named: the same name on Slack is another
	// channel.
	resp, out := h.in(bot.PlatformZulip, bot.Channel{Name: "liaison", Topic: "LS-1", Key: "liaison"}, "subscriptions")
	if resp.Outcome != "" {
		t.Fatal(out)
	}
	mustContain(t, out, "This is the liaison channel")
	_, out = h.in(bot.PlatformZulip, bot.Channel{Name: "C0WATCH", Key: "C0WATCH"}, "subscriptions")
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

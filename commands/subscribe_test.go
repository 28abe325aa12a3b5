package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
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

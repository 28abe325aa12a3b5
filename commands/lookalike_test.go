package commands_test

import (
	"context"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The report: "console --as \u212aim@example.org" approved as
// kim@example.org, because strings.EqualFold folds the Kelvin sign U+212A
// into "k". Addresses are the same only up to ASCII case.
func TestLookAlikeAddress_IsNobody(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.mustChange(admin, "admin coordinator add Warren Kumari warren@kumari.net")
	mustContain(t, h.do(as("alice@example.org"), `submit to=3GPP from=opsawg purpose=info title="Liaison on 5G network slicing" body="For information."`), "Submitted LS-1", "State: pending")

	for _, who := range []string{
		"warren@\u212Aumari.net", // KELVIN SIGN
		"w\u0430rren@kumari.net", // CYRILLIC SMALL LETTER A
		"warren@kumari.ne\u0163", // t WITH CEDILLA
	} {
		resp := h.resp(as(who), "approve LS-1")
		if resp.Outcome != bot.EFORBIDDEN {
			t.Errorf("%q approved LS-1: outcome %q\n%s", who, resp.Outcome, renderResp(resp))
		}
		mustContain(t, renderResp(resp), "Only the liaison manager for 3GPP (Gonzalo Camarillo), the IAB liaison coordinators or an admin can approve LS-1")
		if p, err := h.db.PersonByChat(ctx, bot.PlatformConsole, who); err == nil {
			t.Errorf("%q was tied to %s <%s>", who, p.Name, p.Email)
		}
		// Nor may they claim prior approval as him.
		resp = h.resp(as(who), `submit to=3GPP from=opsawg purpose=info title="Slicing, again" body="x" approved=yes`)
		if resp.Outcome != bot.EFORBIDDEN {
			t.Errorf("%q claimed prior approval: outcome %q", who, resp.Outcome)
		}
		if s := h.statement(1); s.State != bot.StatePending {
			t.Fatalf("LS-1 is %s after %q", s.State, who)
		}
	}
	// ASCII case is only case: the coordinator typing his address in capitals
	// is still him.
	mustContain(t, h.do(as("Warren@KUMARI.net"), "approve LS-1"), "LS-1 “Liaison on 5G network slicing”: pending → approved")
	events, _ := h.db.Events(ctx, 1)
	if last := events[len(events)-1]; last.By != "Warren Kumari" {
		t.Errorf("approved by %q, want Warren Kumari", last.By)
	}
}

// A Slack user may link themselves only to the address Slack reports for
// them; a look-alike of it is another address.
func TestLookAlikeAddress_LinkMe(t *testing.T) {
	h := newHarness(t)
	h.mustChange(admin, "admin coordinator add Warren Kumari warren@kumari.net")
	slackUser := bot.Actor{Platform: bot.PlatformSlack, UserID: "U0KIM", Name: "kim", Email: "kim@example.org"}
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Actor: slackUser,
		Channel: bot.Channel{DM: true}, Text: "link me \u212Aim@example.org"})
	if resp.Outcome != bot.EFORBIDDEN {
		t.Fatalf("linked to a look-alike of the platform's address: %q\n%s", resp.Outcome, renderResp(resp))
	}
	resp = h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Actor: slackUser,
		Channel: bot.Channel{DM: true}, Text: "link me KIM@example.org"})
	if resp.Outcome != "" {
		t.Fatalf("link me in capitals: %q\n%s", resp.Outcome, renderResp(resp))
	}
}

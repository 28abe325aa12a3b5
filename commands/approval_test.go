package commands_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/reminders"
)

// notifying makes the harness's store write outbox rows, as serve's does.
func (h *harness) notifying() {
	h.router.Audience = bot.Audience{Platforms: []string{bot.PlatformSlack}, Liaison: map[string]string{bot.PlatformSlack: "CLIAISON"}}
}

// stored counts the statements and the outbox rows.
func (h *harness) stored() (statements, notices int) {
	h.t.Helper()
	ctx := context.Background()
	all, _, err := h.db.ListStatements(ctx, bot.ListQuery{Filter: bot.ListAll, PageSize: 100})
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := h.db.OutboxStats(ctx, h.now)
	if err != nil {
		h.t.Fatal(err)
	}
	return len(all), st.Pending + st.Failed
}

func (h *harness) statement(id int64) *bot.Statement {
	h.t.Helper()
	s, err := h.db.Statement(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// The report: somebody in no directory claims prior approval of an
// outgoing statement. Refused, naming who may approve, and nothing is
// stored or announced; BBF's liaison manager may make the same claim.
func TestSubmit_PriorApprovalOnlyFromWhoMayApprove(t *testing.T) {
	h := newHarness(t)
	h.notifying()
	line := `submit to=BBF from=opsawg purpose=info title="Liaison on TR-181 device data model" body="For your information." approved=yes`
	for _, who := range []string{"alice@example.org", "p.nikolich@ieee.org" /* IEEE 802's contact, nothing at BBF */} {
		resp := h.resp(as(who), line)
		out := renderResp(resp)
		if resp.Outcome != bot.EFORBIDDEN {
			t.Fatalf("%s claimed prior approval: outcome %q\n%s", who, resp.Outcome, out)
		}
		mustContain(t, out, "Only the liaison manager for BBF (David Sinicrope)", "IAB liaison coordinators", "approved=yes")
		if strings.Contains(out, "Submitted") || strings.Contains(out, "LS-") {
			t.Errorf("%s: the refusal reads as a submission:\n%s", who, out)
		}
		if n, notices := h.stored(); n != 0 || notices != 0 {
			t.Fatalf("%s: after the refusal %d statements and %d notices are stored, want none", who, n, notices)
		}
	}
	// Without the claim it waits for approval.
	out := h.do(as("alice@example.org"), strings.TrimSuffix(line, " approved=yes"))
	mustContain(t, out, "Submitted LS-1", "State: pending", "Waiting for approval by: David Sinicrope")

	// BBF's liaison manager, and an admin, may claim it.
	mustContain(t, h.do(as("bbf-liaison@ietf.org"), line), "Submitted LS-2", "State: posted")
	mustContain(t, h.do(admin, line), "Submitted LS-3", "State: posted")
	events, err := h.db.Events(context.Background(), 2)
	if err != nil || len(events) != 2 || events[1].Type != bot.EventPosted || events[1].Note != "prior approval obtained" || events[1].By != "David Sinicrope" {
		t.Fatalf("LS-2's history: %+v %v", events, err)
	}
}

// The same refusal through a Slack modal lands on the "prior approval"
// checkbox, so the user can untick it and submit again.
func TestSubmit_PriorApprovalRefusedOnTheModalField(t *testing.T) {
	h := newHarness(t)
	values := map[string]string{bot.FDirection: "outgoing", bot.FOrg: "BBF", bot.FGroup: "opsawg", bot.FPurpose: "info",
		bot.FTitle: "Liaison on TR-181 device data model", bot.FBody: "For your information.", bot.FApproved: "yes"}
	submit := func(key string) *bot.Response {
		return h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Modal: true,
			Actor:  bot.Actor{Platform: bot.PlatformSlack, UserID: "U0ALICE", Name: "Alice Example", Email: "alice@example.org"},
			Submit: &bot.FormSubmission{Values: values, Key: key}})
	}
	resp := submit("V1")
	if resp.Form == nil || !strings.Contains(resp.Form.Errors[bot.FApproved], "David Sinicrope") || len(resp.Form.Errors) != 1 {
		t.Fatalf("modal answer: %+v", resp.Form)
	}
	if n, _ := h.stored(); n != 0 {
		t.Fatalf("%d statements stored after the refusal", n)
	}
	values[bot.FApproved] = "no"
	resp = submit("V2")
	if resp.Outcome != "" || h.statement(1).State != bot.StatePending {
		t.Fatalf("resubmitted without the claim: %q\n%s", resp.Outcome, renderResp(resp))
	}
}

// In the conversation the refusal asks the prior-approval question again.
func TestSubmit_PriorApprovalRefusedInTheConversation(t *testing.T) {
	h := newHarness(t)
	alice := as("alice@example.org")
	h.do(alice, `submit to=BBF from=opsawg purpose=info title="Liaison on TR-181 device data model" approved=yes`)
	var out string
	for _, answer := range []string{"skip", "For your information.", "skip", "skip", "skip", "skip", "skip", "skip", "skip", "submit"} {
		out = h.do(alice, answer)
	}
	mustContain(t, out, "Prior approval obtained: Only the liaison manager for BBF (David Sinicrope)", "Prior approval obtained?")
	if n, _ := h.stored(); n != 0 {
		t.Fatalf("%d statements stored after the refusal", n)
	}
	h.do(alice, "no")
	mustContain(t, h.do(alice, "submit"), "Submitted LS-1", "State: pending")
}

// An incoming statement is recorded as posted on the word of the
// organization's liaison managers or contacts, the coordinators or an
// admin; from anyone else it waits, pending and without deadline reminders,
// until one of them approves it, which records it and starts its reminders.
func TestSubmit_IncomingPendingUntilARecorderApproves(t *testing.T) {
	h := newHarness(t)
	h.notifying()
	ctx := context.Background()
	sweeper := &reminders.Sweeper{Store: h.db, Schedule: bot.DefaultSchedule(), Now: func() time.Time { return h.now },
		Logger: slog.New(slog.DiscardHandler), Audience: h.router.Audience}
	incoming := func(from, title string) string {
		return `submit from="` + from + `" to=opsawg purpose=action deadline=2026-12-03 title="` + title + `" body="Please review."`
	}

	// Alice speaks for nobody: pending, and the reply says who records it.
	out := h.do(as("alice@example.org"), incoming("BBF", "LS on TR-181 Issue 2"))
	mustContain(t, out, "Submitted LS-1", "State: pending", "Waiting for approval by: David Sinicrope <bbf-liaison@ietf.org>, IAB liaison coordinators", "approve LS-1")
	// Paul Nikolich is a contact of IEEE 802, the parent of IEEE 802.11:
	// his word records it.
	mustContain(t, h.do(as("p.nikolich@ieee.org"), incoming("IEEE 802.11", "LS on 802.11bh MAC randomization")), "Submitted LS-2", "State: posted")

	// A week before the deadline only the recorded statement is reminded.
	h.now = h.now.AddDate(0, 0, 1) // 2026-11-27 10:00, past send_at
	if n, err := sweeper.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep: %d reminders (%v), want LS-2's only", n, err)
	}
	if h.statement(1).State != bot.StatePending {
		t.Fatal("LS-1 moved")
	}

	// Nobody else may approve it; an approver of outgoing statements neither.
	out = renderResp(h.resp(as("alice@example.org"), "approve LS-1"))
	mustContain(t, out, "Only the liaison manager for BBF (David Sinicrope), the IAB liaison coordinators or an admin can approve LS-1")
	out = renderResp(h.resp(as("alice@example.org"), "post LS-1"))
	mustContain(t, out, "can approve LS-1")
	if h.statement(1).State != bot.StatePending {
		t.Fatal("a refused approval changed LS-1")
	}
	_, before := h.stored()

	// BBF's liaison manager approves: posted, announced, and reminded from
	// the next sweep on.
	out = h.do(as("bbf-liaison@ietf.org"), "approve LS-1 it came in through the BBF liaison officer")
	mustContain(t, out, "LS-1 “LS on TR-181 Issue 2”: pending → posted")
	if s := h.statement(1); s.State != bot.StatePosted || !s.ActionRequired {
		t.Fatalf("LS-1 after approval: %s, action required %v", s.State, s.ActionRequired)
	}
	if _, after := h.stored(); after != before+1 {
		t.Errorf("approval queued %d notices, want 1 (the liaison channel)", after-before)
	}
	events, _ := h.db.Events(ctx, 1)
	last := events[len(events)-1]
	if last.Type != bot.EventApproved || last.FromState != bot.StatePending || last.ToState != bot.StatePosted || last.By != "David Sinicrope" {
		t.Errorf("approval event %+v", last)
	}
	h.now = h.now.Add(5 * time.Minute)
	if n, err := sweeper.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after approval: %d reminders (%v), want LS-1's", n, err)
	}
	// Approving again says why not.
	mustContain(t, renderResp(h.resp(as("bbf-liaison@ietf.org"), "approve LS-1")), "LS-1 is posted", "It is already recorded.")
}

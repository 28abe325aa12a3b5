package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ietf-tools/liaisonbot/bot"
)

// Issue 14: list fields take repeated keys or comma lists; the groups of
// both sides are kept in order.
func TestSubmit_ListsByCommaAndByRepeatedKeys(t *testing.T) {
	h := newHarness(t)
	out := h.do(admin, `submit from=ITU-T-SG-15 to="IAB, IESG" to=ccamp purpose=info title="LS on OTN" body=x `+
		`response-contact="Jane Doe <jane@example.org>; The IETF Chair" cc=a@example.org cc="Bob Roe <bob@example.org>" `+
		`action-holder-contact="Deborah Brungard <db3546@att.com>" attachments="LS on OTN (PDF) <https://www.itu.int/ls.pdf>, https://www.itu.int/ls.docx"`)
	mustContain(t, out, "Submitted LS-1")
	s := h.statement(1)
	if s.From != "ITU-T SG15" || s.To != "IAB, IESG, ccamp" || s.Direction != bot.Incoming {
		t.Errorf("from %q to %q direction %s", s.From, s.To, s.Direction)
	}
	if got := s.ResponseContacts.String(); got != "Jane Doe <jane@example.org>, The IETF Chair" {
		t.Errorf("response contacts %q", got)
	}
	if got := s.CC.String(); got != "a@example.org, Bob Roe <bob@example.org>" {
		t.Errorf("cc %q", got)
	}
	if got := s.ActionHolders.String(); got != "Deborah Brungard <db3546@att.com>" {
		t.Errorf("action holders %q", got)
	}
	if len(s.Attachments) != 2 || s.Attachments[0] != (bot.Attachment{Title: "LS on OTN (PDF)", URL: "https://www.itu.int/ls.pdf"}) || s.Attachments[1].URL != "https://www.itu.int/ls.docx" {
		t.Errorf("attachments %+v", s.Attachments)
	}
	show := h.do(admin, "show LS-1")
	mustContain(t, show, "The IETF Chair (no address)", "Action holder contacts: Deborah Brungard <db3546@att.com>", "Incoming: ITU-T SG15 → IAB, IESG, ccamp")
}

func TestSubmit_RepeatedSingleValueKeyIsAnError(t *testing.T) {
	h := newHarness(t)
	resp := h.resp(admin, `submit to=3GPP from=opsawg title="One" title="Two" purpose=info body=x`)
	out := renderResp(resp)
	if resp.Outcome != bot.EINVALID {
		t.Fatalf("outcome %q:\n%s", resp.Outcome, out)
	}
	mustContain(t, out, "“title” is given twice")
	if n, _ := h.stored(); n != 0 {
		t.Fatalf("%d statements stored", n)
	}
}

// Every wrong field is reported at once; the form opens at the first, with
// its error.
func TestSubmit_EveryWrongFieldAtOnce(t *testing.T) {
	h := newHarness(t)
	out := h.do(admin, `submit to=3GPP from=opsawg purpose=action deadline=2026-13-40 title="T" body=x cc="Jane <jane@>" attachments=ftp://x.org/a`)
	mustContain(t, out, "Not submitted: 3 field(s) need fixing",
		"Deadline (deadline): “2026-13-40” is not a date",
		"Attachments (attachments): “ftp://x.org/a” is not an http(s) URL",
		"Cc (cc): “Jane <jane@>” is not a valid email address",
		"⚠ Deadline:", "Deadline? (required)")
	if n, _ := h.stored(); n != 0 {
		t.Fatalf("%d statements stored", n)
	}
	// A modal opens with every error on its field.
	resp := h.router.Handle(context.Background(), &bot.Request{Platform: bot.PlatformSlack, Modal: true, Actor: admin,
		Text: `submit to=3GPP from=opsawg purpose=action deadline=2026-13-40 title="T" body=x cc="Jane <jane@>"`})
	if resp.Form == nil || len(resp.Form.Errors) != 2 || resp.Form.Errors[bot.FDeadline] == "" || resp.Form.Errors[bot.FCC] == "" {
		t.Fatalf("modal form %+v", resp.Form)
	}
}

// A past deadline: refused for a new outgoing statement, accepted with a
// warning for an incoming or back-dated record (overdue at once). More
// than five years ahead: a warning.
func TestSubmit_DeadlineRules(t *testing.T) {
	h := newHarness(t)
	out := h.do(admin, `submit to=3GPP from=opsawg purpose=action deadline=2026-10-01 title="Out" body=x`)
	mustContain(t, out, "2026-10-01 is in the past: a new outgoing statement needs a deadline today or later")
	h.do(admin, "cancel")
	out = h.do(admin, `submit from=3GPP to=opsawg purpose=action deadline=2026-10-01 title="In" body=x`)
	mustContain(t, out, "Submitted LS-1", "The deadline 2026-10-01 is already past: the statement is overdue from the start.")
	if !h.statement(1).Overdue(bot.DateOf(fixedNow)) {
		t.Errorf("LS-1 is not overdue")
	}
	out = h.do(admin, `submit to=3GPP from=opsawg purpose=action deadline=2026-10-01 submitted=2026-09-01 title="Back" body=x`)
	mustContain(t, out, "Submitted LS-2", "already past")
	out = h.do(admin, `submit to=3GPP from=opsawg purpose=action deadline=2033-01-01 title="Far" body=x`)
	mustContain(t, out, "Submitted LS-3", "The deadline 2033-01-01 is more than five years away: check the year.")
}

// submitted= back-dates a record: the organization's liaison managers,
// the coordinators and admins only; show and history say both days.
func TestSubmit_BackDatingNeedsAuthority(t *testing.T) {
	h := newHarness(t)
	line := `submit from=BBF to=opsawg purpose=info title="TR-181 Issue 2 Amendment 18" body=x submitted=2026-10-02`
	resp := h.resp(as("alice@example.org"), line)
	if resp.Outcome != bot.EFORBIDDEN {
		t.Fatalf("alice back-dated: %q\n%s", resp.Outcome, renderResp(resp))
	}
	mustContain(t, renderResp(resp), "Only the liaison manager for BBF (David Sinicrope)", "submitted=")
	if n, _ := h.stored(); n != 0 {
		t.Fatalf("%d statements stored", n)
	}
	mustContain(t, h.do(as("bbf-liaison@ietf.org"), line), "Submitted LS-1")
	s := h.statement(1)
	if got := bot.DateOf(s.Submitted).String(); got != "2026-10-02" || !s.Recorded.Equal(fixedNow) {
		t.Errorf("submitted %s recorded %v", got, s.Recorded)
	}
	show := h.do(admin, "show LS-1")
	mustContain(t, show, "Submitted:", "2026-10-02 by David Sinicrope (recorded 2026-11-26)",
		"submitted by David Sinicrope: back-dated: submitted 2026-10-02, recorded 2026-11-26")
	if strings.Count(show, "2026-10-02") < 2 {
		t.Errorf("show:\n%s", show)
	}
	out := h.do(admin, `submit from=BBF to=opsawg purpose=info title="Future" body=x submitted=2027-01-01`)
	mustContain(t, out, "2027-01-01 is in the future")
}

package bot

import (
	"fmt"
	"strings"
	"testing"
)

func TestYourWork_ApprovalsActionsAndSubmissions(t *testing.T) {
	d, org := workflowDir()
	st := func(id int64, state State, dir Direction, actionRequired, taken bool, submitter string) *Statement {
		return &Statement{ID: id, OrgID: org.ID, To: "3GPP", From: "opsawg", Direction: dir, State: state,
			ActionRequired: actionRequired, ActionTaken: taken, SubmitterKey: submitter, Title: fmt.Sprint("S", id)}
	}
	open := []*Statement{
		st(1, StatePending, Outgoing, false, false, "slack:UX"),  // the managers, approvers and coordinators approve
		st(2, StateApproved, Outgoing, false, false, "slack:UX"), // the managers post
		st(3, StatePosted, Incoming, true, false, "slack:UME"),   // the managers owe the action; submitted by "me"
		st(4, StatePosted, Incoming, true, true, "slack:UME"),    // done: not open
		st(5, StateDead, Outgoing, false, false, "slack:UME"),    // dead: not open
		st(6, StatePending, Incoming, false, false, "slack:UX"),  // incoming: the managers, contacts and coordinators record it
		st(7, StatePending, Outgoing, false, false, "slack:UME"), // my own pending submission
		st(8, StatePosted, Outgoing, false, false, "slack:UX"),   // nothing owed
	}
	ids := func(ss []*Statement) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Ref())
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		who, approve, action, submitted string
	}{
		{"manager@example.org", "LS-1 LS-6 LS-7", "LS-2 LS-3", ""},
		{"approver@example.org", "LS-1 LS-7", "", ""},   // approves outgoing statements only
		{"contact@example.org", "LS-6", "", ""},         // records incoming ones
		{"coord@example.org", "LS-1 LS-6 LS-7", "", ""}, // the coordinators are named for pending ones
		{"nobody@example.org", "", "", ""},
	} {
		a := actorWith(tc.who, false)
		w := YourWork(a, open, d)
		if ids(w.Approve) != tc.approve || ids(w.Action) != tc.action || ids(w.Submitted) != tc.submitted {
			t.Errorf("%s: approve [%s] action [%s] submitted [%s]; want [%s] [%s] [%s]", tc.who,
				ids(w.Approve), ids(w.Action), ids(w.Submitted), tc.approve, tc.action, tc.submitted)
		}
	}
	// My own submissions, by chat key, even when I am nobody in the
	// directory; those I owe something on are listed there only.
	me := Actor{Platform: "slack", UserID: "UME"}
	if w := YourWork(me, open, d); ids(w.Submitted) != "LS-3 LS-7" || len(w.Approve)+len(w.Action) != 0 {
		t.Errorf("unlinked submitter: %+v", w)
	}
	me.Person = &Person{Email: "manager@example.org"}
	if w := YourWork(me, open, d); ids(w.Submitted) != "" || ids(w.Approve) != "LS-1 LS-6 LS-7" {
		t.Errorf("submitter who manages: approve [%s] submitted [%s]", ids(w.Approve), ids(w.Submitted))
	}
	// An admin is not named: admins see their own work, not everybody's.
	if w := YourWork(actorWith("", true), open, d); len(w.Approve)+len(w.Action)+len(w.Submitted) != 0 {
		t.Errorf("admin: %+v", w)
	}
}

func TestHomeView_LimitsEachPartAndSaysHowToSeeTheRest(t *testing.T) {
	var many []*Statement
	for i := 1; i <= 25; i++ {
		many = append(many, &Statement{ID: int64(i), State: StatePending, Title: "T", Purpose: PurposeInfo})
	}
	a := actorWith("manager@example.org", false)
	m := HomeView(a, Work{Approve: many}, Date{2026, 6, 1})
	var buttons, refs int
	text := ""
	for _, b := range m.Blocks {
		switch v := b.(type) {
		case Actions:
			buttons++
		case Paragraph:
			if strings.HasPrefix(v.Text.PlainString(), "LS-") {
				refs++
			}
		case Context:
			text += v.Text.PlainString() + "\n"
		}
	}
	if refs != HomeLimit || buttons != HomeLimit || !strings.Contains(text, "…and 15 more: list pending") {
		t.Errorf("%d statements, %d rows of buttons, small print %q", refs, buttons, text)
	}
	if len(m.Blocks) > 100 {
		t.Errorf("%d blocks: more than a home view holds", len(m.Blocks))
	}
}

func TestHomeRefresh_WhoAChangeConcerns(t *testing.T) {
	d, org := workflowDir()
	link := func(p *Person, user string) { p.Chat = []ChatIdentity{{Platform: PlatformSlack, UserID: user}} }
	link(&org.Managers[0], "UMANNY")
	link(&org.Approvers[0], "UADA")
	link(&org.Contacts[0], "UCARL")
	d.Linked = map[string]*Person{"slack:UCORA": {Name: "Cora", Email: "coord@example.org"},
		"slack:USUB": {Email: "sub@example.org"}, "slack:UACTOR": {Email: "actor@example.org"}}
	a := Audience{Platforms: []string{PlatformSlack, PlatformZulip}, Homes: []string{PlatformSlack}}
	s := &Statement{ID: 3, OrgID: org.ID, Direction: Outgoing, State: StateApproved, SubmitterKey: "slack:UGHOST", SubmitterEmail: "sub@example.org"}
	approved := []Event{{Type: EventApproved, FromState: StatePending, ToState: StateApproved, ByKey: "slack:UACTOR"}}
	n, ok := a.HomeRefresh(s, approved, org, d)
	// Before: pending (manager, approver, coordinators); after: approved
	// (manager); the submitter (by the email of their directory person;
	// UGHOST, who submitted it, is tied to nobody) and whoever approved it.
	if want := "[slack:@UACTOR slack:@UADA slack:@UCORA slack:@UMANNY slack:@USUB]"; !ok || fmt.Sprint(n.Targets) != want || n.Kind != NoticeHome {
		t.Errorf("approval refreshes %v (%s), want %s", n.Targets, n.Kind, want)
	}
	// Marked taken: the managers owed it before, nobody after.
	s2 := &Statement{ID: 4, OrgID: org.ID, Direction: Incoming, State: StatePosted, ActionRequired: false, ActionTaken: true}
	taken := []Event{{Type: EventTagged, Tag: TagActionTaken, FromState: StatePosted, ToState: StatePosted},
		{Type: EventUntagged, Tag: TagActionRequired, FromState: StatePosted, ToState: StatePosted}}
	if n, _ := a.HomeRefresh(s2, taken, org, d); fmt.Sprint(n.Targets) != "[slack:@UMANNY]" {
		t.Errorf("marking taken refreshes %v, want the manager's", n.Targets)
	}
	// Not a change anybody's work shows, or no platform with homes.
	if _, ok := a.HomeRefresh(s, []Event{{Type: EventComment, ByKey: "slack:UACTOR"}}, org, d); ok {
		t.Error("a comment refreshed home views")
	}
	if _, ok := (Audience{Platforms: []string{PlatformSlack}}).HomeRefresh(s, approved, org, d); ok {
		t.Error("refreshed without a platform with home views")
	}
}

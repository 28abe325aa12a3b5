package bot

import (
	"strings"
	"testing"
	"time"
)

func workflowDir() (*Directory, *Organization) {
	org := &Organization{ID: 1, Acronym: "3GPP", Relationship: RelFormal,
		Managers:  []Person{{Name: "Manny Manager", Email: "manager@example.org"}},
		Approvers: []Person{{Name: "Ada Approver", Email: "approver@example.org"}},
		Contacts:  []Person{{Name: "Carl Contact", Email: "contact@example.org"}}}
	d := &Directory{Orgs: []*Organization{org}, Coordinators: Coordinators{Email: DefaultCoordinatorsEmail,
		People: []Person{{Name: "Cora Coordinator", Email: "coord@example.org"}}}}
	return d, org
}

func actorWith(email string, admin bool) Actor {
	a := Actor{Platform: "slack", UserID: "U-" + email, Admin: admin}
	if email != "" {
		a.Person = &Person{Name: email, Email: email}
	}
	return a
}

func TestTransition_EveryStateAndMove(t *testing.T) {
	type key struct {
		state State
		dir   Direction
		taken bool
	}
	// want[key][move] = the state it leads to ("" = not allowed)
	want := map[key]map[Move]State{
		{StatePending, Outgoing, false}:  {MoveApprove: StateApproved, MovePost: StatePosted, MoveKill: StateDead},
		{StatePending, Incoming, false}:  {MoveApprove: StatePosted, MovePost: StatePosted, MoveKill: StateDead},
		{StateApproved, Outgoing, false}: {MovePost: StatePosted, MoveKill: StateDead},
		{StatePosted, Outgoing, false}:   {MoveTaken: StatePosted},
		{StatePosted, Incoming, false}:   {MoveTaken: StatePosted},
		{StatePosted, Incoming, true}:    {},
		{StateDead, Outgoing, false}:     {MoveReopen: StatePending},
		{StateDead, Incoming, false}:     {MoveReopen: StatePending},
	}
	for k, moves := range want {
		for _, m := range Moves {
			s := &Statement{ID: 7, State: k.state, Direction: k.dir, ActionTaken: k.taken}
			got, err := Transition(s, m)
			if w := moves[m]; w == "" {
				if err == nil {
					t.Errorf("%v/%v/taken=%v: %s allowed (→ %s), want refused", k.state, k.dir, k.taken, m, got)
				} else if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "LS-7 is "+string(k.state)) {
					t.Errorf("%v %s: error %q should say the current state", k.state, m, ErrorMessage(err))
				}
			} else if err != nil || got != w {
				t.Errorf("%v/%v: %s = %s, %v; want %s", k.state, k.dir, m, got, err, w)
			}
		}
	}
}

func TestTransition_RefusalListsAllowedMoves(t *testing.T) {
	s := &Statement{ID: 3, State: StateApproved, Direction: Outgoing}
	_, err := Transition(s, MoveApprove)
	msg := ErrorMessage(err)
	if !strings.Contains(msg, "LS-3 is approved") || !strings.Contains(msg, "“post LS-3”") || !strings.Contains(msg, "“kill LS-3”") {
		t.Fatalf("message %q should give the state and the allowed moves", msg)
	}
}

func TestMayMove_RolesTable(t *testing.T) {
	d, org := workflowDir()
	pending := &Statement{ID: 5, State: StatePending, Direction: Outgoing, SubmitterKey: "slack:U-sub@example.org", SubmitterEmail: "sub@example.org"}
	roles := map[string]Actor{
		"admin":       actorWith("", true),
		"coordinator": actorWith("coord@example.org", false),
		"manager":     actorWith("manager@example.org", false),
		"approver":    actorWith("approver@example.org", false),
		"submitter":   actorWith("sub@example.org", false),
		"stranger":    actorWith("stranger@example.org", false),
		"unlinked":    {Platform: "slack", UserID: "U9", Email: "manager@example.org"}, // platform email only
	}
	allowed := map[string]map[Move]bool{
		"admin":       {MoveApprove: true, MovePost: true, MoveTaken: true, MoveKill: true, MoveReopen: true},
		"coordinator": {MoveApprove: true, MovePost: true, MoveTaken: true, MoveKill: true, MoveReopen: true},
		"manager":     {MoveApprove: true, MovePost: true, MoveTaken: true, MoveKill: true, MoveReopen: true},
		"approver":    {MoveApprove: true, MovePost: true, MoveTaken: true, MoveKill: true, MoveReopen: true},
		"submitter":   {MoveKill: true},
		"stranger":    {},
		"unlinked":    {},
	}
	for name, a := range roles {
		for _, m := range Moves {
			err := MayMove(a, pending, org, d, m)
			if allowed[name][m] != (err == nil) {
				t.Errorf("%s %s pending: err = %v, want allowed=%v", name, m, err, allowed[name][m])
			}
			if err != nil {
				msg := ErrorMessage(err)
				if ErrorCode(err) != EFORBIDDEN || !strings.Contains(msg, "Manny Manager") || !strings.Contains(msg, "coordinators") {
					t.Errorf("%s %s: refusal %q should say who can", name, m, msg)
				}
			}
		}
	}
	// The submitter may withdraw only while pending.
	approved := *pending
	approved.State = StateApproved
	if err := MayMove(roles["submitter"], &approved, org, d, MoveKill); err == nil {
		t.Error("the submitter killed an approved statement")
	}
	// An unlinked user is told how to link.
	err := MayMove(roles["unlinked"], pending, org, d, MoveApprove)
	if !strings.Contains(ErrorMessage(err), "link me") {
		t.Errorf("unlinked refusal %q should explain linking", ErrorMessage(err))
	}
}

func TestResponsible_NeverNobodyWhileOpen(t *testing.T) {
	d, org := workflowDir()
	bare := &Organization{ID: 2, Acronym: "ETSI"}
	cases := []struct {
		s     Statement
		org   *Organization
		first string
		n     int
	}{
		{Statement{State: StatePending, Direction: Outgoing}, org, "Manny Manager", 3},
		{Statement{State: StatePending, Direction: Outgoing}, bare, "IAB liaison coordinators", 1},
		{Statement{State: StatePending, Direction: Outgoing}, nil, "IAB liaison coordinators", 1},
		{Statement{State: StateApproved, Direction: Outgoing}, org, "Manny Manager", 1},
		{Statement{State: StateApproved, Direction: Outgoing}, bare, "IAB liaison coordinators", 1},
		{Statement{State: StatePosted, Direction: Incoming, ActionRequired: true}, org, "Manny Manager", 1},
		{Statement{State: StatePosted, Direction: Incoming, ActionRequired: true}, bare, "IAB liaison coordinators", 1},
		{Statement{State: StatePosted, Direction: Incoming, ActionRequired: true, ActionTaken: true}, org, "", 0},
		{Statement{State: StatePosted, Direction: Incoming}, org, "", 0},
		{Statement{State: StateDead, Direction: Outgoing}, org, "", 0},
	}
	for i, tc := range cases {
		got := Responsible(&tc.s, tc.org, d)
		if len(got) != tc.n {
			t.Errorf("case %d: %d responsible (%v), want %d", i, len(got), got, tc.n)
			continue
		}
		if tc.n > 0 && got[0].Label() != tc.first {
			t.Errorf("case %d: first responsible %q, want %q", i, got[0].Label(), tc.first)
		}
	}
}

func TestApplyMove_EventsForEveryChange(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	by := actorWith("manager@example.org", false)
	s := &Statement{ID: 9, State: StatePosted, Direction: Incoming, ActionRequired: true}
	n, events, err := ApplyMove(s, MoveTaken, by, "replied on the list", now)
	if err != nil {
		t.Fatal(err)
	}
	if !n.ActionTaken || n.ActionRequired || s.ActionTaken {
		t.Fatalf("taken: got %+v (original %+v)", n, s)
	}
	if len(events) != 2 || events[0].Type != EventTagged || events[0].Tag != TagActionTaken || events[0].Note != "replied on the list" || events[1].Type != EventUntagged || events[1].Tag != TagActionRequired {
		t.Fatalf("taken events = %+v", events)
	}
	if _, _, err := ApplyMove(&Statement{ID: 1, State: StatePending, Direction: Outgoing}, MoveKill, by, " ", now); ErrorCode(err) != EINVALID {
		t.Errorf("kill without a reason: err %v, want EINVALID", err)
	}
	k, events, err := ApplyMove(&Statement{ID: 1, State: StatePending, Direction: Outgoing}, MoveKill, by, "superseded", now)
	if err != nil || k.State != StateDead || events[0].Type != EventKilled || events[0].FromState != StatePending || events[0].ToState != StateDead || events[0].Note != "superseded" {
		t.Fatalf("kill: %+v %+v %v", k, events, err)
	}
}

func TestNewStatement_InitialStateAndTags(t *testing.T) {
	d, org := workflowDir()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	by := actorWith("manager@example.org", false)
	cases := []struct {
		s        Statement
		state    State
		required bool
		events   []EventType
	}{
		{Statement{Direction: Outgoing, Purpose: PurposeInfo}, StatePending, false, []EventType{EventSubmitted}},
		{Statement{Direction: Outgoing, Purpose: PurposeInfo, PriorApproval: true}, StatePosted, false, []EventType{EventSubmitted, EventPosted}},
		{Statement{Direction: Incoming, Purpose: PurposeInfo}, StatePosted, false, []EventType{EventSubmitted, EventPosted}},
		{Statement{Direction: Incoming, Purpose: PurposeAction, Deadline: Date{2027, 1, 15}}, StatePosted, true, []EventType{EventSubmitted, EventPosted, EventTagged}},
		{Statement{Direction: Outgoing, Purpose: PurposeComment, Deadline: Date{2027, 1, 15}}, StatePending, true, []EventType{EventSubmitted, EventTagged}},
	}
	for i, tc := range cases {
		tc.s.To, tc.s.OrgID = org.Acronym, org.ID
		n, evs, err := NewStatement(&tc.s, by, org, d, now)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if n.State != tc.state || n.ActionRequired != tc.required || n.SubmitterEmail != "manager@example.org" || !n.Submitted.Equal(now) {
			t.Errorf("case %d: %+v", i, n)
		}
		var types []EventType
		for _, e := range evs {
			types = append(types, e.Type)
		}
		if strings.Join(eventStrings(types), ",") != strings.Join(eventStrings(tc.events), ",") {
			t.Errorf("case %d: events %v, want %v", i, types, tc.events)
		}
	}
}

// Who may say an outgoing statement was approved before submission, and
// whose word records an incoming statement as posted: everyone else's
// claim is refused (outgoing) or waits for approval (incoming).
func TestNewStatement_WhoMayClaimApprovalOrRecordIncoming(t *testing.T) {
	d, org := workflowDir()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	roles := map[string]Actor{
		"admin":       actorWith("", true),
		"coordinator": actorWith("coord@example.org", false),
		"manager":     actorWith("manager@example.org", false),
		"approver":    actorWith("approver@example.org", false),
		"contact":     actorWith("contact@example.org", false),
		"stranger":    actorWith("alice@example.org", false),
		"unlinked":    {Platform: "console", UserID: "manager@example.org", Email: "manager@example.org"},
		"look-alike":  actorWith("m\u212Anager@example.org", false), // Kelvin sign, not k
	}
	const refused = State("refused")
	want := map[string]struct{ prior, incoming State }{
		"admin":       {StatePosted, StatePosted},
		"coordinator": {StatePosted, StatePosted},
		"manager":     {StatePosted, StatePosted},
		"approver":    {StatePosted, StatePending}, // approves outgoing statements only
		"contact":     {refused, StatePosted},      // the other organization's own contact point
		"stranger":    {refused, StatePending},
		"unlinked":    {refused, StatePending},
		"look-alike":  {refused, StatePending},
	}
	for name, a := range roles {
		for _, dir := range []Direction{Outgoing, Incoming} {
			s := &Statement{Direction: dir, Purpose: PurposeAction, Deadline: Date{2027, 1, 15}, Title: "YANG models", OrgID: org.ID}
			s.From, s.To = "opsawg", org.Acronym
			w := want[name].incoming
			if dir == Outgoing {
				s.PriorApproval, w = true, want[name].prior
			} else {
				s.From, s.To = org.Acronym, "opsawg"
			}
			n, evs, err := NewStatement(s, a, org, d, now)
			if w == refused {
				msg := ErrorMessage(err)
				if ErrorCode(err) != EFORBIDDEN || n != nil || evs != nil {
					t.Errorf("%s, %s with prior approval: %v %+v, want refused and nothing to store", name, dir, err, n)
				} else if !strings.Contains(msg, "Manny Manager") || !strings.Contains(msg, "coordinators") || !strings.Contains(msg, "approved=yes") {
					t.Errorf("%s: refusal %q should name who can approve and the claim", name, msg)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s, %s: %v", name, dir, err)
				continue
			}
			if n.State != w {
				t.Errorf("%s, %s: recorded %s, want %s", name, dir, n.State, w)
			}
			if last := evs[len(evs)-1]; last.Type != EventTagged || last.FromState != w {
				t.Errorf("%s, %s: last event %+v, want the action-required tag in state %s", name, dir, last, w)
			}
		}
	}
}

// A pending incoming statement is approved by recording it: approve (or
// post) takes it to posted, but only from those whose word records one.
func TestMayMove_PendingIncomingApprovedOnlyByItsRecorders(t *testing.T) {
	d, org := workflowDir()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	pending := &Statement{ID: 6, State: StatePending, Direction: Incoming, From: "3GPP", To: "opsawg", OrgID: org.ID,
		Purpose: PurposeAction, Deadline: Date{2027, 1, 15}, ActionRequired: true,
		SubmitterKey: "console:alice@example.org", SubmitterEmail: "alice@example.org"}
	roles := map[string]Actor{
		"admin":       actorWith("", true),
		"coordinator": actorWith("coord@example.org", false),
		"manager":     actorWith("manager@example.org", false),
		"contact":     actorWith("contact@example.org", false),
		"approver":    actorWith("approver@example.org", false),
		"submitter":   actorWith("alice@example.org", false),
		"look-alike":  actorWith("\u212Aontact@example.org", false),
	}
	records := map[string]bool{"admin": true, "coordinator": true, "manager": true, "contact": true}
	kills := map[string]bool{"admin": true, "coordinator": true, "manager": true, "approver": true, "submitter": true}
	for name, a := range roles {
		for _, m := range []Move{MoveApprove, MovePost, MoveKill} {
			want := records[name]
			if m == MoveKill {
				want = kills[name]
			}
			err := MayMove(a, pending, org, d, m)
			if want != (err == nil) {
				t.Errorf("%s %s pending incoming: err = %v, want allowed=%v", name, m, err, want)
				continue
			}
			if err != nil && m != MoveKill {
				msg := ErrorMessage(err)
				for _, w := range []string{"Manny Manager", "a liaison contact of 3GPP", "coordinators", "LS-6"} {
					if !strings.Contains(msg, w) {
						t.Errorf("%s %s: refusal %q lacks %q", name, m, msg, w)
					}
				}
			}
		}
	}
	// Approving records it: posted, with one "approved" event.
	n, events, err := ApplyMove(pending, MoveApprove, roles["manager"], "", now)
	if err != nil || n.State != StatePosted || len(events) != 1 || events[0].Type != EventApproved ||
		events[0].FromState != StatePending || events[0].ToState != StatePosted {
		t.Fatalf("approve pending incoming: %+v %+v %v", n, events, err)
	}
	// Until then it is the managers' and coordinators' to approve (not the
	// approvers', who approve outgoing statements).
	resp := Responsible(pending, org, d)
	if len(resp) != 2 || resp[0].Name != "Manny Manager" || resp[1].Label() != "IAB liaison coordinators" {
		t.Errorf("responsible for a pending incoming statement: %+v", resp)
	}
	// The buttons offer "Approve", not a second way to the same place.
	var labels []string
	for _, b := range NextMoves(pending, false) {
		labels = append(labels, b.Label)
	}
	if got := strings.Join(labels, ","); !strings.HasPrefix(got, "Approve,") || strings.Contains(got, "Mark posted") {
		t.Errorf("buttons for a pending incoming statement: %s", got)
	}
}

func eventStrings(ts []EventType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func TestAnswers(t *testing.T) {
	orig := &Statement{ID: 4, State: StatePosted, ActionRequired: true}
	reply := &Statement{ID: 5, Purpose: PurposeResponse, Related: 4, State: StatePosted}
	if !Answers(reply, orig) {
		t.Error("a posted In Response does not answer its statement")
	}
	pending := *reply
	pending.State = StatePending
	if Answers(&pending, orig) {
		t.Error("a pending reply marked the original taken")
	}
	done := *orig
	done.ActionTaken = true
	if Answers(reply, &done) {
		t.Error("an already-taken statement would be marked again")
	}
	other := *reply
	other.Related = 99
	if Answers(&other, orig) {
		t.Error("a reply to another statement marked this one")
	}
}

package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAuthorityOf_EveryKindOfActor(t *testing.T) {
	d, org := workflowDir()
	child := &Organization{ID: 2, Acronym: "3GPP-SA2", Parent: "3GPP"}
	d.Orgs = append(d.Orgs, child)
	for _, tc := range []struct {
		name  string
		a     Actor
		org   *Organization
		want  Authority
		overs bool
	}{
		{"admin", actorWith("", true), org, AuthAdmin, true},
		{"coordinator", actorWith("coord@example.org", false), org, AuthCoordinator, true},
		{"coordinator, no organization", actorWith("coord@example.org", false), nil, AuthCoordinator, true},
		{"manager", actorWith("MANAGER@example.org", false), org, AuthManager, false},
		{"parent's manager", actorWith("manager@example.org", false), child, AuthManager, false},
		{"approver", actorWith("approver@example.org", false), org, AuthApprover, false},
		{"approver of another organization", actorWith("approver@example.org", false), child, AuthNone, false},
		{"contact", actorWith("contact@example.org", false), org, AuthNone, false},
		{"manager, no organization", actorWith("manager@example.org", false), nil, AuthNone, false},
		// Only a directory person counts: an email the platform reports
		// does not grant rights by itself.
		{"unlinked coordinator's address", Actor{Platform: "slack", UserID: "U9", Email: "coord@example.org"}, org, AuthNone, false},
	} {
		got := AuthorityOf(tc.a, tc.org, d)
		if got != tc.want || got.Oversees() != tc.overs {
			t.Errorf("%s: %q (oversees %v), want %q (%v)", tc.name, got, got.Oversees(), tc.want, tc.overs)
		}
	}
}

func TestMayNudge_OnceADayExceptForAdminsAndCoordinators(t *testing.T) {
	d, org := workflowDir()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := &Statement{ID: 7, State: StatePending, Direction: Outgoing}
	history := []Event{
		{Type: EventNudged, Time: now.Add(-30 * time.Hour), By: "Early Bird"},
		{Type: EventComment, Time: now.Add(-time.Hour)},
		{Type: EventNudged, Time: now.Add(-3 * time.Hour), By: "Jane Doe"},
	}
	err := MayNudge(actorWith("alice@example.org", false), s, org, d, history, now)
	if ErrorCode(err) != ELIMIT || !strings.Contains(err.Error(), "LS-7 was nudged by Jane Doe 3 hours ago") ||
		!strings.Contains(err.Error(), "try again after 2026-11-27 07:00 UTC") {
		t.Errorf("a second nudge within the day: %v", err)
	}
	// The manager is limited too; admins and coordinators are not.
	if err := MayNudge(actorWith("manager@example.org", false), s, org, d, history, now); ErrorCode(err) != ELIMIT {
		t.Errorf("manager: %v, want ELIMIT", err)
	}
	for _, a := range []Actor{actorWith("", true), actorWith("coord@example.org", false)} {
		if err := MayNudge(a, s, org, d, history, now); err != nil {
			t.Errorf("%s was limited: %v", a.Key(), err)
		}
	}
	// A day after the last nudge, anyone again.
	if err := MayNudge(actorWith("alice@example.org", false), s, org, d, history, now.Add(21*time.Hour)); err != nil {
		t.Errorf("a day later: %v", err)
	}
	if got := Roughly(40 * time.Second); got != "moments" {
		t.Errorf("Roughly(40s) = %q", got)
	}
	if got := Roughly(61 * time.Minute); got != "1 hour" {
		t.Errorf("Roughly(61m) = %q", got)
	}
}

func TestMaySnooze_ResponsibleAndAuthoritiesOnly(t *testing.T) {
	d, org := workflowDir()
	s := &Statement{ID: 3, State: StatePending, Direction: Outgoing}
	for email, ok := range map[string]bool{
		"manager@example.org":  true,  // authority
		"approver@example.org": true,  // authority (and responsible)
		"coord@example.org":    true,  // coordinator
		"contact@example.org":  false, // neither
		"alice@example.org":    false,
	} {
		err := MaySnooze(actorWith(email, false), s, org, d)
		if (err == nil) != ok || (err != nil && ErrorCode(err) != EFORBIDDEN) {
			t.Errorf("%s: %v, want allowed %v", email, err, ok)
		}
	}
	// Responsible without authority: an organization without managers
	// leaves a pending statement to the coordinators' list address.
	lone := &Organization{ID: 9, Acronym: "LONE"}
	list := Actor{Platform: "slack", UserID: "U1", Person: &Person{Email: DefaultCoordinatorsEmail}}
	if err := MaySnooze(list, s, lone, d); err != nil {
		t.Errorf("the responsible list address: %v", err)
	}
}

func TestMayEditDirectoryAndMaySubscribe(t *testing.T) {
	d, _ := workflowDir()
	for email, want := range map[string][2]bool{ // edit, subscribe
		"coord@example.org":    {true, true},
		"manager@example.org":  {false, true},
		"approver@example.org": {false, false},
		"alice@example.org":    {false, false},
	} {
		a := actorWith(email, false)
		if got := MayEditDirectory(a, d) == nil; got != want[0] {
			t.Errorf("%s may edit the directory: %v, want %v", email, got, want[0])
		}
		if got := MaySubscribe(a, d) == nil; got != want[1] {
			t.Errorf("%s may subscribe: %v, want %v", email, got, want[1])
		}
	}
	err := MayEditDirectory(Actor{Platform: "slack", UserID: "U1"}, d)
	if ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), "(Cora Coordinator)") ||
		!strings.Contains(err.Error(), "write to liaison-coordination@iab.org") || !strings.Contains(err.Error(), "link me") {
		t.Errorf("refusal: %v", err)
	}
	if MayEditDirectory(actorWith("", true), d) != nil || MaySubscribe(actorWith("", true), d) != nil {
		t.Error("an admin was refused")
	}
}

func TestMayLink_AdminsAnyoneOthersThemselvesToTheirAddress(t *testing.T) {
	admin := Actor{Admin: true}
	if err := MayLink(admin, false, "x@example.org"); err != nil {
		t.Errorf("admin: %v", err)
	}
	jane := Actor{Email: "Jane@Example.org"}
	for _, tc := range []struct {
		a    Actor
		self bool
		addr string
		want string // "" when allowed
	}{
		{jane, true, "jane@example.org", ""},
		{jane, false, "jane@example.org", "Only an admin can link another user"},
		{jane, true, "other@example.org", "only to the address your chat platform reports for you (Jane@Example.org)"},
		{Actor{}, true, "jane@example.org", "does not tell me your email address"},
	} {
		err := MayLink(tc.a, tc.self, tc.addr)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc, err)
		case tc.want != "" && (ErrorCode(err) != EFORBIDDEN || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want %q", tc, err, tc.want)
		}
	}
}

func TestMineOrgs_ManagedApprovedAndForCoordinatorsTheUnmanaged(t *testing.T) {
	d, org := workflowDir()
	lone := &Organization{ID: 5, Acronym: "LONE"}
	d.Orgs = append(d.Orgs, lone)
	for email, want := range map[string][]int64{
		"manager@example.org":  {1},
		"approver@example.org": {1},
		"coord@example.org":    {5},
		"contact@example.org":  nil,
	} {
		if got := MineOrgs(actorWith(email, false), d); !equalIDs(got, want) {
			t.Errorf("%s: %v, want %v", email, got, want)
		}
	}
	_ = org
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fakeTx is a StatementTx over a map, for the rules that write through
// one.
type fakeTx struct {
	StatementTx // nil: a method the test does not expect panics
	byID        map[int64]*Statement
	saved       []*Statement
	events      []Event
	saveErr     error
}

func (f *fakeTx) Statement(id int64) (*Statement, error) {
	if s, ok := f.byID[id]; ok {
		c := *s
		return &c, nil
	}
	return nil, Errorf(ENOTFOUND, "There is no statement %s.", Ref(id))
}

func (f *fakeTx) Save(s *Statement, events ...Event) error {
	if f.saveErr != nil {
		return f.saveErr
	}
	f.saved = append(f.saved, s)
	f.events = append(f.events, events...)
	return nil
}

func TestMarkAnswered_OnlyAPostedStatementAwaitingAction(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	by := actorWith("manager@example.org", false)
	reply := &Statement{ID: 9, Purpose: PurposeResponse, Related: 4, State: StatePosted}
	for _, tc := range []struct {
		name string
		orig *Statement
		mark bool
	}{
		{"posted, awaiting action", &Statement{ID: 4, State: StatePosted, ActionRequired: true}, true},
		{"approved, not sent yet", &Statement{ID: 4, State: StateApproved, ActionRequired: true}, false},
		{"already taken", &Statement{ID: 4, State: StatePosted, ActionTaken: true}, false},
		{"dead", &Statement{ID: 4, State: StateDead}, false},
	} {
		tx := &fakeTx{byID: map[int64]*Statement{4: tc.orig}}
		got, err := MarkAnswered(tx, reply, by, now)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if (got != nil) != tc.mark || len(tx.saved) != map[bool]int{true: 1, false: 0}[tc.mark] {
			t.Errorf("%s: marked %v (saved %d), want %v", tc.name, got != nil, len(tx.saved), tc.mark)
		}
		if tc.mark && (!got.ActionTaken || tx.events[0].Tag != TagActionTaken || tx.events[0].Note != "answered by LS-9") {
			t.Errorf("%s: %+v, events %+v", tc.name, got, tx.events)
		}
	}
	// A reply to nothing here answers nothing; a failed write is an error,
	// not a silent "nothing to mark".
	if got, err := MarkAnswered(&fakeTx{byID: map[int64]*Statement{}}, reply, by, now); got != nil || err != nil {
		t.Errorf("missing original: %v, %v", got, err)
	}
	boom := errors.New("disk full")
	tx := &fakeTx{byID: map[int64]*Statement{4: {ID: 4, State: StatePosted, ActionRequired: true}}, saveErr: boom}
	if _, err := MarkAnswered(tx, reply, by, now); !errors.Is(err, boom) {
		t.Errorf("failed save: %v", err)
	}
}

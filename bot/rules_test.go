package bot

import (
	"strings"
	"testing"
	"time"
)

// These tests pin the edges of the rules the mutation run found
// unguarded: who counts as a statement's submitter, what a refusal says,
// who is responsible, and when the reminder series end.

func TestIsSubmitter_ByChatKeyOrDirectoryEmailOnly(t *testing.T) {
	s := &Statement{ID: 4, State: StatePending, SubmitterKey: "slack:U0SAM", SubmitterEmail: "Sam.ONeil@example.com"}
	sam := Person{Name: "Sam O’Neil", Email: "sam.oneil@example.com"}
	for _, tc := range []struct {
		name string
		a    Actor
		want bool
	}{
		{"the same chat user, not in the directory", Actor{Platform: PlatformSlack, UserID: "U0SAM"}, true},
		{"the same person on Zulip (email, any case)", Actor{Platform: PlatformZulip, UserID: "42", Person: &sam}, true},
		{"another user", Actor{Platform: PlatformSlack, UserID: "U0PAT"}, false},
		{"an unverified platform email is not enough", Actor{Platform: PlatformZulip, UserID: "43", Email: "sam.oneil@example.com"}, false},
	} {
		if got := IsSubmitter(tc.a, s); got != tc.want {
			t.Errorf("%s: IsSubmitter = %v, want %v", tc.name, got, tc.want)
		}
	}
	// A statement with no submitter on record (a Datatracker import) has
	// no submitter: not everyone without an email.
	imported := &Statement{ID: 5, State: StatePending}
	for _, a := range []Actor{{Platform: PlatformSlack, UserID: "U0PAT"}, {Platform: PlatformConsole, UserID: "local", Person: &Person{Name: "No Email"}}} {
		if IsSubmitter(a, imported) {
			t.Errorf("%s counts as the submitter of a statement without one", a.Key())
		}
		if err := MayMove(a, imported, nil, &Directory{}, MoveKill); ErrorCode(err) != EFORBIDDEN {
			t.Errorf("%s may withdraw a statement without a submitter: %v", a.Key(), err)
		}
	}
}

func TestMayMove_RefusalNamesTheSubmitterOnlyForAPendingKill(t *testing.T) {
	d, org := workflowDir()
	stranger := Actor{Platform: PlatformSlack, UserID: "U0PAT"}
	for _, tc := range []struct {
		state State
		m     Move
		want  bool
	}{
		{StatePending, MoveKill, true},
		{StateApproved, MoveKill, false},
		{StatePending, MoveApprove, false},
		{StateDead, MoveReopen, false},
	} {
		s := &Statement{ID: 9, State: tc.state, Direction: Outgoing, OrgID: org.ID, SubmitterKey: "slack:U0SAM"}
		err := MayMove(stranger, s, org, d, tc.m)
		msg := ErrorMessage(err)
		if ErrorCode(err) != EFORBIDDEN || strings.Contains(msg, "(or its submitter, to withdraw it)") != tc.want {
			t.Errorf("%s on a %s statement: %q", tc.m, tc.state, msg)
		}
		if !strings.Contains(msg, "“link me <your email>”") {
			t.Errorf("the refusal of a user without a directory entry does not say how to link: %q", msg)
		}
	}
}

func TestResponsible_EachPersonOnce(t *testing.T) {
	org := &Organization{ID: 1, Acronym: "3GPP", Relationship: RelFormal,
		Managers: []Person{{Name: "Åsa Lindqvist", Email: "asa@example.org"}, {Name: "Gonzalo Camarillo"}},
		Approvers: []Person{{Name: "Åsa L.", Email: "ASA@example.org"}, {Name: "Gonzalo Camarillo"}, {Name: "Gonzalo Camarillo", Email: "gonzalo@example.org"},
			{Name: "Benoît Claise"}}}
	d := &Directory{Orgs: []*Organization{org}, Coordinators: Coordinators{Email: DefaultCoordinatorsEmail}}
	got := Responsible(&Statement{State: StatePending, Direction: Outgoing, OrgID: 1}, org, d)
	var names []string
	for _, p := range got {
		names = append(names, p.Name+" <"+p.Email+">")
	}
	want := "Åsa Lindqvist <asa@example.org>|Gonzalo Camarillo <>|Gonzalo Camarillo <gonzalo@example.org>|Benoît Claise <>|IAB liaison coordinators <liaison-coordination@iab.org>"
	if strings.Join(names, "|") != want {
		t.Errorf("responsible:\n%s\nwant\n%s", strings.Join(names, "|"), want)
	}
}

func TestParseRef_Forms(t *testing.T) {
	for in, want := range map[string]int64{"LS-12": 12, "ls12": 12, "#12": 12, " 12 ": 12, "Ls-7": 7, "L5": 0, "LS-0": 0, "0": 0, "-3": 0, "LS--3": 0, "LS": 0, "": 0, "LS-x": 0} {
		n, ok := ParseRef(in)
		if n != want || ok != (want > 0) {
			t.Errorf("ParseRef(%q) = %d, %v; want %d", in, n, ok, want)
		}
	}
}

func TestDueReminders_ApprovalSeriesEdges(t *testing.T) {
	sub := time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC)
	s := &Statement{ID: 2, State: StatePending, Direction: Outgoing, Purpose: PurposeInfo, Submitted: sub}
	// ApprovalEveryDays 0 turns approval reminders off.
	off := DefaultSchedule()
	off.ApprovalEveryDays = 0
	if got := walk(s, off, sub, sub.AddDate(0, 0, 20), time.Hour, 0); len(got) != 0 {
		t.Errorf("approval reminders with approval_every_days = 0: %v", got)
	}
	// A deadline series' last reminder stays due for one day, not a moment
	// longer.
	deadline := Date{2027, 1, 20}
	d := deadlineStatement(deadline)
	sch := DefaultSchedule()
	sch.EscalateAfterDays = 0
	last := sch.Moment(deadline.AddDays(sch.OverdueDays))
	keys := func(now time.Time) []string {
		var out []string
		for _, r := range DueReminders(d, nil, now, sch) {
			out = append(out, r.Key())
		}
		return out
	}
	if got := keys(last.Add(24*time.Hour - time.Second)); len(got) != 1 {
		t.Errorf("a second before the day is over: %v, want the last overdue reminder", got)
	}
	if got := keys(last.Add(24 * time.Hour)); len(got) != 0 {
		t.Errorf("a day after the last reminder: %v, want none", got)
	}
}

func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{"a\nb": "a", "\nb": "", "ab": "ab", "": ""} {
		if got := firstLine(in); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewStatement_PostedOnSubmission(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	org := &Organization{ID: 1, Acronym: "3GPP", Managers: []Person{{Name: "Åsa Lindqvist", Email: "asa@example.org"}}}
	d := &Directory{Orgs: []*Organization{org}}
	manager := Actor{Platform: PlatformSlack, UserID: "U0ASA", Name: "Åsa Lindqvist", Person: &Person{Name: "Åsa Lindqvist", Email: "asa@example.org"}}
	nobody := Actor{Platform: PlatformSlack, UserID: "U0PAT", Name: "Pat Doe", Person: &Person{Name: "Pat Doe", Email: "pat@example.org"}}
	for _, tc := range []struct {
		by   Actor
		s    Statement
		want string // the posted event ("" for none), or "refused"
	}{
		{manager, Statement{Direction: Outgoing, PriorApproval: true}, "posted:prior approval obtained"},
		{manager, Statement{Direction: Incoming}, "posted:"},
		{manager, Statement{Direction: Outgoing}, ""},
		{nobody, Statement{Direction: Outgoing, PriorApproval: true}, "refused"},
		{nobody, Statement{Direction: Incoming}, ""},
	} {
		tc.s.To, tc.s.OrgID = "3GPP", org.ID
		n, events, err := NewStatement(&tc.s, tc.by, org, d, now)
		got := ""
		if err != nil {
			got = "refused"
			if ErrorCode(err) != EFORBIDDEN {
				t.Errorf("%s by %s (prior approval %v): %v, want EFORBIDDEN", tc.s.Direction, tc.by.Name, tc.s.PriorApproval, err)
			}
		}
		for _, e := range events {
			if e.Type == EventPosted {
				got = string(e.Type) + ":" + e.Note
			}
		}
		if got != tc.want || (err == nil && (tc.want != "") != (n.State == StatePosted)) {
			t.Errorf("%s by %s (prior approval %v): %q, want %q", tc.s.Direction, tc.by.Name, tc.s.PriorApproval, got, tc.want)
		}
	}
}

func TestRouting_CopiesTheCoordinators(t *testing.T) {
	org := &Organization{Acronym: "3GPP", Relationship: RelFormal, Managers: []Person{{Name: "Åsa Lindqvist", Email: "asa@example.org"}},
		CC: []string{"3gpp-liaison@example.org", "liaison-coordination@iab.org"}}
	r := Routing(RouteQuery{Org: org, Direction: Outgoing}, Coordinators{})
	if strings.Join(r.CC, ", ") != "liaison-coordination@iab.org, 3gpp-liaison@example.org" {
		t.Errorf("cc with the default address: %v", r.CC)
	}
	r = Routing(RouteQuery{Org: org, Direction: Outgoing}, Coordinators{Email: "iab-liaisons@example.org"})
	if strings.Join(r.CC, ", ") != "iab-liaisons@example.org, 3gpp-liaison@example.org, liaison-coordination@iab.org" {
		t.Errorf("cc with the address on record: %v", r.CC)
	}
}

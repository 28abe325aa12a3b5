package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

// walk sweeps a statement every step from start to end, recording each
// reminder sent as an EventReminded (as the store does), and returns the
// keys sent, in order.
func walk(s *Statement, sch Schedule, start, end time.Time, step time.Duration, restartEvery int) []string {
	var history []Event
	var sent []string
	n := 0
	for now := start; !now.After(end); now = now.Add(step) {
		n++
		if restartEvery > 0 && n%restartEvery == 0 {
			// A restart forgets nothing: the policy only reads history.
			history = append([]Event(nil), history...)
		}
		for _, r := range DueReminders(s, history, now, sch) {
			sent = append(sent, r.Key())
			history = append(history, Event{Type: EventReminded, Time: now, Reminder: r.Key()})
		}
	}
	return sent
}

func deadlineStatement(deadline Date) *Statement {
	return &Statement{ID: 1, State: StatePosted, Direction: Incoming, Purpose: PurposeAction, Deadline: deadline, ActionRequired: true,
		Submitted: deadline.Time(time.UTC).AddDate(0, 0, -30)}
}

func TestDueReminders_DayByDayWalk(t *testing.T) {
	deadline := Date{2027, 1, 20}
	sch := DefaultSchedule()
	s := deadlineStatement(deadline)
	start := deadline.Time(time.UTC).AddDate(0, 0, -20)
	end := deadline.Time(time.UTC).AddDate(0, 0, 20)
	got := walk(s, sch, start, end, time.Hour, 0)
	var want []string
	for _, d := range []int{14, 7, 4, 3, 2, 1, 0} {
		want = append(want, "before:"+deadline.AddDays(-d).String())
	}
	for k := 1; k <= 14; k++ {
		want = append(want, "overdue:"+deadline.AddDays(k).String())
		if k == 3 {
			want = append(want, "escalation:"+deadline.AddDays(3).String())
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("reminders:\n got %v\nwant %v", got, want)
	}
	// Sweeping every 5 minutes, or restarting, changes nothing.
	if got2 := walk(s, sch, start, end, 5*time.Minute, 7); strings.Join(got2, ",") != strings.Join(want, ",") {
		t.Fatalf("5-minute sweeps with restarts:\n got %v\nwant %v", got2, want)
	}
}

func TestDueReminders_CatchUpOnceAfterDowntime(t *testing.T) {
	deadline := Date{2027, 1, 20}
	sch := DefaultSchedule()
	s := deadlineStatement(deadline)
	// Down from 3 days before the deadline until 2 days after, back at 08:00
	// (before send_at): one catch-up for the day before, then today's.
	var history []Event
	back := deadline.AddDays(2).Time(time.UTC).Add(8 * time.Hour)
	var sent []string
	for now := back; now.Before(back.Add(3 * time.Hour)); now = now.Add(5 * time.Minute) {
		for _, r := range DueReminders(s, history, now, sch) {
			sent = append(sent, r.Key())
			history = append(history, Event{Type: EventReminded, Reminder: r.Key()})
		}
	}
	want := []string{"overdue:2027-01-21", "overdue:2027-01-22"}
	if strings.Join(sent, ",") != strings.Join(want, ",") {
		t.Fatalf("after 5 days down: sent %v, want %v (one catch-up, then today's)", sent, want)
	}
	// Back after send_at on day +2: only today's, nothing from the five days missed.
	history = nil
	r := DueReminders(s, history, deadline.AddDays(2).Time(time.UTC).Add(10*time.Hour), sch)
	if len(r) != 1 || r[0].Key() != "overdue:2027-01-22" {
		t.Fatalf("back after send_at: %v", r)
	}
	// Back after the overdue series ended: nothing stale.
	if r := DueReminders(s, nil, deadline.AddDays(30).Time(time.UTC).Add(10*time.Hour), Schedule{OverdueDays: 14, DaysBefore: []int{0}, SendAtHour: 9}); len(r) != 0 {
		t.Fatalf("30 days after the deadline: %v", r)
	}
}

func TestDueReminders_Grid(t *testing.T) {
	deadline := Date{2027, 1, 20}                   // a Wednesday
	paris, err := time.LoadLocation("Europe/Paris") // time/tzdata is linked in: always there
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name  string
		mod   func(s *Statement, sch *Schedule)
		now   time.Time
		wants []string
	}
	at := func(d Date, h, m int, loc *time.Location) time.Time {
		return time.Date(d.Y, time.Month(d.M), d.D, h, m, 0, 0, loc)
	}
	cases := []tc{
		{"one week before at send_at", nil, at(deadline.AddDays(-7), 9, 0, time.UTC), []string{"before:2027-01-13"}},
		{"one week before, before send_at: the 14-day one is still valid", nil, at(deadline.AddDays(-7), 8, 59, time.UTC), []string{"before:2027-01-06"}},
		{"information: none", func(s *Statement, _ *Schedule) { s.Purpose = PurposeInfo }, at(deadline, 10, 0, time.UTC), nil},
		{"comment: yes", func(s *Statement, _ *Schedule) { s.Purpose = PurposeComment }, at(deadline, 10, 0, time.UTC), []string{"before:2027-01-20"}},
		{"action taken: none", func(s *Statement, _ *Schedule) { s.ActionTaken = true }, at(deadline, 10, 0, time.UTC), nil},
		{"dead: none", func(s *Statement, _ *Schedule) { s.State = StateDead }, at(deadline, 10, 0, time.UTC), nil},
		{"no deadline: none", func(s *Statement, _ *Schedule) { s.Deadline = Date{} }, at(deadline, 10, 0, time.UTC), nil},
		{"deadline day", nil, at(deadline, 9, 30, time.UTC), []string{"before:2027-01-20"}},
		{"day after", nil, at(deadline.AddDays(1), 9, 30, time.UTC), []string{"overdue:2027-01-21"}},
		{"escalation with the third overdue", nil, at(deadline.AddDays(3), 9, 0, time.UTC), []string{"overdue:2027-01-23", "escalation:2027-01-23"}},
		{"no escalation when off", func(_ *Statement, sch *Schedule) { sch.EscalateAfterDays = 0 }, at(deadline.AddDays(3), 9, 0, time.UTC), []string{"overdue:2027-01-23"}},
		{"snoozed: none", func(s *Statement, _ *Schedule) { s.SnoozedUntil = deadline.AddDays(5) }, at(deadline.AddDays(1), 10, 0, time.UTC), nil},
		{"snoozed: escalation still goes", func(s *Statement, _ *Schedule) { s.SnoozedUntil = deadline.AddDays(5) }, at(deadline.AddDays(3), 10, 0, time.UTC), []string{"escalation:2027-01-23"}},
		{"snooze over: the series resumes", func(s *Statement, _ *Schedule) { s.SnoozedUntil = deadline.AddDays(5) }, at(deadline.AddDays(5), 10, 0, time.UTC), []string{"overdue:2027-01-25", "escalation:2027-01-23"}},
		{"Paris 09:00 is 08:00 UTC", func(_ *Statement, sch *Schedule) { sch.Location = paris }, at(deadline, 8, 0, time.UTC), []string{"before:2027-01-20"}},
		{"Paris 08:59 UTC+1 is too early", func(_ *Statement, sch *Schedule) { sch.Location = paris }, at(deadline, 7, 59, time.UTC), []string{"before:2027-01-19"}},
		{"send_at 17:30", func(_ *Statement, sch *Schedule) { sch.SendAtHour, sch.SendAtMinute = 17, 30 }, at(deadline, 17, 29, time.UTC), []string{"before:2027-01-19"}},
		// 2027-01-23 is a Saturday: skipped to Monday 25th, when the
		// Monday reminder supersedes it.
		{"weekend skipped: Saturday has nothing new", func(_ *Statement, sch *Schedule) { sch.SkipWeekends = true }, at(Date{2027, 1, 23}, 10, 0, time.UTC), []string{"overdue:2027-01-22"}},
		{"weekend skipped: Monday sends Monday's", func(_ *Statement, sch *Schedule) { sch.SkipWeekends = true }, at(Date{2027, 1, 25}, 10, 0, time.UTC), []string{"overdue:2027-01-25", "escalation:2027-01-23"}},
		{"custom days before", func(_ *Statement, sch *Schedule) { sch.DaysBefore = []int{5} }, at(deadline.AddDays(-5), 9, 0, time.UTC), []string{"before:2027-01-15"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := deadlineStatement(deadline)
			sch := DefaultSchedule()
			if c.mod != nil {
				c.mod(s, &sch)
			}
			var got []string
			for _, r := range DueReminders(s, nil, c.now, sch) {
				got = append(got, r.Key())
			}
			if fmt.Sprint(got) != fmt.Sprint(c.wants) {
				t.Fatalf("got %v, want %v", got, c.wants)
			}
		})
	}
}

func TestDueReminders_Approval(t *testing.T) {
	sub := time.Date(2027, 1, 4, 15, 0, 0, 0, time.UTC)
	s := &Statement{ID: 2, State: StatePending, Direction: Outgoing, Purpose: PurposeInfo, Submitted: sub}
	got := walk(s, DefaultSchedule(), sub, sub.AddDate(0, 0, 10), time.Hour, 0)
	want := []string{"approval:2027-01-07", "approval:2027-01-10", "approval:2027-01-13"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("approval reminders %v, want %v", got, want)
	}
	s.State = StateApproved
	if r := DueReminders(s, nil, sub.AddDate(0, 0, 10), DefaultSchedule()); len(r) != 0 {
		t.Fatalf("approved statement got %v", r)
	}
	// An incoming statement waiting to be recorded has the same series:
	// those who may record it are reminded (issue 13).
	in := *s
	in.State, in.Direction = StatePending, Incoming
	if got := walk(&in, DefaultSchedule(), sub, sub.AddDate(0, 0, 10), time.Hour, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pending incoming: approval reminders %v, want %v", got, want)
	}
}

func TestReminderRecipients_ApprovalOfIncomingGoesToItsRecorders(t *testing.T) {
	d, org := workflowDir()
	parent := &Organization{ID: 2, Acronym: "ITU-T", Contacts: []Person{{Name: "Tess TSB", Email: "tsb@itu.example"}}}
	sg := &Organization{ID: 3, Acronym: "ITU-T SG15", Parent: "ITU-T", Managers: []Person{{Name: "Sam Manager", Email: "sam@example.org"}}}
	d.Orgs = append(d.Orgs, parent, sg)
	r := Reminder{Kind: RemindApproval, Days: 3}
	names := func(ps []Person) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label())
		}
		return strings.Join(out, ", ")
	}
	in := &Statement{ID: 1, State: StatePending, Direction: Incoming}
	out := &Statement{ID: 2, State: StatePending, Direction: Outgoing}
	for _, tc := range []struct {
		s    *Statement
		org  *Organization
		want string
	}{
		// The manager and the organization's own contacts may record it.
		{in, org, "Manny Manager, Carl Contact, IAB liaison coordinators"},
		// A working group's: its manager and its parent's contacts.
		{in, sg, "Sam Manager, Tess TSB, IAB liaison coordinators"},
		{in, nil, "IAB liaison coordinators"},
		// Outgoing: the approvers, as before.
		{out, org, "Manny Manager, Ada Approver, IAB liaison coordinators"},
	} {
		if got := names(ReminderRecipients(r, tc.s, tc.org, d)); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.s.Direction, acronymOf(tc.org), got, tc.want)
		}
	}
}

func acronymOf(o *Organization) string {
	if o == nil {
		return "(none)"
	}
	return o.Acronym
}

func TestReminder_Subjects(t *testing.T) {
	for r, want := range map[Reminder]string{
		{Kind: RemindBefore, Days: 7}:     "LS-3: deadline in one week",
		{Kind: RemindBefore, Days: 1}:     "LS-3: deadline tomorrow",
		{Kind: RemindBefore, Days: 0}:     "LS-3: deadline today",
		{Kind: RemindBefore, Days: 4}:     "LS-3: deadline in 4 days",
		{Kind: RemindOverdue, Days: 2}:    "LS-3: deadline passed 2 days ago (2 days overdue)",
		{Kind: RemindEscalation, Days: 3}: "LS-3 is 3 days overdue: escalated to the IAB liaison coordinators",
		{Kind: RemindApproval, Days: 6}:   "LS-3 has waited 6 days for approval",
	} {
		if got := r.Subject("LS-3"); got != want {
			t.Errorf("%+v: %q, want %q", r, got, want)
		}
	}
}

// An incoming statement that waits to be recorded (pending) has no
// deadline yet as far as anyone is concerned: no deadline reminders until
// it is approved, and then the series it is due. (It gets the approval
// series meanwhile: TestDueReminders_Approval.)
func TestDueReminders_PendingIncomingGetsNoDeadlineReminders(t *testing.T) {
	deadline := Date{2027, 1, 20}
	sch := DefaultSchedule()
	s := deadlineStatement(deadline)
	s.State = StatePending
	start := deadline.Time(time.UTC).AddDate(0, 0, -20)
	end := deadline.Time(time.UTC).AddDate(0, 0, 20)
	for _, k := range walk(s, sch, start, end, time.Hour, 0) {
		if !strings.HasPrefix(k, RemindApproval+":") {
			t.Fatalf("a pending incoming statement got the deadline reminder %s", k)
		}
	}
	// Approved (recorded) a day before the deadline: today's catch-up only.
	s.State = StatePosted
	now := deadline.AddDays(-1).Time(time.UTC).Add(10 * time.Hour)
	got := DueReminders(s, nil, now, sch)
	if len(got) != 1 || got[0].Key() != "before:2027-01-19" {
		t.Fatalf("after approval: %+v, want the day-before reminder", got)
	}
	// A pending outgoing statement with a deadline is still reminded (its
	// approvers are the ones who must hurry).
	out := deadlineStatement(deadline)
	out.State, out.Direction = StatePending, Outgoing
	if got := DueReminders(out, nil, now, sch); len(got) == 0 {
		t.Fatal("a pending outgoing statement lost its deadline reminders")
	}
}

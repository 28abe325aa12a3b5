package bot

import (
	"fmt"
	"sort"
	"time"
)

// Reminder kinds.
const (
	RemindBefore     = "before"     // the deadline is coming (0 days: today)
	RemindOverdue    = "overdue"    // the deadline has passed
	RemindEscalation = "escalation" // overdue long enough to tell the coordinators
	RemindApproval   = "approval"   // a pending statement awaits approval (outgoing) or recording (incoming)
)

// Reminder is one automatic reminder about a statement.
type Reminder struct {
	Kind     string `json:"kind"`
	Due      Date   `json:"due"`  // the day it is scheduled for: with the kind, its identity
	Days     int    `json:"days"` // before: days left; overdue/escalation: days overdue; approval: days waiting
	Deadline Date   `json:"deadline,omitzero"`
}

// Key identifies the reminder for its statement: "overdue:2027-01-20". The
// store keeps (statement, key) unique, so no reminder is sent twice.
func (r Reminder) Key() string { return r.Kind + ":" + r.Due.String() }

// Subject says what is due, as the Datatracker's reminder mail does.
func (r Reminder) Subject(ref string) string {
	switch r.Kind {
	case RemindBefore:
		switch r.Days {
		case 0:
			return ref + ": deadline today"
		case 1:
			return ref + ": deadline tomorrow"
		case 7:
			return ref + ": deadline in one week"
		case 14:
			return ref + ": deadline in two weeks"
		}
		return fmt.Sprintf("%s: deadline in %d days", ref, r.Days)
	case RemindOverdue:
		return fmt.Sprintf("%s: deadline passed %s ago (%s overdue)", ref, plural(r.Days, "day"), plural(r.Days, "day"))
	case RemindEscalation:
		return fmt.Sprintf("%s is %s overdue: escalated to the IAB liaison coordinators", ref, plural(r.Days, "day"))
	case RemindApproval:
		return fmt.Sprintf("%s has waited %s for approval", ref, plural(r.Days, "day"))
	}
	return ref + ": reminder"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Schedule is when reminders go out (the [reminders] configuration).
type Schedule struct {
	DaysBefore        []int
	OverdueDays       int
	EscalateAfterDays int // 0: no escalation
	ApprovalAfterDays int
	ApprovalEveryDays int
	SendAtHour        int
	SendAtMinute      int
	Location          *time.Location
	SkipWeekends      bool
}

// DefaultSchedule is the Datatracker's schedule.
func DefaultSchedule() Schedule {
	return Schedule{
		DaysBefore: []int{14, 7, 4, 3, 2, 1, 0}, OverdueDays: 14, EscalateAfterDays: 3,
		ApprovalAfterDays: 3, ApprovalEveryDays: 3, SendAtHour: 9, Location: time.UTC,
	}
}

// Moment is when a reminder scheduled for day becomes due: send_at on that
// day in the schedule's time zone, moved to Monday when weekends are
// skipped.
func (sch Schedule) Moment(day Date) time.Time {
	loc := sch.Location
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(day.Y, time.Month(day.M), day.D, sch.SendAtHour, sch.SendAtMinute, 0, 0, loc)
	if sch.SkipWeekends {
		switch t.Weekday() {
		case time.Saturday:
			t = t.AddDate(0, 0, 2)
		case time.Sunday:
			t = t.AddDate(0, 0, 1)
		}
	}
	return t
}

// slot is a scheduled reminder and the moment it becomes due.
type slot struct {
	r  Reminder
	at time.Time
}

// DueReminders is the reminder policy: given a statement, its history, the
// time and the schedule, it returns the reminders to send now.
//
// Reminders form series (the deadline series: days before, then daily
// overdue; the approval series). In each series only the latest reminder
// whose moment has come is due, and only if its history does not show it
// sent (an EventReminded with its key) and the next one in the
// series is not due yet: a reminder missed while the bot was down is sent
// once when it is back, unless a later one supersedes it. Snoozed days get
// no reminders, except the escalation to the coordinators, which is sent
// once when the statement is overdue long enough and still awaits action.
// For Information statements and incoming statements still pending (not
// yet recorded by someone whose word records them) get no deadline
// reminders; dead and action-taken statements get none. A pending
// statement, outgoing or incoming, gets the approval series: its
// approvers, or those who may record it, are reminded.
func DueReminders(s *Statement, history []Event, now time.Time, sch Schedule) []Reminder {
	if s.State == StateDead {
		return nil
	}
	sent := map[string]bool{}
	for _, e := range history {
		if e.Type == EventReminded {
			sent[e.Reminder] = true
		}
	}
	var out []Reminder
	awaitingRecord := s.Direction == Incoming && s.State == StatePending
	if !s.Deadline.IsZero() && !s.ActionTaken && s.Purpose != PurposeInfo && !awaitingRecord {
		series := deadlineSeries(s.Deadline, sch)
		if r, ok := latestDue(series, now, s.SnoozedUntil); ok && !sent[r.Key()] {
			out = append(out, r)
		}
		if sch.EscalateAfterDays > 0 {
			day := s.Deadline.AddDays(sch.EscalateAfterDays)
			esc := Reminder{Kind: RemindEscalation, Due: day, Days: sch.EscalateAfterDays, Deadline: s.Deadline}
			if !now.Before(sch.Moment(day)) && !sent[esc.Key()] {
				out = append(out, esc)
			}
		}
	}
	if s.State == StatePending && sch.ApprovalEveryDays > 0 {
		series := approvalSeries(s, now, sch)
		if r, ok := latestDue(series, now, s.SnoozedUntil); ok && !sent[r.Key()] {
			out = append(out, r)
		}
	}
	return out
}

// deadlineSeries is every reminder before and after a deadline, in time
// order.
func deadlineSeries(deadline Date, sch Schedule) []slot {
	days := append([]int(nil), sch.DaysBefore...)
	sort.Sort(sort.Reverse(sort.IntSlice(days)))
	var out []slot
	seen := map[int]bool{}
	for _, d := range days {
		if d < 0 || seen[d] {
			continue
		}
		seen[d] = true
		day := deadline.AddDays(-d)
		out = append(out, slot{Reminder{Kind: RemindBefore, Due: day, Days: d, Deadline: deadline}, sch.Moment(day)})
	}
	for k := 1; k <= sch.OverdueDays; k++ {
		day := deadline.AddDays(k)
		out = append(out, slot{Reminder{Kind: RemindOverdue, Due: day, Days: k, Deadline: deadline}, sch.Moment(day)})
	}
	return out
}

// approvalSeries is the approval reminders from submission up to now (and
// the next one after now, which bounds the last one's validity).
func approvalSeries(s *Statement, now time.Time, sch Schedule) []slot {
	start := Today(s.Submitted, sch.Location)
	var out []slot
	for k := sch.ApprovalAfterDays; k < 100_000; k += sch.ApprovalEveryDays {
		day := start.AddDays(k)
		at := sch.Moment(day)
		out = append(out, slot{Reminder{Kind: RemindApproval, Due: day, Days: k}, at})
		if at.After(now) {
			break
		}
		if sch.ApprovalEveryDays <= 0 {
			break
		}
	}
	return out
}

// latestDue returns the latest reminder of the series whose moment has come,
// if the next one's has not (the last one of a series stays valid for a
// day), and if it is not snoozed.
func latestDue(series []slot, now time.Time, snoozedUntil Date) (Reminder, bool) {
	idx := -1
	for i, sl := range series {
		if !now.Before(sl.at) {
			idx = i
		}
	}
	if idx < 0 {
		return Reminder{}, false
	}
	if idx == len(series)-1 {
		if now.Sub(series[idx].at) >= 24*time.Hour {
			return Reminder{}, false // the series is over
		}
	}
	r := series[idx].r
	if !snoozedUntil.IsZero() && r.Due.Before(snoozedUntil) {
		return Reminder{}, false
	}
	return r, true
}

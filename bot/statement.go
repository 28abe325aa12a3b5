package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// State is where a statement is in its life (the Datatracker's states).
type State string

// The states.
const (
	StatePending  State = "pending"  // outgoing, awaiting approval
	StateApproved State = "approved" // approved, not yet sent
	StatePosted   State = "posted"   // sent (outgoing) or recorded (incoming)
	StateDead     State = "dead"     // killed or withdrawn
)

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	return s == StatePending || s == StateApproved || s == StatePosted || s == StateDead
}

// Purpose is why a statement is sent.
type Purpose string

// The purposes (the Datatracker's slugs).
const (
	PurposeInfo     Purpose = "info"
	PurposeComment  Purpose = "comment"
	PurposeAction   Purpose = "action"
	PurposeResponse Purpose = "response"
)

// Label is the purpose as people say it.
func (p Purpose) Label() string {
	switch p {
	case PurposeInfo:
		return "For Information"
	case PurposeComment:
		return "For Comment"
	case PurposeAction:
		return "For Action"
	case PurposeResponse:
		return "In Response"
	}
	return string(p)
}

// NeedsDeadline reports whether statements with this purpose must have a
// deadline.
func (p Purpose) NeedsDeadline() bool { return p == PurposeAction || p == PurposeComment }

// ParsePurpose accepts the slugs, the labels and the usual short forms
// ("For Action", "action", "reply", "information").
func ParsePurpose(s string) (Purpose, bool) {
	k := NormalizeKey(s)
	k = strings.TrimPrefix(k, "for")
	switch k {
	case "info", "information", "informational":
		return PurposeInfo, true
	case "comment", "comments":
		return PurposeComment, true
	case "action", "actions":
		return PurposeAction, true
	case "response", "inresponse", "reply", "answer":
		return PurposeResponse, true
	}
	return "", false
}

// Purposes lists the purposes in the Datatracker's order.
var Purposes = []Purpose{PurposeAction, PurposeComment, PurposeInfo, PurposeResponse}

// Date is a calendar day, with no time zone.
type Date struct{ Y, M, D int }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String is YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
}

// Time is midnight of the day in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, loc)
}

// DateOf is the calendar day of t in its location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, int(m), d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, err
	}
	return DateOf(t), nil
}

// DaysUntil counts calendar days from from to d (negative when d is past).
func (d Date) DaysUntil(from Date) int {
	a := time.Date(from.Y, time.Month(from.M), from.D, 12, 0, 0, 0, time.UTC)
	b := time.Date(d.Y, time.Month(d.M), d.D, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Y, time.Month(d.M), d.D+n, 12, 0, 0, 0, time.UTC))
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.String() < e.String() }

// Statement is a liaison statement.
type Statement struct {
	ID            int64 // shown as LS-<ID>
	DatatrackerID int64 // the Datatracker's id, for statements synced from it
	Direction     Direction
	// From and To are the sending and the addressed groups, an ordered
	// list written with ", " between names ("IAB, IESG"); the first is
	// the primary one (routing and approval). FromGroups and ToGroups
	// split them; SetGroups writes them.
	From              string
	To                string
	OrgID             int64 // the other organization (0 if not in the directory)
	Title             string
	Purpose           Purpose
	Deadline          Date
	Related           int64 // the statement this one answers (LS id), 0 if none
	Body              string
	Attachments       Attachments
	ResponseContacts  AddressList // where a response should go
	TechnicalContacts AddressList // who can clarify the content
	ToContacts        AddressList // the addressees' contacts
	CC                AddressList
	ActionHolders     AddressList // who is responsible for acting on it
	Identifiers       string      // the other body's reference numbers
	PriorApproval     bool        // outgoing: approval obtained before submission

	State          State
	ActionRequired bool // tag: a deadline is set and no response yet
	ActionTaken    bool // tag: the requested action or response is done

	SubmitterKey   string // actor key of who submitted it ("slack:U1")
	SubmitterName  string
	SubmitterEmail string
	// Submitted is when the statement was submitted: for a back-dated
	// record (submitted=YYYY-MM-DD) or one synced from the Datatracker,
	// the real submission, before Recorded.
	Submitted time.Time
	// Recorded is when the bot recorded it.
	Recorded     time.Time
	Updated      time.Time
	SnoozedUntil Date // automatic reminders paused until this day
	Version      int64
}

// Ref is "LS-<n>".
func (s *Statement) Ref() string { return Ref(s.ID) }

// Ref is "LS-<n>".
func Ref(id int64) string { return "LS-" + strconv.FormatInt(id, 10) }

// ParseRef reads "LS-12", "ls12", "#12" or "12".
func ParseRef(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "#")
	if len(s) >= 2 && strings.EqualFold(s[:2], "ls") {
		s = strings.TrimPrefix(s[2:], "-")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// Open reports whether the statement still needs something done: not dead,
// and pending/approved or awaiting action.
func (s *Statement) Open() bool {
	switch s.State {
	case StateDead:
		return false
	case StatePending, StateApproved:
		return true
	}
	return s.ActionRequired && !s.ActionTaken
}

// EventType is what an event records (the Datatracker's event types, plus
// the bot's own).
type EventType string

// The event types.
const (
	EventSubmitted   EventType = "submitted"
	EventModified    EventType = "modified"
	EventApproved    EventType = "approved"
	EventPosted      EventType = "posted"
	EventKilled      EventType = "killed"
	EventResurrected EventType = "resurrected"
	EventComment     EventType = "comment"
	EventTagged      EventType = "tagged"   // a tag was set (Event.Tag names it)
	EventUntagged    EventType = "untagged" // a tag was cleared (Event.Tag names it)
	EventNudged      EventType = "nudged"
	EventSnoozed     EventType = "snoozed"
	EventReminded    EventType = "reminded" // Event.Reminder is the reminder's key
	EventSynced      EventType = "synced"   // changed by the Datatracker sync
)

// Tag is a statement's tag, as its events name it.
type Tag string

// The tags.
const (
	TagActionRequired Tag = "action-required"
	TagActionTaken    Tag = "action-taken"
)

// Event is one entry of a statement's history.
type Event struct {
	ID        int64
	Statement int64
	Time      time.Time
	Type      EventType
	ByKey     string // actor key, "" for the system
	By        string // the actor's name as shown
	FromState State
	ToState   State
	// Tag is the tag an EventTagged or EventUntagged sets or clears.
	Tag Tag
	// Reminder is the key of the reminder an EventReminded records
	// (Reminder.Key: "overdue:2027-01-20").
	Reminder string
	// Note is what the person wrote (a reason, a comment), or what
	// happened in words (a reminder's subject, a sync's changes).
	Note string
}

// MarshalText writes the date as YYYY-MM-DD ("" for none).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD ("" for none).
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	x, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = x
	return nil
}

// CleanStatement removes the Invisible characters from the statement's
// one-line texts: its title, the names of both sides, the submitter's name,
// the identifiers, the contacts and the attachments. The body is left as
// written (right-to-left text may need its marks).
func CleanStatement(s *Statement) {
	for _, p := range []*string{&s.Title, &s.From, &s.To, &s.SubmitterName, &s.Identifiers} {
		*p = StripInvisible(*p)
	}
	for _, l := range []AddressList{s.ResponseContacts, s.TechnicalContacts, s.ToContacts, s.CC, s.ActionHolders} {
		for i := range l {
			l[i].Name, l[i].Addr = StripInvisible(l[i].Name), StripInvisible(l[i].Addr)
		}
	}
	for i := range s.Attachments {
		s.Attachments[i].Title = StripInvisible(s.Attachments[i].Title)
		s.Attachments[i].URL = StripInvisible(s.Attachments[i].URL)
	}
}

// BackDated reports whether the statement was recorded on a later day
// than it was submitted.
func (s *Statement) BackDated() bool {
	return !s.Recorded.IsZero() && !s.Submitted.IsZero() && DateOf(s.Submitted.UTC()).Before(DateOf(s.Recorded.UTC()))
}

// FromGroups are the sending groups, in order (the first is primary).
func (s *Statement) FromGroups() []string { return SplitGroups(s.From) }

// ToGroups are the addressed groups, in order (the first is primary).
func (s *Statement) ToGroups() []string { return SplitGroups(s.To) }

// SplitGroups reads a group list written with commas (or semicolons or
// line breaks) between names, each name once (ignoring case), in order.
func SplitGroups(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		g = strings.Join(strings.Fields(g), " ")
		if k := strings.ToLower(g); g != "" && !seen[k] {
			seen[k] = true
			out = append(out, g)
		}
	}
	return out
}

// JoinGroups writes a group list as From and To hold it.
func JoinGroups(gs []string) string { return strings.Join(gs, ", ") }

// Attachment is a document of a statement: its title and where it is.
// Either may be missing (old records hold a document name only).
type Attachment struct {
	Title string `json:",omitempty"`
	URL   string `json:",omitempty"`
}

// String writes the attachment as the attachments field reads it back:
// `Title <URL>`, the URL alone, or the title alone.
func (a Attachment) String() string {
	switch {
	case a.URL == "":
		return a.Title
	case a.Title == "":
		return a.URL
	}
	return Address{Name: a.Title, Addr: a.URL}.String()
}

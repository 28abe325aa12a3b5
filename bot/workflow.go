package bot

import (
	"fmt"
	"strings"
	"time"
)

// Move is something a user does to a statement.
type Move string

// The moves.
const (
	MoveApprove Move = "approve" // pending -> approved
	MovePost    Move = "post"    // approved (or pending, pre-approved) -> posted
	MoveTaken   Move = "taken"   // the requested action or response is done (a tag)
	MoveKill    Move = "kill"    // pending|approved -> dead
	MoveReopen  Move = "reopen"  // dead -> pending
)

// Moves lists every move in the order they are offered.
var Moves = []Move{MoveApprove, MovePost, MoveTaken, MoveKill, MoveReopen}

// Transition returns the state a move leads to from the statement's state,
// or an EINVALID error that says the current state and the moves allowed.
// MoveTaken keeps the state (it changes tags).
func Transition(s *Statement, m Move) (State, error) {
	to, ok := transition(s, m)
	if ok {
		return to, nil
	}
	why := ""
	switch {
	case m == MoveApprove && s.Direction == Incoming && s.State == StatePosted:
		why = " It is already recorded."
	case m == MoveTaken && s.ActionTaken:
		why = " It is already marked action taken."
	case m == MoveTaken:
		why = " Only a posted statement can be marked action taken."
	case m == MoveKill && s.State == StatePosted:
		why = " A posted statement has been sent and cannot be withdrawn."
	}
	return "", Errorf(EINVALID, "%s is %s, so it cannot be %s.%s %s", s.Ref(), stateWords(s), pastTense(m), why, allowedText(s))
}

func transition(s *Statement, m Move) (State, bool) {
	switch m {
	case MoveApprove:
		// An incoming statement has nothing left to send: approving it
		// records it as posted.
		if s.Direction == Incoming {
			return StatePosted, s.State == StatePending
		}
		return StateApproved, s.State == StatePending
	case MovePost:
		return StatePosted, s.State == StateApproved || s.State == StatePending
	case MoveTaken:
		return s.State, s.State == StatePosted && !s.ActionTaken
	case MoveKill:
		return StateDead, s.State == StatePending || s.State == StateApproved
	case MoveReopen:
		return StatePending, s.State == StateDead
	}
	return "", false
}

// AllowedMoves lists the moves the statement's state allows.
func AllowedMoves(s *Statement) []Move {
	var out []Move
	for _, m := range Moves {
		if _, ok := transition(s, m); ok {
			out = append(out, m)
		}
	}
	return out
}

func allowedText(s *Statement) string {
	ms := AllowedMoves(s)
	if len(ms) == 0 {
		return "Nothing more can be done with it."
	}
	words := make([]string, len(ms))
	for i, m := range ms {
		words[i] = "“" + string(m) + " " + s.Ref() + "”"
	}
	return "What you can do: " + strings.Join(words, ", ") + "."
}

func stateWords(s *Statement) string {
	w := string(s.State)
	if s.ActionTaken {
		w += " (action taken)"
	} else if s.ActionRequired {
		w += " (action required)"
	}
	return w
}

func pastTense(m Move) string {
	switch m {
	case MoveApprove:
		return "approved"
	case MovePost:
		return "posted"
	case MoveTaken:
		return "marked action taken"
	case MoveKill:
		return "killed"
	case MoveReopen:
		return "reopened"
	}
	return string(m)
}

// EventFor is the history event a move writes.
func EventFor(m Move) EventType {
	switch m {
	case MoveApprove:
		return EventApproved
	case MovePost:
		return EventPosted
	case MoveKill:
		return EventKilled
	case MoveReopen:
		return EventResurrected
	}
	return EventTagged
}

// hasEmail reports whether one of the people has the email.
func hasEmail(ps []Person, email string) bool {
	if email == "" {
		return false
	}
	for _, p := range ps {
		if SameEmail(p.Email, email) {
			return true
		}
	}
	return false
}

// Authority says why an actor may act on statements with an organization:
// "admin", "coordinator", "manager", "approver", or "" for none.
func Authority(a Actor, org *Organization, d *Directory) string {
	email := a.EmailAddress()
	// Only a directory person counts: an unverified platform email does
	// not grant rights.
	if a.Person == nil {
		email = ""
	}
	switch {
	case a.Admin:
		return "admin"
	case d != nil && d.IsCoordinator(email):
		return "coordinator"
	case org != nil && hasEmail(org.Managers, email):
		return "manager"
	case org != nil && d != nil && hasEmail(d.Managers(org), email):
		return "manager"
	case org != nil && hasEmail(org.Approvers, email):
		return "approver"
	}
	return ""
}

// IsSubmitter reports whether the actor submitted the statement.
func IsSubmitter(a Actor, s *Statement) bool {
	if s.SubmitterKey != "" && s.SubmitterKey == a.Key() {
		return true
	}
	e := ""
	if a.Person != nil {
		e = a.Person.Email
	}
	return SameEmail(e, s.SubmitterEmail)
}

// RecordsIncoming reports whether the actor's word is enough to record an
// incoming statement from org as posted: an admin, an IAB liaison
// coordinator, an IETF liaison manager for org, or one of org's liaison
// contacts (or its parent organization's). Anyone else's incoming
// statement waits, pending, until one of them approves it.
func RecordsIncoming(a Actor, org *Organization, d *Directory) bool {
	switch Authority(a, org, d) {
	case "admin", "coordinator", "manager":
		return true
	}
	if a.Person == nil {
		return false
	}
	for _, o := range lineage(org, d) {
		if hasEmail(o.Contacts, a.Person.Email) {
			return true
		}
	}
	return false
}

// lineage is org and its ancestors, nearest first.
func lineage(org *Organization, d *Directory) []*Organization {
	var out []*Organization
	for o := org; o != nil && len(out) < 10; {
		out = append(out, o)
		if o.Parent == "" || d == nil {
			break
		}
		o = d.OrgByAcronym(o.Parent)
	}
	return out
}

// WhoRecords names who may record an incoming statement from org (see
// RecordsIncoming): "the liaison manager for 3GPP (Gonzalo Camarillo), a
// liaison contact of 3GPP, the IAB liaison coordinators or an admin".
func WhoRecords(org *Organization, d *Directory) string {
	var parts []string
	if mo := d.ManagingOrg(org); mo != nil {
		parts = append(parts, managersPhrase(mo))
	}
	for _, o := range lineage(org, d) {
		if len(o.Contacts) > 0 {
			parts = append(parts, "a liaison contact of "+o.Acronym)
			break
		}
	}
	parts = append(parts, "the IAB liaison coordinators")
	return strings.Join(parts, ", ") + " or an admin"
}

// MayMove checks the permission rules: the organization's liaison managers
// (and approvers), the IAB liaison coordinators and configured admins may
// approve, post, kill, reopen and mark taken; the submitter may kill
// (withdraw) their own pending statement. A pending incoming statement is
// approved (recorded as posted) only by those whose word records one (see
// RecordsIncoming). The error says who can.
func MayMove(a Actor, s *Statement, org *Organization, d *Directory, m Move) error {
	if s.Direction == Incoming && s.State == StatePending && (m == MoveApprove || m == MovePost) {
		if RecordsIncoming(a, org, d) {
			return nil
		}
		return forbidden(a, fmt.Sprintf("Only %s can approve %s, an incoming statement waiting to be recorded.", WhoRecords(org, d), s.Ref()))
	}
	if Authority(a, org, d) != "" {
		return nil
	}
	if m == MoveKill && s.State == StatePending && IsSubmitter(a, s) {
		return nil
	}
	who := WhoMay(org, d)
	if m == MoveKill && s.State == StatePending {
		who += " (or its submitter, to withdraw it)"
	}
	return forbidden(a, fmt.Sprintf("Only %s can %s %s.", who, m, s.Ref()))
}

// forbidden is an EFORBIDDEN refusal with msg, telling an actor who is not
// tied to a directory person how to fix that.
func forbidden(a Actor, msg string) error {
	if a.Person == nil {
		msg += " Your chat account is not tied to a directory person: “link me <your email>” does it."
	}
	return Errorf(EFORBIDDEN, "%s", msg)
}

// WhoMay names who may move statements with org: "the liaison managers for
// 3GPP (Gonzalo Camarillo), the IAB liaison coordinators or an admin".
func WhoMay(org *Organization, d *Directory) string {
	var parts []string
	if mo := d.ManagingOrg(org); mo != nil {
		parts = append(parts, managersPhrase(mo))
	}
	parts = append(parts, "the IAB liaison coordinators")
	return strings.Join(parts, ", ") + " or an admin"
}

// managersPhrase is "the liaison manager for 3GPP (Gonzalo Camarillo)".
func managersPhrase(mo *Organization) string {
	names := make([]string, len(mo.Managers))
	for i, p := range mo.Managers {
		names[i] = p.Label()
	}
	return fmt.Sprintf("the liaison manager for %s (%s)", mo.Acronym, strings.Join(names, ", "))
}

// Responsible lists who owes the statement's next step. It is never empty
// for an open statement: the coordinators stand in when nobody else is on
// record (the Datatracker's #9457).
func Responsible(s *Statement, org *Organization, d *Directory) []Person {
	var out []Person
	add := func(ps ...Person) {
		for _, p := range ps {
			dup := false
			for _, q := range out {
				if SameEmail(p.Email, q.Email) || (p.Email == "" && p.Name == q.Name) {
					dup = true
				}
			}
			if !dup {
				out = append(out, p)
			}
		}
	}
	var managers, approvers []Person
	if org != nil {
		managers, approvers = d.Managers(org), org.Approvers
	}
	switch {
	case s.State == StateDead:
		return nil
	case s.State == StatePending:
		add(managers...)
		if s.Direction == Outgoing {
			add(approvers...) // they approve outgoing statements only
		}
		add(d.CoordinatorsAsPerson())
	case s.State == StateApproved:
		add(managers...)
	case s.State == StatePosted && s.ActionRequired && !s.ActionTaken:
		add(managers...)
	default:
		return nil
	}
	if len(out) == 0 {
		add(d.CoordinatorsAsPerson())
	}
	return out
}

// ApplyMove performs a move on a copy of the statement and returns the copy
// and the history events it writes. It checks the state machine (not the
// permissions: see MayMove). note is the user's note (the reason, for kill).
func ApplyMove(s *Statement, m Move, by Actor, note string, now time.Time) (*Statement, []Event, error) {
	to, err := Transition(s, m)
	if err != nil {
		return nil, nil, err
	}
	if m == MoveKill && strings.TrimSpace(note) == "" {
		return nil, nil, Errorf(EINVALID, "Say why: “kill %s <reason>”.", s.Ref())
	}
	n := *s
	ev := func(t EventType, note string) Event {
		return Event{Statement: s.ID, Time: now, Type: t, ByKey: by.Key(), By: by.Label(), FromState: s.State, ToState: n.State, Note: note}
	}
	var events []Event
	switch m {
	case MoveTaken:
		n.ActionTaken = true
		events = append(events, ev(EventTagged, joinNote(TagActionTaken, note)))
		if n.ActionRequired {
			n.ActionRequired = false
			events = append(events, ev(EventUntagged, TagActionRequired))
		}
	default:
		n.State = to
		events = append(events, ev(EventFor(m), note))
	}
	n.Updated = now
	return &n, events, nil
}

// joinNote is "tag: note" or just the tag.
func joinNote(tag, note string) string {
	if note = strings.TrimSpace(note); note != "" {
		return tag + ": " + note
	}
	return tag
}

// TagNote splits an EventTagged/EventUntagged note into the tag and the
// user's note.
func TagNote(note string) (tag, rest string) {
	tag, rest, _ = strings.Cut(note, ": ")
	return tag, rest
}

// Answers reports whether posting reply should mark orig action-taken (the
// Datatracker's #9387): reply is a posted In Response to orig, and orig still
// awaits action.
func Answers(reply, orig *Statement) bool {
	return reply.Purpose == PurposeResponse && reply.Related == orig.ID && reply.State == StatePosted &&
		orig.State != StateDead && !orig.ActionTaken
}

// NewStatement completes a validated statement for storage: its initial
// state, its tags (action-required when a deadline is set), the submitter,
// and the history events of the submission.
//
// An outgoing statement starts pending, or posted when the submitter says
// it was approved before submission, which only someone who may approve it
// (see Authority) may say: anyone else is refused (EFORBIDDEN, naming who
// can) and nothing is to be stored. An incoming statement starts posted when
// its submitter's word records it (see RecordsIncoming), else pending until
// one of them approves it.
func NewStatement(s *Statement, by Actor, org *Organization, d *Directory, now time.Time) (*Statement, []Event, error) {
	n := *s
	CleanStatement(&n)
	n.State = StatePending
	switch {
	case n.Direction == Outgoing && n.PriorApproval:
		if Authority(by, org, d) == "" {
			return nil, nil, forbidden(by, fmt.Sprintf("Only %s can say that a statement to %s was approved before it was submitted (approved=yes). "+
				"Submit it without that: it then waits for their approval.", WhoMay(org, d), n.To))
		}
		n.State = StatePosted
	case n.Direction == Incoming:
		n.PriorApproval = false
		if RecordsIncoming(by, org, d) {
			n.State = StatePosted
		}
	}
	n.ActionRequired = !n.Deadline.IsZero()
	n.SubmitterKey = by.Key()
	n.SubmitterName = StripInvisible(by.Label())
	n.SubmitterEmail = by.EmailAddress()
	n.Submitted, n.Updated = now, now
	ev := func(t EventType, from, to State, note string) Event {
		return Event{Time: now, Type: t, ByKey: by.Key(), By: n.SubmitterName, FromState: from, ToState: to, Note: note}
	}
	events := []Event{ev(EventSubmitted, "", StatePending, "")}
	if n.State == StatePosted {
		note := ""
		if n.Direction == Outgoing {
			note = "prior approval obtained"
		}
		events = append(events, ev(EventPosted, StatePending, StatePosted, note))
	}
	if n.ActionRequired {
		events = append(events, ev(EventTagged, n.State, n.State, TagActionRequired))
	}
	return &n, events, nil
}

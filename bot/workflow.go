package bot

import (
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
		tagged := ev(EventTagged, strings.TrimSpace(note))
		tagged.Tag = TagActionTaken
		events = append(events, tagged)
		if n.ActionRequired {
			n.ActionRequired = false
			untagged := ev(EventUntagged, "")
			untagged.Tag = TagActionRequired
			events = append(events, untagged)
		}
	default:
		n.State = to
		events = append(events, ev(EventFor(m), note))
	}
	n.Updated = now
	return &n, events, nil
}

// Answers reports whether posting reply should mark orig action-taken (the
// Datatracker's #9387): reply is a posted In Response to orig, and orig is
// posted (only a posted statement can be marked action taken) and not
// marked yet.
func Answers(reply, orig *Statement) bool {
	return reply.Purpose == PurposeResponse && reply.Related == orig.ID && reply.State == StatePosted &&
		orig.State == StatePosted && !orig.ActionTaken
}

// MarkAnswered marks, in tx, the statement s answers as action-taken when s
// is a posted In Response to it (see Answers), with the events of the
// move; it returns the statement it marked, or nil. A related statement
// that is not there answers nothing. Call it in the transaction that posts
// s (a submission, or a move to posted), so that both commit together.
func MarkAnswered(tx StatementTx, s *Statement, by Actor, now time.Time) (*Statement, error) {
	if s.Related == 0 {
		return nil, nil
	}
	orig, err := tx.Statement(s.Related)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !Answers(s, orig) {
		return nil, nil
	}
	n, events, err := ApplyMove(orig, MoveTaken, by, "answered by "+s.Ref(), now)
	if err != nil {
		return nil, err
	}
	if err := tx.Save(n, events...); err != nil {
		return nil, err
	}
	return n, nil
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
	backDated := !n.Submitted.IsZero() && DateOf(n.Submitted.UTC()).Before(DateOf(now.UTC()))
	if backDated {
		if err := MayBackDate(by, org, d); err != nil {
			return nil, nil, err
		}
	}
	switch {
	case n.Direction == Outgoing && n.PriorApproval:
		if err := MayClaimPriorApproval(by, n.To, org, d); err != nil {
			return nil, nil, err
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
	n.Recorded, n.Updated = now, now
	if !backDated {
		n.Submitted = now
	}
	ev := func(t EventType, from, to State, note string) Event {
		return Event{Time: now, Type: t, ByKey: by.Key(), By: n.SubmitterName, FromState: from, ToState: to, Note: note}
	}
	submitted := ""
	if backDated {
		submitted = "back-dated: submitted " + DateOf(n.Submitted.UTC()).String() + ", recorded " + DateOf(now.UTC()).String()
	}
	events := []Event{ev(EventSubmitted, "", StatePending, submitted)}
	if n.State == StatePosted {
		note := ""
		if n.Direction == Outgoing {
			note = "prior approval obtained"
		}
		events = append(events, ev(EventPosted, StatePending, StatePosted, note))
	}
	if n.ActionRequired {
		tagged := ev(EventTagged, n.State, n.State, "")
		tagged.Tag = TagActionRequired
		events = append(events, tagged)
	}
	return &n, events, nil
}

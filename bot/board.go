package bot

import (
	"slices"
	"strconv"
	"strings"
)

// What the web board and the feeds show: what the Datatracker publishes.
// It publishes posted statements; pending and approved ones (not yet sent)
// only when the operator asks for them (LIAISONBOT_BOARD_SHOW_PENDING);
// dead ones never.

// PublicStates are the states shown on the web board and in the feeds.
func PublicStates(showPending bool) []State {
	if showPending {
		return []State{StatePending, StateApproved, StatePosted}
	}
	return []State{StatePosted}
}

// Public reports whether the statement may be shown on the web board and in
// the feeds.
func Public(s *Statement, showPending bool) bool {
	for _, st := range PublicStates(showPending) {
		if s.State == st {
			return true
		}
	}
	return false
}

// PublicEvent reports whether a history entry is shown on the web: the
// Datatracker's own events (submitted, modified, approved, posted, killed,
// resurrected, comments, tag changes) and the sync's, not the bot's
// reminders, nudges and snoozes.
func PublicEvent(e Event) bool {
	switch e.Type {
	case EventNudged, EventReminded, EventSnoozed:
		return false
	}
	return true
}

// IETFSide is the statement's IETF side as written: From for an outgoing
// statement, To for an incoming one.
func (s *Statement) IETFSide() string {
	if s.Direction == Incoming {
		return s.To
	}
	return s.From
}

// IETFGroups are the IETF groups on the statement's IETF side ("IAB, IESG"
// is two), each once, in order. The web board filters on them.
func (s *Statement) IETFGroups() []string { return SplitGroups(s.IETFSide()) }

// StatementURL is the statement's page on the web board under the public
// base URL (LIAISONBOT_PUBLIC_URL), or "" when none is configured.
func StatementURL(base string, id int64) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/statements/LS-" + strconv.FormatInt(id, 10)
}

// WithWebLink adds a link to the statement's web page to m, before its
// buttons; m is unchanged when url is "".
func WithWebLink(m Message, ref, url string) Message {
	if url == "" {
		return m
	}
	link := Context{Text: Line(Plain("On the web: "), Link(ref, url))}
	blocks := make([]Block, 0, len(m.Blocks)+1)
	blocks = append(blocks, m.Blocks...)
	at := len(blocks)
	if at > 0 {
		if _, ok := blocks[at-1].(Actions); ok {
			at--
		}
	}
	blocks = append(blocks[:at], append([]Block{link}, blocks[at:]...)...)
	m.Blocks = blocks
	return m
}

// BoardFilter is what a web board visitor chose.
type BoardFilter struct {
	OrgID   int64   // 0: every organization
	Group   string  // an IETF group, "" for any
	State   string  // BoardOpen (""), BoardOverdue, BoardAll, or a public state
	Purpose Purpose // "" for any
	Words   string  // search words, "" for none
	Page    int     // 1-based
}

// The board's state choices besides the public states themselves.
const (
	BoardOpen    = "open"    // waiting for something: an answer, an approval, a sending
	BoardOverdue = "overdue" // waiting for an answer past its deadline
	BoardAll     = "all"     // every public statement
)

// BoardStates are the board's state choices, in the order it offers them.
func BoardStates(showPending bool) []string {
	out := []string{BoardOpen, BoardOverdue, BoardAll}
	for _, s := range PublicStates(showPending) {
		out = append(out, string(s))
	}
	return out
}

// BoardPageSize is how many statements a board page shows.
const BoardPageSize = 50

// BoardQuery is the list query of a board page: only public statements,
// soonest deadline first.
func BoardQuery(f BoardFilter, showPending bool, today Date) (ListQuery, error) {
	q := ListQuery{Filter: ListOpen, OrgID: f.OrgID, Today: today, States: PublicStates(showPending),
		Purpose: f.Purpose, Group: f.Group, Words: f.Words, Page: max(f.Page, 1), PageSize: BoardPageSize}
	switch f.State {
	case "", BoardOpen:
	case BoardOverdue:
		q.Filter = ListOverdue
	case BoardAll:
		q.Filter = ListAll
	default:
		st := State(f.State)
		if !Public(&Statement{State: st}, showPending) {
			return ListQuery{}, Errorf(EINVALID, "“%s” is not a state the board shows.", f.State)
		}
		q.Filter, q.States = ListAll, []State{st}
	}
	if f.Purpose != "" && !slices.Contains(Purposes, f.Purpose) {
		return ListQuery{}, Errorf(EINVALID, "“%s” is not a purpose.", string(f.Purpose))
	}
	return q, nil
}

// FeedSize is how many entries the Atom feed holds.
const FeedSize = 50

// FeedQuery is the Atom feed's query: public statements, the latest change
// first.
func FeedQuery(orgID int64, showPending bool) ListQuery {
	return ListQuery{Filter: ListAll, OrgID: orgID, States: PublicStates(showPending), Order: ByChange, Page: 1, PageSize: FeedSize}
}

// CalendarSize bounds the deadline calendar's events.
const CalendarSize = 5000

// CalendarQuery is the deadline calendar's query: open public statements
// with a deadline, soonest first.
func CalendarQuery(orgID int64, showPending bool) ListQuery {
	return ListQuery{Filter: ListOpen, OrgID: orgID, States: PublicStates(showPending), HasDeadline: true,
		Page: 1, PageSize: CalendarSize}
}

// Overdue reports whether the statement awaits action past its deadline
// (what "list overdue" lists).
func (s *Statement) Overdue(today Date) bool {
	return s.State != StateDead && s.ActionRequired && !s.ActionTaken && !s.Deadline.IsZero() && s.Deadline.Before(today)
}

// StatementOrg is the statement's organization in the directory: the one
// it was filed under, else the one named on its other side; nil when
// neither is in the directory.
func (d *Directory) StatementOrg(s *Statement) *Organization {
	if s.OrgID != 0 {
		if o := d.Org(s.OrgID); o != nil {
			return o
		}
	}
	other := s.To
	if s.Direction == Incoming {
		other = s.From
	}
	return d.OrgByAcronym(other)
}

// RelationshipText says what relationship the IETF has with the
// organization, with its reference: "formal liaison relationship (RFC
// 3113)".
func (o *Organization) RelationshipText() string {
	var s string
	switch o.Relationship {
	case RelFormal:
		s = "formal liaison relationship"
	case RelInformal:
		s = "informal relationship (no formal liaison)"
	default:
		s = "no formal liaison relationship on record"
	}
	if o.Reference != "" {
		s += " (" + o.Reference + ")"
	}
	return s
}

package dtsync

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/datatracker"
)

// ByDatatracker is the actor name of changes the sync makes, and
// ByKeyDatatracker their actor key; events imported from the Datatracker
// carry "datatracker:<person id>".
const (
	ByDatatracker    = "Datatracker"
	ByKeyDatatracker = "datatracker"
)

// personSystem is the Datatracker's "(System)" person.
const personSystem = 1

// Lookup is what mapping a statement needs besides its record.
type Lookup struct {
	// Groups holds the groups the statements name, by id. A group missing
	// here is shown as "group <id>".
	Groups map[int64]datatracker.Group
	// Persons maps person ids to display names, for the history.
	Persons map[int64]string
	// Dir is the directory: SDO groups are named by their entry's acronym
	// and the statement is tied to the entry.
	Dir *bot.Directory
	// Local returns the LS number of the statement already imported from
	// the Datatracker's id (0 if none), for relations.
	Local func(datatrackerID int64) (int64, error)
}

// StatementFromRecord maps a Datatracker statement to a bot statement and
// its history:
//
//   - Direction: incoming when a sending group is an SDO, else outgoing when
//     an addressed group is one; incoming when neither is (no liaison
//     statement in the Datatracker lacks an SDO on one side).
//   - From and To: the groups' acronyms, joined with ", " (SDO groups by
//     their directory acronym, upper case otherwise; IETF working and
//     research groups in lower case, as the Datatracker writes them).
//   - Purpose, state and tags from their slugs: the tag "taken" is action
//     taken; action is required when the tag "required" is set or a
//     deadline is, and it is not taken. An unknown purpose is For
//     Information; an unknown state is an error (the statement is skipped).
//   - Contacts parsed leniently (datatracker.ParseAddresses) to bare
//     addresses; the submitter is from_contact (either form), else whoever
//     the submitted event names.
//   - Attachments: the names of the documents not flagged removed.
//   - Related: the first statement this one refers to that is imported.
//   - Submitted: the submitted event's time (else the first event's; zero
//     if there are no events); Updated: the last event's time.
//   - History: one event per Datatracker event (private comments left out),
//     with the state each state change leads to.
func StatementFromRecord(rec datatracker.StatementRecord, l Lookup) (*bot.Statement, []bot.Event, error) {
	st := rec.Statement
	s := &bot.Statement{
		DatatrackerID: st.ID,
		Title:         strings.TrimSpace(bot.StripInvisible(st.Title)),
		Body:          st.Body,
		Identifiers:   strings.TrimSpace(st.OtherIdentifiers),
	}
	if s.Title == "" {
		s.Title = "(untitled liaison statement " + strconv.FormatInt(st.ID, 10) + ")"
	}
	state := bot.State(st.State)
	if !state.Valid() {
		return nil, nil, fmt.Errorf("liaison statement %d: unknown state %q", st.ID, st.State)
	}
	s.State = state
	var ok bool
	if s.Purpose, ok = bot.ParsePurpose(st.Purpose); !ok {
		s.Purpose = bot.PurposeInfo
	}
	if st.Deadline != nil && !st.Deadline.IsZero() {
		s.Deadline = bot.Date{Y: st.Deadline.Year, M: int(st.Deadline.Month), D: st.Deadline.Day}
	}
	s.ActionTaken = st.HasTag(datatracker.TagActionTaken)
	s.ActionRequired = !s.ActionTaken && (st.HasTag(datatracker.TagActionRequired) || !s.Deadline.IsZero())

	fromSDO, toSDO := l.sdo(st.FromGroups), l.sdo(st.ToGroups)
	s.Direction = bot.Incoming
	other := fromSDO
	if len(fromSDO) == 0 && len(toSDO) > 0 {
		s.Direction, other = bot.Outgoing, toSDO
	}
	s.From, s.To = l.names(st.FromGroups), l.names(st.ToGroups)
	for _, id := range other {
		if o := l.org(id); o != nil {
			s.OrgID = o.ID
			break
		}
	}

	s.ResponseContacts = addresses(st.ResponseContacts)
	s.TechnicalContacts = addresses(st.TechnicalContacts)
	s.ToContacts = addresses(st.ToContacts)
	s.CC = addresses(st.CCContacts)
	s.ActionHolders = addresses(st.ActionHolderContacts)
	from := st.FromContact
	if from.IsZero() {
		from, _ = datatracker.ParseAddress(st.FromContactRaw)
	}
	s.SubmitterName, s.SubmitterEmail = from.Name, from.Email

	for _, a := range rec.Attachments {
		att := bot.Attachment{Title: a.DocumentName, URL: DocumentURL(a.DocumentName)}
		if a.DocumentName != "" && !slices.Contains(s.Attachments, att) {
			s.Attachments = append(s.Attachments, att)
		}
	}
	for _, r := range rec.Related {
		if r.SourceID != st.ID || r.TargetID == st.ID || l.Local == nil {
			continue
		}
		id, err := l.Local(r.TargetID)
		if err != nil {
			return nil, nil, err
		}
		if id != 0 {
			s.Related = id
			break
		}
	}

	events := l.events(rec.Events)
	s.Submitted = rec.Submitted
	if s.Submitted.IsZero() && len(rec.Events) > 0 {
		s.Submitted = rec.Events[0].Time
	}
	for _, e := range rec.Events {
		if e.Time.After(s.Updated) {
			s.Updated = e.Time
		}
	}
	if s.SubmitterName == "" && s.SubmitterEmail == "" {
		for _, e := range rec.Events {
			if e.Type == datatracker.EventSubmitted && e.ByPersonID > personSystem {
				s.SubmitterName = l.person(e.ByPersonID)
				break
			}
		}
	}
	s.Submitted, s.Updated = s.Submitted.UTC(), s.Updated.UTC()
	bot.CleanStatement(s)
	return s, events, nil
}

// sdo returns the ids of the SDO groups among ids.
func (l Lookup) sdo(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if g, ok := l.Groups[id]; ok && g.Type == "sdo" {
			out = append(out, id)
		}
	}
	return out
}

// orgByID returns the directory entry tied to the group's id, or nil.
func (l Lookup) orgByID(id int64) *bot.Organization {
	if l.Dir == nil {
		return nil
	}
	for _, o := range l.Dir.Orgs {
		if o.DatatrackerID == id {
			return o
		}
	}
	return nil
}

// org returns the directory entry of the group (its parent's for a
// sub-body the directory does not list), or nil.
func (l Lookup) org(id int64) *bot.Organization {
	if o := l.orgByID(id); o != nil {
		return o
	}
	if r := l.resolve(id); r.Org != nil {
		return r.Org
	}
	return nil
}

// resolve is the directory's reading of an SDO group the directory does
// not tie to its id: by its acronym or name, through the one resolver
// (bot.Directory.ResolveOrg), a sub-body it does not list as its parent's.
// Typo guesses are not taken.
func (l Lookup) resolve(id int64) bot.OrgRef {
	g, ok := l.Groups[id]
	if !ok || l.Dir == nil {
		return bot.OrgRef{}
	}
	for _, name := range []string{g.Acronym, g.Name} {
		if name == "" {
			continue
		}
		if r := l.Dir.ResolveOrg(name); r.Org != nil && !r.Guess {
			return r
		}
	}
	return bot.OrgRef{}
}

// names names the groups for From and To.
func (l Lookup) names(ids []int64) string {
	var out []string
	for _, id := range ids {
		g, ok := l.Groups[id]
		switch {
		case !ok || g.Acronym == "":
			out = append(out, "group "+strconv.FormatInt(id, 10))
		case g.Type == "sdo":
			switch r := l.resolve(id); {
			case l.orgByID(id) != nil:
				out = append(out, l.orgByID(id).Acronym)
			case r.Org != nil:
				out = append(out, r.Group) // "ITU-T SG5": the sub-body's name
			default:
				out = append(out, strings.ToUpper(g.Acronym))
			}
		case g.Type == "wg" || g.Type == "rg":
			out = append(out, g.Acronym)
		default:
			out = append(out, strings.ToUpper(g.Acronym))
		}
	}
	if len(out) == 0 {
		return "(unknown)"
	}
	return strings.Join(out, ", ")
}

func (l Lookup) person(id int64) string {
	if id <= personSystem {
		return ByDatatracker
	}
	if n := bot.StripInvisible(l.Persons[id]); n != "" {
		return n
	}
	return "Datatracker person " + strconv.FormatInt(id, 10)
}

// events maps the Datatracker's history, oldest first.
func (l Lookup) events(in []datatracker.StatementEvent) []bot.Event {
	var out []bot.Event
	state := bot.State("")
	for _, e := range in {
		ev := bot.Event{Time: e.Time.UTC(), ByKey: ByKeyDatatracker + ":" + strconv.FormatInt(e.ByPersonID, 10), By: l.person(e.ByPersonID)}
		from := state
		switch e.Type {
		case datatracker.EventSubmitted:
			ev.Type, state = bot.EventSubmitted, bot.StatePending
		case datatracker.EventApproved:
			ev.Type, state = bot.EventApproved, bot.StateApproved
		case datatracker.EventPosted:
			ev.Type, state = bot.EventPosted, bot.StatePosted
		case datatracker.EventKilled:
			ev.Type, state = bot.EventKilled, bot.StateDead
		case datatracker.EventResurrected:
			ev.Type, state = bot.EventResurrected, bot.StatePending
		case datatracker.EventModified:
			ev.Type, ev.Note = bot.EventModified, eventNote(e.Desc, "Statement Modified")
		case datatracker.EventPrivateComment:
			continue
		case datatracker.EventMsgIn:
			ev.Type, ev.Note = bot.EventComment, joinNonEmpty("message received", e.Desc)
		case datatracker.EventMsgOut:
			ev.Type, ev.Note = bot.EventComment, joinNonEmpty("message sent", e.Desc)
		case datatracker.EventResent:
			ev.Type, ev.Note = bot.EventComment, joinNonEmpty("resent", eventNote(e.Desc, "Statement Resent"))
		default: // comment, and anything new
			ev.Type, ev.Note = bot.EventComment, strings.TrimSpace(e.Desc)
		}
		ev.FromState, ev.ToState = from, state
		out = append(out, ev)
	}
	return out
}

// eventNote is the event's description unless it only repeats the type.
func eventNote(desc, boring string) string {
	desc = strings.TrimSpace(desc)
	if strings.EqualFold(desc, boring) {
		return ""
	}
	return desc
}

func joinNonEmpty(a, b string) string {
	if b = strings.TrimSpace(b); b == "" {
		return a
	}
	return a + ": " + b
}

// addresses parses a free-text contact field to bare addresses.
// addresses reads a Datatracker contact field as the bot reads any
// address list (names and name-only entries kept); a value it refuses is
// read leniently (datatracker.ParseAddresses) rather than lost.
func addresses(s string) bot.AddressList {
	if l, err := bot.ParseAddressList(s); err == nil {
		return l
	}
	var out bot.AddressList
	for _, a := range datatracker.ParseAddresses(s) {
		if a.Name != "" || a.Email != "" {
			out = append(out, bot.Address{Name: a.Name, Addr: a.Email})
		}
	}
	return out
}

// DocumentURL is the Datatracker's page of a document.
func DocumentURL(name string) string {
	return "https://datatracker.ietf.org/doc/" + url.PathEscape(name) + "/"
}

// MergeStatement applies the Datatracker's version up of a statement to the
// stored one: the result is up with the local id, version and snooze, and
// with action taken kept when it was marked here (the bot cannot tell the
// Datatracker). notes say what changed in words for the history and the
// channels ("state posted → dead"); silent reports changes worth saving
// that are no news (the names of the groups, the tie to the directory, the
// submitter).
func MergeStatement(local, up *bot.Statement) (merged *bot.Statement, notes []string, silent bool) {
	n := *up
	n.ID, n.Version, n.SnoozedUntil = local.ID, local.Version, local.SnoozedUntil
	n.SubmitterKey = local.SubmitterKey
	n.PriorApproval = local.PriorApproval
	if local.ActionTaken && !n.ActionTaken {
		n.ActionTaken, n.ActionRequired = true, false
	}
	if n.OrgID == 0 {
		n.OrgID = local.OrgID
	}
	if n.Submitted.IsZero() {
		n.Submitted = local.Submitted
	}
	if n.Updated.IsZero() || n.Updated.Before(local.Updated) {
		n.Updated = local.Updated
	}
	notes = StatementChanges(local, &n)
	silent = local.From != n.From || local.To != n.To || local.OrgID != n.OrgID || local.Direction != n.Direction ||
		local.SubmitterName != n.SubmitterName || local.SubmitterEmail != n.SubmitterEmail ||
		!local.Submitted.Equal(n.Submitted)
	return &n, notes, silent
}

// StatementChanges says, in short notes, how the Datatracker's version n
// of a statement differs from the stored one o.
func StatementChanges(o, n *bot.Statement) []string {
	var out []string
	if o.State != n.State {
		out = append(out, fmt.Sprintf("state %s → %s", o.State, n.State))
	}
	if o.ActionTaken != n.ActionTaken {
		out = append(out, "action-taken "+setCleared(n.ActionTaken)+" on the Datatracker")
	}
	if o.Deadline != n.Deadline {
		switch {
		case o.Deadline.IsZero():
			out = append(out, "deadline set to "+n.Deadline.String())
		case n.Deadline.IsZero():
			out = append(out, "deadline "+o.Deadline.String()+" removed")
		default:
			out = append(out, "deadline "+o.Deadline.String()+" → "+n.Deadline.String())
		}
	} else if o.ActionRequired != n.ActionRequired && o.ActionTaken == n.ActionTaken {
		out = append(out, "action-required "+setCleared(n.ActionRequired)+" on the Datatracker")
	}
	if o.Purpose != n.Purpose {
		out = append(out, "purpose "+o.Purpose.Label()+" → "+n.Purpose.Label())
	}
	if o.Title != n.Title {
		out = append(out, "title changed to “"+n.Title+"”")
	}
	if o.Body != n.Body {
		out = append(out, "body changed")
	}
	for _, a := range n.Attachments {
		if !slices.Contains(o.Attachments, a) {
			out = append(out, "attachment added: "+a.String())
		}
	}
	for _, a := range o.Attachments {
		if !slices.Contains(n.Attachments, a) {
			out = append(out, "attachment removed: "+a.String())
		}
	}
	if o.Related != n.Related {
		switch {
		case n.Related == 0:
			out = append(out, "no longer refers to "+bot.Ref(o.Related))
		default:
			out = append(out, "refers to "+bot.Ref(n.Related))
		}
	}
	if !slices.Equal(o.ResponseContacts, n.ResponseContacts) || !slices.Equal(o.TechnicalContacts, n.TechnicalContacts) ||
		!slices.Equal(o.ToContacts, n.ToContacts) || !slices.Equal(o.CC, n.CC) || !slices.Equal(o.ActionHolders, n.ActionHolders) {
		out = append(out, "contacts changed")
	}
	if o.Identifiers != n.Identifiers {
		out = append(out, "other identifiers changed")
	}
	return out
}

func setCleared(set bool) string {
	if set {
		return "set"
	}
	return "cleared"
}

// eventKey identifies an imported event, to import each once.
func eventKey(e bot.Event) string {
	return strconv.FormatInt(e.Time.UnixMilli(), 10) + "|" + string(e.Type) + "|" + e.ByKey + "|" + e.Note
}

// NewEvents returns the events of imported that history lacks.
func NewEvents(history, imported []bot.Event) []bot.Event {
	have := map[string]bool{}
	for _, e := range history {
		have[eventKey(e)] = true
	}
	var out []bot.Event
	for _, e := range imported {
		if k := eventKey(e); !have[k] {
			have[k] = true
			out = append(out, e)
		}
	}
	return out
}

// syncedEvent is the event a change from the Datatracker writes.
func syncedEvent(o, n *bot.Statement, notes []string, now time.Time) bot.Event {
	return bot.Event{Statement: n.ID, Time: now, Type: bot.EventSynced, ByKey: ByKeyDatatracker, By: ByDatatracker,
		FromState: o.State, ToState: n.State, Note: strings.Join(notes, "; ")}
}

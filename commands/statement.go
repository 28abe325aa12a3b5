package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// The Datatracker's page for a statement.
const datatrackerLiaisonURL = "https://datatracker.ietf.org/liaison/%d/"

// StatementMessage is "show": every field, the state and tags, the
// responsible people, the deadline, and the history.
func StatementMessage(s *bot.Statement, events []bot.Event, org *bot.Organization, d *bot.Directory, groups *bot.IETFGroups, today bot.Date) bot.Message {
	blocks := []bot.Block{bot.Header{Text: s.Ref() + ": " + s.Title}}
	var f []bot.Field
	add := func(label string, v bot.Text) {
		if len(v) > 0 && v.PlainString() != "" {
			f = append(f, bot.Field{Label: label, Value: v})
		}
	}
	add("State", bot.Words(bot.StateText(s)))
	add("Direction", bot.Words(bot.DirectionText(s)))
	add("Purpose", bot.Words(s.Purpose.Label()))
	add("Deadline", bot.Words(bot.DeadlineText(s, today)))
	if s.Related != 0 {
		add("In response to", bot.Line(bot.Code(bot.Ref(s.Related))))
	}
	resp := bot.Responsible(s, org, d)
	if len(resp) > 0 {
		add("Responsible", peopleList(resp))
	}
	if ap := approvalFor(s, groups); ap != nil {
		t := peopleList(ap.Approvers)
		if len(ap.Approvers) == 0 {
			t = bot.Words("the liaison managers or the IAB liaison coordinators")
		}
		if len(ap.Copied) > 0 {
			t = append(t, bot.Plain("; copied: "))
			t = append(t, peopleList(ap.Copied)...)
		}
		t = append(t, bot.Plain(" ("+ap.Source+")"))
		add("Approvers", t)
	}
	if ng := concludedGroups(s, groups); len(ng) > 0 {
		add("Concluded groups", bot.Words(strings.Join(ng, ", ")+" (concluded)"))
	}
	add("Submitted", bot.Words(SubmittedText(s)))
	add("Response contacts", mails(s.ResponseContacts))
	add("Technical contacts", mails(s.TechnicalContacts))
	add("Action holder contacts", mails(s.ActionHolders))
	add("To contacts", mails(s.ToContacts))
	add("Cc", mails(s.CC))
	add("Other identifiers", bot.Words(s.Identifiers))
	if len(s.Attachments) > 0 {
		var t bot.Text
		for i, a := range s.Attachments {
			if i > 0 {
				t = append(t, bot.Plain(", "))
			}
			switch {
			case a.URL == "":
				t = append(t, bot.Plain(a.Title))
			case a.Title == "":
				t = append(t, bot.Link(a.URL, a.URL))
			default:
				t = append(t, bot.Link(a.Title, a.URL))
			}
		}
		add("Attachments", t)
	}
	if s.DatatrackerID != 0 {
		u := fmt.Sprintf(datatrackerLiaisonURL, s.DatatrackerID)
		add("Datatracker", bot.Line(bot.Link(u, u)))
	}
	blocks = append(blocks, bot.Fields{Fields: f})
	if strings.TrimSpace(s.Body) != "" {
		blocks = append(blocks, bot.Quote{Text: s.Body})
	}
	if len(events) > 0 {
		var items []bot.Text
		for _, e := range events {
			items = append(items, eventText(e))
		}
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("History"))}, bot.List{Items: items})
	}
	if b := bot.NextMoves(s, true); len(b) > 0 {
		blocks = append(blocks, bot.Actions{Buttons: b})
	}
	return bot.Message{Blocks: blocks, Statement: s.ID, Summary: s.Ref() + ": " + s.Title + " (" + bot.StateText(s) + ")"}
}

func peopleList(ps []bot.Person) bot.Text {
	var t bot.Text
	for i, p := range ps {
		if i > 0 {
			t = append(t, bot.Plain(", "))
		}
		t = append(t, bot.Who(p))
	}
	return t
}

// mails shows an address list: "Jane Doe <jane@example.org>", a bare
// address, or a name marked "(no address)".
func mails(l bot.AddressList) bot.Text {
	var t bot.Text
	for i, a := range l {
		if i > 0 {
			t = append(t, bot.Plain(", "))
		}
		switch {
		case !a.HasAddr():
			t = append(t, bot.Plain(a.Name+" (no address)"))
		case a.Name != "":
			t = append(t, bot.Plain(a.Name+" <"), bot.Mail(a.Addr), bot.Plain(">"))
		default:
			t = append(t, bot.Mail(a.Addr))
		}
	}
	return t
}

// SubmittedText is when the statement was submitted and by whom, with
// when it was recorded for a back-dated record: "2026-10-02 by Jane Doe
// (recorded 2026-11-26)".
func SubmittedText(s *bot.Statement) string {
	sub := s.Submitted.UTC().Format("2006-01-02")
	if s.SubmitterName != "" {
		sub += " by " + s.SubmitterName
	}
	if s.BackDated() {
		sub += " (recorded " + s.Recorded.UTC().Format("2006-01-02") + ")"
	}
	return sub
}

// approvalFor is who approves an outgoing statement (RFC 4052 §4), nil
// for an incoming one.
func approvalFor(s *bot.Statement, groups *bot.IETFGroups) *bot.Approval {
	if s.Direction != bot.Outgoing {
		return nil
	}
	gs := s.FromGroups()
	if len(gs) == 0 {
		return nil
	}
	a := groups.Approval(gs[0])
	return &a
}

// concludedGroups are the statement's IETF groups that have concluded.
func concludedGroups(s *bot.Statement, groups *bot.IETFGroups) []string {
	var out []string
	for _, g := range s.IETFGroups() {
		if x, ok := groups.Resolve(g); ok && x.Concluded() {
			out = append(out, x.Display())
		}
	}
	return out
}

// eventText is one history line: "2026-11-26 14:02 UTC — approved by Jane: note".
func eventText(e bot.Event) bot.Text {
	what := string(e.Type)
	switch e.Type {
	case bot.EventTagged:
		what = "tagged " + string(e.Tag)
	case bot.EventUntagged:
		what = string(e.Tag) + " cleared"
	case bot.EventSnoozed:
		what = "reminders snoozed"
	case bot.EventComment:
		what = "comment"
	}
	s := e.Time.UTC().Format("2006-01-02 15:04") + " UTC — " + what
	if e.By != "" {
		s += " by " + e.By
	}
	if e.Note != "" {
		s += ": " + e.Note
	}
	return bot.Words(s)
}

// statementEntry is one statement in a list.
func statementEntry(s *bot.Statement, today bot.Date) []bot.Block {
	head := bot.Line(bot.Bold(s.Ref()), bot.Plain(" · "+bot.StateText(s)+" · "+s.Purpose.Label()))
	if !s.Deadline.IsZero() {
		head = append(head, bot.Plain(" · due "+bot.DeadlineText(s, today)))
	}
	head = append(head, bot.Plain("\n"+s.Title+" — "+s.From+" → "+s.To))
	blocks := []bot.Block{bot.Paragraph{Text: head}}
	if b := bot.NextMoves(s, false); len(b) > 0 {
		blocks = append(blocks, bot.Actions{Buttons: append([]bot.Button{{Label: "Show", Command: "show " + s.Ref()}}, b...)})
	}
	return blocks
}

// today is the calendar day for deadlines, in the configured time zone.
func (c *Call) today() bot.Date { return bot.Today(c.now(), c.r.Location) }

// formEnv is what form validation needs.
func (c *Call) formEnv(ctx context.Context, d *bot.Directory) bot.FormEnv {
	return bot.FormEnv{
		Today: c.today(),
		Dir:   d,
		Statement: func(id int64) (*bot.Statement, error) {
			return c.r.Store.Statement(ctx, id)
		},
		IETF: c.r.ietfGroups(ctx),
	}
}

// statementArg reads "LS-<n>" from the first word of the arguments and
// returns the rest.
func (c *Call) statementArg() (int64, string, error) {
	words := strings.SplitN(strings.TrimSpace(c.Args), " ", 2)
	if words[0] == "" {
		return 0, "", c.usageError("Which statement?")
	}
	id, ok := bot.ParseRef(words[0])
	if !ok {
		return 0, "", c.usageError(fmt.Sprintf("“%s” is not a statement reference like LS-12.", echo(words[0])))
	}
	rest := ""
	if len(words) > 1 {
		rest = strings.TrimSpace(words[1])
	}
	return id, rest, nil
}

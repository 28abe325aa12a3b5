package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// A person's liaison work: what their home view (Slack's App Home) shows,
// and who a change concerns so that their home view is refreshed.

// HomeHandler renders the home view of a request's actor; it never fails
// (a failure is a view that says so).
type HomeHandler interface {
	Home(ctx context.Context, req *Request) Message
}

// NoticeHome is an outbox row that refreshes a person's home view: it
// carries no message; the platform renders the view as it is when the
// row is delivered.
const NoticeHome = "home"

// HomeLimit is the most statements one part of the home view lists (a
// Slack view holds 100 blocks; each statement takes two).
const HomeLimit = 10

// Work is a person's liaison work.
type Work struct {
	// Approve are the pending statements waiting for their approval (or,
	// incoming, for their word to record them), soonest deadline first.
	Approve []*Statement
	// Action are the approved statements and those awaiting action where
	// they owe the next step, soonest deadline first.
	Action []*Statement
	// Submitted are their own open submissions not listed above.
	Submitted []*Statement
}

// Owes reports whether the person owes the next step of s: they are among
// the people reminders about it go to (Responsible; for an incoming
// statement waiting to be recorded, Recorders), an IAB liaison coordinator
// counting where the coordinators are named.
func Owes(p *Person, s *Statement, org *Organization, d *Directory) bool {
	if p == nil || p.Email == "" || d == nil {
		return false
	}
	for _, q := range owers(s, org, d) {
		if SameEmail(q.Email, p.Email) {
			return true
		}
	}
	return false
}

// owers are the people who owe the next step of s, the coordinators named
// one by one.
func owers(s *Statement, org *Organization, d *Directory) []Person {
	var who []Person
	if s.Direction == Incoming && s.State == StatePending {
		who = Recorders(org, d)
	} else {
		who = Responsible(s, org, d)
	}
	coord := d.CoordinatorsAsPerson()
	var out []Person
	for _, q := range who {
		if SameEmail(q.Email, coord.Email) {
			out = append(out, d.Coordinators.People...)
			continue
		}
		out = append(out, q)
	}
	return out
}

// YourWork sorts open statements (in the order given) into the actor's
// work; an actor not tied to a directory person has only submissions.
func YourWork(a Actor, open []*Statement, d *Directory) Work {
	var w Work
	for _, s := range open {
		if !s.Open() {
			continue
		}
		var org *Organization
		if d != nil {
			org = d.StatementOrg(s)
		}
		switch {
		case s.State == StatePending && Owes(a.Person, s, org, d):
			w.Approve = append(w.Approve, s)
		case s.State != StatePending && Owes(a.Person, s, org, d):
			w.Action = append(w.Action, s)
		case IsSubmitter(a, s):
			w.Submitted = append(w.Submitted, s)
		}
	}
	return w
}

// HomeView is the home view of a person's work, "Your liaison work": each
// statement with its buttons, at most HomeLimit a part (the rest counted,
// with the command that lists them).
func HomeView(a Actor, w Work, today Date) Message {
	blocks := []Block{Header{Text: "Your liaison work"}}
	if a.Person == nil {
		blocks = append(blocks, Context{Text: Line(Plain("Your chat account is not tied to a directory person, so only your own submissions are here. "),
			Code("link me <your email>"), Plain(" ties it."))})
	} else {
		blocks = append(blocks, Context{Text: Words("As of " + today.String() + " · " + a.Person.Label())})
	}
	part := func(title, empty string, list []*Statement, more string) {
		blocks = append(blocks, Divider{}, Paragraph{Text: Line(Bold(fmt.Sprintf("%s (%d)", title, len(list))))})
		if len(list) == 0 {
			blocks = append(blocks, Context{Text: Words(empty)})
			return
		}
		for i, s := range list {
			if i == HomeLimit {
				blocks = append(blocks, Context{Text: Line(Plain(fmt.Sprintf("…and %d more: ", len(list)-HomeLimit)), Code(more))})
				break
			}
			blocks = append(blocks, homeEntry(s, today)...)
		}
	}
	part("Waiting for your approval", "Nothing waits for your approval.", w.Approve, "list pending")
	part("Your action items", "You hold no action on any statement.", w.Action, "list mine")
	part("Your submissions", "No open statements submitted by you.", w.Submitted, "list mine")
	blocks = append(blocks, Divider{}, Context{Text: Line(Plain("Submit a statement with "), Code("/liaison submit"),
		Plain("; "), Code("/liaison help"), Plain(" lists everything I can do."))})
	n := len(w.Approve) + len(w.Action)
	return Message{Blocks: blocks, Summary: fmt.Sprintf("Your liaison work: %s", plural(n, "open item"))}
}

// homeEntry is one statement of the home view: its reference, state,
// purpose and deadline, its title and sides, and its buttons.
func homeEntry(s *Statement, today Date) []Block {
	head := Line(Bold(s.Ref()), Plain(" · "+StateText(s)+" · "+s.Purpose.Label()))
	if !s.Deadline.IsZero() {
		head = append(head, Plain(" · due "+DeadlineText(s, today)))
	}
	head = append(head, Plain("\n"+strings.Join(strings.Fields(s.Title), " ")+" — "+s.From+" → "+s.To))
	return []Block{Paragraph{Text: head}, Actions{Buttons: withShow(s, NextMoves(s, false))}}
}

// HomeRefresh is the notice that refreshes the home views a change of s
// concerns, on the platforms with home views: those of whoever owes its
// next step before or after the change, its submitter, and whoever made
// the change, when they are tied to a directory person (a home view is
// published anyway each time its person opens it: the refresh is for the
// views people keep open, and most of them are of people who act). ok is
// false when none of them is.
func (a Audience) HomeRefresh(s *Statement, events []Event, org *Organization, d *Directory) (n Notice, ok bool) {
	if len(a.Homes) == 0 || !Announced(events) || d == nil {
		return Notice{}, false
	}
	var people []Person
	people = append(people, owers(s, org, d)...)
	if b := statementBefore(s, events); b.State != "" {
		people = append(people, owers(b, org, d)...)
	}
	if s.SubmitterEmail != "" {
		people = append(people, Person{Email: s.SubmitterEmail})
	}
	keys := map[string]bool{}
	if s.SubmitterKey != "" {
		keys[s.SubmitterKey] = true
	}
	for _, e := range events {
		if e.ByKey != "" {
			keys[e.ByKey] = true
		}
	}
	var targets []Target
	seen := map[Target]bool{}
	add := func(t Target) {
		if t.User != "" && !seen[t] {
			seen[t] = true
			targets = append(targets, t)
		}
	}
	for _, pl := range a.Homes {
		for _, p := range people {
			for _, u := range chatUsers(p, pl, d) {
				add(Target{Platform: pl, User: u})
			}
		}
		for k := range keys {
			if u, ok := strings.CutPrefix(k, pl+":"); ok && d.Linked[k] != nil {
				add(Target{Platform: pl, User: u})
			}
		}
	}
	sortTargets(targets)
	return Notice{Kind: NoticeHome, Data: NoticeData{Subject: Subject(s)}, Targets: targets}, len(targets) > 0
}

// chatUsers are the person's chat users on the platform: their own, and
// those of every linked account with their email.
func chatUsers(p Person, platform string, d *Directory) []string {
	var out []string
	if u := p.ChatUser(platform); u != "" {
		out = append(out, u)
	}
	if p.Email == "" {
		return out
	}
	for key, q := range d.Linked {
		if u, ok := strings.CutPrefix(key, platform+":"); ok && SameEmail(q.Email, p.Email) {
			out = append(out, u)
		}
	}
	return out
}

// sortTargets orders targets by platform, channel and user, so that the
// same change writes the same rows.
func sortTargets(ts []Target) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].String() < ts[j].String() })
}

// statementBefore is s as it was before events: their first from-state,
// the tags they set or cleared undone.
func statementBefore(s *Statement, events []Event) *Statement {
	b := *s
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		switch e.Type {
		case EventTagged, EventUntagged:
			set := e.Type == EventUntagged // the tag's value before
			switch e.Tag {
			case TagActionTaken:
				b.ActionTaken = set
			case TagActionRequired:
				b.ActionRequired = set
			}
		case EventSubmitted:
			b.State = ""
			continue
		}
		if e.FromState != "" {
			b.State = e.FromState
		}
	}
	return &b
}

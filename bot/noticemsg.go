package bot

import (
	"strings"
)

// The messages of notices: changes announced in channels, reminders and
// nudges. Adapters render them like any other message.

// statementLines are the lines every notice about a statement starts with:
// "LS-12: title", then direction, purpose and deadline.
func statementLines(s *Statement, today Date, prefix string) []Block {
	head := Line(Bold(prefix + s.Ref() + ": " + s.Title))
	facts := DirectionText(s) + " · " + s.Purpose.Label()
	if !s.Deadline.IsZero() {
		facts += " · deadline " + DeadlineText(s, today)
	}
	return []Block{Paragraph{Text: head}, Context{Text: Words(facts)}}
}

func peopleText(ps []Person) Text {
	var t Text
	for i, p := range ps {
		if i > 0 {
			t = append(t, Plain(", "))
		}
		t = append(t, Who(p))
	}
	return t
}

func withShow(s *Statement, buttons []Button) []Button {
	return append([]Button{{Label: "Show", Command: "show " + s.Ref()}}, buttons...)
}

// ChangeNotice announces a change: what happened (old → new state, who,
// their note), the statement's facts, who owes the next step, and the next
// moves.
func ChangeNotice(s *Statement, events []Event, org *Organization, d *Directory, today Date) Message {
	blocks := statementLines(s, today, "")
	what, by, notes := describeChange(s, events)
	line := Line(Plain(what))
	if by != "" {
		line = append(line, Plain(" by "+by))
	}
	blocks = append(blocks, Paragraph{Text: append(line, Plain("."))})
	if len(notes) > 0 {
		blocks = append(blocks, Quote{Text: strings.Join(notes, "\n")})
	}
	if next := NextStepLine(s, peopleText(Responsible(s, org, d))); next != nil {
		blocks = append(blocks, Paragraph{Text: next})
	}
	blocks = append(blocks, Actions{Buttons: withShow(s, NextMoves(s, true))})
	return Message{Blocks: blocks, Statement: s.ID, Public: true, Summary: s.Ref() + ": " + what + " — " + s.Title}
}

// describeChange says in words what a change's events did.
func describeChange(s *Statement, events []Event) (what, by string, notes []string) {
	var parts []string
	for _, e := range events {
		if by == "" {
			by = e.By
		}
		switch e.Type {
		case EventSubmitted:
			parts = append(parts, "submitted")
		case EventApproved, EventPosted, EventKilled, EventResurrected:
			if len(parts) == 1 && parts[0] == "submitted" && e.Type == EventPosted {
				parts[0] = "submitted and posted"
			} else {
				parts = append(parts, string(e.FromState)+" → "+string(e.ToState))
			}
			if e.Note != "" {
				notes = append(notes, e.Note)
			}
		case EventTagged, EventUntagged:
			tag, note := e.Tag, e.Note
			switch {
			case e.Type == EventTagged && tag == TagActionTaken:
				parts = append(parts, "marked action taken")
			case e.Type == EventTagged && tag == TagActionRequired:
				if !strings.HasPrefix(strings.Join(parts, ","), "submitted") {
					parts = append(parts, "action required")
				}
			case e.Type == EventUntagged && tag == TagActionRequired:
				// implied by "action taken"
			default:
				parts = append(parts, string(tag)+" cleared")
			}
			if note != "" {
				notes = append(notes, note)
			}
		case EventSynced:
			parts = append(parts, "updated from the Datatracker")
			if e.Note != "" {
				notes = append(notes, e.Note)
			}
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "changed")
	}
	what = strings.Join(parts, ", ")
	return strings.ToUpper(what[:1]) + what[1:] + " (now " + StateText(s) + ")", by, notes
}

// ThreadParent is the first message of a statement's thread in a channel,
// kept up to date with its current state.
func ThreadParent(s *Statement, org *Organization, d *Directory, today Date) Message {
	blocks := statementLines(s, today, "")
	blocks = append(blocks, Paragraph{Text: Line(Plain("State: "), Bold(StateText(s)))})
	if next := NextStepLine(s, peopleText(Responsible(s, org, d))); next != nil {
		blocks = append(blocks, Paragraph{Text: next})
	}
	blocks = append(blocks, Actions{Buttons: withShow(s, NextMoves(s, true))})
	return Message{Blocks: blocks, Statement: s.ID, Public: true, Summary: s.Ref() + ": " + s.Title + " (" + StateText(s) + ")"}
}

// ReminderNotice is an automatic reminder: what is due and by when, for
// whom, with "Action taken", "Snooze 7 days" and "Show".
func ReminderNotice(r Reminder, s *Statement, org *Organization, d *Directory, today Date) Message {
	blocks := []Block{Paragraph{Text: Line(Bold("⏰ " + r.Subject(s.Ref())))}}
	blocks = append(blocks, statementLines(s, today, "")...)
	who := ReminderRecipients(r, s, org, d)
	if len(who) > 0 {
		label := "For: "
		if r.Kind == RemindEscalation {
			label = "Escalated to: "
			if resp := Responsible(s, org, d); len(resp) > 0 {
				blocks = append(blocks, Paragraph{Text: append(Line(Plain("Responsible: ")), peopleText(resp)...)})
			}
		}
		blocks = append(blocks, Paragraph{Text: append(Line(Plain(label)), peopleText(who)...)})
	}
	var buttons []Button
	switch r.Kind {
	case RemindApproval:
		buttons = append(buttons, Button{Label: "Approve", Command: "approve " + s.Ref(), Style: StylePrimary})
	default:
		if _, err := Transition(s, MoveTaken); err == nil {
			buttons = append(buttons, Button{Label: "Action taken", Command: "taken " + s.Ref(), Style: StylePrimary})
		}
	}
	buttons = append(buttons, Button{Label: "Snooze 7 days", Command: "snooze " + s.Ref() + " 7"},
		Button{Label: "Show", Command: "show " + s.Ref()})
	blocks = append(blocks, Actions{Buttons: buttons})
	return Message{Blocks: blocks, Statement: s.ID, Summary: r.Subject(s.Ref()), Mentions: true}
}

// NudgeNotice is a manual nudge with the sender's message.
func NudgeNotice(n Nudge, s *Statement, org *Organization, d *Directory, today Date) Message {
	blocks := []Block{Paragraph{Text: Line(Bold("👉 " + n.By + " nudges " + s.Ref()))}}
	blocks = append(blocks, statementLines(s, today, "")...)
	if n.Message != "" {
		blocks = append(blocks, Quote{Text: n.Message})
	}
	to := n.To
	if len(to) == 0 {
		to = Responsible(s, org, d)
	}
	if len(to) > 0 {
		blocks = append(blocks, Paragraph{Text: append(Line(Plain("Waiting on: ")), peopleText(to)...)})
	}
	blocks = append(blocks, Actions{Buttons: withShow(s, NextMoves(s, true))})
	return Message{Blocks: blocks, Statement: s.ID, Summary: n.By + " nudges " + s.Ref() + ": " + s.Title, Mentions: true}
}

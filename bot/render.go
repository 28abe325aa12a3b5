package bot

import "fmt"

// StateText is "pending", "posted · action required", ...
func StateText(s *Statement) string {
	t := string(s.State)
	switch {
	case s.ActionTaken:
		t += " · action taken"
	case s.ActionRequired && s.State != StateDead: // a dead statement awaits nothing
		t += " · action required"
	}
	if !s.SnoozedUntil.IsZero() {
		t += " · reminders snoozed until " + s.SnoozedUntil.String()
	}
	return t
}

// DeadlineText is "2027-01-15 (in 50 days)", "… (today)", "… (3 days overdue)".
func DeadlineText(s *Statement, today Date) string {
	if s.Deadline.IsZero() {
		return ""
	}
	return s.Deadline.String() + " (" + dueWords(s.Deadline.DaysUntil(today), s.ActionTaken) + ")"
}

func dueWords(days int, taken bool) string {
	switch {
	case taken && days < 0:
		return fmt.Sprintf("%s ago", plural(-days, "day"))
	case days == 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days > 1:
		return "in " + plural(days, "day")
	case days == -1:
		return "1 day overdue"
	}
	return fmt.Sprintf("%d days overdue", -days)
}

// DirectionText is "Outgoing: opsawg → 3GPP".
func DirectionText(s *Statement) string {
	d := "Outgoing"
	if s.Direction == Incoming {
		d = "Incoming"
	}
	return d + ": " + s.From + " → " + s.To
}

// NextMoves are the buttons for the moves a statement's state allows.
func NextMoves(s *Statement, withReply bool) []Button {
	var out []Button
	ref := s.Ref()
	for _, m := range AllowedMoves(s) {
		switch m {
		case MoveApprove:
			out = append(out, Button{Label: "Approve", Command: "approve " + ref, Style: StylePrimary})
		case MovePost:
			if s.Direction == Incoming && s.State == StatePending {
				continue // "Approve" records it
			}
			out = append(out, Button{Label: "Mark posted", Command: "post " + ref})
		case MoveTaken:
			out = append(out, Button{Label: "Action taken", Command: "taken " + ref, Style: StylePrimary})
		case MoveReopen:
			out = append(out, Button{Label: "Reopen", Command: "reopen " + ref})
		}
	}
	if s.Open() {
		out = append(out, Button{Label: "Nudge", Command: "nudge " + ref},
			Button{Label: "Snooze 7 days", Command: "snooze " + ref + " 7"})
	}
	if withReply && s.State == StatePosted {
		out = append(out, Button{Label: "Reply", Command: "reply " + ref})
	}
	return out
}

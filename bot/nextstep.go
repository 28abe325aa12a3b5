package bot

// AwaitedResponse says in words what a posted statement waits for: "a
// response from 3GPP by 2027-01-15" (the addressee answers, whichever the
// direction); "" when it waits for nothing (not posted, no action
// required, action taken, dead).
func AwaitedResponse(s *Statement) string {
	if s.State != StatePosted || !s.ActionRequired || s.ActionTaken {
		return ""
	}
	w := "a response from " + s.To
	if !s.Deadline.IsZero() {
		w += " by " + s.Deadline.String()
	}
	return w
}

// NextStepLine is the "Next step: …" line of a statement whose
// responsible people are written as people: the response awaited from the
// other side, followed up by them, once the statement is posted; else
// the people themselves. Nil when nobody owes anything.
func NextStepLine(s *Statement, people Text) Text {
	if w := AwaitedResponse(s); w != "" {
		line := Line(Plain("Next step: " + w))
		if len(people) > 0 {
			line = append(append(line, Plain(", followed up by ")), people...)
		}
		return append(line, Plain("."))
	}
	if len(people) == 0 {
		return nil
	}
	return append(Line(Plain("Next step: ")), people...)
}

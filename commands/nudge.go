package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func nudgeCommand() *Definition {
	return &Definition{
		Name:    "nudge",
		Aliases: []string{"remind", "ping"},
		Usage:   "nudge LS-<n> [message]",
		Summary: "remind whoever owes the statement's next step, now, with your message (once a day per statement)",
		Help: "The reminder goes to each responsible person by direct message when their chat account is linked, " +
			"else to the liaison channel naming them. Coordinators and admins are not limited.",
		Examples: []string{"nudge LS-12 the plenary is next week", "nudge LS-12"},
		Run:      runNudge,
	}
}

func runNudge(ctx context.Context, c *Call) (*bot.Response, error) {
	id, msg, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	if len(msg) > 2000 {
		return nil, bot.Errorf(bot.EINVALID, "That message is too long (at most 2000 characters).")
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	now := c.now()
	var s *bot.Statement
	var to []bot.Person
	err = c.r.Audience.Update(ctx, c.r.Store, func(tx bot.Tx) error {
		var err error
		s, err = tx.Statement(id)
		if err != nil {
			return err
		}
		org := d.StatementOrg(s)
		to = bot.Responsible(s, org, d)
		if len(to) == 0 {
			return bot.Errorf(bot.EINVALID, "%s is %s: nobody owes a next step, so there is nobody to nudge.", s.Ref(), bot.StateText(s))
		}
		history, err := tx.Events(id)
		if err != nil {
			return err
		}
		if err := bot.MayNudge(c.Actor, s, org, d, history, now); err != nil {
			return err
		}
		return tx.Nudge(s, bot.Nudge{By: c.Actor.Label(), Message: msg, To: to},
			bot.Event{Statement: s.ID, Time: now, Type: bot.EventNudged, ByKey: c.Actor.Key(), By: c.Actor.Label(),
				FromState: s.State, ToState: s.State, Note: msg})
	})
	if err != nil {
		return nil, err
	}
	t := bot.Line(bot.Plain("Nudged " + s.Ref() + ": "))
	t = append(t, peopleList(to)...)
	t = append(t, bot.Plain("."))
	blocks := []bot.Block{bot.Paragraph{Text: t}}
	if !c.r.Audience.Enabled() {
		blocks = append(blocks, bot.Context{Text: bot.Words("The nudge is recorded in the history; no chat platform is configured here, so nobody was messaged.")})
	}
	return reply(bot.Reply(blocks...)), nil
}

func snoozeCommand() *Definition {
	return &Definition{
		Name:     "snooze",
		Usage:    "snooze LS-<n> <days>",
		Summary:  "pause the automatic reminders for a number of days (escalation to the coordinators still happens)",
		Help:     "For the people responsible for the statement, the IAB liaison coordinators and admins. “snooze LS-12 0” ends a snooze.",
		Examples: []string{"snooze LS-12 7"},
		Run:      runSnooze,
	}
}

// MaxSnoozeDays bounds a snooze.
const MaxSnoozeDays = 90

func runSnooze(ctx context.Context, c *Call) (*bot.Response, error) {
	id, rest, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	days, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "days")), "d"))
	if err != nil || days < 0 || days > MaxSnoozeDays {
		return nil, c.usageError(fmt.Sprintf("Give a number of days from 0 to %d.", MaxSnoozeDays))
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	today := c.today()
	var s *bot.Statement
	err = c.r.Audience.Update(ctx, c.r.Store, func(tx bot.Tx) error {
		cur, err := tx.Statement(id)
		if err != nil {
			return err
		}
		org := d.StatementOrg(cur)
		if err := bot.MaySnooze(c.Actor, cur, org, d); err != nil {
			return err
		}
		if !cur.Open() {
			return bot.Errorf(bot.EINVALID, "%s is %s: it gets no reminders to snooze.", cur.Ref(), bot.StateText(cur))
		}
		n := *cur
		note := "reminders resumed"
		if days == 0 {
			n.SnoozedUntil = bot.Date{}
		} else {
			n.SnoozedUntil = today.AddDays(days)
			note = "until " + n.SnoozedUntil.String()
		}
		n.Updated = c.now()
		s = &n
		return tx.Save(&n, bot.Event{Statement: n.ID, Time: c.now(), Type: bot.EventSnoozed, ByKey: c.Actor.Key(), By: c.Actor.Label(),
			FromState: n.State, ToState: n.State, Note: note})
	})
	if err != nil {
		return nil, err
	}
	if days == 0 {
		return reply(bot.Say(bot.Plain("Reminders for " + s.Ref() + " resume."))), nil
	}
	return reply(bot.Say(bot.Plain(fmt.Sprintf("Automatic reminders for %s are paused until %s. Escalation to the IAB liaison coordinators still happens if it is overdue.", s.Ref(), s.SnoozedUntil)))), nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

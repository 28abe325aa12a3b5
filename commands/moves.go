package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func moveCommands() []*Definition {
	return []*Definition{
		moveCommand(bot.MoveApprove, "approve LS-<n> [note]", "approve a pending outgoing statement, or record a pending incoming one as posted", nil),
		moveCommand(bot.MovePost, "post LS-<n> [note]", "record that an approved (or pre-approved) statement was sent", []string{"posted", "send", "sent"}),
		moveCommand(bot.MoveTaken, "taken LS-<n> [note]", "the requested action or response is done (clears action-required)", []string{"done"}),
		moveCommand(bot.MoveKill, "kill LS-<n> <reason>", "kill a pending or approved statement (its submitter may withdraw it while pending)", []string{"withdraw"}),
		moveCommand(bot.MoveReopen, "reopen LS-<n> [note]", "bring a dead statement back to pending", []string{"resurrect"}),
	}
}

func moveCommand(m bot.Move, usage, summary string, aliases []string) *Definition {
	ex := "LS-12"
	if m == bot.MoveKill {
		ex = "LS-12 superseded by LS-14"
	}
	return &Definition{
		Name:     string(m),
		Aliases:  aliases,
		Usage:    usage,
		Summary:  summary,
		Examples: []string{string(m) + " " + ex},
		Run: func(ctx context.Context, c *Call) (*bot.Response, error) {
			return runMove(ctx, c, m)
		},
	}
}

// runMove checks the permission and the state machine and applies the move,
// with its events, in one transaction; a move that posts an In Response
// statement also marks the statement it answers action-taken.
func runMove(ctx context.Context, c *Call, m bot.Move) (*bot.Response, error) {
	id, note, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	if len(note) > 2000 {
		return nil, bot.Errorf(bot.EINVALID, "That note is too long (at most 2000 characters).")
	}
	now := c.now()
	var before, after, answered *bot.Statement
	var mails []bot.Email
	err = c.r.Audience.Update(ctx, c.r.Store, func(tx bot.Tx) error {
		s, err := tx.Statement(id)
		if err != nil {
			return err
		}
		before = s
		var groupApprovers []bot.Person
		if ap := approvalFor(s, c.r.ietfGroups(ctx)); ap != nil {
			groupApprovers = ap.Approvers
		}
		if err := bot.MayMove(c.Actor, s, d.StatementOrg(s), d, m, groupApprovers...); err != nil {
			return err
		}
		n, events, err := bot.ApplyMove(s, m, c.Actor, note, now)
		if err != nil {
			return err
		}
		if err := tx.Save(n, events...); err != nil {
			return err
		}
		after = n
		// Posting an outgoing statement mails it; reopening one asks
		// its approvers again.
		if mails, err = tx.Mail(n, events, d.StatementOrg(n), d); err != nil {
			return err
		}
		if n.State == bot.StatePosted && s.State != bot.StatePosted { // posted, or an incoming one approved
			answered, err = bot.MarkAnswered(tx, n, c.Actor, now)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	org := d.StatementOrg(after)
	what := fmt.Sprintf("%s “%s”: %s → %s.", after.Ref(), after.Title, before.State, bot.StateText(after))
	if m == bot.MoveTaken {
		what = fmt.Sprintf("%s “%s” is marked action taken.", after.Ref(), after.Title)
	}
	blocks := []bot.Block{bot.Paragraph{Text: bot.Words(what)}}
	if note != "" {
		blocks = append(blocks, bot.Context{Text: bot.Words("Note: " + note)})
	}
	blocks = append(blocks, mailBlocks(mails, c.r.Audience.Mail.Send)...)
	if next := bot.NextStepLine(after, peopleList(bot.Responsible(after, org, d))); next != nil {
		blocks = append(blocks, bot.Paragraph{Text: next})
	}
	if answered != nil {
		blocks = append(blocks, bot.Context{Text: bot.Words(answered.Ref() + " is now marked action taken: " + after.Ref() + " answers it.")})
	}
	if b := bot.NextMoves(after, true); len(b) > 0 {
		blocks = append(blocks, bot.Actions{Buttons: append([]bot.Button{{Label: "Show", Command: "show " + after.Ref()}}, b...)})
	}
	return reply(bot.Message{Blocks: blocks, Statement: after.ID, Summary: strings.TrimSuffix(what, ".")}), nil
}

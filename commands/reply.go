package commands

import (
	"context"

	"github.com/ietf-tools/liaisonbot/bot"
)

func replyCommand() *Definition {
	return &Definition{
		Name:     "reply",
		Aliases:  []string{"respond"},
		Usage:    "reply LS-<n>",
		Summary:  "open the form for a response: From and To swapped, purpose In Response, the statement linked",
		Examples: []string{"reply LS-12"},
		Run:      runReply,
	}
}

func runReply(ctx context.Context, c *Call) (*bot.Response, error) {
	id, _, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	orig, err := c.r.Store.Statement(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.r.openForm(ctx, c.Request, "Reply to "+orig.Ref(), bot.ReplyValues(orig))
}

package commands

import (
	"context"

	"github.com/ietf-tools/liaisonbot/bot"
)

func showCommand() *Definition {
	return &Definition{
		Name:     "show",
		Aliases:  []string{"ls"},
		Usage:    "show LS-<n>",
		Summary:  "one statement: every field, its state, who is responsible, its deadline and its history",
		Examples: []string{"show LS-12"},
		Run:      runShow,
	}
}

func runShow(ctx context.Context, c *Call) (*bot.Response, error) {
	id, _, err := c.statementArg()
	if err != nil {
		return nil, err
	}
	s, err := c.r.Store.Statement(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := c.r.Store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	m := StatementMessage(s, events, d.StatementOrg(s), d, c.r.ietfGroups(ctx), c.today())
	return reply(bot.WithWebLink(m, s.Ref(), bot.StatementURL(c.r.PublicURL, s.ID))), nil
}

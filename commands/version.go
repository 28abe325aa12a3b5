package commands

import (
	"context"

	"github.com/ietf-tools/liaisonbot/bot"
)

func versionCommand() *Definition {
	return &Definition{
		Name:     "version",
		Usage:    "version",
		Summary:  "which liaisonbot is answering",
		Examples: []string{"version"},
		Run: func(ctx context.Context, c *Call) (*bot.Response, error) {
			v := c.r.Version
			if v == "" {
				v = "(development build)"
			}
			return reply(bot.Say(bot.Plain("liaisonbot " + v))), nil
		},
	}
}

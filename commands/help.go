package commands

import (
	"context"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func helpCommand() *Definition {
	return &Definition{
		Name:     "help",
		Aliases:  []string{"?", "commands"},
		Usage:    "help [command]",
		Summary:  "what the bot can do, or how one command works",
		Examples: []string{"help", "help submit"},
		Run:      runHelp,
		Quick:    always,
	}
}

func runHelp(ctx context.Context, c *Call) (*bot.Response, error) {
	if w := strings.TrimSpace(c.Args); w != "" {
		d := c.r.Lookup(strings.Fields(w)[0])
		if d == nil {
			return nil, c.r.unknown(strings.Fields(w)[0])
		}
		return reply(c.r.answers.answer(nil, "help\x00"+d.Name, c.now(), func() (bot.Message, time.Time) {
			return bot.Reply(commandHelp(d)...), time.Time{}
		})), nil
	}
	return reply(c.r.answers.answer(nil, "help", c.now(), func() (bot.Message, time.Time) {
		return helpMessage(c.r), time.Time{}
	})), nil
}

// helpMessage lists every command.
func helpMessage(r *Router) bot.Message {
	var items []bot.Text
	for _, d := range r.defs {
		line := bot.Line(bot.Code(d.Usage), bot.Plain(" — "+d.Summary))
		if len(d.Aliases) > 0 {
			line = append(line, bot.Plain(" (also: "+strings.Join(d.Aliases, ", ")+")"))
		}
		if len(d.Examples) > 0 {
			line = append(line, bot.Plain(". Example: "), bot.Code(d.Examples[0]))
		}
		items = append(items, line)
	}
	return bot.Reply(
		bot.Header{Text: "liaisonbot — the IETF liaison process in chat"},
		bot.Paragraph{Text: bot.Words("Find the right liaison contact, submit and follow liaison statements. Commands:")},
		bot.List{Items: items},
		bot.Context{Text: bot.Line(bot.Plain("“help <command>” explains one command. Statements are named LS-<n>."))},
	)
}

// commandHelp is the detailed help of one command.
func commandHelp(d *Definition) []bot.Block {
	blocks := []bot.Block{
		bot.Header{Text: d.Name},
		bot.Paragraph{Text: bot.Line(bot.Code(d.Usage), bot.Plain(" — "+d.Summary))},
	}
	if d.Help != "" {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words(d.Help)})
	}
	if len(d.Aliases) > 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words("Also: " + strings.Join(d.Aliases, ", "))})
	}
	if len(d.Examples) > 0 {
		var ex []bot.Text
		for _, e := range d.Examples {
			ex = append(ex, bot.Line(bot.Code(e)))
		}
		blocks = append(blocks, bot.Paragraph{Text: bot.Words("Examples:")}, bot.List{Items: ex})
	}
	return blocks
}

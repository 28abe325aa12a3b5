package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

func orgsCommand() *Definition {
	return &Definition{
		Name:     "orgs",
		Aliases:  []string{"organizations"},
		Usage:    "orgs [history [organization] [page <n>]]",
		Summary:  "organizations with a liaison relationship, and their IETF liaison managers",
		Examples: []string{"orgs", "orgs history 3GPP"},
		Run:      runOrgs,
		Quick:    func(args string) bool { return strings.TrimSpace(args) == "" },
	}
}

func runOrgs(ctx context.Context, c *Call) (*bot.Response, error) {
	if first, rest, _ := strings.Cut(strings.TrimSpace(c.Args), " "); strings.EqualFold(first, "history") {
		return runOrgsHistory(ctx, c, rest)
	}
	if strings.TrimSpace(c.Args) != "" {
		return nil, c.usageError("")
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	return reply(c.r.answers.answer(d, "orgs", c.now(), func() (bot.Message, time.Time) {
		return OrgsMessage(d), time.Time{}
	})), nil
}

// OrgsMessage lists the directory: organizations with a relationship and
// their managers, then the others by acronym.
func OrgsMessage(d *bot.Directory) bot.Message {
	var formal, informal []bot.Text
	var others []string
	for _, o := range d.Orgs {
		switch o.Relationship {
		case bot.RelFormal:
			formal = append(formal, orgLine(o))
		case bot.RelInformal:
			informal = append(informal, orgLine(o))
		default:
			others = append(others, o.Acronym)
		}
	}
	blocks := []bot.Block{bot.Header{Text: fmt.Sprintf("Organizations in the liaison directory (%d)", len(d.Orgs))}}
	if len(formal) > 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("Formal liaison relationships"))}, bot.List{Items: formal})
	}
	if len(informal) > 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("Informal relationships"))}, bot.List{Items: informal})
	}
	if len(others) > 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Line(bot.Bold("Other organizations (no formal relationship on record): "),
			bot.Plain(strings.Join(others, ", ")))})
	}
	blocks = append(blocks, bot.Context{Text: bot.Line(bot.Plain("IAB liaison coordinators: "), bot.Mail(coordEmail(d)),
		bot.Plain(". "), bot.Code("contact <organization>"), bot.Plain(" gives the details."))})
	return bot.Message{Blocks: blocks, Summary: "Organizations in the liaison directory"}
}

func orgLine(o *bot.Organization) bot.Text {
	t := bot.Line(bot.Bold(o.Acronym))
	if o.Name != "" && !strings.EqualFold(o.Name, o.Acronym) {
		t = append(t, bot.Plain(" — "+o.Name))
	}
	t = append(t, bot.Plain(": "))
	if len(o.Managers) == 0 {
		return append(t, bot.Italic("manager not on record (the coordinators handle it)"))
	}
	for i, p := range o.Managers {
		if i > 0 {
			t = append(t, bot.Plain(", "))
		}
		t = append(t, bot.Who(p))
	}
	return t
}

package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// PageSize is how many statements a list page shows: with their buttons, a
// page fits in one Slack message (50 blocks).
const PageSize = 10

func listCommand() *Definition {
	return &Definition{
		Name:     "list",
		Usage:    "list [open|pending|overdue|mine|all] [org <name>] [page <n>]",
		Summary:  "statements, soonest deadline first (open ones by default)",
		Examples: []string{"list", "list overdue", "list mine", "list open org 3GPP", "list all page 2"},
		Run:      runList,
	}
}

func runList(ctx context.Context, c *Call) (*bot.Response, error) {
	q := bot.ListQuery{Filter: bot.ListOpen, Today: c.today(), Page: 1, PageSize: PageSize}
	words := bot.SplitWords(c.Args)
	orgName := ""
	for i := 0; i < len(words); i++ {
		w := strings.ToLower(words[i])
		switch w {
		case "open", "pending", "overdue", "mine", "all":
			q.Filter = bot.ListFilter(w)
		case "org", "organization", "with":
			if i+1 >= len(words) {
				return nil, c.usageError("Which organization?")
			}
			// The organization runs up to the next keyword.
			j := i + 1
			for j < len(words) && strings.ToLower(words[j]) != "page" {
				j++
			}
			orgName = strings.Join(words[i+1:j], " ")
			i = j - 1
		case "page":
			if i+1 >= len(words) {
				return nil, c.usageError("Which page?")
			}
			n, err := strconv.Atoi(words[i+1])
			if err != nil || n < 1 || n > 100000 {
				return nil, c.usageError(fmt.Sprintf("“%s” is not a page number.", echo(words[i+1])))
			}
			q.Page = n
			i++
		default:
			return nil, c.usageError(fmt.Sprintf("I don't understand “%s”.", echo(words[i])))
		}
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	var org *bot.Organization
	if orgName != "" {
		m := d.Matcher().Match(orgName)
		switch {
		case m.Org != nil:
			org = m.Org
			q.OrgID = org.ID
		case len(m.Candidates) > 0:
			return reply(didYouMean(orgName, m.Candidates, "list "+string(q.Filter)+" org")), nil
		default:
			return nil, bot.Errorf(bot.ENOTFOUND, "No organization in the directory matches “%s”.", echo(orgName))
		}
	}
	if q.Filter == bot.ListMine {
		q.MineKey = c.Actor.Key()
		if c.Actor.Person != nil {
			q.MineMail = c.Actor.Person.Email
			q.MineOrgs = bot.MineOrgs(c.Actor, d)
		}
	}
	list, more, err := c.r.Store.ListStatements(ctx, q)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s statements", strings.ToUpper(string(q.Filter[:1]))+string(q.Filter[1:]))
	if q.Filter == bot.ListMine {
		title = "Your open statements"
	}
	if org != nil {
		title += " with " + org.Acronym
	}
	if q.Page > 1 {
		title += fmt.Sprintf(" (page %d)", q.Page)
	}
	next := "list " + string(q.Filter)
	if org != nil {
		next += " org " + org.Acronym
	}
	next += fmt.Sprintf(" page %d", q.Page+1)
	return reply(ListMessage(title, list, more, next, c.today())), nil
}

// ListMessage renders one page of statements.
func ListMessage(title string, list []*bot.Statement, more bool, next string, today bot.Date) bot.Message {
	blocks := []bot.Block{bot.Header{Text: title}}
	if len(list) == 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words("None.")})
	}
	for _, s := range list {
		blocks = append(blocks, statementEntry(s, today)...)
	}
	if more {
		blocks = append(blocks, bot.Context{Text: bot.Line(bot.Plain("More: "), bot.Code(next))})
	}
	return bot.Message{Blocks: blocks, Summary: title}
}

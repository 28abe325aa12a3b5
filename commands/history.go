package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

// HistoryPageSize is how many changes a page of "orgs history" shows.
const HistoryPageSize = 20

// runOrgsHistory answers "orgs history [org] [page <n>]": the directory's
// changes (who, when, what), newest first, of one organization or of all.
// arg is what follows "history".
func runOrgsHistory(ctx context.Context, c *Call, arg string) (*bot.Response, error) {
	words := bot.SplitWords(arg)
	page := 1
	if n := len(words); n >= 2 && strings.EqualFold(words[n-2], "page") {
		p, err := strconv.Atoi(words[n-1])
		if err != nil || p < 1 || p > 100000 {
			return nil, bot.Errorf(bot.EINVALID, "“%s” is not a page number. Usage: orgs history [organization] [page <n>]", echo(words[n-1]))
		}
		page, words = p, words[:n-2]
	}
	q := strings.Join(words, " ")
	var orgID int64
	var names []string
	title := "Directory history"
	next := "orgs history"
	fuzzy := ""
	if q != "" {
		d, err := c.directory(ctx)
		if err != nil {
			return nil, err
		}
		m := d.Matcher().Match(q)
		switch {
		case m.Org != nil:
			orgID, names = m.Org.ID, append([]string{m.Org.Acronym}, m.Org.Aliases...)
			title += " of " + m.Org.Acronym
			next += " " + quoteWord(m.Org.Acronym)
			if !m.Exact {
				fuzzy = fmt.Sprintf("Closest match to “%s”.", echo(q))
			}
		case len(m.Candidates) > 0:
			return reply(didYouMean(q, m.Candidates, "orgs history")), nil
		default:
			// Maybe an organization that was removed: its changes are
			// recorded under its acronym.
			names = []string{q}
			title += " of " + q
			next += " " + quoteWord(q)
		}
	}
	changes, more, err := c.r.Store.DirectoryHistory(ctx, orgID, names, page, HistoryPageSize)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 && page == 1 && q != "" && orgID == 0 {
		return nil, bot.Errorf(bot.ENOTFOUND, "No organization in the directory matches “%s”, and none by that name was ever changed.", echo(q))
	}
	if page > 1 {
		title += fmt.Sprintf(" (page %d)", page)
	}
	blocks := []bot.Block{bot.Header{Text: title}}
	if fuzzy != "" {
		blocks = append(blocks, bot.Context{Text: bot.Words(fuzzy)})
	}
	if len(changes) == 0 {
		blocks = append(blocks, bot.Paragraph{Text: bot.Words("No recorded changes.")})
	} else {
		items := make([]bot.Text, len(changes))
		for i, ch := range changes {
			items[i] = bot.Words(ch.Time.UTC().Format("2006-01-02 15:04") + " UTC — " + ch.By + ": " + ch.Change)
		}
		blocks = append(blocks, bot.List{Items: items}, bot.Context{Text: bot.Words("Newest first.")})
	}
	if more {
		blocks = append(blocks, bot.Actions{Buttons: []bot.Button{{Label: "Older changes", Command: fmt.Sprintf("%s page %d", next, page+1)}}})
	}
	return reply(bot.Message{Blocks: blocks, Summary: title}), nil
}

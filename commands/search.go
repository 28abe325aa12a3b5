package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func searchCommand() *Definition {
	return &Definition{
		Name:     "search",
		Aliases:  []string{"find-statement"},
		Usage:    "search <words> [page <n>]",
		Summary:  "statements whose title, body, contacts or identifiers contain every word (newest first)",
		Examples: []string{"search YANG models", "search SG15 page 2"},
		Run:      runSearch,
	}
}

func runSearch(ctx context.Context, c *Call) (*bot.Response, error) {
	words := strings.Fields(c.Args)
	page := 1
	if n := len(words); n >= 2 && strings.EqualFold(words[n-2], "page") {
		p, err := strconv.Atoi(words[n-1])
		if err == nil && p > 0 && p <= 10000 {
			page = p
			words = words[:n-2]
		}
	}
	q := strings.Join(words, " ")
	if strings.TrimSpace(q) == "" {
		return nil, c.usageError("Search for what?")
	}
	if len(q) > 500 {
		return nil, bot.Errorf(bot.EINVALID, "That search is too long; a few words are enough.")
	}
	list, more, err := c.r.Store.SearchStatements(ctx, q, page, PageSize)
	if err != nil {
		return nil, err
	}
	title := fmt.Sprintf("Statements matching “%s”", echo(q))
	if page > 1 {
		title += fmt.Sprintf(" (page %d)", page)
	}
	return reply(ListMessage(title, list, more, fmt.Sprintf("search %s page %d", q, page+1), c.today())), nil
}

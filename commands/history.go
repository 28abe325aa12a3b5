package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
)

// DirectoryChange is one entry of the directory's history: an alias of the
// unnamed struct storage.DirectoryChange is an alias of, so that the two
// are the same type without either package importing the other.
type DirectoryChange = struct {
	Time   time.Time
	By     string
	Org    string // the organization's acronym at the time ("" for the coordinators)
	Change string
}

// DirectoryHistory is what "orgs history" needs from the store besides
// Store (storage.DB implements it): one page of changes, newest first, to
// the organization with the id or, for older entries, one of the names;
// every change when the id is 0 and there are no names.
type DirectoryHistory interface {
	DirectoryHistory(ctx context.Context, orgID int64, names []string, page, pageSize int) ([]DirectoryChange, bool, error)
}

// HistoryPageSize is how many changes a page of "orgs history" shows.
const HistoryPageSize = 20

// runOrgsHistory answers "orgs history [org] [page <n>]": the directory's
// changes (who, when, what), newest first, of one organization or of all.
// arg is what follows "history".
func runOrgsHistory(ctx context.Context, c *Call, arg string) (*bot.Response, error) {
	hs, ok := c.r.Store.(DirectoryHistory)
	if !ok {
		return nil, bot.Internal("orgs history", errors.New("the store keeps no directory history"))
	}
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
	changes, more, err := hs.DirectoryHistory(ctx, orgID, names, page, HistoryPageSize)
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

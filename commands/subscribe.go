package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

func subscribeCommands() []*Definition {
	return []*Definition{
		{
			Name:     "subscribe",
			Usage:    "subscribe [organization|all]",
			Summary:  "this channel gets a notice on every submission, state change and tag change (of one organization, or all); admins, coordinators and liaison managers",
			Examples: []string{"subscribe 3GPP", "subscribe all"},
			Run:      func(ctx context.Context, c *Call) (*bot.Response, error) { return runSubscribe(ctx, c, true) },
		},
		{
			Name:     "unsubscribe",
			Usage:    "unsubscribe [organization|all]",
			Summary:  "stop this channel's notices (for one organization, or the “all” subscription); admins, coordinators and liaison managers",
			Examples: []string{"unsubscribe 3GPP", "unsubscribe all"},
			Run:      func(ctx context.Context, c *Call) (*bot.Response, error) { return runSubscribe(ctx, c, false) },
		},
		{
			Name:     "subscriptions",
			Usage:    "subscriptions",
			Summary:  "what this channel gets notices about",
			Examples: []string{"subscriptions"},
			Run:      runSubscriptions,
		},
	}
}

// channelKey is how notices address the channel a request came from (its
// adapter says: see bot.Channel.Key).
func channelKey(req *bot.Request) (string, error) {
	if req.Channel.DM || req.Platform == bot.PlatformConsole {
		return "", bot.Errorf(bot.EINVALID, "Subscriptions belong to channels: run this in the channel that should get the notices.")
	}
	k := req.Channel.Key
	if k == "" {
		return "", bot.Errorf(bot.EINVALID, "I can't tell which channel this is; run it in the channel itself.")
	}
	return k, nil
}

func runSubscribe(ctx context.Context, c *Call, on bool) (*bot.Response, error) {
	ch, err := channelKey(c.Request)
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	if err := bot.MaySubscribe(c.Actor, d); err != nil {
		return nil, err
	}
	arg := strings.TrimSpace(c.Args)
	var org *bot.Organization
	if arg != "" && !strings.EqualFold(arg, "all") {
		m := d.Matcher().Match(arg)
		switch {
		case m.Org != nil:
			org = m.Org
		case len(m.Candidates) > 0:
			return reply(didYouMean(arg, m.Candidates, c.Def.Name)), nil
		default:
			return nil, bot.Errorf(bot.ENOTFOUND, "No organization in the directory matches “%s”.", echo(arg))
		}
	}
	var id int64
	what := "every organization"
	if org != nil {
		id, what = org.ID, org.Acronym
	}
	var changed bool
	if on {
		changed, err = c.r.Store.Subscribe(ctx, c.Platform, ch, id, c.Actor.Label())
	} else {
		changed, err = c.r.Store.Unsubscribe(ctx, c.Platform, ch, id)
	}
	if err != nil {
		return nil, err
	}
	var msg string
	switch {
	case on && changed:
		msg = fmt.Sprintf("This channel now gets a notice on every submission, state change and tag change of statements with %s.", what)
	case on:
		msg = fmt.Sprintf("This channel already follows statements with %s.", what)
	case changed:
		msg = fmt.Sprintf("This channel no longer gets notices about statements with %s.", what)
	default:
		msg = fmt.Sprintf("This channel was not subscribed to %s; “subscriptions” lists what it follows.", what)
	}
	m := bot.Say(bot.Plain(msg))
	m.Public = true
	return reply(m), nil
}

func runSubscriptions(ctx context.Context, c *Call) (*bot.Response, error) {
	ch, err := channelKey(c.Request)
	if err != nil {
		return nil, err
	}
	ids, err := c.r.Store.Subscriptions(ctx, c.Platform, ch)
	if err != nil {
		return nil, err
	}
	d, err := c.directory(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	all := false
	for _, id := range ids {
		if id == 0 {
			all = true
			continue
		}
		if o := d.Org(id); o != nil {
			names = append(names, o.Acronym)
		} else {
			names = append(names, fmt.Sprintf("(removed organization %d)", id))
		}
	}
	sort.Strings(names)
	var lines []bot.Block
	switch {
	case c.r.Audience.IsLiaisonChannel(c.Platform, ch):
		lines = append(lines, bot.Paragraph{Text: bot.Words("This is the liaison channel: it gets every notice.")})
	case all:
		lines = append(lines, bot.Paragraph{Text: bot.Words("This channel follows statements with every organization.")})
	case len(names) > 0:
		lines = append(lines, bot.Paragraph{Text: bot.Words("This channel follows statements with: " + strings.Join(names, ", ") + ".")})
	default:
		lines = append(lines, bot.Paragraph{Text: bot.Line(bot.Plain("This channel gets no notices. "), bot.Code("subscribe <organization>"), bot.Plain(" or "), bot.Code("subscribe all"), bot.Plain(" changes that."))})
	}
	if all && len(names) > 0 {
		lines = append(lines, bot.Context{Text: bot.Words("Also listed one by one: " + strings.Join(names, ", ") + ".")})
	}
	return reply(bot.Reply(lines...)), nil
}

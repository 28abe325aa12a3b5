package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/ietf-tools/liaisonbot/bot"
)

// linkCommand is "link <user> <email>": ties a chat user to a directory
// person, so that they are mentioned as themselves and reminded by DM.
func linkCommand() *Definition {
	return &Definition{
		Name:    "link",
		Usage:   "link <user> <email>",
		Summary: "tie a chat user to a directory person (admins; anyone for themselves, with the email their platform reports)",
		Help: "The user is a mention (Slack: @name; Zulip: @**Name**, picked from the list so that it carries the user's id), " +
			"“me” for yourself, or platform:id (slack:U123, zulip:42). The bot links people by the email their platform " +
			"reports on their first command; this is for when it cannot. You may link yourself only to the address your " +
			"platform reports for you; admins may link anyone to any address.",
		Examples: []string{"link me jane@example.org", "link @Jane jane@example.org", "link zulip:42 jane@example.org"},
		Run:      runLink,
	}
}

func runLink(ctx context.Context, c *Call) (*bot.Response, error) {
	args := strings.TrimSpace(c.Args)
	i := strings.LastIndexFunc(args, unicode.IsSpace)
	if i < 0 {
		return nil, c.usageError("Whom, and which email address?")
	}
	who, addr := strings.TrimSpace(args[:i]), emailArg(args[i+1:])
	if !bot.ValidEmail(addr) {
		return nil, c.usageError(fmt.Sprintf("“%s” is not a valid email address.", echo(addr)))
	}
	platform := c.Actor.Platform
	if platform == "" {
		platform = c.Platform
	}
	u, err := ParseUser(platform, who)
	if err != nil {
		return nil, err
	}
	if u.Me {
		u.Platform, u.ID, u.Name = platform, c.Actor.UserID, c.Actor.Name
	}
	self := u.Platform == platform && u.ID == c.Actor.UserID
	if self && u.Name == "" {
		u.Name = c.Actor.Name
	}
	u.Name = bot.StripInvisible(u.Name)
	if err := bot.MayLink(c.Actor, self, addr); err != nil {
		return nil, err
	}
	p, err := c.r.Store.LinkChat(ctx, u.Platform, u.ID, addr, u.Name, c.Actor.Label())
	if err != nil {
		return nil, err
	}
	subject := bot.ChatUser(u.ID)
	if u.Platform != platform {
		subject = bot.Code(u.Platform + ":" + u.ID)
	}
	line := bot.Line(bot.Plain("Linked "), subject, bot.Plain(" to "), bot.Who(*p), bot.Plain("."))
	blocks := []bot.Block{bot.Paragraph{Text: line}}
	if d, err := c.directory(ctx); err == nil {
		if roles := rolesOf(d, p.Email); roles != "" {
			blocks = append(blocks, bot.Paragraph{Text: bot.Words("In the directory: " + roles + ". Reminders for these now come by direct message.")})
		}
	}
	return reply(bot.Message{Blocks: blocks, Summary: "Linked " + u.ID + " to " + p.Email}), nil
}

// rolesOf says what the person with the address is in the directory:
// "liaison manager for 3GPP, IAB liaison coordinator".
func rolesOf(d *bot.Directory, email string) string {
	var parts []string
	var manages, contact []string
	for _, o := range d.Orgs {
		for _, p := range o.Managers {
			if bot.SameEmail(p.Email, email) {
				manages = append(manages, o.Acronym)
			}
		}
		for _, p := range o.Contacts {
			if bot.SameEmail(p.Email, email) {
				contact = append(contact, o.Acronym)
			}
		}
	}
	if len(manages) > 0 {
		parts = append(parts, "IETF liaison manager for "+strings.Join(manages, ", "))
	}
	if len(contact) > 0 {
		parts = append(parts, "liaison contact of "+strings.Join(contact, ", "))
	}
	if d.IsCoordinator(email) {
		parts = append(parts, "IAB liaison coordinator")
	}
	return strings.Join(parts, "; ")
}

// ChatUserRef is a chat user as a command names them.
type ChatUserRef struct {
	Me       bool   // "me": whoever runs the command
	Platform string // "slack", "zulip", "console"
	ID       string // the platform's user id
	Name     string // the display name, when the mention carries one
}

var (
	// Slack: <@U123> or, in slash-command text, <@U123|name>.
	slackMention = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$`)
	slackID      = regexp.MustCompile(`^@?([UW][A-Z0-9]{2,})$`)
	// Zulip: @**Full Name|42**, or the silent @_**Full Name|42**.
	zulipMention = regexp.MustCompile(`^@_?\*\*(.*?)(?:\|(\d+))?\*\*$`)
	numericID    = regexp.MustCompile(`^\d+$`)
	platformID   = regexp.MustCompile(`^(slack|zulip|console):(\S+)$`)
)

// ParseUser reads how a user is written on the platform: "me"; a Slack
// mention (<@U123>, or <@U123|name> as slash commands send it) or id
// (U123); a Zulip mention with its id (@**Name|42**, @_**Name|42**) or id
// (42); on the console, the user id itself (an email address, or "local");
// on any platform, platform:id.
func ParseUser(platform, s string) (ChatUserRef, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "Whom? Write a mention, “me”, or platform:id (slack:U123, zulip:42).")
	case strings.EqualFold(s, "me") || strings.EqualFold(s, "myself"):
		return ChatUserRef{Me: true}, nil
	}
	if m := platformID.FindStringSubmatch(s); m != nil {
		return ChatUserRef{Platform: m[1], ID: m[2]}, nil
	}
	switch platform {
	case bot.PlatformSlack:
		if m := slackMention.FindStringSubmatch(s); m != nil {
			return ChatUserRef{Platform: platform, ID: m[1], Name: strings.TrimSpace(m[2])}, nil
		}
		if m := slackID.FindStringSubmatch(s); m != nil {
			return ChatUserRef{Platform: platform, ID: m[1]}, nil
		}
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a Slack user: mention them (@name) and pick them from the list.", echo(s))
	case bot.PlatformZulip:
		if m := zulipMention.FindStringSubmatch(s); m != nil {
			if m[2] == "" {
				return ChatUserRef{}, bot.Errorf(bot.EINVALID, "That mention of %s carries no user id: pick them from the mention list, so that it reads @**%s|<id>**, or write zulip:<id>.", m[1], m[1])
			}
			return ChatUserRef{Platform: platform, ID: m[2], Name: strings.TrimSpace(m[1])}, nil
		}
		if numericID.MatchString(s) {
			return ChatUserRef{Platform: platform, ID: s}, nil
		}
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a Zulip user: mention them (@**Name**, picked from the list) or write zulip:<id>.", echo(s))
	}
	if strings.ContainsAny(s, " \t\n") {
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a user id.", echo(s))
	}
	return ChatUserRef{Platform: platform, ID: strings.TrimPrefix(s, "@")}, nil
}

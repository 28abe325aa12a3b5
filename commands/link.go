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
	u, err := ParseUser(c.Request, who)
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
	Me bool // "me": whoever runs the command
	bot.UserRef
}

// platformID is the way to name a user of any platform: platform:id.
var platformID = regexp.MustCompile(`^(slack|zulip|console):(\S+)$`)

// ParseUser reads a user as a command names them: "me"; platform:id on any
// platform (slack:U123, zulip:42); else as the platform writes users (its
// adapter's req.ParseUser: a mention, an id), and where it has no syntax
// of its own (the console), the user id itself (an email address, or
// "local").
func ParseUser(req *bot.Request, s string) (ChatUserRef, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "Whom? Write a mention, “me”, or platform:id (slack:U123, zulip:42).")
	case strings.EqualFold(s, "me") || strings.EqualFold(s, "myself"):
		return ChatUserRef{Me: true}, nil
	}
	if m := platformID.FindStringSubmatch(s); m != nil {
		return ChatUserRef{UserRef: bot.UserRef{Platform: m[1], ID: m[2]}}, nil
	}
	if req.ParseUser != nil {
		u, err := req.ParseUser(s)
		return ChatUserRef{UserRef: u}, err
	}
	if strings.ContainsAny(s, " \t\n") {
		return ChatUserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a user id.", echo(s))
	}
	return ChatUserRef{UserRef: bot.UserRef{Platform: req.Platform, ID: strings.TrimPrefix(s, "@")}}, nil
}

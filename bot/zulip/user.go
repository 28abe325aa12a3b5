package zulip

import (
	"regexp"
	"strings"

	"github.com/ietf-tools/liaisonbot/bot"
)

var (
	// A mention: @**Full Name|42**, or the silent @_**Full Name|42**.
	userMention = regexp.MustCompile(`^@_?\*\*(.*?)(?:\|(\d+))?\*\*$`)
	numericID   = regexp.MustCompile(`^\d+$`)
)

// ParseUser reads a user as Zulip writes one in a command: a mention
// picked from the list, which carries the user's id (@**Name|42**,
// @_**Name|42**), or the id itself (42). It is the bot.Request's ParseUser
// of every Zulip request.
func ParseUser(s string) (bot.UserRef, error) {
	s = strings.TrimSpace(s)
	if m := userMention.FindStringSubmatch(s); m != nil {
		if m[2] == "" {
			return bot.UserRef{}, bot.Errorf(bot.EINVALID, "That mention of %s carries no user id: pick them from the mention list, so that it reads @**%s|<id>**, or write zulip:<id>.", m[1], m[1])
		}
		return bot.UserRef{Platform: bot.PlatformZulip, ID: m[2], Name: strings.TrimSpace(m[1])}, nil
	}
	if numericID.MatchString(s) {
		return bot.UserRef{Platform: bot.PlatformZulip, ID: s}, nil
	}
	return bot.UserRef{}, bot.Errorf(bot.EINVALID, "“%s” is not a Zulip user: mention them (@**Name**, picked from the list) or write zulip:<id>.", bot.Echo(s))
}
